"""The benchmark cases, defined once for ``bench_explorers.py`` and ``browser_latency.py``.

One case per explorer of ``widgets.explorers``: the factory, its keyword arguments, and the moves of a
realistic session, one control at a time: ``(control name, value)``, in order. Both benchmarks
compare the explorer against the naive re-plot of the same picture (``naive.py``), which is made from
the same factory and keyword arguments, so a case says nothing about how its picture is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

import numpy as np

from widgets.explorers import (
    autodiff_explorer,
    chain_rule_explorer,
    difference_error_explorer,
    gradient_explorer,
    hessian_explorer,
    identity_check_explorer,
    jacobian_explorer,
    linearization_explorer,
    matrix_gradient_explorer,
    secant_explorer,
    taylor_explorer,
)


@dataclass(frozen=True)
class Case:
    """An explorer (``factory(**kwargs)``) and the moves (control name, value) made on it, in order."""

    factory: Callable
    moves: list[tuple[str, object]]
    kwargs: dict = field(default_factory=dict)
    #: the kernel's target for the median move at devicePixelRatio 1 (ms); None: the benchmark's default
    target_median_ms: float | None = None

    @property
    def name(self) -> str:
        return self.factory.__name__

    def make(self):
        """A new explorer as the case starts it."""
        return self.factory(**self.kwargs)


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def _matrix_moves() -> list[tuple[str, object]]:
    """Slide along rows and columns, change the shapes, switch the example."""
    moves: list[tuple[str, object]] = [("col", c) for c in range(1, 7)] + [("row", r) for r in range(1, 5)]
    moves += [("M", 4), ("N", 3)] + [("col", c) for c in range(1, 13)]
    moves += [("example", "5.12"), ("M", 2), ("N", 4)] + [("col", c) for c in range(1, 9)]
    moves += [("row", 2), ("example", "5.13"), ("M", 3), ("N", 2), ("row", 3), ("col", 4)]
    return moves


_sweep16 = np.linspace(0.0, 1.0, 16)
_sweep20 = np.linspace(0.0, 1.0, 20)

CASES: list[Case] = [
    # section 5.1
    Case(secant_explorer, [("h", v) for v in _floats(np.geomspace(2.0, 1e-3, 30))]
         + [("x0", v) for v in _floats(np.linspace(-0.5, 2.5, 20))]),
    Case(taylor_explorer, [("n", n) for n in range(0, 21)] + [("x0", v) for v in _floats(np.linspace(-2.5, 2.5, 25))]),
    Case(difference_error_explorer, [("h", v) for v in _floats(np.geomspace(1e-15, 0.5, 25))]
         + [("x0", v) for v in _floats(np.linspace(-2.5, 2.5, 20))]),
    # sections 5.2 and 5.3
    Case(gradient_explorer, [("x", v) for v in _floats(-1.8 + 3.6 * _sweep16)]
         + [("y", v) for v in _floats(1.8 - 3.6 * _sweep16)] + [("theta", v) for v in _floats(2 * np.pi * _sweep16)]),
    Case(chain_rule_explorer, [("t", v) for v in _floats(np.linspace(0.0, 2 * np.pi, 48))]),
    Case(jacobian_explorer, [("x", v) for v in _floats(0.2 + 1.6 * _sweep16)]
         + [("y", v) for v in _floats(0.2 + 2.6 * _sweep16)] + [("size", v) for v in _floats(np.logspace(-2, 0, 16))],
         kwargs={"preset": "polar"}),
    # sections 5.4 and 5.5
    Case(matrix_gradient_explorer, _matrix_moves()),
    Case(identity_check_explorer, [("h", v) for v in _floats(np.logspace(-10, -1, 10))]
         + [("M", m) for m in (1, 2, 4, 5, 3)] + [("N", n) for n in (1, 2, 4, 5, 3)] + [("seed", s) for s in range(1, 6)]
         + [("identity", k) for k in ("5.100", "5.104", "5.106", "5.108", "5.103")]),
    # section 5.6
    Case(autodiff_explorer, [("x", v) for v in _floats(np.round(np.linspace(-1.8, 1.8, 24), 2))]
         + [("step", k) for k in range(0, 15)] + [("x", v) for v in _floats(np.round(np.linspace(1.5, -0.5, 9), 2))]),
    # sections 5.7 and 5.8
    Case(hessian_explorer, [("x", v) for v in _floats(-1.6 + 3.2 * _sweep20)]
         + [("y", v) for v in _floats(1.6 - 3.2 * _sweep20)] + [("x", v) for v in _floats(1.2 - 1.2 * _sweep20[:10])]),
    Case(linearization_explorer, [("x", v) for v in _floats(-0.5 + 3.0 * _sweep20)]
         + [("y", v) for v in _floats(0.5 + 3.0 * _sweep20)] + [("order", k) for k in (1, 2, 3, 2, 1, 3, 2, 3, 1, 2)],
         # the largest canvas: the most pixels to compare and encode on every move
         target_median_ms=30.0),
]


def values_after_moves(case: Case) -> list[dict]:
    """The values of every control of the case's explorer after each of its moves (what the naive re-plot
    of that move is drawn at), found by making the moves on a new explorer."""
    explorer = case.make()
    try:
        after = []
        for name, value in case.moves:
            explorer.controls[name].value = value
            after.append({key: control.value for key, control in explorer.controls.items()})
        return after
    finally:
        explorer.close()

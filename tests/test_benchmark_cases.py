"""The benchmarks' cases (benchmarks/cases.py) and their naive baseline (benchmarks/naive.py).

Every explorer the package exports is benchmarked, and the naive re-plot a move is compared with draws
the explorer's own picture at the values after that move, then lets everything go.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib.util
import io
import re
import sys
from pathlib import Path

import ipywidgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

import widgets.explorers as explorers  # noqa: E402
from widgets.explorers import Explorer  # noqa: E402
from widgets.explorers import canvas as canvas_module  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str):
    """Import benchmarks/<name>.py under a name of its own (benchmarks/ is not a package)."""
    module_name = f"benchmark_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module   # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[module_name]


cases = _load("cases")
naive = _load("naive")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_every_exported_explorer_is_benchmarked():
    exported = {name for name, value in vars(explorers).items() if name.endswith("_explorer") and callable(value)}
    classes = [value for value in vars(explorers).values()
               if isinstance(value, type) and issubclass(value, Explorer) and value is not Explorer]
    assert len(classes) >= 11 and exported
    for cls in classes:   # each explorer class is made by its factory, which is what the cases list
        assert _snake(cls.__name__) in exported, f"{cls.__name__} has no factory {_snake(cls.__name__)}()"
    names = [case.name for case in cases.CASES]
    assert len(names) == len(set(names)), "a case is listed twice"
    assert set(names) == exported, f"missing: {exported - set(names)}; unknown: {set(names) - exported}"
    for case in cases.CASES:
        assert getattr(explorers, case.name) is case.factory
        assert len(case.moves) >= 20, f"{case.name}: too few moves for a median and a p95"


def test_naive_baseline_draws_the_explorers_picture_after_the_move_and_leaks_nothing():
    case = next(c for c in cases.CASES if c.name == "secant_explorer")
    case = dataclasses.replace(case, moves=case.moves[:11])   # the first eleven are enough
    after = cases.values_after_moves(case)
    assert len(after) == len(case.moves)
    values = after[10]   # h moved from 1 to about 0.15, x0 not yet
    assert case.moves[10][0] == "h" and 0.05 < values["h"] < 0.5 and values["x0"] == 1.0

    explorer = case.make()
    try:
        default_png = explorer.snapshot_png()
        explorer.set_values(**values)
        own_png = explorer.snapshot_png()
    finally:
        explorer.close()

    gc.collect()
    figures, canvases = plt.get_fignums(), len(canvas_module.OPEN)
    gc.disable()   # the explorer must be closed, not merely collected
    try:
        result = naive.naive_png(case.factory, case.kwargs, values)
        assert len(canvas_module.OPEN) == canvases, "the naive re-plot did not close its explorer"
    finally:
        gc.enable()
    gc.collect()
    assert plt.get_fignums() == figures, "the naive re-plot left a pyplot figure open"
    assert len(canvas_module.OPEN) == canvases, "the naive re-plot left an explorer's canvas open"

    own, picture = _pixels(own_png), _pixels(result.png)
    assert picture.shape == own.shape   # the same size as the explorer's own snapshot
    # One Axes: constrained layout settles in one pass, so the picture is the explorer's, pixel for pixel.
    assert np.array_equal(picture, own)
    assert not np.array_equal(picture, _pixels(default_png)), "the move must change the picture"
    assert result.unset == {} and result.message == ""
    assert result.renders >= 1 and result.ms > 0 and result.widget_ms > 0
    assert set(result.parts) == {"make", "set_values", "png", "close"}
    assert result.ms == pytest.approx(sum(result.parts.values()))


def test_naive_baseline_puts_matplotlib_and_ipywidgets_back_even_when_the_explorer_fails():
    originals = (Figure.draw, Figure.savefig, ipywidgets.Widget.open, ipywidgets.Widget.close)

    def broken_factory():
        ipywidgets.IntSlider()   # a widget made while building: not opened
        raise ValueError("no explorer today")

    with pytest.raises(ValueError, match="no explorer today"):
        naive.naive_png(broken_factory, {}, {})
    assert (Figure.draw, Figure.savefig, ipywidgets.Widget.open, ipywidgets.Widget.close) == originals
    opened = ipywidgets.IntSlider()
    assert opened.comm is not None   # widgets open again
    opened.close()

    with naive.headless() as state:
        slider = ipywidgets.IntSlider()
        figure = Figure()
        figure.subplots()
        FigureCanvasAgg(figure).draw()                       # a draw for a page: left out
        figure.savefig(io.BytesIO(), format="png")  # the PNG: rendered
    assert slider.comm is None   # never opened: nothing to close
    assert state.skipped == 1 and state.renders >= 1 and state.widget_s > 0

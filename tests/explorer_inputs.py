"""Every public explorer and every one of its controls, with the values a student can give them.

Shared by the endurance and hostile-input tests: the explorers are found in ``widgets.explorers``
(so a new explorer is covered without editing this list), and each control is moved according
to its kind (slider, log slider, signed log slider, dropdown, text box).
"""

from __future__ import annotations

import gc
import math
import os

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

import widgets.explorers as explorers
from widgets.explorers import Explorer, SignedLogSlider


def _factories() -> dict:
    found = {}
    for name, value in vars(explorers).items():
        if name.endswith("_explorer") and callable(value) and not isinstance(value, type):
            found[name] = value
    return dict(sorted(found.items()))


#: name -> factory of every public explorer (``secant_explorer`` ...), each callable with no arguments.
FACTORIES = _factories()

#: Variables of every typed-formula box, by explorer and control name.
TEXT_VARIABLES = {
    ("secant_explorer", "formula"): ("x",),
    ("taylor_explorer", "formula"): ("x",),
    ("difference_error_explorer", "formula"): ("x",),
    ("autodiff_explorer", "formula"): ("x",),
    ("gradient_explorer", "formula"): ("x", "y"),
    ("hessian_explorer", "formula"): ("x", "y"),
    ("linearization_explorer", "formula"): ("x", "y"),
    ("jacobian_explorer", "f1"): ("x", "y"),
    ("jacobian_explorer", "f2"): ("x", "y"),
    ("chain_rule_explorer", "f"): ("x1", "x2"),
    ("chain_rule_explorer", "x1"): ("t",),
    ("chain_rule_explorer", "x2"): ("t",),
}

#: Formulas a student might type, by the variables of the box.
GOOD_FORMULAS = {
    ("x",): ["x^3 - 2x", "exp(-x^2)", "sin(x)/(1 + x^2)", "log(1 + x^2)", "x sin x", "cos(2x) + x/3"],
    ("x", "y"): ["x^2 - y^2", "exp(-x^2 - y^2)", "x^3 - 3x + y^2", "sin(x) cos(y)", "x y + y^2/2",
                 "x^2 + 2y^2"],
    ("x1", "x2"): ["x1^2 + 2x2", "x1 x2", "exp(x1) + x2^2", "sin(x1) + cos(x2)"],
    ("t",): ["sin(t)", "cos(t)", "t^2/10", "t/2 - 1", "exp(-t)"],
}


def text_controls(name: str, explorer: Explorer) -> dict[str, tuple[str, ...]]:
    """Return control name -> variables for every text box of ``explorer``."""
    return {key: TEXT_VARIABLES[(name, key)] for key, c in explorer.controls.items() if isinstance(c, W.Text)}


def kind(control) -> str:
    """Return the kind of a control: "signed_log", "log", "int", "float", "dropdown" or "text"."""
    if isinstance(control, SignedLogSlider):
        return "signed_log"
    if isinstance(control, W.FloatLogSlider):
        return "log"
    if isinstance(control, (W.IntSlider, W.BoundedIntText)):
        return "int"
    if isinstance(control, (W.FloatSlider, W.BoundedFloatText)):
        return "float"
    if isinstance(control, (W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Select)):
        return "dropdown"
    if isinstance(control, W.Text):
        return "text"
    raise TypeError(f"no values known for a {type(control).__name__}")


def option_values(control) -> list:
    """Return the values a choice control can take (the second item of (label, value) options)."""
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def extremes(control) -> list:
    """Return a control's end values and values just outside them (a slider clamps those)."""
    k = kind(control)
    if k == "int":
        return [control.min, control.max, control.min - 1, control.max + 1]
    if k == "float":
        span = control.max - control.min
        return [control.min, control.max, control.min - 1e-3 * span, control.max + 1e-3 * span,
                math.nextafter(control.min, -math.inf), math.nextafter(control.max, math.inf)]
    if k == "log":
        lo, hi = control.base ** control.min, control.base ** control.max
        return [lo, hi, lo / 1.01, hi * 1.01]
    if k == "signed_log":
        lo, hi = 10 ** control._magnitude.min, 10 ** control._magnitude.max
        return [lo, hi, -lo, -hi, lo / 1.01, -hi * 1.01, 0.0]
    if k == "dropdown":
        return option_values(control)
    raise TypeError(kind)


class Mover:
    """Moves the controls of one explorer like a student dragging sliders: small steps, now and then
    a jump to an end of the range, another option of a dropdown, or a newly typed formula."""

    def __init__(self, name: str, explorer: Explorer, seed: int = 0, text_every: int = 25, choice_every: int = 8):
        self.name, self.explorer = name, explorer
        self.rng = np.random.default_rng(seed)
        self.text_every, self.choice_every = text_every, choice_every
        self.texts = text_controls(name, explorer)
        self.turns: dict[str, int] = {}

    def _step(self, lo: float, hi: float, value: float, turn: int) -> float:
        if turn % 25 == 24:
            return float(self.rng.choice([lo, hi]))
        new = value + self.rng.normal(0.0, 0.06 * (hi - lo))
        if new < lo or new > hi:  # bounce off the end, as a drag turning back
            new = value - (new - value)
        return float(np.clip(new, lo, hi))

    def value_for(self, key: str, control):
        """Return the next value of ``control`` (named ``key``)."""
        k = kind(control)
        turn = self.turns[key]
        if k == "text":
            pool = GOOD_FORMULAS[self.texts[key]]
            return pool[turn % len(pool)]
        if k == "dropdown":
            options = option_values(control)
            return options[(options.index(control.value) + 1) % len(options)]
        if k == "int":
            return int(round(self._step(control.min, control.max, control.value, turn)))
        if k == "float":
            return self._step(control.min, control.max, control.value, turn)
        if k == "log":
            exponent = self._step(control.min, control.max, math.log(control.value, control.base), turn)
            return control.base ** exponent
        if k == "signed_log":
            m = control._magnitude
            magnitude = 10 ** self._step(m.min, m.max, math.log10(abs(control.value) or 10 ** m.min), turn)
            sign = -1.0 if self.rng.random() < 0.1 else 1.0
            return sign * magnitude
        raise TypeError(k)

    def changes(self, count: int):
        """Yield ``count`` (name, value) changes, cycling through all controls; text boxes and
        dropdowns take their turn only every ``text_every``-th and ``choice_every``-th round."""
        controls = self.explorer.controls
        done, round_ = 0, 0
        while done < count:
            for key, control in controls.items():
                k = kind(control)
                if (k == "text" and round_ % self.text_every) or (k == "dropdown" and round_ % self.choice_every):
                    continue
                self.turns[key] = self.turns.get(key, 0)
                yield key, self.value_for(key, control)
                self.turns[key] += 1
                done += 1
                if done == count:
                    return
            round_ += 1


def rss_mb() -> float:
    """Return the resident set size of this process in MB (not the peak)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def live_figures() -> int:
    """Return the number of matplotlib Figure objects alive after full garbage collections (a finalizer
    can hold the last reference to a figure until the collection after the one that ran it)."""
    for _ in range(3):
        gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Figure))


def axis_limits(explorer: Explorer) -> list[float]:
    """Return every axis limit of every Axes of the explorer's figure (z limits of 3-D axes too)."""
    values = []
    for ax in explorer.figure.axes:
        values += [*ax.get_xlim(), *ax.get_ylim()]
        if hasattr(ax, "get_zlim"):
            values += list(ax.get_zlim())
    return values

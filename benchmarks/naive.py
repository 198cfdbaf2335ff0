"""The naive baseline of the benchmarks: re-plot the whole picture on every move, from scratch.

That is what ``ipywidgets.interact`` over a function that makes a fresh figure does: on every move the
function builds the figure, which is rendered to a PNG (``savefig`` at the figure's dpi), shown and
closed. Here the function is the explorer's own drawing code: ``naive_png(factory, kwargs, values)``
makes a new explorer with ``factory(**kwargs)``, sets the control values after the move with
``set_values(**values)`` (one update), renders it with ``snapshot_png()`` (``savefig``) and closes it.
Only the explorers' public API is used, so the baseline follows every change of their drawing code
by itself.

An explorer is more than a picture. Two of its costs are kept out of the baseline, because
``interact`` would not pay them on a move:

* its widgets (controls, readout, message, canvas): while the baseline builds, no widget is opened
  (``ipywidgets.Widget.open`` does nothing: no comm, nothing sent to a page), and the time spent
  making and closing widgets is measured (``Naive.widget_ms``) and left out of ``Naive.ms``;
* the pictures it draws for its page: while the baseline builds, ``Figure.draw`` renders only inside
  ``savefig``. A draw asked for elsewhere (the explorer draws when it is made and after every update)
  only gives every Axes its aspect, as the draw would (an explorer may place labels by the Axes' box).

So the figure is laid out once, by the explorer freezing its layout, as ``savefig`` lays out a figure
made with constrained layout once, and then rendered once. (The explorer itself lays its figure out
twice, for its first draw and when it freezes it; where constrained layout has not settled after one
pass, some explorers with several Axes, the naive picture's margins differ from the explorer's by a
few pixels.)

What stays in: everything the explorer computes for the picture (its model of the function: parsing,
derivatives, values on grids), the figure and its artists, an ``update()`` at the factory's default
values and one at the move's values, the layout, and ``savefig``: a pass with the renderer disabled
to place everything, the rendering, the PNG encoding. A hand-written ``interact`` callback would do
the same, but it would update once, and it might build the model of the function once, outside the
callback; ``Naive.parts`` shows where the time goes.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from collections.abc import Callable

import ipywidgets
from matplotlib.figure import Figure
from traitlets.traitlets import MetaHasTraits


@dataclass
class Naive:
    """One naive re-plot: the PNG and what it cost.

    ``parts`` are the ms of its steps, the widgets' time left out: "make" (the factory: the explorer's
    model, figure and artists, an update at the default values and the layout), "set_values" (one
    update at the move's values), "png" (``snapshot_png``: the full draw and the PNG encoding) and
    "close". ``ms`` is their sum, ``widget_ms`` the time spent making and closing widgets. ``renders``
    counts the figure's draws inside ``savefig`` (two: matplotlib draws once with the renderer
    disabled to place everything, then renders), ``skipped`` the draws the explorer asked for its
    page, left out. ``unset`` lists the controls that did not take the value asked for (name: (asked,
    got)); ``message`` is the explorer's message at the end (empty when all is well).
    """

    png: bytes
    parts: dict[str, float]
    widget_ms: float
    renders: int
    skipped: int
    unset: dict = field(default_factory=dict)
    message: str = ""

    @property
    def ms(self) -> float:
        return sum(self.parts.values())


class _Headless:
    """Count what a build does with widgets and draws; see ``headless``."""

    def __init__(self):
        self.widget_s = 0.0
        self.renders = 0
        self.skipped = 0
        self._widget_depth = 0
        self._saving = 0


@contextlib.contextmanager
def headless():
    """While inside: no widget opens a comm, widget construction and closing are timed, and figures are
    drawn only by ``savefig``. Yields the counters (``_Headless``). Not thread-safe: for one build at a time."""
    state = _Headless()
    originals = {"open": ipywidgets.Widget.open, "close": ipywidgets.Widget.close,
                 "draw": Figure.draw, "savefig": Figure.savefig}
    own_call = MetaHasTraits.__dict__.get("__call__")   # None: it inherits type.__call__
    make = MetaHasTraits.__call__

    def timed(function):
        def run(*args, **kwargs):
            if state._widget_depth:
                return function(*args, **kwargs)
            state._widget_depth += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                state.widget_s += time.perf_counter() - start
                state._widget_depth -= 1
        return run

    def construct(cls, *args, **kwargs):
        if isinstance(cls, type) and issubclass(cls, ipywidgets.Widget):
            return timed(make)(cls, *args, **kwargs)
        return make(cls, *args, **kwargs)

    def draw(figure, renderer, *args, **kwargs):
        if not state._saving:   # drawn for a page: render nothing, but give every Axes its aspect as the draw would
            state.skipped += 1
            for ax in figure.axes:
                ax.apply_aspect()
            return None
        state.renders += 1
        return originals["draw"](figure, renderer, *args, **kwargs)

    def savefig(figure, *args, **kwargs):
        state._saving += 1
        try:
            return originals["savefig"](figure, *args, **kwargs)
        finally:
            state._saving -= 1

    MetaHasTraits.__call__ = construct
    ipywidgets.Widget.open = lambda widget: None
    ipywidgets.Widget.close = timed(originals["close"])
    Figure.draw = draw
    Figure.savefig = savefig
    try:
        yield state
    finally:
        if own_call is None:
            del MetaHasTraits.__call__
        else:
            MetaHasTraits.__call__ = own_call
        ipywidgets.Widget.open = originals["open"]
        ipywidgets.Widget.close = originals["close"]
        Figure.draw = originals["draw"]
        Figure.savefig = originals["savefig"]


def naive_png(factory: Callable, kwargs: dict, values: dict) -> Naive:
    """Re-plot the explorer made by ``factory(**kwargs)`` at ``values`` (control name -> value) from
    scratch: a new explorer, one update to ``values``, its PNG; the explorer is closed afterwards."""
    parts: dict[str, float] = {}
    with headless() as state:
        mark = [time.perf_counter(), state.widget_s]

        def step(name: str) -> None:
            now, widgets = time.perf_counter(), state.widget_s
            parts[name] = ((now - mark[0]) - (widgets - mark[1])) * 1e3
            mark[:] = [now, widgets]

        explorer = factory(**kwargs)
        step("make")
        try:
            explorer.set_values(**values)
            step("set_values")
            png = explorer.snapshot_png()
            step("png")
            unset = {name: (value, explorer.controls[name].value) for name, value in values.items()
                     if explorer.controls[name].value != value}
            message = explorer.message
        finally:
            mark[:] = [time.perf_counter(), state.widget_s]
            explorer.close()
            step("close")
    return Naive(png, parts, state.widget_s * 1e3, state.renders, state.skipped, unset, message)

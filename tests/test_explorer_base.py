"""The Explorer base: nothing escapes a control change, and close() gives everything back."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref

import io

import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances as open_widgets

from loops import run_in_own_loop

from widgets.explorers import gradient_explorer, hessian_explorer, secant_explorer, taylor_explorer
from widgets.explorers import base
from widgets.explorers import canvas as transport


@pytest.mark.parametrize("make", [secant_explorer, gradient_explorer, hessian_explorer])
def test_close_releases_the_figure_and_the_widgets(make):
    open_before = len(transport.OPEN)
    explorer = make()
    assert len(transport.OPEN) == open_before + 1
    figure, canvas = weakref.ref(explorer.figure), weakref.ref(explorer.canvas)
    explorer.widget  # noqa: B018 (built, as when displayed)
    models = {explorer.canvas.model_id, explorer.widget.model_id, explorer.status.model_id,
              explorer.readout.model_id, *(c.model_id for c in explorer.controls.values())}
    explorer.close()
    assert len(transport.OPEN) == open_before
    explorer.close()  # closing again does nothing, and raises nothing
    del explorer
    for _ in range(3):  # a finalizer can hold the last reference until the next collection
        gc.collect()
    assert figure() is None, "a closed explorer's figure is still alive"
    assert canvas() is None, "a closed explorer's canvas widget is still alive"
    assert models.isdisjoint(open_widgets), "a closed explorer left widgets in the registry"


def test_an_error_while_drawing_is_reported_not_raised(monkeypatch):
    explorer = secant_explorer()
    try:
        def broken_repaint():
            raise ValueError("arange: cannot compute length")
        monkeypatch.setattr(explorer, "_repaint", broken_repaint)
        explorer.controls["h"].value = 0.3  # must not raise
        assert "ValueError" in explorer.message
        assert "arange" in explorer.last_error
        monkeypatch.undo()
        explorer.last_error = None
        explorer.controls["h"].value = 0.4
        assert explorer.message == "" and explorer.last_error is None
    finally:
        explorer.close()


@pytest.mark.parametrize("make, module", [(taylor_explorer, base), (gradient_explorer, base)])
def test_an_error_in_a_formula_handler_is_reported_not_raised(make, module, monkeypatch):
    explorer = make()
    try:
        picture = explorer.canvas.pixels().copy()
        def broken_parser(*args, **kwargs):
            raise RuntimeError("parser bug")
        monkeypatch.setattr(module, "parse_expression", broken_parser)
        explorer.controls["formula"].value = "x^2"  # must not raise
        assert "RuntimeError" in explorer.message
        assert "parser bug" in explorer.last_error
        assert explorer.canvas in transport.OPEN, "the explorer is still shown"
        np.testing.assert_array_equal(explorer.canvas.pixels(), picture, err_msg="the picture is kept")
    finally:
        explorer.close()



# -- the house style holds for every picture, whatever the notebook's own style ------------------
def _rgba(png: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_the_static_snapshot_is_the_live_picture_without_a_global_style():
    """The page's picture is drawn in the house style; the PNG for static viewers must be the same
    picture, also in a notebook that never called ``apply_house_style()`` (as here: the tests do not)."""
    explorer = gradient_explorer()
    try:
        explorer.controls["x"].value = -1.2      # negative tick labels: the house style's minus sign
        explorer.canvas.request(full=True)
        live = explorer.canvas.pixels().copy()
        np.testing.assert_array_equal(_rgba(explorer.snapshot_png()), live)
    finally:
        explorer.close()


@pytest.mark.parametrize("make", [taylor_explorer, gradient_explorer])
def test_laying_out_the_figure_keeps_the_house_style(make):
    """``freeze_layout`` lays the figure out, which may create tick labels: they too get the house
    style, so the picture does not depend on the notebook's own style."""
    from widgets.plotting.style import house_style
    with house_style():       # the same explorer made where the house style is global
        styled = make()
    plain = make()
    try:
        for explorer in (styled, plain):
            explorer.canvas.request(full=True)
        np.testing.assert_array_equal(plain.canvas.pixels(), styled.canvas.pixels())
    finally:
        styled.close()
        plain.close()


def test_the_first_picture_is_the_laid_out_one():
    """Right after construction, the Agg buffer (and the background a first move blits onto) shows
    the figure as laid out, the same as a full draw."""
    explorer = gradient_explorer()
    try:
        first = explorer.canvas.pixels().copy()
        explorer.canvas.request(full=True)
        np.testing.assert_array_equal(first, explorer.canvas.pixels())
    finally:
        explorer.close()


# -- the readout follows the picture ------------------------------------------------------------
def _record_readout_updates(explorer, monkeypatch) -> list[tuple[float, str]]:
    """Record (monotonic time, value) for every readout state update sent towards the page."""
    sent: list[tuple[float, str]] = []

    def record(msg, buffers=None):
        if msg.get("method") == "update" and "value" in msg.get("state", {}):
            sent.append((time.monotonic(), msg["state"]["value"]))

    monkeypatch.setattr(explorer.readout, "_send", record)
    return sent


def test_outside_a_kernel_the_readout_is_sent_with_the_move(monkeypatch):
    explorer = secant_explorer()
    try:
        sent = _record_readout_updates(explorer, monkeypatch)
        explorer.controls["h"].value = 0.5
        assert [value for _, value in sent] == [explorer.readout.value]
        assert explorer._readout_timer is None
    finally:
        explorer.close()


def test_in_a_kernel_the_readout_follows_once_the_slider_rests(monkeypatch, in_a_kernel):
    explorer = secant_explorer()
    sent = _record_readout_updates(explorer, monkeypatch)

    async def moves():
        before = explorer.readout.value
        moved = time.monotonic()
        for h in (0.5, 0.4, 0.3):  # three quick moves: one readout update, with the last value
            explorer.controls["h"].value = h
        assert explorer.readout.value != before  # Python already sees the new readout
        assert sent == []                        # the page does not, yet
        await asyncio.sleep(base.READOUT_DELAY + 0.2)
        return moved

    try:
        moved = run_in_own_loop(moves())
        assert [value for _, value in sent] == [explorer.readout.value]
        assert sent[0][0] - moved >= base.READOUT_DELAY * 0.9
        assert explorer._readout_hold is None and explorer._readout_timer is None
    finally:
        explorer.close()


def test_during_a_long_drag_the_readout_still_updates(monkeypatch, in_a_kernel):
    explorer = secant_explorer()
    sent = _record_readout_updates(explorer, monkeypatch)
    steps = np.linspace(0.9, 0.1, 40)
    pause = base.READOUT_DELAY / 2  # the slider never rests long enough for the debounce alone

    async def drag():
        started = time.monotonic()
        for h in steps:
            explorer.controls["h"].value = float(h)
            await asyncio.sleep(pause)
        ended = time.monotonic()
        await asyncio.sleep(base.READOUT_DELAY + 0.2)
        return started, ended

    try:
        started, ended = run_in_own_loop(drag())
        during = [t for t, _ in sent if t < ended]
        assert ended - started > 3 * base.READOUT_MAX_WAIT
        assert len(during) >= 2, f"{len(sent)} readout updates in a {ended - started:.2f} s drag"
        assert sent[-1][1] == explorer.readout.value  # the last update carries the final value
    finally:
        explorer.close()


def test_closing_sends_the_held_readout_and_leaves_no_timer(monkeypatch, in_a_kernel):
    explorer = secant_explorer()
    sent = _record_readout_updates(explorer, monkeypatch)
    errors = []

    async def move_then_close():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: errors.append(context))
        explorer.controls["h"].value = 0.25
        value = explorer.readout.value
        explorer.close()
        await asyncio.sleep(base.READOUT_DELAY + 0.1)
        return value

    value = run_in_own_loop(move_then_close())
    assert [v for _, v in sent] == [value]
    assert explorer._readout_timer is None and errors == []

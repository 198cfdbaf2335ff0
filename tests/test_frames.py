"""The explorers' canvas: the frames it sends rebuild the kernel's picture exactly, in order, never
more than ``FRAME_WINDOW`` ahead of the page, and the page's mouse reaches matplotlib.

A ``Page`` (tests/page.py) paints the frames as ``canvas.js`` does; the browser tests
(tests/e2e/test_frames_in_browser.py) check the same in Chromium.
"""

from __future__ import annotations

import gc
import time
import weakref

import numpy as np
import pytest
from hypothesis import given, strategies as st

from explorer_inputs import FACTORIES, GOOD_FORMULAS, Mover, kind, option_values, text_controls
from page import Page, fraction_of
from widgets.explorers import canvas as transport
from widgets.explorers import gradient_explorer, linearization_explorer, matrix_gradient_explorer, taylor_explorer


# -- the rectangles of a frame -------------------------------------------------------------------------
def _paint(old: np.ndarray, new: np.ndarray, rectangles) -> np.ndarray:
    page = old.copy()
    for x, y, w, h in rectangles:
        page[y:y + h, x:x + w] = new[y:y + h, x:x + w]
    return page


@given(height=st.integers(1, 90), width=st.integers(1, 90), seed=st.integers(0, 10_000),
       changes=st.integers(0, 12))
def test_tiles_cover_every_changed_pixel(height, width, seed, changes):
    rng = np.random.default_rng(seed)
    old = rng.integers(0, 3, size=(height, width)).astype(np.uint32)
    new = old.copy()
    for _ in range(changes):
        new[rng.integers(height), rng.integers(width)] += 1
    rectangles = transport.changed_tiles(old, new, tile=8)
    np.testing.assert_array_equal(_paint(old, new, rectangles), new)
    for x, y, w, h in rectangles:
        assert 0 <= x < width and 0 <= y < height and 0 < w and 0 < h
        assert x + w <= width and y + h <= height, "cut at the canvas's edges"
        assert x % 8 == 0 and y % 8 == 0 and h <= 8, "runs of tiles along one row of tiles"
    # no rectangle holds a tile with no change
    for x, y, w, h in rectangles:
        for left in range(x, x + w, 8):
            assert (old[y:y + h, left:left + 8] != new[y:y + h, left:left + 8]).any()


def test_tiles_of_no_change_and_of_a_new_canvas():
    picture = np.arange(20 * 30, dtype=np.uint32).reshape(20, 30)
    assert transport.changed_tiles(picture, picture.copy()) == []
    assert transport.changed_tiles(None, picture) == [(0, 0, 30, 20)]
    assert transport.changed_tiles(picture[:10], picture) == [(0, 0, 30, 20)], "a resized canvas: all of it"


def test_one_changed_pixel_is_one_tile():
    old = np.zeros((100, 100), dtype=np.uint32)
    new = old.copy()
    new[40, 70] = 7
    assert transport.changed_tiles(old, new, tile=32) == [(64, 32, 32, 32)]
    new[99, 99] = 1     # the corner tile is cut at the edges
    assert transport.changed_tiles(old, new, tile=32)[-1] == (96, 96, 4, 4)


# -- every explorer: the page ends with the kernel's picture --------------------------------------------
@pytest.fixture(params=sorted(FACTORIES), ids=lambda name: name.removesuffix("_explorer"))
def explorer(request, no_figure_leak):
    made = FACTORIES[request.param]()
    made.name = request.param
    yield made
    made.close()


def _changes(explorer, count: int):
    mover = Mover(explorer.name, explorer, seed=3, text_every=10**9, choice_every=10**9)
    return list(mover.changes(count))


@pytest.mark.slow  # every explorer in every preset at two pixel ratios: left out of the quick loop (docs/testing.md)
@pytest.mark.parametrize("dpr", [1, 2])
def test_the_page_shows_the_kernels_picture_after_moves_formulas_and_presets(explorer, dpr):
    page = Page(explorer.canvas, dpr=dpr)
    assert page.matches_kernel()
    width, height = explorer.canvas.agg.get_width_height(physical=True)
    assert (width, height) == (explorer.canvas.css_width * dpr, explorer.canvas.css_height * dpr)
    for name, value in _changes(explorer, 12):
        explorer.controls[name].value = value
        assert page.matches_kernel(), (name, value)
    for name, control in explorer.controls.items():
        if kind(control) == "text":
            control.value = GOOD_FORMULAS[text_controls(explorer.name, explorer)[name]][0]
            assert page.matches_kernel(), (name, control.value)
        elif kind(control) == "dropdown":
            for option in option_values(control)[:3]:
                control.value = option
                assert page.matches_kernel(), (name, option)
    assert explorer.last_error is None


@pytest.mark.parametrize("dpr", [1, 2])
def test_frames_that_arrive_together_are_all_painted_in_order(explorer, dpr):
    """The page paints once per animation frame: several frames may wait for it, and all are painted."""
    page = Page(explorer.canvas, dpr=dpr, auto_ack=False)
    page.paint()
    for name, value in _changes(explorer, 6):
        explorer.controls[name].value = value
        if len(page.inbox) == transport.FRAME_WINDOW:
            page.paint()
    page.paint()
    assert page.matches_kernel()


# -- flow: at most FRAME_WINDOW frames in flight, the newest state drawn -------------------------------
def test_a_page_that_paints_slowly_gets_the_newest_picture_and_skips_stale_ones(no_figure_leak):
    explorer = taylor_explorer()
    try:
        page = Page(explorer.canvas, auto_ack=False)
        page.paint()
        paints = []
        original = explorer.canvas._paint
        explorer.canvas._paint = lambda full: (paints.append(explorer.controls["x0"].value), original(full))
        values = [round(-1.5 + 0.1 * k, 2) for k in range(20)]
        for value in values:          # a drag faster than the page paints
            explorer.controls["x0"].value = value
        assert len(page.inbox) == transport.FRAME_WINDOW, "no more frames than the window in flight"
        assert paints == values[:transport.FRAME_WINDOW]
        assert f"x_0 = {values[-1]:g}$" in explorer.readout.value, "the readout follows every move at once"
        page.paint()                  # the page paints both and acknowledges: the newest state is drawn
        assert paints == [*values[:transport.FRAME_WINDOW], values[-1]], "stale states are never drawn"
        page.paint()
        assert page.matches_kernel()
        explorer.canvas._paint = original
        explorer.canvas.request(full=True)    # a full draw of the newest state changes no pixel
        assert np.array_equal(page.picture, explorer.canvas.pixels()) and len(page.inbox) == 0
    finally:
        explorer.close()


def test_a_view_that_went_away_does_not_hold_the_window(monkeypatch, no_figure_leak):
    explorer = taylor_explorer()
    try:
        page = Page(explorer.canvas, auto_ack=False)
        for value in (0.1, 0.2, 0.3):
            explorer.controls["x0"].value = value
        sent = len(page.frames)
        clock = time.monotonic() + transport.ACK_TIMEOUT + 0.1
        monkeypatch.setattr(transport.time, "monotonic", lambda: clock)
        explorer.controls["x0"].value = 0.4
        assert len(page.frames) == sent + 1
    finally:
        explorer.close()


def test_a_new_view_gets_the_whole_picture(no_figure_leak):
    explorer = taylor_explorer()
    try:
        first = Page(explorer.canvas)
        explorer.controls["n"].value = 5
        second = Page(explorer.canvas)    # a second view (or the page reloaded)
        whole = second.frames[-1]
        assert whole["rects"] == [[0, 0, *whole["size"]]] or whole["rects"] == [(0, 0, *whole["size"])]
        assert second.matches_kernel()
        assert first.frames[-1]["seq"] < whole["seq"]
    finally:
        explorer.close()


@pytest.mark.parametrize("reported, drawn", [(1, 1), (2, 2), (1.1, 1), (1.3, 1.25), (0.5, 1), (9, 3),
                                             ("x", 1), (None, 1), (float("nan"), 1)])
def test_the_canvas_draws_at_the_pages_pixel_ratio(reported, drawn, no_figure_leak):
    explorer = taylor_explorer()
    try:
        page = Page(explorer.canvas, dpr=reported)
        css = explorer.canvas.css_width, explorer.canvas.css_height
        assert page.frames[-1]["size"] == [round(css[0] * drawn), round(css[1] * drawn)]
        assert page.frames[-1]["dpr"] == drawn
        assert page.matches_kernel()
        page.say({"type": "dpr", "dpr": 2})     # the window moved to a HiDPI screen
        assert page.frames[-1]["size"] == [css[0] * 2, css[1] * 2] and page.matches_kernel()
        assert (explorer.canvas.css_width, explorer.canvas.css_height) == css, "the same size on the page"
    finally:
        explorer.close()


def test_the_static_picture_keeps_the_figures_own_size_on_a_hidpi_page(no_figure_leak):
    import io

    from PIL import Image
    explorer = taylor_explorer()
    try:
        page = Page(explorer.canvas, dpr=2)
        png = explorer.snapshot_png()
        assert Image.open(io.BytesIO(png)).size == (explorer.canvas.css_width, explorer.canvas.css_height)
        explorer.controls["n"].value = 4
        assert page.matches_kernel(), "the snapshot drew over the buffer; the next frame is right again"
        assert page.picture.shape[:2] == (2 * explorer.canvas.css_height, 2 * explorer.canvas.css_width)
    finally:
        explorer.close()


@pytest.mark.parametrize("message", [None, 3, "ack", {}, {"type": "ack", "seq": "many"}, {"type": "pointer"},
                                     {"type": "pointer", "event": "down", "x": "a", "y": 0},
                                     {"type": "pointer", "event": "wobble", "x": 0.5, "y": 0.5},
                                     {"type": "pointer", "event": "down", "x": float("inf"), "y": 0.5},
                                     {"type": "unknown"}])
def test_messages_a_page_should_not_send_change_nothing(message, no_figure_leak):
    explorer = taylor_explorer()
    try:
        page = Page(explorer.canvas)
        before = explorer.canvas.pixels().copy()
        explorer.canvas._on_page_message(explorer.canvas, message, [])
        assert np.array_equal(before, explorer.canvas.pixels()) and page.matches_kernel()
        assert explorer.last_error is None
    finally:
        explorer.close()


# -- the mouse ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dpr", [1, 2])
def test_dragging_the_point_of_the_gradient_explorer(dpr, no_figure_leak):
    explorer = gradient_explorer()
    try:
        page = Page(explorer.canvas, dpr=dpr)
        ax = explorer.map_axes
        start = fraction_of(explorer.canvas, ax, explorer.controls["x"].value, explorer.controls["y"].value)
        page.drag(start, fraction_of(explorer.canvas, ax, -1.0, -0.5))
        assert explorer.controls["x"].value == pytest.approx(-1.0, abs=0.05)
        assert explorer.controls["y"].value == pytest.approx(-0.5, abs=0.05)
        assert page.matches_kernel()
        page.pointer("move", *fraction_of(explorer.canvas, ax, 1.0, 1.0), buttons=0)   # released: no drag
        assert explorer.controls["x"].value == pytest.approx(-1.0, abs=0.05)
    finally:
        explorer.close()


def test_clicking_a_cell_of_the_matrix_explorer(no_figure_leak):
    explorer = matrix_gradient_explorer()
    try:
        page = Page(explorer.canvas, dpr=2)
        jacobian = explorer.axes[1]
        rows, cols = explorer.case.jacobian.shape
        page.pointer("down", *fraction_of(explorer.canvas, jacobian, cols - 1, rows - 1))
        page.pointer("up", *fraction_of(explorer.canvas, jacobian, cols - 1, rows - 1), buttons=0)
        assert (explorer.controls["row"].value, explorer.controls["col"].value) == (rows, cols)
        assert page.matches_kernel()
    finally:
        explorer.close()


@pytest.mark.parametrize("dpr", [1, 2])
def test_rotating_the_3d_view_of_the_linearization_explorer(dpr, no_figure_leak):
    explorer = linearization_explorer()
    try:
        page = Page(explorer.canvas, dpr=dpr)
        azimuth, elevation = explorer.ax3d.azim, explorer.ax3d.elev
        frames = len(page.frames)
        box = explorer.ax3d.get_position()
        middle = ((box.x0 + box.x1) / 2, 1 - (box.y0 + box.y1) / 2)
        page.drag(middle, (middle[0] + 0.1, middle[1] + 0.05))
        assert explorer.ax3d.azim != azimuth and explorer.ax3d.elev != elevation
        assert len(page.frames) > frames and page.matches_kernel()
        explorer.controls["x"].value = explorer.controls["x"].value + 0.1    # a move after the rotation
        assert page.matches_kernel() and explorer.last_error is None
    finally:
        explorer.close()


# -- closing ---------------------------------------------------------------------------------------------
def test_a_closed_explorer_frees_its_figure_and_canvas():
    explorer = taylor_explorer()
    Page(explorer.canvas, dpr=2)
    figure, canvas = weakref.ref(explorer.figure), weakref.ref(explorer.canvas)
    assert explorer.canvas in transport.OPEN
    explorer.close()
    explorer.close()   # twice does nothing
    del explorer
    gc.collect()
    assert figure() is None and canvas() is None
    assert not [c for c in transport.OPEN if c is canvas()]

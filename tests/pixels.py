"""Pixel checks shared by the explorer tests: a blitted move paints what a full redraw paints."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from widgets.plotting.style import house_style


def full_redraw(explorer) -> np.ndarray:
    """Draw the explorer's whole picture as its canvas does (in the house style) and return the Agg buffer."""
    explorer.canvas.request(full=True)
    return explorer.canvas.pixels().copy()


def assert_moves_repaint_like_full_redraws(explorer, moves):
    """Make each move (control, value, how: "blit", "draw" or None for either) and compare the canvas
    with two full redraws of the same state.

    ``canvas.request(full=True)`` repaints everything and then, as after any full draw, the blitted
    artists on top: equal pixels show the saved background was not stale (every change outside the
    blitted artists invalidated it). ``savefig`` (what ``snapshot_png()`` does) draws every artist,
    none animated, in z-order: equal pixels show the blitted artists are painted in the order a full
    draw paints them. Both are exact: the same Agg renderer paints the same paths at the same pixels.
    A blitted move must also leave the figure clean (not stale), or the next picture would have to
    be drawn in full anyway.

    The full redraws use the explorer's own full draw (in the house style) so that they differ from a
    move only in what blitting may get wrong.
    """
    canvas = explorer.figure.canvas
    draws = []
    cid = canvas.mpl_connect("draw_event", draws.append)
    try:
        full_redraw(explorer)
        for name, value, how in moves:
            before = len(draws)
            explorer.controls[name].value = value
            assert explorer.message == "", (name, value, explorer.message)
            blitted = len(draws) == before
            if how is not None:
                assert blitted == (how == "blit"), (name, value)
            if blitted:
                assert not explorer.figure.stale, (name, value)
            shown = explorer.canvas.pixels().copy()
            np.testing.assert_array_equal(shown, full_redraw(explorer), err_msg=f"{name}={value}")
            with house_style():   # the z-order check; tests/test_explorer_base.py checks the style of snapshots
                png = explorer.snapshot_png()
            saved = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
            np.testing.assert_array_equal(shown, saved, err_msg=f"{name}={value} (savefig)")
            assert explorer.refresh()   # a move after the snapshot starts from a good background again
    finally:
        canvas.mpl_disconnect(cid)

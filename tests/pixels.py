"""Pixel checks shared by the explorer tests: a blitted move paints what a full redraw paints."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def assert_moves_repaint_like_full_redraws(explorer, moves):
    """Make each move (control, value, how: "blit", "draw" or None for either) and compare the canvas
    with two full redraws of the same state.

    ``canvas.draw()`` repaints everything and then, as after any full draw, the blitted artists on
    top: equal pixels show the saved background was not stale (every change outside the blitted
    artists invalidated it). ``snapshot_png()`` (savefig) draws every artist, none animated, in
    z-order: equal pixels show the blitted artists are painted in the order a full draw paints
    them. Both are exact: the same Agg renderer paints the same paths at the same pixels. A
    blitted move must also leave the figure clean (not stale), or an interactive backend would
    redraw everything anyway.
    """
    canvas = explorer.figure.canvas
    draws = []
    cid = canvas.mpl_connect("draw_event", draws.append)
    try:
        canvas.draw()
        for name, value, how in moves:
            before = len(draws)
            explorer.controls[name].value = value
            assert explorer.message == "", (name, value, explorer.message)
            blitted = len(draws) == before
            if how is not None:
                assert blitted == (how == "blit"), (name, value)
            if blitted:
                assert not explorer.figure.stale, (name, value)
            shown = np.asarray(canvas.buffer_rgba()).copy()
            canvas.draw()
            np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()), err_msg=f"{name}={value}")
            saved = np.asarray(Image.open(io.BytesIO(explorer.snapshot_png())).convert("RGBA"))
            np.testing.assert_array_equal(shown, saved, err_msg=f"{name}={value} (savefig)")
            explorer.refresh()  # the snapshot dropped the saved background: draw everything once more
    finally:
        canvas.mpl_disconnect(cid)

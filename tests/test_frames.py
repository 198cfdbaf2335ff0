"""The frames an explorer sends to the browser: the quick PNG encoder and matplotlib's own agree pixel for pixel."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore
from PIL import Image

from widgets.explorers import gradient_explorer, secant_explorer
from widgets.explorers.base import encode_png_rgba


def decode(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGBA"
    return np.asarray(image)


@given(arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40), st.just(4))))
def test_png_round_trip(data):
    np.testing.assert_array_equal(decode(encode_png_rgba(data)), data)


@pytest.mark.parametrize("level", [0, 1, 9])
def test_png_round_trip_at_every_level(level):
    data = np.random.default_rng(level).integers(0, 256, size=(33, 17, 4), dtype=np.uint8)
    data[5:20] = 0  # long runs of transparent pixels, as in a diff frame
    np.testing.assert_array_equal(decode(encode_png_rgba(data, level)), data)


@pytest.mark.parametrize("make, control, values", [
    (gradient_explorer, "theta", [0.3, 1.1, -2.0]),
    (secant_explorer, "h", [0.5, 0.05, -0.7]),
])
def test_frames_match_matplotlib(make, control, values):
    """Each frame (full, then diffs) decodes to exactly what matplotlib's encoder would have sent."""
    explorer = make()
    canvas = explorer.figure.canvas
    try:
        assert canvas.get_diff_image.__func__ is not FigureCanvasWebAggCore.get_diff_image
        canvas.draw()
        for value in values:
            explorer.controls[control].value = value
            explorer.flush()
            previous, force_full = canvas._last_buff.copy(), canvas._force_full
            canvas._png_is_old = True
            ours = decode(canvas.get_diff_image())
            ours_mode = canvas._current_image_mode
            canvas._last_buff, canvas._force_full, canvas._png_is_old = previous, force_full, True
            theirs = decode(FigureCanvasWebAggCore.get_diff_image(canvas))
            assert ours_mode == canvas._current_image_mode
            np.testing.assert_array_equal(ours, theirs)
            assert ours.shape[:2] == np.asarray(canvas.get_renderer().buffer_rgba()).shape[:2]
    finally:
        explorer.close()


def test_frames_after_a_move_hold_only_the_change():
    """A slider move sends one diff frame, transparent wherever the picture did not change."""
    explorer = gradient_explorer()
    canvas = explorer.figure.canvas
    sent: list[bytes] = []
    try:
        canvas.draw()
        canvas.send_binary = sent.append  # what reaches the browser
        explorer.controls["theta"].value = explorer.controls["theta"].value + 0.5
        explorer.flush()
        assert len(sent) == 1
        assert canvas._current_image_mode == "diff"
        changed = decode(sent[0])[..., 3] > 0
        assert 0 < changed.mean() < 0.2
    finally:
        explorer.close()

"""The frames an explorer sends to the browser: painted as the page paints them, they show exactly
what matplotlib's own frames show, and the kernel's picture."""

from __future__ import annotations

import asyncio
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore
from PIL import Image

from loops import run_in_own_loop

from widgets.explorers import base, gradient_explorer, secant_explorer
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


def paint(page: np.ndarray | None, frame: np.ndarray, mode: str) -> np.ndarray:
    """Return the page's picture after it draws ``frame``, as ipympl's frontend (and matplotlib's
    ``mpl.js``) does: a full frame replaces the picture; a diff frame is drawn over it at the top
    left corner (``drawImage(image, 0, 0)``), where transparent pixels leave the picture as it was.
    """
    if mode == "full":
        return frame.copy()
    assert page is not None and frame.shape[0] <= page.shape[0] and frame.shape[1] <= page.shape[1]
    assert set(np.unique(frame[..., 3])) <= {0, 255}  # diff frames are used only for opaque pictures
    page = page.copy()
    height, width = frame.shape[:2]
    page[:height, :width] = np.where(frame[..., 3:] == 255, frame, page[:height, :width])
    return page


def rendered(canvas) -> np.ndarray:
    return np.asarray(canvas.get_renderer().buffer_rgba()).copy()


class Clock:
    """A monotonic clock the test moves by hand (installed as ``base.time``)."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(base, "time", clock)
    return clock


@pytest.fixture
def settled(monkeypatch):
    """Every frame is taken to find the one before painted, as when moves are far apart."""
    monkeypatch.setattr(base, "FRAME_SETTLE", 0.0)


@pytest.mark.parametrize("make, control, values", [
    (gradient_explorer, "theta", [0.3, 1.1, -2.0]),
    (secant_explorer, "h", [0.5, 0.05, -0.7]),
])
def test_frames_paint_what_matplotlib_frames_paint(make, control, values, settled):
    """Each frame (full, then diffs) leaves the page with exactly the picture matplotlib's own frame
    would leave, which is the picture the kernel drew; and it is the same kind (full or diff)."""
    explorer = make()
    canvas = explorer.figure.canvas
    try:
        assert canvas.get_diff_image.__func__ is not FigureCanvasWebAggCore.get_diff_image
        canvas.draw()
        canvas._force_full = True  # what the page's "refresh" request does: the first frame is full
        ours_page = theirs_page = None
        for value in [None, *values]:
            previous, force_full = canvas._last_buff.copy(), canvas._force_full
            if value is not None:
                explorer.controls[control].value = value  # sends its frame (to no page) ...
                explorer.flush()
            # ... which is made again here from the same state, and then matplotlib's
            canvas._last_buff, canvas._force_full, canvas._png_is_old = previous, force_full, True
            ours = decode(canvas.get_diff_image())
            ours_mode = canvas._current_image_mode
            canvas._last_buff, canvas._force_full, canvas._png_is_old = previous, force_full, True
            theirs = decode(FigureCanvasWebAggCore.get_diff_image(canvas))
            assert ours_mode == canvas._current_image_mode == ("full" if value is None else "diff")
            ours_page, theirs_page = paint(ours_page, ours, ours_mode), paint(theirs_page, theirs, ours_mode)
            np.testing.assert_array_equal(ours_page, theirs_page)
            np.testing.assert_array_equal(ours_page, rendered(canvas))
            # ours is theirs cut after the last changed row and column: nothing changed beyond it
            height, width = ours.shape[:2]
            np.testing.assert_array_equal(ours, theirs[:height, :width])
            assert not theirs[height:, :, 3].any() and not theirs[:, width:, 3].any()
            if ours_mode == "diff":
                assert ours[-1, :, 3].any() and ours[:, -1, 3].any()  # and not one row or column later
    finally:
        explorer.close()


def test_the_page_shows_the_kernels_picture_after_every_move(settled):
    """Paint every frame sent during a series of moves (blitted moves and full redraws) as the page
    does: after each one the page's picture is the figure the kernel holds."""
    explorer = gradient_explorer()
    canvas = explorer.figure.canvas
    sent: list[tuple[bytes, str]] = []
    try:
        canvas.send_binary = lambda data: sent.append((data, canvas._current_image_mode))
        canvas._force_full = True  # as on the page's first "refresh" request
        canvas.draw()
        page = None
        moves = [("theta", 0.4), ("x", 0.9), ("y", -1.2), ("theta", 2.5), ("x", -1.7), ("theta", -0.6)]
        for name, value in moves:
            explorer.controls[name].value = value
            explorer.flush()
            assert sent, (name, value)
            for data, mode in sent:
                page = paint(page, decode(data), mode)
            sent.clear()
            np.testing.assert_array_equal(page, rendered(canvas), err_msg=f"{name}={value}")
    finally:
        explorer.close()


def test_a_frame_without_change_is_one_transparent_pixel(settled):
    explorer = secant_explorer()
    canvas = explorer.figure.canvas
    try:
        canvas.draw()
        canvas._png_is_old = True
        canvas.get_diff_image()
        canvas._png_is_old = True  # the same pixels again, as after a blit that changed nothing
        frame = decode(canvas.get_diff_image())
        assert canvas._current_image_mode == "diff"
        assert frame.shape == (1, 1, 4) and frame[0, 0, 3] == 0
    finally:
        explorer.close()


def test_frames_after_a_move_hold_only_the_change(settled):
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


LOAD_TIME = 0.1  # how long the emulated page takes to load a frame


def play_with_drops(explorer, clock, moves, repair=False):
    """Make ``moves`` (control, value, seconds after the move before) and paint the frames as the
    page does when it is slow: a frame followed by the next within LOAD_TIME is never drawn (the
    page's image gets the new source before it has loaded). With ``repair``, FRAME_SETTLE s later
    the repair frame is sent, as the kernel's event loop does. Return (the page's picture, frames
    sent, dropped)."""
    canvas = explorer.figure.canvas
    sent: list[tuple[float, bytes, str]] = []
    canvas.send_binary = lambda data: sent.append((clock.now, data, canvas._current_image_mode))
    canvas._force_full = True
    canvas.draw()
    for name, value, wait in moves:
        clock.now += wait
        explorer.controls[name].value = value
        explorer.flush()
    if repair:
        clock.now += base.FRAME_SETTLE
        base._send_repair(canvas)
    page, dropped = None, 0
    for k, (at, data, mode) in enumerate(sent):
        if k + 1 < len(sent) and sent[k + 1][0] - at < LOAD_TIME:
            dropped += 1
            continue
        page = paint(page, decode(data), mode)
    return page, len(sent), dropped


def stale_pixels(page: np.ndarray, canvas) -> int:
    return int((page != rendered(canvas)).any(axis=2).sum())


#: Four frames in a row are dropped (each followed by the next within LOAD_TIME), then two more moves.
QUICK_MOVES = [("theta", 0.4, 1.0), ("theta", 0.9, 0.03), ("x", 0.8, 0.03), ("theta", 1.6, 0.03),
               ("y", -1.1, 0.03), ("theta", 2.2, 0.3), ("x", -0.4, 0.03)]


def test_after_a_series_of_dropped_frames_the_repair_frame_leaves_nothing_stale(clock):
    """More frames in a row dropped than the next frames carry: the page is stale until the repair
    frame, sent when the series has ended, paints every pixel the series changed."""
    explorer = gradient_explorer()
    try:
        page, sent, dropped = play_with_drops(explorer, clock, QUICK_MOVES)
        assert dropped >= base.FRAME_CARRY + 1 and sent >= len(QUICK_MOVES)
        assert stale_pixels(page, explorer.figure.canvas) > 100
        explorer.close()
        explorer = gradient_explorer()
        page, repaired_sent, _ = play_with_drops(explorer, clock, QUICK_MOVES, repair=True)
        assert repaired_sent == sent + 1
        assert stale_pixels(page, explorer.figure.canvas) == 0
    finally:
        explorer.close()


def test_frames_carry_the_frames_before_them(clock):
    """Up to FRAME_CARRY frames in a row dropped: the next frame alone repairs them, with no repair frame."""
    assert base.FRAME_CARRY == 2
    moves = [("theta", 0.4, 1.0), ("theta", 0.9, 0.03), ("x", 0.8, 0.03), ("y", -1.1, 0.3), ("theta", 2.2, 0.3)]
    explorer = gradient_explorer()
    try:
        page, _, dropped = play_with_drops(explorer, clock, moves)
        assert dropped == 2
        assert stale_pixels(page, explorer.figure.canvas) == 0
    finally:
        explorer.close()


@pytest.fixture
def at_rest(clock):
    """A gradient explorer, drawn, its frames recorded (what reaches the page), the last frame settled."""
    explorer = gradient_explorer()
    canvas = explorer.figure.canvas
    sent: list[bytes] = []
    try:
        canvas.draw()
        canvas.send_binary = sent.append
        clock.now += base.FRAME_SETTLE
        yield explorer, canvas, sent
    finally:
        explorer.close()


def test_a_frame_in_a_long_series_carries_only_the_last_frames(clock, at_rest):
    """Frames stay small during a long drag: the last frame of twelve quick moves holds exactly the
    pixels changed by itself and the FRAME_CARRY frames before it, not all the series changed."""
    explorer, canvas, sent = at_rest
    pictures = [rendered(canvas)]
    for k in range(12):
        clock.now += 0.03
        explorer.controls["theta"].value = round(0.2 + 0.25 * k, 2)
        pictures.append(rendered(canvas))
    changes = [(after != before).any(axis=2) for before, after in zip(pictures, pictures[1:])]
    expected = np.logical_or.reduce(changes[-1 - base.FRAME_CARRY:])
    series = np.logical_or.reduce(changes)
    frame = decode(sent[-1])
    height, width = frame.shape[:2]
    np.testing.assert_array_equal(frame[..., 3] > 0, expected[:height, :width])
    assert not expected[height:].any() and not expected[:, width:].any()
    assert series.sum() > 2 * expected.sum()


def test_the_kernel_loop_sends_one_repair_frame_after_a_series(monkeypatch, in_a_kernel):
    """In a kernel, the repair frame follows FRAME_SETTLE s after the last frame of a longer series
    (a frame before then postpones it), once, with every pixel the series changed; closing the
    explorer cancels a repair still due."""
    monkeypatch.setattr(base, "FRAME_SETTLE", 0.2)
    sent: list[bytes] = []
    pictures: list[np.ndarray] = []

    async def scenario():
        explorer = gradient_explorer()
        canvas = explorer.figure.canvas

        async def moves(values, pause=0.0):
            for k, value in enumerate(values):
                if k:
                    await asyncio.sleep(pause)
                explorer.controls["theta"].value = value
                pictures.append(rendered(canvas))

        try:
            canvas.draw()
            canvas.send_binary = sent.append
            await asyncio.sleep(0.25)   # the draw's frame had time to be painted
            pictures.append(rendered(canvas))
            await moves([0.3, 0.7, 1.1, 1.5], pause=0.1)   # each postpones the repair
            counts = [len(sent)]
            await asyncio.sleep(0.1)
            counts.append(len(sent))    # 0.1 s after the last frame: not yet
            await asyncio.sleep(0.3)
            counts.append(len(sent))    # 0.2 s after it: the repair
            mode, repair = canvas._current_image_mode, decode(sent[-1])
            await asyncio.sleep(0.5)
            counts.append(len(sent))    # and only one
            await moves([0.2, 0.4, 0.6, 0.8])
            explorer.close()
            await asyncio.sleep(0.4)
            counts.append(len(sent))    # the repair due was cancelled
            due = [handle for handle in asyncio.get_running_loop()._scheduled if not handle.cancelled()]
            return counts, mode, repair, due
        finally:
            explorer.close()

    counts, mode, repair, due = run_in_own_loop(scenario())
    assert counts == [4, 4, 5, 5, 9] and mode == "diff" and not due
    after = pictures[4]   # the last picture of the first series
    changed = np.logical_or.reduce([(b != a).any(axis=2) for a, b in zip(pictures[:4], pictures[1:5])])
    height, width = repair.shape[:2]
    np.testing.assert_array_equal(repair[..., 3] > 0, changed[:height, :width])
    assert not changed[height:].any() and not changed[:, width:].any()
    np.testing.assert_array_equal(repair[..., :3], np.where(changed[:height, :width, None],
                                                            after[:height, :width, :3], 0))


def test_matplotlibs_own_diffs_leave_stale_pixels_after_a_dropped_frame(clock, settled):
    """What the frames above guard against: plain diffs (each against the frame before) go wrong."""
    explorer = gradient_explorer()
    try:
        page, _, dropped = play_with_drops(explorer, clock, QUICK_MOVES)
        assert dropped >= 4
        assert (page != rendered(explorer.figure.canvas)).any(axis=2).sum() > 100
    finally:
        explorer.close()


def test_after_a_pause_a_frame_holds_only_its_own_change(clock, at_rest):
    """Frames far apart are plain diffs again (matplotlib's, cut short): earlier moves are not sent twice."""
    explorer, canvas, sent = at_rest
    explorer.controls["x"].value = 0.6
    clock.now += 0.03
    explorer.controls["theta"].value = 1.9
    quick = decode(sent[-1])  # within FRAME_SETTLE: the x move's pixels come along
    clock.now += base.FRAME_SETTLE
    previous = canvas._last_buff.copy()
    explorer.controls["theta"].value = 1.7
    alone = decode(sent[-1])
    assert (quick[..., 3] > 0).sum() > 2 * (alone[..., 3] > 0).sum() > 0
    canvas._last_buff, canvas._png_is_old = previous, True
    theirs = decode(FigureCanvasWebAggCore.get_diff_image(canvas))
    height, width = alone.shape[:2]
    np.testing.assert_array_equal(alone, theirs[:height, :width])
    assert not theirs[height:, :, 3].any() and not theirs[:, width:, 3].any()

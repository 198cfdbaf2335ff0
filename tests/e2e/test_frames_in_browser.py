"""In Chromium, the picture an explorer's diff frames leave on the page is the kernel's picture.

Explorers send the browser only the changed pixels of a move, in a frame that ends at the last
changed row and column (``widgets.explorers.base._fast_diff_image``). This test moves sliders
through blitted moves and full redraws, then asks the kernel for a full frame (what ipympl's
"refresh" does) and checks that the page's canvas did not change by a single pixel value: nothing
stale was left where the diff frames did not reach, once the page is at rest (after the repair
frame that follows a series of quick frames).
"""

from __future__ import annotations

import json

import pytest

from widgets.explorers.base import FRAME_SETTLE

from . import harness

pytestmark = pytest.mark.browser

CELLS = [
    "%matplotlib widget\nfrom widgets.explorers import gradient_explorer, secant_explorer\n"
    "explorers = [gradient_explorer(), secant_explorer()]",
    "explorers[0]",
    "explorers[1]",
    # the full frame: every pixel sent again, drawn over a cleared canvas
    "for e in explorers:\n    e.figure.canvas._force_full = True\n    e.figure.canvas.draw()",
]


def notebook_json() -> str:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{k}", "metadata": {}, "outputs": [],
              "source": source} for k, source in enumerate(CELLS)]
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                                   "name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5})


#: Records the size of every PNG frame the page receives (ipympl makes a blob URL of each one).
RECORD_FRAMES = """() => {
    window.__frames = [];
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob) => {
        if (blob && blob.type === 'image/png') {
            const entry = {bytes: blob.size};
            window.__frames.push(entry);
            createImageBitmap(blob).then(b => { entry.width = b.width; entry.height = b.height; });
        }
        return create(blob);
    };
}"""


def frames(page) -> list[dict]:
    return page.evaluate("() => window.__frames.map(f => ({...f}))")


def run_cell(page, index: int) -> None:
    page.evaluate("""async (k) => {
        const w = window.jupyterapp.shell.currentWidget;
        w.content.activeCellIndex = k;
        await window.jupyterapp.commands.execute('notebook:run-cell'); }""", index)


@pytest.fixture(params=[1, 2], ids=["dpr1", "dpr2"])
def scaled_page(request, browser):
    """A watched page on an ordinary screen and on a HiDPI one (ipympl then draws twice the pixels each way)."""
    watch = harness.PageWatch(browser, device_scale_factor=request.param)
    yield watch
    watch.close()


def test_diff_frames_leave_the_kernels_picture(lab_server, scaled_page):
    (lab_server.root / "frames.ipynb").write_text(notebook_json(), encoding="utf-8")
    page = scaled_page.page
    try:
        harness.open_in_lab(page, lab_server, "frames.ipynb")
        page.evaluate(RECORD_FRAMES)
        for k in range(3):
            run_cell(page, k)
        explorers = harness.find_explorers(page)
        assert len(explorers) == 2, explorers
        for index, presses in ((0, {0: 4, 1: 3, 2: 3}), (1, {0: 5, 1: 5})):
            assert not harness.check_canvases(page, index)
            for slider, count in presses.items():
                for _ in range(count):
                    harness.wait_picture_still(page, index, quiet_ms=150)
                    before = harness.canvas_hashes(page, index)
                    harness.press_slider(page, index, slider)
                    assert harness.wait_canvas_change(page, index, before), (index, slider)
        for index in (0, 1):   # at rest: a repair frame, if one is due, has come and been drawn
            assert harness.wait_picture_still(page, index, quiet_ms=int(1000 * FRAME_SETTLE) + 600)
        sizes = {(f["width"], f["height"]) for f in frames(page)}
        canvases = {tuple(size) for size in page.evaluate("""() => Array.from(document.querySelectorAll(
            '.jupyter-matplotlib-canvas-div > canvas:first-child')).map(c => [c.width, c.height])""")}
        assert len(canvases) == 2 and canvases <= sizes, (canvases, sizes)  # the first, full frames
        assert sizes - canvases, sizes  # and diff frames cut short of the full size
        shown = [harness.canvas_pngs(page, index) for index in (0, 1)]
        hashes = [harness.canvas_hashes(page, index) for index in (0, 1)]
        received = len(frames(page))
        run_cell(page, 3)
        assert harness.wait_for(page, """([n, sizes]) => window.__frames.slice(n).filter(
            f => sizes.some(([w, h]) => f.width === w && f.height === h)).length >= 2""",
                                [received, sorted(canvases)], 30.0), frames(page)[received:]
        for index in (0, 1):
            assert harness.wait_picture_still(page, index)
        for index in (0, 1):
            after = harness.canvas_pngs(page, index)
            assert len(after) == len(shown[index]) >= 1
            for k, (a, b) in enumerate(zip(shown[index], after)):
                first, second = harness.png_pixels(a), harness.png_pixels(b)
                differing = int((first != second).any(axis=2).sum())
                assert differing == 0, f"explorer {index}, figure {k}: {differing} pixels were stale"
            assert harness.canvas_hashes(page, index) == hashes[index]
    finally:
        harness.shutdown_lab_kernels(lab_server)
    assert not scaled_page.errors, scaled_page.errors

"""In Chromium, every explorer's canvas shows the kernel's picture pixel for pixel.

The kernel sends each explorer's changed tiles as binary frames (``widgets/explorers/canvas.py``); the
page paints them in order (``canvas.js``). Here each of the ten explorers gets a series of key presses,
a typed formula, another preset and a mouse drag, at devicePixelRatio 1 and 2; after each, once the
page is at rest, its canvas must equal the kernel's whole Agg buffer exactly. A frame arriving while
the page is busy must still be painted, so nothing is ever left stale.
"""

from __future__ import annotations

import base64
import io
import json
import time

import numpy as np
import pytest
from PIL import Image

from . import harness

pytestmark = pytest.mark.browser

#: The explorers, in the order of their cells, and a formula for their first box that changes the view.
EXPLORERS = {
    "secant_explorer": None,
    "taylor_explorer": "x^3 - 2x",          # the y axis becomes -60 ... 60: its minus signs must show
    "difference_error_explorer": None,
    "gradient_explorer": "x^2 - y^2",
    "chain_rule_explorer": "x1 x2",
    "jacobian_explorer": "x + y^2",
    "matrix_gradient_explorer": None,
    "autodiff_explorer": "exp(x) sin(x)",
    "hessian_explorer": "x^3 - 3x + y^2",
    "linearization_explorer": None,
}
NAMES = list(EXPLORERS)

#: Helpers in the notebook's kernel: the kernel may draw on a subshell's thread while the main one
#: answers the test, so both hold the lock every figure change and draw holds.
HELPERS = """
import base64
from widgets.plotting.style import FIGURE_LOCK

def settled(i):
    \"\"\"Every frame of explorer i sent and painted, none waiting to be drawn.\"\"\"
    with FIGURE_LOCK:
        c = explorers[i].canvas
        return c.seq == c.acked and not c._wanted

def picture(i):
    with FIGURE_LOCK:
        return base64.b64encode(explorers[i].canvas.full_png()).decode()
"""

CELLS = [
    HELPERS + "import widgets.explorers as X\n"
    f"explorers = [getattr(X, name)() for name in {NAMES!r}]",
    *[f"explorers[{k}]" for k in range(len(NAMES))],
]


def notebook_json() -> str:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{k}", "metadata": {}, "outputs": [],
              "source": source} for k, source in enumerate(CELLS)]
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                                   "name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5})


def in_kernel(page, expression: str) -> str:
    """The value of ``expression`` in the notebook's kernel, as text."""
    text = page.evaluate("""async (expression) => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const future = kernel.requestExecute({code: '', silent: true, user_expressions: {value: expression}});
        const reply = await future.done;
        const value = reply.content.user_expressions.value;
        return value.status === 'ok' ? value.data['text/plain'] : 'error: ' + value.evalue; }""", expression)
    assert not text.startswith("error"), text
    return text


def kernel_picture(page, index: int) -> np.ndarray:
    """The kernel's whole Agg buffer of explorer ``index``."""
    text = in_kernel(page, f"picture({index})")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(text.strip("'")))).convert("RGBA"))


def wait_settled(page, index: int, timeout: float = 30.0) -> bool:
    """Wait until the kernel has sent and the page painted every frame of explorer ``index``."""
    deadline = time.monotonic() + timeout
    while in_kernel(page, f"settled({index})") != "True":
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(100)
    return True


def page_picture(page, index: int) -> np.ndarray:
    urls = harness.canvas_pngs(page, index)
    assert len(urls) == 1, len(urls)
    return harness.png_pixels(urls[0])


def assert_page_shows_kernel(page, index: int, what: str) -> None:
    assert harness.wait_picture_still(page, index, quiet_ms=400, timeout=30.0), f"{what}: never at rest"
    assert wait_settled(page, index), f"{what}: frames still on their way after 30 s"
    assert harness.wait_picture_still(page, index, quiet_ms=200, timeout=30.0), f"{what}: never at rest"
    kernel, shown = kernel_picture(page, index), page_picture(page, index)
    assert kernel.shape == shown.shape, (what, kernel.shape, shown.shape)
    differing = int((kernel != shown).any(axis=2).sum())
    if differing:
        harness.save_canvas_pngs(f"frames-{NAMES[index]}-{what}", [_url(kernel)], [_url(shown)])
    assert differing == 0, f"{NAMES[index]}, after {what}: {differing} pixels differ from the kernel's picture"


def _url(pixels: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def run_cells(page, count: int) -> None:
    for index in range(count):
        page.evaluate("""async (k) => {
            const w = window.jupyterapp.shell.currentWidget;
            w.content.activeCellIndex = k;
            await window.jupyterapp.commands.execute('notebook:run-cell'); }""", index)


def drag_slider(page, index: int, slider: int = 0) -> None:
    """Drag the handle of slider ``slider`` of explorer ``index`` with the mouse, in 20 steps."""
    handle = harness.explorer_root(page, index).locator(".widget-slider").nth(slider).locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x - 3 * step, y)
        page.wait_for_timeout(16)
    page.mouse.up()


def choose_another_preset(page, index: int) -> bool:
    menus = harness.explorer_root(page, index).locator(".widget-dropdown select")
    if menus.count() == 0:
        return False
    menu = menus.first
    menu.scroll_into_view_if_needed()
    options = menu.locator("option")
    current = menu.evaluate("(el) => el.selectedIndex")
    menu.select_option(index=(current + 1) % options.count())
    return True


@pytest.fixture(params=[1, 2], ids=["dpr1", "dpr2"])
def scaled_page(request, browser):
    """A watched page on an ordinary screen and on a HiDPI one (the canvas then draws twice the pixels each way)."""
    watch = harness.PageWatch(browser, device_scale_factor=request.param)
    watch.dpr = request.param
    yield watch
    watch.close()


def test_every_explorer_shows_the_kernels_picture(lab_server, scaled_page):
    (lab_server.root / "frames.ipynb").write_text(notebook_json(), encoding="utf-8")
    page = scaled_page.page
    try:
        harness.open_in_lab(page, lab_server, "frames.ipynb")
        run_cells(page, len(CELLS))
        explorers = harness.find_explorers(page)
        assert len(explorers) == len(NAMES), explorers
        for index, name in enumerate(NAMES):
            assert not harness.check_canvases(page, index), name
            width = page.evaluate("(i) => window.__e2e.root(i).querySelector('canvas.mml-explorer-canvas').width",
                                  index)
            css = page.evaluate("""(i) => window.__e2e.root(i).querySelector('canvas.mml-explorer-canvas')
                                      .getBoundingClientRect().width""", index)
            assert width == round(css * scaled_page.dpr), (name, width, css)
            assert_page_shows_kernel(page, index, "first picture")
            for _ in range(6):       # a series of key presses, as fast as they come
                harness.press_slider(page, index, 0)
            assert_page_shows_kernel(page, index, "key presses")
            formula = EXPLORERS[name]
            if formula is not None:
                before = harness.canvas_hashes(page, index)
                harness.type_into(page, index, 0, formula)
                assert harness.wait_canvas_change(page, index, before), (name, formula)
                assert_page_shows_kernel(page, index, "a typed formula")
                assert not harness.internal_error(harness.explorer_message(page, index))
            if choose_another_preset(page, index):
                assert_page_shows_kernel(page, index, "another preset")
            drag_slider(page, index)
            assert_page_shows_kernel(page, index, "a drag")
    finally:
        harness.shutdown_lab_kernels(lab_server)
    assert not scaled_page.errors, scaled_page.errors

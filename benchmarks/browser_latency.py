"""Slider latency in a real browser: from a key press on an explorer's slider to the repainted picture.

For every benchmark case (``benchmarks/cases.py``) this script writes three small notebooks into a
temporary directory, serves them with JupyterLab and opens them, one after the other, in headless
Chromium:

* **ours**: the explorer itself; its figure is built once, its artists are moved, and its canvas
  widget (``explorer.canvas``, ``widgets/explorers/canvas.py`` and ``canvas.js``) sends the changed
  32-pixel tiles, which the page paints with ``putImageData`` in its next animation frame;
* **ipympl**: the same picture through ipympl. The same explorer object (same controls, same
  ``update()``, the same blitting of the moving artists where the explorer blits), but its figure is
  shown by ipympl's widget instead of ours: ``new_figure_manager_given_figure`` puts ipympl's canvas
  under the figure, and the explorer's request for a picture draws exactly as it does for ours (the
  moving artists over the saved background, or the whole figure) and then hands the pixels to ipympl:
  a whole draw sends them by itself (ipympl's ``draw``), a blit with ``canvas.blit()``. ipympl then
  does what it does for any figure: the PNG of the changed pixels (the whole canvas, unchanged
  pixels transparent), decoded by the page into an offscreen canvas and copied with ``drawImage``.
  This is the fairest comparison of the two ways of getting the pixels to the page: the kernel's
  drawing is the same, only the transport and the painting differ. (The plainer ipympl idiom,
  ``update()`` then ``figure.canvas.draw_idle()``, would draw the whole figure on every move after a
  round trip to the page: slower than this, so a weaker baseline.) ipympl is not a dependency of
  the project any more; only this benchmark uses it: ``pip install ipympl``.
* **interact**: the naive way: ``ipywidgets.interact`` with ``%matplotlib inline`` over a copy of the
  same slider; on every move it re-plots the picture from scratch with the explorer's own drawing code
  and shows its PNG (``naive.naive_png``: a new explorer from the case's factory, set to the slider's
  value, rendered with ``snapshot_png`` and closed; its widgets are never opened, so nothing but the
  PNG reaches the page, and it renders only the PNG).

The time is measured inside the page, from the ``keydown`` event's time stamp to the animation
frame that first shows the new picture: ours paints inside an animation frame, and the sample ends in
that frame once the canvas's pixels differ from those before the key press (checked right after the
paint); ipympl paints when its image has loaded, outside animation frames, and the sample ends at the
next animation frame once the canvas pixels differ; interact's sample ends at the next animation frame
after its new ``<img>`` is decoded. Each case gets ``--moves`` timed key presses (at least 30, after
two that are not counted) on one slider, sweeping it back and forth and turning back where a press
shows no new picture (such presses are reported, not timed); each press waits until the case's
output has been still for a moment, so every move starts from rest. The explorer's typeset readout,
which follows the picture, is timed too (key press to its last change).

Then, on our explorer's page, a drag: the mouse presses the slider's handle, moves ``--drag-rate``
times a second (60) for ``--drag-seconds`` (2), sweeping the slider's track, and releases it (the
moves are mouse events dispatched in the page on a timer; see ``measure_drag``). The
script counts the animation frames in which our canvas painted new pixels between the first and the
last move (painted frames per second) and the time from the last mouse move to the last new pixels
(the final picture).

Each explorer is measured in notebooks of its own, as in the chapters (one to three explorers
each); ``--shared-page`` puts all explorers in one notebook per way instead. One page and one
kernel run at a time, so neither slows the other down. JupyterLab runs with its default settings
(its default notebook windowing skips painting cells off screen). ``--device-scale-factor 2``
measures a HiDPI screen (ours and ipympl then draw twice the pixels in each direction; interact's
inline PNG stays at 1x and is enlarged by the page). ``--raw-limit N`` sets
``widgets.explorers.canvas.RAW_LIMIT`` in our explorers' kernel before they are made (frames of at most
N bytes go raw, larger ones deflated; a huge N: always raw).

    python benchmarks/browser_latency.py --markdown                           # every case, DPR 1
    python benchmarks/browser_latency.py --markdown --device-scale-factor 2   # HiDPI, where the targets are
    python benchmarks/browser_latency.py --only secant_explorer taylor_explorer --moves 30
    python benchmarks/browser_latency.py --raw-limit 1000000000 --skip interact ipympl   # always-raw frames

The targets (an idle 2-core machine): key -> picture median <= 35 ms at DPR 1 and <= 45 ms at DPR 2,
p95 <= 60 ms at DPR 2; at DPR 2 at least 1.3 times faster than ipympl and 3 times faster than interact
(ratios of medians measured in the same run); a drag at DPR 2 paints at least 30 frames per second
and shows its final picture at most 100 ms after the last move. The script says whether each is met.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import shutil
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))  # the servers and browser helpers of the end-to-end tests
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))  # cases.py and naive.py

from e2e import harness  # noqa: E402

#: The ways a case is shown, in the order they are measured.
MODES = ("explorer", "ipympl", "interact")
#: Targets: (median ms at DPR 1, median ms at DPR 2, p95 ms at DPR 2, times faster than ipympl and than
#: interact at DPR 2, drag painted frames per second at DPR 2, drag final picture ms at DPR 2).
TARGET_MEDIAN_MS = {1.0: 35.0, 2.0: 45.0}
TARGET_P95_MS = {2.0: 60.0}
TARGET_RATIO = {"ipympl": 1.3, "interact": 3.0}
TARGET_DRAG_FPS = 30.0
TARGET_DRAG_FINAL_MS = 100.0
#: Before each key press the case's output must have been still this long (ms).
QUIET_MS = 150
SLIDER_TYPES = ("IntSlider", "FloatSlider", "FloatLogSlider", "IntLogSlider")
SLIDER_KEYS = ("value", "min", "max", "step", "base", "description", "readout_format")


def ipympl_missing() -> bool:
    return importlib.util.find_spec("ipympl") is None


# -- the cases ----------------------------------------------------------------------------------------------
@dataclass
class Selection:
    """One benchmark case (``cases.CASES[index]``) and the slider moved in it."""

    index: int
    name: str
    control: str | None
    slider: dict = field(default_factory=dict)
    reason: str = ""


def select_cases(only: list[str] | None = None, limit: int | None = None) -> list[Selection]:
    """Pick, for each case, the first plain slider among the controls its moves use (else any plain slider).

    ``only`` names the cases to take (default: all); ``limit`` stops after that many cases with a slider.
    """
    import matplotlib

    matplotlib.use("Agg")
    from cases import CASES

    selections: list[Selection] = []
    for index, case in enumerate(CASES):
        if only and case.name not in only:
            continue
        if limit is not None and sum(s.control is not None for s in selections) >= limit:
            return selections
        explorer = case.make()
        try:
            names = list(dict.fromkeys(name for name, _ in case.moves)) + list(explorer.controls)
            control = next((n for n in names if type(explorer.controls.get(n)).__name__ in SLIDER_TYPES), None)
            if control is None:
                selections.append(Selection(index, case.name, None, reason="no plain slider"))
                continue
            widget = explorer.controls[control]
            slider = {"type": type(widget).__name__,
                      **{k: getattr(widget, k) for k in SLIDER_KEYS if widget.has_trait(k)}}
            selections.append(Selection(index, case.name, control, slider))
        finally:
            explorer.close()
    return selections


# -- the notebooks --------------------------------------------------------------------------------------------
CASES_CODE = f'''import sys
sys.path.insert(0, {str(HERE)!r})
from cases import CASES

def _tag(index):
    return f"bench-case-{{index}}-{{CASES[index].name}}"
'''

EXPLORER_SETUP = CASES_CODE + '''
def show_explorer(index, control):
    """Display the case's explorer with its benchmarked slider tagged for the page."""
    explorer = CASES[index].make()
    explorer.controls[control].add_class(_tag(index))
    return explorer
'''

IPYMPL_SETUP = "%matplotlib widget\n" + CASES_CODE + '''
import ipywidgets as W
import matplotlib.pyplot as plt
from ipympl.backend_nbagg import new_figure_manager_given_figure
from widgets.plotting.style import FIGURE_LOCK

def show_ipympl(index, control):
    """The same explorer, its figure shown by ipympl: the explorer draws as always (blitting the moving
    artists, or drawing everything), then ipympl sends the changed pixels as its PNG diff."""
    explorer = CASES[index].make()
    with plt.ioff():  # shown once, in the box below, not again by pyplot at the end of the cell
        manager = new_figure_manager_given_figure(1000 + index, explorer.figure)
    canvas = manager.canvas  # ipympl's widget, now the figure's canvas
    canvas.header_visible = canvas.toolbar_visible = canvas.footer_visible = False
    canvas.resizable = False
    draws = [0]
    canvas.mpl_connect("draw_event", lambda event: draws.__setitem__(0, draws[0] + 1))
    # Our canvas is never shown here, so its request() draws at once, on the figure's canvas: ipympl's.
    paint = explorer.canvas.request

    def request(full=False):
        with FIGURE_LOCK:
            before = draws[0]
            paint(full)             # the explorer's own drawing, as for its canvas
            if draws[0] == before:  # only the moving artists were drawn: ipympl's draw() did not send them
                canvas.blit()

    explorer.canvas.request = request   # what refresh() calls after update()
    explorer.controls[control].add_class(_tag(index))
    explorer._benchmark_manager = manager
    return W.VBox([explorer.layout_controls(), canvas, explorer.readout, explorer.status])
'''

INTERACT_SETUP = "%matplotlib inline\n" + CASES_CODE + '''
from IPython.display import Image, display
import ipywidgets as W
from ipywidgets import interact
from naive import naive_png

def show_interact(index, control, slider):
    """interact() over the same slider; each move re-plots the case's picture from scratch and shows its PNG."""
    case = CASES[index]

    def redraw(**values):
        display(Image(data=naive_png(case.factory, case.kwargs, values).png, format="png"))

    slider.add_class(_tag(index))
    interact(redraw, **{control: slider})
'''


def case_tag(selection: Selection) -> str:
    return f"bench-case-{selection.index}-{selection.name}"


def slider_code(slider: dict) -> str:
    arguments = ", ".join(f"{k}={v!r}" for k, v in slider.items() if k != "type")
    return f"W.{slider['type']}({arguments}, continuous_update=True)"


def write_notebooks(directory: Path, selections: list[Selection], stem: str = "", modes=MODES,
                    raw_limit: int | None = None) -> dict[str, Path]:
    """Write ``{mode}{stem}.ipynb`` for each of ``modes`` (one cell per case) into ``directory``;
    return mode -> path. ``raw_limit`` sets the canvas's RAW_LIMIT in the explorers' notebook."""
    import nbformat

    directory.mkdir(parents=True, exist_ok=True)
    explorer_setup = EXPLORER_SETUP
    if raw_limit is not None:
        explorer_setup += f"\nimport widgets.explorers.canvas\nwidgets.explorers.canvas.RAW_LIMIT = {int(raw_limit)}\n"
    setups = {"explorer": explorer_setup, "ipympl": IPYMPL_SETUP, "interact": INTERACT_SETUP}
    paths = {}
    for mode in modes:
        cells = [setups[mode]]
        for s in selections:
            if s.control is None:
                continue
            if mode == "interact":
                cells.append(f"show_interact({s.index}, {s.control!r}, {slider_code(s.slider)})")
            else:
                cells.append(f"show_{mode}({s.index}, {s.control!r})")
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        path = directory / f"{mode}{stem}.ipynb"
        nbformat.write(notebook, path)
        paths[mode] = path
    return paths


# -- measuring in the page --------------------------------------------------------------------------------------
#: Installed in the page: arm() watches one case's output; every keydown inside it starts a sample that
#: ends at the animation frame that first shows the new picture. While ``dragging``, the animation
#: frames in which the canvas painted and the mouse moves are recorded.
LATENCY_JS = r"""
([tag, mode]) => {
  const slider = document.querySelector('.' + tag);
  const root = slider.closest('.jp-OutputArea-output');
  const state = {samples: [], readouts: [], pending: null, current: null, lastChange: performance.now(),
                 dragging: false, paints: [], moves: []};
  // Animation frames: every requestAnimationFrame callback is counted, so that a paint knows whether it
  // happens inside one (then the new pixels show in this very frame) and which one.
  if (!window.__frames) {
    const raf = window.requestAnimationFrame.bind(window);
    const frames = window.__frames = {inside: 0, id: 0, time: -1};
    window.requestAnimationFrame = callback => raf(t => {
      if (t !== frames.time) { frames.time = t; frames.id += 1; }
      frames.inside += 1;
      try { return callback(t); } finally { frames.inside -= 1; }
    });
    document.addEventListener('mousemove', event => {
      for (const s of Object.values(window.__latency || {})) if (s.dragging) s.moves.push(event.timeStamp);
    }, true);
  }
  const record = (p, now) => {
    if (state.pending === p && p.t0 !== null) { state.samples.push(now - p.t0); state.pending = null; }
  };
  // The readout under the picture (the explorer's typeset math) is sent after the picture; the
  // time of its last change after a key press is kept as the readout's latency.
  const keepReadout = () => {
    const c = state.current;
    if (c && c.t0 !== null && c.readoutAt !== undefined) state.readouts.push(c.readoutAt - c.t0);
  };
  // arm() runs before each key press: it notes the current picture, outside the timed interval.
  state.arm = () => {
    keepReadout();
    state.pending = state.current = {t0: null, before: state.hash ? state.hash() : null};
  };
  state.finish = () => { keepReadout(); state.current = null; return state.readouts; };
  document.addEventListener('keydown', event => {
    if (state.pending && state.pending.t0 === null && root.contains(event.target)) state.pending.t0 = event.timeStamp;
  }, true);
  // Any change inside the output (slider, picture elements, readout, message) marks it as not yet quiet.
  new MutationObserver(() => { state.lastChange = performance.now(); })
    .observe(root, {childList: true, subtree: true, characterData: true, attributes: true});
  const readout = Array.from(root.querySelectorAll('.widget-htmlmath')).pop();  // under the figure
  if (readout) new MutationObserver(() => {
    const c = state.current;
    if (c && c.t0 !== null) c.readoutAt = performance.now();
  }).observe(readout, {childList: true, subtree: true, characterData: true});
  if (mode === 'explorer' || mode === 'ipympl') {
    // Ours paints with putImageData inside an animation frame; ipympl with drawImage when its image has
    // loaded. The new pixels show at ``now``: that frame, or the next one.
    const canvas = mode === 'explorer' ? root.querySelector('canvas.mml-explorer-canvas')
                                       : root.querySelector('.jupyter-matplotlib-canvas-div > canvas');
    const context = canvas.getContext('2d');
    state.hash = () => window.__e2e.hash(canvas);
    const shown = (now, frame) => {
      state.lastChange = now;
      if (state.dragging) {
        const last = state.paints[state.paints.length - 1];
        if (!last || last.frame !== frame) state.paints.push({frame, time: now});
      }
      const p = state.pending;
      if (p && p.t0 !== null && state.hash() !== p.before) record(p, now);
    };
    const method = mode === 'explorer' ? 'putImageData' : 'drawImage';
    const original = context[method];
    let scheduled = false;
    context[method] = function (...args) {
      const result = original.apply(this, args);
      if (!scheduled) {
        scheduled = true;
        if (window.__frames.inside > 0) {  // after this animation frame callback's other paints
          const now = performance.now(), frame = window.__frames.id;
          queueMicrotask(() => { scheduled = false; shown(now, frame); });
        } else {
          requestAnimationFrame(() => { scheduled = false; shown(performance.now(), window.__frames.id); });
        }
      }
      return result;
    };
  } else {
    // interact's Output widget shows a new <img> for every move; the sample ends at the next
    // animation frame once that image is decoded.
    const output = root.querySelector('.widget-output') || root;
    new MutationObserver(records => {
      const p = state.pending;
      if (!p || p.t0 === null) return;
      for (const entry of records) for (const node of entry.addedNodes) {
        const img = node.nodeType === 1 ? (node.tagName === 'IMG' ? node : node.querySelector('img')) : null;
        if (!img) continue;
        const ready = img.src ? img.decode().catch(() => null)
                              : new Promise(resolve => img.addEventListener('load', resolve, {once: true}));
        ready.then(() => requestAnimationFrame(() => record(p, performance.now())));
        return;
      }
    }).observe(output, {childList: true, subtree: true});
  }
  window.__latency = window.__latency || {};
  window.__latency[tag] = state;
  return true;
}
"""


def slider_position(page, tag: str) -> dict:
    """The slider's value and range as the page's noUiSlider holds them (the ARIA values are rounded)."""
    return page.evaluate("""(tag) => { const s = document.querySelector('.' + tag + ' .noUi-target').noUiSlider;
        const range = s.options.range;
        return {now: +s.get(), min: +range.min, max: +range.max, step: +(s.options.step || 0)}; }""", tag)


@dataclass
class Measured:
    """What ``measure`` found for one case in one mode."""

    samples: list[float]
    lost: int
    readouts: list[float] = field(default_factory=list)


def wait_quiet(page, tag: str, quiet_ms: int, timeout: float) -> bool:
    return harness.wait_for(page, "([tag, quiet]) => performance.now() - window.__latency[tag].lastChange >= quiet",
                            [tag, quiet_ms], timeout)


def measure(page, tag: str, mode: str, moves: int, timeout: float = 10.0, quiet_ms: int = QUIET_MS,
            settle_ms: int = 60, give_up: int = 3, warmup: int = 2) -> Measured:
    """Press an arrow key on the slider tagged ``tag`` until ``moves`` presses have been timed; return
    the latencies in ms and the number of presses lost.

    ``warmup`` presses come first and are not counted (the first move of a figure pays for code
    paths run once: caches, the first diff). A press is lost when no new picture shows within
    ``timeout`` s; the sweep then turns back, once until a press shows again (near an end of some
    sliders the picture no longer changes, e.g. Taylor orders past which the polynomial matches f
    to the pixel). After ``give_up`` lost presses in a row, or ``moves`` lost in all, the case
    stops (the slider does not change the picture, or the kernel is stuck). Each press starts
    from a quiet output: after the new picture, the next press waits until nothing in the case's
    output has changed for ``quiet_ms`` (the readout that follows the picture included), then
    ``settle_ms`` more.
    """
    page.bring_to_front()
    page.evaluate(LATENCY_JS, [tag, mode])
    handle = page.locator(f".{tag} .noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.wait_for_timeout(300)
    key, turned = "ArrowRight", False

    def press() -> bool:
        nonlocal key, turned
        position = slider_position(page, tag)
        margin = position["step"] / 2
        if position["now"] >= position["max"] - margin:
            key = "ArrowLeft"
        elif position["now"] <= position["min"] + margin:
            key = "ArrowRight"
        count = page.evaluate("(tag) => { window.__latency[tag].arm(); return window.__latency[tag].samples.length; }",
                              tag)
        page.keyboard.press(key)
        shown = harness.wait_for(page, "([tag, n]) => window.__latency[tag].samples.length > n", [tag, count], timeout)
        if not shown:  # the picture did not change (or took longer than the timeout)
            page.evaluate("(tag) => { window.__latency[tag].pending = null; }", tag)
            if not turned:  # turn back, once, where the picture stops changing
                key, turned = ("ArrowLeft" if key == "ArrowRight" else "ArrowRight"), True
        else:
            turned = False
        wait_quiet(page, tag, quiet_ms, timeout)
        page.wait_for_timeout(settle_ms)
        return shown

    for _ in range(warmup):
        press()
    page.evaluate("(tag) => { const s = window.__latency[tag]; s.samples = []; s.readouts = []; s.current = null; }",
                  tag)
    timed, lost, lost_in_row = 0, 0, 0
    while timed < moves and lost_in_row < give_up and lost < moves:
        if press():
            timed, lost_in_row = timed + 1, 0
        else:
            lost, lost_in_row = lost + 1, lost_in_row + 1
    samples = page.evaluate("(tag) => window.__latency[tag].samples", tag)
    readouts = page.evaluate("(tag) => window.__latency[tag].finish()", tag) if mode == "explorer" else []
    return Measured(samples, lost, readouts)


@dataclass
class Drag:
    """What ``measure_drag`` found: painted frames per second during the drag, and ms from the last
    pointer move to the last new pixels (the final picture); ``moves`` mouse moves reached the page
    in ``seconds`` (first to last)."""

    fps: float
    final_ms: float
    moves: int
    painted: int
    seconds: float


#: Moves the pressed mouse over a slider's track: mousemove events (what noUiSlider listens to) every 1/rate s for ``seconds``, a
#: triangle wave (one sweep each way per second) starting at the handle; resolves when done.
DRAG_JS = r"""
([tag, x0, y, left, right, seconds, rate]) => new Promise(resolve => {
  const handle = document.querySelector('.' + tag + ' .noUi-handle');
  const width = Math.max(1, right - left), phase = (x0 - left) / width / 2;
  const began = performance.now();
  let tick = 0;
  const step = () => {
    const elapsed = (performance.now() - began) / 1000;
    if (elapsed > seconds) { resolve(tick); return; }
    tick += 1;
    const u = (phase + elapsed) % 1, fraction = u < 0.5 ? 2 * u : 2 - 2 * u;
    handle.dispatchEvent(new MouseEvent('mousemove', {
      bubbles: true, cancelable: true, composed: true, view: window, clientX: left + fraction * width,
      clientY: y, button: 0, buttons: 1}));
    setTimeout(step, Math.max(0, began + tick * 1000 / rate - performance.now()));
  };
  setTimeout(step, 1000 / rate);
})
"""


def measure_drag(page, tag: str, seconds: float = 2.0, rate: float = 60.0, quiet_ms: int = 500,
                 timeout: float = 15.0) -> Drag:
    """Drag the handle of the slider tagged ``tag`` (measured by ``measure`` before, which installs the
    page's recorder) for ``seconds``, ``rate`` mouse moves a second, sweeping the track back and forth
    once a second; count the animation frames that painted new pixels between the first and the last
    move, and the time from the last move to the last paint.

    The button goes down and up with Playwright's mouse; the moves in between are ``mousemove``
    events (what the slider, noUiSlider, listens to) dispatched in the page by a timer, ``rate`` a second, each where the mouse is at that
    moment. (A move sent by ``page.mouse.move`` waits until the page has handled it: 45-70 ms each on
    a loaded two-core machine, so the drag's rate would depend on the very speed it measures.)"""
    handle = page.locator(f".{tag} .noUi-handle")
    track = page.locator(f".{tag} .noUi-target")
    handle.scroll_into_view_if_needed()
    start, box = handle.bounding_box(), track.bounding_box()
    x0, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    left, right = box["x"] + 2, box["x"] + box["width"] - 2
    wait_quiet(page, tag, quiet_ms, timeout)
    page.evaluate("(tag) => { const s = window.__latency[tag]; s.pending = null; s.paints = []; s.moves = [];"
                  " s.dragging = true; }", tag)
    page.mouse.move(x0, y)
    page.mouse.down()
    page.evaluate(DRAG_JS, [tag, x0, y, left, right, seconds, rate])
    page.mouse.up()
    wait_quiet(page, tag, quiet_ms, timeout)
    found = page.evaluate("(tag) => { const s = window.__latency[tag]; s.dragging = false;"
                          " return {paints: s.paints.map(p => p.time), moves: s.moves}; }", tag)
    moves, paints = found["moves"], found["paints"]
    if len(moves) < 2 or not paints:
        return Drag(math.nan, math.nan, len(moves), len(paints), seconds)
    first, last = moves[0], moves[-1]
    during = [t for t in paints if first <= t <= last]
    return Drag(len(during) / ((last - first) / 1000), max(0.0, paints[-1] - last), len(moves), len(during),
                (last - first) / 1000)


def open_and_run(page, server, path: str) -> None:
    harness.open_in_lab(page, server, path)
    harness.run_all_in_lab(page)
    problems = harness.output_problems(page)
    if problems:
        raise RuntimeError(f"{path} did not run cleanly:\n" + "\n".join(problems))


@dataclass
class Result:
    name: str
    control: str
    #: key press -> picture, ms, per mode ("explorer", "ipympl", "interact"; a mode not measured: [])
    samples: dict[str, list[float]]
    #: key presses that showed no new picture, per mode
    lost: dict[str, int]
    #: key press -> the explorer's typeset readout changed (it follows the picture), ms
    readout: list[float] = field(default_factory=list)
    drag: Drag | None = None

    @staticmethod
    def stats(samples: list[float]) -> tuple[float, float]:
        if not samples:
            return math.nan, math.nan
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
        return statistics.median(ordered), p95

    def median(self, mode: str) -> float:
        return self.stats(self.samples.get(mode, []))[0]

    def p95(self, mode: str) -> float:
        return self.stats(self.samples.get(mode, []))[1]

    def ratio(self, baseline: str) -> float:
        """How many times faster ours is than ``baseline`` (ratio of medians, same run)."""
        ours = self.median("explorer")
        return self.median(baseline) / ours if ours else math.nan

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["drag"] = None if self.drag is None else dict(self.drag.__dict__)
        return data


def run(server, browser, directory: Path, selections: list[Selection], moves: int, log=print,
        shared_page: bool = False, device_scale_factor: float = 1, modes=MODES, drag_seconds: float = 2.0,
        drag_rate: float = 60.0, raw_limit: int | None = None) -> list[Result]:
    """Measure every selected case in each of ``modes`` (ours, then ipympl, then interact), each in a
    notebook of its own, and, on our explorer's page, a drag of ``drag_seconds`` (0: none).

    With ``shared_page`` all explorers are measured in one notebook per mode (a page far fuller than
    any chapter's, which has one to three explorers: every other explorer on the page adds to the
    browser's work for each frame). Either way one page and one kernel run at a time: a second open
    page takes animation frames, and a second kernel CPU time, from the one being measured.
    ``device_scale_factor`` is the page's ``devicePixelRatio`` (2 for a HiDPI screen).
    """
    measured = [s for s in selections if s.control is not None]
    for s in selections:
        if s.control is None:
            log(f"  {s.name}: skipped ({s.reason})")
    if shared_page:
        pages = [(measured, write_notebooks(directory, measured, modes=modes, raw_limit=raw_limit))]
    else:
        pages = [([s], write_notebooks(directory, [s], stem=f"-{k}", modes=modes, raw_limit=raw_limit))
                 for k, s in enumerate(measured)]
    found: dict[str, dict[str, Measured]] = {mode: {} for mode in modes}
    drags: dict[str, Drag] = {}
    for cases, notebooks in pages:
        for mode in modes:
            watch = harness.PageWatch(browser, viewport={"width": 1400, "height": 1000},
                                      device_scale_factor=device_scale_factor)
            try:
                open_and_run(watch.page, server, notebooks[mode].relative_to(server.root).as_posix())
                for s in cases:
                    started = time.monotonic()
                    found[mode][s.name] = measure(watch.page, case_tag(s), mode, moves)
                    log(f"  {mode:<8} {s.name} ({s.control}): {len(found[mode][s.name].samples)} samples, "
                        f"{time.monotonic() - started:.0f} s")
                    if mode == "explorer" and drag_seconds > 0:
                        drags[s.name] = drag = measure_drag(watch.page, case_tag(s), drag_seconds, drag_rate)
                        log(f"  drag     {s.name}: {drag.painted} painted frames in {drag.seconds:.1f} s "
                            f"({drag.moves} mouse moves), final picture {drag.final_ms:.0f} ms after the last move")
                if watch.errors:
                    raise RuntimeError(f"{mode} page errors: {watch.errors}\nserver log:\n{server.log_tail()}")
            finally:
                watch.close()
                harness.shutdown_lab_kernels(server)
    return [Result(s.name, s.control, {m: found[m][s.name].samples for m in modes},
                   {m: found[m][s.name].lost for m in modes},
                   found["explorer"][s.name].readouts if "explorer" in modes else [], drags.get(s.name))
            for s in measured]


# -- reporting -----------------------------------------------------------------------------------------------------
def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"


def _times(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}x"


def table(results: list[Result]) -> str:
    header = (f"{'explorer':<28}{'slider':<8}{'moves':>6}{'ours med':>9}{'p95':>6}{'ipympl med':>11}{'p95':>6}"
              f"{'interact med':>13}{'p95':>6}{'/ipympl':>8}{'/interact':>10}{'readout':>8}{'drag fps':>9}"
              f"{'final ms':>9}")
    lines = [header, "-" * len(header)]
    for r in results:
        lost = {m: n for m, n in r.lost.items() if n}
        note = f"  (moves without a new picture: {lost})" if lost else ""
        drag = r.drag or Drag(math.nan, math.nan, 0, 0, 0.0)
        lines.append(f"{r.name:<28}{r.control:<8}{len(r.samples.get('explorer', [])):>6}"
                     f"{_ms(r.median('explorer')):>9}{_ms(r.p95('explorer')):>6}"
                     f"{_ms(r.median('ipympl')):>11}{_ms(r.p95('ipympl')):>6}"
                     f"{_ms(r.median('interact')):>13}{_ms(r.p95('interact')):>6}"
                     f"{_times(r.ratio('ipympl')):>8}{_times(r.ratio('interact')):>10}"
                     f"{_ms(Result.stats(r.readout)[0]):>8}{_ms(drag.fps):>9}{_ms(drag.final_ms):>9}{note}")
    return "\n".join(lines)


def markdown_table(results: list[Result], dpr: float) -> str:
    """The same figures as a Markdown table (docs/performance.md's); times are ms, medians (p95)."""
    lines = [f"devicePixelRatio {dpr:g}; key -> picture in ms, median (p95); ratios of medians, same run.", "",
             "| explorer | ours | ipympl | interact | ours vs ipympl | ours vs interact | drag fps | final picture ms |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        drag = r.drag or Drag(math.nan, math.nan, 0, 0, 0.0)
        cells = [f"{_ms(r.median(m))} ({_ms(r.p95(m))})" for m in MODES]
        lines.append(f"| `{r.name}` | " + " | ".join(cells) + f" | {_times(r.ratio('ipympl'))} "
                     f"| {_times(r.ratio('interact'))} | {_ms(drag.fps)} | {_ms(drag.final_ms)} |")
    return "\n".join(lines)


def targets(results: list[Result], dpr: float) -> list[tuple[str, bool | None]]:
    """Each target that applies at ``dpr``, and whether every measured explorer meets it (None: not measured)."""
    checks: list[tuple[str, bool | None]] = []

    def check(text: str, values: list[float], ok) -> None:
        values = [v for v in values if not math.isnan(v)]
        checks.append((text, all(ok(v) for v in values) if values else None))

    if dpr in TARGET_MEDIAN_MS:
        limit = TARGET_MEDIAN_MS[dpr]
        check(f"key -> picture median <= {limit:g} ms", [r.median("explorer") for r in results], lambda v: v <= limit)
    if dpr in TARGET_P95_MS:
        limit = TARGET_P95_MS[dpr]
        check(f"key -> picture p95 <= {limit:g} ms", [r.p95("explorer") for r in results], lambda v: v <= limit)
    if dpr == 2.0:
        for baseline, factor in TARGET_RATIO.items():
            check(f"at least {factor:g}x faster than {baseline}", [r.ratio(baseline) for r in results],
                  lambda v, f=factor: v >= f)
        check(f"drag >= {TARGET_DRAG_FPS:g} painted frames per second",
              [r.drag.fps for r in results if r.drag], lambda v: v >= TARGET_DRAG_FPS)
        check(f"final picture <= {TARGET_DRAG_FINAL_MS:g} ms after the last move",
              [r.drag.final_ms for r in results if r.drag], lambda v: v <= TARGET_DRAG_FINAL_MS)
    return checks


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # so that the servers and the browser are stopped on the way out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=40, help="timed key presses per explorer (default 40, at least 30)")
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ipympl", "interact"], help="baselines not to measure")
    parser.add_argument("--drag-seconds", type=float, default=2.0, help="length of the drag (default 2; 0: no drag)")
    parser.add_argument("--drag-rate", type=float, default=60.0, help="mouse moves per second in the drag (default 60)")
    parser.add_argument("--raw-limit", type=int, help="set widgets.explorers.canvas.RAW_LIMIT in our explorers' kernel")
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    parser.add_argument("--shared-page", action="store_true",
                        help="measure all explorers in one notebook per way (default: each in notebooks of its own)")
    parser.add_argument("--device-scale-factor", type=float, default=1.0,
                        help="the page's devicePixelRatio (default 1; 2 for a HiDPI screen)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if args.moves < 30:
        parser.error("--moves must be at least 30")
    if not 0.5 <= args.device_scale_factor <= 4:
        parser.error("--device-scale-factor must be between 0.5 and 4")
    modes = tuple(m for m in MODES if m not in args.skip)
    if "ipympl" in modes and ipympl_missing():
        print("the ipympl baseline needs ipympl, which the project no longer depends on: pip install ipympl "
              "(or leave the baseline out with --skip ipympl)", file=sys.stderr)
        return 2
    chromium = harness.find_chromium()
    if chromium is None:
        print("no Chromium found (set $CHROMIUM)", file=sys.stderr)
        return 2
    started = time.monotonic()
    load_start = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    selections = select_cases(args.only)
    if not selections:
        print("no benchmark case found", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    workdir = harness.make_workdir("browser-latency-")
    served = workdir / "served"
    served.mkdir()
    # JupyterLab as a student gets it: its default windowing, which skips painting cells off screen
    server = harness.start_lab(served, workdir / "lab", windowing=None)
    try:
        with sync_playwright() as playwright:
            browser = harness.launch_browser(playwright, chromium)
            try:
                print(f"measuring {len(selections)} case(s) ({', '.join(modes)}), {args.moves} moves each, in "
                      f"{chromium} (devicePixelRatio {args.device_scale_factor:g}"
                      f"{'' if args.raw_limit is None else f', RAW_LIMIT {args.raw_limit}'})", flush=True)
                results = run(server, browser, served / "bench", selections, args.moves,
                              log=lambda text: print(text, flush=True), shared_page=args.shared_page,
                              device_scale_factor=args.device_scale_factor, modes=modes,
                              drag_seconds=args.drag_seconds, drag_rate=args.drag_rate, raw_limit=args.raw_limit)
            finally:
                browser.close()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(results))
    if args.markdown:
        print()
        print(markdown_table(results, args.device_scale_factor))
    print()
    checks = targets(results, args.device_scale_factor)
    for text, ok in checks:
        print(f"target {text}: {'met' if ok else 'not measured' if ok is None else 'MISSED'}")
    if not checks:
        print(f"no targets at devicePixelRatio {args.device_scale_factor:g} (they are for 1 and 2)")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\nms: key press -> first frame showing the new picture; ratios: baseline median / our median; "
          f"{time.monotonic() - started:.0f} s in all; {os.cpu_count()} CPUs; load average {load_start} at the start, "
          f"{load} at the end")
    if args.json:
        args.json.write_text(json.dumps({"device_scale_factor": args.device_scale_factor, "raw_limit": args.raw_limit,
                                         "results": [r.as_dict() for r in results]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Slider latency in a real browser: from a key press on an explorer's slider to the repainted picture.

For every benchmark case (``benchmarks/cases_*.py``) this script writes two small notebooks into a
temporary directory, serves them with JupyterLab and opens them in headless Chromium:

* the explorer itself (``%matplotlib widget``; the figure is built once and its artists are moved);
* the naive way: ``ipywidgets.interact`` with ``%matplotlib inline`` over a copy of the same slider,
  calling the case's ``naive`` function, which draws the same picture from scratch every time.

The time is measured inside the page: from the ``keydown`` event's time stamp to the first
animation frame after the new picture is on the canvas (the explorer: the canvas pixels differ
after ipympl's ``drawImage``; the naive way: the new ``<img>`` has been decoded). Each case gets
``--moves`` timed key presses (at least 30, after two that are not counted) on one slider,
sweeping it back and forth and turning back where a press shows no new picture (such presses
are reported, not timed); each press waits until the case's output has been still for a moment,
so every move starts from rest. The explorer's typeset readout, which follows the picture, is timed too
(key press to its last change).

Each explorer is measured in a notebook of its own, as in the chapters (one to three explorers
each), then its naive version in another; ``--shared-page`` puts all explorers in one notebook
instead. One page and one kernel run at a time, so neither slows the other down. JupyterLab runs
with its default settings (its default notebook windowing skips painting cells off screen).
``--device-scale-factor 2`` measures a HiDPI screen, where ipympl draws every picture with twice
the pixels in each direction.

    python benchmarks/browser_latency.py [--moves 40] [--only gradient_explorer ...] [--json out.json]
                                         [--markdown] [--shared-page] [--device-scale-factor 2]
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

from e2e import harness  # noqa: E402

TARGET_MS = 60.0
#: Before each key press the case's output must have been still this long (ms).
QUIET_MS = 150
SLIDER_TYPES = ("IntSlider", "FloatSlider", "FloatLogSlider", "IntLogSlider")
SLIDER_KEYS = ("value", "min", "max", "step", "base", "description", "readout_format")


# -- the cases ----------------------------------------------------------------------------------------------
@dataclass
class Selection:
    """One benchmark case and the slider moved in it."""

    module: Path
    index: int
    name: str
    control: str | None
    slider: dict = field(default_factory=dict)
    reason: str = ""


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def select_cases(case_files: list[Path], only: list[str] | None = None, limit: int | None = None) -> list[Selection]:
    """Pick, for each case, the first plain slider among the controls its moves use (else any plain slider).

    ``limit`` stops after that many cases with a slider.
    """
    import warnings

    import matplotlib

    matplotlib.use("module://ipympl.backend_nbagg")
    selections: list[Selection] = []
    for path in case_files:
        for index, case in enumerate(load_module(path).CASES):
            if only and case["name"] not in only:
                continue
            if limit is not None and sum(s.control is not None for s in selections) >= limit:
                return selections
            with warnings.catch_warnings():  # ipympl's toolbar, built here without a kernel, warns
                warnings.simplefilter("ignore", DeprecationWarning)
                explorer = case["make"]()
            try:
                names = list(dict.fromkeys(name for name, _ in case["moves"])) + list(explorer.controls)
                control = next((n for n in names if type(explorer.controls.get(n)).__name__ in SLIDER_TYPES), None)
                if control is None:
                    selections.append(Selection(path, index, case["name"], None, reason="no plain slider"))
                    continue
                widget = explorer.controls[control]
                slider = {"type": type(widget).__name__,
                          **{k: getattr(widget, k) for k in SLIDER_KEYS if widget.has_trait(k)}}
                selections.append(Selection(path, index, case["name"], control, slider))
            finally:
                explorer.close()
    return selections


def discover_case_files(pattern: str = "cases_*.py") -> list[Path]:
    return sorted(HERE.glob(pattern))


# -- the two notebooks ------------------------------------------------------------------------------------------
EXPLORER_SETUP = '''%matplotlib widget
import importlib.util

def _cases(path):
    spec = importlib.util.spec_from_file_location(path.rsplit("/", 1)[-1][:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES

def show_explorer(path, index, control):
    """Display the case's explorer with its benchmarked slider tagged for the page."""
    explorer = _cases(path)[index]["make"]()
    explorer.controls[control].add_class(f"bench-case-{index}-{path.rsplit('/', 1)[-1][:-3]}")
    return explorer
'''

NAIVE_SETUP = '''%matplotlib inline
import importlib.util
import ipywidgets as W
from IPython.display import Image, display
from ipywidgets import interact
from matplotlib.figure import Figure

def _cases(path):
    spec = importlib.util.spec_from_file_location(path.rsplit("/", 1)[-1][:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES

def show_naive(path, index, control, slider):
    """interact() over the same slider; each move redraws the case's picture from scratch and shows its PNG."""
    naive = _cases(path)[index]["naive"]

    def redraw(**values):
        pictures, savefig = [], Figure.savefig

        def keep(figure, target, *args, **kwargs):
            savefig(figure, target, *args, **kwargs)
            if hasattr(target, "getvalue"):
                pictures.append(target.getvalue())

        Figure.savefig = keep
        try:
            naive(**values)
        finally:
            Figure.savefig = savefig
        display(Image(data=pictures[-1], format="png"))

    slider.add_class(f"bench-case-{index}-{path.rsplit('/', 1)[-1][:-3]}")
    interact(redraw, **{control: slider})
'''


def case_tag(selection: Selection) -> str:
    return f"bench-case-{selection.index}-{selection.module.stem}"


def slider_code(slider: dict) -> str:
    arguments = ", ".join(f"{k}={v!r}" for k, v in slider.items() if k != "type")
    return f"W.{slider['type']}({arguments}, continuous_update=True)"


def write_notebooks(directory: Path, selections: list[Selection], stem: str = "") -> tuple[Path, Path]:
    """Write ``explorers{stem}.ipynb`` and ``naive{stem}.ipynb`` (one cell per case) into ``directory``."""
    import nbformat

    directory.mkdir(parents=True, exist_ok=True)
    explorer_cells, naive_cells = [EXPLORER_SETUP], [NAIVE_SETUP]
    for s in selections:
        if s.control is None:
            continue
        explorer_cells.append(f"show_explorer({str(s.module)!r}, {s.index}, {s.control!r})")
        naive_cells.append(f"show_naive({str(s.module)!r}, {s.index}, {s.control!r}, {slider_code(s.slider)})")
    paths = []
    for name, cells in (("explorers", explorer_cells), ("naive", naive_cells)):
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        path = directory / f"{name}{stem}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths[0], paths[1]


# -- measuring in the page --------------------------------------------------------------------------------------
#: Installed in the page: arm() watches one case's output; every keydown inside it starts a sample that
#: ends at the first animation frame showing the new picture.
LATENCY_JS = r"""
([tag, mode]) => {
  const slider = document.querySelector('.' + tag);
  const root = slider.closest('.jp-OutputArea-output');
  const state = {samples: [], readouts: [], pending: null, current: null, lastChange: performance.now()};
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
    state.pending = state.current = {t0: null, before: state.hash ? state.hash() : null, frame: false};
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
  if (mode === 'explorer') {
    // ipympl paints each new picture with drawImage; the sample ends at the next animation frame
    // once the canvas pixels differ from those before the key press.
    const canvas = root.querySelector('.jupyter-matplotlib-canvas-div > canvas');
    const ctx = canvas.getContext('2d');
    state.hash = () => window.__e2e.hash(canvas);
    const draw = ctx.drawImage;
    ctx.drawImage = function (...args) {
      const result = draw.apply(this, args);
      const p = state.pending;
      if (p && p.t0 !== null && !p.frame) {
        p.frame = true;
        requestAnimationFrame(() => {
          const now = performance.now();
          p.frame = false;
          if (state.hash() !== p.before) record(p, now);
        });
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


def measure(page, tag: str, mode: str, moves: int, timeout: float = 10.0, quiet_ms: int = QUIET_MS,
            settle_ms: int = 60, give_up: int = 3, warmup: int = 2) -> Measured:
    """Press an arrow key on the slider tagged ``tag`` until ``moves`` presses have been timed; return
    the latencies in ms and the number of presses lost.

    ``warmup`` presses come first and are not counted (the first move of a figure pays for code
    paths run once: caches, the first PNG diff). A press is lost when no new picture shows within
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
        harness.wait_for(page, "([tag, quiet]) => performance.now() - window.__latency[tag].lastChange >= quiet",
                         [tag, quiet_ms], timeout)
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
    explorer: list[float]
    naive: list[float]
    lost: tuple[int, int]
    #: key press -> the explorer's typeset readout changed (it follows the picture), ms
    readout: list[float] = field(default_factory=list)

    @staticmethod
    def stats(samples: list[float]) -> tuple[float, float]:
        if not samples:
            return math.nan, math.nan
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
        return statistics.median(ordered), p95

    def figures(self) -> tuple[float, float, float, float, float, float]:
        """(median, p95, naive median, naive p95, ratio, readout median) in ms, as the tables show them."""
        (em, ep), (nm, np_) = self.stats(self.explorer), self.stats(self.naive)
        return em, ep, nm, np_, (nm / em if em else math.nan), self.stats(self.readout)[0]


def run(server, browser, directory: Path, selections: list[Selection], moves: int, log=print,
        shared_page: bool = False, device_scale_factor: float = 1) -> list[Result]:
    """Measure every selected case, its explorer and then its naive version, each in a notebook of its own.

    With ``shared_page`` all explorers are measured in one notebook, then all naive versions in
    another (a page far fuller than any chapter's, which has one to three explorers: every other
    explorer on the page adds to the browser's work for each frame). Either way one page and one
    kernel run at a time: a second open page takes animation frames, and a second kernel CPU time,
    from the one being measured (on two cores that stalls ipympl for seconds). ``device_scale_factor``
    is the page's ``devicePixelRatio`` (2 for a HiDPI screen).
    """
    measured = [s for s in selections if s.control is not None]
    for s in selections:
        if s.control is None:
            log(f"  {s.name}: skipped ({s.reason})")
    if shared_page:
        pages = [(measured, write_notebooks(directory, measured))]
    else:
        pages = [([s], write_notebooks(directory, [s], stem=f"-{k}")) for k, s in enumerate(measured)]
    found: dict[str, dict[str, Measured]] = {"explorer": {}, "naive": {}}
    for cases, notebooks in pages:
        for mode, notebook in zip(("explorer", "naive"), notebooks):
            watch = harness.PageWatch(browser, viewport={"width": 1400, "height": 1000},
                                      device_scale_factor=device_scale_factor)
            try:
                open_and_run(watch.page, server, notebook.relative_to(server.root).as_posix())
                for s in cases:
                    started = time.monotonic()
                    found[mode][s.name] = measure(watch.page, case_tag(s), mode, moves)
                    log(f"  {mode:<8} {s.name} ({s.control}): {len(found[mode][s.name].samples)} samples, "
                        f"{time.monotonic() - started:.0f} s")
                if watch.errors:
                    raise RuntimeError(f"{mode} page errors: {watch.errors}\nserver log:\n{server.log_tail()}")
            finally:
                watch.close()
                harness.shutdown_lab_kernels(server)
    return [Result(s.name, s.control, found["explorer"][s.name].samples, found["naive"][s.name].samples,
                   (found["explorer"][s.name].lost, found["naive"][s.name].lost), found["explorer"][s.name].readouts)
            for s in measured]


def table(results: list[Result]) -> str:
    header = (f"{'explorer':<28}{'slider':<10}{'moves':>6}{'median ms':>11}{'p95 ms':>9}"
              f"{'naive median':>14}{'naive p95':>11}{'ratio':>8}{'readout median':>16}")
    lines = [header, "-" * len(header)]
    for r in results:
        em, ep, nm, np_, ratio, readout = r.figures()
        lost = f"  ({r.lost[0]}/{r.lost[1]} moves without a new picture)" if any(r.lost) else ""
        lines.append(f"{r.name:<28}{r.control:<10}{len(r.explorer):>6}{em:>11.1f}{ep:>9.1f}"
                     f"{nm:>14.1f}{np_:>11.1f}{ratio:>7.1f}x{readout:>16.1f}{lost}")
    return "\n".join(lines)


def markdown_table(results: list[Result]) -> str:
    """The same figures as a Markdown table (the README's)."""
    lines = ["| explorer | slider | moves | median ms | p95 ms | naive median ms | naive p95 ms | ratio "
             "| readout median ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        em, ep, nm, np_, ratio, readout = r.figures()
        lines.append(f"| `{r.name}` | `{r.control}` | {len(r.explorer)} | {em:.0f} | {ep:.0f} | {nm:.0f} | {np_:.0f} "
                     f"| {ratio:.1f}× | {readout:.0f} |")
    return "\n".join(lines)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # so that the servers and the browser are stopped on the way out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=40, help="timed key presses per explorer (default 40, at least 30)")
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    parser.add_argument("--cases", default="cases_*.py", help="glob of case files in benchmarks/")
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    parser.add_argument("--shared-page", action="store_true",
                        help="measure all explorers in one notebook (default: each in a notebook of its own)")
    parser.add_argument("--device-scale-factor", type=float, default=1.0,
                        help="the page's devicePixelRatio (default 1; 2 for a HiDPI screen)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if args.moves < 30:
        parser.error("--moves must be at least 30")
    if not 0.5 <= args.device_scale_factor <= 4:
        parser.error("--device-scale-factor must be between 0.5 and 4")
    chromium = harness.find_chromium()
    if chromium is None:
        print("no Chromium found (set $CHROMIUM)", file=sys.stderr)
        return 2
    case_files = discover_case_files(args.cases)
    started = time.monotonic()
    load_start = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    selections = select_cases(case_files, args.only)
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
                print(f"measuring {len(selections)} case(s), {args.moves} moves each, in {chromium} "
                      f"(devicePixelRatio {args.device_scale_factor:g})", flush=True)
                results = run(server, browser, served / "bench", selections, args.moves,
                              log=lambda text: print(text, flush=True), shared_page=args.shared_page,
                              device_scale_factor=args.device_scale_factor)
            finally:
                browser.close()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(results))
    if args.markdown:
        print()
        print(markdown_table(results))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\nload average at the start {load_start}")
    print(f"target: explorer median <= {TARGET_MS:.0f} ms; ratio = naive median / explorer median; "
          f"{time.monotonic() - started:.0f} s in all; {os.cpu_count()} CPUs, load average {load} at the end")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

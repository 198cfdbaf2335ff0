"""Time every explorer's slider move in the kernel against the naive re-plot of the same picture, in one run.

For each case of ``benchmarks/cases.py`` (every explorer, its moves), each move sets one control and
includes everything the kernel does before the page can paint the result: the explorer updates its
artists in place, draws (blits the moving artists onto the saved background, or renders the whole
figure for explorers without blitting), and its canvas (``explorer.canvas``,
``widgets/explorers/canvas.py``) finds the changed 32-pixel tiles and encodes them into the frame it
sends (raw RGBA up to ``RAW_LIMIT`` bytes, else deflated). A page is simulated as
``tests/page.py`` does: it says hello once with its devicePixelRatio (``--dpr``, 1 and 2 by default:
at 2 the canvas draws four times the pixels), the canvas's ``send`` is replaced by a recorder, and
every frame is acknowledged as soon as it arrives (the acknowledgement is not timed), so the frame
window never holds a move back.

The baseline, measured in the same run on the same moves, is the naive re-plot of ``benchmarks/naive.py``,
what ``ipywidgets.interact`` with the inline backend does: on every move, a new explorer from the case's
factory, set to the control values after the move, rendered to PNG (``snapshot_png``) and closed; the
widgets it makes and the draws it asks for its page are left out (see ``naive.py``). It does not depend
on the page's devicePixelRatio (the inline backend sends the same 1x PNG, which a HiDPI page enlarges).
The values after each move are found first, by making the moves on an explorer (not timed).

    python benchmarks/bench_explorers.py                  # all explorers, at devicePixelRatio 1 and 2
    python benchmarks/bench_explorers.py taylor --dpr 2   # names containing "taylor", HiDPI only
    python benchmarks/bench_explorers.py --encodings hessian secant   # the frame encoding study

After the table: the widgets' time left out of the naive re-plot, and with ``--naive-parts``, per
explorer, the re-plot's median ms per step (the factory, ``set_values``, the PNG, closing).

``--encodings`` measures the frames instead (at ``--dpr``, default 2): per frame, the bytes and the
kernel's encoding time of the canvas's rule (raw up to ``RAW_LIMIT``, else zlib level 1), of always raw
RGBA and of PNG (each changed rectangle as a PNG, PIL's default level, as matplotlib saves), and the
whole move with the canvas's rule against always raw.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import pathlib
import statistics
import sys
import time
import zlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from cases import CASES, Case, values_after_moves  # noqa: E402
from naive import Naive, naive_png  # noqa: E402
from widgets.explorers import canvas as canvas_module  # noqa: E402

TARGET_MEDIAN_MS = 20.0
TARGET_RATIO = 4.0


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


class SimulatedPage:
    """One view of an explorer's canvas: says hello at ``dpr``, records every frame and acknowledges it."""

    def __init__(self, canvas, dpr: float):
        self.canvas = canvas
        self.frames: list[tuple[dict, bytes]] = []
        canvas.send = self._receive
        canvas._on_page_message(canvas, {"type": "hello", "dpr": dpr}, [])

    def _receive(self, content, buffers=None) -> None:
        self.frames.append((content, bytes(buffers[0])))

    def ack(self) -> None:
        """Acknowledge every frame received (the page painted them in one animation frame)."""
        self.canvas._on_page_message(self.canvas, {"type": "ack", "seq": self.canvas.seq}, [])


def time_explorer(case: Case, repeats: int, dpr: float) -> tuple[list[float], list[tuple[dict, bytes]]]:
    """Return milliseconds per move of the explorer (update in place + draw + the frame sent) and the
    frames sent for the timed moves (header, payload)."""
    explorer = case.make()
    page = SimulatedPage(explorer.canvas, dpr)
    page.ack()
    page.frames.clear()   # the whole first picture is not a move
    samples = []
    try:
        for _ in range(repeats):
            for name, value in case.moves:
                control = explorer.controls[name]
                start = time.perf_counter()
                control.value = value  # the explorer updates, draws and sends the changed tiles
                samples.append((time.perf_counter() - start) * 1e3)
                page.ack()
        if explorer.message:
            print(f"  note: {case.name} ends with message: {explorer.message}", file=sys.stderr)
    finally:
        explorer.close()
    return samples, page.frames


def time_naive(case: Case, repeats: int) -> list[Naive]:
    """Return the naive re-plot of every move (``Naive.ms``: its milliseconds, the widgets' left out)."""
    after = values_after_moves(case)
    runs = [naive_png(case.factory, case.kwargs, values) for _ in range(repeats) for values in after]
    unset = next((r.unset for r in runs if r.unset), None)
    if unset:
        print(f"  note: the naive re-plot of {case.name} could not set {unset} (asked, got)", file=sys.stderr)
    message = next((r.message for r in runs if r.message), None)
    if message:
        print(f"  note: a naive re-plot of {case.name} ends with message: {message}", file=sys.stderr)
    return runs


def frame_pixels(header: dict, payload: bytes) -> bytes:
    return zlib.decompress(payload) if header["encoding"] == "deflate" else payload


def encoding_costs(header: dict, payload: bytes) -> dict[str, tuple[int, float]]:
    """(bytes, encoding ms) of one frame's pixels as the canvas's rule, raw RGBA, deflate level 1 and PNG."""
    raw = frame_pixels(header, payload)
    start = time.perf_counter()
    deflated = zlib.compress(raw, canvas_module.DEFLATE_LEVEL)
    deflate_ms = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    png_bytes, offset = 0, 0
    for _x, _y, w, h in header["rects"]:
        block = np.frombuffer(raw, dtype=np.uint8, count=w * h * 4, offset=offset).reshape(h, w, 4)
        buffer = io.BytesIO()
        Image.fromarray(block).save(buffer, format="png")
        png_bytes += buffer.tell()
        offset += w * h * 4
    png_ms = (time.perf_counter() - start) * 1e3
    rule = (len(raw), 0.0) if len(raw) <= canvas_module.RAW_LIMIT else (len(deflated), deflate_ms)
    return {"rule": rule, "raw": (len(raw), 0.0), "deflate": (len(deflated), deflate_ms), "png": (png_bytes, png_ms)}


def compare_speeds(cases: list[Case], repeats: int, dprs: list[float], naive_parts: bool = False) -> None:
    header = (f"{'explorer':<28}{'dpr':>4}{'moves':>6}{'median ms':>11}{'p95 ms':>9}{'KiB/frame':>11}"
              f"{'naive median':>14}{'naive p95':>11}{'ratio':>8}  target")
    print(header)
    print("-" * len(header))
    naive_runs: dict[str, list[Naive]] = {}
    for case in cases:
        gc.collect()
        naive_runs[case.name] = runs = time_naive(case, repeats)
        slow = [r.ms for r in runs]
        naive_median = statistics.median(slow)
        for dpr in dprs:
            gc.collect()
            fast, frames = time_explorer(case, repeats, dpr)
            median = statistics.median(fast)
            ratio = naive_median / median
            size = statistics.median([len(p) for _, p in frames]) / 1024 if frames else float("nan")
            target = case.target_median_ms or TARGET_MEDIAN_MS
            if dpr != 1:   # the kernel targets are for devicePixelRatio 1 (the browser benchmark has HiDPI ones)
                verdict = "-"
            else:
                verdict = ("ok" if median <= target and ratio >= TARGET_RATIO
                           else f"MISSED (≤{target:g} ms, ≥{TARGET_RATIO:g}×)")
            print(f"{case.name:<28}{dpr:>4g}{len(fast):>6}{median:>11.1f}{_percentile(fast, 95):>9.1f}"
                  f"{size:>11.1f}{naive_median:>14.1f}{_percentile(slow, 95):>11.1f}{ratio:>7.1f}×  {verdict}",
                  flush=True)
    widgets = sorted(statistics.median(r.widget_ms for r in runs) for runs in naive_runs.values())
    spread = f"{widgets[0]:.1f}" + (f"-{widgets[-1]:.1f}" if len(widgets) > 1 else "")
    print(f"\nnaive re-plot: a new explorer per move, its widgets' time left out (median per move {spread} ms)")
    if naive_parts:
        print_naive_parts(naive_runs)


def print_naive_parts(naive_runs: dict[str, list[Naive]]) -> None:
    """Per explorer, the naive re-plot's median ms per step (see ``naive.Naive``) and the widgets' time left out."""
    steps = list(next(iter(naive_runs.values()))[0].parts)
    header = f"{'naive re-plot, median ms':<28}" + "".join(f"{s:>12}" for s in steps) + f"{'total':>9}{'widgets':>9}"
    print(header)
    print("-" * len(header))
    for name, runs in naive_runs.items():
        parts = "".join(f"{statistics.median(r.parts[s] for r in runs):>12.1f}" for s in steps)
        print(f"{name:<28}{parts}{statistics.median(r.ms for r in runs):>9.1f}"
              f"{statistics.median(r.widget_ms for r in runs):>9.1f}")


def compare_encodings(cases: list[Case], repeats: int, dpr: float) -> None:
    """Per frame at ``dpr``: bytes and kernel ms of each encoding, and the whole move with the rule vs always raw."""
    print(f"frame encodings at devicePixelRatio {dpr:g} (medians per frame; RAW_LIMIT "
          f"{canvas_module.RAW_LIMIT // 1024} KiB, zlib level {canvas_module.DEFLATE_LEVEL})")
    header = (f"{'explorer':<28}{'frames':>7}{'raw KiB':>9}{'deflate KiB':>13}{'deflate ms':>12}"
              f"{'PNG KiB':>9}{'PNG ms':>8}{'rule KiB':>10}{'rule ms':>9}{'move rule':>11}{'move raw':>10}")
    print(header)
    print("-" * len(header))
    default_limit = canvas_module.RAW_LIMIT
    for case in cases:
        gc.collect()
        move_rule, frames = time_explorer(case, repeats, dpr)
        canvas_module.RAW_LIMIT = 1 << 62
        try:
            gc.collect()
            move_raw, _ = time_explorer(case, repeats, dpr)
        finally:
            canvas_module.RAW_LIMIT = default_limit
        costs = [encoding_costs(h, p) for h, p in frames]

        def med(kind: str, k: int) -> float:
            return statistics.median(c[kind][k] for c in costs) / (1024 if k == 0 else 1)

        print(f"{case.name:<28}{len(costs):>7}{med('raw', 0):>9.0f}{med('deflate', 0):>13.1f}"
              f"{med('deflate', 1):>12.2f}{med('png', 0):>9.1f}{med('png', 1):>8.2f}{med('rule', 0):>10.1f}"
              f"{med('rule', 1):>9.2f}{statistics.median(move_rule):>11.1f}{statistics.median(move_raw):>10.1f}",
              flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="only explorers whose name contains one of these")
    parser.add_argument("--repeats", type=int, default=2, help="passes over each case's moves (default 2)")
    parser.add_argument("--dpr", type=float, nargs="+", help="page devicePixelRatios (default 1 2; --encodings: 2)")
    parser.add_argument("--encodings", action="store_true", help="compare the frame encodings instead")
    parser.add_argument("--naive-parts", action="store_true",
                        help="also print where the naive re-plot's time goes, per explorer")
    args = parser.parse_args(argv)

    cases = [c for c in CASES if not args.names or any(n in c.name for n in args.names)]
    if not cases:
        print("no benchmark case found", file=sys.stderr)
        return 2
    figures_before = len(plt.get_fignums())
    open_before = len(canvas_module.OPEN)
    load_start = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    if args.encodings:
        compare_encodings(cases, args.repeats, (args.dpr or [2.0])[0])
    else:
        compare_speeds(cases, args.repeats, args.dpr or [1.0, 2.0], args.naive_parts)
    gc.collect()
    load_end = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\nopen figures after the run: {len(plt.get_fignums()) - figures_before} more than before; "
          f"open canvases: {len(canvas_module.OPEN) - open_before} more")
    print(f"load average at the start {load_start}, at the end {load_end}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

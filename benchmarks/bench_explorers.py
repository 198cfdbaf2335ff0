"""Time every explorer's update against the naive re-plot of the same picture, in one run.

For each explorer (the ``CASES`` of every ``benchmarks/cases_*.py``), each move sets one
control and includes everything the kernel does before the browser can show the result:
the explorer updates its artists in place, then either blits the moving artists onto the
saved background or (explorers without blitting) renders the whole figure, as the browser's
draw request after ``draw_idle`` would; ipympl then encodes the changed pixels as PNG. The baseline, measured in
the same run on the same moves, is what ``ipywidgets.interact`` with the inline backend
does: build a new figure from scratch, render it to PNG, close it.

    python benchmarks/bench_explorers.py              # all explorers
    python benchmarks/bench_explorers.py taylor       # names containing "taylor"
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import pathlib
import statistics
import sys
import time

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
TARGET_MEDIAN_MS = 20.0
TARGET_RATIO = 4.0


def load_cases() -> list[dict]:
    """Return the CASES of every benchmarks/cases_*.py, in file order."""
    cases = []
    for path in sorted(HERE.glob("cases_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend(module.CASES)
    return cases


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def time_explorer(case: dict, repeats: int) -> list[float]:
    """Return milliseconds per move of the explorer (update in place + full render)."""
    explorer = case["make"]()
    canvas = explorer.figure.canvas
    canvas.draw()
    samples = []
    try:
        for _ in range(repeats):
            for name, value in case["moves"]:
                control = explorer.controls[name]
                start = time.perf_counter()
                control.value = value  # the explorer updates, then blits or asks for a redraw
                explorer.flush()  # the redraw a browser would request after draw_idle
                samples.append((time.perf_counter() - start) * 1e3)
        if explorer.message:
            print(f"  note: {case['name']} ends with message: {explorer.message}", file=sys.stderr)
    finally:
        explorer.close()
    return samples


def time_naive(case: dict, repeats: int) -> list[float]:
    """Return milliseconds per move of the naive re-plot (new figure, draw, PNG, close)."""
    samples = []
    for _ in range(repeats):
        for name, value in case["moves"]:
            start = time.perf_counter()
            case["naive"](**{name: value})
            samples.append((time.perf_counter() - start) * 1e3)
    return samples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="only explorers whose name contains one of these")
    parser.add_argument("--repeats", type=int, default=2, help="passes over each case's moves (default 2)")
    args = parser.parse_args(argv)

    cases = [c for c in load_cases() if not args.names or any(n in c["name"] for n in args.names)]
    figures_before = len(plt.get_fignums())
    header = f"{'explorer':<28}{'moves':>6}{'median ms':>11}{'p95 ms':>9}{'naive median':>14}{'naive p95':>11}{'ratio':>8}  target"
    print(header)
    print("-" * len(header))
    for case in cases:
        gc.collect()
        fast = time_explorer(case, args.repeats)
        gc.collect()
        slow = time_naive(case, args.repeats)
        median, naive_median = statistics.median(fast), statistics.median(slow)
        ratio = naive_median / median
        target = case.get("target_median_ms", TARGET_MEDIAN_MS)
        verdict = "ok" if median <= target and ratio >= TARGET_RATIO else f"MISSED (≤{target:g} ms, ≥{TARGET_RATIO:g}×)"
        print(f"{case['name']:<28}{len(fast):>6}{median:>11.1f}{_percentile(fast, 95):>9.1f}"
              f"{naive_median:>14.1f}{_percentile(slow, 95):>11.1f}{ratio:>7.1f}×  {verdict}")
    leaked = len(plt.get_fignums()) - figures_before
    print(f"\nopen figures after the run: {leaked} more than before")
    return 0


if __name__ == "__main__":
    sys.exit(main())

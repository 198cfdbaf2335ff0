"""The browser latency benchmark, reduced to a smoke test: two explorers, a few key presses and a short
drag, measured in the page in each of its three ways (our canvas, the same picture through ipympl, the
naive ``interact`` re-plot).

It checks that the script runs and that its timing machinery works: a time for nearly every key press
in every way, finite and positive; a drag whose pointer moves reached the page and whose painted
frames were counted; tables and target checks that name every explorer and every figure. It asserts
no timing target: those are for the full benchmark on a quiet machine (docs/performance.md), and on
a loaded two-core machine they are not a stable property.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys

import pytest

from . import harness
from .conftest import IN_CI

pytestmark = pytest.mark.browser

#: The cases measured (others are used when these are renamed or gone): a blitting explorer and one
#: that draws its whole figure on every move.
PREFERRED_CASES = ["secant_explorer", "matrix_gradient_explorer"]
MOVES = 5
DRAG_SECONDS = 0.75


def load_benchmark():
    path = harness.REPO / "benchmarks" / "browser_latency.py"
    spec = importlib.util.spec_from_file_location("browser_latency", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("browser_latency", module)  # dataclasses look their module up while it loads
    spec.loader.exec_module(sys.modules["browser_latency"])
    return sys.modules["browser_latency"]


def test_benchmark_measures_every_way_and_a_drag(lab_server, browser):
    bench = load_benchmark()
    if bench.ipympl_missing():
        message = "the benchmark's ipympl baseline needs ipympl (pip install ipympl)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    selections = [s for s in bench.select_cases(only=PREFERRED_CASES) if s.control is not None]
    if len(selections) < 2:
        selections = [s for s in bench.select_cases(limit=2) if s.control is not None]
    if not selections:
        message = "no benchmark case with a plain slider in benchmarks/cases.py"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    logged: list[str] = []
    results = bench.run(lab_server, browser, lab_server.root / "latency-check", selections, moves=MOVES,
                        log=logged.append, shared_page=True, device_scale_factor=2, drag_seconds=DRAG_SECONDS)
    summary = bench.table(results) + "\n" + "\n".join(logged)
    harness.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (harness.ARTIFACTS / "latency-check.json").write_text(json.dumps([r.as_dict() for r in results], indent=1))

    assert [r.name for r in results] == [s.name for s in selections], summary
    for result in results:
        assert set(result.samples) == set(bench.MODES), summary
        for mode in bench.MODES:
            samples = result.samples[mode]
            assert len(samples) >= MOVES - 1 and result.lost[mode] <= 2, f"{result.name} {mode}\n{summary}"
            assert all(math.isfinite(t) and t > 0 for t in samples), f"{result.name} {mode}\n{summary}"
            median, p95 = bench.Result.stats(samples)
            assert 0 < median <= p95, summary
        for baseline in ("ipympl", "interact"):
            assert result.ratio(baseline) == pytest.approx(result.median(baseline) / result.median("explorer"))
        drag = result.drag
        assert drag is not None and drag.moves >= 5, summary   # the pointer moves reached the page
        assert drag.painted >= 1 and math.isfinite(drag.fps) and drag.fps > 0, summary
        assert math.isfinite(drag.final_ms) and drag.final_ms >= 0, summary
        assert 0 < drag.seconds <= DRAG_SECONDS + 0.5, summary

    markdown = bench.markdown_table(results, 2)
    for result in results:
        assert f"`{result.name}`" in markdown and result.name in bench.table(results)
    checks = dict(bench.targets(results, 2.0))
    assert len(checks) == 6 and all(ok is not None for ok in checks.values()), checks
    assert len(bench.targets(results, 1.0)) == 1

"""Endurance: every explorer survives 2,000 control changes in one process without leaking figures or
memory (house style rule 8: "no figure leak after thousands of moves").

Each explorer is driven in a worker process of its own (two at a time, one per core of a CI machine):
the figures, canvases and resident memory measured are that explorer's alone. Every change draws its
picture at once (no page is connected), so the memory measured includes the drawing.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
import traceback
from concurrent.futures import ProcessPoolExecutor

import pytest

from explorer_inputs import FACTORIES, GOOD_FORMULAS, Mover, kind, live_figures, option_values, rss_mb, text_controls

pytestmark = pytest.mark.slow  # 2,000 changes per explorer: left out of the quick loop (docs/testing.md)

#: Control changes per explorer, all in one process.
CHANGES = 2000
#: Changes made before the memory is first measured (caches fill up, the allocator settles).
WARM_UP = 200
#: Most the resident memory may grow over the changes after the warm-up, in MB.
MAX_GROWTH_MB = 20.0
#: Explorers driven at the same time.
WORKERS = 2


def _warm_up(name, explorer, mover) -> None:
    """Show every option of every dropdown and every formula of every text box once, then move a little."""
    texts = text_controls(name, explorer)
    for key, control in explorer.controls.items():
        k = kind(control)
        values = (option_values(control) + [control.value] if k == "dropdown" else
                  GOOD_FORMULAS[texts[key]] + [control.value] if k == "text" else [])
        for value in values:
            control.value = value
    for key, value in mover.changes(WARM_UP):
        explorer.controls[key].value = value


def endure(name: str) -> dict:
    """Create explorer ``name``, make CHANGES control changes after a warm-up; return what was measured."""
    import matplotlib

    matplotlib.use("agg")
    from widgets.explorers.canvas import OPEN

    result = {"name": name, "error": None}
    started = time.perf_counter()
    try:
        result["open_before"] = len(OPEN)
        explorer = FACTORIES[name]()
        result["open_during"] = len(OPEN)
        mover = Mover(name, explorer, seed=8)
        _warm_up(name, explorer, mover)
        gc.collect()
        result["figures_start"], result["rss_start"] = live_figures(), rss_mb()
        counts = set()
        for i, (key, value) in enumerate(mover.changes(CHANGES)):
            explorer.controls[key].value = value
            if i % 50 == 0:
                counts.add(len(OPEN))
        gc.collect()
        result["rss_end"], result["figures_end"] = rss_mb(), live_figures()
        result["counts"] = sorted(counts)
        result["last_error"] = explorer.last_error
        explorer.close()
        del explorer, mover   # the mover holds the explorer too
        result["open_after"], result["figures_after"] = len(OPEN), live_figures()
    except Exception:
        result["error"] = traceback.format_exc()
    result["seconds"] = time.perf_counter() - started
    return result


@pytest.fixture(scope="module")
def endured():
    """Drive every explorer, WORKERS at a time, each in a fresh process; return name -> measurements."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context, max_tasks_per_child=1) as pool:
        results = list(pool.map(endure, sorted(FACTORIES)))
    return {r["name"]: r for r in results}


def test_every_public_explorer_is_driven():
    assert len(FACTORIES) >= 10, sorted(FACTORIES)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_2000_changes_keep_figures_and_memory_flat(name, endured, capsys):
    r = endured[name]
    assert r["error"] is None, r["error"]
    with capsys.disabled():
        print(f"\n{name}: {CHANGES} changes in {r['seconds']:.1f} s; RSS {r['rss_start']:.1f} -> {r['rss_end']:.1f} MB "
              f"({r['rss_end'] - r['rss_start']:+.1f} MB); open canvases {r['open_during']}; "
              f"Figure objects {r['figures_start']} -> {r['figures_end']}")
    assert r["last_error"] is None, r["last_error"]
    assert r["open_during"] == r["open_before"] + 1
    assert r["counts"] == [r["open_during"]], "a control change opened or closed a canvas"
    assert r["figures_end"] == r["figures_start"], "Figure objects piled up"
    assert r["rss_end"] - r["rss_start"] < MAX_GROWTH_MB, "resident memory grew"
    assert r["open_after"] == r["open_before"], "close() left the canvas open"
    assert r["figures_after"] == r["figures_start"] - 1, "close() did not free the figure"

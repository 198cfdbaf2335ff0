"""The quick loop, ``pytest -m "not slow"``, leaves out every slow test and keeps every notebook.

The checks read the slow marker on every test of the suite: on the tests this session collected
(``collected_tests`` in conftest.py, deselected ones included) when it collected the whole suite,
as ``pytest`` and ``pytest -m "not slow"`` do; otherwise on a collection of the whole suite in a
separate process. A new browser test, a test that starts a real kernel or an endurance run cannot
enter the quick loop unmarked, and no notebook can leave it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
CHAPTER = REPO / "chapter5"

#: Modules known to take minutes: each must be collected, every one of its tests marked slow.
SLOW_MODULES = ["tests/test_endurance.py", "tests/test_kernel.py", "tests/test_readout_order.py",
                "tests/test_restart_run_all.py"] + sorted(p.relative_to(REPO).as_posix()
                                                          for p in (TESTS / "e2e").glob("test_*.py"))

#: A module importing one of these starts a kernel or a browser.
STARTS_A_KERNEL_OR_BROWSER = re.compile(r"^\s*(?:import|from)\s+(?:nbclient|jupyter_client|playwright)\b",
                                        re.MULTILINE)

PROBE = """
import json, os, sys
import pytest

class Probe:
    def pytest_collection_finish(self, session):
        self.rows = [{"nodeid": item.nodeid,
                      "file": os.path.relpath(item.path, item.config.rootpath).replace(os.sep, "/"),
                      "markers": sorted({mark.name for mark in item.iter_markers()}),
                      "fixtures": sorted(getattr(item, "fixturenames", ()))} for item in session.items]

probe = Probe()
code = pytest.main(["--collect-only", "-q", "--strict-markers", "-p", "no:cacheprovider", "tests", "chapter5"],
                   plugins=[probe])
with open(sys.argv[1], "w") as out:
    json.dump({"code": int(code), "rows": getattr(probe, "rows", [])}, out)
"""


def _files() -> set[str]:
    """The suite's files: every test module and every notebook."""
    return {p.relative_to(REPO).as_posix() for p in [*TESTS.rglob("test_*.py"), *CHAPTER.glob("*.ipynb")]}


@pytest.fixture(scope="module")
def suite(collected_tests, tmp_path_factory) -> list[dict]:
    """One row per test of the whole suite: file, node id, markers, fixtures."""
    if _files() <= {row["file"] for row in collected_tests}:
        return collected_tests
    out = tmp_path_factory.mktemp("markers") / "collected.json"
    done = subprocess.run([sys.executable, "-c", PROBE, str(out)], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False)
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    found = json.loads(out.read_text())
    assert found["code"] == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return found["rows"]


def test_the_whole_suite_is_read(suite):
    assert _files() <= {row["file"] for row in suite}


def test_the_known_slow_modules_are_left_out_of_the_quick_loop(suite):
    assert len(SLOW_MODULES) > 4, "no browser test module found in tests/e2e"
    for module in SLOW_MODULES:
        rows = [row for row in suite if row["file"] == module]
        assert rows, f"{module}: no test collected"
        quick = [row["nodeid"] for row in rows if "slow" not in row["markers"]]
        assert not quick, f"{module} takes minutes but is in the quick loop (mark it slow): {quick[:3]}"


def test_no_browser_kernel_or_endurance_test_in_the_quick_loop(suite):
    sources: dict[str, str] = {}
    for row in suite:
        file = row["file"]
        if "slow" in row["markers"] or file.endswith(".ipynb"):
            continue
        if file not in sources:
            sources[file] = (REPO / file).read_text(encoding="utf-8")
        why = [reason for reason, found in [
            ("a browser test (tests/e2e)", file.startswith("tests/e2e/")),
            ("marked browser", "browser" in row["markers"]),
            ("uses a real kernel (kernel_client)", "kernel_client" in row["fixtures"]),
            ("in a module importing nbclient, jupyter_client or playwright",
             bool(STARTS_A_KERNEL_OR_BROWSER.search(sources[file]))),
            ("an endurance run", "endurance" in file),
        ] if found]
        assert not why, f"{row['nodeid']} is in the quick loop but is {' and '.join(why)}: mark it slow"


def test_every_notebook_stays_in_the_quick_loop(suite):
    notebooks = sorted(p.relative_to(REPO).as_posix() for p in CHAPTER.glob("*.ipynb"))
    assert len(notebooks) >= 9
    for notebook in notebooks:
        rows = [row for row in suite if row["file"] == notebook]
        assert rows, f"{notebook}: no nbval cell collected"
        slow = [row["nodeid"] for row in rows if "slow" in row["markers"]]
        assert not slow, f"{notebook}: cells marked slow, so left out of the quick loop: {slow[:3]}"


def test_the_slow_marker_is_registered(pytestconfig):
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))

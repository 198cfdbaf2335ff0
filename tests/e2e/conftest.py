"""Fixtures for the browser tests: one JupyterLab, one Voilà and one Chromium per session.

Without Chromium (or Playwright) the browser tests are skipped, except under ``CI=true``,
where they fail: a CI run must exercise the notebooks in a real browser.

``E2E_NOTEBOOKS`` (a glob, or several separated by ``os.pathsep``) replaces ``chapter5/*.ipynb``
as the notebooks to test.
"""

from __future__ import annotations

import glob
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from . import harness

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(tryfirst=True)  # before -m selects: `pytest -m "not slow"` (the quick loop) leaves them out
def pytest_collection_modifyitems(items) -> None:
    """Every browser test is slow. (Called with the whole session's items: only this folder's are marked.)"""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.slow)


def notebooks() -> list[Path]:
    """The notebooks to test, collected now: chapter5/*.ipynb (or the E2E_NOTEBOOKS globs)."""
    pattern = os.environ.get("E2E_NOTEBOOKS")
    if pattern:
        paths = [Path(p) for part in pattern.split(os.pathsep) for p in glob.glob(os.path.expanduser(part))]
    else:
        paths = list((harness.REPO / "chapter5").glob("*.ipynb"))
    return sorted({p.resolve() for p in paths if p.suffix == ".ipynb"}, key=lambda p: p.name)


def notebook_params() -> list:
    """One pytest parameter per notebook, or one that fails (CI) / skips (elsewhere) when there is none."""
    found = notebooks()
    if found:
        return [pytest.param(p, id=p.stem) for p in found]
    marks = () if IN_CI else pytest.mark.skip(reason="no notebook found in chapter5/")
    return [pytest.param(None, id="no-notebooks", marks=marks)]


def require(notebook: Path | None) -> Path:
    """Fail (under CI) when there was no notebook to test."""
    if notebook is None:
        pytest.fail("no notebook found in chapter5/", pytrace=False)
    return notebook


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = harness.find_chromium()
    if path is None:
        _unavailable("no Chromium found (set $CHROMIUM or install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python playwright is not installed")
    with sync_playwright() as playwright:
        browser = harness.launch_browser(playwright, chromium_path)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served_root(tmp_path_factory) -> Path:
    """A temporary copy of the notebooks, so no test ever writes to the repository."""
    root = tmp_path_factory.mktemp("served")
    harness.copy_notebooks(notebooks(), root)
    return root


@pytest.fixture(scope="module")  # stopped after its module: its kernels must not load the tests that follow
def lab_server(served_root, tmp_path_factory, browser):
    server = harness.start_lab(served_root, tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notebook_server(served_root, tmp_path_factory, browser):
    server = harness.start_notebook(served_root, tmp_path_factory.mktemp("notebook7"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def voila_server(served_root, tmp_path_factory, browser):
    server = harness.start_voila(served_root, tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture
def watched_page(browser):
    """A fresh browser context and page whose page errors are recorded."""
    watch = harness.PageWatch(browser)
    yield watch
    watch.close()


@pytest.fixture
def canary() -> Path:
    """A path a hostile formula would create if typed code ever ran (the kernel runs on this machine)."""
    path = Path(tempfile.gettempdir()) / f"mml-e2e-canary-{uuid.uuid4().hex}"
    yield path
    if path.exists():
        path.unlink()

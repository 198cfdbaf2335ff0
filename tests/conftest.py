"""Shared test set-up: the Agg backend (explorers draw with Agg themselves), fixed seeds, a hypothesis profile for CI."""

import os

import matplotlib
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("agg")

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, derandomize=True, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture
def no_figure_leak():
    """Assert that a test leaves the open pyplot figures and explorer canvases as it found them."""
    import matplotlib.pyplot as plt

    from widgets.explorers.canvas import OPEN

    before = len(plt.get_fignums()), len(OPEN)
    yield
    assert (len(plt.get_fignums()), len(OPEN)) == before


@pytest.fixture
def in_a_kernel(monkeypatch):
    """Act as in a kernel: explorers schedule their work (the held-back readout) on the running event loop."""
    from widgets.explorers import base

    monkeypatch.setattr(base, "_in_a_kernel", lambda: True)


@pytest.fixture(scope="module")
def kernel_client():
    """A Python kernel of its own for the test module (started as JupyterLab starts one); its client."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=120)
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


#: Every test this session collected (deselected ones too): tests/test_markers.py checks the slow marker on it.
_COLLECTED = pytest.StashKey[list]()


def _rows(items) -> list[dict]:
    return [{"nodeid": item.nodeid,
             "file": os.path.relpath(item.path, item.config.rootpath).replace(os.sep, "/"),
             "markers": sorted({mark.name for mark in item.iter_markers()}),
             "fixtures": sorted(getattr(item, "fixturenames", ()))} for item in items]


def pytest_deselected(items):
    if items:
        items[0].config.stash.setdefault(_COLLECTED, []).extend(_rows(items))


def pytest_collection_finish(session):
    session.config.stash.setdefault(_COLLECTED, []).extend(_rows(session.items))


@pytest.fixture(scope="session")
def collected_tests(request) -> list[dict]:
    """Every test this session collected, deselected ones included: file, node id, markers, fixtures."""
    return request.config.stash.get(_COLLECTED, [])

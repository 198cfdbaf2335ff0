"""The kernel the notebooks run in serves widget messages on its main thread, one at a time.

A kernel that offers subshells (ipykernel 7) gets JupyterLab's widget messages on other threads,
concurrently with cell execution; matplotlib is not thread-safe, and ipympl canvases then fail to
draw (a mathtext ParseException, blank canvases). pyproject.toml keeps ipykernel below 7.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def kernel_info(kernel_client):
    kernel_client.kernel_info()
    reply = kernel_client.get_shell_msg(timeout=60)
    while reply["msg_type"] != "kernel_info_reply":
        reply = kernel_client.get_shell_msg(timeout=60)
    return reply["content"]


def test_kernel_answers(kernel_info):
    assert kernel_info["status"] == "ok"
    assert kernel_info["language_info"]["name"] == "python"


def test_kernel_offers_no_subshells(kernel_info):
    """JupyterLab sends comm messages to subshells only when the kernel lists them among its features."""
    assert "kernel subshells" not in kernel_info.get("supported_features", [])

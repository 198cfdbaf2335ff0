"""Explorers stay right when a kernel handles widget messages on another thread than the one running cells.

ipykernel 7 offers subshells: JupyterLab then sends widget messages to a subshell, whose thread runs
the explorer's update and draw while the main thread runs a cell. Matplotlib is not thread-safe
(rcParams are global, mathtext's parser has global state); every figure change and draw of the
package holds ``widgets.plotting.style.FIGURE_LOCK``. Here a real kernel gets slider moves on a
subshell while its main thread draws static figures with math text, and the explorer must end with no
error and the picture a fresh explorer draws for the same values.
"""

from __future__ import annotations

import json
import time

import pytest

#: The main thread's cell: static figures with math text, drawn as a notebook displays them.
DRAWING_CELL = """
from widgets import plotting as wp
for k in range(30):
    fig, ax = wp.static_figure()
    ax.plot([0, 1], [0, k])
    ax.set_title(r"$\\frac{\\partial f}{\\partial x_%d} = \\sqrt{x^2 + y^2}$" % k)
    ax.set_xlabel(r"$\\theta$ 方向角")
    fig._repr_png_()
"""

SET_UP = """
import numpy as np
from widgets.explorers import taylor_explorer, gradient_explorer
explorers = {"taylor": taylor_explorer(), "gradient": gradient_explorer()}
sliders = {"taylor": explorers["taylor"].controls["x0"], "gradient": explorers["gradient"].controls["x"]}
"""

CHECK = """
def _same_picture(name, value):
    e = explorers[name]
    fresh = {"taylor": taylor_explorer, "gradient": gradient_explorer}[name]()
    fresh.controls[{"taylor": "x0", "gradient": "x"}[name]].value = value
    e.canvas.request(full=True); fresh.canvas.request(full=True)
    same = bool(np.array_equal(e.canvas.pixels(), fresh.canvas.pixels()))
    fresh.close()
    return same
"""


def _run(client, code: str, timeout: float = 120) -> dict:
    """Execute ``code`` on the main shell; return the reply's content, with the IOPub errors and stderr."""
    msg_id = client.execute(code, user_expressions={})
    return _wait_reply(client, msg_id, timeout)


def _wait_reply(client, msg_id: str, timeout: float) -> dict:
    problems = []
    deadline = time.monotonic() + timeout
    while True:
        message = client.get_iopub_msg(timeout=max(1.0, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "error" or (kind == "stream" and content.get("name") == "stderr"):
            problems.append(content.get("text") or "\n".join(content.get("traceback", [])))
        if kind == "status" and content["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=timeout)
    return {**reply["content"], "problems": problems}


def _evaluate(client, expression: str):
    msg_id = client.execute("", user_expressions={"value": expression})
    reply = _wait_reply(client, msg_id, 120)
    assert reply["status"] == "ok", reply
    result = reply["user_expressions"]["value"]
    assert result["status"] == "ok", result
    return json.loads(result["data"]["text/plain"].replace("'", '"').replace("True", "true").replace("False", "false")
                      .replace("None", "null"))


@pytest.fixture(scope="module")
def kernel_info(kernel_client):
    kernel_client.kernel_info()
    reply = kernel_client.get_shell_msg(timeout=60)
    while reply["msg_type"] != "kernel_info_reply":
        reply = kernel_client.get_shell_msg(timeout=60)
    return reply["content"]


@pytest.fixture(scope="module")
def subshell(kernel_client, kernel_info):
    """A subshell of the test's kernel, as JupyterLab makes one for widget messages; its id."""
    if "kernel subshells" not in kernel_info.get("supported_features", []):
        pytest.fail("the kernel offers no subshells: the test needs ipykernel 7 or later")
    request = kernel_client.session.msg("create_subshell_request", {})
    kernel_client.control_channel.send(request)
    reply = kernel_client.get_control_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != request["header"]["msg_id"]:
        reply = kernel_client.get_control_msg(timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply["content"]["subshell_id"]


def _move_on_subshell(client, subshell_id: str, comm_id: str, value: float) -> None:
    """Send a slider's new value as the page does (a widget state update), to ``subshell_id``."""
    message = client.session.msg("comm_msg", {"comm_id": comm_id, "data": {
        "method": "update", "state": {"value": value}, "buffer_paths": []}})
    message["header"]["subshell_id"] = subshell_id
    client.shell_channel.send(message)


def test_kernel_answers(kernel_info):
    assert kernel_info["status"] == "ok"
    assert kernel_info["language_info"]["name"] == "python"


@pytest.mark.parametrize("name, values", [("taylor", [0.1 * k for k in range(-12, 13)]),
                                          ("gradient", [-1.5 + 0.12 * k for k in range(26)])])
def test_slider_moves_on_a_subshell_while_a_cell_draws(kernel_client, subshell, name, values):
    set_up = _run(kernel_client, SET_UP + CHECK)
    assert set_up["status"] == "ok" and not set_up["problems"], set_up
    comm_id = _evaluate(kernel_client, f"sliders[{name!r}].comm.comm_id")
    cell = kernel_client.execute(DRAWING_CELL)
    for value in values:   # while the main thread draws: every move is handled on the subshell's thread
        _move_on_subshell(kernel_client, subshell, comm_id, value)
        time.sleep(0.01)
    drawn = _wait_reply(kernel_client, cell, 300)
    assert drawn["status"] == "ok" and not drawn["problems"], drawn
    deadline = time.monotonic() + 60
    while _evaluate(kernel_client, f"sliders[{name!r}].value") != pytest.approx(values[-1]):
        assert time.monotonic() < deadline, "the subshell did not handle the moves"
        time.sleep(0.2)
    assert _evaluate(kernel_client, f"explorers[{name!r}].last_error") is None
    assert _evaluate(kernel_client, f"explorers[{name!r}].message") == ""
    assert _evaluate(kernel_client, f"_same_picture({name!r}, {values[-1]!r})") is True

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

pytestmark = pytest.mark.slow  # a real kernel: left out of the quick loop (docs/testing.md)

#: The main thread's cell: static figures with math text, drawn as a notebook displays them.
DRAWING_CELL = """
from widgets import plotting as wp
for k in range(60):
    fig, ax = wp.static_figure()
    ax.plot([0, 1], [0, k])
    ax.set_title(r"$\\frac{\\partial f}{\\partial x_%d} = \\sqrt{x^2 + y^2}$" % k)
    ax.set_xlabel("步长 h")
    fig._repr_png_()
"""

SET_UP = """
import threading
import numpy as np
from widgets.explorers import taylor_explorer, gradient_explorer
explorers = {"taylor": taylor_explorer(), "gradient": gradient_explorer()}
explorers_thread = threading.current_thread().name
"""

CHECK = """
def _same_picture(name, values):
    e = explorers[name]
    fresh = {"taylor": taylor_explorer, "gradient": gradient_explorer}[name]()
    fresh.set_values(**values)
    e.canvas.request(full=True); fresh.canvas.request(full=True)
    same = bool(np.array_equal(e.canvas.pixels(), fresh.canvas.pixels()))
    fresh.close()
    return same
"""


def _run(client, code: str, timeout: float = 120, subshell_id: str | None = None) -> dict:
    """Execute ``code`` on the main shell (or on ``subshell_id``); return the reply's content, with the
    IOPub errors and stderr."""
    message = client.session.msg("execute_request", {"code": code, "silent": False, "store_history": False,
                                                     "user_expressions": {}, "allow_stdin": False})
    if subshell_id is not None:
        message["header"]["subshell_id"] = subshell_id
    client.shell_channel.send(message)
    return _wait_reply(client, message["header"]["msg_id"], timeout)


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


#: Moves that redraw everything (a new order or preset: new labels and legends) and moves that blit.
MOVES = {
    "taylor": [("n", 1 + k % 12) if k % 2 else ("x0", round(-2.0 + 0.05 * k, 2)) for k in range(80)],
    "gradient": [("theta", round(0.07 * k, 2)) if k % 2 else ("x", round(-1.5 + 0.04 * k, 2)) for k in range(80)],
}


@pytest.mark.parametrize("name", sorted(MOVES))
def test_slider_moves_on_a_subshell_while_a_cell_draws(kernel_client, subshell, name):
    """Without the lock this fails: the explorer's artists made while the other thread's house style
    was undone draw differently from a fresh explorer's (seen in 2 runs of 2)."""
    # Made on the subshell: ipykernel routes a widget's messages to the shell that last sent on its comm
    # (7.4; earlier 7.x releases to the subshell the page names), here the subshell's thread.
    set_up = _run(kernel_client, SET_UP + CHECK, subshell_id=subshell)
    assert set_up["status"] == "ok" and not set_up["problems"], set_up
    assert _evaluate(kernel_client, "explorers_thread") != _evaluate(kernel_client, "threading.current_thread().name")
    comms = {control: _evaluate(kernel_client, f"explorers[{name!r}].controls[{control!r}].comm.comm_id")
             for control, _ in MOVES[name]}
    cell = kernel_client.execute(DRAWING_CELL)
    for control, value in MOVES[name]:   # while the main thread draws: handled on the subshell's thread
        _move_on_subshell(kernel_client, subshell, comms[control], value)
        time.sleep(0.01)
    drawn = _wait_reply(kernel_client, cell, 300)
    assert drawn["status"] == "ok" and not drawn["problems"], drawn
    final = dict(MOVES[name])   # the last value of each control
    deadline = time.monotonic() + 60
    while any(_evaluate(kernel_client, f"explorers[{name!r}].controls[{c!r}].value") != pytest.approx(v)
              for c, v in final.items()):
        assert time.monotonic() < deadline, "the subshell did not handle the moves"
        time.sleep(0.2)
    assert _evaluate(kernel_client, f"explorers[{name!r}].last_error") is None
    assert _evaluate(kernel_client, f"explorers[{name!r}].message") == ""
    assert _evaluate(kernel_client, f"_same_picture({name!r}, {final!r})") is True

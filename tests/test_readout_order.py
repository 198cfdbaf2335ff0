"""In a real kernel, a slider move sends the new picture first and the typeset readout after it, and a
page that has not painted the frames in flight gets no more until it acknowledges them.

The page typesets the readout (MathJax) and lays the notebook out again; arriving with the
picture, that work would delay its repaint. This test plays the page: it sends the slider's
update and the canvas's messages over the kernel's shell channel, as JupyterLab does, and reads
what comes back on IOPub.
"""

from __future__ import annotations

import json
import queue
import time
from datetime import datetime

import pytest

from widgets.explorers import base, canvas

pytestmark = pytest.mark.slow  # a real kernel: left out of the quick loop (docs/testing.md)

SETUP = """
import json
from widgets.explorers import secant_explorer
explorer = secant_explorer()
display(explorer)
print(json.dumps({"slider": explorer.controls["x0"].model_id, "readout": explorer.readout.model_id,
                  "canvas": explorer.canvas.model_id}))
"""


def execute(client, code: str, timeout: float = 120.0) -> str:
    """Run ``code``; return its stdout (fail on an error)."""
    msg_id = client.execute(code)
    out = []
    deadline = time.monotonic() + timeout
    while True:
        msg = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            pytest.fail("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out)


def drain(client, quiet: float = 0.5, timeout: float = 30.0) -> list[dict]:
    """Collect IOPub messages until none has come for ``quiet`` seconds."""
    messages, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            messages.append(client.get_iopub_msg(timeout=quiet))
        except queue.Empty:
            break
    return messages


def move_slider(client, comm_id: str, value: float) -> None:
    """Send what a slider view sends when it is moved."""
    content = {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
    client.shell_channel.send(client.session.msg("comm_msg", content))


def tell_canvas(client, comm_id: str, content: dict) -> None:
    """Send what the canvas's page side sends (a custom widget message)."""
    data = {"comm_id": comm_id, "data": {"method": "custom", "content": content}}
    client.shell_channel.send(client.session.msg("comm_msg", data))


def sent_at(msg) -> datetime:
    return msg["header"]["date"]


@pytest.fixture(scope="module")
def explorer_ids(kernel_client):
    ids = json.loads(execute(kernel_client, SETUP).strip().splitlines()[-1])
    tell_canvas(kernel_client, ids["canvas"], {"type": "hello", "dpr": 1})
    whole = frames(drain(kernel_client), ids)
    assert len(whole) == 1 and whole[0]["content"]["data"]["content"]["rects"][0][:2] == [0, 0]
    acknowledge(kernel_client, ids, whole)
    return ids


def acknowledge(client, ids, painted) -> None:
    """Tell the kernel that the page has painted the frames ``painted``."""
    tell_canvas(client, ids["canvas"], {"type": "ack", "seq": painted[-1]["content"]["data"]["content"]["seq"]})


def frames(messages, ids) -> list[dict]:
    return [m for m in messages if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ids["canvas"]
            and m["content"]["data"].get("method") == "custom" and m.get("buffers")]


def readouts(messages, ids) -> list[dict]:
    return [m for m in messages if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ids["readout"]
            and "value" in m["content"]["data"].get("state", {})]


def test_a_move_sends_the_picture_then_the_readout(kernel_client, explorer_ids):
    move_slider(kernel_client, explorer_ids["slider"], 0.5)
    messages = drain(kernel_client)
    picture, readout = frames(messages, explorer_ids), readouts(messages, explorer_ids)
    assert len(picture) == 1 and len(readout) == 1, [m["msg_type"] for m in messages]
    assert messages.index(picture[0]) < messages.index(readout[0])
    delay = (sent_at(readout[0]) - sent_at(picture[0])).total_seconds()
    assert delay >= base.READOUT_DELAY * 0.9
    shown = json.loads(execute(kernel_client, "print(json.dumps(explorer.readout.value))"))
    assert readout[0]["content"]["data"]["state"]["value"] == shown  # the page gets what Python holds
    acknowledge(kernel_client, explorer_ids, picture)


def test_after_a_quick_series_of_moves_the_page_gets_the_last_readout(kernel_client, explorer_ids):
    for value in (1.5, 1.4, 1.3, 1.2):
        move_slider(kernel_client, explorer_ids["slider"], value)
    messages = drain(kernel_client)
    readout, picture = readouts(messages, explorer_ids), frames(messages, explorer_ids)
    assert picture and readout
    assert messages.index(picture[0]) < messages.index(readout[0])
    shown = json.loads(execute(kernel_client, "print(json.dumps(explorer.readout.value))"))
    assert readout[-1]["content"]["data"]["state"]["value"] == shown
    while picture:   # the page paints what came; the kernel may have held the newest picture back
        acknowledge(kernel_client, explorer_ids, picture)
        picture = frames(drain(kernel_client), explorer_ids)


def test_a_page_that_paints_late_gets_no_more_than_the_window_then_the_newest_picture(kernel_client,
                                                                                       explorer_ids):
    """Moves faster than the page paints: FRAME_WINDOW frames go, the rest wait; the page's
    acknowledgement brings one frame of the newest state, and nothing after it."""
    values = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4)
    for value in values:
        move_slider(kernel_client, explorer_ids["slider"], value)
    early = frames(drain(kernel_client), explorer_ids)
    assert len(early) == canvas.FRAME_WINDOW
    acknowledge(kernel_client, explorer_ids, early)
    late = frames(drain(kernel_client), explorer_ids)
    assert len(late) == 1, "one frame, of the newest state: the states in between are never drawn"
    assert execute(kernel_client, "print(explorer.controls['x0'].value)").strip() == str(values[-1])
    drawn = json.loads(execute(kernel_client, "explorer.canvas.request(full=True)\n"
                                              "print(json.dumps(explorer.canvas.seq))"))
    assert drawn == late[0]["content"]["data"]["content"]["seq"], "a full draw of the newest state changes nothing"

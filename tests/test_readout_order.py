"""In a real kernel, a slider move sends the new picture first and the typeset readout after it,
and a quick series of moves is followed by one repair frame.

The page typesets the readout (MathJax) and lays the notebook out again; arriving with the
picture, that work would delay its repaint. This test plays the page: it sends the slider's
update over the kernel's shell channel, as JupyterLab does, and reads what comes back on IOPub.
"""

from __future__ import annotations

import io
import json
import queue
import time
from datetime import datetime

import numpy as np
import pytest
from PIL import Image

from widgets.explorers import base

SETUP = """
import json
from widgets.explorers import secant_explorer
explorer = secant_explorer()
display(explorer)
print(json.dumps({"slider": explorer.controls["x0"].model_id, "readout": explorer.readout.model_id,
                  "canvas": explorer.figure.canvas.model_id}))
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


def sent_at(msg) -> datetime:
    return msg["header"]["date"]


@pytest.fixture(scope="module")
def explorer_ids(kernel_client):
    ids = json.loads(execute(kernel_client, SETUP).strip().splitlines()[-1])
    drain(kernel_client)
    return ids


def frames(messages, ids) -> list[dict]:
    return [m for m in messages if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ids["canvas"]
            and m.get("buffers")]


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


def test_after_a_quick_series_of_moves_the_page_gets_the_last_readout(kernel_client, explorer_ids):
    for value in (1.5, 1.4, 1.3, 1.2):
        move_slider(kernel_client, explorer_ids["slider"], value)
    messages = drain(kernel_client)
    readout, picture = readouts(messages, explorer_ids), frames(messages, explorer_ids)
    assert picture and readout
    assert messages.index(picture[0]) < messages.index(readout[0])
    shown = json.loads(execute(kernel_client, "print(json.dumps(explorer.readout.value))"))
    assert readout[-1]["content"]["data"]["state"]["value"] == shown


def opaque_pixels(frame) -> int:
    return int((np.asarray(Image.open(io.BytesIO(bytes(frame["buffers"][0]))))[..., 3] > 0).sum())


def test_a_quick_series_of_moves_is_followed_by_one_repair_frame(kernel_client, explorer_ids):
    """More quick frames in a row than a frame carries (FRAME_CARRY): FRAME_SETTLE s after the last,
    the kernel's event loop sends one more frame with every pixel the series changed, which repairs
    what a page that dropped some of the frames would have left."""
    drain(kernel_client, quiet=2 * base.FRAME_SETTLE)   # nothing left over from the tests before
    values = (0.9, 0.8, 0.7, 0.6, 0.5)
    assert len(values) > base.FRAME_CARRY + 1
    for value in values:
        move_slider(kernel_client, explorer_ids["slider"], value)
    messages = drain(kernel_client, quiet=3 * base.FRAME_SETTLE)
    picture = frames(messages, explorer_ids)
    assert len(picture) == len(values) + 1, [m["msg_type"] for m in messages]
    gap = (sent_at(picture[-1]) - sent_at(picture[-2])).total_seconds()
    assert base.FRAME_SETTLE * 0.9 <= gap < base.FRAME_SETTLE + 1.0
    assert opaque_pixels(picture[-1]) > max(opaque_pixels(frame) for frame in picture[:-1])

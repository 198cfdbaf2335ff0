"""Event loops for tests that act as in a kernel, where explorers schedule work on the running loop."""

from __future__ import annotations

import asyncio
import threading


def run_in_own_loop(coroutine):
    """Run ``coroutine`` in a fresh thread with its own event loop (this thread may have one running)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised below, in the test
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the event loop did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]

"""A guard against a hanging test (not a timing test): SIGALRM turns a hang into a failure."""

from __future__ import annotations

import contextlib
import signal


@contextlib.contextmanager
def fail_if_it_hangs(seconds: int, what: str):
    """Raise TimeoutError("<what> hung") if the body runs longer than ``seconds``."""
    def _raise(*_):
        raise TimeoutError(f"{what} hung")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)

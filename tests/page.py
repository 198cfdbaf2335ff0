"""A page for the explorers' canvas in the test process: it receives the kernel's frames, paints them as
``canvas.js`` does (every rectangle of every frame, in order, with putImageData) and acknowledges them.
"""

from __future__ import annotations

import zlib

import numpy as np


class Page:
    """Stands in for one view of an ``ExplorerCanvas``; ``auto_ack=False`` holds the acknowledgements back."""

    def __init__(self, canvas, dpr: float = 1.0, auto_ack: bool = True):
        self.canvas = canvas
        self.auto_ack = auto_ack
        self.picture: np.ndarray | None = None
        self.frames: list[dict] = []      # every frame header received
        self.inbox: list[tuple[dict, bytes]] = []   # received, not yet painted
        canvas.send = self._receive
        self.say({"type": "hello", "dpr": dpr})

    def say(self, content: dict) -> None:
        """Send ``content`` to the kernel as the page would."""
        self.canvas._on_page_message(self.canvas, content, [])

    def _receive(self, content, buffers=None) -> None:
        assert content["type"] == "frame"
        self.frames.append(content)
        self.inbox.append((content, bytes(buffers[0])))
        if self.auto_ack:
            self.paint()

    def paint(self) -> None:
        """Paint every frame received so far, in order, and acknowledge the last one (an animation frame)."""
        last = None
        while self.inbox:
            frame, data = self.inbox.pop(0)
            width, height = frame["size"]
            if self.picture is None or self.picture.shape[:2] != (height, width):
                self.picture = np.zeros((height, width, 4), dtype=np.uint8)   # a resized canvas is cleared
            pixels = zlib.decompress(data) if frame["encoding"] == "deflate" else data
            offset = 0
            for x, y, w, h in frame["rects"]:
                size = w * h * 4
                block = np.frombuffer(pixels[offset:offset + size], dtype=np.uint8).reshape(h, w, 4)
                self.picture[y:y + h, x:x + w] = block
                offset += size
            assert offset == len(pixels), "the buffer holds exactly the rectangles' pixels"
            last = frame["seq"]
        if last is not None:
            self.say({"type": "ack", "seq": last})

    def pointer(self, event: str, fx: float, fy: float, button: int = 0, buttons: int = 1) -> None:
        """A mouse event at (fx, fy), fractions of the canvas from its top left corner."""
        self.say({"type": "pointer", "event": event, "x": fx, "y": fy, "button": button, "buttons": buttons})

    def drag(self, start, end, steps: int = 12) -> None:
        """Press at ``start``, move in ``steps`` to ``end`` and release (fractions of the canvas)."""
        self.pointer("down", *start)
        for k in range(1, steps + 1):
            t = k / steps
            self.pointer("move", start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        self.pointer("up", *end, buttons=0)

    def matches_kernel(self) -> bool:
        """True when the page shows exactly the kernel's picture (every frame painted)."""
        return self.picture is not None and np.array_equal(self.picture, self.canvas.pixels())


def fraction_of(canvas, ax, x: float, y: float) -> tuple[float, float]:
    """Return the point (x, y) in ``ax``'s data coordinates as fractions of the canvas from its top left."""
    px, py = ax.transData.transform((x, y))
    width, height = canvas.agg.get_width_height(physical=True)
    return px / width, 1.0 - py / height

"""The explorers' canvas: matplotlib draws with Agg in the kernel, the page paints what changed.

One ``ExplorerCanvas`` widget (an anywidget; its page side is ``canvas.js`` beside this file) shows one
figure. The messages, kernel to page:

* ``{"type": "frame", "seq", "rects", "size", "dpr", "encoding"}`` with one binary buffer: the RGBA
  pixels, one after the other, of the rectangles ``rects`` (``[x, y, width, height]`` in canvas pixels
  from the top left) that hold every pixel changed since the frame before; ``size`` is the whole
  canvas, ``[width, height]``; ``encoding`` is "rgba" (as they are) or "deflate" (zlib). The page
  paints every frame, in order, within its next animation frame: no frame is lost or painted twice.

page to kernel:

* ``{"type": "hello", "dpr"}`` when a view starts: it gets the whole picture, drawn at its
  ``devicePixelRatio`` (the figure keeps its size in CSS pixels and is sharp on HiDPI screens);
* ``{"type": "dpr", "dpr"}`` when the page's ratio changes (browser zoom, another screen);
* ``{"type": "ack", "seq"}`` when it has painted frames up to ``seq``;
* ``{"type": "pointer", "event", "x", "y", "button", "buttons"}`` for the mouse, handed to matplotlib's
  own event handling (dragging a point, clicking a cell, rotating a 3-D view), ``x`` and ``y`` as
  fractions of the canvas from its top left corner.

Flow: at most ``FRAME_WINDOW`` frames are on their way at once. A picture asked for while the window is
full is drawn when the next acknowledgement arrives, from the state of that moment: when moves come
faster than the kernel draws, the stale states in between are never drawn.

Threads: a kernel may handle widget messages on another thread than the one running cells (ipykernel
7's subshells). Every figure change and draw of the package holds ``FIGURE_LOCK``.
"""

from __future__ import annotations

import io
import math
import pathlib
import time
import weakref
import zlib
from typing import Callable

import anywidget
import numpy as np
import traitlets as T
from PIL import Image
from matplotlib.backend_bases import MouseButton, MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from widgets.plotting.style import FIGURE_LOCK

#: Frames sent but not yet painted, at most (the page acknowledges each paint).
FRAME_WINDOW = 2
#: Seconds after which a frame not acknowledged no longer holds the window (its view went away).
ACK_TIMEOUT = 1.0
#: Largest devicePixelRatio the canvas draws at (3 is a phone; more only costs time).
MAX_DPR = 3.0
#: Frames carry the changed TILE×TILE tiles of the canvas (runs of them in a row, as rectangles) ...
TILE = 32
#: ... as raw RGBA when they come to at most this many bytes, else deflated (zlib, level DEFLATE_LEVEL).
RAW_LIMIT = 64 * 1024
DEFLATE_LEVEL = 1
# Why tiles: a slider move changes a few curves and marks; the one rectangle around all of them is
# 40-80 % of the canvas, the changed 32-pixel tiles 4-18 % (measured on every explorer at
# devicePixelRatio 2), and the kernel's cost of a frame is mostly the bytes it compresses.
# Why deflate, measured on frames of four explorers at devicePixelRatio 2 (docs/performance.md, "frame
# encoding"): the changed tiles are 0.3-0.8 MB of RGBA, mostly white and flat colours; zlib at level 1
# makes them 9-53 times smaller in 0.6-4.3 ms, while PNG (the same deflate after row filters) came out
# about as small in 6-12 times the time. The page inflates them with the browser's own
# DecompressionStream, off its main thread, and paints each rectangle with putImageData (exact pixels,
# no colour management). Raw RGBA skips both steps; on localhost a move was no faster for it, and over
# a real network (Binder) its bytes are time. A frame of at most RAW_LIMIT bytes goes raw: there is
# nothing to gain by compressing it.

_BUTTONS = {0: MouseButton.LEFT, 1: MouseButton.MIDDLE, 2: MouseButton.RIGHT}
_EVENTS = {"down": "button_press_event", "up": "button_release_event", "move": "motion_notify_event"}

#: Every canvas not yet closed (what a leak test counts).
OPEN: "weakref.WeakSet[ExplorerCanvas]" = weakref.WeakSet()


def changed_tiles(old: np.ndarray | None, new: np.ndarray, tile: int = TILE) -> list[tuple[int, int, int, int]]:
    """Return the rectangles (x, y, width, height) that cover every pixel where ``new`` differs from
    ``old`` (h×w uint32 arrays): runs of changed ``tile``×``tile`` tiles along each row of tiles, cut at
    the canvas's edges. The whole canvas when ``old`` is None or of another shape; [] when nothing changed.
    """
    height, width = new.shape
    if old is None or old.shape != new.shape:
        return [(0, 0, width, height)]
    changed = old != new
    by_rows = np.logical_or.reduceat(changed, np.arange(0, height, tile), axis=0)
    tiles = np.logical_or.reduceat(by_rows, np.arange(0, width, tile), axis=1)
    rectangles = []
    for row in np.flatnonzero(tiles.any(axis=1)):
        edges = np.diff(np.concatenate(([0], tiles[row].astype(np.int8), [0])))
        y = int(row) * tile
        for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            x = int(start) * tile
            rectangles.append((x, y, min(int(stop) * tile, width) - x, min(y + tile, height) - y))
    return rectangles


class AggCanvas(FigureCanvasAgg):
    """Agg canvas whose ``draw_idle`` (asked for by matplotlib, e.g. after the mouse rotates a 3-D view)
    asks the page widget for a whole new picture."""

    frame_request: Callable[[], None] | None = None

    def draw_idle(self, *args, **kwargs) -> None:
        if self.frame_request is None:
            super().draw_idle(*args, **kwargs)
        else:
            self.frame_request()


class ExplorerCanvas(anywidget.AnyWidget):
    """Shows ``figure`` on the page; ``paint(full)`` draws it into its Agg buffer (everything when ``full``).

    Call ``request()`` after a change of the picture; the canvas calls ``paint`` when a frame may go
    (at once, unless ``FRAME_WINDOW`` frames are still unpainted) and sends what changed.
    """

    # The module's text, not its path: anywidget watches a path for changes with a callback that keeps
    # every widget made from it alive (a leaked figure per explorer).
    _esm = pathlib.Path(__file__).with_name("canvas.js").read_text(encoding="utf-8")
    #: Size of the figure on the page in CSS pixels (the canvas draws ``dpr`` times as many pixels).
    css_width = T.Int(0).tag(sync=True)
    css_height = T.Int(0).tag(sync=True)

    def __init__(self, figure: Figure, paint: Callable[[bool], None]):
        super().__init__()
        self.figure = figure
        self.agg = AggCanvas(figure)
        self.agg.frame_request = lambda: self.request(full=True)
        self._paint = paint
        self.base_dpi = float(figure.dpi)
        self.dpr = 1.0
        width, height = figure.get_size_inches() * self.base_dpi
        self.css_width, self.css_height = int(round(width)), int(round(height))
        self.seq = 0                 # the last frame sent
        self.acked = 0               # the last frame a page has painted
        self.sent_at = 0.0           # time.monotonic() of the last frame sent
        self.viewed = False          # a page has shown the canvas (said hello)
        self.page: np.ndarray | None = None   # the picture the page has (h×w uint32), None: nothing yet
        self._wanted = False         # a picture was asked for and not yet drawn ...
        self._wanted_full = False    # ... and it must be drawn in full
        self.on_msg(self._on_page_message)
        OPEN.add(self)

    # -- pictures ---------------------------------------------------------------------------------
    def request(self, full: bool = False) -> None:
        """Ask for a new picture: drawn and sent now, or when the page has painted a frame in flight."""
        with FIGURE_LOCK:
            self._wanted = True
            self._wanted_full |= full
            self._pump()

    def _window_open(self) -> bool:
        return (self.seq - self.acked < FRAME_WINDOW
                or time.monotonic() - self.sent_at > ACK_TIMEOUT)

    def _pump(self) -> None:
        if not self._wanted or (self.viewed and not self._window_open()):
            return
        full, self._wanted, self._wanted_full = self._wanted_full, False, False
        self._paint(full)
        if self.viewed:
            self.send_changes()

    def pixels(self) -> np.ndarray:
        """Return the Agg buffer as an h×w×4 uint8 array (the figure's last draw)."""
        return np.asarray(self.agg.buffer_rgba())

    def send_changes(self) -> dict | None:
        """Send the tiles of the Agg buffer that differ from the page's picture; return the frame's
        header (None when nothing changed)."""
        rgba = self.pixels()
        picture = rgba.view(np.uint32)[:, :, 0]
        rectangles = changed_tiles(self.page, picture)
        if not rectangles:
            return None
        payload = b"".join(rgba[y:y + h, x:x + w].tobytes() for x, y, w, h in rectangles)
        raw = len(payload) <= RAW_LIMIT
        self.seq += 1
        header = {"type": "frame", "seq": self.seq, "rects": rectangles,
                  "size": [picture.shape[1], picture.shape[0]], "dpr": self.dpr,
                  "encoding": "rgba" if raw else "deflate"}
        self.send(header, buffers=[payload if raw else zlib.compress(payload, DEFLATE_LEVEL)])
        self.page = picture.copy()
        self.sent_at = time.monotonic()
        return header

    def full_png(self) -> bytes:
        """Return the whole Agg buffer as PNG bytes (what the page must show once it has painted all)."""
        buffer = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(self.pixels())).save(buffer, format="png")
        return buffer.getvalue()

    # -- the page -------------------------------------------------------------------------------
    def _on_page_message(self, _widget, content: dict, buffers) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        with FIGURE_LOCK:
            if kind == "ack" and isinstance(content.get("seq"), int):
                self.acked = max(self.acked, content["seq"])
                self._pump()
            elif kind in ("hello", "dpr"):
                self._on_view(content.get("dpr"), hello=kind == "hello")
            elif kind == "pointer":
                self._on_pointer(content)

    def _on_view(self, dpr, hello: bool) -> None:
        """A view started (``hello``) or its devicePixelRatio changed: send the whole picture at ``dpr``."""
        try:
            ratio = min(max(float(dpr), 1.0), MAX_DPR)
        except (TypeError, ValueError):
            ratio = 1.0
        ratio = round(ratio * 4) / 4 if math.isfinite(ratio) else 1.0   # browser zoom gives ratios like 1.1: draw at quarter steps
        if hello:
            self.viewed = True
            self.page = None          # the new view has nothing yet: a whole frame
            self.acked = self.seq     # and it may go at once
        if ratio != self.dpr:
            self.dpr = ratio
            self.figure.set_dpi(self.base_dpi * ratio)
        self.request(full=True)

    def _on_pointer(self, content: dict) -> None:
        name = _EVENTS.get(content.get("event"))
        try:
            fx, fy = float(content["x"]), float(content["y"])
        except (KeyError, TypeError, ValueError):
            return
        if name is None or not (np.isfinite(fx) and np.isfinite(fy)):
            return
        width, height = self.agg.get_width_height(physical=True)
        button = _BUTTONS.get(content.get("button")) if name != "motion_notify_event" else None
        buttons = {b for bit, b in ((1, MouseButton.LEFT), (4, MouseButton.MIDDLE), (2, MouseButton.RIGHT))
                   if int(content.get("buttons") or 0) & bit}
        event = MouseEvent(name, self.agg, fx * width, (1.0 - fy) * height, button=button,
                           buttons=buttons if name == "motion_notify_event" else None)
        self.agg.callbacks.process(name, event)

    def snapshot_png(self) -> bytes:
        """Return the picture as PNG bytes at the figure's own dpi (for static viewers).

        This draws over the Agg buffer: the next frame is drawn in full first.
        """
        buffer = io.BytesIO()
        with FIGURE_LOCK:
            self.figure.savefig(buffer, format="png", dpi=self.base_dpi)
        return buffer.getvalue()

    def close(self) -> None:
        """Close the widget and let the figure go (closing again does nothing)."""
        OPEN.discard(self)
        self.agg.frame_request = None
        self._paint = lambda full: None
        super().close()

"""The shape every explorer shares: ``controls`` (name -> ipywidget), one ``figure`` built once,
and ``update()``, which moves artists in place and never creates a figure.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import functools
import html
import io
import traceback
import struct
import time
import types
import zlib

import ipywidgets as W
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from widgets.plotting.style import house_style

IPYMPL_BACKEND = "module://ipympl.backend_nbagg"


#: zlib level of the PNG frames sent to the browser: level 1 is several times faster than
#: Pillow's default PNG encoding, and the frames (mostly transparent diffs) grow only a little.
FRAME_COMPRESS_LEVEL = 1


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def encode_png_rgba(data: np.ndarray, level: int = FRAME_COMPRESS_LEVEL) -> bytes:
    """Return ``data`` (an h×w×4 uint8 RGBA array) as PNG bytes: 8-bit RGBA, no row filter, zlib ``level``.

    Pillow spends most of a frame choosing row filters; ipympl's frames are mostly zeros (the
    unchanged pixels of a diff), for which filtering buys nothing.
    """
    height, width, _ = data.shape
    rows = np.zeros((height, width * 4 + 1), dtype=np.uint8)  # each row starts with filter type 0
    rows[:, 1:] = data.reshape(height, width * 4)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.data, level)) + _png_chunk(b"IEND", b""))


#: A frame sent at least this long (seconds) after the one before is taken to find that one painted.
FRAME_SETTLE = 0.5
#: A frame sent within FRAME_SETTLE of the one before also carries the pixels of up to this many
#: frames before it (those sent since the last pause) ...
FRAME_CARRY = 2
# ... and when FRAME_SETTLE passes after a longer series of quick frames, one more frame carries
# every pixel the series changed (a repair frame).
# Why: the page keeps one image for the frames, and a frame that arrives before the one before it
# has loaded replaces it (ipympl sets ``image.src`` again; the first never fires ``onload`` and is
# never drawn). A diff frame against a frame that was never drawn would leave stale pixels. With the
# pixels of the frames before it, a frame repairs what up to FRAME_CARRY lost frames in a row would
# have left; the repair frame, sent when the page has had time to paint, covers any longer run.
# Carrying the whole series in every frame would do too, but during a long drag or a series of
# arrow-key presses the frames would grow to every pixel the series touched (3-10 times the bytes).


class _FrameLog:
    """What the page may not have painted yet, kept on each explorer's canvas (``canvas._frame_log``)."""

    def __init__(self):
        self.sent_at = -np.inf   # time.monotonic() of the last frame
        self.recent = collections.deque(maxlen=FRAME_CARRY)   # the changes of the last frames of the series
        self.series: np.ndarray | None = None   # every pixel changed since the series began
        self.length = 0          # frames in the series
        self.repair: np.ndarray | None = None   # pixels the next frame must carry (set by _send_repair)
        self.timer = None        # the kernel loop's handle of the scheduled repair

    def start_series(self) -> None:
        """The frames so far had time to be painted: forget them."""
        self.recent.clear()
        self.series, self.length = None, 0

    def carried(self, changed: np.ndarray) -> np.ndarray:
        """Return ``changed`` with the pixels this frame must carry besides its own (a new array)."""
        dirty = changed.copy()
        for mask in (*self.recent, self.repair):
            if mask is not None and mask.shape == dirty.shape:   # not after a resize
                dirty |= mask
        return dirty

    def record(self, changed: np.ndarray, now: float) -> None:
        """Log a frame that changed ``changed`` (its own change, and the pixels of a repair)."""
        if self.repair is not None and self.repair.shape == changed.shape:
            changed = changed | self.repair
        self.repair = None
        self.recent.append(changed)
        if self.series is None or self.series.shape != changed.shape:
            self.series = changed.copy()
        else:
            self.series |= changed
        self.length += 1
        self.sent_at = now

    def cancel(self) -> None:
        """Drop a scheduled repair (when the figure closes)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _frame_log(canvas) -> _FrameLog:
    log = getattr(canvas, "_frame_log", None)
    if log is None:
        log = canvas._frame_log = _FrameLog()
    return log


def _schedule_repair(canvas, log: _FrameLog) -> None:
    """In a Jupyter kernel, send a repair frame FRAME_SETTLE s from now, unless another frame comes first."""
    log.cancel()
    loop = _kernel_loop()
    if loop is not None:
        log.timer = loop.call_later(FRAME_SETTLE, _send_repair, canvas)


def _send_repair(canvas) -> None:
    """Send a frame with every pixel the last series of quick frames changed (their current values)."""
    log = _frame_log(canvas)
    log.timer = None
    repair = log.series
    log.start_series()   # the series has ended; the repair frame begins the next
    if repair is None:
        return
    log.repair = repair
    canvas._png_is_old = True
    manager = getattr(canvas, "manager", None)
    if manager is not None:
        manager.refresh_all()   # webagg: get_diff_image(), then send_binary() to the page


def _fast_diff_image(canvas) -> bytes | None:
    """Return the next frame for the browser, as matplotlib's webagg does, but smaller, encoded
    quickly, and safe when the page drops a frame.

    The same logic as ``FigureCanvasWebAggCore.get_diff_image``: the full frame, or only the
    changed pixels over transparent ones. Three differences:

    * the PNG encoder (``encode_png_rgba``);
    * a diff frame ends at the last changed row and column. The page draws every frame at its top
      left corner (``drawImage(image, 0, 0)`` in ipympl and in matplotlib's ``mpl.js``), so the
      transparent margin right of and below the change need not be sent; a frame with no change
      is a single transparent pixel;
    * a frame sent within ``FRAME_SETTLE`` of the one before also carries the pixels of up to
      ``FRAME_CARRY`` frames before it, and a longer series of such frames is followed by a repair
      frame (see there), all with the pixels' current values.

    Installed on each explorer's canvas.
    """
    if not canvas._png_is_old:
        return None
    pixels = np.asarray(canvas.get_renderer().buffer_rgba())
    buff = pixels.view(np.uint32).squeeze(2)
    log = _frame_log(canvas)
    now = time.monotonic()
    if now - log.sent_at >= FRAME_SETTLE:
        log.start_series()
    if canvas._force_full or buff.shape != canvas._last_buff.shape or (pixels[:, :, 3] != 255).any():
        canvas.set_image_mode("full")
        output = buff
        changed = np.ones(buff.shape, dtype=bool)
    else:
        canvas.set_image_mode("diff")
        changed = buff != canvas._last_buff
        dirty = log.carried(changed)
        rows, columns = np.flatnonzero(dirty.any(axis=1)), np.flatnonzero(dirty.any(axis=0))
        height, width = (rows[-1] + 1, columns[-1] + 1) if rows.size else (1, 1)
        output = np.where(dirty[:height, :width], buff[:height, :width], 0)
    log.record(changed, now)
    if log.length > FRAME_CARRY + 1:
        _schedule_repair(canvas, log)
    canvas._last_buff = buff.copy()
    canvas._force_full = False
    canvas._png_is_old = False
    return encode_png_rgba(output.view(dtype=np.uint8).reshape((*output.shape, 4)))


#: After a slider move in a running kernel the new picture goes to the page at once, and the
#: typeset readout under it follows once the controls have rested this long (seconds) ...
READOUT_DELAY = 0.05
#: ... or, during a long drag, at the latest this long after the first move it holds back.
READOUT_MAX_WAIT = 0.25
# Why: the page typesets the readout (MathJax) and lays the notebook out again, 15-25 ms of its
# main thread; arriving with the picture, that work delays the repaint of the picture by as much.


class ExplorerMessage(Exception):
    """Raised inside ``update()`` when a value makes no sense; the text is shown and the picture is kept."""


def guarded(handler):
    """Decorate an explorer's own control handler (a new formula, a preset) so that nothing escapes it.

    An ``ExplorerMessage`` is shown; any other error is recorded in ``last_error`` and shown as
    an internal error, as ``refresh()`` does.
    """
    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except ExplorerMessage as message:
            self.show_message(str(message))
        except Exception as exc:  # a bug must never surface as a traceback in a lesson
            self._internal_error(exc)
        return None
    return wrapper


def _close_tree(widget) -> None:
    """Close ``widget`` and, for a box, everything inside it (a box left open keeps its children alive)."""
    if isinstance(widget, W.Widget):
        for child in getattr(widget, "children", ()):
            _close_tree(child)
        widget.close()


def _in_a_kernel() -> bool:
    """True when this runs in a Jupyter kernel, where a page shows the widgets."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def _kernel_loop():
    """The kernel's running event loop when this runs in a Jupyter kernel, else None."""
    if not _in_a_kernel():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def use_ipympl() -> None:
    """Make ipympl the pyplot backend (what ``%matplotlib widget`` does), if it is not already."""
    if matplotlib.get_backend() != IPYMPL_BACKEND:
        plt.switch_backend(IPYMPL_BACKEND)


class Explorer:
    """Base class: subclasses fill ``controls``, draw once in ``__init__`` and implement ``update()``."""

    #: Height of the figure in inches; subclasses may change it.
    figsize = (7.0, 4.0)

    def __init__(self, figsize=None, nrows: int = 1, ncols: int = 1, subplot_kw=None):
        self.controls: dict[str, W.Widget] = {}
        self.status = W.HTML(layout=W.Layout(min_height="1.6em"))
        self.readout = W.HTMLMath(layout=W.Layout(min_height="1.6em"))
        self.last_error: str | None = None
        use_ipympl()
        with plt.ioff(), house_style():
            self.figure = plt.figure(figsize=figsize or self.figsize, layout="constrained")
            self.axes = self.figure.subplots(nrows, ncols, subplot_kw=subplot_kw)
        canvas = self.figure.canvas
        for attribute, value in (("header_visible", False), ("footer_visible", False),
                                 ("toolbar_visible", False), ("resizable", False), ("capture_scroll", False),
                                 # the explorer gives static viewers its own PNG; skip ipympl's second encode
                                 ("syncing_data_url", False)):
            if hasattr(canvas, attribute):
                setattr(canvas, attribute, value)
        if hasattr(canvas, "get_diff_image") and hasattr(canvas, "_last_buff"):
            canvas.get_diff_image = types.MethodType(_fast_diff_image, canvas)
        self._widget: W.Widget | None = None
        self._busy = False
        #: Artists that move on a control change. When a subclass lists them, a move restores the
        #: saved background and redraws only these (blitting); otherwise the whole figure is redrawn.
        self.blit_artists: list = []
        self._background = None
        self._pending_draw = False
        self._snapshotting = False
        self._readout_hold = None  # (hold_sync context, loop time it began) while the readout is held back
        self._readout_timer = None
        canvas.mpl_connect("draw_event", self._on_draw)

    # -- wiring -----------------------------------------------------------------------------
    def _connect(self, skip=()) -> None:
        """Observe every control (but those in ``skip``, which the subclass handles itself) and draw.

        Call once at the end of a subclass's ``__init__``.
        """
        self._observed = [c for name, c in self.controls.items() if name not in skip]
        for control in self._observed:
            control.observe(self._on_change, names="value")
        self.refresh()
        self.freeze_layout()

    def freeze_layout(self) -> None:
        """Lay the figure out once, then keep the axes where they are.

        Constrained layout measures every tick label on every draw, half the cost of a slider
        move; explorers keep fixed axes, so one layout serves every later draw. Call again
        after a change that moves labels (e.g. a new title or new axis limits).
        """
        self.figure.set_layout_engine("constrained")
        self.figure.get_layout_engine().execute(self.figure)
        self.figure.set_layout_engine("none")

    def _on_change(self, change) -> None:
        if self._busy:
            return
        loop = self._hold_readout()
        try:
            self.refresh()
        finally:
            if loop is not None:
                self._schedule_readout(loop)

    # -- the readout follows the picture ------------------------------------------------------
    def _hold_readout(self):
        """In a Jupyter kernel, hold the readout's updates back from the page; return the kernel's event loop.

        Elsewhere (a script, a test) return None: everything is sent at once, as before.
        """
        loop = _kernel_loop()
        if loop is None:
            return None
        if self._readout_hold is None:
            hold = self.readout.hold_sync()
            hold.__enter__()
            self._readout_hold = (hold, loop.time())
        return loop

    def _schedule_readout(self, loop) -> None:
        """Send the held readout READOUT_DELAY s from now, but no later than READOUT_MAX_WAIT s after the hold began."""
        if self._readout_timer is not None:
            self._readout_timer.cancel()
        if self._readout_hold is None:
            return
        deadline = self._readout_hold[1] + READOUT_MAX_WAIT
        delay = max(0.0, min(READOUT_DELAY, deadline - loop.time()))
        self._readout_timer = loop.call_later(delay, self.release_readout)

    def release_readout(self) -> None:
        """Send the readout's held-back updates to the page now (nothing to do when none are held)."""
        if self._readout_timer is not None:
            self._readout_timer.cancel()
            self._readout_timer = None
        held, self._readout_hold = self._readout_hold, None
        if held is not None:
            held[0].__exit__(None, None, None)

    def refresh(self) -> bool:
        """Run ``update()`` and repaint; show a message instead of raising. Return True on success."""
        try:
            with np.errstate(all="ignore"), house_style():
                self.update()
        except ExplorerMessage as message:
            self.show_message(str(message))
            return False
        except Exception as exc:  # a bug must never surface as a traceback in a lesson
            self._internal_error(exc)
            return False
        self.show_message("")
        try:
            with np.errstate(all="ignore"):
                self._repaint()
        except Exception as exc:  # e.g. a ticker that cannot place ticks on extreme limits
            self.invalidate()
            self._internal_error(exc)
            return False
        return True

    def _internal_error(self, exc: Exception) -> None:
        self.last_error = traceback.format_exc()
        self.show_message(f"内部错误，图像未更新（internal error: {type(exc).__name__}: {exc}）")

    # -- drawing --------------------------------------------------------------------------------
    def _set_animated(self, animated: bool) -> None:
        for artist in self.blit_artists:
            artist.set_animated(animated)

    def _on_draw(self, event) -> None:
        """After every full draw (ours or the browser's), save the background and add the moving artists."""
        self._pending_draw = False
        if self.blit_artists and not self._snapshotting:
            self._set_animated(True)
            self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
            for artist in self.blit_artists:
                self.figure.draw_artist(artist)

    def invalidate(self) -> None:
        """Forget the saved background: the next repaint draws everything (after limits, titles, static data change)."""
        self._background = None

    def _repaint(self) -> None:
        canvas = self.figure.canvas
        if not self.blit_artists:
            self._pending_draw = True
            canvas.draw_idle()
        elif self._background is None or any(not a.get_animated() for a in self.blit_artists):
            self._set_animated(True)
            canvas.draw()
        else:
            canvas.restore_region(self._background)
            for artist in self.blit_artists:
                self.figure.draw_artist(artist)
            canvas.blit(self.figure.bbox)

    def flush(self) -> None:
        """Do now the full draw a browser would request after ``draw_idle`` (for benchmarks and tests)."""
        if self._pending_draw:
            self.figure.canvas.draw()

    def set_values(self, **values) -> None:
        """Set several controls at once with a single update (e.g. a preset's x0 and n)."""
        self._busy = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._busy = False
        self.refresh()

    def update(self) -> None:
        """Move the artists to the current control values (subclasses implement this)."""
        raise NotImplementedError

    # -- messages -----------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Show ``text`` under the figure (an empty string clears it)."""
        self.status.value = (f'<span style="color:#B00020">⚠ {html.escape(text)}</span>' if text else "")

    @property
    def message(self) -> str:
        """The message currently shown (empty when all is well)."""
        return html.unescape(self.status.value.partition("⚠ ")[2].removesuffix("</span>"))

    # -- display -------------------------------------------------------------------------------
    def layout_controls(self) -> W.Widget:
        """Return the box of controls shown above the figure; subclasses may arrange it."""
        return W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))

    @property
    def widget(self) -> W.Widget:
        """The whole explorer as one ipywidget (controls, figure, readout, message)."""
        if self._widget is None:
            self._widget = W.VBox([self.layout_controls(), self.figure.canvas, self.readout, self.status])
        return self._widget

    def snapshot_png(self) -> bytes:
        """Return the current picture as PNG bytes."""
        buffer = io.BytesIO()
        self._snapshotting = True
        self._set_animated(False)  # savefig skips animated artists; the snapshot must show them
        try:
            self.figure.savefig(buffer, format="png")
        finally:
            self._snapshotting = False
            self._set_animated(True)  # else the next full draw would bake them into the background
            self._background = None  # the canvas buffer was reused: draw everything next time
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        # A static picture for viewers that cannot run widgets (GitHub, nbviewer, a printed page).
        bundle["image/png"] = base64.b64encode(self.snapshot_png()).decode("ascii")
        bundle["text/plain"] = f"<{type(self).__name__}: {', '.join(self.controls)}>"
        return bundle

    def close(self) -> None:
        """Close the figure and the widgets; the explorer is unusable afterwards (closing again does nothing)."""
        self.release_readout()
        for control in getattr(self, "_observed", []):
            control.unobserve(self._on_change, names="value")
        self._observed = []   # a second close() has nothing left to do
        canvas = self.figure.canvas
        log = getattr(canvas, "_frame_log", None)
        if log is not None:
            log.cancel()   # no repair frame after the figure is gone
        plt.close(self.figure)
        # ipywidgets keeps every open widget in its registry: the canvas and its toolbar would keep
        # the figure alive after plt.close, and the controls would keep this explorer alive.
        toolbar = getattr(canvas, "toolbar", None)
        for widget in (self._widget, toolbar, canvas, *self.controls.values(), self.status, self.readout):
            _close_tree(widget)

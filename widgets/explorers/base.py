"""The shape every explorer shares: ``controls`` (name -> ipywidget), one ``figure`` built once,
and ``update()``, which moves artists in place and never creates a figure.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import traceback

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from widgets.explorers.canvas import ExplorerCanvas
from widgets.plotting.style import FIGURE_LOCK, house_style


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
    an internal error, as ``refresh()`` does. The handler holds ``FIGURE_LOCK`` throughout: it changes
    the figure, perhaps on a thread of its own.
    """
    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        try:
            with FIGURE_LOCK:
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


class Explorer:
    """Base class: subclasses fill ``controls``, draw once in ``__init__`` and implement ``update()``."""

    #: Height of the figure in inches; subclasses may change it.
    figsize = (7.0, 4.0)

    def __init__(self, figsize=None, nrows: int = 1, ncols: int = 1, subplot_kw=None):
        self.controls: dict[str, W.Widget] = {}
        self.status = W.HTML(layout=W.Layout(min_height="1.6em"))
        self.readout = W.HTMLMath(layout=W.Layout(min_height="1.6em"))
        self.last_error: str | None = None
        with house_style():
            self.figure = Figure(figsize=figsize or self.figsize, layout="constrained")
            #: The figure on the page (``self.figure.canvas`` is its Agg canvas, for matplotlib's events).
            self.canvas = ExplorerCanvas(self.figure, self._paint)
            self.axes = self.figure.subplots(nrows, ncols, subplot_kw=subplot_kw)
        self._widget: W.Widget | None = None
        self._busy = False
        #: Artists that move on a control change. When a subclass lists them, a move restores the
        #: saved background and redraws only these (blitting); otherwise the whole figure is redrawn.
        self.blit_artists: list = []
        self._background = None
        self._paint_error = False
        self._snapshotting = False
        self._readout_hold = None  # (hold_sync context, loop time it began) while the readout is held back
        self._readout_timer = None
        self.figure.canvas.mpl_connect("draw_event", self._on_draw)

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
        self.canvas.request(full=True)   # the first picture, as laid out for good

    def freeze_layout(self) -> None:
        """Lay the figure out once, then keep the axes where they are.

        Constrained layout measures every tick label on every draw, half the cost of a slider
        move; explorers keep fixed axes, so one layout serves every later draw. Call again
        after a change that moves labels (e.g. a new title or new axis limits).
        """
        with house_style():   # tick labels made while laying out take the house style
            self.figure.set_layout_engine("constrained")
            self.figure.get_layout_engine().execute(self.figure)
            self.figure.set_layout_engine("none")

    def _on_change(self, change) -> None:
        if self._busy:
            return
        with FIGURE_LOCK:
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
        """Run ``update()`` and ask for a new picture; show a message instead of raising. Return True on success.

        The picture is drawn at once, unless the page has not yet painted the frames before (then it is
        drawn from the newest state when it has; see ``ExplorerCanvas``).
        """
        with FIGURE_LOCK:
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
            self._paint_error = False
            self.canvas.request()
            return not self._paint_error

    def _internal_error(self, exc: Exception) -> None:
        self.last_error = traceback.format_exc()
        self.show_message(f"内部错误，图像未更新（internal error: {type(exc).__name__}: {exc}）")

    # -- drawing --------------------------------------------------------------------------------
    def _set_animated(self, animated: bool) -> None:
        for artist in self.blit_artists:
            artist.set_animated(animated)

    def _on_draw(self, event) -> None:
        """After every full draw (ours or the browser's), save the background and add the moving artists."""
        if self.blit_artists and not self._snapshotting:
            self._set_animated(True)
            self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
            for artist in self.blit_artists:
                self.figure.draw_artist(artist)

    def invalidate(self) -> None:
        """Forget the saved background: the next repaint draws everything (after limits, titles, static data change)."""
        self._background = None

    def _paint(self, full: bool) -> None:
        """Draw the picture into the Agg buffer: everything when ``full``, else only what moves (if it can)."""
        try:
            with np.errstate(all="ignore"), house_style():
                if full:
                    self.invalidate()
                self._repaint()
        except Exception as exc:  # e.g. a ticker that cannot place ticks on extreme limits
            self.invalidate()
            self._paint_error = True
            self._internal_error(exc)

    def _repaint(self) -> None:
        canvas = self.figure.canvas
        if not self.blit_artists:
            canvas.draw()
        elif self._background is None or any(not a.get_animated() for a in self.blit_artists):
            self._set_animated(True)
            canvas.draw()
        else:
            canvas.restore_region(self._background)
            for artist in self.blit_artists:
                self.figure.draw_artist(artist)

    def set_values(self, **values) -> None:
        """Set several controls at once with a single update (e.g. a preset's x0 and n)."""
        with FIGURE_LOCK:
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
            self._widget = W.VBox([self.layout_controls(), self.canvas, self.readout, self.status])
            self._widget.add_class("mml-explorer")   # the canvas keeps the notebook's shortcuts out of it
        return self._widget

    def snapshot_png(self) -> bytes:
        """Return the current picture as PNG bytes."""
        with FIGURE_LOCK:
            self._snapshotting = True
            self._set_animated(False)  # savefig skips animated artists; the snapshot must show them
            try:
                with house_style():   # as every live picture is drawn
                    png = self.canvas.snapshot_png()
            finally:
                self._snapshotting = False
                self._set_animated(True)  # else the next full draw would bake them into the background
            self.canvas.request(full=True)  # savefig drew over the Agg buffer
        return png

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        # A static picture for viewers that cannot run widgets (GitHub, nbviewer, a printed page).
        bundle["image/png"] = base64.b64encode(self.snapshot_png()).decode("ascii")
        bundle["text/plain"] = f"<{type(self).__name__}: {', '.join(self.controls)}>"
        return bundle

    def close(self) -> None:
        """Close the widgets and let the figure go; the explorer is unusable afterwards (closing again does nothing)."""
        self.release_readout()
        for control in getattr(self, "_observed", []):
            control.unobserve(self._on_change, names="value")
        self._observed = []   # a second close() has nothing left to do
        # ipywidgets keeps every open widget in its registry: the canvas would keep the figure alive,
        # and the controls would keep this explorer alive.
        for widget in (self._widget, self.canvas, *self.controls.values(), self.status, self.readout):
            _close_tree(widget)

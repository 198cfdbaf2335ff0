"""The shape every explorer shares: ``controls`` (name -> ipywidget), one ``figure`` built once,
and ``update()``, which moves artists in place and never creates a figure.

What several explorers need lives here once, so it behaves the same everywhere: a preset menu and a
formula box bound to named variables (``add_function``), moving a slider from code (``move_slider``),
quiet changes that do not redraw (``quiet``), blitting in draw order (``blit_artists``), room for
wide tick labels (``wide_tick_axes``), messages instead of tracebacks (``ExplorerMessage``,
``guarded``) and a reset button. See docs/adding-an-explorer.md.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import html
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import ipywidgets as W
import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from widgets.explorers.canvas import ExplorerCanvas
from widgets.explorers.controls import wide
from widgets.explorers.tasks import TaskPanel, attach_tasks
from widgets.math.expressions import ExpressionError, parse_expression
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


#: The preset menu's value while the picture shows a typed formula, and its label.
CUSTOM = "custom"
CUSTOM_LABEL = "自定义 (custom)"


@dataclass(frozen=True)
class Preset:
    """One entry of an explorer's preset menu: its label, the formula it shows (if any), the control
    values and slider ranges it sets, and view settings of the explorer's own (e.g. ``xlim``)."""

    label: str
    formula: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    view: Mapping[str, Any] = field(default_factory=dict)


def as_expression(f, variables: tuple[str, ...]) -> sp.Expr:
    """Return ``f`` (a formula string, parsed safely, or a sympy expression) as an expression in ``variables``.

    A sympy expression's symbols are renamed to the real symbols of ``variables``: by name where the
    names agree, else in sorted order (``t`` becomes ``x`` for a one-variable explorer).
    """
    if isinstance(f, str):
        return parse_expression(f, variables)
    if isinstance(f, (int, float)) and not isinstance(f, bool):
        return sp.Float(f) if isinstance(f, float) else sp.Integer(f)
    if not isinstance(f, sp.Basic):
        raise TypeError("f must be a sympy expression or a formula string")
    targets = {name: sp.Symbol(name, real=True) for name in variables}
    free = sorted(f.free_symbols, key=lambda v: v.name)
    if all(v.name in targets for v in free):
        return f.xreplace({v: targets[v.name] for v in free})
    if len(free) <= len(variables):
        return f.xreplace({v: targets[name] for v, name in zip(free, variables)})
    raise ValueError(f"f must be a function of {', '.join(variables)}, got {[v.name for v in free]}")


def draw_order(artists) -> list:
    """Return ``artists`` in the order a full draw paints them (by Axes, then zorder, then the order in
    which the Axes holds them), so that blitting them over the background paints what a full draw paints."""
    def key(artist):
        ax = artist.axes
        if ax is None:   # a figure-level artist (a suptitle): after every Axes, as the figure draws it
            return (len(artist.figure.axes), artist.get_zorder(), 0)
        children = ax.get_children()
        return (ax.figure.axes.index(ax), artist.get_zorder(), children.index(artist) if artist in children else 0)

    return sorted(artists, key=key)


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
    """Base class: subclasses fill ``controls`` and draw once in ``__init__``, then call ``_connect()``;
    ``update()`` moves the artists to the controls' values and puts the picture's numbers in ``values``."""

    #: Size of the figure in inches (the notebook's width is 10.8 at the house 100 dpi).
    figsize = (10.8, 4.6)
    #: Axes whose y tick labels may grow later (limits fitted to the data): the frozen layout leaves room for them.
    wide_tick_axes: tuple = ()

    def __init_subclass__(cls, **kwargs):
        """Wrap each subclass's ``__init__``: an explorer that cannot be made is closed (no figure or canvas
        is left behind), and a message it raised reaches the caller as a ``ValueError``."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_closes_on_error", False):
            return

        @functools.wraps(init)
        def __init__(self, *args, **kw):
            try:
                init(self, *args, **kw)
            except BaseException as error:
                if getattr(self, "_mpl_callbacks", None) is not None:   # the base's part was made
                    self.close()
                if isinstance(error, ExplorerMessage):
                    raise ValueError(str(error)) from None
                raise

        __init__._closes_on_error = True
        cls.__init__ = __init__

    def __init__(self, figsize=None, nrows: int = 1, ncols: int = 1, subplot_kw=None, **figure_kw):
        self.controls: dict[str, W.Widget] = {}
        self.status = W.HTML(layout=W.Layout(min_height="1.6em"))
        self.readout = W.HTMLMath(layout=W.Layout(min_height="1.6em"))
        #: Widgets shown between the controls and the figure (a colour key, the formula as typeset).
        self.above: list[W.Widget] = []
        #: The numbers of the current picture, set by ``update()`` (tasks and tests read them).
        self.values: dict[str, Any] = {}
        self.last_error: str | None = None
        self.reset_button = W.Button(description="重置", icon="undo", tooltip="回到初始设置（reset）",
                                     layout=W.Layout(width="auto"))
        self.reset_button.on_click(lambda _button: self.reset())
        with house_style():
            self.figure = Figure(figsize=figsize or self.figsize, layout="constrained", **figure_kw)
            #: The figure on the page (``self.figure.canvas`` is its Agg canvas, for matplotlib's events).
            self.canvas = ExplorerCanvas(self.figure, self._paint)
            self.axes = self.figure.subplots(nrows, ncols, subplot_kw=subplot_kw)
        self._widget: W.Widget | None = None
        self._quiet = 0
        self._blit_artists: list = []
        self._background = None
        self._paint_error = False
        self._snapshotting = False
        self._readout_hold = None  # (hold_sync context, loop time it began) while the readout is held back
        self._readout_timer = None
        self._defaults: dict = {}
        self._after_update: list[Callable[[Explorer], None]] = []
        self._mpl_callbacks: list[int] = []
        # The function shown, when the explorer has a formula box (see add_function).
        self.variables: tuple[str, ...] = ()
        self.presets: dict[str, Preset] = {}
        self.expression: sp.Expr | None = None
        self.figure.canvas.mpl_connect("draw_event", self._on_draw)
        #: Widgets shown under the status line, and the 探索任务 panel among them (None when tasks are off).
        self.below: list[W.Widget] = []
        self.task_panel: TaskPanel | None = attach_tasks(self)

    # -- building blocks for subclasses -------------------------------------------------------
    def slider(self, name: str, value: float, lo: float, hi: float, step: float = 0.01, description: str | None = None,
               **kwargs) -> W.FloatSlider:
        """Add a wide float slider ``controls[name]`` and return it."""
        self.controls[name] = W.FloatSlider(layout=wide(), value=value, min=lo, max=hi, step=step,
                                            description=name if description is None else description, **kwargs)
        return self.controls[name]

    def add_function(self, variables: tuple[str, ...], f=None, presets: Mapping[str, Preset] | None = None,
                     preset: str | None = None, description: str | None = None,
                     placeholder: str = "例如 x^2 - 2x") -> sp.Expr:
        """Add the function's controls and return the expression to draw first.

        With ``presets``: a menu ``controls["function"]`` (label -> preset). Always: a formula box
        ``controls["formula"]`` whose text is parsed safely in ``variables``. ``f`` (a string or a sympy
        expression) overrides the preset; then the menu reads 「自定义」. When either changes, the base
        calls the subclass's ``set_function(expression, preset)``, moves the sliders the preset names,
        lays out, and redraws. A bad ``f`` raises ``ValueError`` (and what was made is closed).
        """
        self.variables = tuple(variables)
        self.presets = dict(presets or {})
        if self.presets:
            if preset is None:
                preset = next(iter(self.presets))
            if preset not in self.presets:
                raise ValueError(f"unknown preset {preset!r}; choose from {list(self.presets)}")
        expression = as_expression(f if f is not None else self.presets[preset].formula, self.variables)
        label = description or f"f({', '.join(self.variables)}) ="
        if self.presets:
            options = [(p.label, key) for key, p in self.presets.items()]
            if f is not None:
                options.append((CUSTOM_LABEL, CUSTOM))
            self.controls["function"] = W.Dropdown(options=options, value=CUSTOM if f is not None else preset,
                                                   description="预设 preset")
            self.controls["function"].observe(self._on_preset, names="value")
        text = "" if f is None else (f if isinstance(f, str) else str(expression))
        self.controls["formula"] = W.Text(value=text, description=label, placeholder=placeholder,
                                          continuous_update=False, layout=W.Layout(width="340px"))
        self.controls["formula"].observe(self._on_formula, names="value")
        self.expression = expression
        return expression

    @property
    def preset(self) -> Preset | None:
        """The preset shown, or None while the picture shows a typed formula (or there is no menu)."""
        menu = self.controls.get("function")
        return None if menu is None or menu.value == CUSTOM else self.presets[menu.value]

    def set_function(self, expression: sp.Expr, preset: Preset | None) -> None:
        """Show a new function (a subclass with a formula box implements this); raise ExplorerMessage to refuse it.

        ``preset`` is the preset chosen, or None for a typed formula. Check before changing anything:
        a refused function must leave the last picture as it was.
        """
        raise NotImplementedError

    @guarded
    def _on_formula(self, change) -> None:
        if self._quiet or not change["new"].strip():
            return
        try:
            expression = parse_expression(change["new"], self.variables)
        except ExpressionError as error:
            self.show_message(str(error))
            return
        self.load(expression, None)

    @guarded
    def _on_preset(self, change) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        preset = self.presets[change["new"]]
        self.load(as_expression(preset.formula, self.variables) if preset.formula else self.expression, preset)

    def load(self, expression: sp.Expr, preset: Preset | None) -> None:
        """Show ``expression`` (with ``preset``'s values and ranges, if given), lay out again and redraw."""
        with FIGURE_LOCK, self.quiet():
            self.set_function(expression, preset)   # may refuse with an ExplorerMessage: nothing has changed yet
            self.expression = expression
            menu = self.controls.get("function")
            if preset is None:
                if menu is not None:
                    if CUSTOM not in [value for _, value in menu.options]:
                        menu.options = [*menu.options, (CUSTOM_LABEL, CUSTOM)]
                    menu.value = CUSTOM
            else:
                self.controls["formula"].value = ""
                for name, (lo, hi) in preset.ranges.items():
                    self.move_slider(name, preset.values.get(name, self.controls[name].value), lo, hi)
                for name, value in preset.values.items():
                    if name not in preset.ranges:
                        self.controls[name].value = value
        self.redraw()

    @contextlib.contextmanager
    def quiet(self):
        """Change controls inside this block without redrawing on each change (the caller redraws once)."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def move_slider(self, name: str, value: float, lo: float | None = None, hi: float | None = None) -> None:
        """Set a slider's value (and range), quietly, never clamping the value on the way."""
        slider = self.controls[name]
        lo = slider.min if lo is None else lo
        hi = slider.max if hi is None else hi
        with self.quiet():
            slider.min, slider.max = min(lo, slider.min), max(hi, slider.max)
            slider.value = value
            slider.min, slider.max = lo, hi

    def set_values(self, **values) -> None:
        """Set several controls at once with a single update (e.g. a point's x and y)."""
        with FIGURE_LOCK:
            with self.quiet():
                for name, value in values.items():
                    self.controls[name].value = value
            self.refresh()

    def redraw(self) -> None:
        """After a change of the static picture (a new function, limits, titles): lay out, then draw everything."""
        with FIGURE_LOCK:
            self.freeze_layout()
            self.invalidate()
            self.refresh()

    def connect_mouse(self, **handlers) -> None:
        """Connect matplotlib events (``button_press_event=handler`` ...) for as long as the explorer lives."""
        for event, handler in handlers.items():
            self._mpl_callbacks.append(self.figure.canvas.mpl_connect(event, handler))

    def on_update(self, callback: Callable[[Explorer], None]) -> None:
        """Call ``callback(explorer)`` after every successful update (a task panel checks its tasks)."""
        self._after_update.append(callback)

    def state(self) -> dict[str, Any]:
        """Return the control values and the picture's numbers (``values``) in one dict."""
        return {**{name: control.value for name, control in self.controls.items()}, **self.values}

    # -- reset -------------------------------------------------------------------------------------
    def _remember_defaults(self) -> None:
        self._defaults = {name: (c.value, getattr(c, "min", None), getattr(c, "max", None))
                          for name, c in self.controls.items()}
        self._default_function = (self.expression, self.preset)

    def reset(self) -> None:
        """Go back to the explorer's first picture: its function, preset, slider ranges and values."""
        with FIGURE_LOCK:
            try:
                with self.quiet():
                    expression, preset = self._default_function
                    if expression is not None and (expression != self.expression or preset != self.preset):
                        self.set_function(expression, preset)
                        self.expression = expression
                    for name, (value, lo, hi) in self._defaults.items():
                        control = self.controls[name]
                        if name == "function" and value not in [v for _, v in control.options]:
                            continue
                        if lo is not None and hi is not None and hasattr(control, "step"):
                            self.move_slider(name, value, lo, hi)
                        else:
                            control.value = value
                    self.reset_state()
            except ExplorerMessage as message:
                self.show_message(str(message))
                return
            except Exception as exc:  # a bug must never surface as a traceback in a lesson
                self._internal_error(exc)
                return
            self.redraw()

    def reset_state(self) -> None:
        """Reset what the explorer keeps beyond its controls (a subclass with such state overrides this)."""

    # -- wiring -----------------------------------------------------------------------------
    def _connect(self) -> None:
        """Observe every slider-like control and draw the first picture; call once at the end of ``__init__``.

        The function menu and formula box are observed by ``add_function``; Text controls and buttons
        that a subclass handles itself are left to it.
        """
        self._observed = [c for name, c in self.controls.items()
                          if name not in ("function", "formula") and not isinstance(c, (W.Text, W.Button))]
        for control in self._observed:
            control.observe(self._on_change, names="value")
        self._remember_defaults()
        self.freeze_layout()             # before the first update: what it places by the axes' size in pixels
        self.refresh()                   # (labels) is placed for the laid-out figure
        self.canvas.request(full=True)   # the first picture, as laid out for good

    @contextlib.contextmanager
    def _room_for_ticks(self):
        """Give ``wide_tick_axes`` limits with about the widest tick labels they will show, for the duration."""
        saved = [ax.get_ylim() for ax in self.wide_tick_axes]
        for ax in self.wide_tick_axes:
            ax.set_ylim(*((1e-16, 1e4) if ax.get_yscale() == "log" else (-1000.0, 1000.0)))
        try:
            yield
        finally:
            for ax, limits in zip(self.wide_tick_axes, saved):
                ax.set_ylim(*limits)

    def freeze_layout(self) -> None:
        """Lay the figure out once, then keep the axes where they are.

        Constrained layout measures every tick label on every draw, half the cost of a slider
        move; explorers keep fixed axes, so one layout serves every later draw. ``redraw()`` lays
        out again after a change that moves labels (e.g. a new title or new axis limits).
        """
        for ax in self.figure.axes:   # lay out from the axes' own boxes, not the boxes a draw shrank to an
            ax.reset_position()       # aspect (heat maps, 3-D): every layout then gives the same picture
        with house_style(), self._room_for_ticks():   # tick labels made while laying out take the house style
            self.figure.set_layout_engine("constrained")
            self.figure.get_layout_engine().execute(self.figure)
            self.figure.set_layout_engine("none")

    def _on_change(self, change) -> None:
        if self._quiet:
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
            for callback in self._after_update:
                callback(self)
            return not self._paint_error

    def _internal_error(self, exc: Exception) -> None:
        self.last_error = traceback.format_exc()
        self.show_message(f"内部错误，图像未更新（internal error: {type(exc).__name__}: {exc}）")

    # -- drawing --------------------------------------------------------------------------------
    @property
    def blit_artists(self) -> list:
        """Artists that move on a control change, in draw order. When a subclass lists them, a move restores
        the saved background and redraws only these (blitting); otherwise the whole figure is redrawn."""
        return self._blit_artists

    @blit_artists.setter
    def blit_artists(self, artists) -> None:
        self._set_animated(False)
        self._blit_artists = draw_order(artists)
        self.invalidate()

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
        """Return the box of controls shown above the figure: the function's menu and formula box on the
        first row, the other controls wrapped below; subclasses may arrange it otherwise."""
        function = [self.controls[n] for n in ("function", "formula") if n in self.controls]
        rest = [c for n, c in self.controls.items() if n not in ("function", "formula")]
        wrap = W.Layout(flex_flow="row wrap")
        return W.VBox([W.HBox(function, layout=wrap), W.HBox(rest, layout=wrap)] if function else [W.HBox(rest, layout=wrap)])

    @property
    def widget(self) -> W.Widget:
        """The whole explorer as one ipywidget (controls and reset button, what is shown above the figure,
        the figure, readout, message, and what is shown below: the 探索任务)."""
        if self._widget is None:
            top = W.HBox([self.layout_controls(), self.reset_button],
                         layout=W.Layout(justify_content="space-between", align_items="flex-start"))
            self._widget = W.VBox([top, *self.above, self.canvas, self.readout, self.status, *self.below])
            self._widget.add_class("mml-explorer")   # the canvas keeps the notebook's shortcuts out of it
        return self._widget

    def hide_tasks(self) -> Explorer:
        """Leave out the 探索任务 panel (e.g. in a classroom); return the explorer, so that a notebook cell
        may end with ``secant_explorer().hide_tasks()``."""
        panel, self.task_panel = self.task_panel, None
        if panel is not None:
            self.below.remove(panel.widget)
            if self._widget is not None:
                self._widget.children = [c for c in self._widget.children if c is not panel.widget]
            panel.close()
        return self

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
        for cid in self._mpl_callbacks:
            self.figure.canvas.mpl_disconnect(cid)
        self._mpl_callbacks = []
        self._after_update = []
        for control in getattr(self, "_observed", []):
            control.unobserve(self._on_change, names="value")
        self._observed = []   # a second close() has nothing left to do
        # ipywidgets keeps every open widget in its registry: the canvas would keep the figure alive,
        # and the controls would keep this explorer alive.
        for widget in (self._widget, self.canvas, *self.controls.values(), *self.above, *self.below,
                       self.reset_button, self.status, self.readout):
            _close_tree(widget)

"""Explorers for sections 5.2 and 5.3: the gradient on a contour map with the directional derivative,
the chain rule along a path (Example 5.8), and the Jacobian of a map of the plane as local area
scaling (Fig. 5.5).
"""

from __future__ import annotations

import contextlib

import ipywidgets as W
import numpy as np
import sympy as sp

from widgets.math.expressions import ExpressionError, parse_expression
from widgets.explorers.base import Explorer, ExplorerMessage, guarded
from widgets.explorers.controls import wide
from widgets.math.gradients import (
    JACOBIAN_PRESETS,
    ChainRule,
    PlaneMap,
    ScalarField,
    contour_levels,
    directional_difference,
    grid,
    polygon_area,
    square_boundary,
    unit_vector,
)
from widgets.math.gradients import t as sym_t
from widgets.math.gradients import x as sym_x
from widgets.math.gradients import x1 as sym_x1
from widgets.math.gradients import x2 as sym_x2
from widgets.math.gradients import y as sym_y
from widgets.plotting.gradients import (
    GRADIENT_COLORS,
    draw_area_convergence,
    draw_chain_curves,
    draw_contour_map,
    draw_direction_marks,
    draw_directional_profile,
    draw_gradient_field,
    draw_lines,
    draw_path_on_map,
    draw_square_map,
    grid_lines,
    lean_ticks,
    replace_contours,
    update_area_convergence,
    update_chain_curves,
    update_chain_marks,
    update_direction_marks,
    update_directional_profile,
    update_gradient_field,
    update_level_curve,
    update_lines,
    update_path_on_map,
    update_square_map,
)
from widgets.plotting.style import COLORS, safe_limits, self_contained_ticks

TWO_PI = 2 * np.pi


def _key(items) -> W.HTMLMath:
    """Return the colour key shown above a figure (cheaper to show than a legend redrawn on every move)."""
    marks = {"line": "━━", "dash": "╌╌", "arrow": "➜", "dot": "●", "cross": "✕", "tri": "▲", "patch": "■"}
    parts = [f'<span style="color:{color}">{marks[kind]}</span>&nbsp;{text}' for kind, color, text in items]
    return W.HTMLMath(value='<span style="font-size: 14px">' + " &nbsp;&nbsp; ".join(parts) + "</span>")


def _draw_order(artists) -> list:
    """Return ``artists`` in the order a full draw paints them (by Axes, then zorder, then the order in
    which they were added), so that blitting them over the background paints what a full draw paints."""
    def key(artist):
        ax = artist.axes
        return (ax.figure.axes.index(ax), artist.get_zorder(), ax.get_children().index(artist))

    return sorted(artists, key=key)


@contextlib.contextmanager
def _wide_ticks(*axes):
    """Give ``axes`` y-limits with wide tick labels for the duration (the layout then leaves room for the
    labels the y-axis will show later), and restore the limits afterwards."""
    saved = [ax.get_ylim() for ax in axes]
    for ax in axes:
        ax.set_ylim(-1000.0, 1000.0)
    try:
        yield
    finally:
        for ax, limits in zip(axes, saved):
            ax.set_ylim(*limits)


def _expression_in(f, names: tuple[str, ...]) -> sp.Expr:
    """Accept a formula string (parsed safely) or a sympy expression; rename its symbols to ``names``."""
    if isinstance(f, str):
        return parse_expression(f, names)
    if not isinstance(f, sp.Basic):
        raise TypeError("expected a sympy expression or a formula string")
    targets = {n: sp.Symbol(n, real=True) for n in names}
    free = sorted(f.free_symbols, key=lambda v: v.name)
    if all(v.name in targets for v in free):
        return f.subs({v: targets[v.name] for v in free})
    if len(free) <= len(names):
        return f.subs({v: targets[n] for v, n in zip(free, names)})
    raise ValueError(f"expected a function of {', '.join(names)}, got {free}")


def _slider_to(slider, value: float, lo: float, hi: float) -> None:
    """Set a slider's range and value in an order that never clamps the value on the way."""
    slider.min, slider.max = min(lo, slider.min), max(hi, slider.max)
    slider.value = value
    slider.min, slider.max = lo, hi


#: Largest ratio of the image panel's two spans that can be drawn at equal scale.
MAX_IMAGE_ELONGATION = 1e4


def _robust_limits(values: np.ndarray, pad: float = 0.08, quantile: float = 0.0) -> tuple[float, float]:
    """Return padded limits of the finite values (between the given lower and upper percentiles)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return (-1.0, 1.0)
    lo, hi = (np.percentile(finite, [quantile, 100 - quantile]) if quantile else (finite.min(), finite.max()))
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):  # constant (relative to its size): open a window around it
        half = max(1.0, 0.1 * max(abs(lo), abs(hi)))
        lo, hi = lo - half, hi + half
    span = hi - lo
    return safe_limits(float(lo - pad * span), float(hi + pad * span))


# -- gradient explorer ---------------------------------------------------------------------------
#: Gradient explorer presets: key -> (label, formula in x and y, view, start point).
GRADIENT_PRESETS: dict[str, tuple] = {
    "example 5.7": ("例 5.7  x²y + xy³", "x^2 y + x y^3", (-2.0, 2.0), (1.0, 0.5)),
    "example 5.6": ("例 5.6  (x + 2y³)²", "(x + 2y^3)^2", (-1.2, 1.2), (0.4, 0.3)),
    "bowl": ("x² + 2y²", "x^2 + 2y^2", (-2.0, 2.0), (1.2, 0.8)),
    "waves": ("sin x cos y", "sin(x) cos(y)", (-3.0, 3.0), (1.0, 0.5)),
}


class GradientExplorer(Explorer):
    """Contour map of f(x, y) with its gradient field; at a point (sliders or mouse) the unit vector u at
    angle theta, the directional derivative grad f . u next to its finite difference, and steepest ascent."""

    figsize = (10.8, 4.6)
    #: Step of the finite difference shown next to grad f . u.
    h = 1e-5

    def __init__(self, f=None, x: float | None = None, y: float | None = None, theta: float = np.pi / 4,
                 preset: str = "example 5.7", xlim=None, ylim=None):
        if preset not in GRADIENT_PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {list(GRADIENT_PRESETS)}")
        _, formula, view, point = GRADIENT_PRESETS[preset]
        expression = _expression_in(formula if f is None else f, ("x", "y"))  # before any figure exists
        super().__init__(figsize=self.figsize, ncols=2)
        self.map_axes, self.profile_axes = self.axes
        if f is not None:
            view = (-2.0, 2.0)
        self.xlim = tuple(map(float, xlim or view))
        self.ylim = tuple(map(float, ylim or view))
        px = point[0] if x is None else x
        py = point[1] if y is None else y
        c = self.controls
        c["function"] = W.Dropdown(options=[(v[0], k) for k, v in GRADIENT_PRESETS.items()], value=preset,
                                   description="f(x, y)")
        c["formula"] = W.Text(value=f if isinstance(f, str) else ("" if f is None else str(expression)),
                              description="公式", placeholder="例如 x^2 - y^2 或 exp(-x^2-y^2)",
                              continuous_update=False)
        c["x"] = W.FloatSlider(layout=wide(), value=px, min=self.xlim[0], max=self.xlim[1], step=0.01, description="x")
        c["y"] = W.FloatSlider(layout=wide(), value=py, min=self.ylim[0], max=self.ylim[1], step=0.01, description="y")
        c["theta"] = W.FloatSlider(layout=wide(), value=theta, min=0.0, max=TWO_PI, step=0.01, description="θ (rad)")
        self.thetas = np.linspace(0.0, TWO_PI, 181)
        self.field = ScalarField(expression, (sym_x, sym_y))
        X, Y, Z, levels = self._contour_data()
        self.artists = draw_contour_map(self.map_axes, X, Y, Z, levels)
        self.artists.update(draw_gradient_field(self.map_axes, *self._field_data()))
        self.artists.update(draw_direction_marks(self.map_axes))
        self.profile = draw_directional_profile(self.profile_axes)
        self.profile_axes.set_xticks([0.0, np.pi, TWO_PI], ["$0$", r"$\pi$", r"$2\pi$"])
        self.profile_axes.set_xticks([np.pi / 2, 3 * np.pi / 2], minor=True)
        lean_ticks(self.map_axes, self.profile_axes)
        self.header = W.HTMLMath()
        G = GRADIENT_COLORS
        self.key = _key([("arrow", G["u"], "方向 $u$"), ("arrow", G["ascent"], r"最陡上升 $\nabla f/\|\nabla f\|$"),
                         ("line", G["level"], "过该点的等高线 level curve"), ("dash", G["level"], "切线 tangent"),
                         ("arrow", G["field"], "梯度场 gradient field"),
                         ("line", COLORS["function"], r"$\nabla f\cdot u$ vs $\theta$"),
                         ("cross", COLORS["point"], "有限差分 finite difference"),
                         ("tri", G["ascent"], "最陡上升/下降 steepest ascent/descent")])
        self._set_title()
        self.values: dict = {}
        self._dragging = False
        canvas = self.figure.canvas
        self._mouse = [canvas.mpl_connect("button_press_event", self._on_press),
                       canvas.mpl_connect("motion_notify_event", self._on_motion),
                       canvas.mpl_connect("button_release_event", self._on_release)]
        for name in ("function", "formula"):
            c[name].observe(self._on_function, names="value")
        a, p = self.artists, self.profile
        # Moves repaint the marks at the point and the profile (with the spines, which a full draw paints
        # over the theta marker); the profile's y-limits change only now and then (then: a full draw).
        self.blit_artists = _draw_order([a["curve"], a["level"], a["ascent"], a["u"], a["point"],
                                         *self.profile_axes.spines.values(), p["theta"], p["curve"],
                                         p["extremes"], p["current"], p["fd"]])
        self._connect(skip=("function", "formula"))

    def freeze_layout(self) -> None:
        """Lay the figure out once, leaving room for the widest tick labels of the profile's y-axis."""
        with _wide_ticks(self.profile_axes):
            super().freeze_layout()

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["function"], c["formula"]]), W.HBox([c["x"], c["y"], c["theta"]]), self.key,
                       self.header])

    # -- pictures of f --------------------------------------------------------------------------
    def _contour_data(self):
        X, Y = grid(self.xlim, self.ylim, 121)
        Z = self.field(X, Y)
        self.grid_values = (X, Y, Z)  # kept for the level curve through the point
        return X, Y, Z, contour_levels(Z, 14)

    def _field_data(self):
        X, Y = grid(self.xlim, self.ylim, 13)
        G = self.field.grad(X, Y)
        return X, Y, G[..., 0], G[..., 1]

    def _set_title(self) -> None:
        self.header.value = f"$f(x, y) = {sp.latex(self.field.expression)}$"

    def _set_field(self, expression: sp.Expr, view=None, point=None) -> None:
        """Show a new f (redraws the contour set once; moving the point never does)."""
        field = ScalarField(expression, (sym_x, sym_y))
        xlim, ylim = (self.xlim, self.ylim) if view is None else (tuple(map(float, view)),) * 2
        X, Y = grid(xlim, ylim, 121)
        if not np.any(np.isfinite(field(X, Y))):
            raise ExpressionError("这个函数在当前视图内处处没有定义（f is undefined on the whole view）")
        self.field, self.xlim, self.ylim = field, xlim, ylim
        X, Y, Z, levels = self._contour_data()
        replace_contours(self.artists, self.map_axes, X, Y, Z, levels)
        Xf, Yf, U, V = self._field_data()
        update_gradient_field(self.artists, U, V, Xf, Yf)
        self._set_title()
        self._busy = True
        try:
            px, py = point if point is not None else (self.controls["x"].value, self.controls["y"].value)
            _slider_to(self.controls["x"], float(np.clip(px, *self.xlim)), *self.xlim)
            _slider_to(self.controls["y"], float(np.clip(py, *self.ylim)), *self.ylim)
        finally:
            self._busy = False

    @guarded
    def _on_function(self, change) -> None:
        if self._busy:
            return
        c = self.controls
        try:
            if change["owner"] is c["function"]:
                _, formula, view, point = GRADIENT_PRESETS[change["new"]]
                self._busy = True
                try:
                    c["formula"].value = ""
                finally:
                    self._busy = False
                self._set_field(parse_expression(formula, ("x", "y")), view, point)
            elif change["new"].strip():
                self._set_field(parse_expression(change["new"], ("x", "y")))
            else:
                return
        except ExpressionError as error:
            self.show_message(str(error))
            return
        self.freeze_layout()  # new contours, limits and tick labels: lay out and draw everything once
        self.invalidate()
        self.refresh()

    @property
    def expression(self) -> sp.Expr:
        """The function currently shown."""
        return self.field.expression

    # -- mouse ----------------------------------------------------------------------------------
    def _move_point(self, event) -> None:
        px = float(np.clip(event.xdata, self.controls["x"].min, self.controls["x"].max))
        py = float(np.clip(event.ydata, self.controls["y"].min, self.controls["y"].max))
        self.set_values(x=px, y=py)

    def _on_press(self, event) -> None:
        """Start dragging the point: a left click on the contour map moves it there."""
        if event.inaxes is self.map_axes and event.xdata is not None and getattr(event, "button", 1) == 1:
            self._dragging = True
            self._move_point(event)

    def _on_motion(self, event) -> None:
        """While the button is held, the point follows the mouse."""
        if self._dragging and event.inaxes is self.map_axes and event.xdata is not None:
            self._move_point(event)

    def _on_release(self, event) -> None:
        """Stop dragging."""
        self._dragging = False

    # -- update ---------------------------------------------------------------------------------
    def update(self) -> None:
        c = self.controls
        px, py, theta = float(c["x"].value), float(c["y"].value), float(c["theta"].value)
        if not all(np.isfinite([px, py, theta])):
            raise ExplorerMessage("请输入有限的数值（values must be finite）")
        f0 = float(self.field(px, py))
        g = self.field.grad(px, py)
        if not np.isfinite(f0) or not np.all(np.isfinite(g)):
            raise ExplorerMessage(f"f 或 ∇f 在 ({px:g}, {py:g}) 处没有定义（f is not differentiable there）")
        u = unit_vector(theta)
        exact = float(g @ u)
        fd = directional_difference(self.field.of_vector, (px, py), u, self.h)
        norm = float(np.hypot(*g))
        stationary = norm < 1e-12
        ascent = None if stationary else g / norm
        theta_ascent = None if stationary else float(np.mod(np.arctan2(g[1], g[0]), TWO_PI))
        length = 0.16 * (self.xlim[1] - self.xlim[0])
        update_direction_marks(self.artists, (px, py), u, ascent, length)
        update_level_curve(self.artists, *self.grid_values, f0)
        profile = g[0] * np.cos(self.thetas) + g[1] * np.sin(self.thetas)
        limits = self.profile_axes.get_ylim()
        update_directional_profile(self.profile, self.profile_axes, self.thetas, profile, theta, exact, fd,
                                   theta_ascent, norm)
        if self.profile_axes.get_ylim() != limits:
            self.invalidate()  # new tick labels on the profile's y-axis
        self.values = {"point": np.array([px, py]), "f": f0, "gradient": g, "u": u, "exact": exact, "fd": fd,
                       "norm": norm, "ascent": ascent, "theta_ascent": theta_ascent}
        angle = "" if stationary else (f"$\\cos(\\theta-\\theta_\\nabla) = {np.cos(theta - theta_ascent):.4f}$; "
                                       f"最陡上升 steepest ascent $\\theta_\\nabla = {np.degrees(theta_ascent):.1f}°$, "
                                       f"最大变化率 $\\|\\nabla f\\| = {norm:.4g}$")
        self.readout.value = (
            f"$\\nabla f({px:.2f}, {py:.2f}) = [{g[0]:.4g},\\ {g[1]:.4g}]$, &nbsp; "
            f"$u = [{u[0]:.3f},\\ {u[1]:.3f}]$ ($\\theta = {np.degrees(theta):.1f}°$)<br>"
            f"$\\nabla f\\cdot u = {exact:.8g}$ &nbsp;|&nbsp; 有限差分 finite difference "
            f"$\\frac{{f(x+hu)-f(x-hu)}}{{2h}} = {fd:.8g}$ ($h = 10^{{-5}}$, 差 difference ${abs(exact - fd):.1e}$)<br>"
            + (angle if angle else "驻点 stationary point: $\\nabla f = 0$，没有最陡方向（no steepest direction）"))

    def close(self) -> None:
        for cid in self._mouse:
            self.figure.canvas.mpl_disconnect(cid)
        super().close()


# -- chain rule explorer -------------------------------------------------------------------------
class ChainRuleExplorer(Explorer):
    """Example 5.8 made live: the path x(t) on the contour map of f, f(x(t)) and df/dt against t, and
    the chain-rule sum (5.49) term by term at the current t."""

    figsize = (10.8, 4.6)

    def __init__(self, f="x1^2 + 2x2", x1_of_t="sin(t)", x2_of_t="cos(t)", t0: float = 1.0, t_range=(0.0, TWO_PI)):
        model = ChainRule(_expression_in(f, ("x1", "x2")), (sym_x1, sym_x2),
                          (_expression_in(x1_of_t, ("t",)), _expression_in(x2_of_t, ("t",))), sym_t)
        self.t_range = tuple(map(float, t_range))
        self.ts = np.linspace(*self.t_range, 400)
        X, Y, Z, levels = self._contour_data(model)  # raises for a path undefined everywhere
        super().__init__(figsize=self.figsize, ncols=2)
        self.map_axes, self.curve_axes = self.axes
        self.model = model
        c = self.controls
        c["f"] = W.Text(value=self._text(f, ("x1", "x2")), description="f(x₁, x₂)", continuous_update=False)
        c["x1"] = W.Text(value=self._text(x1_of_t, ("t",)), description="x₁(t)", continuous_update=False)
        c["x2"] = W.Text(value=self._text(x2_of_t, ("t",)), description="x₂(t)", continuous_update=False)
        c["t"] = W.FloatSlider(layout=wide(), value=t0, min=self.t_range[0], max=self.t_range[1], step=0.01, description="t")
        self.artists = draw_contour_map(self.map_axes, X, Y, Z, levels, "$x_1$", "$x_2$")
        position = self.model.position(self.ts)
        self.artists.update(draw_path_on_map(self.map_axes, position[:, 0], position[:, 1]))
        self.curves = self.model.values(self.ts)
        self.chain = draw_chain_curves(self.curve_axes, self.ts, self.curves)
        lean_ticks(self.map_axes, self.curve_axes)
        # Huge values (exp of a long path) keep their power of ten on each tick, not above the axes where
        # the fixed layout cuts it off.
        self_contained_ticks(self.curve_axes)
        # A long symbolic df/dt scrolls inside the readout instead of running off the page.
        self.readout.layout.overflow = "auto"
        self.header = W.HTMLMath()
        G = GRADIENT_COLORS
        self.key = _key([("line", G["path"], "路径 path $x(t)$"), ("arrow", G["u"], "速度 $dx/dt$"),
                         ("arrow", G["ascent"], r"$\nabla f$ 的方向 (direction)"),
                         ("line", COLORS["function"], "$f(x(t))$"), ("line", COLORS["tangent"], "$df/dt$"),
                         ("dash", COLORS["secant"], r"$\frac{\partial f}{\partial x_1}\frac{dx_1}{dt}$"),
                         ("dash", COLORS["error"], r"$\frac{\partial f}{\partial x_2}\frac{dx_2}{dt}$")])
        self.curve_axes.set_ylim(*_robust_limits(np.concatenate(list(self.curves.values())), quantile=3.0))
        self._set_title()
        self.values: dict = {}
        for name in ("f", "x1", "x2"):
            c[name].observe(self._on_formula, names="value")
        a, ch = self.artists, self.chain
        # Moving t repaints the point, its two arrows, the t marker and what a full draw paints over
        # the marker (the spines and the four curves, which do not change).
        self.blit_artists = _draw_order([a["gradient"], a["velocity"], a["point"], ch["t"],
                                         *self.curve_axes.spines.values(), ch["h"], ch["dh"], ch["term1"],
                                         ch["term2"], ch["marks"]])
        self._connect(skip=("f", "x1", "x2"))

    def freeze_layout(self) -> None:
        """Lay the figure out once, leaving room for wide tick labels on the curves' y-axis."""
        with _wide_ticks(self.curve_axes):
            super().freeze_layout()

    @staticmethod
    def _text(value, names) -> str:
        return value if isinstance(value, str) else str(_expression_in(value, names))

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["f"], c["x1"], c["x2"]]), c["t"], self.key, self.header])

    def _contour_data(self, model: ChainRule):
        position = model.position(self.ts)
        finite = position[np.all(np.isfinite(position), axis=1)]
        if finite.size == 0:
            raise ExpressionError("路径在 t 的范围内处处没有定义（the path is undefined for every t）")
        center = (finite.max(axis=0) + finite.min(axis=0)) / 2
        half = max(float(np.max(finite.max(axis=0) - finite.min(axis=0))) / 2 * 1.35, 0.5)
        self.xlim = (center[0] - half, center[0] + half)
        self.ylim = (center[1] - half, center[1] + half)
        X, Y = grid(self.xlim, self.ylim, 121)
        Z = model.field(X, Y)
        if not np.any(np.isfinite(Z)):
            raise ExpressionError("f 在视图内处处没有定义（f is undefined on the whole view）")
        return X, Y, Z, contour_levels(Z, 14)

    def _set_title(self) -> None:
        m = self.model
        self.header.value = (f"$f(x_1, x_2) = {sp.latex(m.f)}$, &nbsp; "
                             f"$x(t) = ({sp.latex(m.path[0])},\\ {sp.latex(m.path[1])})$")

    @guarded
    def _on_formula(self, change) -> None:
        if self._busy:
            return
        c = self.controls
        try:
            model = ChainRule(parse_expression(c["f"].value, ("x1", "x2")), (sym_x1, sym_x2),
                              (parse_expression(c["x1"].value, ("t",)), parse_expression(c["x2"].value, ("t",))),
                              sym_t)
            X, Y, Z, levels = self._contour_data(model)
        except ExpressionError as error:
            self.show_message(str(error))
            return
        self.model = model
        replace_contours(self.artists, self.map_axes, X, Y, Z, levels)
        position = model.position(self.ts)
        self.artists["path"].set_data(position[:, 0], position[:, 1])
        self.curves = model.values(self.ts)
        update_chain_curves(self.chain, self.ts, self.curves)
        self.curve_axes.set_ylim(*_robust_limits(np.concatenate(list(self.curves.values())), quantile=3.0))
        self._set_title()
        self.freeze_layout()  # new contours, path, curves and limits: lay out and draw everything once
        self.invalidate()
        self.refresh()

    def update(self) -> None:
        t0 = float(self.controls["t"].value)
        if not np.isfinite(t0):
            raise ExplorerMessage("请输入有限的数值（t must be finite）")
        point = self.model.position(t0)
        factors = self.model.factors(t0)
        values = self.model.values(t0)
        if not np.all(np.isfinite(point)) or not np.all(np.isfinite(factors)) or not np.isfinite(values["h"]):
            raise ExplorerMessage(f"在 t = {t0:g} 处路径或 f 没有定义（undefined at this t）")
        length = 0.12 * (self.xlim[1] - self.xlim[0])
        update_path_on_map(self.artists, point, factors[:, 1], factors[:, 0], length)
        update_chain_marks(self.chain, t0, [float(values[k]) for k in ("h", "dh", "term1", "term2")])
        (a1, b1), (a2, b2) = factors
        total = float(values["dh"])
        sign = "+" if a2 * b2 >= 0 else "-"
        self.values = {"t": t0, "point": point, "factors": factors, "terms": factors[:, 0] * factors[:, 1],
                       "dh": total, "h": float(values["h"])}
        path = self.model.position(self.ts)
        self.values.update(dh_scale=float(np.nanmax(np.abs(self.curves["dh"]))),
                           path_span=float(np.nanmax(np.nanmax(path, axis=0) - np.nanmin(path, axis=0))))
        self.readout.value = (
            f"$t = {t0:.2f}$, &nbsp; $x(t) = [{point[0]:.4f},\\ {point[1]:.4f}]$<br>"
            "$\\frac{df}{dt} = \\frac{\\partial f}{\\partial x_1}\\frac{dx_1}{dt} + "
            "\\frac{\\partial f}{\\partial x_2}\\frac{dx_2}{dt}"
            f" = ({a1:.4f})({b1:.4f}) + ({a2:.4f})({b2:.4f}) = {a1 * b1:.4f} {sign} {abs(a2 * b2):.4f} = {total:.4f}$"
            f" &nbsp; (5.49)<br>$\\frac{{df}}{{dt}} = {self._derivative_latex()}$")

    def _derivative(self) -> sp.Expr:
        if getattr(self, "_derivative_for", None) is not self.model:
            self._derivative_cache = self.model.simplified_derivative()
            self._derivative_text = sp.latex(self._derivative_cache)
            self._derivative_for = self.model
        return self._derivative_cache

    def _derivative_latex(self) -> str:
        """df/dt as LaTeX (printed once per model, not on every move)."""
        self._derivative()
        return self._derivative_text


# -- Jacobian explorer ---------------------------------------------------------------------------
#: Labels of the Jacobian explorer's "map" choices (keys of JACOBIAN_PRESETS, plus the typed map).
MAP_LABELS = {
    "book": "图 5.5  [[−2, 1], [1, 1]]",
    "polar": "极坐标 polar → Cartesian",
    "shear": "剪切 shear (x + y, y)",
    "rotation": "旋转 rotation 30°",
    "fold": "折叠 fold (x, y²)",
    "sine": "(x + sin y, y + sin x)",
    "typed": "自定义 (F₁, F₂)",
}


class JacobianExplorer(Explorer):
    """A map F of the plane: a grid and a small square at a movable point, their images under F, the
    linearization J·square over the true image, and the measured area ratio converging to |det J|."""

    figsize = (11.0, 4.4)
    #: Points per side of the square's boundary (the image polygon has four times as many).
    n_per_side = 24
    #: Sizes at which the convergence panel measures the area ratio.
    sizes = np.logspace(-2.5, np.log10(2.0), 36)
    #: Input view, start point and size of a typed map.
    typed_view, typed_point, typed_size = ((-2.0, 2.0), (-2.0, 2.0)), (0.5, 0.5), 0.5

    def __init__(self, F=None, preset: str = "book", x: float | None = None, y: float | None = None,
                 size: float | None = None, f1: str = "x^2 - y^2", f2: str = "2x y"):
        if F is not None:
            f1, f2 = (c if isinstance(c, str) else str(_expression_in(c, ("x", "y"))) for c in F)
            preset = "typed"
        if preset not in MAP_LABELS:
            raise ValueError(f"unknown preset {preset!r}; choose from {list(MAP_LABELS)}")
        if preset == "typed":  # check the map before any figure exists
            typed = PlaneMap((parse_expression(f1, ("x", "y")), parse_expression(f2, ("x", "y"))), (sym_x, sym_y))
            if not any(np.any(np.all(np.isfinite(np.stack(typed(u, v))), axis=0))
                       for u, v in grid_lines(*self.typed_view)):
                raise ExpressionError("F 在输入区域内处处没有定义（F is undefined on the whole input view）")
        super().__init__(figsize=self.figsize, ncols=3)
        self.in_axes, self.out_axes, self.ratio_axes = self.axes
        c = self.controls
        c["map"] = W.Dropdown(options=[(label, key) for key, label in MAP_LABELS.items()], value=preset,
                              description="F")
        c["f1"] = W.Text(value=f1, description="F₁(x, y)", continuous_update=False)
        c["f2"] = W.Text(value=f2, description="F₂(x, y)", continuous_update=False)
        c["x"] = W.FloatSlider(layout=wide(), value=0.0, min=-2.0, max=2.0, step=0.01, description="x")
        c["y"] = W.FloatSlider(layout=wide(), value=0.0, min=-2.0, max=2.0, step=0.01, description="y")
        c["size"] = W.FloatLogSlider(layout=wide(), value=0.5, base=10, min=-2.5, max=np.log10(2.0), step=0.02,
                                     description="size", readout_format=".3f")
        self.grid_lines = draw_lines(self.in_axes, [], count=24)
        self.image_lines = draw_lines(self.out_axes, [], count=24)
        self.artists = draw_square_map(self.in_axes, self.out_axes)
        self.convergence = draw_area_convergence(self.ratio_axes, self.sizes)
        G = GRADIENT_COLORS
        self.key = _key([("patch", G["image"], "正方形 $S$ 与像 image $F(S)$"), ("line", G["b1"], "$b_1$ 边 edge"),
                         ("line", G["b2"], "$b_2$ 边 edge"), ("dash", G["linear"], "线性近似 $F(p)+J(S-p)$"),
                         ("patch", G["flipped"], r"方向反转 flipped ($\det J<0$)"),
                         ("line", G["image"], "测得面积比 measured ratio"), ("dash", G["linear"], r"$|\det J|$")])
        for ax in (self.in_axes, self.out_axes):
            ax.set_aspect("equal", adjustable="box")
            ax.grid(False)
        self.in_axes.get_subplotspec().get_gridspec().set_width_ratios([1.0, 1.15, 0.85])
        self.in_axes.set_title("input plane", fontsize=11)
        self.out_axes.set_title("image under F", fontsize=11)
        lean_ticks(self.in_axes, self.out_axes, self.ratio_axes)
        if preset == "typed":
            self._load(self._typed_map(), *self.typed_view, self.typed_point, self.typed_size)
        else:
            self._load_preset(preset)
        self._busy = True
        try:
            for name, value in (("x", x), ("y", y), ("size", size)):
                if value is not None:
                    c[name].value = value
        finally:
            self._busy = False
        self.values: dict = {}
        for name in ("map", "f1", "f2"):
            c[name].observe(self._on_map, names="value")
        a, r = self.artists, self.convergence
        # Moves repaint the square, its images and the convergence panel (with the spines, which a full draw
        # paints over the |det J| line); the panel's y-limits change only now and then (then: a full draw).
        self.blit_artists = _draw_order([*(a[k] for k in ("square", "square_b1", "square_b2", "corner", "image",
                                                          "image_b1", "image_b2", "linear", "image_corner")),
                                         *self.ratio_axes.spines.values(), r["det"], r["ratio"], r["current"]])
        self._connect(skip=("map", "f1", "f2"))

    def freeze_layout(self) -> None:
        """Lay the figure out once, leaving room for wide tick labels on the ratio's y-axis."""
        with _wide_ticks(self.ratio_axes):
            super().freeze_layout()

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["map"], c["f1"], c["f2"]]), W.HBox([c["x"], c["y"], c["size"]]), self.key])

    # -- loading a map --------------------------------------------------------------------------
    def _typed_map(self) -> PlaneMap:
        c = self.controls
        return PlaneMap((parse_expression(c["f1"].value, ("x", "y")), parse_expression(c["f2"].value, ("x", "y"))),
                        (sym_x, sym_y))

    def _load_preset(self, key: str) -> None:
        preset = JACOBIAN_PRESETS[key]
        self._load(preset.plane_map(), preset.xlim, preset.ylim, preset.point, preset.size)

    def _load(self, plane_map: PlaneMap, xlim, ylim, point, size) -> None:
        """Show a new map: grid and image lines, views and slider ranges (not done on moves)."""
        lines = grid_lines(xlim, ylim)
        images = [plane_map(u, v) for u, v in lines]
        coordinates = np.concatenate([np.column_stack(i) for i in images])
        if not np.any(np.all(np.isfinite(coordinates), axis=1)):
            raise ExpressionError("F 在输入区域内处处没有定义（F is undefined on the whole input view）")
        out_xlim = _robust_limits(coordinates[:, 0], quantile=1.0)
        out_ylim = _robust_limits(coordinates[:, 1], quantile=1.0)
        spans = (out_xlim[1] - out_xlim[0], out_ylim[1] - out_ylim[0])
        if max(spans) > MAX_IMAGE_ELONGATION * min(spans):  # at equal scale the image panel would be a line
            raise ExpressionError("F 的像在一个方向上比另一个方向长得太多，无法按等比例画出"
                                  "（the image of F is too elongated to draw at equal scale）")
        self.map = plane_map
        self.xlim, self.ylim = tuple(map(float, xlim)), tuple(map(float, ylim))
        update_lines(self.grid_lines, lines)
        update_lines(self.image_lines, images)
        self.in_axes.set_xlim(*self.xlim)
        self.in_axes.set_ylim(*self.ylim)
        self.out_axes.set_xlim(*out_xlim)
        self.out_axes.set_ylim(*out_ylim)
        u, v = (sp.latex(s) for s in plane_map.variables)
        self.in_axes.set_xlabel(f"${u}$")
        self.in_axes.set_ylabel(f"${v}$")
        self.out_axes.set_xlabel("$F_1$")
        self.out_axes.set_ylabel("$F_2$")
        self._busy = True
        try:
            _slider_to(self.controls["x"], float(point[0]), *self.xlim)
            _slider_to(self.controls["y"], float(point[1]), *self.ylim)
            self.controls["size"].value = size
        finally:
            self._busy = False

    @guarded
    def _on_map(self, change) -> None:
        if self._busy:
            return
        c = self.controls
        try:
            if change["owner"] is c["map"] and change["new"] != "typed":
                self._load_preset(change["new"])
            else:
                plane_map = self._typed_map()
                if change["owner"] is c["map"]:
                    self._load(plane_map, *self.typed_view, self.typed_point, self.typed_size)
                elif c["map"].value == "typed":  # a new formula keeps the view, point and size
                    self._load(plane_map, self.xlim, self.ylim, (c["x"].value, c["y"].value), c["size"].value)
                else:
                    self._load(plane_map, *self.typed_view, self.typed_point, self.typed_size)
                    self._busy = True
                    try:
                        c["map"].value = "typed"
                    finally:
                        self._busy = False
        except ExpressionError as error:
            self.show_message(str(error))
            return
        self.freeze_layout()  # new grid, limits and axis labels: lay out and draw everything once
        self.invalidate()
        self.refresh()

    # -- update ---------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Update and repaint; at a singular Jacobian the picture is drawn and a message says why."""
        if not super().refresh():
            return False
        J = self.values["J"]
        if abs(self.values["det"]) <= 1e-12 * max(1.0, float(np.max(np.abs(J))) ** 2):
            self.show_message("det J = 0：J 在这一点奇异，小正方形被压扁成线段或点，面积比趋于 0"
                              "（the Jacobian is singular here: the square is squashed flat, the area ratio tends to 0）")
        return True

    def update(self) -> None:
        c = self.controls
        px, py, size = float(c["x"].value), float(c["y"].value), float(c["size"].value)
        if not all(np.isfinite([px, py, size])):
            raise ExplorerMessage("请输入有限的数值（values must be finite）")
        if size <= 0:
            raise ExplorerMessage("正方形的边长必须大于 0（the size must be positive）")
        square = square_boundary((px, py), size, self.n_per_side)
        image = self.map.points(square)
        J = self.map.jacobian_at(px, py)
        det = float(self.map.det_at(px, py))
        if not np.all(np.isfinite(image)) or not np.all(np.isfinite(J)):
            raise ExplorerMessage("F 在这个正方形上没有定义或不可导（F is undefined or not differentiable here）")
        ratio = polygon_area(image) / size ** 2
        linear = self.map.linear_image((px, py), size)
        update_square_map(self.artists, square, image, linear, self.n_per_side, flipped=det < 0)
        ratios = self.map.area_ratio((px, py), self.sizes, 16)
        limits = self.ratio_axes.get_ylim()
        update_area_convergence(self.convergence, self.ratio_axes, self.sizes, ratios, det, size, ratio)
        if self.ratio_axes.get_ylim() != limits:
            self.invalidate()  # new tick labels on the ratio's y-axis
        self.values = {"J": J, "det": det, "ratio": ratio, "error": abs(abs(ratio) - abs(det)),
                       "square": square, "image": image, "linear": linear}
        orientation = ("方向反转 orientation reversed ($\\det J < 0$)" if det < 0 else
                       "方向保持 orientation kept" if det > 0 else "$\\det J = 0$：局部压扁 (locally squashed flat)")
        self.readout.value = (
            f"$J({px:.2f}, {py:.2f}) = \\begin{{bmatrix}}{J[0, 0]:.3f} & {J[0, 1]:.3f}\\\\ "
            f"{J[1, 0]:.3f} & {J[1, 1]:.3f}\\end{{bmatrix}}$, &nbsp; $\\det J = {det:.4f}$, "
            f"&nbsp; $|\\det J| = {abs(det):.4f}$; {orientation}<br>"
            f"测得的面积比 measured area ratio $\\frac{{|\\mathrm{{area}}\\,F(S)|}}{{s^2}} = {abs(ratio):.4f}$ "
            f"(s = {size:.3g}), &nbsp; 误差 error $= {abs(abs(ratio) - abs(det)):.2e}$")


# -- factories -----------------------------------------------------------------------------------
def gradient_explorer(f=None, x: float | None = None, y: float | None = None, theta: float = np.pi / 4,
                      **kwargs) -> GradientExplorer:
    """Return the gradient explorer (controls "function", "formula", "x", "y", "theta"); Example 5.7 by default."""
    return GradientExplorer(f, x=x, y=y, theta=theta, **kwargs)


def chain_rule_explorer(f="x1^2 + 2x2", x1_of_t="sin(t)", x2_of_t="cos(t)", t0: float = 1.0,
                        **kwargs) -> ChainRuleExplorer:
    """Return the chain-rule explorer of Example 5.8 (controls "f", "x1", "x2", "t")."""
    return ChainRuleExplorer(f, x1_of_t, x2_of_t, t0=t0, **kwargs)


def jacobian_explorer(F=None, preset: str = "book", **kwargs) -> JacobianExplorer:
    """Return the Jacobian explorer of Fig. 5.5 (controls "map", "f1", "f2", "x", "y", "size")."""
    return JacobianExplorer(F, preset=preset, **kwargs)

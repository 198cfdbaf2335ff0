"""Explorers for sections 5.2 and 5.3: the gradient on a contour map with the directional derivative,
the chain rule along a path (Example 5.8), and the Jacobian of a map of the plane as local area
scaling (Fig. 5.5).
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import sympy as sp

from widgets.math.expressions import ExpressionError, parse_expression
from widgets.explorers.base import Explorer, ExplorerMessage, Preset, as_expression, guarded
from widgets.explorers.controls import wide
from widgets.math.gradients import JACOBIAN_PRESETS, ChainRule, PlaneMap, ScalarField, directional_difference, grid
from widgets.math.gradients import polygon_area, square_boundary, unit_vector
from widgets.math.gradients import t as sym_t
from widgets.math.gradients import x as sym_x
from widgets.math.gradients import x1 as sym_x1
from widgets.math.gradients import x2 as sym_x2
from widgets.math.gradients import y as sym_y
from widgets.plotting import gradients as gp

TWO_PI = 2 * np.pi
XY = ("x", "y")


# -- gradient explorer ---------------------------------------------------------------------------
#: The gradient explorer's functions: the point it starts at, and the view (the ranges of x and y).
GRADIENT_PRESETS = {
    "example 5.7": Preset("例 5.7  x²y + xy³", "x^2 y + x y^3", values={"x": 1.0, "y": 0.5},
                          ranges={"x": (-2.0, 2.0), "y": (-2.0, 2.0)}),
    "example 5.6": Preset("例 5.6  (x + 2y³)²", "(x + 2y^3)^2", values={"x": 0.4, "y": 0.3},
                          ranges={"x": (-1.2, 1.2), "y": (-1.2, 1.2)}),
    "bowl": Preset("x² + 2y²", "x^2 + 2y^2", values={"x": 1.2, "y": 0.8}, ranges={"x": (-2.0, 2.0), "y": (-2.0, 2.0)}),
    "waves": Preset("sin x cos y", "sin(x) cos(y)", values={"x": 1.0, "y": 0.5},
                    ranges={"x": (-3.0, 3.0), "y": (-3.0, 3.0)}),
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
        first = GRADIENT_PRESETS[preset]
        view = first.ranges if f is None else {"x": (-2.0, 2.0), "y": (-2.0, 2.0)}
        self.xlim, self.ylim = tuple(map(float, xlim or view["x"])), tuple(map(float, ylim or view["y"]))
        self.field = ScalarField(as_expression(first.formula if f is None else f, XY), (sym_x, sym_y))
        try:  # a bad f raises before any figure exists
            picture = self._grid(self.field, self.xlim, self.ylim)
        except ExplorerMessage as message:
            raise ValueError(str(message)) from None
        super().__init__(ncols=2)
        self.map_axes, self.profile_axes = self.axes
        self.wide_tick_axes = (self.profile_axes,)
        expression = self.add_function(XY, f, GRADIENT_PRESETS, preset, placeholder="例如 x^2 - y^2 或 exp(-x^2-y^2)")
        self.slider("x", first.values["x"] if x is None else x, *self.xlim)
        self.slider("y", first.values["y"] if y is None else y, *self.ylim)
        self.slider("theta", theta, 0.0, TWO_PI, description="θ (rad)")
        self.artists = gp.draw_gradient_map(self.map_axes, self.field, *picture)
        self.thetas = np.linspace(0.0, TWO_PI, 181)
        self.profile = gp.draw_directional_profile(self.profile_axes)
        self.first_ylim = self.profile_axes.get_ylim()   # the profile's limits then follow the moves (steady_top)
        self.profile_axes.set_xticks([0.0, np.pi, TWO_PI], ["$0$", r"$\pi$", r"$2\pi$"])
        self.profile_axes.set_xticks([np.pi / 2, 3 * np.pi / 2], minor=True)
        gp.lean_ticks(self.map_axes, self.profile_axes)
        self.header = W.HTMLMath(f"$f(x, y) = {sp.latex(expression)}$")
        self.above = [W.HTMLMath(gp.GRADIENT_KEY), self.header]
        self._dragging = False
        self.connect_mouse(button_press_event=self._on_press, motion_notify_event=self._on_motion,
                           button_release_event=self._on_release)
        a, p = self.artists, self.profile
        # Moves repaint the marks at the point and the profile (with the spines, which a full draw paints
        # over the theta marker); the profile's y-limits change only now and then (then: a full draw).
        self.blit_artists = [a["curve"], a["level"], a["ascent"], a["u"], a["point"], p["theta"], p["curve"],
                             p["extremes"], p["current"], p["fd"], *self.profile_axes.spines.values()]
        self._connect()

    @staticmethod
    def _grid(field: ScalarField, xlim, ylim):
        """Return the contour map's grid X, Y over the view and f on it; refuse an f undefined on all of it."""
        X, Y = grid(xlim, ylim, 121)
        Z = field(X, Y)
        if not np.any(np.isfinite(Z)):
            raise ExplorerMessage("这个函数在当前视图内处处没有定义（f is undefined on the whole view）")
        return X, Y, Z

    def set_function(self, expression: sp.Expr, preset: Preset | None) -> None:
        """Show a new f on the preset's view (a typed f keeps the view); the contours are drawn once, not on moves."""
        view = (preset.ranges["x"], preset.ranges["y"]) if preset else (self.xlim, self.ylim)
        self._show(ScalarField(expression, (sym_x, sym_y)), *view)

    def _show(self, field: ScalarField, xlim, ylim) -> None:
        X, Y, Z = self._grid(field, xlim, ylim)
        self.field, self.xlim, self.ylim = field, tuple(map(float, xlim)), tuple(map(float, ylim))
        gp.update_gradient_map(self.artists, self.map_axes, field, X, Y, Z)
        self.header.value = f"$f(x, y) = {sp.latex(field.expression)}$"

    def reset_state(self) -> None:
        """Show the first view again (the x and y sliders' ranges are the view) when the first f was typed."""
        self.profile_axes.set_ylim(*self.first_ylim)
        view = tuple((self.controls[n].min, self.controls[n].max) for n in XY)
        if view != (self.xlim, self.ylim):
            self._show(self.field, *view)

    # -- mouse: a left click on the contour map moves the point there; dragging moves it along ------------
    def _on_press(self, event) -> None:
        self._dragging = event.inaxes is self.map_axes and event.xdata is not None and getattr(event, "button", 1) == 1
        self._on_motion(event)

    def _on_motion(self, event) -> None:
        if self._dragging and event.inaxes is self.map_axes and event.xdata is not None:
            self.set_values(x=float(np.clip(event.xdata, *self.xlim)), y=float(np.clip(event.ydata, *self.ylim)))

    def _on_release(self, event) -> None:
        self._dragging = False

    def update(self) -> None:
        c = self.controls
        px, py, theta = float(c["x"].value), float(c["y"].value), float(c["theta"].value)
        if not all(np.isfinite([px, py, theta])):
            raise ExplorerMessage("请输入有限的数值（values must be finite）")
        f0, g = float(self.field(px, py)), self.field.grad(px, py)
        if not np.isfinite(f0) or not np.all(np.isfinite(g)):
            raise ExplorerMessage(f"f 或 ∇f 在 ({px:g}, {py:g}) 处没有定义（f is not differentiable there）")
        u = unit_vector(theta)
        exact, norm = float(g @ u), float(np.hypot(*g))
        fd = directional_difference(self.field.of_vector, (px, py), u, self.h)
        ascent = None if norm < 1e-12 else g / norm  # None: a stationary point
        theta_ascent = None if ascent is None else float(np.mod(np.arctan2(g[1], g[0]), TWO_PI))
        gp.update_direction_marks(self.artists, (px, py), u, ascent, 0.16 * (self.xlim[1] - self.xlim[0]))
        gp.update_level_curve(self.artists, *self.artists["grid"], f0)
        if gp.update_directional_profile(self.profile, self.profile_axes, self.thetas, g[0] * np.cos(self.thetas)
                                         + g[1] * np.sin(self.thetas), theta, exact, fd, theta_ascent, norm):
            self.invalidate()  # new tick labels on the profile's y-axis
        self.values = {"point": np.array([px, py]), "f": f0, "gradient": g, "u": u, "exact": exact, "fd": fd,
                       "directional_derivative": exact, "norm": norm, "ascent": ascent, "theta_ascent": theta_ascent}
        angle = ("驻点 stationary point: $\\nabla f = 0$，没有最陡方向（no steepest direction）" if ascent is None else
                 f"$\\cos(\\theta-\\theta_\\nabla) = {np.cos(theta - theta_ascent):.4f}$; 最陡上升 steepest ascent "
                 f"$\\theta_\\nabla = {np.degrees(theta_ascent):.1f}°$, 最大变化率 $\\|\\nabla f\\| = {norm:.4g}$")
        self.readout.value = (
            f"$\\nabla f({px:.2f}, {py:.2f}) = [{g[0]:.4g},\\ {g[1]:.4g}]$, &nbsp; "
            f"$u = [{u[0]:.3f},\\ {u[1]:.3f}]$ ($\\theta = {np.degrees(theta):.1f}°$)<br>"
            f"$\\nabla f\\cdot u = {exact:.8g}$ &nbsp;|&nbsp; 有限差分 finite difference "
            f"$\\frac{{f(x+hu)-f(x-hu)}}{{2h}} = {fd:.8g}$ ($h = 10^{{-5}}$, 差 difference ${abs(exact - fd):.1e}$)<br>"
            + angle)


# -- chain rule explorer -------------------------------------------------------------------------
class ChainRuleExplorer(Explorer):
    """Example 5.8 made live: the path x(t) on the contour map of f, f(x(t)) and df/dt against t, and
    the chain-rule sum (5.49) term by term at the current t."""

    figsize = (10.8, 4.6)

    def __init__(self, f="x1^2 + 2x2", x1_of_t="sin(t)", x2_of_t="cos(t)", t0: float = 1.0, t_range=(0.0, TWO_PI)):
        texts = [v if isinstance(v, str) else str(as_expression(v, names))
                 for v, names in ((f, ("x1", "x2")), (x1_of_t, ("t",)), (x2_of_t, ("t",)))]
        self.t_range = tuple(map(float, t_range))
        self.ts = np.linspace(*self.t_range, 400)
        model = self._model(*texts)
        picture = self._picture(model)  # a bad formula or a path undefined everywhere raises before any figure exists
        super().__init__(ncols=2)
        self.map_axes, self.curve_axes = self.axes
        self.wide_tick_axes = (self.curve_axes,)
        for name, text, label in zip(("f", "x1", "x2"), texts, ("f(x₁, x₂)", "x₁(t)", "x₂(t)")):
            self.controls[name] = W.Text(value=text, description=label, continuous_update=False)
            self.controls[name].observe(self._on_formula, names="value")
        self.slider("t", t0, *self.t_range, description="t")
        self.panels = gp.draw_chain_rule(self.map_axes, self.curve_axes, *picture)
        self.artists, self.chain = self.panels["map"], self.panels["curves"]
        self.readout.layout.overflow = "auto"  # a long symbolic df/dt scrolls instead of running off the page
        self.header = W.HTMLMath()
        self.above = [W.HTMLMath(gp.CHAIN_KEY), self.header]
        self._set_model(model, texts)
        a, ch = self.artists, self.chain
        # Moving t repaints the point, its two arrows, the t marker and what a full draw paints over
        # the marker (the spines and the four curves, which do not change).
        self.blit_artists = [a["gradient"], a["velocity"], a["point"], ch["t"], *self.curve_axes.spines.values(),
                             ch["h"], ch["dh"], ch["term1"], ch["term2"], ch["marks"]]
        self._connect()

    @staticmethod
    def _model(f: str, x1: str, x2: str) -> ChainRule:
        return ChainRule(parse_expression(f, ("x1", "x2")), (sym_x1, sym_x2),
                         (parse_expression(x1, ("t",)), parse_expression(x2, ("t",))), sym_t)

    def _picture(self, model: ChainRule):
        """Return the contour grid X, Y, f(X, Y) around the path, the path and the curves against t;
        raise ExpressionError (a ValueError) for a path or an f undefined everywhere."""
        position = model.position(self.ts)
        view = gp.square_view(position)
        if view is None:
            raise ExpressionError("路径在 t 的范围内处处没有定义（the path is undefined for every t）")
        X, Y = grid(*view, 121)
        Z = model.field(X, Y)
        if not np.any(np.isfinite(Z)):
            raise ExpressionError("f 在视图内处处没有定义（f is undefined on the whole view）")
        return X, Y, Z, position, self.ts, model.values(self.ts)

    def _set_model(self, model: ChainRule, texts) -> None:
        self.model, self.texts = model, tuple(texts)
        path, dh = model.position(self.ts), model.values(self.ts)["dh"]   # the path's scales, for the tasks
        self.path_scales = {"dh_scale": float(np.nanmax(np.abs(dh))),
                            "path_span": float(np.nanmax(np.nanmax(path, axis=0) - np.nanmin(path, axis=0)))}
        self.derivative = model.simplified_derivative()
        self.derivative_latex = sp.latex(self.derivative)   # printed once per model, not on every move
        self.header.value = (f"$f(x_1, x_2) = {sp.latex(model.f)}$, &nbsp; "
                             f"$x(t) = ({sp.latex(model.path[0])},\\ {sp.latex(model.path[1])})$")

    @guarded
    def _on_formula(self, change) -> None:
        if not self._quiet:
            self._load_formulas()
            self.redraw()  # new contours, path, curves and limits: lay out and draw everything once

    def _load_formulas(self) -> None:
        """Show the function and path typed in the formula boxes; refuse them with a message when they make no sense."""
        texts = tuple(self.controls[name].value for name in ("f", "x1", "x2"))
        try:
            model = self._model(*texts)
            picture = self._picture(model)
        except ExpressionError as error:
            raise ExplorerMessage(str(error)) from None
        gp.update_chain_rule(self.panels, self.map_axes, self.curve_axes, *picture)
        self._set_model(model, texts)

    def reset_state(self) -> None:
        """Show the function and path of the restored formula boxes."""
        if tuple(self.controls[name].value for name in ("f", "x1", "x2")) != self.texts:
            self._load_formulas()

    def update(self) -> None:
        t0 = float(self.controls["t"].value)
        if not np.isfinite(t0):
            raise ExplorerMessage("请输入有限的数值（t must be finite）")
        point, factors, values = self.model.position(t0), self.model.factors(t0), self.model.values(t0)
        if not np.all(np.isfinite(point)) or not np.all(np.isfinite(factors)) or not np.isfinite(values["h"]):
            raise ExplorerMessage(f"在 t = {t0:g} 处路径或 f 没有定义（undefined at this t）")
        length = 0.12 * np.ptp(self.map_axes.get_xlim())
        gp.update_path_on_map(self.artists, point, factors[:, 1], factors[:, 0], length)
        gp.update_chain_marks(self.chain, t0, [float(values[k]) for k in ("h", "dh", "term1", "term2")])
        (a1, b1), (a2, b2) = factors
        total = float(values["dh"])
        self.values = {"t": t0, "point": point, "factors": factors, "terms": factors[:, 0] * factors[:, 1],
                       "dh": total, "df_dt": total, "h": float(values["h"])}
        self.values.update(self.path_scales)
        self.readout.value = (
            f"$t = {t0:.2f}$, &nbsp; $x(t) = [{point[0]:.4f},\\ {point[1]:.4f}]$<br>"
            "$\\frac{df}{dt} = \\frac{\\partial f}{\\partial x_1}\\frac{dx_1}{dt} + "
            "\\frac{\\partial f}{\\partial x_2}\\frac{dx_2}{dt}"
            f" = ({a1:.4f})({b1:.4f}) + ({a2:.4f})({b2:.4f}) = {a1 * b1:.4f} {'+' if a2 * b2 >= 0 else '-'} "
            f"{abs(a2 * b2):.4f} = {total:.4f}$ &nbsp; (5.49)<br>$\\frac{{df}}{{dt}} = {self.derivative_latex}$")


# -- Jacobian explorer ---------------------------------------------------------------------------
#: The Jacobian explorer's maps (the maps, views, points and sizes of ``JACOBIAN_PRESETS``) and the typed map.
JACOBIAN_MAPS = {key: Preset(p.label, values={"x": p.point[0], "y": p.point[1], "size": p.size},
                             ranges={"x": p.xlim, "y": p.ylim},
                             view={"components": p.components, "variables": p.variables})
                 for key, p in JACOBIAN_PRESETS.items()}
JACOBIAN_MAPS["typed"] = Preset("自定义 (F₁, F₂)", values={"x": 0.5, "y": 0.5, "size": 0.5},
                                ranges={"x": (-2.0, 2.0), "y": (-2.0, 2.0)})

#: Largest ratio of the image panel's two spans that can be drawn at equal scale.
MAX_IMAGE_ELONGATION = 1e4


class JacobianExplorer(Explorer):
    """A map F of the plane: a grid and a small square at a movable point, their images under F, the
    linearization J·square over the true image, and the measured area ratio converging to |det J|."""

    figsize = (11.0, 4.4)
    #: Points per side of the square's boundary (the image polygon has four times as many).
    n_per_side = 24
    #: Sizes at which the convergence panel measures the area ratio.
    sizes = np.logspace(-2.5, np.log10(2.0), 36)

    def __init__(self, F=None, preset: str = "book", x: float | None = None, y: float | None = None,
                 size: float | None = None, f1: str = "x^2 - y^2", f2: str = "2x y"):
        if F is not None:
            (f1, f2), preset = (c if isinstance(c, str) else str(as_expression(c, XY)) for c in F), "typed"
        if preset not in JACOBIAN_MAPS:
            raise ValueError(f"unknown preset {preset!r}; choose from {list(JACOBIAN_MAPS)}")
        first = JACOBIAN_MAPS[preset]
        plane_map = self._plane_map(first, f1, f2)
        self._picture(plane_map, first.ranges["x"], first.ranges["y"])  # a bad map raises before any figure exists
        super().__init__(ncols=3)
        self.in_axes, self.out_axes, self.ratio_axes = self.axes
        self.wide_tick_axes = (self.ratio_axes,)
        c = self.controls
        c["map"] = W.Dropdown(options=[(p.label, k) for k, p in JACOBIAN_MAPS.items()], value=preset, description="F")
        for name, text, label in (("f1", f1, "F₁(x, y)"), ("f2", f2, "F₂(x, y)")):
            c[name] = W.Text(value=text, description=label, continuous_update=False)
        for name in ("map", "f1", "f2"):
            c[name].observe(self._on_map, names="value")
        for name, value in (("x", x), ("y", y)):
            self.slider(name, first.values[name] if value is None else value, *first.ranges[name])
        c["size"] = W.FloatLogSlider(layout=wide(), value=first.values["size"] if size is None else size, base=10,
                                     min=-2.5, max=np.log10(2.0), step=0.02, description="size", readout_format=".3f")
        self.panels = gp.draw_jacobian_panels(self.in_axes, self.out_axes, self.ratio_axes, self.sizes)
        self.grid_lines, self.image_lines = self.panels["grid"], self.panels["image_grid"]
        self.artists, self.convergence = self.panels["square"], self.panels["convergence"]
        self.first_ylim = self.ratio_axes.get_ylim()   # the ratio's limits then follow the moves (steady_limits)
        self._load(preset, True, plane_map)
        self.above = [W.HTMLMath(gp.JACOBIAN_KEY)]
        # Moves repaint the square, its images and the ratio panel with the spines (painted over the |det J| line).
        self.blit_artists = [*self.artists.values(), *self.ratio_axes.spines.values(), *self.convergence.values()]
        self._connect()

    @staticmethod
    def _plane_map(preset: Preset, f1: str, f2: str) -> PlaneMap:
        """Return the preset's map, or the typed map (F₁, F₂) for the typed preset (it has no map of its own)."""
        return PlaneMap(**preset.view) if preset.view else PlaneMap([parse_expression(f, XY) for f in (f1, f2)])

    @staticmethod
    def _picture(plane_map: PlaneMap, xlim, ylim):
        """Return the input grid, its image under F and both views; refuse F undefined or too elongated to draw."""
        lines, images, view = gp.map_grid(plane_map, xlim, ylim)
        if view is None:
            raise ExpressionError("F 在输入区域内处处没有定义（F is undefined on the whole input view）")
        spans = [hi - lo for lo, hi in view]
        if max(spans) > MAX_IMAGE_ELONGATION * min(spans):
            raise ExpressionError("F 的像在一个方向上比另一个方向长得太多，无法按等比例画出"
                                  "（the image of F is too elongated to draw at equal scale）")
        return lines, images, (tuple(map(float, xlim)), tuple(map(float, ylim))), view

    @guarded
    def _on_map(self, change) -> None:
        if not self._quiet:
            typed = change["owner"] is not self.controls["map"]
            self._load("typed" if typed else change["new"], keep=typed and self.controls["map"].value == "typed")
            self.redraw()  # new grid, limits and axis labels: lay out and draw everything once

    def _load(self, key: str, keep: bool, plane_map: PlaneMap | None = None) -> None:
        """Show preset ``key``'s map (typed: the formulas) with its view, point and size, or (``keep``) those shown."""
        c, preset = self.controls, JACOBIAN_MAPS[key]
        try:
            plane_map = plane_map or self._plane_map(preset, c["f1"].value, c["f2"].value)
            lines, images, view_in, view_out = self._picture(
                plane_map, *((c[n].min, c[n].max) if keep else preset.ranges[n] for n in XY))
        except ExpressionError as error:
            raise ExplorerMessage(str(error)) from None
        self.map = plane_map
        gp.update_map_grid(self.panels, self.in_axes, self.out_axes, lines, images, view_in, view_out,
                           [sp.latex(v) for v in plane_map.variables])
        with self.quiet():
            c["map"].value = key
            for name, value in ({} if keep else preset.values).items():
                self.move_slider(name, value, *preset.ranges.get(name, (None, None)))

    def reset_state(self) -> None:
        """Show the restored map over the restored view (the ranges of the x and y sliders)."""
        self.ratio_axes.set_ylim(*self.first_ylim)
        self._load(self.controls["map"].value, keep=True)

    def refresh(self) -> bool:
        """Update and repaint; at a singular Jacobian the picture is drawn and a message says why."""
        done = super().refresh()
        if done and abs(self.values["det"]) <= 1e-12 * max(1.0, float(np.max(np.abs(self.values["J"]))) ** 2):
            self.show_message("det J = 0：J 在这一点奇异，小正方形被压扁成线段或点，面积比趋于 0"
                              "（the Jacobian is singular here: the square is squashed flat, the area ratio tends to 0）")
        return done

    def update(self) -> None:
        c = self.controls
        px, py, size = float(c["x"].value), float(c["y"].value), float(c["size"].value)
        if not all(np.isfinite([px, py, size])):
            raise ExplorerMessage("请输入有限的数值（values must be finite）")
        if size <= 0:
            raise ExplorerMessage("正方形的边长必须大于 0（the size must be positive）")
        square = square_boundary((px, py), size, self.n_per_side)
        image, J, det = self.map.points(square), self.map.jacobian_at(px, py), float(self.map.det_at(px, py))
        if not np.all(np.isfinite(image)) or not np.all(np.isfinite(J)):
            raise ExplorerMessage("F 在这个正方形上没有定义或不可导（F is undefined or not differentiable here）")
        ratio, linear = polygon_area(image) / size ** 2, self.map.linear_image((px, py), size)
        gp.update_square_map(self.artists, square, image, linear, self.n_per_side, flipped=det < 0)
        if gp.update_area_convergence(self.convergence, self.ratio_axes, self.sizes,
                                      self.map.area_ratio((px, py), self.sizes, 16), det, size, ratio):
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

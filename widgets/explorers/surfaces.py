"""Explorers for sections 5.7 and 5.8: the Hessian at a movable point with the critical points of f
classified (as in the blog chapter on multivariate calculus), and the tangent plane and Taylor models of a surface with their errors.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import sympy as sp

from widgets.math.surfaces import classify_critical_point, critical_points
from widgets.explorers.base import Explorer, ExplorerMessage, Preset
from widgets.explorers.controls import wide
from widgets.plotting.style import house_style
from widgets.plotting.surfaces import (
    draw_eigen_slices,
    draw_hessian_view,
    draw_local_models_3d,
    draw_surface_3d,
    draw_taylor_errors,
    quantile_levels,
    replace_contours,
    surface_zlim,
    unannounced,
    update_critical_points,
    update_local_models_3d,
    update_local_quadratic,
    update_taylor_errors,
)
from widgets.math.surfaces import (
    DEFAULT_BOX,
    EXAMPLE_5_15,
    EXAMPLE_5_15_POINT,
    HESSIAN_PRESETS,
    X,
    Y,
    LocalTaylorModel,
    describe_definiteness,
)

VARIABLES = (X, Y)
#: The view box of Example 5.15 in the linearization explorer (around its point (1, 2)).
EXAMPLE_5_15_BOX = ((-1.0, 3.0), (0.0, 4.0))
DEFINITENESS_ZH = {"positive definite": "正定", "negative definite": "负定", "indefinite": "不定",
                   "semidefinite": "半定"}
KIND_ZH = {"minimum": "极小值 minimum", "maximum": "极大值 maximum", "saddle": "鞍点 saddle",
           "inconclusive": "无法判定 inconclusive"}
#: The Hessian explorer's menu: each function of HESSIAN_PRESETS with its view (the sliders' ranges) and point.
HESSIAN_MENU = {key: Preset(spec["label"], str(spec["f"]), values=dict(zip("xy", spec["point"])),
                            ranges={"x": spec["xlim"], "y": spec["ylim"]}) for key, spec in HESSIAN_PRESETS.items()}
#: The view and starting point of a typed formula in the Hessian explorer.
TYPED_VIEW = Preset("", values={"x": 0.3 * DEFAULT_BOX[0][1], "y": 0.2 * DEFAULT_BOX[1][1]},
                    ranges={"x": DEFAULT_BOX[0], "y": DEFAULT_BOX[1]})


def _latex_matrix(M: np.ndarray) -> str:
    rows = " \\\\ ".join(" & ".join(f"{v:.4g}" for v in row) for row in np.atleast_2d(M))
    return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"


class HessianExplorer(Explorer):
    """Contours of f(x, y) with its critical points classified by the Hessian (the blog chapter's test), and at a
    movable point x0: the Hessian's eigenvectors and eigenvalues (5.147), the level curves of the
    local quadratic model f(x0) + grad f(x0) delta + delta^T H delta / 2, and slices along u_1, u_2.

    A move repaints only what follows the point (its marks on the map and the slices); the contours,
    critical points, titles and axes stay in the saved background. The slices' y-axis changes only when
    they leave it (or use a small part of it); then everything is drawn.
    """

    grid_size = 121
    window_fraction = 0.16

    def __init__(self, f=None, preset: str = "two wells", point=None):
        super().__init__(figsize=(10.8, 4.8), ncols=2)
        self.axes[0].get_gridspec().set_width_ratios([1.25, 1.0])
        self.ax_map, self.ax_slices = self.axes
        self.wide_tick_axes = (self.ax_slices,)
        self.map_artists = draw_hessian_view(self.ax_map)
        self.slice_artists = draw_eigen_slices(self.ax_slices)
        # an unusable f or preset given in code raises ValueError, and the base closes what was made
        expression = self.add_function(("x", "y"), f, HESSIAN_MENU, preset, placeholder="例如 x^3 - 3x + y^2")
        start = self.preset or TYPED_VIEW
        for name in "xy":
            self.slider(name, start.values[name], *start.ranges[name])
        self.set_function(expression, self.preset)
        for name, value in zip("xy", () if point is None else point):
            self.move_slider(name, value)
        m, sl = self.map_artists, self.slice_artists
        self.blit_artists = [m["window"], m["model"], m["arrows"], m["point"], *m["eigen_labels"],
                             *(sl[k] for k in ("f1", "q1", "f2", "q2"))]
        self._connect()

    def set_function(self, expression: sp.Expr, preset: Preset | None) -> None:
        """Draw the contours and critical points of f over the preset's view (a typed f: DEFAULT_BOX), once per f."""
        box = tuple((preset or TYPED_VIEW).ranges[name] for name in "xy")
        model = LocalTaylorModel(expression, VARIABLES, max_order=2)
        if model.order_limit < 2:
            raise ExplorerMessage("二阶导数太复杂，无法计算（the second derivatives are too large）")
        grid = np.meshgrid(*(np.linspace(*limits, self.grid_size) for limits in box))
        Z = model(*grid)
        if not np.any(np.isfinite(Z)):
            raise ExplorerMessage("这个函数在视图内处处没有定义（f is undefined on the whole view）")
        try:
            found = critical_points(expression, VARIABLES, bounds=box)
            self.note = "" if found else "视图内没有临界点（no critical point in view）"
        except ValueError as error:
            found, self.note = [], f"未标出临界点（critical points not marked: {error}）"
        self.model, self.critical, self.levels = model, found, quantile_levels(Z)
        self.size = max(hi - lo for lo, hi in box)
        replace_contours(self.ax_map, self.map_artists, *grid, Z, self.levels)
        update_critical_points(self.ax_map, self.map_artists, [(c.point[0], c.point[1], c.kind) for c in found])
        self.ax_map.set_title(f"$f(x,y)={sp.latex(expression)}$", fontsize=11)
        self.ax_slices.set_xlim(-self.window_fraction * self.size, self.window_fraction * self.size)
        self._fresh_view = True   # the slices' y-limits are fitted afresh
        for name in "xy" if preset is None else ():
            self.move_slider(name, TYPED_VIEW.values[name], *TYPED_VIEW.ranges[name])

    def reset_state(self) -> None:
        self._fresh_view = True   # the slices' y-limits are fitted afresh, as in the first picture

    def update(self) -> None:
        p = np.array([float(self.controls["x"].value), float(self.controls["y"].value)])
        if not np.all(np.isfinite(p)):
            raise ExplorerMessage("请输入有限的数值（x and y must be finite）")
        f0, g, H = self.model.derivatives(p, 2)
        if not (np.isfinite(f0) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            raise ExplorerMessage("f 在这一点没有定义或不可导（f is undefined or not differentiable here）")
        eigenvalues, eigenvectors = np.linalg.eigh((H + H.T) / 2)
        with unannounced(self.ax_slices) as view:
            segments = update_local_quadratic(self.map_artists, self.slice_artists, self.model, p, float(f0), g,
                                              eigenvalues, eigenvectors, self.levels, self.window_fraction * self.size,
                                              0.11 * self.size, keep_view=not self._fresh_view)
        self._fresh_view = False
        if view["moved"]:
            self.invalidate()   # new tick labels: draw everything once
        at_critical = float(np.linalg.norm(g)) <= 1e-8 * max(1.0, abs(float(f0)))
        self.values = {"point": p, "value": float(f0), "gradient": g, "hessian": H, "eigenvalues": eigenvalues,
                       "eigenvectors": eigenvectors, "definiteness": describe_definiteness(eigenvalues),
                       "segments": segments, "kind": classify_critical_point(H) if at_critical else None}
        listed = "; ".join(f"$({c.point[0]:.3g}, {c.point[1]:.3g})$ {KIND_ZH[c.kind]}" for c in self.critical)
        verdict = (f"这里 $\\nabla f = 0$，判定（verdict）：{KIND_ZH[self.values['kind']]}" if at_critical
                   else "这里 $\\nabla f \\neq 0$，不是临界点（not a critical point）")
        definiteness = self.values["definiteness"]
        self.readout.value = (
            f"$f(x_0) = {float(f0):.4g}$, &nbsp; $\\nabla f(x_0) = [{g[0]:.4g},\\ {g[1]:.4g}]$ (row), &nbsp; "
            f"$H(x_0) = {_latex_matrix(H)}$, &nbsp; $\\lambda_1 = {eigenvalues[0]:.4g}$, "
            f"$\\lambda_2 = {eigenvalues[1]:.4g}$：{DEFINITENESS_ZH[definiteness]}（{definiteness}）。 {verdict}<br>"
            f"临界点（critical points）：{listed or '—'} {self.note}")


class LinearizationExplorer(Explorer):
    """A surface with its tangent plane T_1 (5.148) and the Taylor model T_k (Def. 5.8) at a movable
    point, and max |f - T_k| on circles of radius r on log-log axes, next to slopes 2 and 3.

    The surface is drawn once per function and stays in the saved background with the axes and the
    legends; a move gives the plane and the model new vertices (``Poly3DCollection.set_verts``) and
    the error curves new data, and only these are redrawn (blitting). A new order (named in the 3-D
    legend), error curves that leave their axis, or a rotation by the mouse draw everything.
    """

    grid_size = 31
    patch_size = 13

    def __init__(self, f=None, point=None, order: int = 2, xlim=None, ylim=None, patch: float | None = None):
        super().__init__(figsize=(10.8, 4.8), ncols=2)
        grid = self.axes[1].get_gridspec()   # one 3-D panel for the surface and one flat panel for the errors
        grid.set_width_ratios([1.35, 1.0])
        self.axes[0].remove()
        with house_style():
            self.ax3d = self.figure.add_subplot(grid[0, 0], projection="3d")
        self.ax_error = self.axes[1]
        self.axes = np.array([self.ax3d, self.ax_error], dtype=object)
        self.wide_tick_axes = (self.ax_error,)
        self._patch, self.surface_artists, self.error_artists = patch, {}, {}
        self.model_artists = draw_local_models_3d(self.ax3d)
        #: The view box and point of each function: Example 5.15's, and the first function's as given in code.
        self.views = {EXAMPLE_5_15: (EXAMPLE_5_15_BOX, EXAMPLE_5_15_POINT)}
        try:   # an unusable f given in code is an error, not a message
            expression = self.add_function(("x", "y"), "x^2 + 2x y + y^3" if f is None else f,
                                           placeholder="例如 exp(x) sin(y)")
            box, start = self.views.get(expression, (DEFAULT_BOX, None))
            self.views[expression] = ((xlim or box[0], ylim or box[1]), point or start)
            self.slider("x", 0.0, -1.0, 1.0, step=0.02, description="x₀")
            self.slider("y", 0.0, -1.0, 1.0, step=0.02, description="y₀")
            self.controls["order"] = W.IntSlider(layout=wide(), value=order, min=1, max=3, description="order k")
            self.set_function(expression, None)
        except (ValueError, ExplorerMessage) as error:
            self.close()
            raise ValueError(str(error)) from None
        self._connect()

    def set_function(self, expression: sp.Expr, preset: Preset | None) -> None:
        """Draw the surface of f over its view box (DEFAULT_BOX for a new f) and a fresh error axis; move the sliders in."""
        (xlim, ylim), point = self.views.get(expression, (DEFAULT_BOX, None))
        model = LocalTaylorModel(expression, VARIABLES, max_order=3)
        if model.order_limit < 1:
            raise ExplorerMessage("导数太复杂，无法计算（the derivatives of f are too large to compute）")
        self.xlim, self.ylim = tuple(float(v) for v in xlim), tuple(float(v) for v in ylim)
        grid = np.meshgrid(np.linspace(*self.xlim, self.grid_size), np.linspace(*self.ylim, self.grid_size))
        Z = model(*grid)
        zlim = surface_zlim(Z)
        if zlim is None:
            raise ExplorerMessage("这个函数在视图内处处没有定义（f is undefined on the whole view）")
        self.model, self.zlim, size = model, zlim, max(self.xlim[1] - self.xlim[0], self.ylim[1] - self.ylim[0])
        self.patch = float(self._patch) if self._patch is not None else 0.25 * size
        self.radii = np.logspace(-3, np.log10(self.patch), 28)
        for artist in (*self.surface_artists.values(), *self.error_artists.values()):
            artist.remove()
        self.surface_artists = draw_surface_3d(self.ax3d, *grid, Z, zlim)
        self.ax3d.set_title(f"$f(x,y)={sp.latex(expression)}$", fontsize=11)
        self.error_artists = draw_taylor_errors(self.ax_error, self.radii, tuple(range(1, model.order_limit + 1)))
        px, py = point if point is not None else ((self.xlim[0] + self.xlim[1]) / 2, (self.ylim[0] + self.ylim[1]) / 2)
        self.move_slider("x", px, *self.xlim)
        self.move_slider("y", py, *self.ylim)
        self.move_slider("order", min(int(self.controls["order"].value), model.order_limit), 1, model.order_limit)
        self._fresh_view, self._shown_order = True, None   # the error axis fits its y-limits afresh
        a = self.model_artists
        self.blit_artists = [a["plane"], a["model"], a["point"], *self.error_artists.values()]

    def reset_state(self) -> None:
        """Draw the function afresh: the 3-D view turned (or zoomed) by the mouse and the error axis come back."""
        self.set_function(self.expression, None)

    def update(self) -> None:
        p = np.array([float(self.controls["x"].value), float(self.controls["y"].value)])
        order = int(self.controls["order"].value)
        if not np.all(np.isfinite(p)):
            raise ExplorerMessage("请输入有限的数值（x₀ and y₀ must be finite）")
        if not 1 <= order <= self.model.order_limit:
            raise ExplorerMessage(f"阶数必须在 1 到 {self.model.order_limit} 之间（order out of range）")
        tensors = self.model.derivatives(p, self.model.order_limit)
        if not all(np.all(np.isfinite(t)) for t in tensors):
            raise ExplorerMessage("f 在这一点没有定义或不可导（f is undefined or not differentiable here）")
        s = np.linspace(-self.patch, self.patch, self.patch_size)
        Xl, Yl = np.meshgrid(p[0] + s, p[1] + s)
        Z1, Zk = (self.model.polynomial(p, np.stack([Xl, Yl], axis=-1), k, tensors) for k in (1, order))
        self.errors = self.model.errors(p, self.radii, tuple(range(1, self.model.order_limit + 1)))
        with unannounced(self.ax3d, self.ax_error) as view:
            update_local_models_3d(self.model_artists, Xl, Yl, Z1, Zk if order >= 2 else None,
                                   (p[0], p[1], float(tensors[0])), self.zlim, order)
            self.slopes = update_taylor_errors(self.error_artists, self.radii, self.errors, order, self.ax_error,
                                               keep_view=not self._fresh_view)
        if view["moved"] or order != self._shown_order:
            self.invalidate()   # new tick labels, or the new order in the legend: draw everything once
        self._fresh_view, self._shown_order = False, order
        f0, g, H = float(tensors[0]), tensors[1], tensors[2] if len(tensors) > 2 else None
        self.values = {"point": p, "order": order, "value": f0, "gradient": g, "hessian": H, "slopes": self.slopes,
                       "errors": self.errors,
                       "radii": self.radii}
        fitted = ", ".join(f"$T_{k}$: {s:.2f}" if np.isfinite(s) else f"$T_{k}$: exact" for k, s in self.slopes.items())
        self.readout.value = (f"$x_0 = ({p[0]:.3g}, {p[1]:.3g})$, &nbsp; $f(x_0) = {f0:.4g}$, &nbsp; "
                              f"$\\nabla f(x_0) = [{g[0]:.4g},\\ {g[1]:.4g}]$, &nbsp; "
                              f"$H(x_0) = {_latex_matrix(H) if H is not None else '—'}$<br>"
                              f"误差曲线的斜率（fitted log-log slopes）：{fitted}")


def hessian_explorer(f=None, preset: str = "two wells", point=None) -> HessianExplorer:
    """Return the Hessian explorer (controls "function", "formula", "x", "y"); the blog chapter's test of extrema."""
    return HessianExplorer(f, preset=preset, point=point)


def linearization_explorer(f=None, point=None, order: int = 2, **kwargs) -> LinearizationExplorer:
    """Return the linearization explorer of section 5.8 (controls "formula", "x", "y", "order"); Example 5.15 by default."""
    return LinearizationExplorer(f, point=point, order=order, **kwargs)

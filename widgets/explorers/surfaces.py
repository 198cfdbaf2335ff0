"""Explorers for sections 5.7 and 5.8: the Hessian at a movable point with the critical points of f
classified (as in the blog chapter on multivariate calculus), and the tangent plane and Taylor models of a surface with their errors.
"""

from __future__ import annotations

import contextlib

import ipywidgets as W
import numpy as np
import sympy as sp

from widgets.math.surfaces import classify_critical_point, critical_points
from widgets.math.expressions import ExpressionError, parse_expression
from widgets.explorers.base import Explorer, ExplorerMessage, guarded
from widgets.explorers.controls import wide
from widgets.plotting.style import house_style
from widgets.plotting.surfaces import (
    draw_eigen_slices,
    draw_hessian_view,
    draw_local_models_3d,
    draw_surface_3d,
    draw_taylor_errors,
    level_segments,
    quantile_levels,
    replace_contours,
    update_critical_points,
    update_eigen_slices,
    update_hessian_point,
    update_local_models_3d,
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


def _as_expression(f) -> sp.Expr:
    """Accept a sympy expression in x and y, or a formula string (parsed safely)."""
    if isinstance(f, str):
        return parse_expression(f, ("x", "y"))
    if not isinstance(f, sp.Basic):
        raise TypeError("f must be a sympy expression or a formula string")
    by_name = {s.name: s for s in f.free_symbols}
    if set(by_name) - {"x", "y"}:
        raise ValueError(f"f must be a function of x and y, got {sorted(by_name)}")
    return f.xreplace({s: {"x": X, "y": Y}[name] for name, s in by_name.items()})


def _latex_matrix(M: np.ndarray) -> str:
    rows = " \\\\ ".join(" & ".join(f"{v:.4g}" for v in row) for row in np.atleast_2d(M))
    return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"


def _draw_order(artists) -> list:
    """Return ``artists`` in the order a full draw paints them (by Axes, then zorder, then the order in
    which the Axes holds them), so that blitting them over the background paints what a full draw paints."""
    def key(artist):
        ax = artist.axes
        return (ax.figure.axes.index(ax), artist.get_zorder(), ax.get_children().index(artist))

    return sorted(artists, key=key)


@contextlib.contextmanager
def _unannounced(ax):
    """Change ``ax`` (its limits, a legend text) without marking the figure stale: the explorer repaints
    the change itself (a full draw after ``invalidate()``), and a stale figure would make an interactive
    backend draw everything a second time."""
    callback, ax.stale_callback = ax.stale_callback, None
    try:
        yield
    finally:
        ax.stale_callback = callback


@contextlib.contextmanager
def _widest_y_ticks(ax):
    """Give ``ax`` y-limits with about the widest tick labels it will show, for the duration (a layout
    then leaves room for the tick labels of limits fitted later); restore the limits afterwards."""
    saved = ax.get_ylim()
    ax.set_ylim(*((1e-16, 1e4) if ax.get_yscale() == "log" else (-1000.0, 1000.0)))
    try:
        yield
    finally:
        ax.set_ylim(*saved)


def _move_slider(slider: W.FloatSlider, lo: float, hi: float, value: float) -> None:
    """Give a slider a new range and value without ever holding a value outside its range."""
    slider.min, slider.max = min(lo, slider.min), max(hi, slider.max)
    slider.value = value
    slider.min, slider.max = lo, hi


class HessianExplorer(Explorer):
    """Contours of f(x, y) with its critical points classified by the Hessian (the blog chapter's test), and at a
    movable point x0: the Hessian's eigenvectors and eigenvalues (5.147), the level curves of the
    local quadratic model f(x0) + grad f(x0) delta + delta^T H delta / 2, and slices along u_1, u_2."""

    grid_size = 121
    window_fraction = 0.16

    def __init__(self, f=None, preset: str = "two wells", point=None):
        if preset not in HESSIAN_PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {list(HESSIAN_PRESETS)}")
        expression = None if f is None else _as_expression(f)   # a bad formula raises here, before any figure
        super().__init__(figsize=(10.8, 4.8), ncols=2)
        self.axes[0].get_gridspec().set_width_ratios([1.25, 1.0])
        self.ax_map, self.ax_slices = self.axes
        spec = HESSIAN_PRESETS[preset]
        (x_lo, x_hi), (y_lo, y_hi) = spec["xlim"], spec["ylim"]
        px, py = spec["point"] if point is None else point
        self.controls["function"] = W.Dropdown(options=[(s["label"], name) for name, s in HESSIAN_PRESETS.items()],
                                               value=preset, description="f(x, y)")
        self.controls["formula"] = W.Text(value="" if f is None else str(f), description="公式",
                                          placeholder="例如 x^3 - 3x + y^2", continuous_update=False)
        self.controls["x"] = W.FloatSlider(layout=wide(), value=px, min=x_lo, max=x_hi, step=0.01, description="x")
        self.controls["y"] = W.FloatSlider(layout=wide(), value=py, min=y_lo, max=y_hi, step=0.01, description="y")
        self.critical: list = []
        self.note = ""
        self.state: dict = {}
        self._set_function(spec["f"], spec["xlim"], spec["ylim"], first=True)
        self.slice_artists = draw_eigen_slices(self.ax_slices)
        if expression is not None and not self._apply_formula(None, expression=expression, point=point):
            message = self.message
            self.close()
            raise ValueError(message)   # an unusable f given in code is an error, not a message
        for name in ("function", "formula"):
            self.controls[name].observe(self._on_function, names="value")
        # A move repaints only what follows the point: its marks on the map and the slices; the
        # contours, critical points, titles and axes stay in the saved background. The slices' y-axis
        # changes only when they leave it (or use a small part of it); then everything is drawn.
        m, sl = self.map_artists, self.slice_artists
        self.blit_artists = _draw_order([m["window"], m["model"], m["arrows"], m["point"], *m["eigen_labels"],
                                         *(sl[k] for k in ("f1", "q1", "f2", "q2"))])
        self._connect(skip=("function", "formula"))
        self.invalidate()   # the layout was frozen after the first draw: draw everything on the next move

    def freeze_layout(self) -> None:
        """Lay the figure out once, leaving room for the widest tick labels of the slices' y-axis."""
        with _widest_y_ticks(self.ax_slices):
            super().freeze_layout()

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["function"], c["formula"]]), W.HBox([c["x"], c["y"]])])

    # -- the function: contours and critical points are computed here, once per function ---------
    def _set_function(self, expression: sp.Expr, xlim, ylim, first: bool = False) -> None:
        model = LocalTaylorModel(expression, VARIABLES, max_order=2)
        if model.order_limit < 2:
            raise ExplorerMessage("二阶导数太复杂，无法计算（the second derivatives are too large）")
        xs = np.linspace(*xlim, self.grid_size)
        ys = np.linspace(*ylim, self.grid_size)
        Xg, Yg = np.meshgrid(xs, ys)
        Z = model(Xg, Yg)
        if not np.any(np.isfinite(Z)):
            raise ExplorerMessage("这个函数在视图内处处没有定义（f is undefined on the whole view）")
        try:
            found = critical_points(expression, VARIABLES, bounds=(xlim, ylim))
            note = "" if found else "视图内没有临界点（no critical point in view）"
        except ValueError as error:
            found, note = [], f"未标出临界点（critical points not marked: {error}）"
        self.model, self.expression, self.xlim, self.ylim = model, expression, tuple(xlim), tuple(ylim)
        self.xs, self.ys, self.levels = xs, ys, quantile_levels(Z)
        self.critical, self.note = found, note
        if first:
            self.map_artists = draw_hessian_view(self.ax_map, Xg, Yg, Z, self.levels)
        else:
            with house_style():
                replace_contours(self.ax_map, self.map_artists, Xg, Yg, Z, self.levels)
        with house_style():
            update_critical_points(self.ax_map, self.map_artists, [(c.point[0], c.point[1], c.kind) for c in found])
        self.ax_map.set_title(f"$f(x,y)={sp.latex(expression)}$", fontsize=11)
        w = self.window_fraction * max(self.xlim[1] - self.xlim[0], self.ylim[1] - self.ylim[0])
        self.ax_slices.set_xlim(-w, w)   # the slices' t-range changes with the function only
        self._fresh_view = True          # and their y-limits are fitted afresh

    def _show_function(self) -> None:
        """After a new function (contours, critical points, title, limits): lay out again, draw everything."""
        self.freeze_layout()
        self.invalidate()
        self.refresh()

    @guarded
    def _on_function(self, change) -> None:
        if self._busy:
            return
        if change["owner"] is self.controls["function"]:
            spec = HESSIAN_PRESETS[change["new"]]
            self._busy = True
            try:
                self.controls["formula"].value = ""
                self._set_function(spec["f"], spec["xlim"], spec["ylim"])
                _move_slider(self.controls["x"], *spec["xlim"], spec["point"][0])
                _move_slider(self.controls["y"], *spec["ylim"], spec["point"][1])
            finally:
                self._busy = False
            self._show_function()
        elif change["new"].strip() and self._apply_formula(change["new"]):
            self._show_function()

    def _apply_formula(self, text: str | None, expression: sp.Expr | None = None, point=None) -> bool:
        """Parse a typed f(x, y); on failure show the message, keep the last good picture, return False."""
        try:
            expression = expression if expression is not None else parse_expression(text, ("x", "y"))
        except ExpressionError as error:
            self.show_message(str(error))
            return False
        (x_lo, x_hi), (y_lo, y_hi) = DEFAULT_BOX
        try:
            self._set_function(expression, DEFAULT_BOX[0], DEFAULT_BOX[1])
        except ExplorerMessage as message:
            self.show_message(str(message))
            return False
        px, py = point if point is not None else (0.3 * x_hi, 0.2 * y_hi)
        self._busy = True
        try:
            _move_slider(self.controls["x"], x_lo, x_hi, px)
            _move_slider(self.controls["y"], y_lo, y_hi, py)
        finally:
            self._busy = False
        return True

    # -- every move --------------------------------------------------------------------------------
    def update(self) -> None:
        p = np.array([float(self.controls["x"].value), float(self.controls["y"].value)])
        if not np.all(np.isfinite(p)):
            raise ExplorerMessage("请输入有限的数值（x and y must be finite）")
        f0, g, H = self.model.derivatives(p, 2)
        if not (np.isfinite(f0) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            raise ExplorerMessage("f 在这一点没有定义或不可导（f is undefined or not differentiable here）")
        eigenvalues, eigenvectors = np.linalg.eigh((H + H.T) / 2)
        size = max(self.xlim[1] - self.xlim[0], self.ylim[1] - self.ylim[0])
        w = self.window_fraction * size
        xl = np.linspace(p[0] - w, p[0] + w, 33)
        yl = np.linspace(p[1] - w, p[1] + w, 33)
        local = np.stack(np.meshgrid(xl, yl), axis=-1)
        Q = self.model.polynomial(p, local, 2, [f0, g, H])
        segments = level_segments(xl, yl, Q, self.levels)
        update_hessian_point(self.map_artists, p, eigenvalues, eigenvectors, 0.11 * size, segments, w)
        t = np.linspace(-w, w, 81)
        f_slices, q_slices = [], []
        for i in range(2):
            u = eigenvectors[:, i]
            f_slices.append(self.model(p[0] + t * u[0], p[1] + t * u[1]) - f0)
            q_slices.append(float(g @ u) * t + 0.5 * eigenvalues[i] * t ** 2)
        limits = self.ax_slices.get_ylim()
        with _unannounced(self.ax_slices):   # new y-limits are drawn in full just below, not twice
            update_eigen_slices(self.slice_artists, t, f_slices, q_slices, self.ax_slices,
                                keep_view=not self._fresh_view)
        self._fresh_view = False
        if self.ax_slices.get_ylim() != limits:
            self.invalidate()                # new tick labels: draw everything once
        definiteness = describe_definiteness(eigenvalues)
        gradient_zero = float(np.linalg.norm(g)) <= 1e-8 * max(1.0, abs(float(f0)))
        self.state = {"point": p, "value": float(f0), "gradient": g, "hessian": H, "eigenvalues": eigenvalues,
                      "eigenvectors": eigenvectors, "definiteness": definiteness, "segments": segments,
                      "kind": classify_critical_point(H) if gradient_zero else None}
        self.values = {"gradient": g, "eigenvalues": eigenvalues}
        listed = "; ".join(f"$({c.point[0]:.3g}, {c.point[1]:.3g})$ {KIND_ZH[c.kind]}" for c in self.critical)
        verdict = (f"这里 $\\nabla f = 0$，判定（verdict）：{KIND_ZH[self.state['kind']]}" if gradient_zero
                   else "这里 $\\nabla f \\neq 0$，不是临界点（not a critical point）")
        self.readout.value = (
            f"$f(x_0) = {float(f0):.4g}$, &nbsp; $\\nabla f(x_0) = [{g[0]:.4g},\\ {g[1]:.4g}]$ (row), &nbsp; "
            f"$H(x_0) = {_latex_matrix(H)}$, &nbsp; $\\lambda_1 = {eigenvalues[0]:.4g}$, "
            f"$\\lambda_2 = {eigenvalues[1]:.4g}$：{DEFINITENESS_ZH[definiteness]}（{definiteness}）。 {verdict}<br>"
            f"临界点（critical points）：{listed or '—'} {self.note}")


class LinearizationExplorer(Explorer):
    """A surface with its tangent plane T_1 (5.148) and the Taylor model T_k (Def. 5.8) at a movable
    point, and max |f - T_k| on circles of radius r on log-log axes, next to slopes 2 and 3.

    The surface is drawn once and stays in the saved background; a move gives the plane and the
    model new vertices (``Poly3DCollection.set_verts``) and the error curves new data, and only
    these are redrawn over the background (blitting). Measured times per move are in
    ``benchmarks/cases_surfaces.py``.
    """

    grid_size = 31
    patch_size = 13

    def __init__(self, f=None, point=None, order: int = 2, xlim=None, ylim=None, patch: float | None = None):
        expression = EXAMPLE_5_15 if f is None else _as_expression(f)
        if f is None:
            xlim, ylim = xlim or EXAMPLE_5_15_BOX[0], ylim or EXAMPLE_5_15_BOX[1]
            point = point or EXAMPLE_5_15_POINT
        try:   # an unusable f given in code is an error, raised before any figure exists
            surface = self._surface_data(expression, xlim or DEFAULT_BOX[0], ylim or DEFAULT_BOX[1])
        except ExplorerMessage as message:
            raise ValueError(str(message)) from None
        super().__init__(figsize=(10.8, 4.8), ncols=2)
        self._patch = patch
        # One 3-D panel for the surface and one flat panel for the errors.
        grid = self.axes[1].get_gridspec()
        grid.set_width_ratios([1.35, 1.0])
        self.axes[0].remove()
        with house_style():
            self.ax3d = self.figure.add_subplot(grid[0, 0], projection="3d")
        self.ax_error = self.axes[1]
        self.axes = np.array([self.ax3d, self.ax_error], dtype=object)
        self.controls["formula"] = W.Text(value="" if f is None else str(f), description="f(x, y) =",
                                          placeholder="例如 exp(x) sin(y)", continuous_update=False)
        self.controls["x"] = W.FloatSlider(layout=wide(), step=0.02, description="x₀")
        self.controls["y"] = W.FloatSlider(layout=wide(), step=0.02, description="y₀")
        self.controls["order"] = W.IntSlider(layout=wide(), min=1, description="order k")
        self.surface_artists: dict = {}
        self.error_artists: dict = {}
        self._set_function(surface, point, order)
        p = np.array([self.controls["x"].value, self.controls["y"].value])
        Xl, Yl, Z1, Zk, p3 = self._models(p, min(2, self.model.order_limit))
        self.model_artists = draw_local_models_3d(self.ax3d, Xl, Yl, Z1, Z1 if Zk is None else Zk, p3, self.zlim)
        self._track_artists()
        self.errors: dict = {}
        self.slopes: dict = {}
        self.controls["formula"].observe(self._on_formula, names="value")
        self._connect(skip=("formula",))
        self.invalidate()   # the layout was frozen after the first draw: draw everything on the next move

    def freeze_layout(self) -> None:
        """Lay the figure out once, leaving room for the widest tick labels of the error axis."""
        with _widest_y_ticks(self.ax_error):
            super().freeze_layout()

    # -- the function: the surface, the view box and the error axis change with it only ------------
    def _surface_data(self, expression: sp.Expr, xlim, ylim) -> dict:
        """Compute what the surface of ``expression`` over ``xlim`` x ``ylim`` needs, touching no artist;
        an unusable function raises ``ExplorerMessage``."""
        model = LocalTaylorModel(expression, VARIABLES, max_order=3)
        if model.order_limit < 1:
            raise ExplorerMessage("导数太复杂，无法计算（the derivatives of f are too large to compute）")
        xlim, ylim = tuple(float(v) for v in xlim), tuple(float(v) for v in ylim)
        Xg, Yg = np.meshgrid(np.linspace(*xlim, self.grid_size), np.linspace(*ylim, self.grid_size))
        Z = model(Xg, Yg)
        finite = Z[np.isfinite(Z)]
        if finite.size == 0:
            raise ExplorerMessage("这个函数在视图内处处没有定义（f is undefined on the whole view）")
        lo, hi = float(finite.min()), float(finite.max())
        p1, p99 = np.percentile(finite, [1, 99])
        if hi - lo > 50 * max(p99 - p1, 1e-12):   # a pole would flatten everything else: clip it
            lo, hi = float(p1), float(p99)
        pad = 0.08 * max(hi - lo, 1e-9)
        return {"expression": expression, "model": model, "xlim": xlim, "ylim": ylim, "grid": (Xg, Yg, Z),
                "zlim": (lo - pad, hi + pad)}

    def _set_function(self, surface: dict, point, order: int) -> None:
        """Show the function of ``_surface_data``: surface, title, sliders, and a fresh error axis."""
        self.expression, self.model = surface["expression"], surface["model"]
        self.xlim, self.ylim, self.zlim = surface["xlim"], surface["ylim"], surface["zlim"]
        (x_lo, x_hi), (y_lo, y_hi) = self.xlim, self.ylim
        size = max(x_hi - x_lo, y_hi - y_lo)
        self.patch = float(self._patch) if self._patch is not None else 0.25 * size
        self.radii = np.logspace(-3, np.log10(self.patch), 28)
        for artist in self.surface_artists.values():
            artist.remove()
        self.surface_artists = draw_surface_3d(self.ax3d, *surface["grid"], self.zlim)
        self.ax3d.set_title(f"$f(x,y)={sp.latex(self.expression)}$", fontsize=11)
        for artist in self.error_artists.values():
            artist.remove()
        orders = tuple(range(1, self.model.order_limit + 1))
        self.error_artists = draw_taylor_errors(self.ax_error, self.radii, orders, slopes=(2, 3))
        px, py = point if point is not None else ((x_lo + x_hi) / 2, (y_lo + y_hi) / 2)
        self._busy = True
        try:
            _move_slider(self.controls["x"], x_lo, x_hi, px)
            _move_slider(self.controls["y"], y_lo, y_hi, py)
            _move_slider(self.controls["order"], 1, self.model.order_limit, min(order, self.model.order_limit))
        finally:
            self._busy = False
        self._fresh_view = True   # the error axis fits its y-limits afresh
        self._shown_order = None

    def _track_artists(self) -> None:
        # A move repaints only the plane, the model, the point and the error curves; the surface, the
        # axes and the legends (costly text; the curves rarely reach the upper left corners where the
        # legends sit) stay in the saved background. The error axis changes only when the curves
        # leave it (or use a small part of it), and the 3-D legend names the order: then everything
        # is drawn. A rotation of the 3-D view by the mouse draws everything, and the background is
        # saved again.
        a = self.model_artists
        self.blit_artists = _draw_order([a["plane"], a["model"], a["point"], *self.error_artists.values()])

    @guarded
    def _on_formula(self, change) -> None:
        """A typed f(x, y): show it over its view box; a bad one shows a message and keeps the picture."""
        if self._busy or not change["new"].strip():
            return
        try:
            expression = parse_expression(change["new"], ("x", "y"))
        except ExpressionError as error:
            self.show_message(str(error))
            return
        example = expression == EXAMPLE_5_15
        surface = self._surface_data(expression, *(EXAMPLE_5_15_BOX if example else DEFAULT_BOX))
        self._set_function(surface, EXAMPLE_5_15_POINT if example else None, int(self.controls["order"].value))
        self._track_artists()
        self.freeze_layout()
        self.invalidate()
        self.refresh()

    def _models(self, p: np.ndarray, order: int, tensors=None):
        """Return the patch grid, T_1 and T_order on it, and the point on the surface."""
        tensors = tensors if tensors is not None else self.model.derivatives(p, order)
        s = np.linspace(-self.patch, self.patch, self.patch_size)
        Xl, Yl = np.meshgrid(p[0] + s, p[1] + s)
        points = np.stack([Xl, Yl], axis=-1)
        Z1 = self.model.polynomial(p, points, 1, tensors)
        Zk = self.model.polynomial(p, points, order, tensors) if order >= 2 else None
        return Xl, Yl, Z1, Zk, (p[0], p[1], float(tensors[0]))

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
        Xl, Yl, Z1, Zk, p3 = self._models(p, order, tensors)
        with _unannounced(self.ax3d):        # a new order (in the legend) is drawn in full just below
            update_local_models_3d(self.model_artists, Xl, Yl, Z1, Zk, p3, self.zlim, order)
        if order != self._shown_order:
            self._shown_order = order
            self.invalidate()
        orders = tuple(range(1, self.model.order_limit + 1))
        self.errors = self.model.errors(p, self.radii, orders)
        limits = self.ax_error.get_ylim()
        with _unannounced(self.ax_error):    # new y-limits are drawn in full just below, not twice
            self.slopes = update_taylor_errors(self.error_artists, self.radii, self.errors, order, self.ax_error,
                                               keep_view=not self._fresh_view)
        self._fresh_view = False
        if self.ax_error.get_ylim() != limits:
            self.invalidate()                # new tick labels: draw everything once
        f0, g = float(tensors[0]), tensors[1]
        self.values = {"errors": self.errors, "radii": self.radii, "value": f0, "gradient": g, "slopes": self.slopes}
        fitted = ", ".join(f"$T_{k}$: {s:.2f}" if np.isfinite(s) else f"$T_{k}$: exact"
                           for k, s in self.slopes.items())
        self.readout.value = (f"$x_0 = ({p[0]:.3g}, {p[1]:.3g})$, &nbsp; $f(x_0) = {f0:.4g}$, &nbsp; "
                              f"$\\nabla f(x_0) = [{g[0]:.4g},\\ {g[1]:.4g}]$, &nbsp; "
                              f"$H(x_0) = {_latex_matrix(tensors[2]) if len(tensors) > 2 else '—'}$<br>"
                              f"误差曲线的斜率（fitted log-log slopes）：{fitted}")


def hessian_explorer(f=None, preset: str = "two wells", point=None) -> HessianExplorer:
    """Return the Hessian explorer (controls "function", "formula", "x", "y"); the blog chapter's test of extrema."""
    return HessianExplorer(f, preset=preset, point=point)


def linearization_explorer(f=None, point=None, order: int = 2, **kwargs) -> LinearizationExplorer:
    """Return the linearization explorer of section 5.8 (controls "formula", "x", "y", "order"); Example 5.15 by default."""
    return LinearizationExplorer(f, point=point, order=order, **kwargs)

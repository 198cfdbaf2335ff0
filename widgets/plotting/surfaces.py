"""Drawing helpers for sections 5.7 and 5.8: contour maps with classified critical points, Hessian
eigenvectors and the local quadratic model (2-D); a surface with its tangent plane and Taylor
models (3-D); the Taylor error against the distance on log-log axes; Fig. 5.12 and Fig. 5.13.

Each ``draw_*`` function draws on a given ``Axes`` and returns a dict of artists; the matching
``update_*`` function moves those artists in place. Contour maps are drawn once per function
(``replace_contours``), never per move; the local model's level curves are computed with
contourpy and set on a fixed ``LineCollection``; the 3-D models are ``Poly3DCollection``s whose
vertices are replaced with ``set_verts``, while the surface itself stays untouched.
"""

from __future__ import annotations

import contextlib
from typing import Mapping, Sequence

import contourpy
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import TwoSlopeNorm, to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from widgets.plotting.style import COLORS, FIGSIZE, StaticFigure, clip_limit, house_style, safe_limits

#: Marker, colour and short label of each verdict of the second-derivative test.
KIND_STYLE = {
    "minimum": {"marker": "o", "color": COLORS["tangent"], "text": "min"},
    "maximum": {"marker": "^", "color": COLORS["taylor"], "text": "max"},
    "saddle": {"marker": "X", "color": COLORS["secant"], "text": "saddle"},
    "inconclusive": {"marker": "D", "color": COLORS["error"], "text": "inconclusive"},
}

#: Colours of the eigenvectors u_1, u_2 (arrows on the map, slices beside it).
EIGEN_COLORS = (COLORS["function"], COLORS["secant"])
#: Colours of the Taylor models of order 1, 2, 3 (tangent plane, quadratic, cubic).
ORDER_COLORS = {1: COLORS["tangent"], 2: COLORS["taylor"], 3: COLORS["error"]}
SUBSCRIPTS = dict(enumerate("₀₁₂₃₄₅₆₇₈₉"))


def _model_label(order: int) -> str:
    return "模型 model T" + SUBSCRIPTS.get(order, str(order))


#: Marker of each order on the error curves (colour is not the only difference).
ORDER_MARKERS = {1: "o", 2: "s", 3: "^"}
#: Contour colour map.
CONTOUR_CMAP = "viridis"


def _finite(values) -> np.ndarray:
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def _fit_ylim(ax: Axes, data: tuple[float, float], limits: tuple[float, float], keep: bool) -> None:
    """Set the y-limits of ``ax`` to ``limits`` (the data range ``data`` with some room).

    With ``keep``, the current limits stay while they still hold ``data`` and are less than three
    times as wide as ``limits`` (measured in decades on a log axis); when they must change, they get
    half as much room again (``limits`` widened 1.5 times about their middle). A moving point then
    seldom changes the axis, so the axis can stay in a saved background while the curves move.
    """
    log = ax.get_yscale() == "log"
    to, back = (np.log10, lambda v: 10.0 ** v) if log else ((lambda v: v), (lambda v: v))
    data, limits = tuple(clip_limit(v, log) for v in data), safe_limits(*limits, log=log)
    lo, hi = to(np.asarray(limits, dtype=np.float64))
    if keep:
        now_lo, now_hi = sorted(to(np.asarray(ax.get_ylim(), dtype=np.float64)))
        d_lo, d_hi = to(np.asarray(data, dtype=np.float64))
        if now_lo <= d_lo and d_hi <= now_hi and now_hi - now_lo < 3 * (hi - lo):
            return
        middle, half = (lo + hi) / 2, 0.75 * (hi - lo)
        lo, hi = middle - half, middle + half
    ax.set_ylim(*safe_limits(float(back(lo)), float(back(hi)), log=log))


@contextlib.contextmanager
def unannounced(*axes: Axes):
    """Change ``axes`` (limits, a legend's text) without marking the figure stale, and tell whether their limits moved.

    Yields a dict whose ``"moved"`` is True afterwards when any x- or y-limits changed: the caller then
    draws everything once (a saved background would show the old tick labels). A stale figure would
    make a backend draw everything a second time, and a blitted move must leave the figure clean.
    """
    saved = [(ax, ax.stale_callback, ax.get_xlim(), ax.get_ylim()) for ax in axes]
    for ax in axes:
        ax.stale_callback = None
    report = {"moved": False}
    try:
        yield report
    finally:
        for ax, callback, xlim, ylim in saved:
            ax.stale_callback = callback
            report["moved"] |= ax.get_xlim() != xlim or ax.get_ylim() != ylim


def quantile_levels(Z, count: int = 16) -> np.ndarray:
    """Return up to ``count`` increasing contour levels at evenly spaced quantiles of the finite values of Z.

    Quantiles follow the shape of f: a steep valley (Rosenbrock) still gets lines near its floor.
    """
    finite = np.asarray(Z, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.array([0.0])
    levels = np.unique(np.quantile(finite, np.linspace(0.02, 0.98, count)))
    if levels.size < 2:  # a constant f: three levels around it, apart even for a huge constant
        spread = max(1.0, 1e-3 * abs(float(levels[0])))
        levels = np.array([levels[0] - spread, levels[0], levels[0] + spread])
    return levels


def level_segments(x: np.ndarray, y: np.ndarray, Z: np.ndarray, levels: Sequence[float]) -> list[np.ndarray]:
    """Return the level curves of Z on the grid (x, y) as a list of (N, 2) arrays (via contourpy, no artists)."""
    Z = np.ma.masked_invalid(np.asarray(Z, dtype=np.float64))
    if Z.count() < 4:
        return []
    generator = contourpy.contour_generator(x, y, Z, line_type=contourpy.LineType.Separate)
    lo, hi = float(Z.min()), float(Z.max())
    segments: list[np.ndarray] = []
    for level in levels:
        if lo < level < hi:
            segments.extend(line for line in generator.lines(level) if len(line) > 1)
    return segments


# -- 2-D: contour map, critical points, the point, eigenvectors and the quadratic model -----------

def draw_hessian_view(ax: Axes, X: np.ndarray | None = None, Y: np.ndarray | None = None, Z: np.ndarray | None = None,
                      levels=None, legend: bool = False) -> dict:
    """Draw contours of f (when given; else ``replace_contours`` draws them later) with empty artists for
    critical points, a point, Hessian eigenvectors and the level curves of the local quadratic model
    (5.147); return the artists.

    Critical points carry their own text labels, so the legend is optional (text is the costliest
    thing to redraw).
    """
    with house_style():
        artists: dict = {"contours": None}
        if Z is not None:
            replace_contours(ax, artists, X, Y, Z, levels)
        for kind, style in KIND_STYLE.items():
            artists[kind], = ax.plot([], [], linestyle="none", marker=style["marker"], color=style["color"],
                                     markersize=9, markeredgecolor="white", zorder=5, label=style["text"])
        artists["critical_labels"] = []
        artists["window"], = ax.plot([], [], color=COLORS["axis"], linestyle=":", linewidth=1.0, zorder=2)
        artists["model"] = ax.add_collection(LineCollection([], colors=COLORS["taylor"], linestyles="--",
                                                            linewidths=1.5, zorder=3, label="model"))
        artists["point"], = ax.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=7, label="$x_0$")
        artists["arrows"] = ax.quiver([0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], angles="xy",
                                      scale_units="xy", scale=1.0, width=0.007, zorder=6,
                                      color=list(EIGEN_COLORS))
        # clip_on: a label never leaves the axes (moves repaint only the axes)
        artists["eigen_labels"] = [ax.text(0.0, 0.0, "", fontsize=9, zorder=8, ha="center", va="center", clip_on=True,
                                           color=color, bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                                              "ec": "none", "alpha": 0.9})
                                   for color in EIGEN_COLORS]
        ax.set_aspect("equal", adjustable="box")
        ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.grid(False)
        if legend:
            ax.legend(handles=[artists[k] for k in KIND_STYLE], loc="upper center",
                      bbox_to_anchor=(0.5, -0.13), fontsize=8, ncols=4, handlelength=1.2,
                      columnspacing=0.8)
    return artists


def replace_contours(ax: Axes, artists: dict, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, levels) -> None:
    """Replace the contour set of ``draw_hessian_view`` for a new function and view (not for every move)."""
    with house_style():
        if artists.get("contours") is not None:
            artists["contours"].remove()
        artists["contours"] = ax.contour(X, Y, np.ma.masked_invalid(Z), levels=levels, cmap=CONTOUR_CMAP,
                                         linewidths=0.9, zorder=1)
        ax.set_xlim(float(np.min(X)), float(np.max(X)))
        ax.set_ylim(float(np.min(Y)), float(np.max(Y)))


def update_critical_points(ax: Axes, artists: dict, points: Sequence[tuple[float, float, str]]) -> None:
    """Mark critical points (x, y, kind) with their kind's marker and a short text label."""
    for label in artists["critical_labels"]:
        label.remove()
    artists["critical_labels"] = []
    with house_style():
        for kind, style in KIND_STYLE.items():
            chosen = np.array([(px, py) for px, py, k in points if k == kind], dtype=np.float64).reshape(-1, 2)
            artists[kind].set_data(chosen[:, 0], chosen[:, 1])
            for px, py in chosen:
                artists["critical_labels"].append(
                    ax.annotate(style["text"], (px, py), textcoords="offset points", xytext=(7, 6), fontsize=9,
                                color=style["color"], fontweight="bold", zorder=8,
                                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7}))


def update_hessian_point(artists: Mapping, point, eigenvalues, eigenvectors, arrow_length: float,
                         model_segments: Sequence[np.ndarray], half_width: float) -> None:
    """Move the point, the eigenvector arrows u_1, u_2 (columns of ``eigenvectors``, labelled with
    their eigenvalues) and the quadratic model's level curves inside the square window of ``half_width``."""
    px, py = float(point[0]), float(point[1])
    artists["point"].set_data([px], [py])
    eigenvalues = np.asarray(eigenvalues, dtype=np.float64)
    vectors = np.asarray(eigenvectors, dtype=np.float64) * arrow_length
    arrows = artists["arrows"]
    arrows.set_offsets([[px, py], [px, py]])
    arrows.set_UVC(vectors[0], vectors[1])
    w = half_width
    ax = artists["point"].axes
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    # Each label goes just outside the model's window, where its arrow points: clear of the box, the model's
    # level curves inside it and the other label (the eigenvectors are orthogonal: another side). When the
    # view ends there, it goes outside the opposite side; failing both, inside the view's edge.
    px_w = (x1 - x0) / max(ax.bbox.width, 1.0)   # data units per pixel
    px_h = (y1 - y0) / max(ax.bbox.height, 1.0)
    for i, label in enumerate(artists["eigen_labels"]):
        text = f"$\\lambda_{i + 1}={eigenvalues[i]:.3g}$"
        size = (7.5 * (len(text) - 8) + 18) * px_w, 18 * px_h   # generous extent of the label (9 pt)
        direction = vectors[:, i] / (np.hypot(*vectors[:, i]) or 1.0)
        for d in (direction, -direction):
            reach = w / max(abs(d[0]), abs(d[1]), 1e-12)
            lx, ly = px + d[0] * reach, py + d[1] * reach
            ha = "left" if d[0] > 0.38 else "right" if d[0] < -0.38 else "center"
            va = "bottom" if d[1] > 0.38 else "top" if d[1] < -0.38 else "center"
            lx += 4 * px_w * (ha == "left") - 4 * px_w * (ha == "right")
            ly += 4 * px_h * (va == "bottom") - 4 * px_h * (va == "top")
            left = lx - size[0] * {"left": 0.0, "center": 0.5, "right": 1.0}[ha]
            bottom = ly - size[1] * {"bottom": 0.0, "center": 0.5, "top": 1.0}[va]
            if x0 <= left and left + size[0] <= x1 and y0 <= bottom and bottom + size[1] <= y1:
                break
        else:
            lx, ly = px + direction[0] * w, py + direction[1] * w
            ha, va = "center", "center"
            lx = float(np.clip(lx, x0 + 0.5 * size[0], x1 - 0.5 * size[0]))
            ly = float(np.clip(ly, y0 + 0.5 * size[1], y1 - 0.5 * size[1]))
        label.set_ha(ha)
        label.set_va(va)
        label.set_position((float(lx), float(ly)))
        label.set_text(text)
    artists["model"].set_segments(list(model_segments))
    artists["window"].set_data([px - w, px + w, px + w, px - w, px - w], [py - w, py - w, py + w, py + w, py - w])


def update_local_quadratic(map_artists: Mapping, slice_artists: Mapping, f, point, value: float, gradient,
                           eigenvalues, eigenvectors, levels, half_width: float, arrow_length: float,
                           keep_view: bool = False) -> list[np.ndarray]:
    """Show the second-order picture of f at ``point`` (``f`` takes arrays x, y): the Hessian's eigenvectors u_1,
    u_2 (columns of ``eigenvectors``) labelled with their eigenvalues, the level curves (at ``levels``) of the
    quadratic model q(x) = f(x0) + grad f(x0) d + d^T H d / 2, d = x - x0 (5.147), in the window of
    ``half_width``, and the slices of f and q along u_1 and u_2 (with ``keep_view`` the slices keep their
    y-limits while they hold them). Return the model's level curves."""
    p, g = np.asarray(point, dtype=np.float64), np.asarray(gradient, dtype=np.float64)
    lam, U = np.asarray(eigenvalues, dtype=np.float64), np.asarray(eigenvectors, dtype=np.float64)
    w = half_width
    xl, yl = np.linspace(p[0] - w, p[0] + w, 33), np.linspace(p[1] - w, p[1] + w, 33)
    delta = np.stack(np.meshgrid(xl, yl), axis=-1) - p
    quadratic = value + delta @ g + 0.5 * (delta @ U) ** 2 @ lam     # d^T H d = sum_i lambda_i (u_i . d)^2
    segments = level_segments(xl, yl, quadratic, levels)
    update_hessian_point(map_artists, p, lam, U, arrow_length, segments, w)
    t = np.linspace(-w, w, 81)
    update_eigen_slices(slice_artists, t, [f(p[0] + t * u[0], p[1] + t * u[1]) - value for u in U.T],
                        [float(g @ u) * t + 0.5 * lam_i * t ** 2 for lam_i, u in zip(lam, U.T)],
                        slice_artists["f1"].axes, keep_view=keep_view)
    return segments


def draw_eigen_slices(ax: Axes) -> dict:
    """Draw empty slices f(x0 + t u_i) - f(x0) (solid) and their quadratic models (dashed) along the
    eigenvectors u_1 (blue, plain lines) and u_2 (orange, lines with hollow circles); return the artists."""
    with house_style():
        artists = {"zero": ax.axhline(0.0, color=COLORS["axis"], linewidth=0.8),
                   "origin": ax.axvline(0.0, color=COLORS["axis"], linewidth=0.8)}
        for i, color in enumerate(EIGEN_COLORS, start=1):
            # u2 carries hollow circles along both its lines: told from u1 without its colour
            marks = {} if i == 1 else {"marker": "o", "markersize": 5, "markerfacecolor": "white",
                                       "markevery": (0.05, 0.1)}
            artists[f"f{i}"], = ax.plot([], [], color=color, **marks)
            artists[f"q{i}"], = ax.plot([], [], color=color, linestyle="--", linewidth=1.5, **marks)
        ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
        # No legend and short labels: text is the costliest part of a redraw.
        ax.set_xlabel("t along u\N{SUBSCRIPT ONE} (blue, plain) or u\N{SUBSCRIPT TWO} (orange, with \N{WHITE CIRCLE})")
        ax.set_ylabel("change in f (solid), model (dashed)")
    return artists


def update_eigen_slices(artists: Mapping, t: np.ndarray, f_slices: Sequence[np.ndarray],
                        q_slices: Sequence[np.ndarray], ax: Axes | None = None, keep_view: bool = False) -> None:
    """Move the slices of ``draw_eigen_slices``; with ``ax``, fit the view to them (with ``keep_view``,
    keep the current y-limits while they hold the slices and are not much too wide)."""
    for i in (1, 2):
        artists[f"f{i}"].set_data(t, _finite(f_slices[i - 1]))
        artists[f"q{i}"].set_data(t, _finite(q_slices[i - 1]))
    if ax is not None:
        values = np.concatenate([_finite(v) for v in (*f_slices, *q_slices)])
        values = values[np.isfinite(values)]
        lo, hi = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
        pad = 0.12 * max(hi - lo, 1e-9)
        ax.set_xlim(float(t[0]), float(t[-1]))
        _fit_ylim(ax, (lo, hi), (lo - pad, hi + 2.5 * pad), keep_view)


# -- 3-D: surface, tangent plane and Taylor models ---------------------------------------------

def grid_polygons(X: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Return the quadrilaterals of a grid surface as an (N, 4, 3) array for ``Poly3DCollection.set_verts``."""
    P = np.stack([X, Y, Z], axis=-1)
    quads = np.stack([P[:-1, :-1], P[:-1, 1:], P[1:, 1:], P[1:, :-1]], axis=-2)
    return quads.reshape(-1, 4, 3)


def surface_zlim(Z: np.ndarray) -> tuple[float, float] | None:
    """Return z-limits that show the finite heights Z with a little room (a pole, which would flatten everything
    else, is clipped to the 1st-99th percentiles), or None when no height is finite."""
    finite = np.asarray(Z, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return None
    lo, hi = float(finite.min()), float(finite.max())
    p1, p99 = np.percentile(finite, [1, 99])
    if hi - lo > 50 * max(p99 - p1, 1e-12):
        lo, hi = float(p1), float(p99)
    pad = 0.08 * max(hi - lo, 1e-9)
    return (lo - pad, hi + pad)


def draw_surface_3d(ax, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, zlim) -> dict:
    """Draw the surface z = f(x, y) once (it never moves) on a 3-D Axes; return the artists."""
    with house_style():
        Zc = np.clip(_finite(Z), *zlim)
        artists = {"surface": ax.plot_surface(X, Y, Zc, cmap=CONTOUR_CMAP, alpha=0.4, linewidth=0,
                                              antialiased=False, rstride=1, cstride=1, zorder=1)}
        # The models are drawn over the surface (matplotlib sorts whole collections, not polygons,
        # so a depth-sorted plane would vanish behind the surface as soon as it dips below it).
        ax.computed_zorder = False
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
        ax.set_xlim(float(np.min(X)), float(np.max(X)))
        ax.set_ylim(float(np.min(Y)), float(np.max(Y)))
        ax.set_zlim(*zlim)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.set_zlabel("$f$")
        ax.view_init(elev=24, azim=-58)
    return artists


def draw_local_models_3d(ax, Xl: np.ndarray | None = None, Yl: np.ndarray | None = None, Z1: np.ndarray | None = None,
                         Zk: np.ndarray | None = None, point3=(np.nan, np.nan, np.nan), zlim=None, order: int = 2) -> dict:
    """Draw the tangent plane T_1 and a Taylor model T_k over a patch around x0, and the point; return them.

    Without data they are drawn empty, for ``update_local_models_3d`` to move them."""
    empty = np.empty((0, 4, 3))
    plane_verts = empty if Z1 is None else grid_polygons(Xl, Yl, np.clip(_finite(Z1), *zlim))
    model_verts = empty if Zk is None else grid_polygons(Xl, Yl, np.clip(_finite(Zk), *zlim))
    with house_style():
        artists = {
            "plane": Poly3DCollection(plane_verts, facecolor=ORDER_COLORS[1], edgecolor=ORDER_COLORS[1],
                                      linewidth=0.6, alpha=0.35, zorder=3),
            # the model's grid lines are drawn strongly: where it hugs f (order 3), they still show it
            "model": Poly3DCollection(model_verts, facecolor=to_rgba(ORDER_COLORS[order], 0.2),
                                      edgecolor=to_rgba(ORDER_COLORS[order], 0.95), linewidth=1.1, zorder=4),
            "plane_verts": plane_verts,   # what the collections hold, (N, 4, 3)
            "model_verts": model_verts,
        }
        ax.add_collection3d(artists["plane"])
        ax.add_collection3d(artists["model"])
        artists["point"], = ax.plot([point3[0]], [point3[1]], [point3[2]], "o", color=COLORS["point"],
                                    markersize=6, zorder=10)
        # patches coloured as the surfaces; plain text, since mathtext has no CJK fallback
        handles = [Patch(facecolor=to_rgba(ORDER_COLORS[1], 0.35), edgecolor=ORDER_COLORS[1], linewidth=0.8,
                         label="切平面 tangent plane T" + SUBSCRIPTS[1]),
                   Patch(facecolor=to_rgba(ORDER_COLORS[order], 0.2), edgecolor=ORDER_COLORS[order], linewidth=2.0,
                         label=_model_label(order))]
        artists["legend"] = ax.legend(handles=handles, loc="upper left", fontsize=10)
    return artists


def update_local_models_3d(artists: dict, Xl: np.ndarray, Yl: np.ndarray, Z1: np.ndarray, Zk: np.ndarray | None,
                           point3, zlim, order: int = 2) -> None:
    """Move the plane and the model of ``draw_local_models_3d`` (``set_verts``); hide the model when None.

    Heights are clipped to ``zlim`` so a steep model does not leave the box. The collections are
    projected at once, so they can be redrawn alone over a saved background (blitting).
    """
    artists["plane_verts"] = grid_polygons(Xl, Yl, np.clip(_finite(Z1), *zlim))
    artists["plane"].set_verts(artists["plane_verts"])
    if Zk is None:
        artists["model"].set_visible(False)
    else:
        artists["model_verts"] = grid_polygons(Xl, Yl, np.clip(_finite(Zk), *zlim))
        artists["model"].set_verts(artists["model_verts"])
        artists["model"].set_facecolor(to_rgba(ORDER_COLORS[order], 0.2))
        artists["model"].set_edgecolor(to_rgba(ORDER_COLORS[order], 0.95))
        artists["model"].set_visible(True)
    legend_patch = artists["legend"].get_patches()[1]
    legend_patch.set_facecolor(to_rgba(ORDER_COLORS.get(order, ORDER_COLORS[2]), 0.2))
    legend_patch.set_edgecolor(ORDER_COLORS.get(order, ORDER_COLORS[2]))
    artists["legend"].get_texts()[1].set_text(_model_label(order) if Zk is not None else "模型 model: 1 阶时无 (none)")
    artists["point"].set_data_3d([point3[0]], [point3[1]], [point3[2]])
    _project(artists["plane"])
    _project(artists["model"])


def _project(collection: Poly3DCollection) -> None:
    """Project a ``Poly3DCollection`` with its Axes' current view.

    ``set_verts`` leaves the flat polygons empty until the next projection, which a full draw of the
    Axes does; projecting now lets the collection be drawn on its own (blitted) with its new vertices.
    The view is the one of the last full draw (before any draw there is none, and nothing to do).
    """
    if getattr(collection.axes, "M", None) is not None:
        collection.do_3d_projection()


# -- the Taylor error against the distance (log-log) --------------------------------------------

#: Smallest error shown on the log axis (an exact model would otherwise vanish).
ERROR_FLOOR = 1e-16


def draw_taylor_errors(ax: Axes, radii: np.ndarray, orders: Sequence[int] = (1, 2, 3),
                       slopes: Sequence[int] = (2, 3)) -> dict:
    """Draw empty log-log curves of max |f - T_k| on circles of radius r, with reference slopes; return them."""
    with house_style():
        artists: dict = {}
        for k in orders:
            artists[f"T{k}"], = ax.loglog(radii, np.full_like(radii, np.nan), color=ORDER_COLORS.get(k, "k"),
                                          marker=ORDER_MARKERS.get(k, "o"), markersize=4, markevery=3,
                                          label=f"$|f-T_{k}|$")
        for s, style in zip(slopes, ("--", ":", "-.")):
            artists[f"slope{s}"], = ax.loglog(radii, np.full_like(radii, np.nan), color=COLORS["axis"],
                                              linestyle=style, linewidth=1.2, label=f"slope {s}")
        ax.set_xlim(float(radii[0]), float(radii[-1]))
        # Few ticks and no minor ticks: tick labels are most of the cost of a redraw.
        ax.yaxis.set_major_locator(LogLocator(numticks=6))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("distance $\\|x-x_0\\|$")
        ax.set_ylabel("max error on the circle")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), fontsize=10, ncols=3, borderaxespad=0.0,
                  handlelength=1.8, columnspacing=1.0)
    return artists


def update_taylor_errors(artists: Mapping, radii: np.ndarray, errors: Mapping[int, np.ndarray],
                         highlight: int | None = None, ax: Axes | None = None,
                         keep_view: bool = False) -> dict[int, float]:
    """Move the error curves; anchor the slope-s reference line on the curve of T_(s-1) at the largest radius.

    With ``ax``, fit the y-limits to the curves (with ``keep_view``, keep the current ones while they
    hold the curves and are not much too wide). Return the fitted log-log slope of each error curve
    over the radii where it is above rounding.
    """
    fitted: dict[int, float] = {}
    shown = []
    for k, err in errors.items():
        err = np.maximum(_finite(err), ERROR_FLOOR)
        artists[f"T{k}"].set_data(radii, err)
        artists[f"T{k}"].set_linewidth(3.0 if k == highlight else 1.4)
        usable = np.isfinite(err) & (err > 1e-11)
        fitted[k] = (float(np.polyfit(np.log(radii[usable]), np.log(err[usable]), 1)[0])
                     if usable.sum() >= 3 else float("nan"))
        shown.append(err[np.isfinite(err)])
    for name in [n for n in artists if n.startswith("slope")]:
        s = int(name[5:])
        anchor = errors.get(s - 1)
        value = float(anchor[-1]) if anchor is not None and np.isfinite(anchor[-1]) and anchor[-1] > 1e-10 else 1.0
        artists[name].set_data(radii, value * 0.5 * (radii / radii[-1]) ** s)
    if ax is not None and shown:
        values = np.concatenate(shown)
        values = values[values > ERROR_FLOOR * 1.01]
        top = float(values.max()) * 5 if values.size else 1.0
        bottom = max(float(values.min()) / 5, ERROR_FLOOR / 2) if values.size else ERROR_FLOOR / 2
        data = (float(values.min()), float(values.max())) if values.size else (bottom, top)
        _fit_ylim(ax, data, (bottom, max(top, bottom * 100)), keep_view)
    return fitted


# -- static figures -----------------------------------------------------------------------------

def draw_linearization(ax: Axes, x: np.ndarray, fx: np.ndarray, x0: float, f0: float, slope: float,
                       ylim=None) -> dict:
    """Draw f and its linearization f(x0) + f'(x0)(x - x0) at x0 (5.148, Fig. 5.12); return the artists."""
    with house_style():
        artists = {
            "curve": ax.plot(x, _finite(fx), color=COLORS["function"], label="$f(x)$")[0],
            "line": ax.plot(x, f0 + slope * (x - x0), color=COLORS["secant"], linestyle="--",
                            label="$f(x_0)+f'(x_0)(x-x_0)$")[0],
            "point": ax.plot([x0], [f0], "o", color=COLORS["point"], markersize=6, label="$f(x_0)$", zorder=5)[0],
        }
        ax.set_xlim(float(x[0]), float(x[-1]))
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$f(x)$")
        ax.legend(loc="best")
    return artists


def draw_outer_product_matrix(ax: Axes, delta: np.ndarray) -> dict:
    """Draw delta^2 = delta delta^T as an annotated matrix (Fig. 5.13a); return the artists."""
    delta = np.asarray(delta, dtype=np.float64)
    D2 = np.multiply.outer(delta, delta)
    limit = float(np.max(np.abs(D2))) or 1.0
    with house_style():
        image = ax.imshow(D2, cmap="RdBu_r", norm=TwoSlopeNorm(0.0, -limit, limit))
        texts = [ax.text(j, i, f"{D2[i, j]:g}", ha="center", va="center", fontsize=10,
                         color="white" if abs(D2[i, j]) > 0.6 * limit else "black")
                 for i in range(D2.shape[0]) for j in range(D2.shape[1])]
        ticks = range(delta.size)
        ax.set_xticks(ticks, [f"{v:g}" for v in delta])
        ax.set_yticks(ticks, [f"{v:g}" for v in delta])
        ax.set_xlabel("$\\delta[j]$")
        ax.set_ylabel("$\\delta[i]$")
        ax.set_title("$\\delta^2=\\delta\\delta^\\top$, $\\delta^2[i,j]=\\delta[i]\\delta[j]$", fontsize=11)
        ax.grid(False)
    return {"image": image, "texts": texts}


def draw_outer_product_tensor(ax, delta: np.ndarray) -> dict:
    """Draw delta^3 = delta (x) delta (x) delta as a cube of coloured cells (Fig. 5.13b); return them."""
    import matplotlib as mpl

    delta = np.asarray(delta, dtype=np.float64)
    D3 = np.multiply.outer(np.multiply.outer(delta, delta), delta)
    limit = float(np.max(np.abs(D3))) or 1.0
    colors = mpl.colormaps["RdBu_r"](TwoSlopeNorm(0.0, -limit, limit)(D3))
    with house_style():
        voxels = ax.voxels(np.ones(D3.shape, dtype=bool), facecolors=colors, edgecolor="white", linewidth=0.5,
                           shade=False)
        n = delta.size
        ax.set_xticks(np.arange(n) + 0.5, [f"{v:g}" for v in delta])
        ax.set_yticks(np.arange(n) + 0.5, [f"{v:g}" for v in delta])
        ax.set_zticks(np.arange(n) + 0.5, [f"{v:g}" for v in delta])
        ax.set_xlabel("$i$")
        ax.set_ylabel("$j$")
        ax.set_zlabel("$k$")
        ax.set_title("$\\delta^3[i,j,k]=\\delta[i]\\delta[j]\\delta[k]$", fontsize=11)
        ax.view_init(elev=22, azim=-50)
    return {"voxels": voxels}


def static_figure_2d_3d(figsize=(9.0, 4.2), ratios=(1.0, 1.2)):
    """Return (figure, (ax2d, ax3d)): a static figure with a flat and a 3-D panel side by side."""
    with house_style():
        fig = StaticFigure(figsize=figsize or FIGSIZE, layout="constrained")
        grid = fig.add_gridspec(1, 2, width_ratios=ratios)
        ax2d = fig.add_subplot(grid[0, 0])
        ax3d = fig.add_subplot(grid[0, 1], projection="3d")
    return fig, (ax2d, ax3d)

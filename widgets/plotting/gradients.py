"""Drawing helpers for sections 5.2 and 5.3: contour maps with gradient fields, directional derivatives,
the chain rule along a path, gradient checking against h, and maps of the plane with their Jacobians
(Fig. 5.5 and the local area scaling |det J|).

Each ``draw_*`` function draws on a given ``Axes`` and returns a dict of artists; the matching
``update_*`` function moves those artists in place, so explorers never re-plot.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Polygon
from matplotlib.ticker import AutoLocator, MaxNLocator, NullLocator

from widgets.math.gradients import normalized, square_boundary
from widgets.plotting.style import COLORS, house_style

#: Colours of this section's artists (taken from the house palette).
GRADIENT_COLORS = {
    "field": "#8C8C8C",
    "u": COLORS["secant"],          # orange: the chosen direction u
    "ascent": COLORS["tangent"],    # green: steepest ascent
    "level": COLORS["error"],       # purple: the contour line through the point
    "path": COLORS["taylor"],       # vermilion: the path x(t)
    "b1": COLORS["taylor"],         # vermilion: first basis edge
    "b2": COLORS["function"],       # blue: second basis edge
    "image": COLORS["secant"],      # orange: the true image of the square
    "linear": COLORS["tangent"],    # green: the image under the linearization J
    "flipped": COLORS["error"],     # purple: an image whose orientation is reversed
}


def _finite(values) -> np.ndarray:
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def lean_ticks(*axes: Axes, nbins: int = 4) -> None:
    """Use about ``nbins`` ticks on the linear axes given and no minor ticks on log axes: ticks and their
    labels are most of the cost of a redraw."""
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "linear" and isinstance(axis.get_major_locator(), AutoLocator):
                axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
            elif axis.get_scale() == "log":
                axis.set_minor_locator(NullLocator())


def round_up(value: float) -> float:
    """Return the smallest number 1, 2, 2.5 or 5 times a power of ten that is >= ``value`` (> 0)."""
    magnitude = 10.0 ** np.floor(np.log10(value))
    return float(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value * (1 - 1e-12)))


def steady_top(needed: float, current: float, shrink: float = 3.0) -> float:
    """Return the upper y-limit of a symmetric view that must reach ``needed``: the ``current`` one while it
    reaches it and is less than ``shrink`` times too large, else the next round value (see ``round_up``).

    A view that keeps its limits during a drag keeps its tick labels, so only the data are repainted.
    """
    return current if needed <= current < shrink * needed else round_up(needed)


def steady_limits(current: tuple[float, float], lo: float, hi: float, floor: float | None = None,
                  fill: tuple[float, float] = (0.4, 0.65)) -> tuple[float, float]:
    """Return y-limits showing [lo, hi] (cut at ``floor``, if given): the ``current`` ones while they contain
    it and it spans at least ``fill[0]`` of them; otherwise limits it spans ``fill[1]`` of, centred on it
    (but never below ``floor``).

    A view that keeps its limits during a drag keeps its tick labels, so only the data are repainted.
    """
    if floor is not None:
        lo = max(lo, floor)
    if not hi - lo > 1e-12 * max(1.0, abs(lo), abs(hi)):  # a single value: show it in a unit-wide view
        lo, hi = lo - 0.5, hi + 0.5
        lo = lo if floor is None else max(lo, floor)
    a, b = current
    if a <= lo and hi <= b and hi - lo >= fill[0] * (b - a):
        return (float(a), float(b))
    centre, half = (lo + hi) / 2, (hi - lo) / (2 * fill[1])
    bottom = centre - half if floor is None else max(centre - half, floor)
    return (float(bottom), float(centre + half))


def _arrow(ax: Axes, color: str, label: str = "_arrow", width: float = 0.012, zorder: int = 6):
    """Return a one-arrow quiver drawn in data units (move it with set_offsets and set_UVC)."""
    return ax.quiver([0.0], [0.0], [0.0], [0.0], angles="xy", scale_units="xy", scale=1, color=color,
                     width=width, label=label, zorder=zorder)


def move_arrow(arrow, start, vector) -> None:
    """Move a one-arrow quiver to start at ``start`` with components ``vector`` (nan hides it)."""
    offsets = np.asarray(start, dtype=np.float64).reshape(1, 2)
    arrow.set_offsets(offsets)
    arrow.XY = offsets  # the quiver keeps its own copy for the arrow angles
    vector = np.nan_to_num(np.asarray(vector, dtype=np.float64).ravel())
    arrow.set_UVC([vector[0]], [vector[1]])


# -- contour maps and gradient fields (5.2 and the blog chapter) --------------------------------------------
def label_contours(ax: Axes, contours, xlim, ylim, most: int = 9, fontsize: float = 9) -> list:
    """Label at most ``most`` contour levels, each once, where its line lies deepest inside the view and
    apart from the labels already placed (plain ``clabel`` stacks labels where the lines crowd, often in
    the corners); return the label texts."""
    (x0, x1), (y0, y1) = map(float, xlim), map(float, ylim)
    w, h = x1 - x0, y1 - y0
    levels = list(contours.levels)
    segments = contours.allsegs
    present = [i for i, segs in enumerate(segments) if any(len(seg) > 1 for seg in segs)]
    chosen = present[::max(1, -(-len(present) // most))]
    placed: list[tuple[float, float]] = []
    for i in chosen:
        points = np.concatenate([seg for seg in segments[i] if len(seg) > 1])
        u, v = (points[:, 0] - x0) / w, (points[:, 1] - y0) / h      # 0..1 across the view
        depth = np.minimum.reduce([u, 1 - u, v, 1 - v])            # distance to the nearest edge
        score = depth.copy()
        for px, py in placed:                                       # keep apart from earlier labels
            gap = np.hypot((points[:, 0] - px) / w, (points[:, 1] - py) / h)
            score = np.minimum(score, gap - 0.08)
        best = int(np.argmax(score))
        if depth[best] < 0.06 or score[best] < 0.0:
            continue                                                # only in a corner or on top of another label
        placed.append((float(points[best, 0]), float(points[best, 1])))
    if not placed:
        return []
    return ax.clabel(contours, levels=[levels[i] for i in chosen], manual=placed, inline=True, fontsize=fontsize,
                     fmt=lambda value: f"{value:g}".replace("-", "\N{MINUS SIGN}"))


def draw_contour_map(ax: Axes, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, levels,
                     xlabel: str = "$x$", ylabel: str = "$y$", clabel: bool = False) -> dict:
    """Draw the contour lines f = const of Z over (X, Y) on equal axes; return {"contours": ...}."""
    with house_style():
        contours = ax.contour(X, Y, _finite(Z), levels=levels, cmap="viridis", linewidths=1.0, zorder=2)
        if clabel:
            label_contours(ax, contours, (X.min(), X.max()), (Y.min(), Y.max()))
        ax.set_xlim(X.min(), X.max())
        ax.set_ylim(Y.min(), Y.max())
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
    return {"contours": contours}


def replace_contours(artists: dict, ax: Axes, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, levels) -> None:
    """Replace the contour lines of ``draw_contour_map`` (when the function itself changes)."""
    artists["contours"].remove()
    with house_style():
        artists["contours"] = ax.contour(X, Y, _finite(Z), levels=levels, cmap="viridis", linewidths=1.0, zorder=2)
    ax.set_xlim(X.min(), X.max())
    ax.set_ylim(Y.min(), Y.max())


def draw_gradient_field(ax: Axes, X: np.ndarray, Y: np.ndarray, U: np.ndarray, V: np.ndarray,
                        length: float | None = None) -> dict:
    """Draw the gradient directions on a coarse grid as arrows of equal length; return {"field": quiver}.

    Only the direction is drawn (lengths would span orders of magnitude); it is perpendicular to the contours.
    """
    if length is None:
        length = 0.7 * float(np.ptp(X)) / max(X.shape[1] - 1, 1)
    u, v = normalized(U, V)
    with house_style():
        field = ax.quiver(X, Y, length * u, length * v, angles="xy", scale_units="xy", scale=1,
                          color=GRADIENT_COLORS["field"], width=0.004, alpha=0.8, zorder=3, pivot="middle")
    return {"field": field, "field_length": length}


def update_gradient_field(artists: dict, U: np.ndarray, V: np.ndarray, X=None, Y=None) -> None:
    """Point the arrows of ``draw_gradient_field`` along new gradient components (and move them to a
    new grid X, Y of the same shape, if given)."""
    if X is not None:
        offsets = np.column_stack([np.ravel(X), np.ravel(Y)])
        artists["field"].set_offsets(offsets)
        artists["field"].XY = offsets
        artists["field_length"] = 0.7 * float(np.ptp(X)) / max(np.shape(X)[1] - 1, 1)
    u, v = normalized(U, V)
    length = artists["field_length"]
    artists["field"].set_UVC(length * u, length * v)


def draw_direction_marks(ax: Axes) -> dict:
    """Draw empty artists for a point, the unit vector u, the steepest-ascent direction, the level curve
    through the point and its tangent line."""
    with house_style():
        artists = {
            "curve": ax.plot([], [], color=GRADIENT_COLORS["level"], linewidth=1.8, zorder=4,
                             label="level curve $f = f(p)$")[0],
            "level": ax.plot([], [], color=GRADIENT_COLORS["level"], linestyle="--", linewidth=1.2, zorder=4,
                             label="its tangent")[0],
            "ascent": _arrow(ax, GRADIENT_COLORS["ascent"], r"$\nabla f/\|\nabla f\|$"),
            "u": _arrow(ax, GRADIENT_COLORS["u"], r"$u$"),
            "point": ax.plot([], [], "o", color=COLORS["point"], markersize=7, zorder=7)[0],
        }
    return artists


def update_direction_marks(artists: Mapping, point, u, ascent, length: float) -> None:
    """Move the point and its arrows: u and ascent are unit vectors drawn ``length`` long; ascent may be None."""
    point = np.asarray(point, dtype=np.float64)
    artists["point"].set_data([point[0]], [point[1]])
    move_arrow(artists["u"], point, length * np.asarray(u))
    if ascent is None:
        move_arrow(artists["ascent"], point, [0.0, 0.0])
        artists["level"].set_data([], [])
        return
    ascent = np.asarray(ascent, dtype=np.float64)
    move_arrow(artists["ascent"], point, length * ascent)
    along = np.array([-ascent[1], ascent[0]])  # the level line is perpendicular to the gradient
    ends = point + np.outer([-1.2 * length, 1.2 * length], along)
    artists["level"].set_data(ends[:, 0], ends[:, 1])


def level_curve(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the contour f = level of gridded Z as one polyline (pieces separated by NaN)."""
    import contourpy

    with np.errstate(all="ignore"):
        pieces = contourpy.contour_generator(X, Y, np.ma.masked_invalid(Z), name="serial").lines(level)
    if not pieces:
        return np.array([]), np.array([])
    joined = np.concatenate([np.vstack([p, [[np.nan, np.nan]]]) for p in pieces])
    return joined[:, 0], joined[:, 1]


def update_level_curve(artists: Mapping, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, level: float) -> None:
    """Draw the level curve f = level through the current point (computed without a new contour set)."""
    artists["curve"].set_data(*level_curve(X, Y, Z, level))


def draw_directional_profile(ax: Axes) -> dict:
    """Draw empty artists for D_u f = grad f . u against the angle theta of u, on theta in [0, 2 pi]."""
    with house_style():
        artists = {
            "zero": ax.axhline(0.0, color=COLORS["axis"], linewidth=0.8, zorder=1),
            "curve": ax.plot([], [], color=COLORS["function"], zorder=3,
                             label=r"$\nabla f\cdot u = \|\nabla f\|\cos(\theta-\theta_\nabla)$")[0],
            "extremes": ax.plot([], [], "^", color=GRADIENT_COLORS["ascent"], markersize=8, zorder=4,
                                label="steepest ascent / descent")[0],
            "current": ax.plot([], [], "o", color=GRADIENT_COLORS["u"], markersize=8, zorder=5,
                               label=r"$\nabla f\cdot u$ at $\theta$")[0],
            "fd": ax.plot([], [], "x", color=COLORS["point"], markersize=9, markeredgewidth=2, zorder=6,
                          label="finite difference")[0],
            "theta": ax.axvline(0.0, color=GRADIENT_COLORS["u"], linewidth=1.0, alpha=0.6, zorder=2),
        }
        ax.set_xlim(0.0, 2 * np.pi)
        ax.set_xticks(np.arange(5) * np.pi / 2, ["$0$", r"$\pi/2$", r"$\pi$", r"$3\pi/2$", r"$2\pi$"])
        ax.set_xlabel(r"direction angle $\theta$ of $u$")
        ax.set_ylabel(r"$D_u f$")
    return artists


def update_directional_profile(artists: Mapping, ax: Axes, thetas: np.ndarray, values: np.ndarray, theta: float,
                               exact: float, fd: float, theta_ascent: float | None, slope_max: float) -> None:
    """Move the profile of ``draw_directional_profile``: the curve, the current angle, the two
    derivative values and the extremes at theta_ascent and theta_ascent + pi. The y-limits +-top change
    only when the curve leaves them or becomes small in them (``steady_top``)."""
    artists["curve"].set_data(thetas, _finite(values))
    artists["current"].set_data([theta], [exact])
    artists["fd"].set_data([theta], [fd])
    artists["theta"].set_xdata([theta, theta])
    if theta_ascent is None:
        artists["extremes"].set_data([], [])
    else:
        ends = np.mod([theta_ascent, theta_ascent + np.pi], 2 * np.pi)
        artists["extremes"].set_data(ends, [slope_max, -slope_max])
    top = steady_top(max(1.15 * slope_max, 1e-3), ax.get_ylim()[1])
    if ax.get_ylim() != (-top, top):
        ax.set_ylim(-top, top)


# -- the chain rule along a path (5.49, Example 5.8) ---------------------------------------------
def draw_path_on_map(ax: Axes, xs: np.ndarray, ys: np.ndarray) -> dict:
    """Draw the path x(t) and empty artists for the current point, velocity dx/dt and gradient direction."""
    with house_style():
        artists = {
            "path": ax.plot(_finite(xs), _finite(ys), color=GRADIENT_COLORS["path"], linewidth=2.0, zorder=4,
                            label=r"path $x(t)$")[0],
            "gradient": _arrow(ax, GRADIENT_COLORS["ascent"], r"$\nabla f$ (direction)"),
            "velocity": _arrow(ax, GRADIENT_COLORS["u"], r"$dx/dt$"),
            "point": ax.plot([], [], "o", color=COLORS["point"], markersize=7, zorder=7)[0],
        }
    return artists


def update_path_on_map(artists: Mapping, point, velocity, gradient_direction, length: float) -> None:
    """Move the current point, draw dx/dt to scale and grad f as a direction ``length`` long."""
    point = np.asarray(point, dtype=np.float64)
    artists["point"].set_data([point[0]], [point[1]])
    move_arrow(artists["velocity"], point, velocity)
    g = np.asarray(gradient_direction, dtype=np.float64)
    norm = np.linalg.norm(g)
    move_arrow(artists["gradient"], point, length * g / norm if np.isfinite(norm) and norm > 0 else [0.0, 0.0])


_CHAIN_STYLES = {
    "h": dict(color=COLORS["function"], linewidth=2.2, label=r"$f(x(t))$"),
    "dh": dict(color=COLORS["tangent"], linewidth=2.2, label=r"$df/dt$"),
    "term1": dict(color=COLORS["secant"], linestyle="--", linewidth=1.4,
                  label=r"$(\partial f/\partial x_1)(dx_1/dt)$"),
    "term2": dict(color=COLORS["error"], linestyle=":", linewidth=1.8,
                  label=r"$(\partial f/\partial x_2)(dx_2/dt)$"),
}


def draw_chain_curves(ax: Axes, ts: np.ndarray, curves: Mapping[str, np.ndarray]) -> dict:
    """Draw f(x(t)), df/dt and the two chain-rule terms against t, with a marker line at the current t."""
    with house_style():
        artists = {"zero": ax.axhline(0.0, color=COLORS["axis"], linewidth=0.8, zorder=1)}
        for name, style in _CHAIN_STYLES.items():
            artists[name] = ax.plot(ts, _finite(curves[name]), zorder=3, **style)[0]
        artists["t"] = ax.axvline(ts[0], color=COLORS["point"], linewidth=1.0, alpha=0.6, zorder=2)
        artists["marks"] = ax.plot([], [], "o", color=COLORS["point"], markersize=5, zorder=5)[0]
        ax.set_xlim(ts[0], ts[-1])
        ax.set_xlabel("$t$")
    return artists


def update_chain_curves(artists: Mapping, ts: np.ndarray, curves: Mapping[str, np.ndarray]) -> None:
    """Replace the four curves of ``draw_chain_curves`` (when the function or the path changes)."""
    for name in _CHAIN_STYLES:
        artists[name].set_data(ts, _finite(curves[name]))


def update_chain_marks(artists: Mapping, t: float, values: Sequence[float]) -> None:
    """Mark the current t and the values of the curves there."""
    artists["t"].set_xdata([t, t])
    artists["marks"].set_data([t] * len(values), _finite(values))


# -- gradient checking (remark at the end of 5.2) ------------------------------------------------
def _power_of_ten(value: float) -> str:
    """Return math text for a value: 10^{k} for exact powers of ten, else the %g form."""
    exponent = np.log10(value) if value > 0 else np.nan
    return f"10^{{{int(round(exponent))}}}" if np.isfinite(exponent) and abs(exponent - round(exponent)) < 1e-12 \
        else f"{value:g}"


def draw_gradient_check(ax: Axes, hs: np.ndarray, curves: Mapping[str, np.ndarray], threshold: float = 1e-6,
                        h_book: float = 1e-4) -> dict:
    """Draw gradient-checking relative errors against h (log-log), the 1e-6 threshold and the book's h."""
    colors = [COLORS["tangent"], COLORS["taylor"], COLORS["secant"], COLORS["error"]]
    floor = 1e-17
    with house_style():
        artists = {}
        for i, (label, errors) in enumerate(curves.items()):
            artists[label] = ax.loglog(hs, np.maximum(_finite(errors), floor), color=colors[i % 4],
                                       linestyle=("-", "--", "-.", ":")[i % 4], label=label)[0]
        artists["threshold"] = ax.axhline(threshold, color=COLORS["point"], linestyle="--", linewidth=1.0,
                                          label=f"threshold ${_power_of_ten(threshold)}$")
        artists["h_book"] = ax.axvline(h_book, color=COLORS["axis"], linestyle=":", linewidth=1.2,
                                       label=f"$h = {_power_of_ten(h_book)}$")
        ax.set_xlabel("步长 h (step)")
        ax.set_ylabel("相对误差 (relative error)")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncols=2, fontsize=10, borderaxespad=0.0)
    return artists


# -- maps of the plane: Fig. 5.5 and the Jacobian determinant ------------------------------------
def round_values(limits, count: int = 10) -> np.ndarray:
    """Return at most count + 1 round values (steps of 1, 2, 2.5 or 5 times 10^k) inside ``limits``."""
    lo, hi = limits
    raw = (hi - lo) / count
    magnitude = 10 ** np.floor(np.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12)
    return np.arange(np.ceil(lo / step - 1e-9), np.floor(hi / step + 1e-9) + 1) * step + 0.0


def grid_lines(xlim, ylim, points: int = 80) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return the lines x = const and y = const at round values of a view, each sampled at ``points`` points."""
    lines = [(np.full(points, value), np.linspace(*ylim, points)) for value in round_values(xlim)]
    lines += [(np.linspace(*xlim, points), np.full(points, value)) for value in round_values(ylim)]
    return lines


def draw_lines(ax: Axes, lines: Sequence[tuple[np.ndarray, np.ndarray]], color: str = "#BBBBBB",
               linewidth: float = 0.8, count: int | None = None) -> list:
    """Draw a family of polylines (a grid or its image); ``count`` reserves extra empty lines to reuse."""
    count = len(lines) if count is None else count
    with house_style():
        artists = [ax.plot([], [], color=color, linewidth=linewidth, zorder=1)[0] for _ in range(count)]
    update_lines(artists, lines)
    return artists


def update_lines(artists: list, lines: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
    """Move a family of polylines of ``draw_lines``; unused artists are emptied."""
    for i, artist in enumerate(artists):
        if i < len(lines):
            artist.set_data(_finite(lines[i][0]), _finite(lines[i][1]))
        else:
            artist.set_data([], [])


def _edges(boundary: np.ndarray, n_per_side: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the b1 edge (corner -> corner + b1) and the b2 edge (corner -> corner + b2) of a boundary."""
    b1 = boundary[: n_per_side + 1]
    b2 = np.concatenate([boundary[:1], boundary[: 3 * n_per_side - 1: -1]])
    return b1, b2


def draw_square_map(ax_in: Axes, ax_out: Axes) -> dict:
    """Draw empty artists for a square with its b1/b2 edges on ``ax_in``, and on ``ax_out`` its true image,
    the edges' images and the linearized image (a parallelogram)."""
    with house_style():
        artists = {
            "square": ax_in.add_patch(Polygon(np.zeros((3, 2)), closed=True, facecolor=GRADIENT_COLORS["image"],
                                              alpha=0.35, edgecolor="none", zorder=3)),
            "square_b1": ax_in.plot([], [], color=GRADIENT_COLORS["b1"], linewidth=3, zorder=4, label=r"$b_1$ edge")[0],
            "square_b2": ax_in.plot([], [], color=GRADIENT_COLORS["b2"], linewidth=3, zorder=4, label=r"$b_2$ edge")[0],
            "corner": ax_in.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=6)[0],
            "image": ax_out.add_patch(Polygon(np.zeros((3, 2)), closed=True, facecolor=GRADIENT_COLORS["image"],
                                              alpha=0.35, edgecolor=GRADIENT_COLORS["image"], linewidth=1.0,
                                              zorder=3, label="image $F(S)$")),
            "image_b1": ax_out.plot([], [], color=GRADIENT_COLORS["b1"], linewidth=3, zorder=4)[0],
            "image_b2": ax_out.plot([], [], color=GRADIENT_COLORS["b2"], linewidth=3, zorder=4)[0],
            "linear": ax_out.add_patch(Polygon(np.zeros((3, 2)), closed=True, fill=False,
                                               edgecolor=GRADIENT_COLORS["linear"], linestyle="--", linewidth=1.8,
                                               zorder=5, label=r"linearization $F(p) + J\,(S-p)$")),
            "image_corner": ax_out.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=6)[0],
        }
    return artists


def update_square_map(artists: Mapping, square: np.ndarray, image: np.ndarray, linear: np.ndarray,
                      n_per_side: int, flipped: bool = False) -> None:
    """Move the square (boundary points), its true image and the linearized parallelogram; colour a
    flipped image (det J < 0) differently."""
    square, image = np.asarray(square), _finite(image)
    artists["square"].set_xy(square)
    for name, boundary in (("square", square), ("image", image)):
        b1, b2 = _edges(boundary, n_per_side)
        artists[f"{name}_b1"].set_data(b1[:, 0], b1[:, 1])
        artists[f"{name}_b2"].set_data(b2[:, 0], b2[:, 1])
    artists["corner"].set_data([square[0, 0]], [square[0, 1]])
    artists["image"].set_xy(np.nan_to_num(image))
    artists["image"].set_facecolor(GRADIENT_COLORS["flipped"] if flipped else GRADIENT_COLORS["image"])
    artists["image"].set_alpha(0.35)
    artists["linear"].set_xy(np.nan_to_num(linear))
    artists["image_corner"].set_data([image[0, 0]], [image[0, 1]])


def draw_map_squares(ax_in: Axes, ax_out: Axes, plane_map, xlim, ylim, corners, size: float,
                     labels=("x", "y"), n_per_side: int = 24) -> dict:
    """Draw a map of the plane as a static figure: the grid of a view and its image, and small squares
    at ``corners`` with their true and linearized images. ``plane_map`` is a ``widgets.math.gradients.PlaneMap``."""
    lines = grid_lines(xlim, ylim)
    artists = {"grid": draw_lines(ax_in, lines), "image_grid": draw_lines(ax_out, [plane_map(u, v) for u, v in lines])}
    for k, corner in enumerate(corners):
        square = square_boundary(corner, size, n_per_side)
        det = float(plane_map.det_at(*corner))
        artists[f"square{k}"] = draw_square_map(ax_in, ax_out)
        update_square_map(artists[f"square{k}"], square, plane_map.points(square), plane_map.linear_image(corner, size),
                          n_per_side, flipped=det < 0)
    with house_style():
        for ax, (a, b) in ((ax_in, labels), (ax_out, ("F_1", "F_2"))):
            ax.set_aspect("equal")
            ax.grid(False)
            ax.set_xlabel(f"${a}$")
            ax.set_ylabel(f"${b}$")
            ax.relim()
            ax.autoscale_view()
        ax_in.set_xlim(*xlim)
        ax_in.set_ylim(*ylim)
    return artists


def draw_area_convergence(ax: Axes, sizes: np.ndarray) -> dict:
    """Draw empty artists for the measured area ratio |area F(square)| / size^2 against the size (log axis)
    and the limit |det J|."""
    with house_style():
        artists = {
            "det": ax.axhline(1.0, color=GRADIENT_COLORS["linear"], linestyle="--", linewidth=1.5,
                              label=r"$|\det J|$"),
            "ratio": ax.semilogx(sizes, np.ones_like(sizes), color=GRADIENT_COLORS["image"], zorder=3,
                                 label="measured ratio")[0],
            "current": ax.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=5)[0],
        }
        ax.set_xlim(sizes.min(), sizes.max())
        ax.set_xlabel("square size $s$")
        ax.set_ylabel("area ratio")
    return artists


def update_area_convergence(artists: Mapping, ax: Axes, sizes: np.ndarray, ratios: np.ndarray, det: float,
                            size: float, ratio: float) -> None:
    """Move the measured ratios, the |det J| line and the current size's mark; re-frame the y-axis when the
    values leave the view or become small in it (``steady_limits``)."""
    ratios = np.abs(_finite(ratios))
    artists["ratio"].set_data(sizes, ratios)
    artists["det"].set_ydata([abs(det), abs(det)])
    artists["current"].set_data([size], [abs(ratio)])
    values = np.concatenate([ratios[np.isfinite(ratios)], [abs(det)]])
    lo, hi = float(values.min()), float(values.max())
    pad = max(0.1 * (hi - lo), 0.05 * max(abs(det), 0.2))
    limits = steady_limits(ax.get_ylim(), lo - pad, hi + pad, floor=0.0 if lo >= 0 else None)
    if ax.get_ylim() != limits:
        ax.set_ylim(*limits)


def draw_basis_map(ax_in: Axes, ax_out: Axes, J, labels=("b", "c")) -> dict:
    """Draw Fig. 5.5: the unit square spanned by b1, b2 and its image, the parallelogram spanned by
    c1 = J b1 and c2 = J b2; return the artists."""
    J = np.asarray(J, dtype=np.float64)
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64)
    image = square @ J.T
    artists = {}
    with house_style():
        for ax, corners, (v1, v2), name in ((ax_in, square, (square[1], square[3]), labels[0]),
                                            (ax_out, image, (J[:, 0], J[:, 1]), labels[1])):
            ax.add_patch(Polygon(corners, closed=True, facecolor=GRADIENT_COLORS["image"], alpha=0.3,
                                 edgecolor="none", zorder=2))
            for k, (vector, color) in enumerate(((v1, GRADIENT_COLORS["b1"]), (v2, GRADIENT_COLORS["b2"])), start=1):
                artists[f"{name}{k}"] = ax.annotate("", xy=vector, xytext=(0, 0), zorder=4,
                                                    arrowprops=dict(arrowstyle="-|>", color=color, linewidth=2.5,
                                                                    mutation_scale=18, shrinkA=0, shrinkB=0))
                ax.annotate(f"${name}_{k}$", xy=vector, xytext=(6, 4), textcoords="offset points", color=color,
                            fontsize=13)
            ax.axhline(0, color=COLORS["axis"], linewidth=0.8, zorder=1)
            ax.axvline(0, color=COLORS["axis"], linewidth=0.8, zorder=1)
            ax.set_aspect("equal")
        ax_in.set_title(f"${labels[0]}_1, {labels[0]}_2$: area 1")
        ax_out.set_title(f"${labels[1]}_1 = J{labels[0]}_1,\\ {labels[1]}_2 = J{labels[0]}_2$: "
                         f"area $|\\det J| = {abs(np.linalg.det(J)):.4g}$")
        ax_in.set_xlim(-2.5, 1.8)
        ax_in.set_ylim(-0.8, 2.5)
        ax_out.set_xlim(-2.5, 1.8)
        ax_out.set_ylim(-0.8, 2.5)
    return artists

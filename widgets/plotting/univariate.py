"""Drawing helpers for section 5.1: secants and tangents (Fig. 5.3), Taylor polynomials (Fig. 5.4),
and the error of finite differences against the step h.

Each ``draw_*`` function draws on a given ``Axes`` and returns a dict of artists; the matching
``update_*`` function moves those artists in place (``set_data``), so explorers never re-plot.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
from matplotlib.axes import Axes

from widgets.math.univariate import EPS, optimal_step
from widgets.plotting.style import COLORS, LINESTYLES, house_style

Fn = Callable[[np.ndarray], np.ndarray]


def _finite(values) -> np.ndarray:
    """Return float values with inf replaced by nan, so matplotlib leaves a gap instead of failing."""
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def math_title(ax: Axes, latex: str, fallback: str) -> None:
    """Set ``$latex$`` as the title when matplotlib's mathtext can typeset it, else the plain ``fallback``."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${latex}$")
        ax.set_title(f"${latex}$")
    except ValueError:
        ax.set_title(fallback)


def draw_axes_lines(ax: Axes) -> dict:
    """Draw the coordinate axes y = 0 and x = 0 as thin grey lines; return them."""
    return {
        "x_axis": ax.axhline(0.0, color=COLORS["axis"], linewidth=1.0, zorder=1, label="_x-axis"),
        "y_axis": ax.axvline(0.0, color=COLORS["axis"], linewidth=1.0, zorder=1, label="_y-axis"),
    }


def draw_secant(ax: Axes, f: Fn, df: Fn, x0: float, h: float, xlim=(-1.0, 3.0), ylim=None) -> dict:
    """Draw f, the secant through x0 and x0+h (5.3) and the tangent at x0 (5.4); return the artists."""
    with house_style():
        x = np.linspace(*xlim, 400)
        artists = draw_axes_lines(ax)
        artists["curve"], = ax.plot(x, _finite(f(x)), color=COLORS["function"], label="$f(x)$", zorder=3)
        artists["secant"], = ax.plot([], [], color=COLORS["secant"], linestyle=LINESTYLES["secant"],
                                     label="割线 secant", zorder=4)
        artists["tangent"], = ax.plot([], [], color=COLORS["tangent"], linestyle=LINESTYLES["tangent"],
                                      label="切线 tangent", zorder=4)
        artists["run"], = ax.plot([], [], color=COLORS["secant"], linestyle=":", linewidth=1.2, zorder=2)
        artists["points"], = ax.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=5)
        artists["label_x0"] = ax.annotate("$x_0$", (0, 0), textcoords="offset points", xytext=(-6, -18))
        artists["label_x1"] = ax.annotate(r"$x_0+\delta x$", (0, 0), textcoords="offset points", xytext=(-6, -18))
        ax.set_xlim(*xlim)
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.legend(loc="upper left")
    update_secant(artists, f, df, x0, h, xlim)
    return artists


def update_secant(artists: Mapping, f: Fn, df: Fn, x0: float, h: float, xlim=(-1.0, 3.0)) -> dict:
    """Move the secant and tangent of ``draw_secant`` to a new x0 and h; return the plotted slopes."""
    x1 = x0 + h
    y0, y1 = float(f(np.float64(x0))), float(f(np.float64(x1)))
    secant_slope = (y1 - y0) / h
    tangent_slope = float(df(np.float64(x0)))
    ends = np.array(xlim, dtype=np.float64)
    artists["secant"].set_data(ends, y0 + secant_slope * (ends - x0))
    artists["tangent"].set_data(ends, y0 + tangent_slope * (ends - x0))
    artists["run"].set_data([x0, x1, x1], [y0, y0, y1])
    artists["points"].set_data([x0, x1], [y0, y1])
    artists["label_x0"].xy = (x0, y0)
    artists["label_x1"].xy = (x1, y1)
    return {"secant_slope": secant_slope, "tangent_slope": tangent_slope, "y0": y0, "y1": y1}


def draw_taylor(ax: Axes, x: np.ndarray, fx: np.ndarray, xlim, ylim) -> dict:
    """Draw f with empty artists for T_n, the error region |f - T_n| and the expansion point; return them."""
    with house_style():
        artists = draw_axes_lines(ax)
        artists["x_axis"].set(label="$y=0$", linewidth=0.8)
        artists["curve"], = ax.plot(x, _finite(fx), color=COLORS["function"], label="$f(x)$", zorder=3)
        artists["taylor"], = ax.plot(x, np.full_like(x, np.nan), color=COLORS["taylor"],
                                     linestyle=LINESTYLES["taylor"], label="$T_n(x)$", zorder=4)
        artists["error"] = ax.fill_between(x, x * np.nan, x * np.nan, color=COLORS["error"], alpha=0.25,
                                           linewidth=0, label="$|f-T_n|$", zorder=2)
        artists["point"], = ax.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=5)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_xlabel("$x$")
        ax.legend(loc="upper left", ncols=2)
    return artists


def update_taylor(artists: Mapping, x: np.ndarray, fx: np.ndarray, tx: np.ndarray, x0: float, f0: float) -> None:
    """Move the Taylor artists of ``draw_taylor`` to new values of f and T_n."""
    fx, tx = _finite(fx), _finite(tx)
    artists["curve"].set_data(x, fx)
    artists["taylor"].set_data(x, tx)
    artists["error"].set_data(x, fx, tx)
    artists["point"].set_data([x0], [f0])


def draw_taylor_family(ax: Axes, x: np.ndarray, fx: np.ndarray, polynomials: Mapping[int, np.ndarray],
                       ylim=(-4.0, 4.0)) -> dict:
    """Draw f and several Taylor polynomials T_n (Fig. 5.4), with y = 0 distinct from T_0; return the artists."""
    styles = ["-", "--", "-.", ":"]
    colors = [COLORS["secant"], COLORS["tangent"], COLORS["taylor"], COLORS["error"]]
    with house_style():
        artists = draw_axes_lines(ax)
        artists["x_axis"].set(linewidth=0.8, color="#999999", label="$y=0$ (x-axis)")
        artists["curve"], = ax.plot(x, _finite(fx), color=COLORS["function"], linewidth=3, label="$f$", zorder=3)
        for i, (n, tx) in enumerate(polynomials.items()):
            artists[f"T{n}"], = ax.plot(x, _finite(tx), linestyle=styles[i % 4], color=colors[i % 4],
                                        label=f"$T_{{{n}}}$", zorder=4)
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(*ylim)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.legend(loc="lower right", ncols=2)
    return artists


def draw_difference_error(ax: Axes, hs: np.ndarray) -> dict:
    """Draw empty log-log curves of forward and central difference errors against h, with the
    sqrt(eps) and cbrt(eps) optima marked; return the artists."""
    with house_style():
        artists = {
            "forward": ax.loglog(hs, np.ones_like(hs), color=COLORS["secant"],
                                 label="前向差分 forward  (f(x+h) − f(x))/h")[0],
            "central": ax.loglog(hs, np.ones_like(hs), color=COLORS["tangent"], linestyle=LINESTYLES["tangent"],
                                 label="中心差分 central  (f(x+h) − f(x−h))/2h")[0],
            "sqrt_eps": ax.axvline(optimal_step("forward"), color=COLORS["secant"], linestyle=":", linewidth=1.4,
                                   label=r"$h=\sqrt{\varepsilon}\approx 1.5\times10^{-8}$"),
            "cbrt_eps": ax.axvline(optimal_step("central"), color=COLORS["tangent"], linestyle="-.", linewidth=1.2,
                                   label=r"$h=\sqrt[3]{\varepsilon}\approx 6\times10^{-6}$"),
            "current": ax.axvline(1e-3, color=COLORS["point"], linewidth=1.0, alpha=0.6),
            "marks": ax.loglog([], [], "o", color=COLORS["point"], markersize=5)[0],
        }
        ax.set_xlim(hs.min(), hs.max())
        ax.set_ylim(1e-13, 1e1)
        ax.set_xlabel("步长 h (step)")
        ax.set_ylabel("绝对误差 (absolute error)")
        # lower left: for tiny h rounding error (about eps/h) keeps every curve far above it, while the
        # minima and the optimum lines sit in the middle (the upper corners hold the curves' ends)
        ax.legend(loc="lower left", fontsize=10)
    return artists


def update_difference_error(artists: Mapping, hs: np.ndarray, forward: np.ndarray, central: np.ndarray,
                            h: float | None = None, marks=None) -> None:
    """Move the error curves of ``draw_difference_error``; mark the current step h and its two errors."""
    floor = EPS * 1e-3  # an exact hit (error 0) would vanish from a log axis; show it at the floor
    artists["forward"].set_data(hs, np.maximum(_finite(forward), floor))
    artists["central"].set_data(hs, np.maximum(_finite(central), floor))
    if h is not None:
        artists["current"].set_xdata([h, h])
        artists["marks"].set_data([h, h], np.maximum(_finite(marks), floor))

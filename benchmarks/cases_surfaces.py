"""Benchmark cases for the explorers of sections 5.7 and 5.8 (Hessian, linearization).

Each case moves one control at a time; ``naive`` draws the same picture from scratch with the
same plotting helpers, the way ``ipywidgets.interact`` with the inline backend would.

Both explorers blit: a move redraws only the artists that follow the point (the marks on the
contour map and the eigenvector slices; the tangent plane, the Taylor model, the point and the
error curves) over the background saved at the last full draw. The contours, the surface, the
axes, titles and legends stay in that background. Everything is drawn again only after a change
that the background cannot show: a new function, new y-limits (the slice and error axes keep
their limits while the curves stay inside and the limits are less than three times as wide as
the fitted ones, so a drag seldom changes them), or, in the linearization explorer, a new order
(its 3-D legend names it).

Measured with ``python benchmarks/bench_explorers.py hessian linearization secant`` on a shared
2-core machine; the load average (shown) varied a lot between runs, so the 5.1 secant explorer,
measured in the same runs, is given for scale:

==========================  ===========  ===============  ============  ==========
explorer                    load         median per move  naive median  ratio
==========================  ===========  ===============  ============  ==========
hessian_explorer            about 2-3    23.0 ms          264 ms        11.5x
linearization_explorer      about 2-3    26.8 ms          314 ms        11.7x
secant_explorer (5.1)       about 2-3    12.2 ms          158 ms        13x
hessian_explorer            about 3-5    40.8 ms          556 ms        13.6x
linearization_explorer      about 3-5    67.3 ms          684 ms        10.2x
secant_explorer (5.1)       about 3-5    24.8 ms          237 ms        9.6x
==========================  ===========  ===============  ============  ==========

Before blitting (every move drew the whole figure) the medians were 156 ms (Hessian) and 237 ms
(linearization) at a load of about 5-6, 3.8-4.1 times faster than the naive re-plot.

Where a blitted move goes (these figures were measured with matplotlib's PNG encoder, at a load
of about 3): ``update()`` 1.5-2 ms, drawing the moving artists 4-5 ms, and 15-18 ms for the PNG
of the changed pixels. The explorers now encode their frames themselves
(``widgets.explorers.base.encode_png_rgba``, cut after the last changed row and column): at a
load below 1 the frame takes 3.6 ms (Hessian) and 4.4 ms (linearization) per move. The encoding
grows with the canvas (900 x 420 and 1000 x 460 pixels here, 700 x 400 for the 5.1 explorers)
and is most of the difference from the 5.1 explorers. The 3-D panel no longer costs
much: only the plane and the model (12 x 12 quadrilaterals each) are projected on a move, the
surface (30 x 30) only on a full draw. The linearization case keeps its own target,
``target_median_ms`` = 30 ms, for its larger canvas.
"""

from __future__ import annotations

from io import BytesIO

import matplotlib.pyplot as plt
import numpy as np

from widgets.math.surfaces import critical_points
from widgets.explorers.surfaces import HessianExplorer, LinearizationExplorer, hessian_explorer, linearization_explorer
from widgets.plotting.style import house_style
from widgets.plotting.surfaces import (
    draw_eigen_slices,
    draw_hessian_view,
    draw_local_models_3d,
    draw_surface_3d,
    draw_taylor_errors,
    level_segments,
    quantile_levels,
    update_critical_points,
    update_eigen_slices,
    update_hessian_point,
    update_taylor_errors,
)
from widgets.math.surfaces import EXAMPLE_5_15, HESSIAN_PRESETS, LocalTaylorModel, X, Y

def _finish(fig) -> None:
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)


def naive_hessian(function: str = "bowl", x: float | None = None, y: float | None = None) -> None:
    """Draw the Hessian explorer's picture from scratch (contours, critical points, eigenvectors, model)."""
    spec = HESSIAN_PRESETS[function]
    px = spec["point"][0] if x is None else x
    py = spec["point"][1] if y is None else y
    model = LocalTaylorModel(spec["f"], (X, Y), max_order=2)
    xs = np.linspace(*spec["xlim"], HessianExplorer.grid_size)
    ys = np.linspace(*spec["ylim"], HessianExplorer.grid_size)
    Xg, Yg = np.meshgrid(xs, ys)
    Z = model(Xg, Yg)
    levels = quantile_levels(Z)
    found = critical_points(spec["f"], (X, Y), bounds=(spec["xlim"], spec["ylim"]))
    with house_style():
        fig = plt.figure(figsize=(9.0, 4.2), layout="constrained")
        ax, ax2 = fig.subplots(1, 2, width_ratios=[1.25, 1.0])
        artists = draw_hessian_view(ax, Xg, Yg, Z, levels)
        update_critical_points(ax, artists, [(c.point[0], c.point[1], c.kind) for c in found])
        p = np.array([px, py])
        f0, g, H = model.derivatives(p, 2)
        lam, U = np.linalg.eigh(H)
        size = max(np.ptp(xs), np.ptp(ys))
        w = HessianExplorer.window_fraction * size
        xl, yl = np.linspace(px - w, px + w, 33), np.linspace(py - w, py + w, 33)
        Q = model.polynomial(p, np.stack(np.meshgrid(xl, yl), axis=-1), 2, [f0, g, H])
        update_hessian_point(artists, p, lam, U, 0.11 * size, level_segments(xl, yl, Q, levels), w)
        slices = draw_eigen_slices(ax2)
        t = np.linspace(-w, w, 81)
        fs = [model(px + t * U[0, i], py + t * U[1, i]) - f0 for i in range(2)]
        qs = [float(g @ U[:, i]) * t + 0.5 * lam[i] * t ** 2 for i in range(2)]
        update_eigen_slices(slices, t, fs, qs, ax2)
        _finish(fig)


def naive_linearization(x: float = 1.0, y: float = 2.0, order: int = 2) -> None:
    """Draw the linearization explorer's picture from scratch (surface, plane, model, error curves)."""
    model = LocalTaylorModel(EXAMPLE_5_15, (X, Y), max_order=3)
    n = LinearizationExplorer.grid_size
    xs, ys = np.linspace(-1.0, 3.0, n), np.linspace(0.0, 4.0, n)
    Xg, Yg = np.meshgrid(xs, ys)
    Z = model(Xg, Yg)
    pad = 0.08 * np.ptp(Z)
    zlim = (float(Z.min() - pad), float(Z.max() + pad))
    patch = 1.0
    radii = np.logspace(-3, 0, 28)
    p = np.array([x, y])
    tensors = model.derivatives(p, 3)
    s = np.linspace(-patch, patch, LinearizationExplorer.patch_size)
    Xl, Yl = np.meshgrid(x + s, y + s)
    points = np.stack([Xl, Yl], axis=-1)
    Z1 = model.polynomial(p, points, 1, tensors)
    Zk = model.polynomial(p, points, max(order, 2), tensors)
    with house_style():
        fig = plt.figure(figsize=(10.0, 4.6), layout="constrained")
        grid = fig.add_gridspec(1, 2, width_ratios=[1.35, 1.0])
        ax3d = fig.add_subplot(grid[0, 0], projection="3d")
        ax = fig.add_subplot(grid[0, 1])
        draw_surface_3d(ax3d, Xg, Yg, Z, zlim)
        draw_local_models_3d(ax3d, Xl, Yl, Z1, Zk, (x, y, float(tensors[0])), zlim, max(order, 2))
        artists = draw_taylor_errors(ax, radii, (1, 2, 3))
        update_taylor_errors(artists, radii, model.errors(p, radii, (1, 2, 3)), order, ax)
        _finish(fig)


_sweep = np.linspace(0.0, 1.0, 20)

CASES = [
    {
        "name": "hessian_explorer",
        "make": hessian_explorer,
        "moves": ([("x", float(v)) for v in -1.6 + 3.2 * _sweep] + [("y", float(v)) for v in 1.6 - 3.2 * _sweep]
                  + [("x", float(v)) for v in 1.2 - 1.2 * _sweep[:10]]),
        "naive": naive_hessian,
    },
    {
        "name": "linearization_explorer",
        "make": linearization_explorer,
        "moves": ([("x", float(v)) for v in -0.5 + 3.0 * _sweep] + [("y", float(v)) for v in 0.5 + 3.0 * _sweep]
                  + [("order", k) for k in (1, 2, 3, 2, 1, 3, 2, 3, 1, 2)]),
        "naive": naive_linearization,
        "target_median_ms": 30.0,   # the largest canvas: the most pixels to compare and encode on every move
    },
]

"""Benchmark cases for the explorers of sections 5.2 and 5.3 (gradient, chain rule, Jacobian).

Each case moves one control at a time; ``naive`` draws the same picture from scratch with the
same plotting helpers, the way ``ipywidgets.interact`` with the inline backend would.
"""

from __future__ import annotations

from io import BytesIO

import matplotlib.pyplot as plt
import numpy as np

from widgets.math.expressions import parse_expression
from widgets.explorers.gradients import (
    GradientExplorer,
    JacobianExplorer,
    chain_rule_explorer,
    gradient_explorer,
    jacobian_explorer,
)
from widgets.math.gradients import (
    JACOBIAN_PRESETS,
    ChainRule,
    ScalarField,
    contour_levels,
    directional_difference,
    grid,
    polygon_area,
    square_boundary,
    unit_vector,
)
from widgets.math.gradients import t as T
from widgets.math.gradients import x1 as X1
from widgets.math.gradients import x2 as X2
from widgets.plotting.gradients import (
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
    update_area_convergence,
    update_chain_marks,
    update_direction_marks,
    update_directional_profile,
    update_level_curve,
    update_path_on_map,
    update_square_map,
)
from widgets.plotting.style import house_style


def _finish(fig) -> None:
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)


# The sympy models are built once, as a notebook would before calling ``interact``; only drawing is repeated.
_FIELD = ScalarField(parse_expression("x^2 y + x y^3", ("x", "y")))
_CHAIN = ChainRule(parse_expression("x1^2 + 2x2", ("x1", "x2")), (X1, X2),
                   (parse_expression("sin(t)", ("t",)), parse_expression("cos(t)", ("t",))), T)
_POLAR = JACOBIAN_PRESETS["polar"].plane_map()


def naive_gradient(x: float = 1.0, y: float = 0.5, theta: float = np.pi / 4) -> None:
    """Draw the gradient explorer's picture from scratch (Example 5.7)."""
    field = _FIELD
    lim = (-2.0, 2.0)
    with house_style():
        fig = plt.figure(figsize=GradientExplorer.figsize, layout="constrained")
        ax, ax2 = fig.subplots(1, 2)
        X, Y = grid(lim, lim, 121)
        Z = field(X, Y)
        artists = draw_contour_map(ax, X, Y, Z, contour_levels(Z, 14))
        Xf, Yf = grid(lim, lim, 13)
        G = field.grad(Xf, Yf)
        draw_gradient_field(ax, Xf, Yf, G[..., 0], G[..., 1])
        artists.update(draw_direction_marks(ax))
        g = field.grad(x, y)
        u = unit_vector(theta)
        norm = float(np.hypot(*g))
        update_direction_marks(artists, (x, y), u, g / norm, 0.64)
        update_level_curve(artists, X, Y, Z, float(field(x, y)))
        profile = draw_directional_profile(ax2)
        ax2.set_xticks([0.0, np.pi, 2 * np.pi], ["$0$", r"$\pi$", r"$2\pi$"])
        lean_ticks(ax, ax2)
        thetas = np.linspace(0, 2 * np.pi, 181)
        update_directional_profile(profile, ax2, thetas, g[0] * np.cos(thetas) + g[1] * np.sin(thetas), theta,
                                   float(g @ u), directional_difference(field.of_vector, (x, y), u),
                                   float(np.arctan2(g[1], g[0]) % (2 * np.pi)), norm)
        _finish(fig)


def naive_chain_rule(t: float = 1.0) -> None:
    """Draw the chain-rule explorer's picture from scratch (Example 5.8)."""
    model = _CHAIN
    ts = np.linspace(0, 2 * np.pi, 400)
    with house_style():
        fig = plt.figure(figsize=(10.0, 4.4), layout="constrained")
        ax, ax2 = fig.subplots(1, 2)
        X, Y = grid((-1.35, 1.35), (-1.35, 1.35), 121)
        Z = model.field(X, Y)
        artists = draw_contour_map(ax, X, Y, Z, contour_levels(Z, 14), "$x_1$", "$x_2$")
        position = model.position(ts)
        artists.update(draw_path_on_map(ax, position[:, 0], position[:, 1]))
        factors = model.factors(t)
        update_path_on_map(artists, model.position(t), factors[:, 1], factors[:, 0], 0.32)
        curves = model.values(ts)
        chain = draw_chain_curves(ax2, ts, curves)
        lean_ticks(ax, ax2)
        values = model.values(t)
        update_chain_marks(chain, t, [float(values[k]) for k in ("h", "dh", "term1", "term2")])
        _finish(fig)


def naive_jacobian(x: float = 1.0, y: float = 0.6, size: float = 0.4) -> None:
    """Draw the Jacobian explorer's picture from scratch (polar -> Cartesian preset)."""
    preset = JACOBIAN_PRESETS["polar"]
    plane_map = _POLAR
    with house_style():
        fig = plt.figure(figsize=JacobianExplorer.figsize, layout="constrained")
        ax_in, ax_out, ax_ratio = fig.subplots(1, 3, width_ratios=[1.0, 1.15, 0.85])
        lines = grid_lines(preset.xlim, preset.ylim)
        draw_lines(ax_in, lines)
        draw_lines(ax_out, [plane_map(u, v) for u, v in lines])
        for ax in (ax_in, ax_out):
            ax.set_aspect("equal")
            ax.grid(False)
        artists = draw_square_map(ax_in, ax_out)
        square = square_boundary((x, y), size, 24)
        image = plane_map.points(square)
        det = float(plane_map.det_at(x, y))
        update_square_map(artists, square, image, plane_map.linear_image((x, y), size), 24, det < 0)
        sizes = JacobianExplorer.sizes
        convergence = draw_area_convergence(ax_ratio, sizes)
        lean_ticks(ax_in, ax_out, ax_ratio)
        update_area_convergence(convergence, ax_ratio, sizes, plane_map.area_ratio((x, y), sizes, 16), det, size,
                                polygon_area(image) / size ** 2)
        _finish(fig)


_sweep = np.linspace(0.0, 1.0, 16)

CASES = [
    {
        "name": "gradient_explorer",
        "make": gradient_explorer,
        "moves": ([("x", float(v)) for v in -1.8 + 3.6 * _sweep] + [("y", float(v)) for v in 1.8 - 3.6 * _sweep]
                  + [("theta", float(v)) for v in 2 * np.pi * _sweep]),
        "naive": naive_gradient,
    },
    {
        "name": "chain_rule_explorer",
        "make": chain_rule_explorer,
        "moves": [("t", float(v)) for v in np.linspace(0.0, 2 * np.pi, 48)],
        "naive": naive_chain_rule,
    },
    {
        "name": "jacobian_explorer",
        "make": lambda: jacobian_explorer(preset="polar"),
        "moves": ([("x", float(v)) for v in 0.2 + 1.6 * _sweep] + [("y", float(v)) for v in 0.2 + 2.6 * _sweep]
                  + [("size", float(v)) for v in np.logspace(-2, 0, 16)]),
        "naive": naive_jacobian,
    },
]

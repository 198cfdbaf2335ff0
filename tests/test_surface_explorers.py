"""Sections 5.7-5.8: the surface plotting helpers and the Hessian and linearization explorers,
driven through their controls; plotted data are checked against formulas written here.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from explorer_inputs import live_figures
from pixels import full_redraw
from widgets.explorers import HessianExplorer, LinearizationExplorer, hessian_explorer, linearization_explorer
from widgets.explorers import canvas as transport
from widgets.explorers.base import CUSTOM, CUSTOM_LABEL
from widgets.plotting.style import static_figure
from widgets.plotting.surfaces import (
    draw_eigen_slices,
    draw_hessian_view,
    draw_linearization,
    draw_outer_product_matrix,
    draw_outer_product_tensor,
    draw_taylor_errors,
    grid_polygons,
    level_segments,
    quantile_levels,
    static_figure_2d_3d,
    update_critical_points,
    update_eigen_slices,
    update_taylor_errors,
)

x, y = sp.symbols("x y", real=True)


@pytest.fixture
def hessian():
    explorer = hessian_explorer()
    yield explorer
    explorer.close()


@pytest.fixture
def linear():
    explorer = linearization_explorer()
    yield explorer
    explorer.close()


# -- plotting helpers --------------------------------------------------------------------------

def test_grid_polygons():
    X, Y = np.meshgrid([0.0, 1.0, 2.0], [0.0, 10.0])
    Z = X + Y
    quads = grid_polygons(X, Y, Z)
    assert quads.shape == (2, 4, 3)
    np.testing.assert_array_equal(quads[0], [[0, 0, 0], [1, 0, 1], [1, 10, 11], [0, 10, 10]])
    np.testing.assert_array_equal(quads[..., 2], quads[..., 0] + quads[..., 1])


def test_quantile_levels():
    Z = np.arange(101.0)
    levels = quantile_levels(Z, 5)
    np.testing.assert_allclose(levels, [2.0, 26.0, 50.0, 74.0, 98.0])
    assert len(quantile_levels(np.full(10, 3.0))) == 3
    np.testing.assert_array_equal(quantile_levels(np.full(4, np.nan)), [0.0])


def test_level_segments_lie_on_the_level_set():
    xs = np.linspace(-2, 2, 81)
    X, Y = np.meshgrid(xs, xs)
    segments = level_segments(xs, xs, X ** 2 + Y ** 2, [1.0, 2.0, 100.0])  # 100 is out of range
    radii = np.concatenate([np.hypot(*s.T) for s in segments])
    assert np.all((np.abs(radii - 1.0) < 2e-3) | (np.abs(radii - np.sqrt(2.0)) < 2e-3))
    assert np.any(np.abs(radii - 1.0) < 2e-3) and np.any(np.abs(radii - np.sqrt(2.0)) < 2e-3)
    assert level_segments(xs, xs, np.full(X.shape, np.nan), [1.0]) == []


def test_critical_point_markers_and_labels():
    fig, ax = static_figure()
    xs = np.linspace(-2, 2, 41)
    X, Y = np.meshgrid(xs, xs)
    artists = draw_hessian_view(ax, X, Y, X ** 2 - Y ** 2, [-1.0, 0.0, 1.0], legend=True)
    update_critical_points(ax, artists, [(0.0, 0.0, "saddle"), (1.0, 1.0, "minimum"), (-1.0, 1.0, "minimum")])
    assert artists["saddle"].get_data()[0].tolist() == [0.0]
    assert sorted(artists["minimum"].get_xdata()) == [-1.0, 1.0]
    assert len(artists["maximum"].get_xdata()) == 0
    assert sorted(t.get_text() for t in artists["critical_labels"]) == ["min", "min", "saddle"]
    update_critical_points(ax, artists, [(0.5, 0.5, "inconclusive")])   # labels are replaced, not added
    assert [t.get_text() for t in artists["critical_labels"]] == ["inconclusive"]
    assert len(artists["saddle"].get_xdata()) == 0


def test_taylor_error_references_and_fitted_slopes():
    fig, ax = static_figure()
    radii = np.logspace(-3, 0, 20)
    artists = draw_taylor_errors(ax, radii, (1, 2, 3))
    errors = {1: 3 * radii ** 2, 2: 0.5 * radii ** 3, 3: np.zeros_like(radii)}
    slopes = update_taylor_errors(artists, radii, errors, highlight=2, ax=ax)
    assert slopes[1] == pytest.approx(2.0) and slopes[2] == pytest.approx(3.0) and np.isnan(slopes[3])
    xs, ys = artists["slope2"].get_data()
    np.testing.assert_allclose(np.diff(np.log(ys)) / np.diff(np.log(xs)), 2.0)
    xs, ys = artists["slope3"].get_data()
    np.testing.assert_allclose(np.diff(np.log(ys)) / np.diff(np.log(xs)), 3.0)
    assert np.all(artists["T3"].get_ydata() > 0)       # an exact model sits on the floor, not at log(0)
    assert artists["T2"].get_linewidth() > artists["T1"].get_linewidth()


def test_static_figures_draw():
    fig, ax = static_figure()
    xs = np.linspace(-4, 2, 50)
    artists = draw_linearization(ax, xs, np.sin(xs), -2.0, np.sin(-2.0), np.cos(-2.0))
    np.testing.assert_allclose(artists["line"].get_ydata(), np.sin(-2.0) + np.cos(-2.0) * (xs + 2.0))
    fig, (ax2, ax3) = static_figure_2d_3d()
    delta = np.array([1.0, 2.0, -1.0, 0.5])
    matrix = draw_outer_product_matrix(ax2, delta)
    np.testing.assert_array_equal(matrix["image"].get_array(), np.outer(delta, delta))
    assert len(matrix["texts"]) == 16
    cube = draw_outer_product_tensor(ax3, delta)
    assert len(cube["voxels"]) == 64 - 8      # the 2 x 2 x 2 hidden inner cells get no faces
    assert fig._repr_png_()[:4] == b"\x89PNG"


# -- the Hessian explorer ----------------------------------------------------------------------

def _hessian_at(f, px, py):
    H = sp.hessian(f, (x, y)).subs({x: px, y: py})
    return np.array(H.evalf().tolist(), dtype=float)


def test_hessian_explorer_default_is_two_wells(hessian):
    # x⁴ + y⁴ − 4xy, not a quadratic, so the quadratic model differs from f; by hand its gradient
    # (4x³ − 4y, 4y³ − 4x) vanishes at (0, 0) (H = [[0, −4], [−4, 0]]: a saddle) and at ±(1, 1) (minima)
    assert isinstance(hessian, HessianExplorer)
    assert hessian.message == ""
    assert set(hessian.controls) == {"function", "formula", "x", "y"}
    a = hessian.map_artists
    assert sorted(zip(*a["minimum"].get_data())) == [(-1.0, -1.0), (1.0, 1.0)]
    assert list(zip(*a["saddle"].get_data())) == [(0.0, 0.0)]
    assert sorted(t.get_text() for t in a["critical_labels"]) == ["min", "min", "saddle"]
    px, py = hessian.controls["x"].value, hessian.controls["y"].value
    assert list(a["point"].get_data()[0]) == [px] and list(a["point"].get_data()[1]) == [py]


@pytest.mark.parametrize("px, py", [(1.0, 0.5), (-1.2, 0.3), (0.0, 0.0)])
def test_hessian_explorer_eigenvectors_match_sympy(hessian, px, py):
    hessian.controls["function"].value = "saddle"
    hessian.set_values(x=px, y=py)
    f = x ** 2 - y ** 2
    H = _hessian_at(f, px, py)
    lam, _ = np.linalg.eigh(H)                            # [-2, 2]
    np.testing.assert_allclose(hessian.values["eigenvalues"], lam)
    arrows = hessian.map_artists["arrows"]
    np.testing.assert_allclose(arrows.get_offsets(), [[px, py], [px, py]])
    U = np.column_stack([arrows.U, arrows.V]).T          # columns are the drawn arrows
    for i in range(2):
        u = U[:, i] / np.linalg.norm(U[:, i])
        np.testing.assert_allclose(H @ u, lam[i] * u, atol=1e-12)   # an eigenvector of H
    texts = [t.get_text() for t in hessian.map_artists["eigen_labels"]]
    assert texts == ["$\\lambda_1=-2$", "$\\lambda_2=2$"]
    assert hessian.values["definiteness"] == "indefinite"
    assert hessian.values["kind"] == ("saddle" if (px, py) == (0.0, 0.0) else None)


def test_hessian_explorer_presets(hessian):
    expected = {"bowl": ("minimum", (0.0, 0.0)), "saddle": ("saddle", (0.0, 0.0)),
                "monkey saddle": ("inconclusive", (0.0, 0.0)), "Rosenbrock": ("minimum", (1.0, 1.0)),
                "x⁴ + y⁴": ("inconclusive", (0.0, 0.0))}
    for name, (kind, point) in expected.items():
        hessian.controls["function"].value = name
        assert hessian.message == ""
        xs, ys = hessian.map_artists[kind].get_data()
        np.testing.assert_allclose([xs[0], ys[0]], point, atol=1e-12)
        others = [k for k in ("minimum", "maximum", "saddle", "inconclusive") if k != kind]
        assert all(len(hessian.map_artists[k].get_xdata()) == 0 for k in others)
    # the Rosenbrock view: sliders follow the preset's box
    hessian.controls["function"].value = "Rosenbrock"
    assert (hessian.controls["y"].min, hessian.controls["y"].max) == (-1.0, 3.0)


def test_hessian_explorer_rosenbrock_hessian_at_a_point(hessian):
    hessian.controls["function"].value = "Rosenbrock"
    hessian.set_values(x=-1.0, y=1.5)
    f = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    # by hand: H = [[2 - 400 (y - x^2) + 800 x^2, -400 x], [-400 x, 200]] = [[602, 400], [400, 200]]
    np.testing.assert_allclose(hessian.values["hessian"], [[602.0, 400.0], [400.0, 200.0]])
    np.testing.assert_allclose(hessian.values["hessian"], _hessian_at(f, -1.0, 1.5))
    np.testing.assert_allclose(hessian.values["gradient"], [-4.0 + 200.0, 100.0])   # [2(x-1) - 400x(y-x^2), 200(y-x^2)]


def test_hessian_explorer_quadratic_model(hessian):
    hessian.controls["function"].value = "monkey saddle"
    hessian.set_values(x=0.8, y=0.4)
    f = x ** 3 - 3 * x * y ** 2
    p = np.array([0.8, 0.4])
    f0 = float(f.subs({x: 0.8, y: 0.4}))
    g = np.array([float(sp.diff(f, s).subs({x: 0.8, y: 0.4})) for s in (x, y)])
    H = _hessian_at(f, 0.8, 0.4)

    def q(points):
        d = points - p
        return f0 + d @ g + 0.5 * np.einsum("ki,ij,kj->k", d, H, d)

    segments = hessian.map_artists["model"].get_segments()
    assert segments
    levels = hessian.levels
    for segment in segments:
        values = q(np.asarray(segment))
        nearest = levels[np.argmin(np.abs(levels - values.mean()))]
        np.testing.assert_allclose(values, nearest, atol=2e-3 * (1 + abs(nearest)))
    # the slices: quadratic model along u_i is g.u_i t + lambda_i t^2 / 2
    t = hessian.slice_artists["q1"].get_xdata()
    lam, U = np.linalg.eigh(H)
    for i in (1, 2):
        u = U[:, i - 1] * np.sign(U[:, i - 1] @ hessian.values["eigenvectors"][:, i - 1])
        np.testing.assert_allclose(hessian.slice_artists[f"q{i}"].get_ydata(), (g @ u) * t + 0.5 * lam[i - 1] * t ** 2,
                                   atol=1e-12)
        fx = np.array([float(f.subs({x: p[0] + s * u[0], y: p[1] + s * u[1]})) for s in t[::20]]) - f0
        np.testing.assert_allclose(hessian.slice_artists[f"f{i}"].get_ydata()[::20], fx, atol=1e-12)


def test_hessian_explorer_typed_formula(hessian):
    hessian.controls["formula"].value = "x^3 - 3x + y^2"
    assert hessian.message == ""
    assert hessian.expression == x ** 3 - 3 * x + y ** 2
    assert hessian.map_artists["minimum"].get_data()[0].tolist() == [1.0]
    assert hessian.map_artists["saddle"].get_data()[0].tolist() == [-1.0]
    assert (hessian.controls["x"].min, hessian.controls["x"].max) == (-3.0, 3.0)
    hessian.set_values(x=1.0, y=0.0)
    assert hessian.values["kind"] == "minimum"
    assert "极小值" in hessian.readout.value


def test_hessian_explorer_transcendental_formula(hessian):
    hessian.controls["formula"].value = "sin(x) cos(y)"
    kinds = {k: len(hessian.map_artists[k].get_xdata()) for k in ("minimum", "maximum", "saddle")}
    # in [-3, 3]^2: minimum (-pi/2, 0), maximum (pi/2, 0), saddles (0, +-pi/2)
    assert kinds == {"minimum": 1, "maximum": 1, "saddle": 2}
    np.testing.assert_allclose(hessian.map_artists["maximum"].get_data()[0], [np.pi / 2])


def test_hessian_explorer_bad_formula_keeps_picture(hessian):
    before = hessian.expression
    hessian.controls["formula"].value = "x^2 + foo(y)"
    assert "foo" in hessian.message
    assert hessian.expression == before
    hessian.controls["formula"].value = "x^2 +"
    assert hessian.message
    assert hessian.expression == before


def test_hessian_explorer_not_isolated_and_undefined(hessian):
    hessian.controls["formula"].value = "x^2"
    assert hessian.message == ""
    assert "未标出临界点" in hessian.readout.value and "not isolated" in hessian.readout.value
    assert all(len(hessian.map_artists[k].get_xdata()) == 0 for k in ("minimum", "maximum", "saddle", "inconclusive"))
    hessian.controls["formula"].value = "sqrt(x) + y^2"
    hessian.controls["x"].value = -1.0
    assert "没有定义" in hessian.message
    hessian.controls["x"].value = 1.0
    assert hessian.message == ""


def test_hessian_explorer_with_arguments():
    figures, canvases = live_figures(), len(transport.OPEN)
    explorer = hessian_explorer(x ** 2 + 3 * y ** 2, point=(1.0, 1.0))
    typed = hessian_explorer("x^2 - y^2")
    try:
        np.testing.assert_allclose(explorer.values["hessian"], [[2.0, 0.0], [0.0, 6.0]])
        assert typed.expression == x ** 2 - y ** 2 and typed.values["definiteness"] == "indefinite"
    finally:
        explorer.close()
        typed.close()
    del explorer, typed      # closed: their figures go
    for bad in ({"preset": "volcano"}, {"f": "x^2 + foo(y)"}, {"f": "sqrt(-9 - x^2 - y^2)"}):
        with pytest.raises(ValueError):
            hessian_explorer(**bad)
    with pytest.raises(ValueError):
        linearization_explorer("log(-1 - x^2) + y")
    assert live_figures() == figures and len(transport.OPEN) == canvases   # a refused explorer leaves no figure behind


def test_hessian_explorer_typed_formula_reads_custom_and_ignores_the_old_preset(hessian):
    hessian.controls["function"].value = "Rosenbrock"
    hessian.controls["formula"].value = "x^2 - y^2"
    menu = hessian.controls["function"]
    assert menu.value == CUSTOM and dict((v, label) for label, v in menu.options)[CUSTOM] == CUSTOM_LABEL
    assert hessian.ax_map.get_title() == "$f(x,y)=x^{2} - y^{2}$"
    # the typed formula's own view, not the Rosenbrock view the menu showed before
    assert [(hessian.controls[n].min, hessian.controls[n].max) for n in "xy"] == [(-3.0, 3.0), (-3.0, 3.0)]
    assert hessian.ax_map.get_ylim() == (-3.0, 3.0)
    assert list(zip(*hessian.map_artists["saddle"].get_data())) == [(0.0, 0.0)]
    hessian.controls["function"].value = "bowl"       # a preset again: its label, its formula, an empty box
    assert menu.value == "bowl" and hessian.controls["formula"].value == ""
    assert hessian.expression == x ** 2 + x * y + y ** 2


def _first_picture(explorer):
    """The controls (value, range), the function and the pixels of the explorer's picture."""
    controls = {n: (c.value, getattr(c, "min", None), getattr(c, "max", None)) for n, c in explorer.controls.items()}
    return controls, explorer.expression, full_redraw(explorer)


def _assert_back_at(explorer, first):
    controls, expression, pixels = first
    shown = explorer.canvas.pixels().copy()             # what the reset painted
    assert {n: (c.value, getattr(c, "min", None), getattr(c, "max", None))
            for n, c in explorer.controls.items()} == controls
    assert explorer.expression == expression
    assert explorer.message == "" and explorer.last_error is None
    np.testing.assert_array_equal(shown, pixels)
    np.testing.assert_array_equal(full_redraw(explorer), pixels)


def test_hessian_explorer_reset_brings_back_the_first_picture(hessian):
    first = _first_picture(hessian)
    hessian.set_values(x=-1.3, y=0.9)
    hessian.controls["function"].value = "Rosenbrock"
    hessian.controls["x"].value = -1.7
    hessian.controls["formula"].value = "sin(x) cos(y)"
    hessian.controls["y"].value = -2.5
    hessian.reset()
    assert hessian.controls["function"].value == "two wells" and hessian.controls["formula"].value == ""
    _assert_back_at(hessian, first)
    np.testing.assert_allclose(hessian.values["point"], [0.5, 1.2])


def test_hessian_explorer_reset_after_moves_fits_the_slices_afresh(hessian):
    first = _first_picture(hessian)
    for px in (1.9, -1.9, 0.0):          # the slices' y-limits widen, and are kept while they hold the slices
        hessian.controls["x"].value = px
    assert hessian.ax_slices.get_ylim() != pytest.approx((-1.24, 1.6))
    hessian.reset_button.click()
    _assert_back_at(hessian, first)


# -- the linearization explorer ----------------------------------------------------------------

def test_linearization_explorer_example_5_15(linear):
    assert isinstance(linear, LinearizationExplorer)
    assert linear.message == ""
    assert set(linear.controls) == {"formula", "x", "y", "order"}
    assert (linear.controls["x"].value, linear.controls["y"].value, linear.controls["order"].value) == (1.0, 2.0, 2)
    assert "f(x_0) = 13" in linear.readout.value and "[6,\\ 14]" in linear.readout.value
    verts = linear.model_artists["plane_verts"].reshape(-1, 3)
    X, Y, Z = verts.T
    lo, hi = linear.zlim
    # Example 5.15: T_1 = 13 + 6(x - 1) + 14(y - 2)
    np.testing.assert_allclose(Z, np.clip(13 + 6 * (X - 1) + 14 * (Y - 2), lo, hi), atol=1e-9)
    verts = linear.model_artists["model_verts"].reshape(-1, 3)
    X, Y, Z = verts.T
    # Example 5.15: T_2 adds (x - 1)^2 + 2(x - 1)(y - 2) + 6(y - 2)^2
    T2 = 13 + 6 * (X - 1) + 14 * (Y - 2) + (X - 1) ** 2 + 2 * (X - 1) * (Y - 2) + 6 * (Y - 2) ** 2
    np.testing.assert_allclose(Z, np.clip(T2, lo, hi), atol=1e-9)
    # slopes of the errors: T_1 ~ r^2, T_2 ~ r^3 (f - T_2 = (y-2)^3), T_3 exact
    assert linear.slopes[1] == pytest.approx(2.0, abs=0.1)
    assert linear.slopes[2] == pytest.approx(3.0, abs=1e-6)
    assert np.all(linear.errors[3] < 1e-12)
    np.testing.assert_allclose(linear.errors[2], linear.radii ** 3, rtol=1e-6)


def test_linearization_explorer_order_three_is_exact(linear):
    linear.controls["order"].value = 3
    verts = linear.model_artists["model_verts"].reshape(-1, 3)
    X, Y, Z = verts.T
    lo, hi = linear.zlim
    # T_3 of Example 5.15 is f itself
    np.testing.assert_allclose(Z, np.clip(X ** 2 + 2 * X * Y + Y ** 3, lo, hi), atol=1e-9)
    assert linear.error_artists["T3"].get_linewidth() > linear.error_artists["T1"].get_linewidth()
    linear.controls["order"].value = 1
    assert not linear.model_artists["model"].get_visible()
    linear.controls["order"].value = 2
    assert linear.model_artists["model"].get_visible()


def test_linearization_explorer_moving_point(linear):
    linear.set_values(x=0.0, y=1.0)
    # at (0, 1): f = 1, grad = [2x + 2y, 2x + 3y^2] = [2, 3]
    verts = linear.model_artists["plane_verts"].reshape(-1, 3)
    X, Y, Z = verts.T
    np.testing.assert_allclose(Z, np.clip(1 + 2 * X + 3 * (Y - 1), *linear.zlim), atol=1e-9)
    xs, ys, zs = linear.model_artists["point"].get_data_3d()
    assert (xs[0], ys[0], zs[0]) == (0.0, 1.0, 1.0)


def test_linearization_explorer_other_function():
    explorer = linearization_explorer("exp(x) sin(y)", point=(0.2, 0.5), xlim=(-1, 1), ylim=(-1, 1))
    try:
        assert explorer.message == ""
        for k in (1, 2, 3):
            assert explorer.slopes[k] == pytest.approx(k + 1, abs=0.15)
        plane = explorer.model_artists["plane_verts"].reshape(-1, 3)
        X, Y, Z = plane.T
        f0, fx, fy = np.exp(0.2) * np.sin(0.5), np.exp(0.2) * np.sin(0.5), np.exp(0.2) * np.cos(0.5)
        np.testing.assert_allclose(Z, np.clip(f0 + fx * (X - 0.2) + fy * (Y - 0.5), *explorer.zlim), atol=1e-9)
    finally:
        explorer.close()


def test_linearization_explorer_undefined_point():
    explorer = linearization_explorer("log(x) + y", point=(1.0, 0.0), xlim=(-1, 2), ylim=(-1, 1))
    try:
        assert explorer.message == ""
        explorer.controls["x"].value = -0.5
        assert "没有定义" in explorer.message
        explorer.controls["x"].value = 1.5
        assert explorer.message == ""
    finally:
        explorer.close()


def test_linearization_explorer_typed_formula(linear):
    box = linear.controls["formula"]
    assert box.description == "f(x, y) =" and not box.continuous_update   # the box the notebook names
    surface = linear.surface_artists["surface"]
    old_faces = surface.get_facecolors().copy()
    linear.set_values(x=2.0, y=3.5)     # a point of the old box, outside the centre of the new one
    box.value = "exp(x) sin(y)"
    assert linear.message == "" and linear.last_error is None
    assert linear.expression == sp.exp(x) * sp.sin(y)
    assert linear.ax3d.get_title() == "$f(x,y)=e^{x} \\sin{\\left(y \\right)}$"
    # the new surface replaces the old one: one surface on the Axes, heights exp(x) sin(y) on [-3, 3]^2
    new = linear.surface_artists["surface"]
    assert new is not surface and surface.axes is None and new in linear.ax3d.collections
    assert sum(c is new or c is surface for c in linear.ax3d.collections) == 1
    assert (linear.xlim, linear.ylim) == ((-3.0, 3.0), (-3.0, 3.0))
    assert (linear.controls["x"].min, linear.controls["x"].max, linear.controls["y"].min) == (-3.0, 3.0, -3.0)
    assert (linear.controls["x"].value, linear.controls["y"].value) == (0.0, 0.0)
    assert linear.controls["order"].max == 3
    assert not np.array_equal(new.get_facecolors(), old_faces)
    lo, hi = linear.zlim
    assert lo < -np.exp(3) * np.sin(1.5) * 0.99 and hi > np.exp(3) * np.sin(1.5) * 0.99   # e^3 sin(y) within the box
    # the model at the new point (0, 0): T_1 = y (f = y + x y + ...)
    X, Y, Z = linear.model_artists["plane_verts"].reshape(-1, 3).T
    np.testing.assert_allclose(Z, np.clip(Y, lo, hi), atol=1e-12)
    # the errors: f - T_k ~ r^(k+1) (at the origin f's Taylor terms of order 2, 3, 4 are x y,
    # x^2 y / 2 - y^3 / 6 and x^3 y / 6 - x y^3 / 6, none zero), so T_3's slope is 4, not exact any more
    for k in (1, 2, 3):
        assert linear.slopes[k] == pytest.approx(k + 1, abs=0.1)
    assert linear.errors[3][-1] > 1e-2     # at r = patch: far above rounding (Example 5.15's T_3 is exact)
    # typing Example 5.15 again brings back its box and point
    box.value = "x^2 + 2 x y + y^3"
    assert (linear.xlim, linear.ylim) == ((-1.0, 3.0), (0.0, 4.0))
    assert (linear.controls["x"].value, linear.controls["y"].value) == (1.0, 2.0)
    assert "f(x_0) = 13" in linear.readout.value


def test_linearization_explorer_formula_then_full_draw(linear):
    full_redraw(linear)
    linear.controls["order"].value = 3
    linear.controls["formula"].value = "exp(x) sin(y)"
    shown = _pixels(linear)
    np.testing.assert_array_equal(shown, full_redraw(linear))   # no stale background, no leftover artist
    linear.controls["x"].value = 0.5                            # and a move after it blits correctly
    np.testing.assert_array_equal(_pixels(linear), full_redraw(linear))


def test_linearization_explorer_reset_brings_back_the_first_picture(linear):
    first = _first_picture(linear)
    view = (linear.ax3d.elev, linear.ax3d.azim)
    linear.controls["order"].value = 3
    linear.set_values(x=2.5, y=0.3)
    linear.ax3d.view_init(elev=40, azim=10)              # as a drag of the mouse turns it
    linear.controls["formula"].value = "exp(x) sin(y)"
    linear.controls["x"].value = 1.2
    linear.reset()
    _assert_back_at(linear, first)
    assert (linear.ax3d.elev, linear.ax3d.azim) == view
    assert (linear.xlim, linear.ylim) == ((-1.0, 3.0), (0.0, 4.0)) and "f(x_0) = 13" in linear.readout.value
    # the same function: only the view turned and the error axis widened by moves come back
    linear.ax3d.view_init(elev=5, azim=80)
    for px in (-1.0, 3.0, 2.9):
        linear.controls["x"].value = px
    linear.controls["order"].value = 1
    linear.reset_button.click()
    _assert_back_at(linear, first)
    assert (linear.ax3d.elev, linear.ax3d.azim) == view


def test_linearization_explorer_reset_keeps_the_view_given_in_code():
    explorer = linearization_explorer("exp(x) sin(y)", point=(0.2, 0.5), xlim=(-1, 1), ylim=(-1, 1))
    try:
        first = _first_picture(explorer)
        explorer.controls["formula"].value = "x^2 - y^2"
        explorer.set_values(x=-2.0, order=1)
        explorer.reset_button.click()
        _assert_back_at(explorer, first)
        assert (explorer.xlim, explorer.ylim) == ((-1.0, 1.0), (-1.0, 1.0))
    finally:
        explorer.close()


@pytest.mark.parametrize("text", ['__import__("os")', "x +", "x^2 + foo(y)", "1/0", "log(-1 - x^2) + y",
                                  "sqrt(-1 - x^2 - y^2)"])
def test_linearization_explorer_bad_formula_keeps_picture(linear, text):
    linear.controls["formula"].value = "exp(x) sin(y)"
    expression, surface, shown = linear.expression, linear.surface_artists["surface"], _pixels(linear)
    sliders = [(c.min, c.max, c.value) for c in linear.controls.values() if c is not linear.controls["formula"]]
    linear.controls["formula"].value = text
    assert linear.message and linear.last_error is None
    assert linear.expression == expression and linear.surface_artists["surface"] is surface
    assert [(c.min, c.max, c.value) for c in linear.controls.values() if c is not linear.controls["formula"]] == sliders
    np.testing.assert_array_equal(_pixels(linear), shown)
    linear.controls["x"].value = 0.4    # still alive: a move clears the message
    assert linear.message == ""


def test_linearization_explorer_formulas_leave_no_figure():
    figures, canvases = live_figures(), len(transport.OPEN)
    explorer = linearization_explorer()
    for text in ("exp(x) sin(y)", "x^2 - y^2", "x +", "sin(x) cos(y)"):
        explorer.controls["formula"].value = text
    surfaces = sum(c is explorer.surface_artists["surface"] for c in explorer.ax3d.collections)
    assert len(explorer.ax3d.collections) == 3 and surfaces == 1        # the surface, the plane, the model
    assert len(explorer.ax_error.get_lines()) == 5                      # T_1..T_3 and two slopes, not more
    explorer.close()
    del explorer
    assert live_figures() == figures and len(transport.OPEN) == canvases


# -- blitting: a repaint shows what a full draw shows -------------------------------------------

def _pixels(explorer) -> np.ndarray:
    return explorer.canvas.pixels().copy()


def _repaints_match_full_draws(explorer, moves) -> tuple[int, int]:
    """Make each move; compare the canvas after the explorer's repaint with a full redraw of the same state.

    Return (blitted moves, fully drawn moves). The comparison is exact: a blit restores the pixels of
    the last full draw and rasterizes the moving artists with the same Agg renderer, in the order a
    full draw uses, so no tolerance is needed (one differing pixel would be a real defect, e.g. a stale
    background or a 3-D collection left with its old projection).
    """
    canvas = explorer.figure.canvas
    full_redraw(explorer)
    counts = [0, 0]
    for name, value in moves:
        drawn = []
        connection = canvas.mpl_connect("draw_event", drawn.append)
        if name == "set":
            explorer.set_values(**value)
        else:
            explorer.controls[name].value = value
        canvas.mpl_disconnect(connection)
        assert explorer.message == "" and explorer.last_error is None
        counts[bool(drawn)] += 1
        repainted = _pixels(explorer)
        np.testing.assert_array_equal(repainted, full_redraw(explorer), err_msg=f"after {name} = {value}")
    return counts[0], counts[1]


HESSIAN_MOVES = [("x", 0.5), ("y", -0.7), ("x", -1.4), ("x", -1.3), ("set", {"x": 0.2, "y": 0.1}),
                 ("function", "Rosenbrock"), ("x", -1.0), ("y", 2.0), ("y", 2.05),
                 ("formula", "sin(x) cos(y)"), ("x", 1.1), ("y", -2.5), ("function", "saddle"), ("y", 0.3)]
LINEARIZATION_MOVES = [("x", 0.5), ("x", 0.6), ("y", 3.0), ("order", 3), ("x", -0.8), ("order", 1), ("y", 0.1),
                       ("x", 2.5), ("order", 2), ("set", {"x": 1.0, "y": 2.0}), ("y", 3.9), ("order", 3),
                       ("y", 2.0), ("x", 1.1)]


def test_hessian_explorer_blits_what_a_full_draw_shows(hessian):
    assert hessian.blit_artists and all(a.figure is hessian.figure for a in hessian.blit_artists)
    blits, full = _repaints_match_full_draws(hessian, HESSIAN_MOVES)
    assert blits >= 7 and full >= 3        # new functions (and new slice limits) draw everything


def test_linearization_explorer_blits_what_a_full_draw_shows(linear):
    assert linear.surface_artists["surface"] not in linear.blit_artists     # the surface stays in the background
    blits, full = _repaints_match_full_draws(linear, LINEARIZATION_MOVES)
    assert blits >= 5 and full >= 3        # new orders (in the legend) draw everything


@pytest.mark.parametrize("make, moves", [(hessian_explorer, HESSIAN_MOVES),
                                         (linearization_explorer, LINEARIZATION_MOVES)])
def test_a_sequence_of_repaints_matches_one_full_draw(make, moves):
    """The same moves without a full draw in between: the saved background never goes stale."""
    explorer = make()
    try:
        full_redraw(explorer)
        drawn = []
        for name, value in moves:
            drawn.clear()
            connection = explorer.figure.canvas.mpl_connect("draw_event", drawn.append)
            if name == "set":
                explorer.set_values(**value)
            else:
                explorer.controls[name].value = value
            explorer.figure.canvas.mpl_disconnect(connection)
        assert not drawn                   # the last move was blitted
        repainted = _pixels(explorer)
        np.testing.assert_array_equal(repainted, full_redraw(explorer))
    finally:
        explorer.close()


def test_slice_and_error_limits_stay_while_they_hold_the_curves():
    def widened(lo, hi):        # a forced change: the fitted limits widened 1.5 times about their middle
        middle, half = (lo + hi) / 2, 0.75 * (hi - lo)
        return middle - half, middle + half

    fig, ax = static_figure()
    artists = draw_eigen_slices(ax)
    t = np.linspace(-1, 1, 11)
    update_eigen_slices(artists, t, [t, -t], [t, -t], ax)
    # the curves span [-1, 1]; room 0.12 of that range below and 2.5 times as much above
    np.testing.assert_allclose(ax.get_ylim(), (-1.24, 1.6))
    update_eigen_slices(artists, t, [0.8 * t, -t], [t, -t], ax, keep_view=True)      # still inside: kept
    np.testing.assert_allclose(ax.get_ylim(), (-1.24, 1.6))
    update_eigen_slices(artists, t, [2 * t, -t], [t, -t], ax, keep_view=True)        # leaves the view
    np.testing.assert_allclose(ax.get_ylim(), widened(-2.48, 3.2))
    update_eigen_slices(artists, t, [1.9 * t, -t], [t, -t], ax, keep_view=True)      # inside again: kept
    np.testing.assert_allclose(ax.get_ylim(), widened(-2.48, 3.2))
    update_eigen_slices(artists, t, [0.1 * t, -0.1 * t], [0.1 * t, 0.1 * t], ax, keep_view=True)  # far too wide
    np.testing.assert_allclose(ax.get_ylim(), widened(-0.124, 0.16))
    update_eigen_slices(artists, t, [2 * t, -t], [t, -t], ax)                        # no keep_view: fitted
    np.testing.assert_allclose(ax.get_ylim(), (-2.48, 3.2))

    fig, ax = static_figure()
    radii = np.logspace(-3, 0, 20)
    lines = draw_taylor_errors(ax, radii, (1, 2))
    update_taylor_errors(lines, radii, {1: radii ** 2, 2: radii ** 3}, ax=ax)
    # errors from 1e-9 to 1: a factor 5 of room on both sides
    np.testing.assert_allclose(ax.get_ylim(), (1e-9 / 5, 5.0))
    update_taylor_errors(lines, radii, {1: 2 * radii ** 2, 2: radii ** 3}, ax=ax, keep_view=True)   # inside: kept
    np.testing.assert_allclose(ax.get_ylim(), (1e-9 / 5, 5.0))
    update_taylor_errors(lines, radii, {1: 10 * radii ** 2, 2: radii ** 3}, ax=ax, keep_view=True)  # above the view
    lo, hi = widened(np.log10(1e-9 / 5), np.log10(50.0))       # widened in decades on a log axis
    np.testing.assert_allclose(ax.get_ylim(), (10 ** lo, 10 ** hi))


# -- display and leaks -------------------------------------------------------------------------

def test_explorers_display(hessian, linear):
    for explorer in (hessian, linear):
        bundle = explorer._repr_mimebundle_()
        assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.slow  # 500 changes: left out of the quick loop (docs/testing.md)
def test_five_hundred_changes_do_not_grow_figures(hessian, linear):
    figures, canvases = live_figures(), len(transport.OPEN)
    rng = np.random.default_rng(0)
    presets = list(hessian.controls["function"].options)
    for i in range(500):
        if i % 100 == 0:
            hessian.controls["function"].value = presets[(i // 100) % len(presets)][1]
        name = ("x", "y")[i % 2]
        slider = hessian.controls[name]
        slider.value = float(rng.uniform(slider.min, slider.max))
        control = ("x", "y", "order")[i % 3]
        if control == "order":
            linear.controls["order"].value = int(rng.integers(1, 4))
        else:
            s = linear.controls[control]
            s.value = float(rng.uniform(s.min, s.max))
    assert live_figures() == figures and len(transport.OPEN) == canvases
    assert hessian.last_error is None and linear.last_error is None
    assert len(hessian.ax_map.collections) < 10 and len(hessian.ax_map.texts) < 10
    assert len(linear.ax3d.collections) == 3

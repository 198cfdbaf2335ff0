"""The explorers of sections 5.2 and 5.3 driven through their controls (and the mouse); the plotted
data are checked against closed forms written out here."""

import types

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st
from matplotlib.backend_bases import MouseEvent

from explorer_inputs import live_figures
from pixels import assert_moves_repaint_like_full_redraws, full_redraw

from widgets.explorers import canvas as transport
from widgets.explorers import chain_rule_explorer, gradient_explorer, jacobian_explorer
from widgets.plotting import GRADIENT_COLORS

x, y = sp.symbols("x y", real=True)


def f57(px, py):
    """Example 5.7 in x, y: f = x^2 y + x y^3."""
    return px ** 2 * py + px * py ** 3


def grad57(px, py):
    return np.array([2 * px * py + py ** 3, px ** 2 + 3 * px * py ** 2])


def arrow_vector(quiver):
    """Return (start, components) of a one-arrow quiver."""
    return np.asarray(quiver.get_offsets())[0], np.array([quiver.U[0], quiver.V[0]])


@pytest.fixture
def gradient():
    e = gradient_explorer()
    yield e
    e.close()


@pytest.fixture
def chain():
    e = chain_rule_explorer()
    yield e
    e.close()


@pytest.fixture
def jacobian():
    e = jacobian_explorer()
    yield e
    e.close()


# -- gradient_explorer -------------------------------------------------------------------------
def test_gradient_explorer_shows_example_5_7_by_default(gradient):
    assert sp.simplify(gradient.expression - (x ** 2 * y + x * y ** 3)) == 0
    assert {"x", "y", "theta"} <= set(gradient.controls)
    assert gradient.message == "" and gradient.last_error is None
    assert "x^{2} y" in gradient.header.value
    assert "image/png" in gradient._repr_mimebundle_()


@pytest.mark.parametrize("px, py, theta", [(1.0, 0.5, 0.3), (-1.2, 0.7, 2.0), (0.4, -1.5, 5.5)])
def test_directional_derivative_two_ways(gradient, px, py, theta):
    gradient.set_values(x=px, y=py, theta=theta)
    g = grad57(px, py)
    u = np.array([np.cos(theta), np.sin(theta)])
    v = gradient.values
    np.testing.assert_allclose(v["gradient"], g, rtol=1e-12)
    assert v["exact"] == pytest.approx(g @ u, rel=1e-12)
    assert v["fd"] == pytest.approx(g @ u, rel=1e-7, abs=1e-9)
    norm = np.hypot(*g)
    assert v["exact"] == pytest.approx(norm * np.cos(theta - np.arctan2(g[1], g[0])), abs=1e-12)
    # the point, the unit vector u and the steepest-ascent direction as drawn
    assert gradient.artists["point"].get_xydata().tolist() == [[px, py]]
    start, vector = arrow_vector(gradient.artists["u"])
    np.testing.assert_allclose(start, [px, py])
    np.testing.assert_allclose(vector / np.linalg.norm(vector), u, atol=1e-12)
    start, vector = arrow_vector(gradient.artists["ascent"])
    np.testing.assert_allclose(vector / np.linalg.norm(vector), g / norm, atol=1e-12)
    # the tangent of the level curve is perpendicular to the gradient
    tangent = np.diff(gradient.artists["level"].get_xydata(), axis=0)[0]
    assert abs(tangent @ g) < 1e-9 * np.linalg.norm(tangent) * norm
    # the profile D_u f(theta) is |grad f| cos(theta - theta_grad), marked at theta
    thetas, values = gradient.profile["curve"].get_data()
    np.testing.assert_allclose(values, g[0] * np.cos(thetas) + g[1] * np.sin(thetas), atol=1e-12)
    assert gradient.profile["current"].get_xydata().tolist() == [[theta, pytest.approx(g @ u)]]
    extremes = gradient.profile["extremes"].get_xydata()
    np.testing.assert_allclose(extremes[:, 1], [norm, -norm])
    np.testing.assert_allclose(np.cos(extremes[0, 0] - np.arctan2(g[1], g[0])), 1.0)
    assert f"{g @ u:.8g}" in gradient.readout.value


def test_level_curve_passes_through_the_point(gradient):
    gradient.set_values(x=1.2, y=0.6)
    xs, ys = gradient.artists["curve"].get_data()
    keep = np.isfinite(xs)
    assert keep.sum() > 20
    np.testing.assert_allclose(f57(xs[keep], ys[keep]), f57(1.2, 0.6), atol=2e-2)  # grid interpolation
    assert np.min(np.hypot(xs[keep] - 1.2, ys[keep] - 0.6)) < 0.05


def test_steepest_ascent_gives_the_largest_rate(gradient):
    gradient.set_values(x=0.8, y=-0.4)
    g = grad57(0.8, -0.4)
    gradient.controls["theta"].value = float(np.mod(np.arctan2(g[1], g[0]), 2 * np.pi))
    assert gradient.values["exact"] == pytest.approx(np.hypot(*g), rel=1e-4)
    assert gradient.values["theta_ascent"] == pytest.approx(np.mod(np.arctan2(g[1], g[0]), 2 * np.pi))


def test_stationary_point_has_no_steepest_direction(gradient):
    gradient.set_values(x=0.0, y=0.0)  # grad f(0, 0) = 0 for Example 5.7
    assert gradient.message == ""
    assert gradient.values["ascent"] is None and gradient.values["exact"] == 0.0
    assert "驻点" in gradient.readout.value
    assert gradient.artists["level"].get_xydata().size == 0


def test_gradient_field_is_drawn_once_and_points_along_the_gradient(gradient):
    field = gradient.artists["field"]
    offsets = np.asarray(field.get_offsets())
    U, V = field.U, field.V
    g = grad57(offsets[:, 0], offsets[:, 1])
    norm = np.hypot(*g)
    keep = norm > 1e-9
    cos = (U[keep] * g[0][keep] + V[keep] * g[1][keep]) / (np.hypot(U[keep], V[keep]) * norm[keep])
    np.testing.assert_allclose(cos, 1.0, atol=1e-9)
    before = len(gradient.map_axes.collections)
    for v in np.linspace(-1.5, 1.5, 10):
        gradient.controls["x"].value = v
    assert gradient.artists["field"] is field and len(gradient.map_axes.collections) == before


def test_presets_and_typed_formula(gradient):
    gradient.controls["function"].value = "bowl"
    assert sp.simplify(gradient.expression - (x ** 2 + 2 * y ** 2)) == 0
    gradient.set_values(x=1.0, y=1.0, theta=0.0)
    assert gradient.values["exact"] == pytest.approx(2.0)  # d/dx (x^2 + 2y^2) = 2x
    gradient.controls["formula"].value = "x^2 - y^2"
    assert sp.simplify(gradient.expression - (x ** 2 - y ** 2)) == 0
    gradient.set_values(x=1.0, y=0.5, theta=np.pi / 2)
    assert gradient.values["exact"] == pytest.approx(-1.0)  # d/dy = -2y
    collections = len(gradient.map_axes.collections)
    gradient.controls["formula"].value = "exp(-x^2 - y^2)"
    assert len(gradient.map_axes.collections) == collections  # the old contour set was removed
    gradient.controls["function"].value = "example 5.6"
    assert gradient.controls["formula"].value == ""
    assert (gradient.controls["x"].min, gradient.controls["x"].max) == (-1.2, 1.2)
    px, py = gradient.controls["x"].value, gradient.controls["y"].value
    np.testing.assert_allclose(gradient.values["gradient"], [2 * (px + 2 * py ** 3), 12 * (px + 2 * py ** 3) * py ** 2])


def test_bad_formula_keeps_the_picture(gradient):
    gradient.controls["formula"].value = "x^2 +"
    assert "语法" in gradient.message or "syntax" in gradient.message
    assert sp.simplify(gradient.expression - (x ** 2 * y + x * y ** 3)) == 0
    gradient.controls["formula"].value = "import os"
    assert gradient.message != ""
    gradient.controls["formula"].value = "log(x)"
    gradient.set_values(x=-1.0, y=0.5)
    assert "没有定义" in gradient.message
    gradient.set_values(x=1.0, y=0.5)
    assert gradient.message == ""
    assert gradient.values["gradient"] == pytest.approx([1.0, 0.0])


def test_mouse_drag_moves_the_point(gradient):
    press = types.SimpleNamespace(inaxes=gradient.map_axes, xdata=0.3, ydata=-0.7, button=1)
    gradient._on_press(press)
    assert (gradient.controls["x"].value, gradient.controls["y"].value) == (0.3, -0.7)
    gradient._on_motion(types.SimpleNamespace(inaxes=gradient.map_axes, xdata=-1.1, ydata=1.25, button=1))
    assert (gradient.controls["x"].value, gradient.controls["y"].value) == (-1.1, 1.25)
    np.testing.assert_allclose(gradient.values["gradient"], grad57(-1.1, 1.25))
    gradient._on_motion(types.SimpleNamespace(inaxes=gradient.map_axes, xdata=9.0, ydata=-9.0, button=1))
    assert (gradient.controls["x"].value, gradient.controls["y"].value) == (2.0, -2.0)  # clipped to the view
    gradient._on_release(types.SimpleNamespace(inaxes=gradient.map_axes, xdata=0.0, ydata=0.0, button=1))
    gradient._on_motion(types.SimpleNamespace(inaxes=gradient.map_axes, xdata=0.5, ydata=0.5, button=None))
    assert gradient.controls["x"].value == 2.0  # not dragging any more
    gradient._on_press(types.SimpleNamespace(inaxes=gradient.profile_axes, xdata=1.0, ydata=1.0, button=1))
    gradient._on_press(types.SimpleNamespace(inaxes=gradient.map_axes, xdata=1.0, ydata=1.0, button=3))
    assert gradient.controls["x"].value == 2.0  # other panel or right button: ignored


def test_real_mouse_events_through_the_canvas(gradient):
    canvas = gradient.figure.canvas
    canvas.draw()
    px, py = gradient.map_axes.transData.transform((-0.5, 1.5))
    MouseEvent("button_press_event", canvas, px, py, button=1)._process()
    assert gradient.controls["x"].value == pytest.approx(-0.5, abs=0.02)
    assert gradient.controls["y"].value == pytest.approx(1.5, abs=0.02)
    qx, qy = gradient.map_axes.transData.transform((0.75, -0.25))
    MouseEvent("motion_notify_event", canvas, qx, qy, button=1)._process()
    assert gradient.controls["x"].value == pytest.approx(0.75, abs=0.02)
    MouseEvent("button_release_event", canvas, qx, qy, button=1)._process()
    MouseEvent("motion_notify_event", canvas, px, py)._process()
    assert gradient.controls["x"].value == pytest.approx(0.75, abs=0.02)


# -- chain_rule_explorer -----------------------------------------------------------------------
@pytest.mark.parametrize("t0", [0.0, 1.0, 2.5, 4.0, 6.0])
def test_chain_rule_example_5_8(chain, t0):
    chain.controls["t"].value = t0
    factors = chain.values["factors"]
    np.testing.assert_allclose(factors, [[2 * np.sin(t0), np.cos(t0)], [2.0, -np.sin(t0)]], atol=1e-12)
    assert chain.values["dh"] == pytest.approx(2 * np.sin(t0) * (np.cos(t0) - 1), abs=1e-12)  # (5.50c)
    assert chain.values["h"] == pytest.approx(np.sin(t0) ** 2 + 2 * np.cos(t0), abs=1e-12)
    assert chain.artists["point"].get_xydata().tolist() == [[pytest.approx(np.sin(t0)), pytest.approx(np.cos(t0))]]
    _, velocity = arrow_vector(chain.artists["velocity"])
    np.testing.assert_allclose(velocity, [np.cos(t0), -np.sin(t0)], atol=1e-12)
    marks = chain.chain["marks"].get_xydata()
    np.testing.assert_allclose(marks[:, 1], [np.sin(t0) ** 2 + 2 * np.cos(t0), 2 * np.sin(t0) * (np.cos(t0) - 1),
                                             2 * np.sin(t0) * np.cos(t0), -2 * np.sin(t0)], atol=1e-12)
    assert f"{2 * np.sin(t0) * (np.cos(t0) - 1):.4f}" in chain.readout.value


def test_chain_rule_curves_and_path(chain):
    ts, dh = chain.chain["dh"].get_data()
    np.testing.assert_allclose(dh, 2 * np.sin(ts) * (np.cos(ts) - 1), atol=1e-12)
    ts, h = chain.chain["h"].get_data()
    np.testing.assert_allclose(h, np.sin(ts) ** 2 + 2 * np.cos(ts), atol=1e-12)
    xs, ys = chain.artists["path"].get_data()
    np.testing.assert_allclose(xs ** 2 + ys ** 2, 1.0)  # the unit circle
    _, t1 = chain.chain["term1"].get_data()
    _, t2 = chain.chain["term2"].get_data()
    np.testing.assert_allclose(t1 + t2, dh, atol=1e-12)  # (5.49): the sum of the two terms
    assert r"2 \left(\cos{\left(t \right)} - 1\right) \sin{\left(t \right)}" in chain.readout.value


def test_chain_rule_typed_path_and_function(chain):
    chain.controls["x1"].value = "t"
    chain.controls["x2"].value = "t^2"
    chain.controls["f"].value = "x1 x2"  # f(x(t)) = t^3, df/dt = 3 t^2
    chain.controls["t"].value = 1.5
    assert chain.message == ""
    assert chain.values["dh"] == pytest.approx(3 * 1.5 ** 2)
    np.testing.assert_allclose(chain.values["terms"], [1.5 ** 2, 1.5 * 2 * 1.5])
    ts, h = chain.chain["h"].get_data()
    np.testing.assert_allclose(h, ts ** 3)
    assert "3 t^{2}" in chain.readout.value
    xs, ys = chain.artists["path"].get_data()
    np.testing.assert_allclose(ys, xs ** 2)


def test_chain_rule_bad_input_keeps_the_picture(chain):
    chain.controls["x2"].value = "foo(t)"
    assert "foo" in chain.message
    chain.controls["t"].value = 2.0
    assert chain.values["dh"] == pytest.approx(2 * np.sin(2.0) * (np.cos(2.0) - 1))
    chain.controls["x2"].value = "cos(t)"
    chain.controls["x1"].value = "log(t - 3)"
    chain.controls["t"].value = 1.0
    assert "没有定义" in chain.message
    chain.controls["t"].value = 4.0
    assert chain.message == ""


# -- jacobian_explorer -------------------------------------------------------------------------
def test_jacobian_explorer_shows_fig_5_5(jacobian):
    assert jacobian.controls["map"].value == "book"
    assert {"x", "y", "size", "map"} <= set(jacobian.controls)
    np.testing.assert_allclose(jacobian.values["J"], [[-2, 1], [1, 1]])
    assert jacobian.values["det"] == pytest.approx(-3.0)
    assert jacobian.values["ratio"] == pytest.approx(-3.0)  # signed: the book's map reverses orientation
    np.testing.assert_allclose(jacobian.artists["linear"].get_xy()[:4], [[0, 0], [-2, 1], [-1, 2], [1, 1]])
    image = jacobian.artists["image"].get_xy()
    for corner in ([0, 0], [-2, 1], [-1, 2], [1, 1]):  # c1 = [-2, 1], c2 = [1, 1]
        assert np.min(np.hypot(*(image - corner).T)) < 1e-12
    assert jacobian.artists["image"].get_facecolor()[:3] == pytest.approx(
        tuple(int(GRADIENT_COLORS["flipped"][i:i + 2], 16) / 255 for i in (1, 3, 5)))
    assert "3.0000" in jacobian.readout.value


def test_polar_map_ratio_tends_to_r(jacobian):
    jacobian.controls["map"].value = "polar"
    jacobian.set_values(x=1.5, y=0.4)
    errors = []
    for size in (0.5, 0.1, 0.02, 0.004):
        jacobian.controls["size"].value = size
        assert jacobian.values["det"] == pytest.approx(1.5)  # det J = r
        assert jacobian.values["ratio"] == pytest.approx(1.5 + size / 2, rel=1e-4)  # annular sector
        errors.append(jacobian.values["error"])
    assert errors == sorted(errors, reverse=True) and errors[-1] < 0.003
    sizes, ratios = jacobian.convergence["ratio"].get_data()
    small = sizes <= 1.0  # (a coarser boundary: chords cut the arcs a little at the largest sizes)
    np.testing.assert_allclose(ratios[small], 1.5 + sizes[small] / 2, rtol=1e-3)
    assert jacobian.convergence["det"].get_ydata()[0] == pytest.approx(1.5)


@pytest.mark.parametrize("key, det", [("book", lambda a, b: -3.0), ("polar", lambda a, b: a),
                                      ("shear", lambda a, b: 1.0), ("rotation", lambda a, b: 1.0),
                                      ("fold", lambda a, b: 2 * b),
                                      ("sine", lambda a, b: 1 - np.cos(a) * np.cos(b))])
def test_every_preset_converges_to_abs_det(jacobian, key, det):
    jacobian.controls["map"].value = key
    assert jacobian.message == ""
    px, py = jacobian.controls["x"].value, jacobian.controls["y"].value
    assert jacobian.values["det"] == pytest.approx(det(px, py))
    previous = np.inf
    for size in (0.2, 0.05, 0.0125):
        jacobian.controls["size"].value = size
        error = abs(abs(jacobian.values["ratio"]) - abs(det(px, py)))
        assert error <= previous + 1e-12
        assert error <= 3 * size * max(1.0, abs(det(px, py)))  # error falls like the size
        previous = error
    flipped = det(px, py) < 0
    color = GRADIENT_COLORS["flipped" if flipped else "image"]
    assert jacobian.artists["image"].get_facecolor()[:3] == pytest.approx(
        tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    assert ("orientation reversed" in jacobian.readout.value) == flipped


def test_fold_reverses_orientation(jacobian):
    jacobian.controls["map"].value = "fold"
    jacobian.set_values(x=0.3, y=-1.2, size=0.4)
    assert jacobian.values["det"] == pytest.approx(-2.4)
    assert jacobian.values["ratio"] == pytest.approx(-2.4 + 0.4)  # a rectangle traversed clockwise
    jacobian.controls["y"].value = 0.5
    assert jacobian.values["det"] == pytest.approx(1.0) and jacobian.values["ratio"] > 0


def test_image_and_grid_follow_the_map(jacobian):
    jacobian.controls["map"].value = "sine"
    jacobian.set_values(x=-0.5, y=0.8, size=0.3)
    square = jacobian.artists["square"].get_xy()
    image = jacobian.artists["image"].get_xy()
    np.testing.assert_allclose(image[:len(square) - 1],
                               np.column_stack([square[:, 0] + np.sin(square[:, 1]),
                                                square[:, 1] + np.sin(square[:, 0])])[:len(square) - 1])
    for grid_line, image_line in zip(jacobian.grid_lines, jacobian.image_lines):
        u, v = grid_line.get_data()
        if len(u):
            np.testing.assert_allclose(image_line.get_data(), [u + np.sin(v), v + np.sin(u)])
    J = np.array([[1, np.cos(0.8)], [np.cos(-0.5), 1]])
    np.testing.assert_allclose(jacobian.values["J"], J)
    origin = np.array([-0.5 + np.sin(0.8), 0.8 + np.sin(-0.5)])
    np.testing.assert_allclose(jacobian.values["linear"][[1, 3]], [origin + 0.3 * J[:, 0], origin + 0.3 * J[:, 1]])


def test_typed_map(jacobian):
    jacobian.controls["map"].value = "typed"  # default typed map: (x^2 - y^2, 2xy), det J = 4(x^2 + y^2)
    jacobian.set_values(x=0.5, y=-0.25)
    assert jacobian.values["det"] == pytest.approx(4 * (0.25 + 0.0625))
    jacobian.controls["f1"].value = "x + y^3"
    assert jacobian.controls["map"].value == "typed"
    # F = (x + y^3, 2xy): det [[1, 3y^2], [2y, 2x]] = 2x - 6 y^3
    assert jacobian.values["det"] == pytest.approx(2 * 0.5 - 6 * (-0.25) ** 3)
    jacobian.controls["map"].value = "shear"
    jacobian.controls["f2"].value = "y"  # typing switches to the typed map: (x + y^3, y)
    assert jacobian.controls["map"].value == "typed"
    assert jacobian.values["det"] == pytest.approx(1.0)


def test_typed_map_errors_keep_the_picture(jacobian):
    jacobian.controls["f1"].value = "x + (y"
    assert "括号" in jacobian.message
    assert jacobian.controls["map"].value == "book"
    np.testing.assert_allclose(jacobian.values["J"], [[-2, 1], [1, 1]])
    jacobian.controls["f1"].value = "log(x)"
    jacobian.set_values(x=-1.0, y=0.0)
    assert "没有定义" in jacobian.message
    jacobian.set_values(x=1.0, y=0.0)
    assert jacobian.message == ""


# -- no figure leaks ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, moves", [
    (gradient_explorer, [("x", -1.5, 1.5), ("y", -1.5, 1.5), ("theta", 0.0, 6.2)]),
    (chain_rule_explorer, [("t", 0.0, 6.2)]),
    (jacobian_explorer, [("x", -1.0, 1.5), ("y", -1.0, 1.5), ("size", 0.01, 1.5)]),
])
@pytest.mark.slow  # 500 changes per explorer: left out of the quick loop (docs/testing.md)
def test_500_changes_do_not_grow_figures(make, moves):
    figures, canvases = live_figures(), len(transport.OPEN)
    explorer = make()
    during = live_figures()
    rng = np.random.default_rng(0)
    for i in range(500):
        name, lo, hi = moves[i % len(moves)]
        explorer.controls[name].value = float(rng.uniform(lo, hi))
    assert live_figures() == during == figures + 1
    assert len(transport.OPEN) == canvases + 1
    assert explorer.last_error is None
    explorer.close()
    del explorer
    assert live_figures() == figures and len(transport.OPEN) == canvases


# -- static drawing helpers ---------------------------------------------------------------------
from widgets.math import gradients as mv  # noqa: E402
from widgets import plotting as wp  # noqa: E402


def test_round_values_and_grid_lines():
    values = wp.round_values((-1.5, 2.0))
    np.testing.assert_allclose(values, np.arange(-1.5, 2.01, 0.5))
    assert len(wp.round_values((0.0, np.pi))) <= 11 and wp.round_values((0.0, np.pi))[-1] <= np.pi
    lines = wp.grid_lines((0.0, 1.0), (0.0, 2.0), points=5)
    assert all(len(u) == len(v) == 5 for u, v in lines)
    assert sum(np.ptp(u) == 0 for u, _ in lines) == len(wp.round_values((0.0, 1.0)))


def test_level_curve_of_a_circle():
    X, Y = mv.grid((-2, 2), (-2, 2), 101)
    xs, ys = wp.level_curve(X, Y, X ** 2 + Y ** 2, 1.0)
    keep = np.isfinite(xs)
    np.testing.assert_allclose(np.hypot(xs[keep], ys[keep]), 1.0, atol=2e-3)
    assert wp.level_curve(X, Y, X ** 2 + Y ** 2, -1.0)[0].size == 0


def test_fig_5_5_drawing():
    fig, axes = wp.static_figure(1, 2)
    artists = wp.draw_basis_map(*axes, [[-2, 1], [1, 1]])
    assert artists["c1"].xy == pytest.approx((-2, 1)) and artists["c2"].xy == pytest.approx((1, 1))
    assert artists["b1"].xy == pytest.approx((1, 0)) and artists["b2"].xy == pytest.approx((0, 1))
    assert "3" in axes[1].get_title()


def test_map_squares_drawing():
    polar = mv.JACOBIAN_PRESETS["polar"].plane_map()
    fig, axes = wp.static_figure(1, 2)
    artists = wp.draw_map_squares(*axes, polar, (0, 2), (0, np.pi), [(1.0, 0.6)], 0.3)
    boundary = mv.square_boundary((1.0, 0.6), 0.3)
    image = artists["square0"]["image"].get_xy()
    np.testing.assert_allclose(image[:len(boundary)], np.column_stack([boundary[:, 0] * np.cos(boundary[:, 1]),
                                                                       boundary[:, 0] * np.sin(boundary[:, 1])]))
    lo, hi = axes[1].get_xlim()
    assert lo < -1.9 and hi > 1.9  # the view takes in the whole image of the grid


def test_gradient_check_drawing():
    fig, ax = wp.static_figure()
    hs = np.logspace(-8, -1, 8)
    artists = wp.draw_gradient_check(ax, hs, {"a": hs ** 2, "b": np.zeros_like(hs)})
    np.testing.assert_allclose(artists["a"].get_ydata(), hs ** 2)
    assert np.all(artists["b"].get_ydata() > 0)  # an exact zero is drawn at a floor on the log axis
    assert artists["threshold"].get_label() == "threshold $10^{-6}$"


def test_explorers_accept_their_function_as_an_argument():
    e = gradient_explorer("x^2 - y^2", x=1.0, y=0.5, theta=0.0)
    assert e.controls["formula"].value == "x^2 - y^2" and e.values["exact"] == pytest.approx(2.0)
    e.close()
    a, b = sp.symbols("a b")
    e = gradient_explorer(a * b ** 2, x=1.0, y=2.0, theta=np.pi / 2)  # any two symbols become x, y
    assert e.values["exact"] == pytest.approx(4.0)  # d/dy (x y^2) = 2xy
    e.close()
    e = chain_rule_explorer(a * b, sp.exp(sp.Symbol("s")), "t", t0=0.5)  # f(x(t)) = t e^t
    assert e.values["dh"] == pytest.approx(np.exp(0.5) * 1.5)
    e.close()
    e = jacobian_explorer(("x + 2y", "3x - y"), x=0.2, y=0.1, size=0.3)
    assert e.controls["map"].value == "typed" and e.values["det"] == pytest.approx(-7.0)
    assert e.values["ratio"] == pytest.approx(-7.0)
    e.close()



def test_bad_arguments_raise_before_a_figure_exists():
    figures, canvases = live_figures(), len(transport.OPEN)
    with pytest.raises(ValueError):
        gradient_explorer(preset="nope")
    with pytest.raises(ValueError):
        jacobian_explorer(preset="nope")
    with pytest.raises(ValueError):  # ExpressionError is a ValueError
        gradient_explorer("x +")
    with pytest.raises(ValueError):
        chain_rule_explorer("x1 x2", "sin(", "t")
    with pytest.raises(ValueError):
        jacobian_explorer(("x", "y +"))
    with pytest.raises(ValueError):
        jacobian_explorer(("log(-1 - x^2)", "y"))  # defined nowhere
    with pytest.raises(ValueError):
        chain_rule_explorer("x1", "log(-1 - t^2)", "t")
    assert live_figures() == figures and len(transport.OPEN) == canvases


# -- blitting: a move repaints what a full redraw paints ---------------------------------------
def test_gradient_moves_repaint_like_full_redraws(gradient):
    assert_moves_repaint_like_full_redraws(gradient, [
        ("theta", 0.0, "blit"), ("theta", 2 * np.pi, "blit"),  # the theta marker on the left spine
        ("x", -1.5, None), ("y", 1.2, None), ("x", -1.45, "blit"), ("y", 0.0, None), ("x", 0.0, None),
        ("function", "bowl", "draw"), ("x", 0.3, None), ("theta", 3.0, "blit"),
        ("formula", "exp(-x^2 - y^2)", "draw"), ("y", -1.0, None), ("function", "waves", "draw"),
        ("x", -2.5, None), ("theta", 5.0, "blit")])


def test_chain_rule_moves_repaint_like_full_redraws(chain):
    assert_moves_repaint_like_full_redraws(chain, [
        ("t", 0.0, "blit"), ("t", 2 * np.pi, "blit"), ("t", 3.0, "blit"), ("x1", "t", "draw"),
        ("t", 1.0, "blit"), ("f", "x1 x2", "draw"), ("t", 5.0, "blit"), ("x2", "t^2", "draw"), ("t", 0.5, "blit")])


def test_jacobian_moves_repaint_like_full_redraws(jacobian):
    assert_moves_repaint_like_full_redraws(jacobian, [
        ("size", 0.01, "blit"), ("x", 1.0, None), ("y", -0.5, None), ("size", 1.9, "blit"),
        ("map", "polar", "draw"), ("x", 1.5, None), ("y", 2.0, "blit"), ("map", "fold", "draw"),
        ("y", 0.05, None), ("y", -1.0, None), ("f1", "x^3", "draw"), ("x", 0.7, None), ("size", 0.2, "blit")])


def test_most_moves_of_a_drag_are_blitted():
    """The panels whose y-limits follow the data keep them while the data fit (steady limits), so
    most steps of a drag repaint only the moving artists."""
    for make, name, values in [(gradient_explorer, "x", np.linspace(-1.8, 1.8, 37)),
                               (jacobian_explorer, "x", np.linspace(-1.0, 1.5, 26))]:
        explorer = make()
        canvas = explorer.figure.canvas
        draws = []
        canvas.mpl_connect("draw_event", draws.append)
        canvas.draw()
        for value in values:
            explorer.controls[name].value = float(value)
        assert len(draws) - 1 <= len(values) // 3, (make.__name__, len(draws))
        explorer.close()


def test_profile_and_ratio_limits_show_their_data(gradient, jacobian):
    rng = np.random.default_rng(1)
    for _ in range(60):
        gradient.set_values(x=float(rng.uniform(-2, 2)), y=float(rng.uniform(-2, 2)))
        needed = 1.15 * gradient.values["norm"]
        lo, hi = gradient.profile_axes.get_ylim()
        assert lo == -hi and max(needed, 1e-3) <= hi < 3 * max(needed, 1e-3)
        jacobian.set_values(x=float(rng.uniform(-2, 2)), y=float(rng.uniform(-2, 2)))
        ratios = np.abs(jacobian.convergence["ratio"].get_ydata())
        ratios = np.append(ratios[np.isfinite(ratios)], abs(jacobian.values["det"]))
        lo, hi = jacobian.ratio_axes.get_ylim()
        assert lo <= ratios.min() and ratios.max() <= hi
        # the values with a margin (never below 0) fill at least 40 % of the view
        margin = max(0.1 * np.ptp(ratios), 0.05 * max(abs(jacobian.values["det"]), 0.2))
        assert ratios.max() + margin - max(ratios.min() - margin, 0.0) >= 0.4 * (hi - lo) - 1e-9


@given(st.floats(1e-6, 1e6))
def test_round_up_and_steady_top(value):
    top = wp.gradients.round_up(value)
    assert value <= top * (1 + 1e-12) < 2 * value
    mantissa = top / 10 ** np.floor(np.log10(top) + 1e-12)
    assert any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5, 10))
    steady = wp.gradients.steady_top
    assert steady(value, 2.9 * value) == 2.9 * value  # still shows it, not too large: kept
    assert steady(value, 0.9 * value) == top and steady(value, 3.1 * value) == top  # else a round value


@given(st.floats(-50, 50), st.floats(0.0, 20), st.floats(-50, 50), st.floats(0.01, 40))
def test_steady_limits_contain_the_data(lo, span, a, width):
    hi = lo + span
    limits = wp.gradients.steady_limits((a, a + width), lo, hi)
    assert limits[0] <= lo and hi <= limits[1]
    if span > 1e-9 * max(1.0, abs(lo), abs(hi)):  # (a single value gets a unit-wide view)
        assert span >= 0.4 * (limits[1] - limits[0]) - 1e-9
        if limits != (a, a + width):
            assert span == pytest.approx(0.65 * (limits[1] - limits[0]))
    floored = wp.gradients.steady_limits((a, a + width), max(lo, 0.0), max(hi, 0.0) + 1.0, floor=0.0)
    assert floored[0] >= 0.0 or floored == (a, a + width)


@pytest.mark.parametrize("f2", ["1e30", "1e6*y"])
def test_jacobian_image_too_elongated_for_equal_scale_gets_a_message(f2):
    """At equal scale an image a million times taller than wide would collapse the panel (a singular transform)."""
    explorer = jacobian_explorer()
    try:
        before = explorer.out_axes.get_ylim()
        explorer.controls["f2"].value = f2
        assert "elongated" in explorer.message
        assert explorer.last_error is None
        assert explorer.out_axes.get_ylim() == before  # the previous picture is kept
        explorer.controls["f2"].value = "y + x^2"
        assert explorer.message == "" and explorer.last_error is None
    finally:
        explorer.close()


# -- reset: back to the first picture -------------------------------------------------------------
def _first_state(explorer) -> dict:
    """Return what reset must restore: every control's value and range, and the first picture."""
    return {"controls": {name: (c.value, getattr(c, "min", None), getattr(c, "max", None))
                         for name, c in explorer.controls.items()},
            "pixels": full_redraw(explorer)}


def _assert_back(explorer, first: dict) -> None:
    assert explorer.message == "" and explorer.last_error is None
    for name, saved in first["controls"].items():
        c = explorer.controls[name]
        assert (c.value, getattr(c, "min", None), getattr(c, "max", None)) == saved, name
    np.testing.assert_array_equal(full_redraw(explorer), first["pixels"])


def test_gradient_reset_after_presets_formulas_and_moves(gradient):
    first = _first_state(gradient)
    gradient.controls["function"].value = "example 5.6"   # another view: the x and y ranges change
    gradient.set_values(x=-0.9, y=1.1, theta=4.0)
    gradient.controls["formula"].value = "x^2 - 3y"
    assert gradient.controls["function"].value == "custom"
    gradient.reset_button.click()
    _assert_back(gradient, first)
    assert sp.simplify(gradient.expression - (x ** 2 * y + x * y ** 3)) == 0
    assert gradient.controls["function"].value == "example 5.7"
    np.testing.assert_allclose(gradient.values["gradient"], grad57(1.0, 0.5))
    assert (gradient.xlim, gradient.ylim) == ((-2.0, 2.0), (-2.0, 2.0))


def test_gradient_reset_of_a_typed_first_function_restores_its_view():
    explorer = gradient_explorer("x y", xlim=(-1.0, 1.0), ylim=(-0.5, 0.5), x=0.5, y=0.25)
    try:
        assert explorer.controls["function"].value == "custom"
        first = _first_state(explorer)
        explorer.controls["function"].value = "waves"   # view [-3, 3]^2
        explorer.controls["formula"].value = "x + y"    # typed on the waves' view
        explorer.reset()
        _assert_back(explorer, first)
        assert (explorer.xlim, explorer.ylim) == ((-1.0, 1.0), (-0.5, 0.5))
        assert sp.simplify(explorer.expression - x * y) == 0
        np.testing.assert_allclose(explorer.values["gradient"], [0.25, 0.5])   # grad (xy) = (y, x)
    finally:
        explorer.close()


def test_a_typed_formula_chooses_the_custom_entry(gradient):
    gradient.controls["formula"].value = "x^3 - y"
    assert gradient.controls["function"].value == "custom"
    gradient.set_values(x=1.0, y=0.0, theta=0.0)
    assert gradient.values["exact"] == pytest.approx(3.0)   # d/dx x^3 = 3x^2
    gradient.controls["function"].value = "bowl"             # a preset again: the box is emptied
    assert gradient.controls["formula"].value == "" and gradient.controls["function"].value == "bowl"


def test_chain_rule_reset_after_formulas_and_moves(chain):
    first = _first_state(chain)
    chain.controls["t"].value = 4.2
    chain.controls["f"].value = "x1 x2"
    chain.controls["x1"].value = "t"
    chain.controls["x2"].value = "t^2/10"
    chain.controls["x2"].value = "foo(t)"   # refused: a message, the picture is kept
    assert "foo" in chain.message
    chain.reset_button.click()
    _assert_back(chain, first)
    assert chain.values["dh"] == pytest.approx(2 * np.sin(1.0) * (np.cos(1.0) - 1), abs=1e-12)   # (5.50c)
    ts, h = chain.chain["h"].get_data()
    np.testing.assert_allclose(h, np.sin(ts) ** 2 + 2 * np.cos(ts), atol=1e-12)


def test_jacobian_reset_after_maps_formulas_and_moves(jacobian):
    first = _first_state(jacobian)
    jacobian.controls["map"].value = "polar"     # another view: the x and y ranges change
    jacobian.set_values(x=1.7, y=2.5, size=0.05)
    jacobian.controls["f2"].value = "x y"       # typing chooses the typed map
    assert jacobian.controls["map"].value == "typed"
    jacobian.controls["f1"].value = "3.05x"     # with f2 = y: ratio limits that would also suit the book's map
    jacobian.controls["f2"].value = "y"
    assert jacobian.values["det"] == pytest.approx(3.05)
    jacobian.reset_button.click()
    _assert_back(jacobian, first)
    np.testing.assert_allclose(jacobian.values["J"], [[-2, 1], [1, 1]])
    assert jacobian.values["ratio"] == pytest.approx(-3.0)
    assert jacobian.in_axes.get_xlim() == (-1.5, 2.0)


@pytest.mark.parametrize("x2", ["1e30", "1e30 + t", "-1e300"])
def test_a_path_far_from_the_origin_is_drawn(chain, x2):
    """A path around x2 = 1e30 once got a view 2.7 wide there, which float64 cannot tell from a point."""
    chain.controls["x2"].value = x2
    chain.controls["t"].value = 2.0
    assert chain.message == "" and chain.last_error is None
    lo, hi = chain.map_axes.get_ylim()
    assert lo < chain.values["point"][1] < hi and np.isfinite([lo, hi]).all()
    assert chain.snapshot_png()[:8] == b"\x89PNG\r\n\x1a\n"

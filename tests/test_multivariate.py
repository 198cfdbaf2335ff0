"""Sections 5.2 and 5.3: gradients, the chain rule, gradient checking, Jacobians and area scaling.

Every expected value below is written out independently (closed forms from the book, or sympy
applied directly), never copied from ``widgets.math.gradients``.
"""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from widgets.math import gradients as mv
from widgets.math.numeric import gradient_check, numerical_gradient, numerical_jacobian

x, y, t, s = sp.symbols("x y t s", real=True)
x1, x2 = sp.symbols("x1 x2", real=True)
r, phi = sp.symbols("r phi", real=True)

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


def same(a, b) -> bool:
    """True when two sympy expressions or matrices are equal (difference simplifies to zero)."""
    return sp.simplify(sp.Matrix(a) - sp.Matrix(b)) == sp.zeros(*sp.Matrix(a).shape)


# -- Definition 5.5 and Examples 5.6, 5.7 ------------------------------------------------------
def test_example_5_6_partial_derivatives():
    f = (x + 2 * y ** 3) ** 2
    g = mv.gradient(f, (x, y))
    assert g.shape == (1, 2)
    assert same(g, [[2 * (x + 2 * y ** 3), 12 * (x + 2 * y ** 3) * y ** 2]])  # (5.41), (5.42)


def test_example_5_7_gradient_is_a_row_vector():
    f = x1 ** 2 * x2 + x1 * x2 ** 3
    g = mv.gradient(f, (x1, x2))
    assert g.shape == (1, 2)  # R^{1x2} (5.45)
    assert same(g, [[2 * x1 * x2 + x2 ** 3, x1 ** 2 + 3 * x1 * x2 ** 2]])  # (5.43), (5.44)


def test_partial_derivative_is_the_limit_of_a_difference_quotient():
    f = x1 ** 2 * x2 + x1 * x2 ** 3
    h = sp.Symbol("h")
    at = {x1: sp.Rational(3, 2), x2: -1}
    limit = sp.limit((f.subs(x1, x1 + h) - f).subs(at) / h, h, 0)  # (5.39)
    assert limit == mv.gradient(f, (x1, x2))[0].subs(at) == 2 * sp.Rational(3, 2) * -1 + (-1) ** 3


# -- the rules (5.46)-(5.48) ---------------------------------------------------------------------
def test_product_and_sum_rules_5_46_5_47():
    f, g = sp.sin(x) * y, x ** 2 + sp.exp(y)
    d = lambda e: mv.gradient(e, (x, y))  # noqa: E731
    assert same(d(f * g), d(f) * g + f * d(g))  # (5.46): a 1x2 row times scalars
    assert same(d(f + g), d(f) + d(g))  # (5.47), corrected: a sum, not a product


def test_chain_rule_5_48_shapes_and_value():
    inner = sp.Matrix([x * y, x + y ** 2])  # f: R^2 -> R^2
    u1, u2 = sp.symbols("u1 u2", real=True)
    outer = u1 ** 2 * sp.sin(u2)  # g: R^2 -> R
    dg_df = mv.gradient(outer, (u1, u2)).subs({u1: inner[0], u2: inner[1]})
    df_dx = mv.jacobian(inner, (x, y))
    assert dg_df.shape == (1, 2) and df_dx.shape == (2, 2) and (dg_df * df_dx).shape == (1, 2)
    direct = mv.gradient(outer.subs({u1: inner[0], u2: inner[1]}), (x, y))
    assert same(dg_df * df_dx, direct)


# -- the chain rule (5.49)-(5.53), Example 5.8 -----------------------------------------------
def test_example_5_8_chain_rule():
    f = x1 ** 2 + 2 * x2
    path = (sp.sin(t), sp.cos(t))
    terms = mv.chain_rule_terms(f, (x1, x2), path, t)
    assert same([terms[0][0], terms[0][1]], [2 * sp.sin(t), sp.cos(t)])
    assert same([terms[1][0], terms[1][1]], [2, -sp.sin(t)])
    derivative = mv.chain_rule_derivative(f, (x1, x2), path, t)
    assert sp.simplify(derivative - 2 * sp.sin(t) * (sp.cos(t) - 1)) == 0  # (5.50c)
    assert sp.simplify(derivative - sp.diff(sp.sin(t) ** 2 + 2 * sp.cos(t), t)) == 0


def test_chain_rule_model_numbers_match_example_5_8():
    model = mv.ChainRule(x1 ** 2 + 2 * x2, (x1, x2), (sp.sin(t), sp.cos(t)), t)
    ts = np.linspace(0, 2 * np.pi, 50)
    values = model.values(ts)
    np.testing.assert_allclose(values["h"], np.sin(ts) ** 2 + 2 * np.cos(ts), atol=1e-12)
    np.testing.assert_allclose(values["dh"], 2 * np.sin(ts) * (np.cos(ts) - 1), atol=1e-12)
    np.testing.assert_allclose(values["term1"], 2 * np.sin(ts) * np.cos(ts), atol=1e-12)
    np.testing.assert_allclose(values["term2"], -2 * np.sin(ts), atol=1e-12)
    np.testing.assert_allclose(model.position(ts), np.column_stack([np.sin(ts), np.cos(ts)]), atol=1e-15)
    assert sp.simplify(model.simplified_derivative() - 2 * sp.sin(t) * (sp.cos(t) - 1)) == 0


def test_a_path_with_a_huge_power_is_not_simplified():
    # factoring the derivative along x2 = t^(-1000) takes sympy minutes: the plain chain-rule sum is shown
    model = mv.ChainRule(x1 ** 2 + 2 * x2, (x1, x2), (sp.sin(t), t ** -1000), t)
    assert model.simplified_derivative() == model.derivative
    assert sp.expand(model.derivative - (2 * sp.sin(t) * sp.cos(t) - 2000 * t ** -1001)) == 0
    small = mv.ChainRule(x1 ** 2 + 2 * x2, (x1, x2), (sp.sin(t), t ** 3), t)
    assert small.simplified_derivative() != small.derivative   # simplified (factored) as before


def test_chain_rule_matrices_5_51_to_5_53():
    f = x1 ** 2 * x2 + sp.exp(x2)
    inner = (s * sp.cos(t), s * sp.sin(t) + t)
    df_dx, dx_dst, product = mv.chain_rule_matrices(f, (x1, x2), inner, (s, t))
    assert df_dx.shape == (1, 2) and dx_dst.shape == (2, 2) and product.shape == (1, 2)
    composite = f.subs({x1: inner[0], x2: inner[1]})
    assert same(product, [[sp.diff(composite, s), sp.diff(composite, t)]])  # (5.51), (5.52)


# -- directional derivative and steepest ascent (the blog chapter) ----------------------------------------
def test_directional_derivative_is_the_limit_along_u():
    f = x ** 2 * y + x * y ** 3
    h = sp.Symbol("h")
    theta = sp.pi / 3
    u = (sp.cos(theta), sp.sin(theta))
    p = {x: 1, y: sp.Rational(1, 2)}
    limit = sp.limit((f.subs({x: 1 + h * u[0], y: sp.Rational(1, 2) + h * u[1]}) - f.subs(p)) / h, h, 0)
    field = mv.ScalarField(f, (x, y))
    g = field.grad(1.0, 0.5)
    assert mv.directional_derivative(g, mv.unit_vector(float(theta))) == pytest.approx(float(limit), rel=1e-12)
    assert mv.directional_difference(field.of_vector, (1.0, 0.5), mv.unit_vector(float(theta))) == \
        pytest.approx(float(limit), rel=1e-8)


@given(finite, finite, st.floats(min_value=0.0, max_value=2 * np.pi))
def test_directional_derivative_is_norm_times_cosine(px, py, theta):
    g = np.array([2 * px * py + py ** 3, px ** 2 + 3 * px * py ** 2])  # Example 5.7
    u = np.array([np.cos(theta), np.sin(theta)])
    value = mv.directional_derivative(g, u)
    norm = np.hypot(*g)
    assert abs(value) <= norm * (1 + 1e-12) + 1e-12  # Cauchy-Schwarz: |D_u f| <= |grad f|
    if norm > 1e-9:
        cos = np.cos(theta - np.arctan2(g[1], g[0]))
        assert value == pytest.approx(norm * cos, abs=1e-9 * max(norm, 1))
        ascent = mv.steepest_ascent(g)
        assert mv.directional_derivative(g, ascent) == pytest.approx(norm)
        assert mv.directional_derivative(g, -ascent) == pytest.approx(-norm)


def test_steepest_ascent_needs_a_nonzero_gradient():
    with pytest.raises(ValueError):
        mv.steepest_ascent([0.0, 0.0])
    np.testing.assert_allclose(mv.steepest_ascent([3.0, 4.0]), [0.6, 0.8])


def test_gradient_is_perpendicular_to_the_level_curve():
    f = x ** 2 * y + x * y ** 3
    # Along the level curve f = c, dy/dx = -f_x / f_y (implicit differentiation); its tangent is (1, dy/dx).
    fx, fy = sp.diff(f, x), sp.diff(f, y)
    tangent = sp.Matrix([1, -fx / fy])
    assert sp.simplify((mv.gradient(f, (x, y)) * tangent)[0]) == 0


def test_scalar_field_matches_sympy():
    f = sp.sin(x) * sp.exp(y) + x * y ** 2
    field = mv.ScalarField(f, (x, y))
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 4))
    np.testing.assert_allclose(field(X, Y), np.sin(X) * np.exp(Y) + X * Y ** 2)
    G = field.grad(X, Y)
    np.testing.assert_allclose(G[..., 0], np.cos(X) * np.exp(Y) + Y ** 2)
    np.testing.assert_allclose(G[..., 1], np.sin(X) * np.exp(Y) + 2 * X * Y)
    with pytest.raises(ValueError):
        mv.ScalarField(x * t, (x, y))


def test_contour_levels_are_equally_spaced_and_cover_the_bulk():
    X, Y = mv.grid((-2, 2), (-2, 2), 81)
    Z = X ** 2 * Y + X * Y ** 3
    levels = mv.contour_levels(Z, 14)
    steps = np.diff(levels)
    np.testing.assert_allclose(steps, steps[0])
    lo, hi = np.percentile(Z, [2, 98])
    assert levels[0] <= lo and levels[-1] >= hi
    assert 8 <= len(levels) <= 32
    np.testing.assert_array_equal(mv.contour_levels(np.full((3, 3), 2.0)), [2.0])


# -- gradient checking (the remark at the end of 5.2) -----------------------------------------
def example_5_7():
    f = lambda p: p[0] ** 2 * p[1] + p[0] * p[1] ** 3  # noqa: E731
    right = lambda p: np.array([2 * p[0] * p[1] + p[1] ** 3, p[0] ** 2 + 3 * p[0] * p[1] ** 2])  # noqa: E731
    wrong = lambda p: np.array([2 * p[0] * p[1] + p[1] ** 3, p[0] ** 2 + 3 * p[0] * p[1]])  # noqa: E731
    return f, right, wrong


def test_gradient_check_passes_the_right_gradient_and_fails_a_subtly_wrong_one():
    f, right, wrong = example_5_7()
    point = np.array([0.8, 1.1])
    assert gradient_check(f, right, point, h=1e-4) < 1e-6
    error = gradient_check(f, wrong, point, h=1e-4)
    assert 1e-3 < error < 0.1  # wrong, yet small enough to look plausible
    # the book's formula, written out: sqrt(sum (dh - df)^2 / sum (dh + df)^2)
    dh, df = numerical_gradient(f, point, 1e-4), wrong(point)
    assert error == pytest.approx(np.sqrt(np.sum((dh - df) ** 2) / np.sum((dh + df) ** 2)))


def test_gradient_check_curve_against_h():
    f, right, wrong = example_5_7()
    hs = np.logspace(-12, -1, 23)
    good = mv.gradient_check_curve(f, right, [0.8, 1.1], hs)
    bad = mv.gradient_check_curve(f, wrong, [0.8, 1.1], hs)
    assert good.min() < 1e-10  # truncation error ~ h^2 meets rounding error ~ eps / h
    assert good[-1] > good.min() * 100 and good[0] > good.min() * 10  # both ends of the V
    assert bad.min() > 1e-3  # no step h rescues a wrong gradient
    assert np.ptp(bad[5:-3]) < 1e-3 * bad.mean()


# -- Fig. 5.5: area scaling by the Jacobian determinant --------------------------------------
def test_fig_5_5_both_approaches():
    B = sp.eye(2)
    C = sp.Matrix([[-2, 1], [1, 1]])  # columns c1 = [-2, 1], c2 = [1, 1]
    J1 = mv.linear_map_from_bases(B, C)  # approach 1: change of basis
    J2 = mv.jacobian([-2 * x1 + x2, x1 + x2], (x1, x2))  # approach 2: partial derivatives (5.63)-(5.66)
    assert J1 == J2 == sp.Matrix([[-2, 1], [1, 1]])  # (5.62)
    assert abs(sp.eye(2).det()) == 1  # (5.60)
    assert abs(J1.det()) == 3  # (5.61)
    assert J1 * sp.Matrix([1, 0]) == sp.Matrix([-2, 1]) and J1 * sp.Matrix([0, 1]) == sp.Matrix([1, 1])
    corners = mv.parallelogram((0, 0), [-2, 1], [1, 1])
    assert abs(mv.polygon_area(corners)) == pytest.approx(3.0)
    with pytest.raises(ValueError):
        mv.linear_map_from_bases([[1, 2], [2, 4]], C)


def test_linear_map_from_another_basis():
    B = sp.Matrix([[1, 1], [0, 1]])
    J = sp.Matrix([[2, -1], [3, 5]])
    assert mv.linear_map_from_bases(B, J * B) == J


def test_polygon_area_and_square_boundary():
    assert mv.polygon_area([[0, 0], [1, 0], [1, 1], [0, 1]]) == pytest.approx(1.0)
    assert mv.polygon_area([[0, 0], [0, 1], [1, 1], [1, 0]]) == pytest.approx(-1.0)
    assert mv.polygon_area([[0, 0], [4, 0], [0, 3]]) == pytest.approx(6.0)
    boundary = mv.square_boundary((1.0, -2.0), 0.5, n_per_side=8)
    assert boundary.shape == (32, 2)
    np.testing.assert_allclose(boundary[[0, 8, 16, 24]], [[1, -2], [1.5, -2], [1.5, -1.5], [1, -1.5]])
    assert mv.polygon_area(boundary) == pytest.approx(0.25)
    several = mv.square_boundary((0, 0), np.array([1.0, 0.1]), 4)
    assert several.shape == (2, 16, 2)
    np.testing.assert_allclose(mv.polygon_area(several), [1.0, 0.01])


@given(st.lists(st.floats(min_value=-3, max_value=3, allow_nan=False), min_size=4, max_size=4),
       finite, finite, st.floats(min_value=0.01, max_value=2.0))
def test_linear_maps_scale_every_square_by_det(entries, px, py, size):
    a, b, c, d = entries
    plane_map = mv.PlaneMap((a * x + b * y, c * x + d * y))
    assert plane_map.area_ratio((px, py), size) == pytest.approx(a * d - b * c, abs=1e-9)


def test_preset_jacobians_against_closed_forms():
    expected = {
        "book": ([[-2, 1], [1, 1]], -3),
        "polar": ([[sp.cos(phi), -r * sp.sin(phi)], [sp.sin(phi), r * sp.cos(phi)]], r),
        "shear": ([[1, 1], [0, 1]], 1),
        "rotation": ([[sp.sqrt(3) / 2, -sp.Rational(1, 2)], [sp.Rational(1, 2), sp.sqrt(3) / 2]], 1),
        "fold": ([[1, 0], [0, 2 * y]], 2 * y),
        "sine": ([[1, sp.cos(y)], [sp.cos(x), 1]], 1 - sp.cos(x) * sp.cos(y)),
    }
    assert set(mv.JACOBIAN_PRESETS) == set(expected)
    for key, (J, det) in expected.items():
        plane_map = mv.JACOBIAN_PRESETS[key].plane_map()
        assert same(plane_map.jacobian, J), key
        assert sp.simplify(plane_map.determinant - det) == 0, key
    assert mv.JACOBIAN_PRESETS["fold"].plane_map().det_at(0.3, -1.2) < 0  # the fold flips orientation


def test_area_ratio_closed_forms():
    # polar: the image of [r0, r0+s] x [p0, p0+s] is an annular sector of area ((r0+s)^2 - r0^2) s / 2
    polar = mv.JACOBIAN_PRESETS["polar"].plane_map()
    for size in (0.4, 0.1, 0.01):
        assert polar.area_ratio((1.0, 0.6), size, 400) == pytest.approx(1.0 + size / 2, rel=1e-5)
    # fold (x, y^2) below y = 0: the image is a rectangle of width s and height y0^2 - (y0+s)^2, traversed clockwise
    fold = mv.JACOBIAN_PRESETS["fold"].plane_map()
    for size in (0.4, 0.1, 0.01):
        assert fold.area_ratio((0.3, -1.2), size) == pytest.approx(2 * -1.2 + size, rel=1e-9)
    # sine map: area = double integral of det J = s^2 - (sin(x0+s) - sin x0)(sin(y0+s) - sin y0)
    sine = mv.JACOBIAN_PRESETS["sine"].plane_map()
    x0, y0 = 1.0, 0.5
    for size in (0.5, 0.05):
        exact = 1 - (np.sin(x0 + size) - np.sin(x0)) * (np.sin(y0 + size) - np.sin(y0)) / size ** 2
        assert sine.area_ratio((x0, y0), size, 400) == pytest.approx(exact, rel=1e-5)


@pytest.mark.parametrize("key", list(mv.JACOBIAN_PRESETS))
def test_measured_area_ratio_converges_to_det_like_the_size(key):
    preset = mv.JACOBIAN_PRESETS[key]
    plane_map = preset.plane_map()
    det = float(plane_map.determinant.subs(dict(zip(preset.variables, preset.point))))
    sizes = np.array([0.08, 0.04, 0.02, 0.01, 0.005])
    errors = np.abs(plane_map.area_ratio(preset.point, sizes) - det)
    if key in ("book", "shear", "rotation"):
        assert np.all(errors < 1e-12)  # linear maps: exact at every size
    else:
        assert np.all(np.diff(errors) < 0)
        halving = errors[:-1] / errors[1:]
        np.testing.assert_allclose(halving, 2.0, rtol=0.1)  # error proportional to the size
        assert errors[-1] < 0.01 * max(1.0, abs(det))


def test_linear_image_is_the_parallelogram_of_j():
    plane_map = mv.JACOBIAN_PRESETS["polar"].plane_map()
    corners = plane_map.linear_image((1.0, 0.6), 0.1)
    J = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
    origin = np.array([np.cos(0.6), np.sin(0.6)])
    np.testing.assert_allclose(corners, [origin, origin + 0.1 * J[:, 0], origin + 0.1 * J.sum(axis=1),
                                         origin + 0.1 * J[:, 1]])


def test_plane_map_rejects_bad_input():
    with pytest.raises(ValueError):
        mv.PlaneMap((x, y, x))
    with pytest.raises(ValueError):
        mv.PlaneMap((x * t, y))


# -- Fig. 5.6 and Examples 5.9-5.11 -----------------------------------------------------------
def test_fig_5_6_derivative_shapes():
    D, E = 3, 2
    table = dict(mv.derivative_shapes_table(D, E))
    assert table == {"R -> R": (1, 1), "R^3 -> R": (1, 3), "R -> R^2": (2, 1), "R^3 -> R^2": (2, 3)}
    xs = sp.symbols("a0:3", real=True)
    assert mv.jacobian([xs[0] * xs[1] * xs[2]], xs).shape == table["R^3 -> R"]
    assert mv.jacobian([sp.sin(t), t ** 2], [t]).shape == table["R -> R^2"]
    assert mv.jacobian([xs[0] + xs[1], xs[1] * xs[2]], xs).shape == table["R^3 -> R^2"]
    assert numerical_jacobian(lambda v: np.array([v[0] * v[1], v[2]]), np.ones(3)).shape == (E, D)
    with pytest.raises(ValueError):
        mv.derivative_shape(0, 2)


def test_example_5_9_jacobian_of_a_linear_map_is_a():
    A = sp.Matrix(2, 3, sp.symbols("A0:6"))
    xs = sp.Matrix(sp.symbols("z0:3"))
    assert mv.jacobian(A * xs, list(xs)) == A  # (5.68)


def test_example_5_10_chain_rule_with_corrected_f():
    f = sp.exp(x1 * x2 ** 2)  # (5.71), with the product x1 x2^2 the seed mistypes as exp(x1, x2^2)
    path = (t * sp.cos(t), t * sp.sin(t))  # (5.72)
    dfdx = mv.gradient(f, (x1, x2))
    assert same(dfdx, [[sp.exp(x1 * x2 ** 2) * x2 ** 2, 2 * sp.exp(x1 * x2 ** 2) * x1 * x2]])  # (5.74b), blue
    assert same(mv.jacobian(path, [t]), [[sp.cos(t) - t * sp.sin(t)], [sp.sin(t) + t * sp.cos(t)]])  # orange
    book = (sp.exp(x1 * x2 ** 2) * (x2 ** 2 * (sp.cos(t) - t * sp.sin(t))
                                    + 2 * x1 * x2 * (sp.sin(t) + t * sp.cos(t))))  # (5.74c)
    book = book.subs({x1: path[0], x2: path[1]})
    derivative = mv.chain_rule_derivative(f, (x1, x2), path, t)
    assert sp.simplify(derivative - book) == 0
    assert sp.simplify(derivative - sp.diff(f.subs({x1: path[0], x2: path[1]}), t)) == 0


def test_example_5_11_least_squares_symbolically():
    N, D = 3, 2
    Phi = sp.Matrix(N, D, sp.symbols(f"p0:{N * D}", real=True))
    yv = sp.Matrix(sp.symbols(f"y0:{N}", real=True))
    theta = sp.Matrix(sp.symbols(f"th0:{D}", real=True))
    e = yv - Phi * theta  # (5.77)
    L = (e.T * e)[0]  # (5.76)
    dL = mv.gradient(L, list(theta))
    assert dL.shape == (1, D)
    dL_de = 2 * e.T  # (5.81)
    de_dtheta = mv.jacobian(e, list(theta))  # (5.82)
    assert de_dtheta == -Phi
    assert same(dL_de * de_dtheta, dL)  # (5.79)
    assert same(-2 * (yv.T - theta.T * Phi.T) * Phi, dL)  # (5.83)


def test_example_5_11_least_squares_numerically():
    rng = np.random.default_rng(0)
    N, D = 20, 4
    Phi, y_obs, theta = rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=D)
    grad = mv.least_squares_gradient(theta, Phi, y_obs)
    assert grad.shape == (1, D)
    np.testing.assert_allclose(grad.ravel(), -2 * (y_obs - Phi @ theta) @ Phi)
    L = lambda th: mv.least_squares_loss(th, Phi, y_obs)  # noqa: E731
    assert L(theta) == pytest.approx(np.sum((y_obs - Phi @ theta) ** 2))
    np.testing.assert_allclose(numerical_jacobian(L, theta), grad.ravel(), rtol=1e-6)
    assert gradient_check(L, lambda th: mv.least_squares_gradient(th, Phi, y_obs), theta) < 1e-6
    # at the least-squares solution the gradient vanishes (normal equations)
    best = np.linalg.lstsq(Phi, y_obs, rcond=None)[0]
    np.testing.assert_allclose(mv.least_squares_gradient(best, Phi, y_obs), 0.0, atol=1e-10)


def test_contour_levels_spread_over_skewed_values():
    X, Y = mv.grid((-2.0, 2.0), (-2.0, 2.0), 81)
    Z = np.exp(X * Y ** 2)  # Example 5.10's f: a few huge values, most near 0 to 1
    levels = mv.contour_levels(Z, 14)
    assert np.all(np.diff(levels) > 0) and 8 <= len(levels) <= 14
    assert Z.min() <= levels[0] and levels[-1] <= Z.max()
    inside = [np.mean(Z < level) for level in levels]  # each level cuts off a growing share of the view
    assert inside[0] < 0.1 and inside[-1] > 0.9


# -- the exercises of the two notebooks: the reference answers typed in the answer boxes -------
from widgets.exercises.answers import check_answer, parse_answer  # noqa: E402


@pytest.mark.parametrize("reference, variables, solution", [
    # 5.2, exercise 1: the gradient of x e^{xy}
    ("[[(1 + x*y)*exp(x*y), x^2*exp(x*y)]]", ("x", "y"), mv.gradient(x * sp.exp(x * y), (x, y))),
    # 5.2, exercise 2: f = x1 x2 along (cos t, sin t)
    ("cos(2t)", ("t",), mv.chain_rule_derivative(x1 * x2, (x1, x2), (sp.cos(t), sp.sin(t)), t)),
    # 5.2, exercise 3: directional derivative of x^2 + 2y^2 at (1, 1) along (3/5, 4/5)
    ("22/5", (), (mv.gradient(x ** 2 + 2 * y ** 2, (x, y)).subs({x: 1, y: 1}) * sp.Matrix([sp.Rational(3, 5),
                                                                                          sp.Rational(4, 5)]))[0]),
    # 5.3, exercise 1: the Jacobian of (xy, x^2 + y^2)
    ("[[y, x], [2x, 2y]]", ("x", "y"), mv.jacobian([x * y, x ** 2 + y ** 2], (x, y))),
    # 5.3, exercise 2: |det J| of (e^x cos y, e^x sin y)
    ("exp(2x)", ("x", "y"), sp.Abs(mv.PlaneMap((sp.exp(x) * sp.cos(y), sp.exp(x) * sp.sin(y))).determinant)),
    # 5.3, exercise 3: x1^2 + x2^2 along (cos t, 2 sin t)
    ("3 sin(2t)", ("t",), mv.chain_rule_derivative(x1 ** 2 + x2 ** 2, (x1, x2), (sp.cos(t), 2 * sp.sin(t)), t)),
])
def test_exercise_answers(reference, variables, solution):
    parsed = parse_answer(reference, variables)
    difference = sp.simplify(sp.Matrix([parsed]) - sp.Matrix([solution])
                             if not isinstance(parsed, sp.MatrixBase) else parsed - solution)
    assert difference == sp.zeros(*difference.shape)
    assert check_answer(reference, reference, variables).correct


def test_exercise_5_3_1_determinant():
    J = mv.jacobian([x * y, x ** 2 + y ** 2], (x, y))
    assert sp.expand(J.det() - (2 * y ** 2 - 2 * x ** 2)) == 0


def test_normalized_directions():
    U, V = mv.normalized(np.array([3.0, 0.0, np.nan]), np.array([4.0, 0.0, 1.0]))
    np.testing.assert_allclose(U, [0.6, 0.0, 0.0])
    np.testing.assert_allclose(V, [0.8, 0.0, 0.0])

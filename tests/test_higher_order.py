"""Sections 5.7-5.8: Hessians, the second-derivative test, tensors D^k f and multivariate Taylor polynomials.

Every number is checked against sympy or a closed form written here, never against the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.math.surfaces import CRITICAL_POINT_KINDS, classify_critical_point, critical_points
from widgets.math.surfaces import (
    EXAMPLE_5_15,
    HESSIAN_PRESETS,
    LocalTaylorModel,
    contract,
    derivative_tensor,
    describe_definiteness,
    hessian,
    multivariate_taylor_polynomial,
    outer_power,
    taylor_term,
    taylor_terms,
    vector_field_hessian,
)

x, y, z = sp.symbols("x y z", real=True)


# -- classify_critical_point ---------------------------------------------------------------------

@pytest.mark.parametrize("H, kind", [
    ([[2, 0], [0, 3]], "minimum"),
    ([[2, 1], [1, 2]], "minimum"),               # eigenvalues 1, 3
    ([[2, 2], [2, 12]], "minimum"),              # Example 5.15's H(1, 2): det 20 > 0
    ([[-2, 0], [0, -5]], "maximum"),
    ([[-2, 1], [1, -2]], "maximum"),
    ([[2, 0], [0, -2]], "saddle"),               # x^2 - y^2
    ([[0, 1], [1, 0]], "saddle"),                # xy: eigenvalues -1, 1
    ([[1, 2], [2, 1]], "saddle"),                # eigenvalues -1, 3
    ([[2, 0], [0, 0]], "inconclusive"),          # x^2 + y^4 or x^2 - y^4: semidefinite
    ([[-2, 0], [0, 0]], "inconclusive"),
    ([[0, 0], [0, 0]], "inconclusive"),          # x^4 + y^4, x^3 - 3xy^2
    ([[1, 1], [1, 1]], "inconclusive"),          # singular, positive semidefinite
    ([[4, -2], [-2, 1]], "inconclusive"),        # det 0 exactly
    ([[1, 0, 0], [0, 2, 0], [0, 0, 3]], "minimum"),
    ([[1, 0, 0], [0, -2, 0], [0, 0, 3]], "saddle"),
    ([[1, 0, 0], [0, 0, 0], [0, 0, 3]], "inconclusive"),
    ([[0, 0, 1], [0, 0, 0], [1, 0, 0]], "saddle"),  # indefinite even with a zero eigenvalue
    ([[5.0]], "minimum"),
    ([[0.0]], "inconclusive"),
])
def test_classify_known_hessians(H, kind):
    assert classify_critical_point(H) == kind
    assert classify_critical_point(sp.Matrix(H)) == kind
    assert classify_critical_point(np.array(H, dtype=float)) == kind


def test_classify_negated_and_scaled():
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    assert classify_critical_point(H) == "minimum"
    assert classify_critical_point(-H) == "maximum"
    assert classify_critical_point(1e-6 * H) == "minimum"   # small but clearly definite
    assert classify_critical_point(1e6 * H) == "minimum"


def test_classify_tolerance():
    H = np.diag([1.0, 1e-12])
    assert classify_critical_point(H) == "inconclusive"
    assert classify_critical_point(H, tol=0.0) == "minimum"
    assert classify_critical_point(np.diag([1.0, -1e-12])) == "inconclusive"
    assert classify_critical_point(np.diag([1.0, -1e-12]), tol=0.0) == "saddle"
    # the tolerance is relative to the largest eigenvalue
    assert classify_critical_point(np.diag([1e6, 1e-4])) == "inconclusive"
    assert classify_critical_point(np.diag([1.0, 1e-4])) == "minimum"


def test_classify_uses_symmetric_part():
    # x^T A x only sees (A + A^T)/2 = [[1, 0], [0, 1]]
    assert classify_critical_point([[1.0, 5.0], [-5.0, 1.0]]) == "minimum"


@pytest.mark.parametrize("bad", [[[1, 2, 3], [4, 5, 6]], [1, 2], [[np.nan, 0], [0, 1]], [[np.inf, 0], [0, 1]], []])
def test_classify_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        classify_critical_point(bad)


def test_classify_rejects_negative_tolerance():
    with pytest.raises(ValueError):
        classify_critical_point([[1.0]], tol=-1.0)


@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-20, 20))
def test_classify_agrees_with_sylvester_2x2(a, b, d):
    """For [[a, b], [b, d]] with integer entries: det > 0 and a > 0 -> minimum, det > 0 and a < 0 ->
    maximum, det < 0 -> saddle, det = 0 -> semidefinite (inconclusive)."""
    det = a * d - b * b
    if det > 0:
        expected = "minimum" if a > 0 else "maximum"
    elif det < 0:
        expected = "saddle"
    else:
        expected = "inconclusive"
    assert classify_critical_point([[a, b], [b, d]]) == expected


@given(st.lists(st.floats(-3, 3), min_size=9, max_size=9), st.integers(0, 10_000))
def test_classify_gram_and_negated_gram(entries, seed):
    A = np.array(entries).reshape(3, 3)
    H = A.T @ A + np.eye(3)                            # positive definite: all eigenvalues >= 1
    assert classify_critical_point(H) == "minimum"
    assert classify_critical_point(-H) == "maximum"
    Q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    assert classify_critical_point(Q @ np.diag([2.0, -1.0, 0.5]) @ Q.T) == "saddle"
    assert classify_critical_point(Q @ np.diag([2.0, 0.0, 0.5]) @ Q.T) == "inconclusive"


def test_describe_definiteness():
    assert describe_definiteness([1, 2]) == "positive definite"
    assert describe_definiteness([-1, -2]) == "negative definite"
    assert describe_definiteness([-1, 2]) == "indefinite"
    assert describe_definiteness([0, 2]) == "semidefinite"


# -- critical_points -----------------------------------------------------------------------------

def _as_set(points):
    return {(round(p.point[0], 9) + 0.0, round(p.point[1], 9) + 0.0, p.kind) for p in points}


@pytest.mark.parametrize("f, expected", [
    (x ** 2 + y ** 2, {(0.0, 0.0, "minimum")}),
    (-x ** 2 - y ** 2, {(0.0, 0.0, "maximum")}),
    (x ** 2 - y ** 2, {(0.0, 0.0, "saddle")}),
    (x * y, {(0.0, 0.0, "saddle")}),
    (x ** 3 - 3 * x + y ** 2, {(-1.0, 0.0, "saddle"), (1.0, 0.0, "minimum")}),
    (x ** 3 - 3 * x * y + y ** 3, {(0.0, 0.0, "saddle"), (1.0, 1.0, "minimum")}),
    (x ** 3 - 3 * x * y ** 2, {(0.0, 0.0, "inconclusive")}),      # monkey saddle
    (x ** 4 + y ** 4, {(0.0, 0.0, "inconclusive")}),              # a minimum the test cannot see
    (-x ** 4 - y ** 4, {(0.0, 0.0, "inconclusive")}),             # a maximum
    (x ** 4 - y ** 4, {(0.0, 0.0, "inconclusive")}),              # not an extremum
    ((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, {(1.0, 1.0, "minimum")}),   # Rosenbrock
    (x ** 2 + x * y + y ** 2, {(0.0, 0.0, "minimum")}),
])
def test_critical_points_known_functions(f, expected):
    found = critical_points(f, (x, y))
    assert _as_set(found) == expected
    for p in found:  # the gradient vanishes there, checked with sympy
        at = dict(zip((x, y), p.exact))
        assert sp.diff(f, x).subs(at) == 0 and sp.diff(f, y).subs(at) == 0
        assert p.value == pytest.approx(float(f.subs(at)))
        H = np.array(sp.hessian(f, (x, y)).subs(at).tolist(), dtype=float)
        np.testing.assert_allclose(p.hessian, H)
        np.testing.assert_allclose(p.eigenvalues, np.linalg.eigvalsh(H), atol=1e-12)
    numeric = critical_points(f, (x, y), bounds=[(-2.0, 2.0), (-2.0, 2.0)], method="numeric")
    assert _as_set(numeric) == expected


def test_critical_points_of_the_presets():
    expected = {"bowl": {(0.0, 0.0, "minimum")}, "saddle": {(0.0, 0.0, "saddle")},
                "monkey saddle": {(0.0, 0.0, "inconclusive")}, "Rosenbrock": {(1.0, 1.0, "minimum")},
                "x⁴ + y⁴": {(0.0, 0.0, "inconclusive")},
                # grad = (4x³ - 4y, 4y³ - 4x) = 0 gives y = x³, x⁹ = x; H = [[12x², -4], [-4, 12y²]]
                "two wells": {(0.0, 0.0, "saddle"), (1.0, 1.0, "minimum"), (-1.0, -1.0, "minimum")}}
    for name, spec in HESSIAN_PRESETS.items():
        assert _as_set(critical_points(spec["f"], (x, y), bounds=(spec["xlim"], spec["ylim"]))) == expected[name]


def test_critical_points_exact_rosenbrock():
    (p,) = critical_points((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, (x, y))
    assert p.exact == (1, 1)
    # H(1, 1) = [[802, -400], [-400, 200]], det = 400 > 0 and 802 > 0: positive definite
    np.testing.assert_allclose(p.hessian, [[802.0, -400.0], [-400.0, 200.0]])


def test_critical_points_numeric_transcendental():
    found = critical_points(sp.sin(x) * sp.cos(y), (x, y), bounds=[(-3.0, 3.0), (-3.0, 3.0)])
    half_pi = math.pi / 2
    expected = {(round(-half_pi, 9), 0.0, "minimum"), (round(half_pi, 9), 0.0, "maximum"),
                (0.0, round(-half_pi, 9), "saddle"), (0.0, round(half_pi, 9), "saddle")}
    assert _as_set(found) == expected
    assert all(p.exact is None for p in found)


def test_critical_points_respects_bounds():
    f = x ** 3 - 3 * x + y ** 2
    found = critical_points(f, (x, y), bounds=[(0.0, 2.0), (-1.0, 1.0)])
    assert _as_set(found) == {(1.0, 0.0, "minimum")}


def test_critical_points_three_variables():
    f = x ** 2 + y ** 2 - z ** 2 + x * y
    (p,) = critical_points(f, (x, y, z))
    assert p.point == (0.0, 0.0, 0.0) and p.kind == "saddle"


@pytest.mark.parametrize("f", [x ** 2, (x - y) ** 2, sp.Integer(3) + 0 * x])
def test_critical_points_not_isolated(f):
    with pytest.raises(ValueError):
        critical_points(f, (x, y))


def test_critical_points_argument_errors():
    with pytest.raises(ValueError):
        critical_points(x * z, (x, y))                       # z is not a variable
    with pytest.raises(ValueError):
        critical_points(x ** 2 + y ** 2, (x, y), method="guess")
    with pytest.raises(ValueError):
        critical_points(sp.sin(x) + y ** 2, (x, y), method="numeric")   # numeric search without bounds
    with pytest.raises(ValueError):
        critical_points(x ** 2 + y ** 2, (x, y), bounds=[(1.0, 0.0), (0.0, 1.0)])


def test_critical_point_kinds_listed():
    assert set(CRITICAL_POINT_KINDS) == {"minimum", "maximum", "saddle", "inconclusive"}


@settings(max_examples=25)
@given(st.integers(-4, 4), st.integers(-4, 4), st.integers(-4, 4), st.integers(-3, 3), st.integers(-3, 3))
def test_critical_points_of_quadratics(a, b, c, d, e):
    """f = a x^2 + b xy + c y^2 + d x + e y: one critical point where H = [[2a, b], [b, 2c]] decides."""
    f = a * x ** 2 + b * x * y + c * y ** 2 + d * x + e * y
    det = 4 * a * c - b * b
    if det == 0:
        return  # a line of critical points or none: covered by test_critical_points_not_isolated
    (p,) = critical_points(f, (x, y))
    # solve [[2a, b], [b, 2c]] p = -[d, e] by Cramer's rule
    px = sp.Rational(-d * 2 * c + e * b, det)
    py = sp.Rational(-2 * a * e + b * d, det)
    assert p.exact == (px, py)
    expected = ("minimum" if a > 0 else "maximum") if det > 0 else "saddle"
    assert p.kind == expected


# -- symmetry (5.146), Hessian (5.147), tensors ---------------------------------------------------

@pytest.mark.parametrize("f", [x ** 2 * y ** 3, sp.exp(x * y) * sp.sin(x), sp.log(1 + x ** 2 + y ** 2),
                               x / (1 + y ** 2)])
def test_mixed_partials_are_symmetric(f):
    assert sp.simplify(sp.diff(f, x, y) - sp.diff(f, y, x)) == 0
    H = hessian(f, ("x", "y"))
    assert sp.simplify(H - H.T) == sp.zeros(2, 2)
    assert sp.simplify(H[0, 1] - sp.diff(sp.diff(f, x), y)) == 0


def test_mixed_partials_differ_without_continuity():
    """The classic counterexample (not C^2 at 0): d/dy(df/dx)(0,0) = -1 but d/dx(df/dy)(0,0) = 1."""
    t = sp.Symbol("t", real=True)
    f = x * y * (x ** 2 - y ** 2) / (x ** 2 + y ** 2)
    fx = sp.diff(f, x)
    fy = sp.diff(f, y)
    fx_on_y_axis = sp.simplify(fx.subs(x, 0))       # df/dx(0, y) = -y for y != 0
    fy_on_x_axis = sp.simplify(fy.subs(y, 0))       # df/dy(x, 0) = x for x != 0
    assert fx_on_y_axis == -y and fy_on_x_axis == x
    # both first partials are 0 at the origin (f vanishes on the axes), so the difference quotients are
    assert sp.limit(f.subs(y, 0).subs(x, t) / t, t, 0) == 0
    assert sp.limit((fx_on_y_axis.subs(y, t) - 0) / t, t, 0) == -1
    assert sp.limit((fy_on_x_axis.subs(x, t) - 0) / t, t, 0) == 1


def test_hessian_accepts_strings():
    assert hessian(x ** 2 * y, ("x", "y")) == sp.Matrix([[2 * y, 2 * x], [2 * x, 0]])


def test_derivative_tensor_entries():
    f = x ** 2 * y ** 3 + sp.sin(x * y)
    assert derivative_tensor(f, (x, y), 0) == f
    D1 = derivative_tensor(f, (x, y), 1)
    assert D1.shape == (2,) and D1[0] == sp.diff(f, x) and D1[1] == sp.diff(f, y)
    D3 = derivative_tensor(f, (x, y), 3)
    assert D3.shape == (2, 2, 2)
    symbols = (x, y)
    for i in range(2):
        for j in range(2):
            for k in range(2):
                assert sp.simplify(D3[i, j, k] - sp.diff(f, symbols[i], symbols[j], symbols[k])) == 0
    with pytest.raises(ValueError):
        derivative_tensor(f, (x, y), -1)


def test_derivative_tensor_last_index_is_last_derivative():
    """Example 5.15: D^3 f[:, :, j] = dH/dx_j, checked on a function whose third derivatives differ by index."""
    f = x ** 3 * y + x * y ** 4
    D3 = derivative_tensor(f, (x, y), 3)
    H = sp.hessian(f, (x, y))
    for j, s in enumerate((x, y)):
        assert sp.Matrix(2, 2, lambda a, b: D3[a, b, j]) == sp.diff(H, s)


def test_vector_field_hessian_is_m_by_n_by_n():
    F = [x ** 2 * y, sp.sin(x * y), x + y + z ** 3]
    T = vector_field_hessian(F, (x, y, z))
    assert T.shape == (3, 3, 3)
    for i, component in enumerate(F):
        assert sp.Matrix(3, 3, lambda a, b: T[i, a, b]) == sp.hessian(component, (x, y, z))


def test_outer_powers_numpy():
    delta = np.array([1.0, 2.0, 3.0, 4.0])
    D2 = outer_power(delta, 2)
    np.testing.assert_array_equal(D2, delta[:, None] * delta[None, :])
    D3 = outer_power(delta, 3)
    assert D3.shape == (4, 4, 4)
    for i, j, k in [(0, 1, 2), (3, 3, 3), (2, 0, 1)]:
        assert D3[i, j, k] == delta[i] * delta[j] * delta[k]
    assert outer_power(delta, 0) == 1.0
    np.testing.assert_array_equal(outer_power(delta, 1), delta)
    with pytest.raises(ValueError):
        outer_power(delta, -1)


def test_outer_powers_sympy_and_contraction():
    a, b = sp.symbols("a b")
    D2 = outer_power([a, b], 2)
    assert D2.tolist() == [[a * a, a * b], [b * a, b * b]]
    H = sp.Array([[2, 2], [2, 12]])
    # D^2 f delta^2 = delta^T H delta
    assert sp.expand(contract(H, D2)) == sp.expand((sp.Matrix([[a, b]]) * sp.Matrix(H.tolist()) * sp.Matrix([a, b]))[0])
    rng = np.random.default_rng(0)
    Hn = rng.normal(size=(3, 3))
    d = rng.normal(size=3)
    assert contract(Hn, outer_power(d, 2)) == pytest.approx(d @ Hn @ d)
    assert contract(Hn, np.outer(d, d)) == pytest.approx(np.trace(Hn @ np.outer(d, d)))
    with pytest.raises(ValueError):
        contract(np.ones((2, 2)), np.ones((3, 3)))


# -- Example 5.15 -----------------------------------------------------------------------------

def test_example_5_15_numbers():
    f = x ** 2 + 2 * x * y + y ** 3
    assert EXAMPLE_5_15 == f
    at = {x: 1, y: 2}
    assert f.subs(at) == 13
    grad = derivative_tensor(f, (x, y), 1)
    assert [grad[0].subs(at), grad[1].subs(at)] == [6, 14]
    H = hessian(f, (x, y))
    assert H == sp.Matrix([[2, 2], [2, 6 * y]])
    assert H.subs(at) == sp.Matrix([[2, 2], [2, 12]])
    D3 = derivative_tensor(f, (x, y), 3).subs(at)
    assert sp.Matrix(2, 2, lambda a, b: D3[a, b, 0]) == sp.zeros(2, 2)
    assert sp.Matrix(2, 2, lambda a, b: D3[a, b, 1]) == sp.Matrix([[0, 0], [0, 6]])
    assert derivative_tensor(f, (x, y), 4).subs(at) == sp.Array.zeros(2, 2, 2, 2)


def test_example_5_15_terms():
    f = EXAMPLE_5_15
    T = taylor_terms(f, ("x", "y"), (1, 2), 3)
    assert T[0] == 13
    assert sp.expand(T[1] - (6 * (x - 1) + 14 * (y - 2))) == 0
    assert sp.expand(T[2] - ((x - 1) ** 2 + 2 * (x - 1) * (y - 2) + 6 * (y - 2) ** 2)) == 0
    assert sp.expand(T[3] - (y - 2) ** 3) == 0
    # degree 3 equals f exactly; degree 2 misses exactly the cubic term
    assert sp.expand(multivariate_taylor_polynomial(f, (x, y), (1, 2), 3) - f) == 0
    assert sp.expand(f - multivariate_taylor_polynomial(f, (x, y), (1, 2), 2) - (y - 2) ** 3) == 0
    assert taylor_term(f, (x, y), (1, 2), 4) == 0


def test_example_5_15_unevaluated_display():
    T = multivariate_taylor_polynomial(EXAMPLE_5_15, (x, y), (1, 2), 3, unevaluated=True)
    latex = sp.latex(T)
    for piece in ("6 \\left(x - 1\\right)", "14 \\left(y - 2\\right)", "\\left(y - 2\\right)^{3}",
                  "2 \\left(x - 1\\right) \\left(y - 2\\right)", "6 \\left(y - 2\\right)^{2}"):
        assert piece in latex
    assert sp.expand(T.doit() - EXAMPLE_5_15) == 0


def test_taylor_point_and_degree_errors():
    with pytest.raises(ValueError):
        taylor_terms(EXAMPLE_5_15, (x, y), (1, 2, 3), 2)
    with pytest.raises(ValueError):
        taylor_terms(EXAMPLE_5_15, (x, y), (1, 2), -1)


# -- Taylor polynomials: exact for polynomials, the right error order otherwise ----------------

_coefficient = st.integers(-5, 5)


@settings(max_examples=30)
@given(st.lists(_coefficient, min_size=10, max_size=10), st.integers(-3, 3), st.integers(-3, 3))
def test_taylor_polynomial_exact_for_cubics(c, x0, y0):
    monomials = [1, x, y, x ** 2, x * y, y ** 2, x ** 3, x ** 2 * y, x * y ** 2, y ** 3]
    f = sum(ci * m for ci, m in zip(c, monomials))
    assert sp.expand(multivariate_taylor_polynomial(f, (x, y), (x0, y0), 3) - f) == 0
    assert sp.expand(multivariate_taylor_polynomial(f, (x, y), (x0, y0), 5) - f) == 0


@settings(max_examples=15)
@given(st.lists(_coefficient, min_size=4, max_size=4), st.fractions(-2, 2, max_denominator=4))
def test_taylor_polynomial_exact_three_variables(c, t0):
    f = c[0] * x * y * z + c[1] * z ** 2 + c[2] * x ** 2 * y + c[3]
    point = (t0, -t0, 1)
    assert sp.expand(multivariate_taylor_polynomial(f, (x, y, z), point, 3) - f) == 0


@pytest.mark.parametrize("f, point", [(sp.exp(x) * sp.sin(y), (0, 0)), (sp.cos(x + 2 * y), (1, 0)),
                                      (sp.log(1 + x ** 2 + y), (0, 1)), (1 / (2 - x * y), (1, 1))])
def test_taylor_polynomial_along_a_line_matches_univariate_series(f, point):
    """T_n(x0 + t u) is the degree-n univariate Taylor polynomial of g(t) = f(x0 + t u) (sympy series)."""
    t = sp.Symbol("t", real=True)
    u = (sp.Rational(3, 5), sp.Rational(-4, 5))
    n = 3
    T = multivariate_taylor_polynomial(f, (x, y), point, n)
    line = {x: point[0] + t * u[0], y: point[1] + t * u[1]}
    g = f.subs(line)
    series = sp.series(g, t, 0, n + 1).removeO()
    assert sp.simplify(sp.expand(T.subs(line)) - sp.expand(series)) == 0


@pytest.mark.parametrize("f, point", [(sp.exp(x) * sp.sin(y), (0.3, 0.5)), (sp.cos(x + 2 * y), (1.0, 0.2)),
                                      (sp.log(2 + x ** 2 + y), (0.5, 1.0))])
def test_local_model_error_order(f, point):
    """max |f - T_k| on a circle of radius r shrinks like r^(k+1): halving r divides it by about 2^(k+1)."""
    model = LocalTaylorModel(f, (x, y), max_order=3)
    radii = np.array([0.02, 0.01])
    errors = model.errors(point, radii, (1, 2, 3), directions=24)
    for k in (1, 2, 3):
        ratio = errors[k][0] / errors[k][1]
        assert 2 ** (k + 1) * 0.8 < ratio < 2 ** (k + 1) * 1.25


def test_local_model_matches_sympy():
    f = sp.exp(x) * sp.sin(y) + x ** 2 * y
    model = LocalTaylorModel(f, (x, y), max_order=3)
    p = (0.4, -0.7)
    f0, g, H, D3 = model.derivatives(p)
    at = {x: sp.Rational(2, 5), y: sp.Rational(-7, 10)}
    assert f0 == pytest.approx(float(f.subs(at)))
    np.testing.assert_allclose(g, [float(sp.diff(f, s).subs(at)) for s in (x, y)])
    np.testing.assert_allclose(H, np.array(sp.hessian(f, (x, y)).subs(at).evalf().tolist(), dtype=float))
    np.testing.assert_allclose(D3[1, 1, 1], float(sp.diff(f, y, 3).subs(at)))
    np.testing.assert_allclose(D3[0, 0, 1], float(sp.diff(f, x, x, y).subs(at)))
    T2 = multivariate_taylor_polynomial(f, (x, y), (sp.Rational(2, 5), sp.Rational(-7, 10)), 2)
    points = np.array([[0.5, -0.6], [0.1, 0.0], [1.0, -1.0]])
    expected = [float(T2.subs({x: a, y: b})) for a, b in points]
    np.testing.assert_allclose(model.polynomial(p, points, 2), expected, rtol=1e-12)
    assert model.order_limit == 3
    with pytest.raises(ValueError):
        model.polynomial(p, points, 4)


def test_local_model_undefined_point_gives_nan():
    model = LocalTaylorModel(sp.sqrt(x) + y, (x, y), max_order=2)
    f0, g, H = model.derivatives((-1.0, 0.0))
    assert np.isnan(f0) and np.isnan(g[0]) and np.isnan(H[0, 0])
    assert g[1] == 1.0 and H[1, 1] == 0.0
    with pytest.raises(ValueError):
        LocalTaylorModel(x + y + z, (x, y, z)).errors((0, 0, 0), np.array([0.1]), (1,))


def test_local_model_example_5_15_errors():
    model = LocalTaylorModel(EXAMPLE_5_15, (x, y))
    radii = np.array([0.1, 0.5, 1.0])
    errors = model.errors((1.0, 2.0), radii, (1, 2, 3), directions=64)
    # f - T_2 = (y - 2)^3: its maximum on the circle of radius r is r^3 (at the top of the circle)
    np.testing.assert_allclose(errors[2], radii ** 3, rtol=1e-9)
    assert np.all(errors[3] < 1e-12)
    # f - T_1 = (x-1)^2 + 2(x-1)(y-2) + 6(y-2)^2 + (y-2)^3; on the circle this is at most 7 r^2 + r^3
    assert np.all(errors[1] <= 7 * radii ** 2 + radii ** 3 + 1e-12)
    assert np.all(errors[1] >= 6 * radii ** 2 - radii ** 3)


# -- the notebooks' claims and exercises ------------------------------------------------------

def test_notebook_5_7_exercises():
    from widgets.exercises.answers import parse_answer

    f = x ** 2 * y + sp.exp(x * y)
    typed = parse_answer("[[2*y + y^2*exp(x*y), 2*x + (1 + x*y)*exp(x*y)], [2*x + (1 + x*y)*exp(x*y), x^2*exp(x*y)]]",
                         ("x", "y"))
    assert sp.simplify(sp.Matrix(typed) - sp.hessian(f, (x, y))) == sp.zeros(2, 2)
    f = x ** 3 - 12 * x + y ** 2 - 2 * y
    assert _as_set(critical_points(f, (x, y))) == {(-2.0, 1.0, "saddle"), (2.0, 1.0, "minimum")}
    assert f.subs({x: 2, y: 1}) == -17
    a = sp.Symbol("a", real=True)
    H = sp.hessian(x ** 2 + a * x * y + y ** 2, (x, y))
    assert sp.expand(H.det() - (4 - a ** 2)) == 0
    assert [classify_critical_point(H.subs(a, v)) for v in (0, 1, -1.9, 2, -2, 3, -5)] == \
        ["minimum", "minimum", "minimum", "inconclusive", "inconclusive", "saddle", "saddle"]


def test_notebook_5_7_claims():
    f = x ** 4 + y ** 4 - 4 * x * y
    found = critical_points(f, (x, y))
    assert _as_set(found) == {(-1.0, -1.0, "minimum"), (0.0, 0.0, "saddle"), (1.0, 1.0, "minimum")}
    assert [p.eigenvalues.tolist() for p in found] == [[8.0, 16.0], [-4.0, 4.0], [8.0, 16.0]]
    (p,) = critical_points((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, (x, y))
    assert p.eigenvalues[1] / p.eigenvalues[0] > 1000            # "相差上千倍"
    # the curvature along u is u^T H u
    f = x ** 3 * y ** 2 + sp.exp(x * y)
    t = sp.Symbol("t", real=True)
    u = (sp.Rational(3, 5), sp.Rational(4, 5))
    second = sp.diff(f.subs({x: x + t * u[0], y: y + t * u[1]}, simultaneous=True), t, 2).subs(t, 0)
    H = sp.hessian(f, (x, y))
    assert sp.simplify(second - (sp.Matrix([u]) * H * sp.Matrix(u))[0]) == 0


def test_notebook_5_8_exercises():
    from widgets.exercises.answers import parse_answer

    T1 = multivariate_taylor_polynomial(sp.exp(x) * sp.cos(y), (x, y), (0, 0), 1)
    assert sp.expand(T1 - parse_answer("1 + x", ("x", "y"))) == 0
    T2 = multivariate_taylor_polynomial(sp.exp(x + 2 * y), (x, y), (0, 0), 2)
    assert sp.expand(T2 - parse_answer("1 + x + 2y + (x + 2y)^2/2", ("x", "y"))) == 0
    f = x ** 2 * y
    T2 = multivariate_taylor_polynomial(f, (x, y), (1, 1), 2)
    assert sp.expand(T2 - parse_answer("1 + 2(x - 1) + (y - 1) + (x - 1)^2 + 2(x - 1)(y - 1)", ("x", "y"))) == 0
    assert sp.expand(f - T2 - (x - 1) ** 2 * (y - 1)) == 0
    assert sp.expand(multivariate_taylor_polynomial(f, (x, y), (1, 1), 3) - f) == 0


def test_notebook_5_8_claims():
    # Fig. 5.12's stand-in f = sin x + x^2/8 at x0 = -2: the error of T_1 / h^2 tends to |f''(x0)| / 2 ~ 0.58
    s = sp.Symbol("s", real=True)
    f = sp.sin(s) + s ** 2 / 8
    assert abs(float(sp.diff(f, s, 2).subs(s, -2)) / 2 - 0.58) < 0.005
    delta = np.array([1.0, 2.0, -1.0, 3.0])
    assert outer_power(delta, 3)[1, 3, 2] == 2.0 * 3.0 * -1.0
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    H = (A + A.T) / 2
    values = [contract(H, outer_power(delta, 2)), delta @ H @ delta, np.trace(H @ np.outer(delta, delta))]
    assert max(values) - min(values) < 1e-12


@pytest.mark.parametrize("f", [x ** 2, (x - y) ** 2, (x ** 2 + y ** 2 - 1) ** 2])
def test_critical_points_not_isolated_numeric(f):
    with pytest.raises(ValueError):
        critical_points(f, (x, y), bounds=[(-2.0, 2.0), (-2.0, 2.0)])


def test_critical_points_numeric_ignores_unconverged_flat_points():
    """x^20 + y^20 has a tiny gradient far from 0 before Newton gets there: no spurious points."""
    found = critical_points(x ** 20 + y ** 20, (x, y), bounds=[(-2.0, 2.0), (-2.0, 2.0)])
    assert all(max(abs(c) for c in p.point) < 1e-6 for p in found)

"""widgets.math.univariate and widgets.math.numeric against sympy and closed forms; the numbers of Examples 5.2-5.5."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from widgets.math import numeric, univariate

x = sp.Symbol("x")


def test_difference_quotient_matches_closed_form_and_broadcasts():
    # (5.3) for f = x^2: ((x+h)^2 - x^2)/h = 2x + h exactly.
    xs = np.array([-1.0, 0.5, 2.0])[:, None]
    hs = np.array([0.5, 0.25, 0.125])[None, :]
    q = univariate.difference_quotient(lambda t: t ** 2, xs, hs)
    assert q.shape == (3, 3)
    np.testing.assert_allclose(q, 2 * xs + hs, rtol=1e-12)


def test_central_difference_is_exact_for_quadratics_and_second_order():
    np.testing.assert_allclose(univariate.central_difference(lambda t: 3 * t ** 2 - t, 1.5, [0.1, 0.01]), [8.0, 8.0])
    # error of the central quotient of sin at 1 is ~ h^2 cos(1)/6
    h = np.array([1e-1, 5e-2])
    err = np.abs(univariate.central_difference(np.sin, 1.0, h) - math.cos(1.0))
    np.testing.assert_allclose(err, h ** 2 * math.cos(1.0) / 6, rtol=2e-2)


def test_zero_step_is_refused():
    with pytest.raises(ValueError, match="nonzero"):
        univariate.difference_quotient(np.sin, 1.0, [0.1, 0.0])
    with pytest.raises(ValueError):
        univariate.central_difference(np.sin, 1.0, 0.0)


def test_optimal_steps_are_the_square_and_cube_roots_of_eps():
    eps = np.finfo(float).eps
    assert univariate.optimal_step("forward") == pytest.approx(math.sqrt(eps))
    assert univariate.optimal_step("central") == pytest.approx(eps ** (1 / 3))
    assert 1e-8 < univariate.optimal_step("forward") < 2e-8 and 5e-6 < univariate.optimal_step("central") < 7e-6
    with pytest.raises(ValueError):
        univariate.optimal_step("backward")


def test_forward_error_is_smallest_near_sqrt_eps():
    hs = np.logspace(-14, -2, 121)
    err = np.abs(univariate.difference_quotient(np.exp, 1.0, hs) - math.e)
    best = hs[np.argmin(err)]
    assert 1e-10 < best < 1e-6


@pytest.mark.parametrize("n", range(1, 8))
def test_example_5_2_power_rule_from_the_definition(n):
    h = sp.Symbol("h")
    quotient = ((x + h) ** n - x ** n) / h  # (5.5b)
    assert sp.simplify(sp.limit(quotient, h, 0) - n * x ** (n - 1)) == 0


def test_example_5_3_taylor_of_x4_at_1():
    # f^(k)(1) = 1, 4, 12, 24, 24, 0, 0 (5.10-5.16), so the coefficients are f^(k)(1)/k!
    derivatives = [1, 4, 12, 24, 24, 0, 0]
    expected = [sp.Rational(d, math.factorial(k)) for k, d in enumerate(derivatives)]
    assert univariate.taylor_coefficients(x ** 4, 1, 6) == expected
    T6 = univariate.taylor_polynomial(x ** 4, 1, 6)
    assert sp.expand(T6 - (1 + 4 * (x - 1) + 6 * (x - 1) ** 2 + 4 * (x - 1) ** 3 + (x - 1) ** 4)) == 0  # (5.17b)
    assert sp.expand(T6) == x ** 4  # (5.18b)


def test_example_5_4_taylor_of_sin_plus_cos_at_0():
    # f^(k)(0) = 1, 1, -1, -1, 1, 1, ... (period 4), (5.20)-(5.25)
    signs = [1, 1, -1, -1]
    coefficients = univariate.taylor_coefficients(sp.sin(x) + sp.cos(x), 0, 12)
    assert coefficients == [sp.Rational(signs[k % 4], math.factorial(k)) for k in range(13)]
    # (5.25c-e): the even part is cos, the odd part is sin
    T10 = univariate.taylor_polynomial(sp.sin(x) + sp.cos(x), 0, 10)
    assert sp.expand(T10 - sp.series(sp.cos(x), x, 0, 11).removeO() - sp.series(sp.sin(x), x, 0, 11).removeO()) == 0


def test_taylor_polynomial_keeps_the_functions_own_symbol_and_exact_points():
    t = sp.Symbol("t")
    T = univariate.taylor_polynomial(sp.exp(t), 0.5, 2)
    assert T.free_symbols == {t}
    half = sp.Rational(1, 2)
    assert sp.simplify(T - sp.exp(half) * (1 + (t - half) + (t - half) ** 2 / 2)) == 0


def test_example_5_5_chain_rule():
    h = (2 * x + 1) ** 4
    assert sp.expand(sp.diff(h, x) - 8 * (2 * x + 1) ** 3) == 0  # (5.38)


@settings(max_examples=25)
@given(st.integers(-8, 25).map(lambda k: k / 10), st.integers(0, 10))
def test_taylor_jet_matches_exact_coefficients(x0, n):
    f = sp.log(1 + x) + sp.sin(x) * x
    exact = [float(c) for c in univariate.taylor_coefficients(f, x0, n)]
    np.testing.assert_allclose(univariate.taylor_jet(f, x0, n), exact, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(univariate.TaylorModel(f).coefficients(x0, n), exact, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("f", [sp.exp(sp.sin(x)), sp.tan(x), sp.sqrt(1 + x ** 2), sp.atan(x), sp.asin(x),
                               sp.acos(x), sp.tanh(x), 1 / (1 + sp.exp(-x)), sp.cosh(x) ** 2, 2 ** x, x ** -3 + 1,
                               sp.Abs(x - 1) * x, sp.exp(x) / (1 - x)])
def test_taylor_jet_of_every_whitelisted_function_matches_high_precision_derivatives(f):
    # Order 20 at x0 = 1/4, where symbolic derivatives of such formulas grow large; the reference
    # is mpmath's numerical differentiation at 60 significant digits.
    import mpmath

    with mpmath.workdps(60):
        exact = [float(c) for c in mpmath.taylor(sp.lambdify(x, f, "mpmath"), mpmath.mpf(1) / 4, 20)]
    np.testing.assert_allclose(univariate.taylor_jet(f, 0.25, 20), exact, rtol=1e-8, atol=1e-10)


def test_taylor_jet_marks_undefined_points_with_nan():
    assert np.isnan(univariate.taylor_jet(sp.log(x), -1.0, 3)[0])
    assert np.isnan(univariate.taylor_jet(sp.sqrt(x), 0.0, 3)[1])
    assert np.all(np.isfinite(univariate.taylor_jet(sp.sqrt(x), 4.0, 3)))


def test_taylor_polynomial_values_uses_horner_on_shifted_powers():
    values = univariate.taylor_polynomial_values([1.0, 2.0, 3.0], 1.0, np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(values, [1 - 2 + 3, 1.0, 1 + 2 + 3])


def _sympy_reference(expr, symbols, point):
    subs = dict(zip(symbols, point))
    grad = np.array([float(sp.diff(expr, s).subs(subs)) for s in symbols])
    hess = np.array([[float(sp.diff(expr, a, b).subs(subs)) for b in symbols] for a in symbols])
    return grad, hess


@given(st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_numerical_gradient_and_hessian_against_sympy(point):
    x1, x2, x3 = sp.symbols("x1 x2 x3")
    expr = sp.sin(x1) * x2 ** 2 + sp.exp(x3 / 2) * x1 + x2 * x3
    f = sp.lambdify([(x1, x2, x3)], expr, "numpy")
    grad, hess = _sympy_reference(expr, (x1, x2, x3), point)
    np.testing.assert_allclose(numeric.numerical_gradient(f, point), grad, atol=1e-7)
    np.testing.assert_allclose(numeric.numerical_hessian(f, point), hess, atol=1e-5)


def test_numerical_jacobian_has_numerator_layout_for_vectors_and_matrices():
    A = np.arange(6.0).reshape(2, 3)
    J = numeric.numerical_jacobian(lambda v: A @ v, np.ones(3))
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, A, atol=1e-8)  # Example 5.9: d(Ax)/dx = A
    X0 = np.array([[1.0, 2.0], [3.0, 4.0]])
    T = numeric.numerical_jacobian(lambda X: X @ X, X0)  # R^{2x2} -> R^{2x2}: a 2x2x2x2 tensor
    assert T.shape == (2, 2, 2, 2)
    # d(XX)_{pq}/dX_{ij} = delta_pi X_jq + X_pi delta_qj
    expected = np.einsum("pi,jq->pqij", np.eye(2), X0) + np.einsum("pi,qj->pqij", X0, np.eye(2))
    np.testing.assert_allclose(T, expected, atol=1e-7)


def test_gradient_check_accepts_a_right_gradient_and_flags_a_subtly_wrong_one():
    f = lambda v: v[0] ** 2 * v[1] + v[0] * v[1] ** 3  # Example 5.7
    right = lambda v: np.array([2 * v[0] * v[1] + v[1] ** 3, v[0] ** 2 + 3 * v[0] * v[1] ** 2])
    wrong = lambda v: np.array([2 * v[0] * v[1] + v[1] ** 3, v[0] ** 2 + 3 * v[0] * v[1]])
    point = np.array([0.7, -1.3])
    assert numeric.gradient_check(f, right, point) < 1e-6
    assert numeric.gradient_check(f, wrong, point) > 1e-2


def test_relative_error_definition():
    assert numeric.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert numeric.relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)
    assert numeric.relative_error([0.0], [0.0]) == 0.0
    with pytest.raises(ValueError):
        numeric.relative_error([1.0], [1.0, 2.0])


def test_lambdify_array_always_returns_float_arrays_of_the_input_shape():
    f = numeric.lambdify_array(sp.Integer(3), x)
    assert f(np.zeros((2, 4))).shape == (2, 4)
    g = numeric.lambdify_array(sp.sqrt(x), x)
    values = g(np.array([-1.0, 4.0]))
    assert np.isnan(values[0]) and values[1] == 2.0

"""Numbers the notebooks' prose states, checked independently with numpy and sympy."""

import numpy as np
import sympy as sp

from widgets.math import numeric


def _f(v):
    return v[0] ** 2 * v[1] + v[0] * v[1] ** 3          # Example 5.7


def _grad(v):
    return np.array([2 * v[0] * v[1] + v[1] ** 3, v[0] ** 2 + 3 * v[0] * v[1] ** 2])


def _relative_error(dh, df):
    return np.sqrt(np.sum((dh - df) ** 2) / np.sum((dh + df) ** 2))


def test_forward_differences_fail_a_correct_gradient_at_the_books_step():
    """5.2: at (0.8, 1.1) with h = 1e-4, forward quotients give ≈ 3e-5, above the book's 1e-6."""
    p, h = np.array([0.8, 1.1]), 1e-4
    dh = np.array([(_f(p + h * e) - _f(p)) / h for e in np.eye(2)])
    error = _relative_error(dh, _grad(p))
    assert 2.5e-5 < error < 3.5e-5
    truncation = h / 2 * np.array([2 * p[1], 6 * p[0] * p[1]])   # h/2 · ∂²f/∂x_i², the O(h) term
    assert abs(error - np.linalg.norm(truncation) / np.linalg.norm(2 * _grad(p))) < 0.05 * error


def test_central_differences_pass_the_same_gradient():
    p, h = np.array([0.8, 1.1]), 1e-4
    dh = np.array([(_f(p + h * e) - _f(p - h * e)) / (2 * h) for e in np.eye(2)])
    assert _relative_error(dh, _grad(p)) < 1e-8
    assert numeric.gradient_check(_f, _grad, p, h=h) < 1e-8


def test_example_5_6_the_inner_derivative_is_6y2_the_outer_square_gives_2_x_plus_2y3():
    x, y, u = sp.symbols("x y u")
    inner = x + 2 * y ** 3
    outer_factor = sp.diff(u ** 2, u).subs(u, inner)
    assert sp.expand(outer_factor - 2 * inner) == 0
    assert sp.diff(inner, y) == 6 * y ** 2
    assert sp.expand(sp.diff(inner ** 2, y) - 12 * inner * y ** 2) == 0


def test_one_sided_quotients_of_abs_differ_at_zero():
    """5.1: h > 0 and h < 0 give 1 and −1 for |x| at 0, so the two-sided limit does not exist."""
    h = sp.Symbol("h")
    assert sp.limit(sp.Abs(h) / h, h, 0, "+") == 1
    assert sp.limit(sp.Abs(h) / h, h, 0, "-") == -1

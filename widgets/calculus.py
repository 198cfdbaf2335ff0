"""Numbers and formulas of univariate and multivariate differentiation (book sections 5.1-5.3, 5.7).

Pure math: numpy and sympy only. Every numerical routine uses float64 and
central differences unless its name says otherwise.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

import numpy as np
import sympy as sp

ArrayFunction = Callable[[np.ndarray], np.ndarray]

#: Machine epsilon of float64, the unit of rounding error in the difference quotients.
EPS = float(np.finfo(np.float64).eps)


def _nonzero_step(h) -> np.ndarray:
    h = np.asarray(h, dtype=np.float64)
    if np.any(h == 0):
        raise ValueError("step h must be nonzero (h = 0 gives 0/0)")
    return h


def difference_quotient(f: ArrayFunction, x, h) -> np.ndarray:
    """Return the forward difference quotient (f(x+h) - f(x)) / h of (5.3), broadcast over x and h."""
    x = np.asarray(x, dtype=np.float64)
    h = _nonzero_step(h)
    return (f(x + h) - f(x)) / h


def central_difference(f: ArrayFunction, x, h) -> np.ndarray:
    """Return the central difference quotient (f(x+h) - f(x-h)) / (2h), broadcast over x and h."""
    x = np.asarray(x, dtype=np.float64)
    h = _nonzero_step(h)
    return (f(x + h) - f(x - h)) / (2 * h)


def optimal_step(method: str = "forward") -> float:
    """Return the step that balances truncation and rounding error: sqrt(eps) forward, cbrt(eps) central."""
    if method == "forward":
        return EPS ** 0.5
    if method == "central":
        return EPS ** (1 / 3)
    raise ValueError(f"unknown method {method!r}: use 'forward' or 'central'")


def _exact_number(value) -> sp.Expr:
    """Return a sympy number equal to ``value``; floats become the exact rational they denote in decimal."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("expected a number, got a bool")
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError("expansion point must be finite")
        frac = Fraction(repr(float(value)))
        return sp.Rational(frac.numerator, frac.denominator)
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _single_symbol(f: sp.Expr) -> sp.Symbol:
    free = sorted(f.free_symbols, key=lambda s: s.name)
    if len(free) > 1:
        raise ValueError(f"expected a function of one variable, got {free}")
    return free[0] if free else sp.Symbol("x")


def taylor_derivatives(f: sp.Expr, n: int, max_ops: int | None = None) -> list[sp.Expr]:
    """Return [f, f', ..., f^(n)] as sympy expressions (Def. 5.3), stopping early past ``max_ops`` operations."""
    if n < 0:
        raise ValueError("order n must be >= 0")
    x = _single_symbol(f)
    derivatives = [f]
    for _ in range(n):
        nxt = sp.diff(derivatives[-1], x)
        if max_ops is not None and sp.count_ops(nxt) > max_ops:
            break
        derivatives.append(nxt)
    return derivatives


def taylor_coefficients(f: sp.Expr, x0, n: int) -> list[sp.Expr]:
    """Return the exact coefficients f^(k)(x0)/k!, k = 0..n, of the Taylor polynomial (5.7)."""
    x = _single_symbol(f)
    x0 = _exact_number(x0)
    return [sp.simplify(d.subs(x, x0) / sp.factorial(k)) for k, d in enumerate(taylor_derivatives(f, n))]


def taylor_polynomial(f: sp.Expr, x0, n: int) -> sp.Expr:
    """Return T_n(x) = sum_k f^(k)(x0)/k! (x - x0)^k (5.7) in f's own symbol, in powers of (x - x0)."""
    x = _single_symbol(f)
    x0 = _exact_number(x0)
    coefficients = taylor_coefficients(f, x0, n)
    return sp.Add(*[c * (x - x0) ** k for k, c in enumerate(coefficients)])


def taylor_polynomial_values(coefficients, x0: float, x) -> np.ndarray:
    """Return sum_k c_k (x - x0)^k evaluated by Horner's rule on a numpy array ``x``."""
    t = np.asarray(x, dtype=np.float64) - x0
    result = np.zeros_like(t)
    for c in reversed(list(coefficients)):
        result = result * t + c
    return result


def _step_for(x: np.ndarray, h) -> np.ndarray:
    """Return per-entry steps: ``h`` scaled by max(1, |x_i|), so large inputs keep relative precision."""
    return np.asarray(h, dtype=np.float64) * np.maximum(1.0, np.abs(x))


def numerical_jacobian(f: ArrayFunction, x, h: float = 1e-6) -> np.ndarray:
    """Return the central-difference Jacobian of shape f(x).shape + x.shape (numerator layout, Def. 5.6)."""
    x = np.array(x, dtype=np.float64)
    fx = np.asarray(f(x), dtype=np.float64)
    steps = _step_for(x, h)
    J = np.empty(fx.shape + x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += steps[idx]
        xm[idx] -= steps[idx]
        column = (np.asarray(f(xp), dtype=np.float64) - np.asarray(f(xm), dtype=np.float64)) / (xp[idx] - xm[idx])
        J[(...,) + idx] = column
    return J


def numerical_gradient(f: ArrayFunction, x, h: float = 1e-6) -> np.ndarray:
    """Return the central-difference gradient of a scalar f, with the shape of ``x`` (5.39)."""
    x = np.array(x, dtype=np.float64)
    value = np.asarray(f(x))
    if value.size != 1:
        raise ValueError(f"f must return a scalar, got shape {value.shape}")
    return numerical_jacobian(lambda z: np.asarray(f(z), dtype=np.float64).reshape(()), x, h)


def numerical_hessian(f: ArrayFunction, x, h: float = 1e-4) -> np.ndarray:
    """Return the Hessian of a scalar f at a vector ``x`` by central differences (5.147), symmetrised."""
    x = np.array(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("numerical_hessian expects a vector x")
    n = x.size
    steps = _step_for(x, h)
    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei = np.zeros(n)
            ej = np.zeros(n)
            ei[i] = steps[i]
            ej[j] = steps[j]
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * steps[i] * steps[j])
            H[i, j] = H[j, i] = float(value)
    return H


def relative_error(a, b) -> float:
    """Return sqrt(sum (a_i - b_i)^2 / sum (a_i + b_i)^2), the gradient-checking error of section 5.2."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    denominator = np.sum((a + b) ** 2)
    numerator = np.sum((a - b) ** 2)
    if denominator == 0:
        return 0.0 if numerator == 0 else float("inf")
    return float(np.sqrt(numerator / denominator))


def gradient_check(f: ArrayFunction, grad: ArrayFunction, x, h: float = 1e-4) -> float:
    """Return the relative error between ``grad(x)`` and central differences of f (remark in 5.2); < 1e-6 passes."""
    x = np.array(x, dtype=np.float64)
    df = np.asarray(grad(x), dtype=np.float64)
    dh = numerical_gradient(f, x, h)
    if df.size != dh.size:
        raise ValueError(f"grad(x) has {df.size} entries, x has {dh.size}")
    return relative_error(dh, df)


def lambdify_array(expr: sp.Expr, symbols) -> Callable[..., np.ndarray]:
    """Return a numpy function of ``symbols`` that always returns a float array of the inputs' shape."""
    symbols = list(symbols) if isinstance(symbols, (list, tuple)) else [symbols]
    raw = sp.lambdify(symbols, expr, modules="numpy")

    def evaluate(*args):
        arrays = [np.asarray(a, dtype=np.float64) for a in args]
        shape = np.broadcast_shapes(*[a.shape for a in arrays]) if arrays else ()
        with np.errstate(all="ignore"):
            try:
                value = np.asarray(raw(*arrays))
            except (ZeroDivisionError, OverflowError, ValueError):
                return np.full(shape, np.nan)
        if np.iscomplexobj(value):
            value = np.where(np.abs(value.imag) < 1e-12, value.real, np.nan)
        return np.broadcast_to(value.astype(np.float64, copy=False), shape).copy()

    return evaluate


class TaylorModel:
    """Numeric Taylor coefficients of a sympy f of one variable at any x0 (Def. 5.3), derivatives cached.

    Derivatives are computed symbolically once, lazily up to the highest order asked for, and
    stop at ``max_ops`` operations so a formula whose derivatives explode stays fast;
    ``order_limit`` then tells the highest order available.
    """

    def __init__(self, f: sp.Expr, max_ops: int = 3000):
        self.f = f
        self.symbol = _single_symbol(f)
        self.max_ops = max_ops
        self._derivatives = [f]
        self._numeric = [lambdify_array(f, self.symbol)]
        self.order_limit: int | None = None

    def __call__(self, x) -> np.ndarray:
        """Return f evaluated on a numpy array."""
        return self._numeric[0](x)

    def available_order(self, n: int) -> int:
        """Compute derivatives up to order n if possible; return the highest order available."""
        while len(self._derivatives) <= n and self.order_limit is None:
            nxt = sp.diff(self._derivatives[-1], self.symbol)
            if sp.count_ops(nxt) > self.max_ops:
                self.order_limit = len(self._derivatives) - 1
                break
            self._derivatives.append(nxt)
            self._numeric.append(lambdify_array(nxt, self.symbol))
        return min(n, len(self._derivatives) - 1)

    def derivative(self, k: int) -> Callable[[np.ndarray], np.ndarray]:
        """Return the numpy function of f^(k)."""
        if self.available_order(k) < k:
            raise ValueError(f"derivative of order {k} is too large to compute")
        return self._numeric[k]

    def coefficients(self, x0: float, n: int) -> np.ndarray:
        """Return the float coefficients f^(k)(x0)/k!, k = 0..min(n, order available)."""
        m = self.available_order(n)
        values = [float(self._numeric[k](x0)) for k in range(m + 1)]
        return np.array(values) / np.array([float(sp.factorial(k)) for k in range(m + 1)])

"""Differentiation of univariate functions (book section 5.1): difference quotients, the best
step, and Taylor polynomials (exact with sympy, or as float coefficients by Taylor arithmetic).

Pure math: numpy and sympy only.
"""

from __future__ import annotations


import numpy as np
import sympy as sp

from widgets.math.numeric import ArrayFunction, exact_number, lambdify_array


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


def _single_symbol(f: sp.Expr) -> sp.Symbol:
    free = sorted(f.free_symbols, key=lambda s: s.name)
    if len(free) > 1:
        raise ValueError(f"expected a function of one variable, got {free}")
    return free[0] if free else sp.Symbol("x")


def taylor_derivatives(f: sp.Expr, n: int) -> list[sp.Expr]:
    """Return [f, f', ..., f^(n)] as sympy expressions (Def. 5.3)."""
    if n < 0:
        raise ValueError("order n must be >= 0")
    x = _single_symbol(f)
    derivatives = [f]
    for _ in range(n):
        derivatives.append(sp.diff(derivatives[-1], x))
    return derivatives


def taylor_coefficients(f: sp.Expr, x0, n: int) -> list[sp.Expr]:
    """Return the exact coefficients f^(k)(x0)/k!, k = 0..n, of the Taylor polynomial (5.7)."""
    x = _single_symbol(f)
    x0 = exact_number(x0)
    return [sp.simplify(d.subs(x, x0) / sp.factorial(k)) for k, d in enumerate(taylor_derivatives(f, n))]


def taylor_polynomial(f: sp.Expr, x0, n: int) -> sp.Expr:
    """Return T_n(x) = sum_k f^(k)(x0)/k! (x - x0)^k (5.7) in f's own symbol, in powers of (x - x0)."""
    x = _single_symbol(f)
    x0 = exact_number(x0)
    coefficients = taylor_coefficients(f, x0, n)
    # evaluate=False keeps 4*(x - 1) from being distributed into 4*x - 4, so the result reads as (5.17b)
    terms = [c if k == 0 else (x - x0) ** k if c == 1 else sp.Mul(c, (x - x0) ** k, evaluate=False)
             for k, c in enumerate(coefficients) if c != 0]
    return sp.Add(*terms, evaluate=False) if terms else sp.Integer(0)


def taylor_polynomial_values(coefficients, x0: float, x) -> np.ndarray:
    """Return sum_k c_k (x - x0)^k evaluated by Horner's rule on a numpy array ``x``."""
    t = np.asarray(x, dtype=np.float64) - x0
    result = np.zeros_like(t)
    for c in reversed(list(coefficients)):
        result = result * t + c
    return result


def _jet_integral(b0: float, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Return the jet of b with b(x0) = b0 and b' = a' g (the recurrence b_k = 1/k sum j a_j g_{k-j})."""
    b = np.empty_like(a)
    b[0] = b0
    for k in range(1, a.size):
        j = np.arange(1, k + 1)
        b[k] = np.dot(j * a[1:k + 1], g[k - 1::-1][:k]) / k
    return b


def _jet_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.convolve(a, b)[: a.size]


def _jet_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    c = np.empty_like(a)
    for k in range(a.size):
        c[k] = (a[k] - np.dot(b[1:k + 1], c[k - 1::-1][:k])) / b[0] if k else a[0] / b[0]
    return c


def _jet_exp(a: np.ndarray) -> np.ndarray:
    b = np.empty_like(a)
    b[0] = np.exp(a[0])
    for k in range(1, a.size):
        j = np.arange(1, k + 1)
        b[k] = np.dot(j * a[1:k + 1], b[k - 1::-1][:k]) / k
    return b


def _jet_log(a: np.ndarray) -> np.ndarray:
    return _jet_integral(np.log(a[0]) if a[0] > 0 else np.nan, a, _jet_div(np.eye(1, a.size)[0], a))


def _jet_sin_cos(a: np.ndarray, hyperbolic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    s, c = np.empty_like(a), np.empty_like(a)
    s[0], c[0] = (np.sinh(a[0]), np.cosh(a[0])) if hyperbolic else (np.sin(a[0]), np.cos(a[0]))
    sign = 1.0 if hyperbolic else -1.0
    for k in range(1, a.size):
        ja = np.arange(1, k + 1) * a[1:k + 1]
        s[k] = np.dot(ja, c[k - 1::-1][:k]) / k
        c[k] = sign * np.dot(ja, s[k - 1::-1][:k]) / k
    return s, c


def _jet_power(a: np.ndarray, r: float) -> np.ndarray:
    if float(r).is_integer() and r >= 0:
        result, base, e = np.eye(1, a.size)[0], a, int(r)
        while e:  # exponentiation by squaring keeps a(x0) = 0 exact
            if e & 1:
                result = _jet_mul(result, base)
            base, e = _jet_mul(base, base), e >> 1
        return result
    if float(r).is_integer():
        return _jet_div(np.eye(1, a.size)[0], _jet_power(a, -r))
    b = np.empty_like(a)
    b[0] = a[0] ** r if a[0] > 0 else np.nan
    for k in range(1, a.size):
        j = np.arange(1, k + 1)
        b[k] = np.dot(((r + 1) * j - k) * a[1:k + 1], b[k - 1::-1][:k]) / (k * a[0])
    return b


def taylor_jet(f: sp.Expr, x0: float, n: int, symbol: sp.Symbol | None = None) -> np.ndarray:
    """Return the float Taylor coefficients f^(k)(x0)/k!, k = 0..n (5.7), by truncated Taylor arithmetic.

    Each node of f's expression tree is evaluated as a truncated power series in (x - x0), so
    the cost is O(nodes * n^2) whatever the size of the symbolic derivatives. Undefined
    coefficients come out as NaN, overflowing ones as inf.
    """
    symbol = symbol if symbol is not None else _single_symbol(f)
    size = n + 1
    unit = np.eye(1, size)[0]
    memo: dict = {}

    def jet(e: sp.Expr) -> np.ndarray:
        if e in memo:
            return memo[e]
        if e == symbol:
            out = np.zeros(size)
            out[0] = x0
            if size > 1:
                out[1] = 1.0
        elif e.is_number:
            value = complex(e.evalf(17))
            out = unit * (value.real if abs(value.imag) < 1e-14 else np.nan)
        elif e.is_Add:
            out = sum(jet(arg) for arg in e.args)
        elif e.is_Mul:
            out = unit
            for arg in e.args:
                out = _jet_mul(out, jet(arg))
        elif e.is_Pow:
            base, exponent = e.args
            if exponent.is_number:
                out = _jet_power(jet(base), float(exponent))
            else:
                out = _jet_exp(_jet_mul(jet(exponent), _jet_log(jet(base))))
        elif len(e.args) == 1:
            a = jet(e.args[0])
            kind = type(e)
            if kind is sp.exp:
                out = _jet_exp(a)
            elif kind is sp.log:
                out = _jet_log(a)
            elif kind in (sp.sin, sp.cos, sp.tan):
                s, c = _jet_sin_cos(a)
                out = {sp.sin: s, sp.cos: c}.get(kind) if kind is not sp.tan else _jet_div(s, c)
            elif kind in (sp.sinh, sp.cosh, sp.tanh):
                s, c = _jet_sin_cos(a, hyperbolic=True)
                out = {sp.sinh: s, sp.cosh: c}.get(kind) if kind is not sp.tanh else _jet_div(s, c)
            elif kind in (sp.asin, sp.acos):
                g = _jet_power(unit - _jet_mul(a, a), -0.5)
                out = _jet_integral(np.arcsin(a[0]) if abs(a[0]) < 1 else np.nan, a, g)
                if kind is sp.acos:
                    out = np.pi / 2 * unit - out
            elif kind is sp.atan:
                out = _jet_integral(np.arctan(a[0]), a, _jet_div(unit, unit + _jet_mul(a, a)))
            elif kind is sp.Abs:
                out = np.sign(a[0]) * a if a[0] != 0 else np.concatenate([[0.0], np.full(size - 1, np.nan)])
            else:
                raise ValueError(f"no Taylor arithmetic for {kind.__name__}")
        else:
            raise ValueError(f"no Taylor arithmetic for {type(e).__name__}")
        memo[e] = out
        return out

    with np.errstate(all="ignore"):
        return np.array(jet(f), dtype=np.float64)


class TaylorModel:
    """A sympy f of one variable, ready for an explorer: values on a grid and Taylor coefficients at any x0."""

    def __init__(self, f: sp.Expr):
        self.f = f
        self.symbol = _single_symbol(f)
        self._values = lambdify_array(f, self.symbol)

    def __call__(self, x) -> np.ndarray:
        """Return f evaluated on a numpy array."""
        return self._values(x)

    def coefficients(self, x0: float, n: int) -> np.ndarray:
        """Return the float coefficients f^(k)(x0)/k!, k = 0..n."""
        return taylor_jet(self.f, float(x0), n, self.symbol)

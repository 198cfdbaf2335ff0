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
    x0 = _exact_number(x0)
    return [sp.simplify(d.subs(x, x0) / sp.factorial(k)) for k, d in enumerate(taylor_derivatives(f, n))]


def taylor_polynomial(f: sp.Expr, x0, n: int) -> sp.Expr:
    """Return T_n(x) = sum_k f^(k)(x0)/k! (x - x0)^k (5.7) in f's own symbol, in powers of (x - x0)."""
    x = _single_symbol(f)
    x0 = _exact_number(x0)
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


# --- Higher-order derivatives and critical points (sections 5.7, 5.8) ---

#: The four verdicts of the second-derivative test (the blog chapter, "海赛矩阵判定多元函数极值").
CRITICAL_POINT_KINDS = ("minimum", "maximum", "saddle", "inconclusive")


def _float_matrix(H) -> np.ndarray:
    """Return H (a nested list, numpy array or sympy Matrix of numbers) as a square float64 array."""
    H = np.array(H.tolist() if isinstance(H, sp.MatrixBase) else H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.size == 0:
        raise ValueError(f"expected a square matrix, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("the matrix has entries that are not finite")
    return H


def classify_critical_point(H, tol: float = 1e-8) -> str:
    """Return "minimum", "maximum", "saddle" or "inconclusive" from the eigenvalues of a Hessian (5.147).

    Positive definite -> minimum, negative definite -> maximum, eigenvalues of both signs ->
    saddle, otherwise (semidefinite: some eigenvalue is zero) the test is inconclusive. An
    eigenvalue counts as zero when |lambda| <= tol * max(1, max |lambda|). Only the symmetric
    part (H + H^T)/2 matters for the quadratic form, so that is what is tested.
    """
    H = _float_matrix(H)
    if tol < 0:
        raise ValueError("tol must be >= 0")
    eigenvalues = np.linalg.eigvalsh((H + H.T) / 2)
    threshold = tol * max(1.0, float(np.max(np.abs(eigenvalues))))
    positive = eigenvalues > threshold
    negative = eigenvalues < -threshold
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    if positive.any() and negative.any():
        return "saddle"
    return "inconclusive"


class CriticalPoint:
    """A point where the gradient vanishes, its Hessian and the verdict of the second-derivative test."""

    __slots__ = ("point", "exact", "value", "hessian", "eigenvalues", "kind")

    def __init__(self, point, exact, value, hessian, eigenvalues, kind):
        self.point: tuple[float, ...] = point          # float coordinates
        self.exact: tuple[sp.Expr, ...] | None = exact  # exact coordinates when solved symbolically
        self.value: float = value                      # f at the point
        self.hessian: np.ndarray = hessian             # float Hessian (5.147)
        self.eigenvalues: np.ndarray = eigenvalues     # ascending
        self.kind: str = kind                          # one of CRITICAL_POINT_KINDS

    def __repr__(self) -> str:
        coordinates = ", ".join(f"{c:.6g}" for c in self.point)
        return f"CriticalPoint(({coordinates}), {self.kind}, eigenvalues={np.round(self.eigenvalues, 6).tolist()})"


def _as_sympy(f) -> sp.Expr:
    """Return f as a sympy expression: sympy objects pass, plain numbers become sympy numbers.

    Typed text is not accepted here; it goes through ``widgets.expressions.parse_expression``.
    """
    if isinstance(f, sp.Basic):
        return f
    if isinstance(f, (bool, np.bool_)) or not isinstance(f, (int, float, np.integer, np.floating)):
        raise TypeError(f"expected a sympy expression, got {type(f).__name__}")
    return sp.Integer(int(f)) if isinstance(f, (int, np.integer)) else sp.Float(float(f))


def _symbols_of(variables) -> list[sp.Symbol]:
    return [v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True) for v in variables]


def _solve_gradient_symbolically(gradient, symbols) -> list[tuple]:
    """Return the real isolated solutions of gradient = 0 as (exact tuple, float tuple); raise if not isolated."""
    try:
        solutions = sp.solve(gradient, symbols, dict=True)
    except NotImplementedError:
        raise ValueError("sympy cannot solve grad f = 0 here; give bounds for a numeric search") from None
    found = []
    for solution in solutions:
        values = [solution.get(s, s) for s in symbols]
        if any(v.free_symbols for v in values):
            raise ValueError("the critical points are not isolated (a whole curve of them)")
        numbers = [complex(sp.N(v, 30)) for v in values]
        if any(abs(z.imag) > 1e-12 * (1 + abs(z.real)) for z in numbers):
            continue
        exact = tuple(sp.re(sp.expand_complex(v)) if v.has(sp.I) else v for v in values)
        found.append((exact, tuple(z.real for z in numbers)))
    return found


def _newton_critical_points(gradient, hessian, symbols, bounds, grid: int, iterations: int = 120) -> list[tuple]:
    """Return float critical points in ``bounds`` found by Newton's method on the gradient from a grid of starts."""
    n = len(symbols)
    grad_fn = [lambdify_array(g, symbols) for g in gradient]
    hess_fn = [[lambdify_array(hessian[i, j], symbols) for j in range(n)] for i in range(n)]
    lows = np.array([b[0] for b in bounds], dtype=np.float64)
    highs = np.array([b[1] for b in bounds], dtype=np.float64)
    axes = [np.linspace(lo, hi, grid) for lo, hi in zip(lows, highs)]
    starts = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=-1)
    x = starts.copy()
    span = float(np.max(highs - lows))
    for _ in range(iterations):
        g = np.stack([fn(*x.T) for fn in grad_fn], axis=-1)
        H = np.stack([np.stack([fn(*x.T) for fn in row], axis=-1) for row in hess_fn], axis=-2)
        bad = ~(np.isfinite(g).all(axis=-1) & np.isfinite(H).all(axis=(-1, -2)))
        g[bad] = 0.0
        H[bad] = np.eye(n)
        step = np.einsum("kij,kj->ki", np.linalg.pinv(H, rcond=1e-13), g)
        length = np.linalg.norm(step, axis=-1, keepdims=True)
        step = np.where(length > span, step * (span / np.maximum(length, 1e-300)), step)
        x = x - step
        x[bad] = np.nan
    g = np.stack([fn(*x.T) for fn in grad_fn], axis=-1)
    margin = 1e-9 * span
    inside = np.all((x >= lows - margin) & (x <= highs + margin), axis=-1)
    # converged: the gradient is tiny and Newton has stopped moving (a very flat f such as x^20
    # has a tiny gradient long before Newton reaches its critical point)
    small = (np.linalg.norm(g, axis=-1) <= 1e-8 * max(1.0, span)) & (np.linalg.norm(step, axis=-1) <= 1e-7 * span)
    candidates = x[inside & small & np.isfinite(x).all(axis=-1)]
    points: list[np.ndarray] = []
    for c in candidates:
        if all(np.linalg.norm(c - p) > 1e-5 * max(1.0, span) for p in points):
            points.append(c)
    # Newton lands on a curve of critical points (f = x^2: the whole y-axis) at many different
    # places, all with a singular Hessian; isolated degenerate points (x^4 + y^4) come one by one.
    degenerate = 0
    for p in points:
        with np.errstate(all="ignore"):
            H = np.array([[float(fn(*p)) for fn in row] for row in hess_fn])
        if np.all(np.isfinite(H)):
            eigenvalues = np.linalg.eigvalsh((H + H.T) / 2)
            degenerate += bool(np.min(np.abs(eigenvalues)) <= 1e-6 * max(1.0, float(np.max(np.abs(eigenvalues)))))
    if degenerate >= 3:
        raise ValueError("the critical points are not isolated (a whole curve of them)")
    snap = 1e-12 * max(1.0, span)  # a degenerate point is reached only linearly: show 1e-30 as 0
    return [(None, tuple(0.0 if abs(v) < snap else float(v) for v in p)) for p in points]


def critical_points(f: sp.Expr, variables, bounds=None, method: str = "auto", tol: float = 1e-8,
                    grid: int = 9, max_points: int = 40) -> list[CriticalPoint]:
    """Return the critical points of a sympy f (gradient = 0), each classified by its Hessian (5.147).

    ``method="symbolic"`` solves the gradient equations with sympy (exact points; this can take
    seconds even for a cubic, and lists only the principal solutions of periodic equations);
    ``"numeric"`` runs Newton's method on the gradient from a ``grid`` x ``grid`` set of starts
    inside ``bounds`` (a pair (low, high) per variable), which is fast but may miss a point whose
    basin no start falls into; ``"auto"`` is numeric when bounds are given, symbolic otherwise.
    With ``bounds``, only points inside are returned.
    Raises ValueError when the critical points are not isolated or too many are found.
    """
    symbols = _symbols_of(variables)
    f = _as_sympy(f)
    extra = f.free_symbols - set(symbols)
    if extra:
        raise ValueError(f"f has symbols {sorted(map(str, extra))} that are not among the variables")
    if method not in ("auto", "symbolic", "numeric"):
        raise ValueError(f"unknown method {method!r}: use 'auto', 'symbolic' or 'numeric'")
    if bounds is not None:
        bounds = [tuple(float(v) for v in b) for b in bounds]
        if len(bounds) != len(symbols) or any(len(b) != 2 or not b[0] < b[1] for b in bounds):
            raise ValueError("bounds must hold one (low, high) pair, low < high, per variable")
    gradient = [sp.diff(f, s) for s in symbols]
    if all(g == 0 for g in gradient):
        raise ValueError("f is constant: every point is critical (the critical points are not isolated)")
    hessian = sp.hessian(f, symbols)
    if method == "auto":
        method = "symbolic" if bounds is None else "numeric"
    if method == "symbolic":
        found = _solve_gradient_symbolically(gradient, symbols)
    else:
        if bounds is None:
            raise ValueError("the numeric search needs bounds")
        found = _newton_critical_points(gradient, hessian, symbols, bounds, grid)
    if bounds is not None:
        found = [(e, p) for e, p in found
                 if all(lo - 1e-12 <= v <= hi + 1e-12 for v, (lo, hi) in zip(p, bounds))]
    if len(found) > max_points:
        raise ValueError(f"more than {max_points} critical points: they are probably not isolated")
    f_fn = lambdify_array(f, symbols)
    h_fn = sp.lambdify(symbols, hessian, modules="numpy")
    result = []
    for exact, point in sorted(found, key=lambda item: item[1]):
        if exact is not None:
            H = np.array(hessian.subs(dict(zip(symbols, exact))).evalf().tolist(), dtype=np.float64)
        else:
            with np.errstate(all="ignore"):
                H = np.array(h_fn(*point), dtype=np.float64)
        if not np.all(np.isfinite(H)):
            continue
        H = (H + H.T) / 2
        result.append(CriticalPoint(point, exact, float(f_fn(*point)), H, np.linalg.eigvalsh(H),
                                    classify_critical_point(H, tol)))
    return result

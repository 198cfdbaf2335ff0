"""Hessians as tensors, multivariate Taylor polynomials and critical points (book sections 5.7 and 5.8).

Pure math: numpy and sympy only. The layout is the book's (numerator layout): the gradient
of f: R^n -> R is a row, and the k-th derivative D^k f(x0) is a k-th order tensor of shape
(n, ..., n) whose last index is the variable differentiated last, so that
D^3 f[:, :, j] = dH/dx_j (as in Example 5.15). The k-th Taylor term is the full contraction
of D^k f(x0) with the k-fold outer product delta^k = delta (x) ... (x) delta (Defs. 5.7-5.8).
Critical points are classified by the eigenvalues of the Hessian (the second-derivative test).
"""

from __future__ import annotations

import itertools
import string
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy as sp

from widgets.math.numeric import exact_number, lambdify_array


X, Y = sp.symbols("x y", real=True)


def symbols_of(variables: Sequence) -> list[sp.Symbol]:
    """Return the variables as sympy symbols (strings become real symbols, as the formula parser makes them)."""
    return [v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True) for v in variables]


def hessian(f: sp.Expr, variables: Sequence) -> sp.Matrix:
    """Return the n x n Hessian matrix [d^2 f / dx_i dx_j] of a scalar f (5.147)."""
    return sp.hessian(_as_sympy(f), symbols_of(variables))


def derivative_tensor(f: sp.Expr, variables: Sequence, k: int) -> sp.Expr | sp.Array:
    """Return D^k f, the k-th order tensor of k-th partial derivatives, shape (n,)*k (Def. 5.7).

    D^0 f is f itself; D^1 f is the gradient (a row, shape (n,)); D^2 f is the Hessian. The new
    index is appended last: D^k f[..., j] = d/dx_j D^(k-1) f[...].
    """
    if k < 0:
        raise ValueError("order k must be >= 0")
    symbols = symbols_of(variables)
    tensor: sp.Expr | sp.Array = _as_sympy(f)
    for _ in range(k):
        tensor = _derive_last(tensor, symbols)
    return tensor


def _derive_last(tensor, symbols: list[sp.Symbol]) -> sp.Array:
    """Return the derivative of a tensor of order r with the new index appended last (order r + 1)."""
    derived = sp.derive_by_array(tensor, symbols)  # sympy puts the new index first ...
    order = len(derived.shape)
    return derived if order == 1 else sp.permutedims(derived, list(range(1, order)) + [0])  # ... move it last


def vector_field_hessian(F: Sequence[sp.Expr], variables: Sequence) -> sp.Array:
    """Return the Hessian of a vector field F: R^n -> R^m, an m x n x n tensor [d^2 F_i / dx_j dx_k] (remark in 5.7)."""
    symbols = symbols_of(variables)
    return sp.Array([derivative_tensor(component, symbols, 2).tolist() for component in F])


def outer_power(delta, k: int):
    """Return delta^k = delta (x) ... (x) delta, the k-fold outer product (Fig. 5.13); shape (n,)*k.

    A numpy vector gives a numpy array; a sequence of sympy expressions gives a sympy Array.
    """
    if k < 0:
        raise ValueError("power k must be >= 0")
    if isinstance(delta, np.ndarray):
        result = np.array(1.0)
        for _ in range(k):
            result = np.multiply.outer(result, delta)
        return result
    delta = sp.Array(list(delta))
    if k == 0:
        return sp.Integer(1)
    result = delta
    for _ in range(k - 1):
        result = sp.tensorproduct(result, delta)
    return result


def contract(tensor, power) -> sp.Expr | float:
    """Return the full contraction sum_{i1..ik} T[i1..ik] P[i1..ik] of two tensors of equal shape (Def. 5.7)."""
    if isinstance(tensor, np.ndarray) or isinstance(power, np.ndarray):
        tensor, power = np.asarray(tensor, dtype=np.float64), np.asarray(power, dtype=np.float64)
        if tensor.shape != power.shape:
            raise ValueError(f"shapes differ: {tensor.shape} vs {power.shape}")
        return float(np.sum(tensor * power))
    if not isinstance(tensor, sp.NDimArray):
        return tensor * power  # k = 0: a scalar times 1
    if tensor.shape != power.shape:
        raise ValueError(f"shapes differ: {tensor.shape} vs {power.shape}")
    return sp.Add(*[tensor[index] * power[index] for index in itertools.product(*[range(s) for s in tensor.shape])])


def _point(x0, n: int) -> list[sp.Expr]:
    values = list(x0) if isinstance(x0, (list, tuple, np.ndarray, sp.MatrixBase)) else [x0]
    if len(values) != n:
        raise ValueError(f"the point has {len(values)} coordinates, f has {n} variables")
    return [sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else exact_number(v) for v in values]


def taylor_term(f: sp.Expr, variables: Sequence, x0, k: int, unevaluated: bool = False) -> sp.Expr:
    """Return the k-th term D^k f(x0) delta^k / k! with delta = x - x0, as a sympy expression (Def. 5.7).

    With ``unevaluated=True`` each delta_i = x_i - x0_i stays a block, so 6(x - 1) is shown as
    the book writes it instead of 6x - 6; call ``.doit()`` on the result before computing with it.
    """
    symbols = symbols_of(variables)
    point = _point(x0, len(symbols))
    at_x0 = dict(zip(symbols, point))
    tensor = derivative_tensor(f, symbols, k)
    tensor = tensor.subs(at_x0)
    delta = [s - p for s, p in zip(symbols, point)]
    if not unevaluated:
        return contract(tensor, outer_power(delta, k)) / sp.factorial(k)
    # Collect the term in placeholder symbols, then put each block delta_i = x_i - x0_i back.
    placeholders = [sp.Dummy(f"delta_{i}") for i in range(len(symbols))]
    term = sp.expand(contract(tensor, outer_power(placeholders, k)) / sp.factorial(k))
    blocks = {d: (sp.UnevaluatedExpr(e) if p != 0 else e) for d, e, p in zip(placeholders, delta, point)}
    return term.xreplace(blocks)


def taylor_terms(f: sp.Expr, variables: Sequence, x0, n: int, unevaluated: bool = False) -> list[sp.Expr]:
    """Return the terms k = 0..n of the multivariate Taylor polynomial of f at x0 (Def. 5.8)."""
    if n < 0:
        raise ValueError("degree n must be >= 0")
    return [taylor_term(f, variables, x0, k, unevaluated) for k in range(n + 1)]


def multivariate_taylor_polynomial(f: sp.Expr, variables: Sequence, x0, n: int, unevaluated: bool = False) -> sp.Expr:
    """Return T_n(x) = sum_{k=0}^n D^k f(x0) delta^k / k!, the Taylor polynomial of degree n (Def. 5.8)."""
    return sp.Add(*taylor_terms(f, variables, x0, n, unevaluated))


def _einsum_term(k: int) -> str:
    """Return the einsum subscripts contracting a k-th order tensor with k copies of delta, e.g. 'ab,...a,...b->...'."""
    letters = string.ascii_lowercase[:k]
    return letters + "," + ",".join("..." + c for c in letters) + "->..."


class LocalTaylorModel:
    """Numbers of a sympy f: R^n -> R for explorers: f on arrays, D^k f(x0) and T_k on arrays (Def. 5.8).

    The derivative tensors are built symbolically once (up to ``max_order``, stopping past
    ``max_ops`` operations; ``order_limit`` tells the highest available) and then evaluated
    numerically at any point.
    """

    def __init__(self, f: sp.Expr, variables: Sequence = (X, Y), max_order: int = 3, max_ops: int = 4000):
        self.symbols = symbols_of(variables)
        self.f = _as_sympy(f)
        self._f = lambdify_array(self.f, self.symbols)
        self._tensors = []
        self.order_limit = 0
        tensor = self.f
        for k in range(max_order + 1):
            if k:
                tensor = _derive_last(tensor, self.symbols)
                if sp.count_ops(tensor) > max_ops:
                    break
            self._tensors.append(tensor)
            self.order_limit = k
        self._numeric = [sp.lambdify(self.symbols, t.tolist() if k else t, modules="numpy")
                         for k, t in enumerate(self._tensors)]

    def __call__(self, *coordinates) -> np.ndarray:
        """Return f evaluated on numpy arrays (one array per variable)."""
        return self._f(*coordinates)

    def derivatives(self, x0, order: int | None = None) -> list[np.ndarray]:
        """Return [f(x0), grad f(x0), H(x0), D^3 f(x0), ...] up to ``order`` as float arrays (nan where undefined)."""
        order = self.order_limit if order is None else min(order, self.order_limit)
        n = len(self.symbols)
        point = [float(v) for v in np.ravel(x0)]
        result = []
        for k in range(order + 1):
            with np.errstate(all="ignore"):
                try:
                    value = np.array(self._numeric[k](*point), dtype=np.complex128)
                    value = np.where(np.abs(value.imag) < 1e-12, value.real, np.nan).astype(np.float64)
                except (ZeroDivisionError, OverflowError, ValueError, TypeError):
                    value = np.full((n,) * k, np.nan)
            result.append(np.broadcast_to(value, (n,) * k).copy())
        return result

    def polynomial(self, x0, points: np.ndarray, order: int, derivatives: list[np.ndarray] | None = None) -> np.ndarray:
        """Return T_order at ``points`` (shape (..., n)) around x0; pass ``derivatives`` to reuse them."""
        if order > self.order_limit:
            raise ValueError(f"derivatives beyond order {self.order_limit} are too large to compute")
        tensors = derivatives if derivatives is not None else self.derivatives(x0, order)
        delta = np.asarray(points, dtype=np.float64) - np.asarray(x0, dtype=np.float64)
        total = np.full(delta.shape[:-1], float(tensors[0]))
        factorial = 1.0
        for k in range(1, order + 1):
            factorial *= k
            total = total + np.einsum(_einsum_term(k), tensors[k], *([delta] * k)) / factorial
        return total

    def errors(self, x0, radii: np.ndarray, orders: Sequence[int], directions: int = 16) -> dict[int, np.ndarray]:
        """Return, per order k, max over a circle of radius r of |f - T_k| for each r in ``radii`` (2 variables)."""
        if len(self.symbols) != 2:
            raise ValueError("errors() samples circles, so f must have two variables")
        angles = np.linspace(0.0, 2 * np.pi, directions, endpoint=False)
        units = np.stack([np.cos(angles), np.sin(angles)], axis=-1)
        x0 = np.asarray(x0, dtype=np.float64)
        points = x0 + np.asarray(radii, dtype=np.float64)[:, None, None] * units[None, :, :]
        exact = self._f(points[..., 0], points[..., 1])
        tensors = self.derivatives(x0, max(orders))
        return {k: np.max(np.abs(exact - self.polynomial(x0, points, k, tensors)), axis=1) for k in orders}


# -- examples and presets ----------------------------------------------------------------------

#: Example 5.15: f(x, y) = x^2 + 2xy + y^3, expanded at (1, 2).
EXAMPLE_5_15 = X ** 2 + 2 * X * Y + Y ** 3
EXAMPLE_5_15_POINT = (1, 2)

#: Presets of the Hessian explorer: name -> formula, viewing box (x-range, y-range) and starting point.
HESSIAN_PRESETS: dict[str, dict] = {
    # first, the explorer's default: not a quadratic, so its quadratic model (5.147) differs from f
    "two wells": {"f": X ** 4 + Y ** 4 - 4 * X * Y, "label": "two wells: x⁴ + y⁴ − 4xy",
                  "xlim": (-2.0, 2.0), "ylim": (-2.0, 2.0), "point": (0.5, 1.2)},
    "bowl": {"f": X ** 2 + X * Y + Y ** 2, "label": "bowl: x² + xy + y²",
             "xlim": (-2.0, 2.0), "ylim": (-2.0, 2.0), "point": (1.0, 0.5)},
    "saddle": {"f": X ** 2 - Y ** 2, "label": "saddle: x² − y²",
               "xlim": (-2.0, 2.0), "ylim": (-2.0, 2.0), "point": (1.0, 0.5)},
    "monkey saddle": {"f": X ** 3 - 3 * X * Y ** 2, "label": "monkey saddle: x³ − 3xy²",
                      "xlim": (-1.5, 1.5), "ylim": (-1.5, 1.5), "point": (0.8, 0.4)},
    "Rosenbrock": {"f": (1 - X) ** 2 + 100 * (Y - X ** 2) ** 2, "label": "Rosenbrock: (1−x)² + 100(y−x²)²",
                   "xlim": (-2.0, 2.0), "ylim": (-1.0, 3.0), "point": (-1.0, 1.5)},
    "x⁴ + y⁴": {"f": X ** 4 + Y ** 4, "label": "x⁴ + y⁴ (test inconclusive)",
               "xlim": (-1.5, 1.5), "ylim": (-1.5, 1.5), "point": (0.8, 0.4)},
}

#: Viewing box for a typed formula.
DEFAULT_BOX = ((-3.0, 3.0), (-3.0, 3.0))


def describe_definiteness(eigenvalues, tol: float = 1e-8) -> str:
    """Return "positive definite", "negative definite", "indefinite" or "semidefinite" from eigenvalues."""
    eigenvalues = np.asarray(eigenvalues, dtype=np.float64)
    threshold = tol * max(1.0, float(np.max(np.abs(eigenvalues))))
    positive, negative = eigenvalues > threshold, eigenvalues < -threshold
    if positive.all():
        return "positive definite"
    if negative.all():
        return "negative definite"
    if positive.any() and negative.any():
        return "indefinite"
    return "semidefinite"


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

    Typed text is not accepted here; it goes through ``widgets.math.expressions.parse_expression``.
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

"""Numbers and formulas of partial derivatives, gradients and Jacobians (book sections 5.2 and 5.3).

Pure math: numpy and sympy only. Layout is the book's numerator layout: the gradient of
f: R^n -> R is a 1 x n row vector (5.40), the Jacobian of f: R^n -> R^m is m x n (5.58).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from widgets.math.numeric import gradient_check, lambdify_array
from widgets.math.expressions import to_sympy

#: The symbols used across sections 5.2 and 5.3 (real, so that sympy simplifies as a reader expects).
x, y, t, s = sp.symbols("x y t s", real=True)
x1, x2 = sp.symbols("x1 x2", real=True)
r, phi = sp.symbols("r phi", real=True)


# -- gradients and Jacobians (5.39, 5.40, 5.56-5.59) ----------------------------------------------
def gradient(f: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Return the gradient df/dx of a scalar expression as a 1 x n row vector (5.40)."""
    return sp.Matrix([[sp.diff(f, v) for v in variables]])


def jacobian(F, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Return the m x n Jacobian J(i, j) = dF_i/dx_j of a vector of m expressions (5.58, 5.59)."""
    F = sp.Matrix(F).reshape(len(F), 1) if not isinstance(F, sp.MatrixBase) else F.reshape(len(F), 1)
    return F.jacobian(list(variables))


def derivative_shape(input_dim: int, output_dim: int) -> tuple[int, int]:
    """Return the shape (output_dim, input_dim) of the derivative of f: R^input_dim -> R^output_dim (Fig. 5.6)."""
    if input_dim < 1 or output_dim < 1:
        raise ValueError("dimensions must be >= 1")
    return (output_dim, input_dim)


def derivative_shapes_table(D: int, E: int) -> list[tuple[str, tuple[int, int]]]:
    """Return the four rows of Fig. 5.6: the mapping and the shape of its derivative."""
    return [("R -> R", derivative_shape(1, 1)), (f"R^{D} -> R", derivative_shape(D, 1)),
            (f"R -> R^{E}", derivative_shape(1, E)), (f"R^{D} -> R^{E}", derivative_shape(D, E))]


# -- the rules of 5.2.1 and the chain rule of 5.2.2 ----------------------------------------------
def chain_rule_terms(f: sp.Expr, variables: Sequence[sp.Symbol], path: Sequence[sp.Expr],
                     parameter: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr]]:
    """Return the pairs (df/dx_i evaluated on x(t), dx_i/dt) whose products add up to df/dt (5.49)."""
    if len(variables) != len(path):
        raise ValueError("one path component per variable is needed")
    substitution = dict(zip(variables, path))
    return [(sp.diff(f, v).subs(substitution), sp.diff(p, parameter)) for v, p in zip(variables, path)]


def chain_rule_derivative(f: sp.Expr, variables: Sequence[sp.Symbol], path: Sequence[sp.Expr],
                          parameter: sp.Symbol) -> sp.Expr:
    """Return df/dt = sum_i df/dx_i dx_i/dt along the path x(t) (5.49), unsimplified."""
    return sp.Add(*[a * b for a, b in chain_rule_terms(f, variables, path, parameter)])


def chain_rule_matrices(f: sp.Expr, variables: Sequence[sp.Symbol], inner: Sequence[sp.Expr],
                        parameters: Sequence[sp.Symbol]) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """Return (df/dx on x(s,t), dx/d(s,t), their product df/d(s,t)) of (5.53): 1 x n, n x k, 1 x k."""
    substitution = dict(zip(variables, inner))
    df_dx = gradient(f, variables).subs(substitution)
    dx_dp = jacobian(list(inner), parameters)
    return df_dx, dx_dp, df_dx * dx_dp


# -- directional derivative and steepest ascent (the blog chapter) ---------------------------------------
def unit_vector(theta: float) -> np.ndarray:
    """Return u = [cos theta, sin theta], the unit vector at angle theta from the x-axis."""
    return np.array([np.cos(theta), np.sin(theta)])


def directional_derivative(grad, u) -> float:
    """Return the directional derivative grad f . u = |grad f| cos(angle between them)."""
    grad = np.asarray(grad, dtype=np.float64).ravel()
    u = np.asarray(u, dtype=np.float64).ravel()
    return float(grad @ u)


def directional_difference(f: Callable[[np.ndarray], float], point, u, h: float = 1e-5) -> float:
    """Return the central difference (f(p + h u) - f(p - h u)) / 2h along the direction u."""
    if h == 0:
        raise ValueError("step h must be nonzero")
    point = np.asarray(point, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    return float((f(point + h * u) - f(point - h * u)) / (2 * h))


def steepest_ascent(grad) -> np.ndarray:
    """Return the unit direction grad f / |grad f| of steepest ascent (its negative is steepest descent)."""
    grad = np.asarray(grad, dtype=np.float64).ravel()
    norm = np.linalg.norm(grad)
    if not np.isfinite(norm) or norm == 0:
        raise ValueError("the gradient is zero (or undefined): no direction of steepest ascent")
    return grad / norm


class ScalarField:
    """A scalar f(x, y) with its symbolic gradient (5.40) and fast numpy versions of both."""

    def __init__(self, expression: sp.Expr, variables: Sequence[sp.Symbol] = (x, y)):
        self.expression = to_sympy(expression, variables)
        self.variables = tuple(variables)
        extra = self.expression.free_symbols - set(self.variables)
        if extra:
            raise ValueError(f"unexpected symbols {sorted(map(str, extra))}; expected {self.variables}")
        self.gradient = gradient(self.expression, self.variables)
        self._f = lambdify_array(self.expression, self.variables)
        self._grad = [lambdify_array(g, self.variables) for g in self.gradient]

    def __call__(self, *coordinates) -> np.ndarray:
        """Return f at the given coordinate arrays (broadcast)."""
        return self._f(*coordinates)

    def grad(self, *coordinates) -> np.ndarray:
        """Return the gradient components stacked on the last axis: shape (..., n)."""
        return np.stack([g(*coordinates) for g in self._grad], axis=-1)

    def of_vector(self, point) -> float:
        """Return f(point) for a point given as one vector (what gradient checking expects)."""
        return float(self._f(*np.asarray(point, dtype=np.float64)))

    def grad_of_vector(self, point) -> np.ndarray:
        """Return the gradient at a point given as one vector, shape (n,)."""
        return self.grad(*np.asarray(point, dtype=np.float64))


def grid(xlim, ylim, n: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """Return meshgrid arrays (X, Y) with n points along each side."""
    return np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))


def contour_levels(Z: np.ndarray, count: int = 14) -> np.ndarray:
    """Return about ``count`` contour levels for Z: equally spaced over the bulk (2-98 %) of the values,
    or at equally spaced quantiles when the values are very skewed (e.g. an exponential), so that
    the contours still spread over the whole view."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return np.array([0.0])
    lo, mid, hi = np.percentile(finite, [2, 50, 98])
    if hi - lo < 1e-12:
        return np.array([lo])
    if min(hi - mid, mid - lo) < 0.05 * (hi - lo):
        return np.unique(np.percentile(finite, np.linspace(4, 96, count)))
    step = (hi - lo) / count
    magnitude = 10 ** np.floor(np.log10(step))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step), default=step)
    levels = np.arange(np.floor(lo / step), np.ceil(hi / step) + 1) * step
    return levels


def normalized(U: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (U, V) scaled to unit length (zero vectors stay zero)."""
    with np.errstate(all="ignore"):
        norm = np.hypot(U, V)
        scale = np.where(norm > 0, 1 / norm, 0.0)
        return np.nan_to_num(U * scale), np.nan_to_num(V * scale)


# -- gradient checking (remark at the end of 5.2) ------------------------------------------------
def gradient_check_curve(f: Callable, grad: Callable, point, hs) -> np.ndarray:
    """Return the gradient-checking relative error of ``grad`` at ``point`` for every step h in ``hs``."""
    return np.array([gradient_check(f, grad, point, float(h)) for h in hs])


# -- areas: the Jacobian determinant as local area scaling (5.60, 5.61) --------------------------
def polygon_area(points) -> float:
    """Return the signed area of a closed polygon (shoelace formula): positive when counterclockwise."""
    points = np.asarray(points, dtype=np.float64)
    points = points - points[..., :1, :]  # measured from the first vertex: no cancellation far from 0
    u, v = points[..., 0], points[..., 1]
    return 0.5 * (np.sum(u * np.roll(v, -1, axis=-1), axis=-1) - np.sum(v * np.roll(u, -1, axis=-1), axis=-1))


def square_boundary(corner, size, n_per_side: int = 24) -> np.ndarray:
    """Return points on the square corner + [0, size]^2, counterclockwise from the corner, shape (4 n, 2).

    ``size`` may be an array of sizes; the result then has shape size.shape + (4 n, 2).
    """
    corner = np.asarray(corner, dtype=np.float64)
    a = np.linspace(0.0, 1.0, n_per_side, endpoint=False)
    one, zero = np.ones_like(a), np.zeros_like(a)
    unit = np.concatenate([np.stack([a, zero], -1), np.stack([one, a], -1),
                           np.stack([1 - a, one], -1), np.stack([zero, 1 - a], -1)])
    size = np.asarray(size, dtype=np.float64)
    return corner + size[..., None, None] * unit


def parallelogram(origin, c1, c2) -> np.ndarray:
    """Return the corners origin, origin + c1, origin + c1 + c2, origin + c2 (counterclockwise if det > 0)."""
    origin, c1, c2 = (np.asarray(v, dtype=np.float64) for v in (origin, c1, c2))
    return np.array([origin, origin + c1, origin + c1 + c2, origin + c2])


def linear_map_from_bases(B, C) -> sp.Matrix:
    """Return the matrix J with J b_i = c_i for the columns of B and C: J = C B^-1 (Fig. 5.5, approach 1)."""
    B, C = sp.Matrix(B), sp.Matrix(C)
    if B.det() == 0:
        raise ValueError("the columns of B must be a basis")
    return C * B.inv()


class PlaneMap:
    """A map F: R^2 -> R^2 given by two sympy expressions, with its Jacobian (5.58) and det J."""

    def __init__(self, components: Sequence[sp.Expr], variables: Sequence[sp.Symbol] = (x, y)):
        if len(components) != 2 or len(variables) != 2:
            raise ValueError("a plane map needs two components in two variables")
        self.components = sp.Matrix([to_sympy(c, variables) for c in components])
        self.variables = tuple(variables)
        extra = self.components.free_symbols - set(self.variables)
        if extra:
            raise ValueError(f"unexpected symbols {sorted(map(str, extra))}; expected {self.variables}")
        self.jacobian = jacobian(self.components, self.variables)
        self.determinant = sp.simplify(self.jacobian.det())
        self._F = [lambdify_array(c, self.variables) for c in self.components]
        self._J = [lambdify_array(e, self.variables) for e in self.jacobian]
        self._det = lambdify_array(self.determinant, self.variables)

    def __call__(self, u, v) -> tuple[np.ndarray, np.ndarray]:
        """Return the image coordinates (F_1(u, v), F_2(u, v)) of coordinate arrays."""
        return self._F[0](u, v), self._F[1](u, v)

    def points(self, points) -> np.ndarray:
        """Return the images of points given as an array of shape (..., 2)."""
        points = np.asarray(points, dtype=np.float64)
        return np.stack(self(points[..., 0], points[..., 1]), axis=-1)

    def jacobian_at(self, u: float, v: float) -> np.ndarray:
        """Return the 2 x 2 Jacobian at (u, v) as floats."""
        return np.array([float(J(u, v)) for J in self._J]).reshape(2, 2)

    def det_at(self, u, v) -> np.ndarray:
        """Return det J at (u, v) (arrays broadcast)."""
        return self._det(u, v)

    def area_ratio(self, corner, size, n_per_side: int = 24) -> np.ndarray:
        """Return signed area of F(square) / area of the square, for the square corner + [0, size]^2.

        As size -> 0 it tends to det J at the corner, with an error proportional to size.
        """
        boundary = square_boundary(corner, size, n_per_side)
        size = np.asarray(size, dtype=np.float64)
        return polygon_area(self.points(boundary)) / size ** 2

    def linear_image(self, corner, size) -> np.ndarray:
        """Return the parallelogram F(p) + J(p) [0, size]^2: the image of the square under the linearization."""
        corner = np.asarray(corner, dtype=np.float64)
        J = self.jacobian_at(*corner)
        origin = np.array([float(c) for c in self(*corner)])
        return parallelogram(origin, size * J[:, 0], size * J[:, 1])


@dataclass(frozen=True)
class MapPreset:
    """A preset of the Jacobian explorer: the map, its variables, a start point and size, the input view."""

    components: tuple
    variables: tuple = (x, y)
    point: tuple = (0.5, 0.5)
    size: float = 0.5
    xlim: tuple = (-2.0, 2.0)
    ylim: tuple = (-2.0, 2.0)
    label: str = ""
    notes: dict = field(default_factory=dict)

    def plane_map(self) -> PlaneMap:
        """Return the PlaneMap of this preset."""
        return PlaneMap(self.components, self.variables)


_angle = sp.pi / 6

#: The maps of the Jacobian explorer (key -> preset); "book" is Fig. 5.5.
JACOBIAN_PRESETS: dict[str, MapPreset] = {
    "book": MapPreset((-2 * x + y, x + y), point=(0.0, 0.0), size=1.0, xlim=(-1.5, 2.0), ylim=(-1.5, 2.0),
                      label="图 5.5  [[−2, 1], [1, 1]]"),
    "polar": MapPreset((r * sp.cos(phi), r * sp.sin(phi)), variables=(r, phi), point=(1.0, 0.6), size=0.4,
                       xlim=(0.0, 2.0), ylim=(0.0, float(sp.pi)), label="极坐标 polar → Cartesian"),
    "shear": MapPreset((x + y, y), point=(0.0, 0.0), size=1.0, xlim=(-1.5, 2.0), ylim=(-1.5, 2.0),
                       label="剪切 shear (x + y, y)"),
    "rotation": MapPreset((sp.cos(_angle) * x - sp.sin(_angle) * y, sp.sin(_angle) * x + sp.cos(_angle) * y),
                          point=(0.0, 0.0), size=1.0, xlim=(-1.5, 2.0), ylim=(-1.5, 2.0), label="旋转 rotation 30°"),
    "fold": MapPreset((x, y ** 2), point=(0.3, -1.2), size=0.4, xlim=(-1.5, 1.5), ylim=(-1.5, 1.5),
                      label="折叠 fold (x, y²)"),
    "sine": MapPreset((x + sp.sin(y), y + sp.sin(x)), point=(1.0, 0.5), size=0.5, xlim=(-2.0, 2.0),
                      ylim=(-2.0, 2.0), label="(x + sin y, y + sin x)"),
}


# -- Example 5.11: least squares ----------------------------------------------------------------
def least_squares_loss(theta, Phi, y_obs) -> float:
    """Return L(theta) = ||y - Phi theta||^2 (5.76, 5.77, 5.84)."""
    e = np.asarray(y_obs, dtype=np.float64) - np.asarray(Phi, dtype=np.float64) @ np.asarray(theta, dtype=np.float64)
    return float(e @ e)


def least_squares_gradient(theta, Phi, y_obs) -> np.ndarray:
    """Return dL/dtheta = -2 (y^T - theta^T Phi^T) Phi as a 1 x D row vector (5.83)."""
    Phi = np.asarray(Phi, dtype=np.float64)
    e = np.asarray(y_obs, dtype=np.float64) - Phi @ np.asarray(theta, dtype=np.float64)
    return (-2 * e @ Phi).reshape(1, -1)


# -- a scalar function along a path: the chain rule in numbers (5.49, Examples 5.8 and 5.10) -----
class ChainRule:
    """f(x_1, ..., x_n) along a path x(t): the composite h = f(x(t)), the chain-rule terms (5.49)
    and fast numpy versions of all of them."""

    def __init__(self, f: sp.Expr, variables: Sequence[sp.Symbol], path: Sequence[sp.Expr],
                 parameter: sp.Symbol = t):
        self.f = to_sympy(f, variables)
        self.variables = tuple(variables)
        self.path = tuple(to_sympy(p, (parameter,)) for p in path)
        self.parameter = parameter
        if len(self.path) != len(self.variables):
            raise ValueError("one path component per variable is needed")
        self.terms = chain_rule_terms(self.f, self.variables, self.path, parameter)
        self.composite = self.f.subs(dict(zip(self.variables, self.path)))
        self.derivative = sp.Add(*[a * b for a, b in self.terms])
        self._f = lambdify_array(self.f, self.variables)
        self._grad = [lambdify_array(sp.diff(self.f, v), self.variables) for v in self.variables]
        self._x = [lambdify_array(p, parameter) for p in self.path]
        self._dx = [lambdify_array(sp.diff(p, parameter), parameter) for p in self.path]

    def simplified_derivative(self, max_ops: int = 80, max_power: int = 12) -> sp.Expr:
        """Return df/dt simplified (left as the plain sum when it is too large to simplify quickly: many
        operations, or a power beyond ``max_power``, whose factoring takes sympy minutes, e.g. t^(-1000))."""
        powers = [p.exp for p in self.derivative.atoms(sp.Pow) if p.exp.is_Number]
        if sp.count_ops(self.derivative) > max_ops or any(abs(e) > max_power for e in powers):
            return self.derivative
        return sp.factor(sp.simplify(self.derivative))

    def position(self, ts) -> np.ndarray:
        """Return x(t), stacked on the last axis."""
        return np.stack([p(ts) for p in self._x], axis=-1)

    def velocity(self, ts) -> np.ndarray:
        """Return dx/dt, stacked on the last axis."""
        return np.stack([d(ts) for d in self._dx], axis=-1)

    def field(self, *coordinates) -> np.ndarray:
        """Return f at coordinate arrays (for contour maps)."""
        return self._f(*coordinates)

    def factors(self, ts) -> np.ndarray:
        """Return the factors (df/dx_i on x(t), dx_i/dt), shape t.shape + (n, 2)."""
        position = self.position(ts)
        coordinates = [position[..., i] for i in range(len(self.variables))]
        df = np.stack([g(*coordinates) for g in self._grad], axis=-1)
        return np.stack([df, self.velocity(ts)], axis=-1)

    def values(self, ts) -> dict[str, np.ndarray]:
        """Return h = f(x(t)), dh/dt by (5.49) and each term df/dx_i dx_i/dt, on an array of t."""
        position = self.position(ts)
        factors = self.factors(ts)
        terms = factors[..., 0] * factors[..., 1]
        out = {"h": self._f(*[position[..., i] for i in range(len(self.variables))]), "dh": terms.sum(axis=-1)}
        for i in range(len(self.variables)):
            out[f"term{i + 1}"] = terms[..., i]
        return out

"""Gradients of matrices (book section 5.4), the gradient identities (5.99)-(5.108) of section 5.5,
and the differential-and-trace method for matrix derivatives ("矩阵求导术", section 3 of the blog chapter "机器学习：理论基础（四）—— 多元微积分").

Pure math: numpy and sympy only.

Layouts
-------
*Numerator layout* (the book's): the derivative of F with respect to X is the array of all
partial derivatives dF[f_index] / dX[x_index], with the indices of F first, so its shape is
``F.shape + X.shape`` (Example 5.12: f in R^M, A in R^{MxN} gives M x (M x N)). Flattened to a
matrix (the *Jacobian view*) it has (#entries of F) rows and (#entries of X) columns; for a
scalar f and a vector x that is a 1 x n row.

*Denominator layout* (the blog chapter): the indices of X come first, shape ``X.shape + F.shape``; the
Jacobian view is the transpose, so the gradient of a scalar by a vector is an n x 1 column.
For a scalar f and a matrix X both layouts give an array shaped like X.

Flattening uses numpy's row-major order (``order="C"``) throughout; any fixed order works as
long as flattening and reshaping use the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from widgets.expressions import to_sympy

from widgets.calculus import numerical_jacobian, relative_error

Shape = tuple[int, ...]

NUMERATOR = "numerator"
DENOMINATOR = "denominator"
LAYOUTS = (NUMERATOR, DENOMINATOR)


# ---------------------------------------------------------------------------------------------
# Tensor view <-> Jacobian view, and layouts
# ---------------------------------------------------------------------------------------------
def _shape(shape) -> Shape:
    return tuple(int(s) for s in shape)


def _is_sympy(value) -> bool:
    return isinstance(value, (sp.MatrixBase, sp.NDimArray))


def _to_object_array(value) -> np.ndarray:
    """Return a sympy Matrix or Array as a numpy object array of the same shape."""
    return np.array(value.tolist(), dtype=object).reshape(value.shape)


def _from_object_array(array: np.ndarray, as_matrix: bool):
    """Return an object array as a sympy Matrix (2-D, if ``as_matrix``), an Array, or a scalar."""
    if as_matrix and array.ndim == 2:
        return sp.Matrix(array.tolist())
    return sp.Array(array.tolist(), array.shape) if array.ndim else array.item()


def tensor_to_jacobian(T, f_shape: Sequence[int], x_shape: Sequence[int]) -> np.ndarray:
    """Return the (#F × #X) Jacobian view of a numerator-layout tensor of shape F.shape + X.shape (Fig. 5.7b)."""
    f_shape, x_shape = _shape(f_shape), _shape(x_shape)
    T = np.asarray(T)
    if T.size != prod(f_shape) * prod(x_shape):
        raise ValueError(f"a tensor of shape {T.shape} does not fit F.shape {f_shape} and X.shape {x_shape}")
    return T.reshape(prod(f_shape), prod(x_shape))


def jacobian_to_tensor(J, f_shape: Sequence[int], x_shape: Sequence[int]) -> np.ndarray:
    """Return the F.shape + X.shape tensor of a (#F × #X) Jacobian (the reshape back of Fig. 5.7b)."""
    f_shape, x_shape = _shape(f_shape), _shape(x_shape)
    J = np.asarray(J)
    if J.size != prod(f_shape) * prod(x_shape):
        raise ValueError(f"a Jacobian of shape {J.shape} does not fit F.shape {f_shape} and X.shape {x_shape}")
    return J.reshape(f_shape + x_shape)


def _permute(gradient, first: Shape, second: Shape, matrix: bool):
    """Reshape ``gradient`` to first + second and move the ``second`` axes to the front."""
    sympy_input = _is_sympy(gradient)
    array = _to_object_array(gradient) if sympy_input else np.asarray(gradient)
    if array.size != prod(first) * prod(second):
        raise ValueError(f"a gradient with {array.size} entries does not fit shapes {first} and {second}")
    array = array.reshape(first + second)
    axes = tuple(range(len(first), len(first) + len(second))) + tuple(range(len(first)))
    result = array.transpose(axes)
    if matrix:
        result = result.reshape(prod(second), prod(first))
    result = result.copy(order="C")
    return _from_object_array(result, as_matrix=True) if sympy_input else result


def to_denominator(gradient, f_shape: Sequence[int], x_shape: Sequence[int], matrix: bool = False):
    """Return the denominator-layout form (X.shape + F.shape; #X × #F if ``matrix``) of a numerator-layout gradient.

    ``gradient`` may be given as the tensor (F.shape + X.shape) or as the Jacobian view
    (#F × #X); numpy arrays and sympy matrices/arrays are accepted.
    """
    return _permute(gradient, _shape(f_shape), _shape(x_shape), matrix)


def to_numerator(gradient, f_shape: Sequence[int], x_shape: Sequence[int], matrix: bool = False):
    """Return the numerator-layout form (F.shape + X.shape; #F × #X if ``matrix``) of a denominator-layout gradient.

    ``gradient`` may be the tensor (X.shape + F.shape) or its matrix view (#X × #F).
    """
    return _permute(gradient, _shape(x_shape), _shape(f_shape), matrix)


def convert_layout(gradient, f_shape: Sequence[int], x_shape: Sequence[int], source: str, target: str,
                   matrix: bool = False):
    """Return ``gradient`` converted from layout ``source`` to layout ``target`` ("numerator"/"denominator")."""
    for name in (source, target):
        if name not in LAYOUTS:
            raise ValueError(f"unknown layout {name!r}: use 'numerator' or 'denominator'")
    if source == target:
        first, second = (f_shape, x_shape) if source == NUMERATOR else (x_shape, f_shape)
        array = _to_object_array(gradient) if _is_sympy(gradient) else np.asarray(gradient)
        array = array.reshape((prod(first), prod(second)) if matrix else _shape(first) + _shape(second))
        return _from_object_array(array, True) if _is_sympy(gradient) else array
    if target == DENOMINATOR:
        return to_denominator(gradient, f_shape, x_shape, matrix)
    return to_numerator(gradient, f_shape, x_shape, matrix)


# ---------------------------------------------------------------------------------------------
# Fig. 5.7: two ways to the same gradient tensor
# ---------------------------------------------------------------------------------------------
MatrixFunction = Callable[[np.ndarray], np.ndarray]


def partial_derivative(F: MatrixFunction, X, index, h: float = 1e-6) -> np.ndarray:
    """Return dF/dX[index] by a central difference: an array shaped like F(X)."""
    X = np.array(X, dtype=np.float64)
    step = h * max(1.0, abs(X[index]))
    Xp, Xm = X.copy(), X.copy()
    Xp[index] += step
    Xm[index] -= step
    return (np.asarray(F(Xp), dtype=np.float64) - np.asarray(F(Xm), dtype=np.float64)) / (Xp[index] - Xm[index])


def gradient_by_partials(F: MatrixFunction, X, h: float = 1e-6) -> np.ndarray:
    """Return dF/dX (numerator layout, F.shape + X.shape) by collecting the partials dF/dX_ij (Fig. 5.7a)."""
    X = np.array(X, dtype=np.float64)
    f_shape = np.shape(F(X))
    partials = [partial_derivative(F, X, index, h) for index in np.ndindex(X.shape)]
    # partials[k] is the slice for the k-th entry of X: stack them along a last axis, then unflatten it
    return np.stack(partials, axis=-1).reshape(f_shape + X.shape)


def gradient_by_flattening(F: MatrixFunction, X, h: float = 1e-6) -> np.ndarray:
    """Return dF/dX (numerator layout) by flattening F and X, taking the Jacobian and reshaping (Fig. 5.7b)."""
    X = np.array(X, dtype=np.float64)
    f_shape = np.shape(F(X))
    J = numerical_jacobian(lambda v: np.asarray(F(v.reshape(X.shape)), dtype=np.float64).ravel(), X.ravel(), h)
    return jacobian_to_tensor(J, f_shape, X.shape)


def symbols_matrix(name: str, rows: int, cols: int, symmetric: bool = False) -> sp.Matrix:
    """Return a rows×cols sympy Matrix of real symbols name_ij (1-based); symmetric if asked (name_ij = name_ji)."""
    def symbol(i: int, j: int) -> sp.Symbol:
        if symmetric and j < i:
            i, j = j, i
        sep = "" if max(rows, cols) < 10 else ","
        return sp.Symbol(f"{name}_{{{i + 1}{sep}{j + 1}}}", real=True)
    return sp.Matrix(rows, cols, lambda i, j: symbol(i, j))


def symbols_vector(name: str, n: int) -> sp.Matrix:
    """Return an n×1 column of real symbols name_1 … name_n."""
    return sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"{name}_{{{i + 1}}}", real=True))


def _entries(value) -> tuple[np.ndarray, Shape]:
    """Return an object array of a sympy scalar/Matrix/Array; an n×1 column Matrix counts as a vector (n,)."""
    if isinstance(value, sp.MatrixBase):
        array = _to_object_array(value)
        if value.shape[1] == 1:
            array = array.reshape(value.shape[0])
        return array, array.shape
    if isinstance(value, sp.NDimArray):
        array = _to_object_array(value)
        return array, array.shape
    if isinstance(value, np.ndarray):
        return value.astype(object), value.shape
    return np.array(to_sympy(value), dtype=object).reshape(()), ()


def symbolic_gradient_tensor(F, X) -> sp.Array:
    """Return dF/dX (numerator layout) as a sympy Array with shape F.shape + X.shape, entry by entry (Fig. 5.7a).

    Column matrices count as vectors: for f = A x (an M×1 Matrix) and A (M×N) the shape is (M, M, N).
    """
    f_entries, f_shape = _entries(F)
    x_entries, x_shape = _entries(X)
    T = np.empty(f_shape + x_shape, dtype=object)
    for fi in np.ndindex(f_shape):
        for xi in np.ndindex(x_shape):
            T[fi + xi] = sp.diff(f_entries[fi], x_entries[xi])
    return sp.Array(T.tolist(), T.shape) if T.ndim else T.item()


def symbolic_gradient_by_flattening(F, X) -> sp.Array:
    """Return dF/dX (numerator layout) as the Jacobian of vec F by vec X reshaped to F.shape + X.shape (Fig. 5.7b)."""
    f_entries, f_shape = _entries(F)
    x_entries, x_shape = _entries(X)
    J = sp.Matrix(list(f_entries.ravel())).jacobian(sp.Matrix(list(x_entries.ravel())))
    return sp.Array(J, f_shape + x_shape) if f_shape + x_shape else J[0, 0]


# ---------------------------------------------------------------------------------------------
# Fig. 5.7, Example 5.12 and Example 5.13
# ---------------------------------------------------------------------------------------------
def fig_5_7_matrix(x) -> np.ndarray:
    """Return A(x) ∈ R^{4×2} for x ∈ R^3, a sample matrix-valued function for Fig. 5.7 (dA/dx ∈ R^{4×2×3})."""
    x1, x2, x3 = (float(v) for v in np.asarray(x, dtype=np.float64))
    return np.array([[x1 * x2, x3 ** 2],
                     [np.sin(x1), x1 + x3],
                     [x2 * x3, np.exp(x2)],
                     [x1 ** 2, x2 - 2 * x3]])


def fig_5_7_symbolic(x: sp.Matrix) -> sp.Matrix:
    """Return the same A(x) as :func:`fig_5_7_matrix`, as a sympy Matrix of the symbols in ``x``."""
    x1, x2, x3 = list(x)
    return sp.Matrix([[x1 * x2, x3 ** 2],
                      [sp.sin(x1), x1 + x3],
                      [x2 * x3, sp.exp(x2)],
                      [x1 ** 2, x2 - 2 * x3]])


def example_5_12_function(A, x) -> np.ndarray:
    """Return f = A x ∈ R^M (Example 5.12)."""
    return np.asarray(A, dtype=np.float64) @ np.asarray(x, dtype=np.float64)


def example_5_12_gradient(A, x) -> np.ndarray:
    """Return df/dA ∈ R^{M×(M×N)} (numerator layout) in closed form: df_i/dA_kl = δ_ik x_l."""
    M = np.shape(A)[0]
    return np.einsum("ik,l->ikl", np.eye(M), np.asarray(x, dtype=np.float64))


def example_5_13_function(R) -> np.ndarray:
    """Return K = RᵀR ∈ R^{N×N} (Example 5.13)."""
    R = np.asarray(R, dtype=np.float64)
    return R.T @ R


def example_5_13_gradient(R) -> np.ndarray:
    """Return dK/dR ∈ R^{N×N×M×N} (numerator layout): dK_pq/dR_ij = δ_qj R_ip + δ_pj R_iq."""
    R = np.asarray(R, dtype=np.float64)
    I = np.eye(R.shape[1])
    return np.einsum("qj,ip->pqij", I, R) + np.einsum("pj,iq->pqij", I, R)


@dataclass(frozen=True)
class TensorCase:
    """One worked gradient of section 5.4 at concrete numbers: F = function(X), dF/dX = tensor (numerator)."""

    key: str
    X: np.ndarray
    function: MatrixFunction
    tensor: np.ndarray
    f_name: str
    x_name: str
    formula: str

    @property
    def f_shape(self) -> Shape:
        """The shape of the output F."""
        return self.tensor.shape[: self.tensor.ndim - self.X.ndim]

    @property
    def x_shape(self) -> Shape:
        """The shape of the input X."""
        return self.X.shape

    @property
    def jacobian(self) -> np.ndarray:
        """The (#F × #X) Jacobian view of the tensor."""
        return tensor_to_jacobian(self.tensor, self.f_shape, self.x_shape)


#: The examples of section 5.4 the explorer shows: key -> label.
TENSOR_EXAMPLES = {"5.12": "Example 5.12: f = Ax", "5.13": "Example 5.13: K = RᵀR"}


def tensor_case(key: str, M: int, N: int, seed: int = 0) -> TensorCase:
    """Return Example 5.12 (f = Ax, gradient by A) or 5.13 (K = RᵀR, gradient by R) at seeded random values."""
    if M < 1 or N < 1:
        raise ValueError("M and N must be at least 1")
    rng = np.random.default_rng(seed)
    if key == "5.12":
        A = np.round(rng.uniform(-2, 2, (M, N)), 1)
        x = np.round(rng.uniform(-2, 2, N), 1)
        return TensorCase(key, A, lambda A_: example_5_12_function(A_, x), example_5_12_gradient(A, x),
                          "f", "A", r"\partial f_i/\partial A_{kl} = \delta_{ik} x_l")
    if key == "5.13":
        R = np.round(rng.uniform(-2, 2, (M, N)), 1)
        return TensorCase(key, R, example_5_13_function, example_5_13_gradient(R), "K", "R",
                          r"\partial K_{pq}/\partial R_{ij} = \delta_{qj} R_{ip} + \delta_{pj} R_{iq}")
    raise ValueError(f"unknown example {key!r}; choose from {list(TENSOR_EXAMPLES)}")


# ---------------------------------------------------------------------------------------------
# Numerical checks
# ---------------------------------------------------------------------------------------------
def check_gradient(F: MatrixFunction, gradient, X, layout: str = NUMERATOR, h: float = 1e-6) -> float:
    """Return the relative error between a claimed dF/dX (in ``layout``) and central differences of F at X.

    The claimed gradient may be given as a tensor or in its Jacobian view; it is converted to
    the numerator layout first, so a gradient in the wrong layout shows up as a large error
    (or, when the sizes differ, a ValueError).
    """
    X = np.array(X, dtype=np.float64)
    f_shape = np.shape(F(X))
    gradient = np.asarray(gradient, dtype=np.float64)
    expected = prod(f_shape) * X.size
    if gradient.size != expected:
        raise ValueError(f"the claimed gradient has {gradient.size} entries; dF/dX has {expected} "
                         f"(F.shape {f_shape}, X.shape {X.shape})")
    claimed = convert_layout(gradient, f_shape, X.shape, layout, NUMERATOR)
    return relative_error(numerical_jacobian(F, X, h), claimed)


# ---------------------------------------------------------------------------------------------
# Backends: one formula, evaluated on numbers (numpy) or on symbols (numpy object arrays of sympy)
# ---------------------------------------------------------------------------------------------
class _NumericOps:
    """Matrix operations on float arrays."""

    symbolic = False

    @staticmethod
    def eye(n: int) -> np.ndarray:
        return np.eye(n)

    inv = staticmethod(np.linalg.inv)
    det = staticmethod(np.linalg.det)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    trace = staticmethod(np.trace)


class _SymbolicOps:
    """The same operations on numpy object arrays of sympy expressions."""

    symbolic = True

    @staticmethod
    def eye(n: int) -> np.ndarray:
        return np.array(sp.eye(n).tolist(), dtype=object)

    @staticmethod
    def inv(A: np.ndarray) -> np.ndarray:
        return np.array(sp.Matrix(A.tolist()).inv().tolist(), dtype=object)

    @staticmethod
    def det(A: np.ndarray):
        return sp.Matrix(A.tolist()).det()

    sin = staticmethod(np.vectorize(sp.sin, otypes=[object]))
    cos = staticmethod(np.vectorize(sp.cos, otypes=[object]))

    @staticmethod
    def trace(A: np.ndarray):
        return sp.Add(*np.diagonal(A))


NUMERIC = _NumericOps()
SYMBOLIC = _SymbolicOps()

#: An input of an identity or rule: (name, dimension names, kind); kind is "general", "invertible",
#: "symmetric" or "spd" (symmetric positive definite).
InputSpec = tuple[str, tuple[str, ...], str]


def _input_shape(spec: InputSpec, sizes: Mapping[str, int]) -> Shape:
    return tuple(int(sizes[d]) for d in spec[1])


def random_inputs(specs: Sequence[InputSpec], sizes: Mapping[str, int], rng: np.random.Generator) -> dict:
    """Return seeded random arrays for ``specs``: invertible ones are well conditioned, symmetric ones symmetric."""
    values = {}
    for spec in specs:
        name, _, kind = spec
        shape = _input_shape(spec, sizes)
        A = rng.standard_normal(shape)
        if kind == "invertible":
            A = A + 2 * np.sqrt(shape[0]) * np.eye(shape[0])
        elif kind == "symmetric":
            A = (A + A.T) / 2
        elif kind == "spd":
            A = A @ A.T / shape[0] + np.eye(shape[0])
        elif kind != "general":
            raise ValueError(f"unknown input kind {kind!r}")
        values[name] = A
    return values


def symbolic_inputs(specs: Sequence[InputSpec], sizes: Mapping[str, int]) -> dict:
    """Return object arrays of real sympy symbols for ``specs`` (symmetric inputs have tied symbols)."""
    values = {}
    for spec in specs:
        name, _, kind = spec
        shape = _input_shape(spec, sizes)
        if len(shape) == 1:
            values[name] = _entries(symbols_vector(name, shape[0]))[0]
        elif len(shape) == 2:
            M = symbols_matrix(name, *shape, symmetric=kind in ("symmetric", "spd"))
            values[name] = _to_object_array(M)
        else:
            raise ValueError("inputs are vectors or matrices")
    return values


def _shapes_text(specs: Sequence[InputSpec], sizes: Mapping[str, int]) -> str:
    parts = []
    for spec in specs:
        shape = _input_shape(spec, sizes)
        parts.append(f"{spec[0]}: {'×'.join(str(s) for s in shape)}")
    return ", ".join(parts)


def _symbolic_jacobian(value, variable: np.ndarray) -> np.ndarray:
    """Return the numerator-layout derivative of an object array (or sympy scalar) by a symbol array."""
    value = np.asarray(value, dtype=object)
    T = np.empty(value.shape + variable.shape, dtype=object)
    for fi in np.ndindex(value.shape):
        for xi in np.ndindex(variable.shape):
            T[fi + xi] = sp.diff(value[fi], variable[xi])
    return T


def _is_zero(expr) -> bool:
    expr = to_sympy(expr)
    if expr == 0:
        return True
    expr = sp.cancel(sp.together(sp.expand(expr)))
    return expr == 0 or sp.simplify(expr) == 0


# ---------------------------------------------------------------------------------------------
# The identities (5.99)-(5.108)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Identity:
    """A gradient identity of section 5.5, checkable numerically and symbolically.

    ``function(values, ops)`` returns the map variable -> F (the left side is dF/dvariable),
    ``gradient(values, ops)`` returns the right side in numerator layout (F.shape + variable.shape).
    ``note`` names the concrete f(X) used for the identities that hold for any f.
    """

    number: str
    latex: str
    variable: str
    inputs: tuple[InputSpec, ...]
    function: Callable
    gradient: Callable
    sizes: tuple[dict, ...]
    note: str = ""

    def random_inputs(self, sizes: Mapping[str, int], rng: np.random.Generator) -> dict:
        """Return seeded random values of every input at ``sizes``."""
        return random_inputs(self.inputs, sizes, rng)

    def shapes(self, sizes: Mapping[str, int]) -> str:
        """Return the input shapes at ``sizes`` as text, e.g. 'X: 2×3, A: 4×2'."""
        return _shapes_text(self.inputs, sizes)

    def check(self, sizes: Mapping[str, int], rng: np.random.Generator, h: float = 1e-6) -> float:
        """Return the relative error between the right side and central differences of the left side."""
        values = self.random_inputs(sizes, rng)
        F = self.function(values, NUMERIC)
        return check_gradient(F, self.gradient(values, NUMERIC), values[self.variable], NUMERATOR, h)

    def symbolic_sides(self, sizes: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Return (left, right) as object arrays of sympy expressions: left by differentiation, right by formula."""
        values = symbolic_inputs(self.inputs, sizes)
        F = self.function(values, SYMBOLIC)
        left = _symbolic_jacobian(F(values[self.variable]), values[self.variable])
        right = np.asarray(self.gradient(values, SYMBOLIC), dtype=object).reshape(left.shape)
        return left, right

    def verify_symbolically(self, sizes: Mapping[str, int]) -> bool:
        """Return True when sympy shows left side − right side = 0 entry by entry."""
        left, right = self.symbolic_sides(sizes)
        return all(_is_zero(l - r) for l, r in zip(left.ravel(), right.ravel()))


def _d_asin(values, ops):
    """d(A sin X)/dX: entry [p,q,k,l] = A_pk δ_ql cos X_kl."""
    A, X = values["A"], values["X"]
    return np.einsum("pk,ql,kl->pqkl", A, ops.eye(X.shape[1]), ops.cos(X))


def _d_xtax(values, ops):
    """d(XᵀAX)/dX: entry [p,q,k,l] = δ_pl (AX)_kq + (XᵀA)_pk δ_ql."""
    A, X = values["A"], values["X"]
    I = ops.eye(X.shape[1])
    return np.einsum("pl,kq->pqkl", I, A @ X) + np.einsum("pk,ql->pqkl", X.T @ A, I)


def _f_gram(X, ops):
    """f(X) = I + XᵀX, square and invertible for any X."""
    return ops.eye(X.shape[1]) + X.T @ X


def _d_gram(values, ops):
    """d(I + XᵀX)/dX: Example 5.13, entry [p,q,i,j] = δ_qj X_ip + δ_pj X_iq."""
    X = values["X"]
    I = ops.eye(X.shape[1])
    return np.einsum("qj,ip->pqij", I, X) + np.einsum("pj,iq->pqij", I, X)


def _rhs_5_101(values, ops):
    X = values["X"]
    F = _f_gram(X, ops)
    return ops.det(F) * np.einsum("ba,abkl->kl", ops.inv(F), _d_gram(values, ops))


def _rhs_5_102(values, ops):
    Finv = ops.inv(_f_gram(values["X"], ops))
    return -np.einsum("ab,bckl,cd->adkl", Finv, _d_gram(values, ops), Finv)


def _residual(values):
    return values["x"] - values["A"] @ values["s"]


IDENTITIES: tuple[Identity, ...] = (
    Identity("5.99", r"\frac{\partial}{\partial X} f(X)^\top = \left(\frac{\partial f(X)}{\partial X}\right)^\top",
             "X", (("X", ("M", "N"), "general"), ("A", ("P", "M"), "general")),
             lambda v, ops: (lambda X: (v["A"] @ ops.sin(X)).T),
             lambda v, ops: _d_asin(v, ops).transpose(1, 0, 2, 3),
             ({"M": 2, "N": 3, "P": 2}, {"M": 3, "N": 2, "P": 4}, {"M": 4, "N": 4, "P": 1}),
             r"f(X) = A\sin X"),
    Identity("5.100", r"\frac{\partial}{\partial X} \operatorname{tr}\big(f(X)\big) = "
                      r"\operatorname{tr}\left(\frac{\partial f(X)}{\partial X}\right)",
             "X", (("X", ("M", "N"), "general"), ("A", ("M", "M"), "general")),
             lambda v, ops: (lambda X: ops.trace(X.T @ v["A"] @ X)),
             lambda v, ops: np.einsum("ppkl->kl", _d_xtax(v, ops)),
             ({"M": 2, "N": 2}, {"M": 3, "N": 2}, {"M": 2, "N": 4}),
             r"f(X) = X^\top A X"),
    Identity("5.101", r"\frac{\partial}{\partial X} \det\big(f(X)\big) = \det\big(f(X)\big)\,"
                      r"\operatorname{tr}\left(f(X)^{-1}\frac{\partial f(X)}{\partial X}\right)",
             "X", (("X", ("M", "N"), "general"),),
             lambda v, ops: (lambda X: ops.det(_f_gram(X, ops))),
             _rhs_5_101,
             ({"M": 2, "N": 2}, {"M": 3, "N": 2}, {"M": 2, "N": 3}),
             r"f(X) = I + X^\top X"),
    Identity("5.102", r"\frac{\partial}{\partial X} f(X)^{-1} = -f(X)^{-1}\,\frac{\partial f(X)}{\partial X}\,f(X)^{-1}",
             "X", (("X", ("M", "N"), "general"),),
             lambda v, ops: (lambda X: ops.inv(_f_gram(X, ops))),
             _rhs_5_102,
             ({"M": 2, "N": 2}, {"M": 3, "N": 2}, {"M": 1, "N": 3}),
             r"f(X) = I + X^\top X"),
    Identity("5.103", r"\frac{\partial\, a^\top X^{-1} b}{\partial X} = -(X^{-1})^\top a\, b^\top (X^{-1})^\top",
             "X", (("X", ("n", "n"), "invertible"), ("a", ("n",), "general"), ("b", ("n",), "general")),
             lambda v, ops: (lambda X: v["a"] @ ops.inv(X) @ v["b"]),
             lambda v, ops: -np.einsum("i,j->ij", ops.inv(v["X"]).T @ v["a"], ops.inv(v["X"]) @ v["b"]),
             ({"n": 2}, {"n": 3}, {"n": 5})),
    Identity("5.104", r"\frac{\partial\, x^\top a}{\partial x} = a^\top",
             "x", (("x", ("n",), "general"), ("a", ("n",), "general")),
             lambda v, ops: (lambda x: x @ v["a"]),
             lambda v, ops: v["a"],
             ({"n": 1}, {"n": 3}, {"n": 6})),
    Identity("5.105", r"\frac{\partial\, a^\top x}{\partial x} = a^\top",
             "x", (("x", ("n",), "general"), ("a", ("n",), "general")),
             lambda v, ops: (lambda x: v["a"] @ x),
             lambda v, ops: v["a"],
             ({"n": 1}, {"n": 3}, {"n": 6})),
    Identity("5.106", r"\frac{\partial\, a^\top X b}{\partial X} = a\, b^\top",
             "X", (("X", ("M", "N"), "general"), ("a", ("M",), "general"), ("b", ("N",), "general")),
             lambda v, ops: (lambda X: v["a"] @ X @ v["b"]),
             lambda v, ops: np.einsum("i,j->ij", v["a"], v["b"]),
             ({"M": 2, "N": 2}, {"M": 2, "N": 4}, {"M": 5, "N": 3})),
    Identity("5.107", r"\frac{\partial\, x^\top B x}{\partial x} = x^\top (B + B^\top)",
             "x", (("x", ("n",), "general"), ("B", ("n", "n"), "general")),
             lambda v, ops: (lambda x: x @ v["B"] @ x),
             lambda v, ops: v["x"] @ (v["B"] + v["B"].T),
             ({"n": 1}, {"n": 3}, {"n": 6})),
    Identity("5.108", r"\frac{\partial}{\partial s} (x - As)^\top W (x - As) = -2 (x - As)^\top W A"
                      r"\quad (W \text{ symmetric})",
             "s", (("s", ("N",), "general"), ("x", ("M",), "general"), ("A", ("M", "N"), "general"),
                   ("W", ("M", "M"), "symmetric")),
             lambda v, ops: (lambda s: (v["x"] - v["A"] @ s) @ v["W"] @ (v["x"] - v["A"] @ s)),
             lambda v, ops: -2 * _residual(v) @ v["W"] @ v["A"],
             ({"M": 2, "N": 2}, {"M": 4, "N": 2}, {"M": 3, "N": 5})),
)

#: Sizes small enough for sympy to verify each identity in well under a second.
SYMBOLIC_SIZES: dict[str, dict] = {
    "5.99": {"M": 2, "N": 2, "P": 2}, "5.100": {"M": 2, "N": 2}, "5.101": {"M": 2, "N": 2},
    "5.102": {"M": 1, "N": 2}, "5.103": {"n": 2}, "5.104": {"n": 3}, "5.105": {"n": 3},
    "5.106": {"M": 2, "N": 3}, "5.107": {"n": 3}, "5.108": {"M": 2, "N": 2},
}


def identity(number: str) -> Identity:
    """Return the identity with equation number ``number`` (e.g. "5.103")."""
    for item in IDENTITIES:
        if item.number == number:
            return item
    raise KeyError(f"no identity ({number}); the identities are (5.99)-(5.108)")


def identity_table(seed: int = 0, h: float = 1e-6) -> list[tuple[str, str, float]]:
    """Return rows (equation, input shapes, relative error) checking every identity at each of its sizes."""
    rng = np.random.default_rng(seed)
    return [(f"({item.number})", item.shapes(sizes), item.check(sizes, rng, h))
            for item in IDENTITIES for sizes in item.sizes]


# ---------------------------------------------------------------------------------------------
# 矩阵求导术: the differential rules and the trace rules (the blog chapter, 3.2.2 and 3.2.4)
# ---------------------------------------------------------------------------------------------
def sigmoid(a):
    """Return the logistic sigmoid 1/(1+exp(−a)), elementwise."""
    a = np.asarray(a, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(a / 2))  # equal to 1/(1+exp(-a)), without overflow


def softmax(a) -> np.ndarray:
    """Return exp(a) / 1ᵀexp(a) for a vector a, computed without overflow."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(a - a.max())
    return e / e.sum()


def log_softmax(a) -> np.ndarray:
    """Return log softmax(a) = a − log(1ᵀexp(a)) for a vector a, without overflow."""
    a = np.asarray(a, dtype=np.float64)
    m = a.max()
    return a - m - np.log(np.exp(a - m).sum())


@dataclass(frozen=True)
class DifferentialRule:
    """A rule d f(X, Y) = df(X, Y, dX, dY) of the blog chapter, 3.2.2, checkable by a directional difference."""

    latex: str
    inputs: tuple[InputSpec, ...]
    function: Callable       # values -> array
    differential: Callable   # (values, directions) -> array
    sizes: dict = field(default_factory=lambda: {"n": 3, "m": 2})

    def check(self, rng: np.random.Generator, t: float = 1e-6) -> float:
        """Return the relative error between the rule and (f(V + t dV) − f(V − t dV)) / 2t for random V, dV."""
        values = random_inputs(self.inputs, self.sizes, rng)
        directions = {name: rng.standard_normal(np.shape(v)) for name, v in values.items()}
        plus = {k: values[k] + t * directions[k] for k in values}
        minus = {k: values[k] - t * directions[k] for k in values}
        numeric = (np.asarray(self.function(plus)) - np.asarray(self.function(minus))) / (2 * t)
        return relative_error(numeric, self.differential(values, directions))


DIFFERENTIAL_RULES: tuple[DifferentialRule, ...] = (
    DifferentialRule(r"d(X \pm Y) = dX \pm dY", (("X", ("n", "m"), "general"), ("Y", ("n", "m"), "general")),
                     lambda v: v["X"] - v["Y"], lambda v, d: d["X"] - d["Y"]),
    DifferentialRule(r"d(XY) = dX\,Y + X\,dY", (("X", ("n", "m"), "general"), ("Y", ("m", "n"), "general")),
                     lambda v: v["X"] @ v["Y"], lambda v, d: d["X"] @ v["Y"] + v["X"] @ d["Y"]),
    DifferentialRule(r"d(X^\top) = (dX)^\top", (("X", ("n", "m"), "general"),),
                     lambda v: v["X"].T, lambda v, d: d["X"].T),
    DifferentialRule(r"dX^{-1} = -X^{-1}\,dX\,X^{-1}", (("X", ("n", "n"), "invertible"),),
                     lambda v: np.linalg.inv(v["X"]),
                     lambda v, d: -np.linalg.inv(v["X"]) @ d["X"] @ np.linalg.inv(v["X"])),
    DifferentialRule(r"d\operatorname{tr}(X) = \operatorname{tr}(dX)", (("X", ("n", "n"), "general"),),
                     lambda v: np.trace(v["X"]), lambda v, d: np.trace(d["X"])),
    DifferentialRule(r"d\lvert X\rvert = \lvert X\rvert\operatorname{tr}(X^{-1}dX)", (("X", ("n", "n"), "invertible"),),
                     lambda v: np.linalg.det(v["X"]),
                     lambda v, d: np.linalg.det(v["X"]) * np.trace(np.linalg.inv(v["X"]) @ d["X"])),
    DifferentialRule(r"d(X\odot Y) = dX\odot Y + X\odot dY",
                     (("X", ("n", "m"), "general"), ("Y", ("n", "m"), "general")),
                     lambda v: v["X"] * v["Y"], lambda v, d: d["X"] * v["Y"] + v["X"] * d["Y"]),
    DifferentialRule(r"d\sigma(X) = \sigma'(X)\odot dX", (("X", ("n", "m"), "general"),),
                     lambda v: sigmoid(v["X"]),
                     lambda v, d: sigmoid(v["X"]) * (1 - sigmoid(v["X"])) * d["X"]),
)


@dataclass(frozen=True)
class TraceRule:
    """A trace rule of the blog chapter, 3.2.4: ``sides(values)`` returns (left, right) for random inputs."""

    latex: str
    inputs: tuple[InputSpec, ...]
    sides: Callable
    sizes: dict = field(default_factory=lambda: {"n": 3, "m": 4})

    def check(self, rng: np.random.Generator) -> float:
        """Return |left − right| / max(1, |left|) for random inputs."""
        left, right = self.sides(random_inputs(self.inputs, self.sizes, rng))
        return float(abs(left - right) / max(1.0, abs(left)))


TRACE_RULES: tuple[TraceRule, ...] = (
    TraceRule(r"\operatorname{tr}(A^\top) = \operatorname{tr}(A)", (("A", ("n", "n"), "general"),),
              lambda v: (np.trace(v["A"].T), np.trace(v["A"]))),
    TraceRule(r"\operatorname{tr}(A \pm B) = \operatorname{tr}(A) \pm \operatorname{tr}(B)",
              (("A", ("n", "n"), "general"), ("B", ("n", "n"), "general")),
              lambda v: (np.trace(v["A"] - v["B"]), np.trace(v["A"]) - np.trace(v["B"]))),
    TraceRule(r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", (("A", ("n", "m"), "general"), ("B", ("m", "n"), "general")),
              lambda v: (np.trace(v["A"] @ v["B"]), np.trace(v["B"] @ v["A"]))),
    TraceRule(r"\operatorname{tr}(A^\top B) = \textstyle\sum_{ij} A_{ij} B_{ij}",
              (("A", ("n", "m"), "general"), ("B", ("n", "m"), "general")),
              lambda v: (np.trace(v["A"].T @ v["B"]), float(np.sum(v["A"] * v["B"])))),
    TraceRule(r"\operatorname{tr}\big(A^\top (B\odot C)\big) = \operatorname{tr}\big((A\odot B)^\top C\big)",
              (("A", ("n", "m"), "general"), ("B", ("n", "m"), "general"), ("C", ("n", "m"), "general")),
              lambda v: (np.trace(v["A"].T @ (v["B"] * v["C"])), np.trace((v["A"] * v["B"]).T @ v["C"]))),
)


def trace_differential(gradient, dX) -> float:
    """Return tr(f′(X)ᵀ dX) = Σ_ij f′(X)_ij dX_ij, the first-order change of a scalar f (the blog chapter, 3.1)."""
    gradient = np.asarray(gradient, dtype=np.float64)
    dX = np.asarray(dX, dtype=np.float64).reshape(gradient.shape)
    if gradient.ndim < 2:
        return float(gradient.ravel() @ dX.ravel())
    return float(np.trace(gradient.T @ dX))


# ---------------------------------------------------------------------------------------------
# The blog chapter's six worked examples (3.3); every gradient in the blog's denominator layout
# ---------------------------------------------------------------------------------------------
def ex1_linear(x, w) -> float:
    """Return f = wᵀx (blog example 1; x a vector so that f is a scalar)."""
    return float(np.asarray(w) @ np.asarray(x))


def ex1_gradient(x, w) -> np.ndarray:
    """Return f′(x) = w, the gradient of wᵀx in denominator layout (a column, shaped like x)."""
    return np.array(w, dtype=np.float64)


def ex2_quadratic(x, H) -> float:
    """Return f = xᵀHx (blog example 2; x a vector)."""
    x = np.asarray(x, dtype=np.float64)
    return float(x @ np.asarray(H) @ x)


def ex2_gradient(x, H) -> np.ndarray:
    """Return f′(x) = (H + Hᵀ)x in denominator layout (2Hx for symmetric H)."""
    H = np.asarray(H, dtype=np.float64)
    return (H + H.T) @ np.asarray(x, dtype=np.float64)


def ex3_least_squares(w, X, y) -> float:
    """Return l = ‖Xw − y‖² (blog example 3, linear regression)."""
    r = np.asarray(X) @ np.asarray(w) - np.asarray(y)
    return float(r @ r)


def ex3_gradient(w, X, y) -> np.ndarray:
    """Return l′(w) = 2Xᵀ(Xw − y) in denominator layout."""
    X = np.asarray(X, dtype=np.float64)
    return 2 * X.T @ (X @ np.asarray(w) - np.asarray(y))


def ex4_logistic(W, x, y) -> float:
    """Return l = −yᵀ log softmax(Wx) (blog example 4, multinomial logistic regression)."""
    return float(-np.asarray(y) @ log_softmax(np.asarray(W) @ np.asarray(x)))


def ex4_gradient(W, x, y) -> np.ndarray:
    """Return ∂l/∂W = (softmax(Wx)·1ᵀy − y) xᵀ, shaped like W (both layouts); (softmax(Wx) − y)xᵀ for one-hot y."""
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    return np.outer(softmax(np.asarray(W) @ x) * y.sum() - y, x)


def sample_covariance(xs) -> np.ndarray:
    """Return S = (1/n) Σ_i (x_i − x̄)(x_i − x̄)ᵀ for samples in the rows of ``xs`` (the MLE of Σ)."""
    xs = np.asarray(xs, dtype=np.float64)
    centred = xs - xs.mean(axis=0)
    return centred.T @ centred / xs.shape[0]


def ex5_covariance_loss(Sigma, xs) -> float:
    """Return l = log|Σ| + (1/n) Σ_i (x_i − x̄)ᵀ Σ⁻¹ (x_i − x̄) (blog example 5)."""
    Sigma = np.asarray(Sigma, dtype=np.float64)
    xs = np.asarray(xs, dtype=np.float64)
    centred = xs - xs.mean(axis=0)
    sign, logdet = np.linalg.slogdet(Sigma)
    if sign <= 0:
        return float("nan")
    quadratic = np.einsum("ni,ij,nj->", centred, np.linalg.inv(Sigma), centred) / xs.shape[0]
    return float(logdet + quadratic)


def ex5_gradient(Sigma, xs) -> np.ndarray:
    """Return ∂l/∂Σ = (Σ⁻¹ − Σ⁻¹SΣ⁻¹)ᵀ, shaped like Σ (both layouts); zero exactly at Σ = S."""
    inv = np.linalg.inv(np.asarray(Sigma, dtype=np.float64))
    return (inv - inv @ sample_covariance(xs) @ inv).T


def ex6_network_loss(W1, W2, x, y) -> float:
    """Return l = −yᵀ log softmax(W₂ σ(W₁x)) (blog example 6, a two-layer network)."""
    h = sigmoid(np.asarray(W1) @ np.asarray(x))
    return float(-np.asarray(y) @ log_softmax(np.asarray(W2) @ h))


def ex6_gradients(W1, W2, x, y) -> dict[str, np.ndarray]:
    """Return {"W1": ∂l/∂W₁, "W2": ∂l/∂W₂}, each shaped like its matrix, by backpropagation.

    a₁ = W₁x, h₁ = σ(a₁), a₂ = W₂h₁; g₂ = softmax(a₂)·1ᵀy − y; ∂l/∂W₂ = g₂h₁ᵀ;
    g₁ = σ′(a₁) ⊙ W₂ᵀg₂ with σ′ = σ(1 − σ); ∂l/∂W₁ = g₁xᵀ.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    W2 = np.asarray(W2, dtype=np.float64)
    h1 = sigmoid(np.asarray(W1) @ x)
    g2 = softmax(W2 @ h1) * y.sum() - y
    g1 = h1 * (1 - h1) * (W2.T @ g2)
    return {"W1": np.outer(g1, x), "W2": np.outer(g2, h1)}


@dataclass(frozen=True)
class BlogExample:
    """One worked example of the blog chapter, 3.3: a scalar loss and its gradients in denominator layout."""

    number: int
    title: str
    latex: str
    inputs: tuple[InputSpec, ...]
    variables: tuple[str, ...]
    loss: Callable          # values -> float
    gradients: Callable     # values -> {variable: denominator-layout gradient}
    sizes: dict
    prepare: Callable | None = None   # values, rng -> values (e.g. a one-hot y)

    @staticmethod
    def variable_latex(name: str) -> str:
        """Return the LaTeX of a variable name: "Sigma" -> \\Sigma, "W1" -> W_1."""
        base, digits = name.rstrip("0123456789"), name[len(name.rstrip("0123456789")):]
        base = "\\" + base if base in ("Sigma", "sigma", "theta") else base
        return f"{base}_{{{digits}}}" if digits else base

    def random_inputs(self, rng: np.random.Generator) -> dict:
        """Return seeded random inputs for this example."""
        values = random_inputs(self.inputs, self.sizes, rng)
        return self.prepare(values, rng) if self.prepare else values

    def check(self, rng: np.random.Generator, h: float = 1e-6) -> dict[str, float]:
        """Return {variable: relative error} of the derived gradient against central differences.

        Each derived gradient (denominator layout) is converted to numerator layout with
        :func:`to_numerator` and compared with the numerator-layout numerical Jacobian.
        """
        values = self.random_inputs(rng)
        derived = self.gradients(values)
        errors = {}
        for name in self.variables:
            def loss_of(V, name=name):
                return self.loss({**values, name: V})
            shape = np.shape(values[name])
            numerator = to_numerator(derived[name], (), shape)
            errors[name] = check_gradient(loss_of, numerator, values[name], NUMERATOR, h)
        return errors


def _one_hot(values, rng, key="y"):
    k = values[key].shape[0]
    y = np.zeros(k)
    y[rng.integers(k)] = 1.0
    return {**values, key: y}


BLOG_EXAMPLES: tuple[BlogExample, ...] = (
    BlogExample(1, "linear function", r"f = w^\top x", (("x", ("n",), "general"), ("w", ("n",), "general")),
                ("x",), lambda v: ex1_linear(v["x"], v["w"]), lambda v: {"x": ex1_gradient(v["x"], v["w"])},
                {"n": 4}),
    BlogExample(2, "quadratic form", r"f = x^\top H x", (("x", ("n",), "general"), ("H", ("n", "n"), "general")),
                ("x",), lambda v: ex2_quadratic(v["x"], v["H"]), lambda v: {"x": ex2_gradient(v["x"], v["H"])},
                {"n": 4}),
    BlogExample(3, "linear regression", r"l = \lVert Xw - y\rVert^2",
                (("w", ("d",), "general"), ("X", ("n", "d"), "general"), ("y", ("n",), "general")),
                ("w",), lambda v: ex3_least_squares(v["w"], v["X"], v["y"]),
                lambda v: {"w": ex3_gradient(v["w"], v["X"], v["y"])}, {"n": 6, "d": 3}),
    BlogExample(4, "multinomial logistic regression", r"l = -y^\top \log\operatorname{softmax}(Wx)",
                (("W", ("k", "d"), "general"), ("x", ("d",), "general"), ("y", ("k",), "general")),
                ("W",), lambda v: ex4_logistic(v["W"], v["x"], v["y"]),
                lambda v: {"W": ex4_gradient(v["W"], v["x"], v["y"])}, {"k": 4, "d": 3}, _one_hot),
    BlogExample(5, "MLE of a Gaussian covariance",
                r"l = \log\lvert\Sigma\rvert + \frac{1}{n}\sum_i (x_i-\bar x)^\top \Sigma^{-1} (x_i-\bar x)",
                (("Sigma", ("d", "d"), "spd"), ("xs", ("n", "d"), "general")),
                ("Sigma",), lambda v: ex5_covariance_loss(v["Sigma"], v["xs"]),
                lambda v: {"Sigma": ex5_gradient(v["Sigma"], v["xs"])}, {"d": 3, "n": 20}),
    BlogExample(6, "two-layer network", r"l = -y^\top \log\operatorname{softmax}\big(W_2\,\sigma(W_1 x)\big)",
                (("W1", ("m", "d"), "general"), ("W2", ("k", "m"), "general"), ("x", ("d",), "general"),
                 ("y", ("k",), "general")),
                ("W1", "W2"), lambda v: ex6_network_loss(v["W1"], v["W2"], v["x"], v["y"]),
                lambda v: ex6_gradients(v["W1"], v["W2"], v["x"], v["y"]), {"d": 3, "m": 4, "k": 3}, _one_hot),
)


def blog_example(number: int) -> BlogExample:
    """Return the blog chapter's worked example ``number`` (1-6)."""
    for item in BLOG_EXAMPLES:
        if item.number == number:
            return item
    raise KeyError(f"no worked example {number}; they are numbered 1-6")

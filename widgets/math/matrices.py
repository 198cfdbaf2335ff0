"""Gradients of matrices (book section 5.4): the tensor and Jacobian views, the two layouts,
Fig. 5.7 and Examples 5.12-5.13, and a finite-difference check of any claimed dF/dX.

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

from dataclasses import dataclass
from math import prod
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from widgets.math.expressions import to_sympy
from widgets.math.numeric import numerical_jacobian, relative_error


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


def to_object_array(value) -> np.ndarray:
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
    array = to_object_array(gradient) if sympy_input else np.asarray(gradient)
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
        array = to_object_array(gradient) if _is_sympy(gradient) else np.asarray(gradient)
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


def entries_and_shape(value) -> tuple[np.ndarray, Shape]:
    """Return an object array of a sympy scalar/Matrix/Array; an n×1 column Matrix counts as a vector (n,)."""
    if isinstance(value, sp.MatrixBase):
        array = to_object_array(value)
        if value.shape[1] == 1:
            array = array.reshape(value.shape[0])
        return array, array.shape
    if isinstance(value, sp.NDimArray):
        array = to_object_array(value)
        return array, array.shape
    if isinstance(value, np.ndarray):
        return value.astype(object), value.shape
    return np.array(to_sympy(value), dtype=object).reshape(()), ()


def symbolic_gradient_tensor(F, X) -> sp.Array:
    """Return dF/dX (numerator layout) as a sympy Array with shape F.shape + X.shape, entry by entry (Fig. 5.7a).

    Column matrices count as vectors: for f = A x (an M×1 Matrix) and A (M×N) the shape is (M, M, N).
    """
    f_entries, f_shape = entries_and_shape(F)
    x_entries, x_shape = entries_and_shape(X)
    T = np.empty(f_shape + x_shape, dtype=object)
    for fi in np.ndindex(f_shape):
        for xi in np.ndindex(x_shape):
            T[fi + xi] = sp.diff(f_entries[fi], x_entries[xi])
    return sp.Array(T.tolist(), T.shape) if T.ndim else T.item()


def symbolic_gradient_by_flattening(F, X) -> sp.Array:
    """Return dF/dX (numerator layout) as the Jacobian of vec F by vec X reshaped to F.shape + X.shape (Fig. 5.7b)."""
    f_entries, f_shape = entries_and_shape(F)
    x_entries, x_shape = entries_and_shape(X)
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

"""The gradient identities (5.99)-(5.108) of book section 5.5, each checked against finite
differences (numeric back end) or exactly (symbolic back end: numpy object arrays of sympy).

Pure math: numpy and sympy only. Layouts as in ``widgets.math.matrices``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from widgets.math.expressions import to_sympy
from widgets.math.matrices import (
    NUMERATOR,
    Shape,
    check_gradient,
    entries_and_shape,
    symbols_matrix,
    symbols_vector,
    to_object_array,
)



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
            values[name] = entries_and_shape(symbols_vector(name, shape[0]))[0]
        elif len(shape) == 2:
            M = symbols_matrix(name, *shape, symmetric=kind in ("symmetric", "spd"))
            values[name] = to_object_array(M)
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

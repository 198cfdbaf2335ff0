"""General numeric tools used by many sections: central-difference Jacobians, gradients and
Hessians, the relative error of a gradient check, and sympy expressions turned into numpy functions.

Pure math: numpy and sympy only. Every numerical routine uses float64 and central differences
unless its name says otherwise.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

import numpy as np
import sympy as sp


ArrayFunction = Callable[[np.ndarray], np.ndarray]


def exact_number(value) -> sp.Expr:
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

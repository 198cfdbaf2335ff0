"""Labelled, typeset results for the notebooks: every value a cell shows says what it is, e.g. 「差 = 0 ✓」.

numpy and sympy only (no widget). A :class:`Labelled` shows itself as markdown with LaTeX in
JupyterLab and Voilà, and as the same words in plain text elsewhere.
"""

from __future__ import annotations

import numbers

import numpy as np
import sympy as sp

TICK, CROSS = "✓", "✗"


def _number(value) -> str:
    """Return a real number as short text: integers as they are, floats with 6 significant digits."""
    if isinstance(value, (bool, np.bool_)):
        return TICK if value else CROSS
    if isinstance(value, numbers.Integral):
        return str(int(value))
    text = f"{float(value):.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}\\times10^{{{int(exponent)}}}"
    return text


def to_latex(value) -> str:
    """Return LaTeX for a sympy object, a number, a numpy array (as a matrix) or a tuple of these."""
    if isinstance(value, (sp.Basic, sp.MatrixBase, sp.NDimArray)):
        return sp.latex(value)
    if isinstance(value, np.ndarray):
        array = np.atleast_2d(value)
        if array.ndim > 2:
            raise ValueError(f"cannot typeset an array of shape {value.shape}")
        rows = [" & ".join(_number(v) for v in row) for row in array]
        return r"\begin{bmatrix}" + r"\\".join(rows) + r"\end{bmatrix}"
    if isinstance(value, (tuple, list)):
        return r"\left(" + ",\\ ".join(to_latex(v) for v in value) + r"\right)"
    if isinstance(value, (numbers.Number, np.number)):
        return _number(value)
    if isinstance(value, str):
        return r"\text{" + value + "}"
    raise TypeError(f"cannot typeset {type(value).__name__}")


def _plain(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return TICK if value else CROSS
    if isinstance(value, (sp.Basic, sp.MatrixBase, sp.NDimArray)):
        return sp.sstr(value)
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=6, separator=", ")
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    if isinstance(value, (numbers.Number, np.number)):
        return _number(value).replace("\\times10^{", "e").replace("}", "")
    return str(value)


class Labelled:
    """Label–value pairs shown as one line of typeset text, e.g. ``差 = 0 ✓；det J = -3``."""

    def __init__(self, parts: list[tuple[str, str, str, str]]):
        self.parts = parts  # (label, LaTeX or "" for a bare check, plain text, mark ✓/✗ or "")

    def _repr_markdown_(self) -> str:
        return "；".join(f"{label} = ${tex}$ {mark}".rstrip() if tex else f"{label} {mark}"
                        for label, tex, plain, mark in self.parts)

    def __repr__(self) -> str:
        return "；".join(f"{label} = {plain} {mark}".rstrip() if tex else f"{label} {mark}"
                        for label, tex, plain, mark in self.parts)

    def __add__(self, other: Labelled) -> Labelled:
        return Labelled(self.parts + other.parts)


def _part(label: str, value, mark: str = "") -> tuple[str, str, str, str]:
    if isinstance(value, (bool, np.bool_)):
        return label, "", "", TICK if value else CROSS
    return label, to_latex(value), _plain(value), mark


def show(*pairs) -> Labelled:
    """Return the values with their labels, typeset: ``show("det J", -3, "shape", (2, 2))``; True shows as ✓."""
    if len(pairs) % 2:
        raise ValueError("show() takes label, value pairs")
    return Labelled([_part(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)])


def _simplified(value):
    if isinstance(value, (sp.MatrixBase, sp.NDimArray)):
        return value.applyfunc(sp.simplify)
    return sp.simplify(value) if isinstance(value, sp.Basic) else value


def is_zero(value) -> bool:
    """Return True if a sympy expression or matrix simplifies to zero, or a number or array is exactly zero."""
    value = _simplified(value)
    if isinstance(value, (sp.MatrixBase, sp.NDimArray)):
        return all(v == 0 for v in sp.flatten(value))
    if isinstance(value, sp.Basic):
        return value == 0
    return not np.any(np.asarray(value))


def zero(*pairs) -> Labelled:
    """Return differences with their labels and a ✓ for each that is zero (✗ otherwise): ``zero("差", d)``."""
    if len(pairs) % 2:
        raise ValueError("zero() takes label, value pairs")
    values = [_simplified(pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Labelled([_part(label, value, TICK if is_zero(value) else CROSS)
                     for label, value in zip(pairs[::2], values)])


def check(label: str, passed: bool) -> Labelled:
    """Return a named check with ✓ or ✗, e.g. ``check("与差分一致", np.allclose(a, b))``."""
    return Labelled([(label, "", "", TICK if bool(passed) else CROSS)])

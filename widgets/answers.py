"""Checking a student's typed answer against a reference: scalars, row vectors and matrices.

Pure math: everything typed goes through :func:`widgets.expressions.parse_expression`. Two
answers are equal when they agree numerically at random points (seeded) and, where sympy
can show it quickly, symbolically. Wrong answers get a hint for the usual mistakes: a
transposed gradient, a sign error, a missing constant factor (often a dropped chain-rule
factor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

from widgets.calculus import lambdify_array
from widgets.expressions import ExpressionError, parse_expression

_FULL_WIDTH = str.maketrans({"［": "[", "］": "]", "，": ",", "【": "[", "】": "]"})

#: Most entries a typed matrix may have.
MAX_ENTRIES = 64


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``correct`` and a short message (Chinese, English in parentheses)."""

    correct: bool
    message: str


def _split_top_level(text: str) -> list[str]:
    """Split ``a, b, [c, d]`` at the commas outside brackets and parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _strip_brackets(text: str) -> str | None:
    """Return the inside of ``[ ... ]`` when the outer brackets match each other, else None."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if depth == 0 and i < len(text) - 1:
            return None
    return text[1:-1]


def parse_answer(text: str, variables: Sequence[str | sp.Symbol] = ("x",)) -> sp.Expr | sp.Matrix:
    """Return a sympy scalar, or a Matrix for ``[a, b]`` (a 1×n row) or ``[[a, b], [c, d]]`` (rows)."""
    if not isinstance(text, str):
        raise ExpressionError("请输入文本（expected text）")
    text = text.translate(_FULL_WIDTH).strip()  # NFKC here would turn x² into x2; the parser handles the rest
    inner = _strip_brackets(text)
    if inner is None:
        if "[" in text or "]" in text:
            raise ExpressionError("方括号不匹配（unbalanced [ ]）")
        return parse_expression(text, variables)
    items = _split_top_level(inner)
    if all(_strip_brackets(item) is not None for item in items):
        rows = [_split_top_level(_strip_brackets(item)) for item in items]
    elif any("[" in item for item in items):
        raise ExpressionError("矩阵写法不一致（write [[a, b], [c, d]]）")
    else:
        rows = [items]
    if len({len(r) for r in rows}) != 1:
        raise ExpressionError("矩阵各行长度不同（rows of different lengths）")
    if sum(len(r) for r in rows) > MAX_ENTRIES:
        raise ExpressionError(f"矩阵太大（more than {MAX_ENTRIES} entries）")
    if any(entry == "" for r in rows for entry in r):
        raise ExpressionError("矩阵中有空的元素（empty entry）")
    return sp.Matrix([[parse_expression(entry, variables) for entry in r] for r in rows])


def _as_matrix(value) -> sp.Matrix:
    return value if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])


def _sample(expr: sp.Matrix, symbols: list[sp.Symbol], points: np.ndarray) -> np.ndarray:
    values = np.empty((points.shape[0],) + expr.shape)
    for (i, j), entry in np.ndenumerate(np.empty(expr.shape, dtype=object)):
        f = lambdify_array(expr[i, j], symbols)
        values[:, i, j] = f(*points.T) if symbols else f()
    return values


def _numeric_relation(a: sp.Matrix, b: sp.Matrix, symbols: list[sp.Symbol], seed: int = 0):
    """Compare a and b at random points; return "equal", "negated", ("scaled", k) or "different"
    (or "unknown" when too few points are defined)."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0.3, 1.7, size=(24, len(symbols))) * rng.choice([-1, 1], size=(24, len(symbols)))
    points[:12] = np.abs(points[:12])  # half the points positive: many exercises live on x > 0
    va, vb = _sample(a, symbols, points), _sample(b, symbols, points)
    ok = np.all(np.isfinite(va), axis=(1, 2)) & np.all(np.isfinite(vb), axis=(1, 2))
    if ok.sum() < 5:
        return "unknown"
    va, vb = va[ok], vb[ok]
    scale = np.maximum(1.0, np.maximum(np.abs(va), np.abs(vb)))
    if np.all(np.abs(va - vb) <= 1e-8 * scale):
        return "equal"
    if np.all(np.abs(va + vb) <= 1e-8 * scale) and np.any(np.abs(vb) > 1e-8):
        return "negated"
    mask = np.abs(vb) > 1e-8
    if mask.any():
        ratios = va[mask] / vb[mask]
        k = float(np.median(ratios))
        if np.all(np.abs(va - k * vb) <= 1e-7 * np.maximum(1.0, np.abs(va))) and abs(k) > 1e-8:
            return ("scaled", k)
    return "different"


def check_answer(answer: str, reference, variables: Sequence[str | sp.Symbol] = ("x",)) -> Verdict:
    """Return whether a typed ``answer`` equals ``reference`` (text or sympy), with a hint when it does not."""
    symbols = [v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True) for v in variables]
    if isinstance(reference, str):
        reference = parse_answer(reference, symbols)
    try:
        given = parse_answer(answer, symbols)
    except ExpressionError as error:
        return Verdict(False, f"无法读取你的答案：{error}")
    a, b = _as_matrix(given), _as_matrix(reference)
    if a.shape != b.shape:
        if a.shape == b.T.shape and _numeric_relation(a.T, b, symbols) == "equal":
            return Verdict(False, "这看起来是转置：本书把梯度写成行向量（this looks like the transpose: the "
                                  "book writes gradients as rows, numerator layout）")
        return Verdict(False, f"形状不对：应为 {b.shape[0]}×{b.shape[1]}，你的是 {a.shape[0]}×{a.shape[1]}"
                              f"（wrong shape）")
    relation = _numeric_relation(a, b, symbols)
    if relation == "equal":
        return Verdict(True, "正确！（correct）")
    if relation == "negated":
        return Verdict(False, "差一个负号（sign error）")
    if isinstance(relation, tuple):
        return Verdict(False, f"只差一个常数因子 {relation[1]:.4g}：是否漏了链式法则中的内层导数？"
                              f"（off by a constant factor: a dropped chain-rule factor?）")
    if relation == "unknown":
        difference = sp.simplify(a - b)
        if difference == sp.zeros(*a.shape):
            return Verdict(True, "正确！（correct）")
        return Verdict(False, "无法在随机点上比较，请检查定义域（could not compare: check the domain）")
    return Verdict(False, "不正确，再检查一下（not correct yet）")

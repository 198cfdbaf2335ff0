"""Checking a student's typed answer against a reference: scalars, row vectors and matrices of formulas,
matrix expressions such as ``2 xᵀ A`` (:func:`check_matrix_answer`) and shapes such as ``1×n``
(:func:`check_shape_answer`).

sympy and numpy only (no widget): everything typed goes through :func:`widgets.math.expressions.parse_expression`. Two
answers are equal when they agree numerically at random points (seeded) and, where sympy
can show it quickly, symbolically. Wrong answers get a hint for the usual mistakes: a
transposed gradient, a sign error, a missing constant factor (often a dropped chain-rule
factor).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

from widgets.math import matrix_expressions as mx
from widgets.math.numeric import lambdify_array
from widgets.math.expressions import ExpressionError, parse_expression

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
    if a.shape[0] == a.shape[1] > 1 and _numeric_relation(a.T, b, symbols) == "equal":
        return Verdict(False, "这看起来是转置：元素 (i, j) 应为 ∂fᵢ/∂xⱼ（this looks like the transpose: row i belongs to "
                              "output i, numerator layout）")
    if isinstance(relation, tuple) and not (a.free_symbols | b.free_symbols):
        relation = "different"  # two different numbers always differ by a factor: no factor hint
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


# ---------------------------------------------------------------------------------------------
# matrix-expression answers (book exercises 5.6–5.9) and shape answers (exercise 5.5 (a))

_LAYOUT_HINT = ("这看起来是转置：本书用分子布局，导数的形状是“输出形状 × 输入形状”，标量对列向量的梯度是行向量"
                "（this looks like the transpose: the book uses numerator layout）")


def check_matrix_answer(answer: str, reference: str, table, seed: int = 0) -> Verdict:
    """Return whether a typed matrix expression equals ``reference`` on random instances, with a hint if not.

    ``table`` maps each name to a :class:`widgets.math.matrix_expressions.MatrixVariable`.
    """
    ref = mx.parse_matrix_expression(reference, table)
    try:
        given = mx.parse_matrix_expression(answer, table)
    except ExpressionError as error:
        if str(error).startswith("形状不匹配"):
            return Verdict(False, str(error))
        return Verdict(False, f"无法读取你的答案：{error}")
    want, got = "×".join(ref.shape), "×".join(given.shape)
    if given.shape != ref.shape:
        if given.shape == ref.shape[::-1]:
            flipped = mx.Node("T", (given,), ref.shape)
            if mx.compare(flipped, ref, table, seed).relation == "equal":
                return Verdict(False, f"{_LAYOUT_HINT}：你的答案是 {got}，应为 {want}")
        return Verdict(False, f"形状不对：应为 {want}，你的是 {got}（wrong shape: expected {want}, got {got}）")
    result = mx.compare(given, ref, table, seed)
    if result.relation == "equal":
        return Verdict(True, f"正确！（correct, {want}）")
    if result.relation == "transposed":
        return Verdict(False, f"{_LAYOUT_HINT}：形状 {got} 对了，但元素是转置的（the entries are transposed）")
    if result.relation == "negated":
        return Verdict(False, "差一个负号（sign error）")
    if result.relation == "scaled":
        return Verdict(False, f"只差一个常数因子 {result.factor:.4g}：是否漏了链式法则中的内层导数？"
                              f"（off by a constant factor: a dropped chain-rule factor?）")
    if result.relation == "undefined":
        return Verdict(False, "你的表达式在随机实例上无定义（undefined on random instances: check inverses and logs）")
    return Verdict(False, f"形状 {got} 对了，但数值不对，再检查一下（right shape, not correct yet）")


_DIMENSION = re.compile(r"[A-Za-z]\w{0,3}|\d{1,4}")


def parse_shape(text: str, dims: Sequence[str] = ()) -> tuple[str, ...]:
    """Return a typed shape such as ``1x2``, ``1×n``, ``R^{n×n×n}`` or ``(1, D)`` as a tuple of labels."""
    if not isinstance(text, str):
        raise ExpressionError("请输入文本（expected text）")
    if len(text) > 60:
        raise ExpressionError("输入太长（longer than 60 characters）")
    text = unicodedata.normalize("NFKC", text.replace("×", "x")).strip()
    text = re.sub(r"^(?:R|ℝ|\\mathbb\{R\})\s*\^?\s*", "", text).strip("{}() ")
    parts = [p.strip() for p in re.split(r"\s*(?:x|X|\*|,|by)\s*", text)] if text else []
    if not parts or any(not _DIMENSION.fullmatch(p) for p in parts):
        raise ExpressionError("请按“行数×列数”输入形状，例如 1x2 或 1×n（write a shape such as 1x2）")
    if len(parts) > 4:
        raise ExpressionError("维数太多（more than 4 dimensions）")
    for p in parts:
        if not p.isdigit() and p not in dims:
            allowed = "、".join(dims) or "只能用数字 (numbers only)"
            raise ExpressionError(f"未知的维数 {p!r}；可用：{allowed}（unknown dimension）")
    return tuple(str(int(p)) if p.isdigit() else p for p in parts)


def check_shape_answer(answer: str, reference: Sequence[str], dims: Sequence[str] = ()) -> Verdict:
    """Return whether a typed shape equals ``reference`` (e.g. ``("1", "n")``), hinting a transposed shape."""
    try:
        given = parse_shape(answer, dims)
    except ExpressionError as error:
        return Verdict(False, f"无法读取你的答案：{error}")
    reference = tuple(str(r) for r in reference)
    want, got = "×".join(reference), "×".join(given)
    if given == reference:
        return Verdict(True, f"正确！（correct, {want}）")
    if given == reference[::-1]:
        return Verdict(False, f"{_LAYOUT_HINT}：应为 {want}，你的是 {got}")
    if len(given) != len(reference):
        return Verdict(False, f"维数不对：应有 {len(reference)} 个维度，你写了 {len(given)} 个（wrong number of "
                              f"dimensions）")
    return Verdict(False, f"形状不对，再想想输入和输出的维数（not correct yet: output dims × input dims）")

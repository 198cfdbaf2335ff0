"""Matrix-expression answers such as ``2 xᵀ A`` or ``diag(cos(Ax + b)) A``: parsed safely, checked numerically.

Serves the exercises stated with vectors and matrices (book exercises 5.6–5.9, the identities
(5.99)–(5.108)). Pure math: numpy only. Nothing here passes text to ``eval``, ``exec`` or
``sympify``: the front end both parsers share (:mod:`widgets.math.formula_text`) normalises and
tokenises the text, a recursive-descent parser builds a syntax tree from a whitelisted grammar, the tree's shape is inferred with the exercise's symbolic dimensions
(``D``, ``E`` …), and the tree is evaluated with numpy on random instances of compatible
sizes (seeded).

Grammar (what a student may type)::

    sum     := product (('+' | '-') product)*
    product := unary (('@' | '*' | '/' | '⊙' | <nothing>) unary)*
    unary   := ('-' | '+') unary | postfix
    postfix := atom ('ᵀ' | '.T' | '^T' | '⁻¹' | '^-1' | '^k' | '²')*
    atom    := number | name | function '(' sum ')' | '(' sum ')'

* ``A x``, ``Ax`` and ``A @ x`` are matrix products; a 1×1 factor (such as ``xᵀx``) scales.
* ``*`` and ``/`` are scalar multiplication and division: one side must be 1×1
  (``/`` the right one); ``⊙`` is the elementwise (Hadamard) product.
* ``+`` and ``-`` need equal shapes; a plain number is added to every entry.
* ``ᵀ`` / ``.T`` / ``^T`` transpose, ``⁻¹`` / ``^-1`` / ``inv(...)`` invert a square matrix;
  ``^k`` (integer ``|k| ≤ 10``) is a power of a scalar, of a square matrix, or elementwise on a vector.
* elementwise functions ``exp log ln sin cos tan sinh cosh tanh sqrt sigmoid``; matrix
  functions ``inv tr det diag`` (``diag`` of a vector is the diagonal matrix).
* Greek letters may be typed or spelt: ``μ``/``mu``, ``σ``/``sigma``, ``ν``/``nu``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from widgets.math.formula_text import ExpressionError, Token, normalise, tokenise

#: Longest accepted input, in characters.
MAX_LENGTH = 400
#: Deepest accepted nesting of parentheses and function calls.
MAX_DEPTH = 20
#: Most nodes a parsed expression may have.
MAX_NODES = 200
#: Largest accepted |exponent|.
MAX_POWER = 10
#: Largest accepted magnitude of a typed number.
MAX_NUMBER = 1e15
#: The operators of the grammar.
OPERATORS = "+-*/@()^⊙"

Dim = str  # a dimension label such as "D", or "1"
Shape = tuple[Dim, Dim]

GREEK = {"μ": "mu", "σ": "sigma", "ν": "nu", "ε": "epsilon", "λ": "lambda_", "θ": "theta", "α": "alpha",
         "β": "beta", "Σ": "Sigma"}
ELEMENTWISE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp, "log": np.log, "ln": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "sqrt": np.sqrt,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}
MATRIX_FUNCTIONS = ("inv", "tr", "det", "diag")
FUNCTIONS = tuple(ELEMENTWISE) + MATRIX_FUNCTIONS
_LATEX_FUNCTIONS = {"exp": r"\exp", "log": r"\log", "ln": r"\ln", "sin": r"\sin", "cos": r"\cos",
                    "tan": r"\tan", "sinh": r"\sinh", "cosh": r"\cosh", "tanh": r"\tanh",
                    "sigmoid": r"\sigma", "tr": r"\operatorname{tr}", "det": r"\det",
                    "diag": r"\operatorname{diag}"}
_PRETTY_NAMES = {latin: greek for greek, latin in GREEK.items()}
_LATEX_NAMES = {"mu": r"\boldsymbol\mu", "sigma": r"\sigma", "nu": r"\boldsymbol\nu", "epsilon": r"\varepsilon",
                "lambda_": r"\lambda", "theta": r"\boldsymbol\theta", "alpha": r"\alpha", "beta": r"\beta",
                "Sigma": r"\boldsymbol\Sigma"}


class MatrixExpressionError(ExpressionError):
    """A matrix expression was rejected; ``str(error)`` is a short Chinese/English message."""


@dataclass(frozen=True)
class MatrixVariable:
    """A name the student may use: its symbolic shape and how random instances are drawn.

    ``kind``: ``"general"`` (standard normal entries), ``"positive"`` (entries in [0.5, 1.5]),
    ``"spd"`` (symmetric positive definite), ``"symmetric"``, ``"identity"``.
    """

    shape: Shape
    kind: str = "general"
    latex: str = ""


def variables(latex: Mapping[str, str] | None = None, **spec) -> dict[str, MatrixVariable]:
    """Return a name → :class:`MatrixVariable` table from ``x=("D", 1), S=("D", "D", "spd")``.

    Vectors and matrices print in bold (``\\boldsymbol x``) unless ``latex`` names them otherwise.
    """
    table = {}
    for name, value in spec.items():
        rows, cols, *kind = value
        shape = (str(rows), str(cols))
        symbol = _LATEX_NAMES.get(name, name)
        if shape != ("1", "1") and not symbol.startswith("\\boldsymbol"):
            symbol = rf"\boldsymbol{{{symbol}}}"
        table[name] = MatrixVariable(shape, *(kind or ["general"]), latex=(latex or {}).get(name, symbol))
    return table


# ---------------------------------------------------------------------------------------------
# tokens

def _normalise(text: str) -> str:
    """Turn typed notation (ᵀ, ⁻¹, ², ×, Greek letters, full-width brackets) into the plain grammar.

    The transposes and ``∘`` are this grammar's own; the front end does the rest, then Greek
    letters become their names and ``.T`` a transpose.
    """
    if isinstance(text, str) and len(text) <= MAX_LENGTH:
        text = text.replace("⁻ᵀ", "^(-1)^T ").replace("ᵀ", "^T ").replace("⊤", "^T ").replace("∘", "⊙")
    text = normalise(text, MAX_LENGTH, MatrixExpressionError)
    for greek, latin in GREEK.items():
        text = text.replace(greek, f" {latin} ")
    return re.sub(r"\.T(?![A-Za-z0-9_])", "^T ", text)


def _split_name(name: str, known: Sequence[str]) -> list[str] | None:
    """Split a run like ``Ax`` or ``xTAx`` into known names, longest first; None if impossible."""
    if name in known:
        return [name]
    for candidate in sorted(known, key=len, reverse=True):
        if name.startswith(candidate):
            rest = _split_name(name[len(candidate):], known) if name[len(candidate):] else []
            if rest is not None:
                return [candidate] + rest
    return None


def _tokenise(text: str, known: Sequence[str]) -> list[Token]:
    """Return the front end's tokens with functions marked and runs like ``xTAx`` split into known names."""
    tokens: list[Token] = []
    for token in tokenise(text, OPERATORS, MAX_LENGTH, MatrixExpressionError):
        value = token.text
        if token.kind != "name":
            tokens.append(token)
            continue
        if value in FUNCTIONS:
            tokens.append(Token("function", value))
            continue
        if tokens and tokens[-1].text == "^" and value.startswith("T") and value not in known:
            tokens.append(Token("name", "T"))  # ``x^TAx``: the transpose, then the names that follow
            value = value[1:]
            if not value:
                continue
        if value == "T" and value not in known:
            tokens.append(Token("name", "T"))  # a transpose in the wrong place: the parser says so
            continue
        parts = _split_name(value, list(known))
        if parts is None:
            allowed = "、".join(_pretty_name(k) for k in known if k != "T") or "无 (none)"
            raise MatrixExpressionError(f"未知的名称 {_pretty_name(value)!r}；可用的名称：{allowed}（unknown name）")
        tokens.extend(Token("name", p) for p in parts)
    return tokens


def _pretty_name(name: str) -> str:
    return _PRETTY_NAMES.get(name, name)


# ---------------------------------------------------------------------------------------------
# syntax tree


@dataclass
class Node:
    """A node of a parsed matrix expression: ``op``, children ``args``, symbolic ``shape``."""

    op: str  # "num", "var", "neg", "add", "sub", "matmul", "scale", "div", "hadamard", "T", "inv", "pow",
    # "tr", "det", "diag", or an elementwise function name
    args: tuple["Node", ...] = ()
    shape: Shape = ("1", "1")
    value: float | str | int | None = None  # the number, the variable's name, or the exponent
    constant: bool = False

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        """Return the 2-D numpy value of the expression for concrete arrays ``env`` (name → 2-D array)."""
        return _evaluate(self, env)

    def __str__(self) -> str:
        return _pretty(self)

    def latex(self) -> str:
        """Return the LaTeX form (bold vectors and matrices are left to the caller's names)."""
        return _latex(self)


def _shape_text(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _is_scalar(node: Node) -> bool:
    return node.shape == ("1", "1")


class _Parser:
    def __init__(self, tokens: list[Token], table: Mapping[str, MatrixVariable]):
        self.tokens, self.pos, self.table, self.depth, self.nodes = tokens, 0, table, 0, 0

    # helpers
    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise MatrixExpressionError("表达式不完整（incomplete expression）")
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.peek()
        if tok is None or tok.text != text:
            found = "结尾 (end)" if tok is None else repr(tok.text)
            raise MatrixExpressionError(f"这里应为 {text!r}，却是 {found}（expected {text!r}）")
        self.pos += 1

    def make(self, op: str, args: tuple[Node, ...], shape: Shape, value=None) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise MatrixExpressionError(f"表达式太长（more than {MAX_NODES} parts）")
        return Node(op, args, shape, value, all(a.constant for a in args) and op != "var")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MatrixExpressionError(f"嵌套太深（more than {MAX_DEPTH} levels）")

    # grammar
    def parse(self) -> Node:
        if not self.tokens:
            raise MatrixExpressionError("请输入一个表达式（empty expression）")
        node = self.sum()
        tok = self.peek()
        if tok is not None:
            if tok.text == ")":
                raise MatrixExpressionError("右括号多余（unbalanced ')'）")
            raise MatrixExpressionError(f"多余的 {tok.text!r}（unexpected {tok.text!r}）")
        return node

    def sum(self) -> Node:
        left = self.product()
        while (tok := self.peek()) is not None and tok.text in "+-":
            self.take()
            right = self.product()
            left = self.add(left, right, "add" if tok.text == "+" else "sub")
        return left

    def add(self, left: Node, right: Node, op: str) -> Node:
        if left.shape == right.shape:
            return self.make(op, (left, right), left.shape)
        for a, b in ((left, right), (right, left)):
            if a.constant and _is_scalar(a):
                return self.make(op, (left, right), b.shape)
        sign = "+" if op == "add" else "-"
        raise MatrixExpressionError(
            f"形状不匹配（shape mismatch）：{left} 是 {_shape_text(left.shape)}，{right} 是 "
            f"{_shape_text(right.shape)}，不能相{'加' if op == 'add' else '减'}（cannot {sign} them）")

    def product(self) -> Node:
        left = self.unary()
        while (tok := self.peek()) is not None:
            if tok.text in ("@", "*", "/", "⊙"):
                self.take()
                right = self.unary()
                left = self.multiply(left, right, tok.text)
            elif tok.kind in ("number", "name", "function") or tok.text == "(":
                right = self.unary()
                left = self.multiply(left, right, "@")
            else:
                break
        return left

    def multiply(self, left: Node, right: Node, op: str) -> Node:
        if op == "/":
            if not _is_scalar(right):
                raise MatrixExpressionError(f"只能除以标量（divide by a scalar only）：{right} 是 "
                                            f"{_shape_text(right.shape)}；矩阵的逆请用 inv(...)")
            return self.make("div", (left, right), left.shape)
        if op == "⊙":
            if left.shape != right.shape and not (_is_scalar(left) or _is_scalar(right)):
                raise MatrixExpressionError(f"形状不匹配（shape mismatch）：逐元素乘积要求同形，{left} 是 "
                                            f"{_shape_text(left.shape)}，{right} 是 {_shape_text(right.shape)}")
            shape = right.shape if _is_scalar(left) else left.shape
            return self.make("hadamard", (left, right), shape)
        if _is_scalar(left) or _is_scalar(right):
            return self.make("scale", (left, right), right.shape if _is_scalar(left) else left.shape)
        if op == "*":
            raise MatrixExpressionError(f"'*' 只用于数乘（scalar multiplication）：{left} 是 "
                                        f"{_shape_text(left.shape)}，{right} 是 {_shape_text(right.shape)}。"
                                        f"矩阵乘积请写 @ 或直接并列（如 A x），逐元素乘积写 ⊙")
        if left.shape[1] != right.shape[0]:
            raise MatrixExpressionError(
                f"形状不匹配（shape mismatch）：{left} 是 {_shape_text(left.shape)}，{right} 是 "
                f"{_shape_text(right.shape)}，不能相乘（cannot multiply: {left.shape[1]} ≠ {right.shape[0]}）")
        return self.make("matmul", (left, right), (left.shape[0], right.shape[1]))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.text in "+-":
            self.take()
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return operand if tok.text == "+" else self.make("neg", (operand,), operand.shape)
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        numeric_power = False
        while (tok := self.peek()) is not None and tok.text == "^":
            self.take()
            nxt = self.peek()
            if nxt is not None and nxt.text == "T":
                self.take()
                node = self.make("T", (node,), (node.shape[1], node.shape[0]))
                continue
            if numeric_power:
                raise MatrixExpressionError("连续的乘方有歧义，请加括号（ambiguous a^b^c: add parentheses）")
            exponent = self.exponent()
            numeric_power = True
            node = self.power(node, exponent)
        return node

    def exponent(self) -> int:
        tok = self.peek()
        wrapped = tok is not None and tok.text == "("
        if wrapped:
            self.take()
        sign = 1
        if (tok := self.peek()) is not None and tok.text in "+-":
            self.take()
            sign = -1 if tok.text == "-" else 1
        tok = self.peek()
        if tok is None or tok.kind != "number" or "." in tok.text:
            raise MatrixExpressionError(f"指数只能是整数或 T（exponent must be an integer or T, |k| ≤ {MAX_POWER}）")
        self.take()
        if len(tok.text) > 3 or int(tok.text) > MAX_POWER:
            raise MatrixExpressionError(f"指数太大（|exponent| > {MAX_POWER}）")
        if wrapped:
            self.expect(")")
        return sign * int(tok.text)

    def power(self, base: Node, k: int) -> Node:
        rows, cols = base.shape
        if rows != cols and "1" not in base.shape:
            raise MatrixExpressionError(f"{base} 是 {_shape_text(base.shape)}，不是方阵，不能求幂或求逆"
                                        f"（only square matrices have powers and inverses）")
        if k == -1 and rows == cols:
            return self.make("inv", (base,), base.shape)
        return self.make("pow", (base,), base.shape, k)

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            if len(tok.text) > 15:
                raise MatrixExpressionError("数字太长（number has too many digits）")
            value = float(tok.text)
            if not math.isfinite(value) or abs(value) > MAX_NUMBER or (value and abs(value) < 1 / MAX_NUMBER):
                raise MatrixExpressionError("数字超出范围（number out of range）")
            node = self.make("num", (), ("1", "1"), value)
            node.constant = True
            return node
        if tok.kind == "name":
            if tok.text == "T":
                raise MatrixExpressionError("转置请写在矩阵后面，如 xᵀ、x.T 或 x^T（write the transpose after a name）")
            var = self.table[tok.text]
            return self.make("var", (), var.shape, tok.text)
        if tok.kind == "function":
            if (nxt := self.peek()) is None or nxt.text != "(":
                raise MatrixExpressionError(f"函数 {tok.text} 需要括号，例如 {tok.text}(x)（write {tok.text}(...)）")
            self.take()
            self.enter()
            inner = self.sum()
            self.expect(")")
            self.depth -= 1
            return self.function(tok.text, inner)
        if tok.text == "(":
            self.enter()
            inner = self.sum()
            self.expect(")")
            self.depth -= 1
            return inner
        if tok.text == ")":
            raise MatrixExpressionError("括号里是空的或右括号多余（empty parentheses or unbalanced ')'）")
        raise MatrixExpressionError(f"这里不能出现 {tok.text!r}（unexpected {tok.text!r}）")

    def function(self, name: str, inner: Node) -> Node:
        rows, cols = inner.shape
        if name in ELEMENTWISE:
            return self.make(name, (inner,), inner.shape)
        if name == "diag":
            if "1" not in inner.shape:
                raise MatrixExpressionError(f"diag 的参数应是向量（diag takes a vector）：{inner} 是 {_shape_text(inner.shape)}")
            n = rows if cols == "1" else cols
            return self.make("diag", (inner,), (n, n))
        if rows != cols:
            raise MatrixExpressionError(f"{name} 需要方阵（{name} needs a square matrix）：{inner} 是 "
                                        f"{_shape_text(inner.shape)}")
        if name == "inv":
            return self.make("inv", (inner,), inner.shape)
        return self.make(name, (inner,), ("1", "1"))


def parse_matrix_expression(text: str, table: Mapping[str, MatrixVariable]) -> Node:
    """Return the syntax tree of a typed matrix expression, or raise MatrixExpressionError (never anything else)."""
    tokens = _tokenise(_normalise(text), list(table))
    if sum(t.text == "(" for t in tokens) > MAX_DEPTH * 3:
        raise MatrixExpressionError(f"括号太多（too many parentheses）")
    try:
        return _Parser(tokens, table).parse()
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops this first
        raise MatrixExpressionError(f"嵌套太深（more than {MAX_DEPTH} levels）") from None


# ---------------------------------------------------------------------------------------------
# evaluation, printing


def _evaluate(node: Node, env: Mapping[str, np.ndarray]) -> np.ndarray:
    op, args = node.op, [_evaluate(a, env) for a in node.args]
    if op == "num":
        return np.array([[node.value]], dtype=float)
    if op == "var":
        return np.asarray(env[node.value], dtype=float)
    if op == "neg":
        return -args[0]
    if op in ("add", "sub"):
        a, b = args
        return a + b if op == "add" else a - b  # a constant 1×1 broadcasts like numpy
    if op == "matmul":
        return args[0] @ args[1]
    if op in ("scale", "hadamard"):
        return args[0] * args[1]
    if op == "div":
        return args[0] / args[1]
    if op == "T":
        return args[0].T
    if op == "inv":
        return np.linalg.inv(args[0])
    if op == "pow":
        a, k = args[0], int(node.value)
        if a.shape[0] == a.shape[1] and a.shape != (1, 1):
            return np.linalg.matrix_power(a, k)
        return a ** float(k)
    if op == "tr":
        return np.array([[np.trace(args[0])]])
    if op == "det":
        return np.array([[np.linalg.det(args[0])]])
    if op == "diag":
        return np.diag(args[0].ravel())
    return ELEMENTWISE[op](args[0])


_PRECEDENCE = {"add": 1, "sub": 1, "matmul": 2, "scale": 2, "div": 2, "hadamard": 2, "neg": 3}


def _prec(node: Node) -> int:
    return _PRECEDENCE.get(node.op, 4)


def _pretty(node: Node) -> str:
    op = node.op
    if op == "num":
        return f"{node.value:g}"
    if op == "var":
        return _pretty_name(node.value)

    def wrap(child: Node, level: int) -> str:
        text = _pretty(child)
        return f"({text})" if _prec(child) < level else text

    if op in ("add", "sub"):
        return f"{_pretty(node.args[0])} {'+' if op == 'add' else '-'} {wrap(node.args[1], 2)}"
    if op == "neg":
        return "-" + wrap(node.args[0], 3)
    if op in ("matmul", "scale"):
        return f"{wrap(node.args[0], 2)} {wrap(node.args[1], 3)}"
    if op == "div":
        return f"{wrap(node.args[0], 2)}/{wrap(node.args[1], 3)}"
    if op == "hadamard":
        return f"{wrap(node.args[0], 2)} ⊙ {wrap(node.args[1], 3)}"
    if op == "T":
        return wrap(node.args[0], 4) + "ᵀ"
    if op == "inv" and node.args[0].op == "var":
        return _pretty(node.args[0]) + "⁻¹"
    if op == "pow":
        return f"{wrap(node.args[0], 4)}^{node.value}"
    return f"{op}({_pretty(node.args[0])})"


def _latex_name(name: str, table_latex: Mapping[str, str]) -> str:
    if name in table_latex and table_latex[name]:
        return table_latex[name]
    return _LATEX_NAMES.get(name, name)


def _latex(node: Node, names: Mapping[str, str] | None = None) -> str:
    names = names or {}
    op = node.op

    def sub(child: Node) -> str:
        return _latex(child, names)

    def wrap(child: Node, level: int) -> str:
        text = sub(child)
        return rf"\left({text}\right)" if _prec(child) < level else text

    if op == "num":
        return f"{node.value:g}"
    if op == "var":
        return _latex_name(node.value, names)
    if op in ("add", "sub"):
        return f"{sub(node.args[0])} {'+' if op == 'add' else '-'} {wrap(node.args[1], 2)}"
    if op == "neg":
        return "-" + wrap(node.args[0], 3)
    if op in ("matmul", "scale"):
        return f"{wrap(node.args[0], 2)}\\,{wrap(node.args[1], 3)}"
    if op == "div":
        top, bottom = node.args
        if top.op == "neg" and top.args[0].constant:
            return rf"-\frac{{{sub(top.args[0])}}}{{{sub(bottom)}}}"
        if top.constant or _prec(top) >= 2:
            return rf"\frac{{{sub(top)}}}{{{sub(bottom)}}}"
        return rf"{wrap(top, 2)}/{wrap(bottom, 3)}"
    if op == "hadamard":
        return rf"{wrap(node.args[0], 2)}\odot {wrap(node.args[1], 3)}"
    if op == "T":
        child = node.args[0]
        if child.op == "inv" and child.args[0].op == "var":
            return sub(child.args[0]) + r"^{-\top}"
        if child.op in ("inv", "pow", "T"):
            return "{" + sub(child) + r"}^{\top}"
        return wrap(child, 4) + r"^{\top}"
    if op == "inv":
        return wrap(node.args[0], 4) + "^{-1}"
    if op == "pow":
        return f"{wrap(node.args[0], 4)}^{{{node.value}}}"
    if op == "sqrt":
        return rf"\sqrt{{{sub(node.args[0])}}}"
    return rf"{_LATEX_FUNCTIONS.get(op, op)}\left({sub(node.args[0])}\right)"


def to_latex(text: str, table: Mapping[str, MatrixVariable]) -> str:
    """Return the LaTeX of a matrix expression, with each variable's ``latex`` (default: its name)."""
    names = {name: var.latex for name, var in table.items()}
    return _latex(parse_matrix_expression(text, table), names)


# ---------------------------------------------------------------------------------------------
# random instances and comparison


def _dims(table: Mapping[str, MatrixVariable]) -> list[str]:
    return sorted({d for v in table.values() for d in v.shape if d != "1" and not d.isdigit()})


def random_instance(table: Mapping[str, MatrixVariable], rng: np.random.Generator,
                    sizes: Mapping[str, int] | None = None) -> dict[str, np.ndarray]:
    """Return name → random 2-D array, with distinct sizes (2…6) for the symbolic dimensions."""
    labels = _dims(table)
    if sizes is None:
        picks = rng.permutation(np.arange(2, 2 + max(5, len(labels))))[:len(labels)]
        sizes = dict(zip(labels, (int(p) for p in picks)))
    size = lambda d: 1 if d == "1" else (int(d) if d.isdigit() else sizes[d])  # noqa: E731
    env = {}
    for name, var in table.items():
        shape = (size(var.shape[0]), size(var.shape[1]))
        if var.kind == "identity":
            value = np.eye(shape[0])
        elif var.kind == "positive":
            value = rng.uniform(0.5, 1.5, size=shape)
        elif var.kind in ("spd", "symmetric"):
            m = rng.normal(size=shape)
            value = m @ m.T + shape[0] * np.eye(shape[0]) if var.kind == "spd" else m + m.T
        else:
            value = rng.normal(size=shape) / np.sqrt(max(shape))
            if shape[0] == shape[1] and shape != (1, 1):
                value = value + np.eye(shape[0])  # keeps a general square matrix well conditioned
        env[name] = value
    return env


@dataclass
class Comparison:
    """How an answer relates to a reference on random instances."""

    relation: str  # "equal", "transposed", "negated", "scaled", "different", "undefined"
    factor: float = 1.0
    details: dict = field(default_factory=dict)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= 1e-8 * np.maximum(1.0, np.maximum(abs(a), abs(b)))))


def compare(answer: Node, reference: Node, table: Mapping[str, MatrixVariable], seed: int = 0,
            instances: int = 4) -> Comparison:
    """Compare two parsed expressions on ``instances`` random instances (seeded)."""
    rng = np.random.default_rng(seed)
    pairs = []
    with np.errstate(all="ignore"):
        for _ in range(instances):
            env = random_instance(table, rng)
            try:
                ref = reference.evaluate(env)
            except np.linalg.LinAlgError:
                continue
            try:
                ans = answer.evaluate(env)
            except np.linalg.LinAlgError:
                return Comparison("undefined")
            if not np.all(np.isfinite(ref)):
                continue
            if not np.all(np.isfinite(ans)):
                return Comparison("undefined")
            pairs.append((ans, ref))
    if not pairs:
        return Comparison("undefined")
    if all(_close(a, r) for a, r in pairs):
        return Comparison("equal")
    if all(_close(a.T, r) for a, r in pairs):
        return Comparison("transposed")
    if all(_close(-a, r) for a, r in pairs) and any(np.abs(r).max() > 1e-8 for _, r in pairs):
        return Comparison("negated")
    if all(_close(-a.T, r) for a, r in pairs) and any(np.abs(r).max() > 1e-8 for _, r in pairs):
        return Comparison("transposed")
    if all(a.shape == r.shape for a, r in pairs):
        values_a = np.concatenate([a.ravel() for a, _ in pairs])
        values_r = np.concatenate([r.ravel() for _, r in pairs])
        mask = np.abs(values_r) > 1e-8
        if mask.any():
            k = float(np.median(values_a[mask] / values_r[mask]))
            if abs(k) > 1e-8 and np.all(np.abs(values_a - k * values_r) <= 1e-7 * np.maximum(1.0, np.abs(values_a))):
                return Comparison("scaled", k)
    return Comparison("different")


def shapes_of(text: str, table: Mapping[str, MatrixVariable]) -> Shape:
    """Return the symbolic shape of a matrix expression, e.g. ``("1", "D")`` for ``2 xᵀ A``."""
    return parse_matrix_expression(text, table).shape


def evaluate(text: str, table: Mapping[str, MatrixVariable], env: Mapping[str, np.ndarray]) -> np.ndarray:
    """Return the numpy value of a typed matrix expression for the given arrays."""
    with np.errstate(all="ignore"):
        return parse_matrix_expression(text, table).evaluate(env)

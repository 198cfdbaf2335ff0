"""A safe parser for the formulas students type: text -> sympy expression (used wherever a formula box appears).

Nothing here passes text to ``eval``, ``exec``, ``sympify`` or ``parse_expr``. The text is
normalised and tokenised by the front end both parsers share (:mod:`widgets.math.formula_text`),
implicit products are made explicit, ``ast.parse`` builds a
syntax tree (parsing only, never running), and a whitelist walk of that tree builds the
sympy expression node by node. Every rejection raises :class:`ExpressionError` with a
short bilingual message.
"""

from __future__ import annotations

import ast
import math
from fractions import Fraction
from typing import Iterable, Sequence

import sympy as sp

from widgets.math.formula_text import ExpressionError, Token, normalise, tokenise

#: Longest accepted input, in characters.
MAX_LENGTH = 300
#: Deepest accepted parenthesis nesting.
MAX_DEPTH = 20
#: Largest accepted syntax tree, in nodes.
MAX_NODES = 250
#: Largest accepted magnitude of a constant exponent.
MAX_EXPONENT = 1000
#: Largest number of decimal digits a constant may reach (floats end near 1e308).
MAX_DIGITS = 300
#: The operators of the grammar (``^`` is the power; the front end writes ``**`` as ``^``).
OPERATORS = "+-*/^(),"


def _sigmoid(z):
    return 1 / (1 + sp.exp(-z))


#: Whitelisted functions: name -> (sympy builder, number of arguments).
FUNCTIONS: dict[str, tuple] = {
    "sin": (sp.sin, 1), "cos": (sp.cos, 1), "tan": (sp.tan, 1),
    "asin": (sp.asin, 1), "acos": (sp.acos, 1), "atan": (sp.atan, 1),
    "arcsin": (sp.asin, 1), "arccos": (sp.acos, 1), "arctan": (sp.atan, 1),
    "sinh": (sp.sinh, 1), "cosh": (sp.cosh, 1), "tanh": (sp.tanh, 1),
    "exp": (sp.exp, 1), "log": (sp.log, 1), "ln": (sp.log, 1),
    "sqrt": (sp.sqrt, 1), "abs": (sp.Abs, 1), "sigmoid": (_sigmoid, 1),
}
#: Whitelisted constants.
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E, "E": sp.E}

def _split_name(name: str, variables: Sequence[str]) -> list[str] | None:
    """Split a run like ``xy`` or ``x1x2`` into known variable names, longest first; None if impossible."""
    if name in variables or name in FUNCTIONS or name in CONSTANTS:
        return [name]
    for var in sorted(variables, key=len, reverse=True):
        if name.startswith(var):
            rest = _split_name(name[len(var):], variables) if name[len(var):] else []
            if rest is not None:
                return [var] + rest
    return None


def _with_implicit_products(tokens: list[Token], variables: Sequence[str]) -> list[Token]:
    """Insert the ``*`` students leave out: ``2x``, ``2(x+1)``, ``(x+1)(x-1)``, ``x sin(x)``, ``xy``."""
    expanded: list[Token] = []
    for tok in tokens:
        if tok.kind == "name" and tok.text not in FUNCTIONS:
            parts = _split_name(tok.text, variables)
            if parts and len(parts) > 1:
                for i, part in enumerate(parts):
                    if i:
                        expanded.append(Token("op", "*"))
                    expanded.append(Token("name", part))
                continue
        expanded.append(tok)

    out: list[Token] = []
    for i, tok in enumerate(expanded):
        if out and out[-1].kind == "name" and tok.text == "(":
            name = out[-1].text
            if name not in FUNCTIONS and name not in variables and name not in CONSTANTS:
                raise ExpressionError(f"不支持的函数 {name}（unknown function）")
        if out and out[-1].kind == "name" and out[-1].text in FUNCTIONS and tok.text != "(":
            # ``sin x`` or ``sin 2x``: the function applies to the run of numbers and names that follows.
            run = []
            for nxt in expanded[i:]:
                if nxt.kind in ("number", "name") and nxt.text not in FUNCTIONS:
                    run.append(nxt)
                else:
                    break
            if not run:
                raise ExpressionError(f"函数 {out[-1].text} 需要括号，例如 {out[-1].text}(x)（write {out[-1].text}(...)）")
            following = expanded[i + len(run)] if i + len(run) < len(expanded) else None
            if following is not None and following.text == "^":
                raise ExpressionError(f"有歧义，请加括号，例如 {out[-1].text}(x)^2（ambiguous: add parentheses）")
            out.append(Token("op", "("))
            out.extend(_with_implicit_products(run, variables))
            out.append(Token("op", ")"))
            skip = len(run)
            expanded[i:i + skip] = [Token("skip", "")] * skip
            continue
        if tok.kind == "skip":
            continue
        if out:
            prev = out[-1]
            prev_ends_value = prev.kind == "number" or prev.text == ")" or (prev.kind == "name" and prev.text not in FUNCTIONS)
            starts_value = tok.kind in ("number", "name") or tok.text == "("
            if prev_ends_value and starts_value and not (prev.kind == "number" and tok.kind == "number"):
                out.append(Token("op", "*"))
        out.append(tok)
    return out


def _check_depth(tokens: Iterable[Token]) -> None:
    depth = 0
    for tok in tokens:
        if tok.text == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(f"括号嵌套太深（more than {MAX_DEPTH} levels of parentheses）")
        elif tok.text == ")":
            depth -= 1
            if depth < 0:
                raise ExpressionError("右括号多余（unbalanced ')'）")
    if depth:
        raise ExpressionError("缺少右括号（missing ')'）")


def _digits(value: sp.Expr) -> float:
    """Return log10 |value| for a rational constant (0 for zero)."""
    if value == 0:
        return 0.0
    p, q = abs(int(value.p)), int(value.q)
    return (p.bit_length() - q.bit_length()) * math.log10(2)


class _Builder:
    """Walk a whitelisted Python syntax tree and build the sympy expression."""

    def __init__(self, symbols: dict[str, sp.Symbol]):
        self.symbols = symbols

    def build(self, node: ast.AST) -> sp.Expr:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ExpressionError(f"不允许的写法：{_describe(node)}（not allowed）")
        return method(node)

    def _Expression(self, node: ast.Expression) -> sp.Expr:
        return self.build(node.body)

    def _Constant(self, node: ast.Constant) -> sp.Expr:
        raise ExpressionError("不允许的常量（constant not allowed）")  # numbers are handled by _Name/_number

    def _Name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if name.startswith("_n"):
            return self.numbers[int(name[2:])]
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise ExpressionError(f"函数 {name} 需要括号，例如 {name}(x)（write {name}(...)）")
        allowed = ", ".join(self.symbols) or "none"
        raise ExpressionError(f"未知的名称 {name!r}；可用变量：{allowed}（unknown name）")

    def _UnaryOp(self, node: ast.UnaryOp) -> sp.Expr:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExpressionError(f"不允许的运算：{_describe(node)}（not allowed）")

    def _BinOp(self, node: ast.BinOp) -> sp.Expr:
        left, right = self.build(node.left), self.build(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return self._checked(left * right)
        if isinstance(op, ast.Div):
            if right == 0:
                raise ExpressionError("除以零（division by zero）")
            return self._checked(left / right)
        if isinstance(op, ast.Pow):
            return self._power(left, right)
        raise ExpressionError(f"不允许的运算：{_describe(node)}（not allowed）")

    def _power(self, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if exponent.is_number:
            if not exponent.is_real:
                raise ExpressionError("指数必须是实数（exponent must be real）")
            if exponent.is_Rational and abs(exponent) > MAX_EXPONENT:
                raise ExpressionError(f"指数太大（|exponent| > {MAX_EXPONENT}）")
            if exponent.is_Rational and base.is_Rational:
                if base == 0 and exponent < 0:
                    raise ExpressionError("0 的负数次幂无定义（0 to a negative power）")
                if _digits(base) * abs(float(exponent)) > MAX_DIGITS:
                    raise ExpressionError("数字太大（number too large）")
        elif base.is_number and base.is_Rational and abs(_digits(base)) > 50:
            raise ExpressionError("数字太大（number too large）")
        return self._checked(base ** exponent)

    def _checked(self, value: sp.Expr) -> sp.Expr:
        # sympy merges powers as it builds them: (x^1000)^1000 becomes x^1000000
        if value.is_Pow and value.exp.is_Rational and abs(value.exp) > MAX_EXPONENT:
            raise ExpressionError(f"指数太大（|exponent| > {MAX_EXPONENT}）")
        if value.is_Rational and (_digits(value) > MAX_DIGITS or -_digits(value) > MAX_DIGITS):
            raise ExpressionError("数字太大（number too large）")
        if value.has(sp.zoo, sp.nan):
            raise ExpressionError("表达式无定义（undefined, e.g. division by zero）")
        return value

    def _Call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
            raise ExpressionError(f"不支持的函数 {name}（unknown function）")
        if node.keywords:
            raise ExpressionError("函数不接受关键字参数（no keyword arguments）")
        builder, arity = FUNCTIONS[node.func.id]
        if len(node.args) != arity:
            raise ExpressionError(f"{node.func.id} 需要 {arity} 个参数（takes {arity} argument）")
        return self._checked(builder(*[self.build(a) for a in node.args]))


def _describe(node: ast.AST) -> str:
    names = {"Attribute": "属性访问 '.'", "Subscript": "下标 []", "Lambda": "lambda", "Compare": "比较",
             "BoolOp": "and/or", "ListComp": "列表推导", "GeneratorExp": "生成器", "Tuple": "逗号",
             "List": "列表", "Dict": "字典", "Set": "集合", "IfExp": "if 表达式", "NamedExpr": ":=",
             "Starred": "*", "JoinedStr": "字符串", "Await": "await", "Yield": "yield", "FloorDiv": "//",
             "Mod": "%", "MatMult": "@", "BitXor": "^"}
    kind = type(node).__name__
    if isinstance(node, ast.BinOp):
        kind = type(node.op).__name__
    return names.get(kind, kind)


def parse_expression(text: str, variables: Sequence[str | sp.Symbol] = ("x",)) -> sp.Expr:
    """Return the sympy expression for a typed formula such as ``x^2 + 2x``, or raise ExpressionError.

    ``variables`` are the names a student may use; strings become real sympy symbols,
    sympy symbols are used as they are.
    """
    text = normalise(text, MAX_LENGTH)
    symbols = {}
    for v in variables:
        symbol = v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True)
        symbols[symbol.name] = symbol
    tokens = tokenise(text, OPERATORS, MAX_LENGTH)
    if not tokens:
        raise ExpressionError("请输入一个公式（empty formula）")
    tokens = _with_implicit_products(tokens, list(symbols))
    _check_depth(tokens)

    # Numbers are replaced by placeholders so the syntax tree holds names only; their exact
    # values are kept aside as sympy rationals.
    numbers: list[sp.Expr] = []
    pieces = []
    for tok in tokens:
        if tok.kind == "number":
            if len(tok.text.replace(".", "").lstrip("0")) > 30:
                raise ExpressionError("数字太长（number has too many digits）")
            frac = Fraction(tok.text)
            if abs(frac) > 10 ** 30 or (frac and abs(frac) < Fraction(1, 10 ** 30)):
                raise ExpressionError("数字超出范围（number out of range）")
            pieces.append(f"_n{len(numbers)}")
            numbers.append(sp.Rational(frac.numerator, frac.denominator))
        else:
            pieces.append("**" if tok.text == "^" else tok.text)
    source = " ".join(pieces)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ExpressionError("公式有语法错误（syntax error）") from None
    node_count = sum(1 for _ in ast.walk(tree))
    if node_count > MAX_NODES:
        raise ExpressionError(f"公式太长（more than {MAX_NODES} parts）")
    builder = _Builder(symbols)
    builder.numbers = numbers
    try:
        return builder.build(tree)
    except ExpressionError:
        raise
    except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"无法计算这个公式（cannot evaluate: {type(exc).__name__}）") from None


def to_sympy(value, variables: Sequence[str | sp.Symbol] = ("x",)) -> sp.Expr:
    """Return ``value`` as a sympy object: text through :func:`parse_expression`, numbers exactly, sympy as is.

    The one way the package turns an arbitrary value into sympy (``sympify`` would evaluate text).
    """
    if isinstance(value, str):
        return parse_expression(value, variables)
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return value
    if isinstance(value, bool):
        raise TypeError("expected a number or an expression, got a bool")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Float(value)
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():  # numpy scalars
        return to_sympy(value.item(), variables)
    raise TypeError(f"cannot turn {type(value).__name__} into a sympy expression")

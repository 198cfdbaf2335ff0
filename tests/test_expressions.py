"""The safe parser: what students type is accepted, everything else is refused with a message."""

import os
import string

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from hang import fail_if_it_hangs
from widgets.math.expressions import MAX_LENGTH, ExpressionError, parse_expression

x, y = sp.symbols("x y", real=True)


@pytest.fixture(autouse=True)
def hang_guard():
    """Fail (instead of hanging the suite) if one parse takes more than 10 s: a guard, not a timing test."""
    with fail_if_it_hangs(10, "parse_expression"):
        yield


ACCEPTED = [
    ("x^2", x ** 2),
    ("2x", 2 * x),
    ("2x + 1", 2 * x + 1),
    ("e^x", sp.exp(x)),
    ("exp(x)", sp.exp(x)),
    ("ln(1+x)", sp.log(1 + x)),
    ("log(x)", sp.log(x)),
    ("sqrt(x)", sp.sqrt(x)),
    ("sin(x) + cos(x)", sp.sin(x) + sp.cos(x)),
    ("sin x", sp.sin(x)),
    ("2 sin x cos x", 2 * sp.sin(x) * sp.cos(x)),
    ("pi x", sp.pi * x),
    ("π/2", sp.pi / 2),
    ("（x+1）×2÷3", (x + 1) * 2 / 3),
    ("x² + x³", x ** 2 + x ** 3),
    ("x − 1", x - 1),
    ("0.5x", x / 2),
    ("1/(1-x)", 1 / (1 - x)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x(x+1)", x * (x + 1)),
    ("x**3", x ** 3),
    ("tanh(x)", sp.tanh(x)),
    ("arctan(x)", sp.atan(x)),
    ("abs(x)", sp.Abs(x)),
    ("sigmoid(x)", 1 / (1 + sp.exp(-x))),
    ("ｘ＋１", x + 1),
]


@pytest.mark.parametrize("text, expected", ACCEPTED)
def test_accepts_what_students_type(text, expected):
    assert sp.simplify(parse_expression(text) - expected) == 0


def test_several_variables_and_implicit_products():
    assert parse_expression("xy + 2x y^2", ("x", "y")) == x * y + 2 * x * y ** 2
    x1, x2 = sp.symbols("x1 x2", real=True)
    assert parse_expression("x1^2 x2 + x1 x2^3", ("x1", "x2")) == x1 ** 2 * x2 + x1 * x2 ** 3
    t = sp.Symbol("t")
    assert parse_expression("sin(t)", (t,)) == sp.sin(t)  # a given sympy symbol is used as is


REJECTED = [
    ('__import__("os").system("ls")', "字符"),
    ("x.__class__", "字符"),
    ("().__class__.__bases__", "字符"),
    ("9**9**9**9", "指数"),
    ("2^100000", "指数"),
    ("10^400", "数字"),
    ("lambda: 1", "字符"),
    ("[i for i in x]", "字符"),
    ("import os", "syntax"),
    ("open(x)", "函数"),
    ("foo(x)", "函数"),
    ("eval(x)", "函数"),
    ("exp(x, 2)", "参数"),
    ("y", "未知"),
    ("x ==1", "字符"),
    ("x if x else 1", "syntax"),
    ("(" * 60 + "x" + ")" * 60, "嵌套"),
    ("x" * (MAX_LENGTH + 1), "太长"),
    ("1/0", "零"),
    ("0^-1", "0"),
    ("sin", "括号"),
    ("sin x^2", "歧义"),
    ("x,", "逗号"),
    ("1e400", "范围"),
    ("", "empty"),
    ("   ", "empty"),
    ("хх", "未知"),  # Cyrillic look-alikes of x
    ("x @ x", "字符"),
    ("_x", "未知"),
    ("x // 2", "syntax"),
    ("x % 2", "字符"),
    ("True", "常量"),
    ("(x", "括号"),
    ("x)", "括号"),
]


@pytest.mark.parametrize("text, fragment", REJECTED)
def test_rejects_everything_else_with_a_message(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert fragment in str(info.value)
    assert len(str(info.value)) < 120


def test_a_100_kb_string_is_refused():
    with pytest.raises(ExpressionError, match="太长"):
        parse_expression("x+" * 50_000 + "x")


def test_non_text_is_refused():
    with pytest.raises(ExpressionError):
        parse_expression(b"x")


def test_nothing_is_executed(tmp_path):
    canary = tmp_path / "canary"
    attempts = [f'__import__("os").system("touch {canary}")', f"open('{canary}', 'w')",
                f'exec("open({canary!r}, \'w\')")', "x.__globals__", "().__class__"]
    for text in attempts:
        with pytest.raises(ExpressionError):
            parse_expression(text)
    assert not canary.exists()


ALPHABET = string.ascii_letters + string.digits + "+-*/^()., _[]{}'\"=<>!@#$%&|~`?:;\\" + "×÷²³（）π√∞中文"


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_text_only_ever_raises_expression_error(text):
    try:
        result = parse_expression(text, ("x", "y"))
    except ExpressionError:
        return
    assert isinstance(result, sp.Basic)
    assert result.free_symbols <= {x, y}


TOKENS = ["x", "y", "2", "0.5", "9", "+", "-", "*", "/", "^", "**", "(", ")", "sin", "exp", "log", "sqrt", "e", "pi"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_random_formulas_parse_or_fail_cleanly(tokens):
    try:
        result = parse_expression(" ".join(tokens), ("x", "y"))
    except ExpressionError:
        return
    assert isinstance(result, sp.Basic)

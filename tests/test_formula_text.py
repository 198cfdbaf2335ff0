"""The front end both formula parsers share: typed text -> plain text -> tokens, with one set of limits and messages."""

import numpy as np
import pytest

from widgets.math import matrix_expressions as mx
from widgets.math.expressions import parse_expression
from widgets.math.formula_text import EXPANSION, ExpressionError, Token, normalise, tokenise

OPS = "+-*/^(),"


@pytest.mark.parametrize("typed, plain", [
    ("x²", "x^(2)"),
    ("x²³ + y⁻¹", "x^(23) + y^(-1)"),
    ("2x⁻²", "2x^(-2)"),
    ("（ｘ＋１）", "(x+1)"),           # full-width forms
    ("𝐱 𝑦", "x y"),                   # mathematical bold and italic letters
    ("3×x·y⋅z∗w", "3*x*y*z*w"),
    ("x÷2", "x/2"),
    ("x − y – z", "x - y - z"),
    ("x**2", "x^2"),
    ("x ^ 2", "x ^ 2"),
    ("µ", "μ"),                        # the micro sign is the Greek letter
    ("plain text", "plain text"),
])
def test_normalise_turns_typed_notation_into_plain_syntax(typed, plain):
    assert normalise(typed, 100) == plain


def test_normalise_refuses_non_text_and_text_over_the_limit():
    with pytest.raises(ExpressionError, match="请输入文本"):
        normalise(b"x", 10)
    with pytest.raises(ExpressionError, match="请输入文本"):
        normalise(None, 10)
    assert normalise("x" * 10, 10) == "x" * 10
    with pytest.raises(ExpressionError) as info:
        normalise("x" * 11, 10)
    assert str(info.value) == "输入太长（longer than 10 characters）"


def test_the_error_class_is_the_callers():
    class Mine(ExpressionError):
        pass

    for call in (lambda: normalise(1, 5, Mine), lambda: normalise("x" * 6, 5, Mine), lambda: tokenise("x;", OPS, 5, Mine),
                 lambda: tokenise("_x", OPS, 5, Mine), lambda: tokenise("x" * 16, OPS, 5, Mine)):
        with pytest.raises(Mine):
            call()


def test_tokenise_cuts_numbers_names_and_operators():
    tokens = tokenise("2x1 + .5*sin(y)^2 - 1.5e-3 , π", OPS, 100)
    assert tokens == [Token("number", "2"), Token("name", "x1"), Token("op", "+"), Token("number", ".5"),
                      Token("op", "*"), Token("name", "sin"), Token("op", "("), Token("name", "y"),
                      Token("op", ")"), Token("op", "^"), Token("number", "2"), Token("op", "-"),
                      Token("number", "1.5e-3"), Token("op", ","), Token("name", "π")]


def test_tokenise_ignores_white_space_and_returns_nothing_for_blank_text():
    assert tokenise("  \t\n ", OPS, 10) == []
    assert tokenise(" x\t+ 1 ", OPS, 10) == [Token("name", "x"), Token("op", "+"), Token("number", "1")]


def test_only_the_grammars_operators_are_tokens():
    assert tokenise("A@x", "@", 10)[1] == Token("op", "@")
    with pytest.raises(ExpressionError) as info:
        tokenise("A@x", OPS, 10)
    assert str(info.value) == "不能识别的字符 '@'（unexpected character）"


@pytest.mark.parametrize("text, bad", [("x;1", ";"), ("x.y", "."), ("a[0]", "["), ("'x'", "'"), ("x = 1", "="),
                                       ("x ! y", "!"), ("x\\y", "\\")])
def test_any_other_character_is_refused_at_the_first_one(text, bad):
    with pytest.raises(ExpressionError) as info:
        tokenise(text, OPS, 100)
    assert str(info.value) == f"不能识别的字符 {bad!r}（unexpected character）"


def test_names_starting_with_an_underscore_are_refused_after_every_character_is_known():
    with pytest.raises(ExpressionError, match="未知的名称 '__class__'"):
        tokenise("x + __class__", OPS, 100)
    with pytest.raises(ExpressionError, match="不能识别的字符 '\\.'"):
        tokenise("__x.y", OPS, 100)       # the unknown character is reported first


def test_plain_text_may_grow_to_the_expansion_limit_and_no_further():
    limit = 10
    assert len(tokenise("x" * (EXPANSION * limit), OPS, limit)) == 1
    with pytest.raises(ExpressionError, match="输入太长（longer than 10 characters）"):
        tokenise("x" * (EXPANSION * limit + 1), OPS, limit)


# Both parsers read typed notation through this front end, so they read it the same way.
SIGMA = mx.variables(sigma=("1", "1", "positive"))


@pytest.mark.parametrize("typed, plain", [
    ("3·σ²−σ÷2", "3*sigma^2-sigma/2"),
    ("（σ＋1）⁻¹", "(sigma+1)^(-1)"),
    ("2e-1 σ", "0.2 sigma"),
    ("σ**3", "sigma^3"),
])
def test_both_parsers_read_typed_notation_alike(typed, plain):
    assert parse_expression(typed.replace("σ", "sigma"), ("sigma",)) == parse_expression(plain, ("sigma",))
    env = {"sigma": np.array([[0.7]])}
    np.testing.assert_allclose(mx.parse_matrix_expression(typed, SIGMA).evaluate(env),
                               mx.parse_matrix_expression(plain, SIGMA).evaluate(env), rtol=1e-12)


@pytest.mark.parametrize("text, message", [
    ("x ; 1", "不能识别的字符 ';'（unexpected character）"),
    ("x + _y", "未知的名称 '_y'（unknown name）"),
    (7, "请输入文本（expected text）"),
])
def test_both_parsers_refuse_with_the_same_message(text, message):
    with pytest.raises(ExpressionError) as scalar:
        parse_expression(text, ("x",))
    with pytest.raises(mx.MatrixExpressionError) as matrix:
        mx.parse_matrix_expression(text, mx.variables(x=("n", 1)))
    assert str(scalar.value) == str(matrix.value) == message


def test_a_lone_superscript_minus_is_an_exponent_sign_in_both_parsers():
    with pytest.raises(ExpressionError):
        parse_expression("x⁻ 2")
    with pytest.raises(ExpressionError, match="指数"):
        mx.parse_matrix_expression("x⁻ 2", mx.variables(x=("n", 1)))


def test_numbers_out_of_range_are_refused_by_the_matrix_grammar():
    table = mx.variables(x=("n", 1))
    assert mx.parse_matrix_expression("1e3 x", table).args[0].value == 1000.0
    for text in ("1e400 x", "1e16 x", "1e-16 x"):
        with pytest.raises(mx.MatrixExpressionError, match="范围"):
            mx.parse_matrix_expression(text, table)

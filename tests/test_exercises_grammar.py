"""The matrix-expression grammar of the answer boxes: what is accepted, what it means, what is refused."""


import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from hang import fail_if_it_hangs
from widgets.math import matrix_expressions as mx
from widgets.exercises.answers import check_matrix_answer
from widgets.math.expressions import ExpressionError

TABLE = mx.variables(x=("D", 1), A=("E", "D"), b=("E", 1), S=("D", "D"), mu=("D", 1), sigma=("1", "1", "positive"),
                     I=("D", "D", "identity"), C=("E", "E", "spd"))


@pytest.fixture(autouse=True)
def hang_guard():
    """Fail instead of hanging if one parse takes more than 10 s: a guard, not a timing test."""
    with fail_if_it_hangs(10, "parse"):
        yield


@pytest.fixture
def env():
    rng = np.random.default_rng(1)
    return {"x": rng.normal(size=(3, 1)), "A": rng.normal(size=(2, 3)), "b": rng.normal(size=(2, 1)),
            "S": rng.normal(size=(3, 3)) + 3 * np.eye(3), "mu": rng.normal(size=(3, 1)), "sigma": np.array([[0.7]]),
            "I": np.eye(3), "C": np.array([[2.0, 0.5], [0.5, 1.0]])}


# text, the same quantity written with numpy, shape
MEANINGS = [
    ("xᵀ x", lambda e: e["x"].T @ e["x"], ("1", "1")),
    ("x.T @ x", lambda e: e["x"].T @ e["x"], ("1", "1")),
    ("x^T x", lambda e: e["x"].T @ e["x"], ("1", "1")),
    ("x^TSx", lambda e: e["x"].T @ e["S"] @ e["x"], ("1", "1")),
    ("Ax + b", lambda e: e["A"] @ e["x"] + e["b"], ("E", "1")),
    ("A@x+b", lambda e: e["A"] @ e["x"] + e["b"], ("E", "1")),
    ("（A x ＋ b）", lambda e: e["A"] @ e["x"] + e["b"], ("E", "1")),
    ("2 xᵀ Aᵀ", lambda e: 2 * e["x"].T @ e["A"].T, ("1", "E")),
    ("(xᵀx) x", lambda e: (e["x"].T @ e["x"]) * e["x"], ("D", "1")),
    ("x xᵀ", lambda e: e["x"] @ e["x"].T, ("D", "D")),
    ("S⁻¹ x", lambda e: np.linalg.inv(e["S"]) @ e["x"], ("D", "1")),
    ("inv(S) x", lambda e: np.linalg.inv(e["S"]) @ e["x"], ("D", "1")),
    ("S^-1 x", lambda e: np.linalg.inv(e["S"]) @ e["x"], ("D", "1")),
    ("S^(-1)^T", lambda e: np.linalg.inv(e["S"]).T, ("D", "D")),
    ("S⁻ᵀ", lambda e: np.linalg.inv(e["S"]).T, ("D", "D")),
    ("S²", lambda e: e["S"] @ e["S"], ("D", "D")),
    ("x²", lambda e: e["x"] ** 2, ("D", "1")),
    ("tr(S) + det(S)", lambda e: np.array([[np.trace(e["S"]) + np.linalg.det(e["S"])]]), ("1", "1")),
    ("diag(b) A", lambda e: np.diag(e["b"].ravel()) @ e["A"], ("E", "D")),
    ("exp(-1/2 (x-μ)ᵀ S⁻¹ (x-μ))", lambda e: np.exp(-0.5 * (e["x"] - e["mu"]).T @ np.linalg.inv(e["S"])
                                                    @ (e["x"] - e["mu"])), ("1", "1")),
    ("(x - mu)/sigma", lambda e: (e["x"] - e["mu"]) / e["sigma"], ("D", "1")),
    ("σ² I", lambda e: 0.49 * np.eye(3), ("D", "D")),
    ("1 - tanh(b)^2", lambda e: 1 - np.tanh(e["b"]) ** 2, ("E", "1")),
    ("b ⊙ b", lambda e: e["b"] * e["b"], ("E", "1")),
    ("sigmoid(b) ⊙ (1 - sigmoid(b))", lambda e: 1 / (1 + np.exp(-e["b"])) * (1 - 1 / (1 + np.exp(-e["b"]))),
     ("E", "1")),
    ("-xᵀ − xᵀ", lambda e: -2 * e["x"].T, ("1", "D")),
    ("3·xᵀx", lambda e: 3 * e["x"].T @ e["x"], ("1", "1")),
    ("log(C) + sqrt(C)", lambda e: np.log(e["C"]) + np.sqrt(e["C"]), ("E", "E")),
]


@pytest.mark.parametrize("text, numpy_value, shape", MEANINGS)
def test_typed_expressions_mean_what_numpy_says(text, numpy_value, shape, env):
    node = mx.parse_matrix_expression(text, TABLE)
    assert node.shape == shape
    np.testing.assert_allclose(node.evaluate(env), numpy_value(env), rtol=1e-12)


@pytest.mark.parametrize("text, words", [
    ("xᵀ A", ["形状不匹配", "xᵀ 是 1×D", "A 是 E×D"]),
    ("A b", ["形状不匹配", "A 是 E×D", "b 是 E×1"]),
    ("x + b", ["形状不匹配", "D×1", "E×1"]),
    ("x * A", ["数乘", "@"]),
    ("x / x", ["标量"]),
    ("inv(A)", ["方阵"]),
    ("A⁻¹", ["方阵"]),
    ("tr(x)", ["方阵"]),
    ("diag(A)", ["向量"]),
    ("sin x", ["括号"]),
    ("y", ["未知的名称", "x"]),
    ("2^x", ["指数"]),
    ("S^100", ["指数太大"]),
    ("x^2^2", ["歧义"]),
    ("(x", ["')'"]),
    ("x)", ["右括号"]),
    ("()", ["括号"]),
    ("", ["请输入"]),
    ("x ⊙ A", ["逐元素"]),
    ("T", ["转置"]),
])
def test_refusals_say_why(text, words):
    with pytest.raises(ExpressionError) as info:
        mx.parse_matrix_expression(text, TABLE)
    for word in words:
        assert word in str(info.value), str(info.value)


@pytest.mark.parametrize("text", ["__import__('os')", "x.__class__", "lambda: 1", "9**9**9", "(" * 5000, "x" * 100_000,
                                  "＿＿ｉｍｐｏｒｔ＿＿（'os'）", "x.__class__.__mro__", "x[0]", "{}", "x if x else x",
                                  "-" * 399 + "x", "(" * 21 + "x" + ")" * 21, " + ".join(["x"] * 150),
                                  "exp(" * 25 + "x" + ")" * 25, "1" * 20, "x; x", "'x'", "\\x", "`x`", "х"])
def test_hostile_text_is_refused_with_a_message(text):
    with pytest.raises(ExpressionError) as info:
        mx.parse_matrix_expression(text, TABLE)
    assert str(info.value)


def test_look_alike_letters_are_read_as_letters_and_look_alike_code_is_still_refused(env):
    node = mx.parse_matrix_expression("𝐱ᵀ ｘ", TABLE)  # mathematical bold and full-width x are x
    np.testing.assert_allclose(node.evaluate(env), env["x"].T @ env["x"])
    for text in ["ｘ．＿＿ｃｌａｓｓ＿＿", "ｌａｍｂｄａ： １", "ｅｘｅｃ（'１'）"]:
        with pytest.raises(ExpressionError):
            mx.parse_matrix_expression(text, TABLE)


PIECES = list("xASbμσᵀ⁻¹²()+-*/@^.T 0123456789,[]_'⊙") + ["inv(", "tr(", "diag(", "exp(", "__", "lambda"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_random_text_never_raises_anything_but_a_message(text):
    try:
        node = mx.parse_matrix_expression(text, TABLE)
    except ExpressionError as error:
        assert str(error)
    else:
        assert len(node.shape) == 2
        verdict = check_matrix_answer(text, "xᵀ x", TABLE)
        assert verdict.message


def test_the_layout_and_factor_hints():
    assert check_matrix_answer("2 x", "2 xᵀ", TABLE).message.startswith("这看起来是转置")
    assert "常数因子" in check_matrix_answer("xᵀ", "2 xᵀ", TABLE).message
    assert "负号" in check_matrix_answer("-2xᵀ", "2 xᵀ", TABLE).message
    assert "转置" in check_matrix_answer("S", "Sᵀ", TABLE).message           # same shape, transposed entries
    assert "形状不对" in check_matrix_answer("x xᵀ", "2 xᵀ", TABLE).message
    assert "无定义" in check_matrix_answer("log(-sigma) xᵀ", "xᵀ", TABLE).message
    assert check_matrix_answer("xᵀ(S + Sᵀ)", "xᵀ S + (S x)ᵀ", TABLE).correct


def test_random_instances_have_distinct_sizes_and_the_declared_kinds():
    rng = np.random.default_rng(0)
    for _ in range(5):
        env = mx.random_instance(TABLE, rng)
        d, e = env["x"].shape[0], env["b"].shape[0]
        assert d != e and env["A"].shape == (e, d) and env["S"].shape == (d, d)
        assert np.all(np.linalg.eigvalsh(env["C"]) > 0) and np.allclose(env["C"], env["C"].T)
        assert np.array_equal(env["I"], np.eye(d)) and 0.5 <= env["sigma"][0, 0] <= 1.5


def test_latex_of_the_book_answers():
    assert mx.to_latex("2 xᵀ/(1 + xᵀx)", TABLE) == r"\frac{2\,\boldsymbol{x}^{\top}}{1 + \boldsymbol{x}^{\top}\,\boldsymbol{x}}"
    assert mx.to_latex("S⁻ᵀ + inv(S)", TABLE) == r"\boldsymbol{S}^{-\top} + \boldsymbol{S}^{-1}"
    assert mx.to_latex("diag(cos(A x + b)) A", TABLE) == (
        r"\operatorname{diag}\left(\cos\left(\boldsymbol{A}\,\boldsymbol{x} + \boldsymbol{b}\right)\right)\,\boldsymbol{A}")

"""Answer checking: the 5.1 exercises' references, equivalent forms, typical mistakes and hostile input."""

import pytest
import sympy as sp

from widgets.exercises.answers import check_answer, parse_answer
from widgets.exercises import answer_box
from widgets.math.expressions import ExpressionError

x = sp.Symbol("x", real=True)

# (reference typed in the notebook, the answer derived independently with sympy)
EXERCISES_5_1 = [
    ("2*x*cos(x^2)", sp.diff(sp.sin(x ** 2), x)),
    ("(1 - x^2)/(1 + x^2)^2", sp.diff(x / (1 + x ** 2), x)),
    ("1 + x + x^2/2 + x^3/6", sp.series(sp.exp(x), x, 0, 4).removeO()),
    ("(x - 1) - (x - 1)^2/2", sp.series(sp.log(x), x, 1, 3).removeO()),
]


@pytest.mark.parametrize("reference, derived", EXERCISES_5_1)
def test_notebook_references_are_right(reference, derived):
    assert sp.simplify(parse_answer(reference) - derived) == 0


@pytest.mark.parametrize("reference, equivalent", [
    ("2*x*cos(x^2)", "2x cos(x²)"),
    ("(1 - x^2)/(1 + x^2)^2", "1/(1+x^2)^2 - x^2/(x^4 + 2x^2 + 1)"),
    ("1 + x + x^2/2 + x^3/6", "x^3/6 + x^2/2 + x + 1"),
    ("(x - 1) - (x - 1)^2/2", "-x^2/2 + 2x - 3/2"),
])
def test_equivalent_forms_are_accepted(reference, equivalent):
    assert check_answer(reference, reference).correct
    verdict = check_answer(equivalent, reference)
    assert verdict.correct, verdict.message


@pytest.mark.parametrize("reference, mistake, hint", [
    ("2*x*cos(x^2)", "-2x cos(x^2)", "负号"),
    ("8*(2x+1)^3", "4*(2x+1)^3", "链式法则"),           # dropped inner derivative 2
    ("2*x*cos(x^2)", "cos(x^2)", "不正确"),
    ("(1 - x^2)/(1 + x^2)^2", "(x^2 - 1)/(1 + x^2)^2", "负号"),
    ("1 + x + x^2/2 + x^3/6", "1 + x + x^2 + x^3", "不正确"),
])
def test_typical_mistakes_are_rejected_with_a_hint(reference, mistake, hint):
    verdict = check_answer(mistake, reference)
    assert not verdict.correct
    assert hint in verdict.message


def test_vector_answers_check_shape_and_spot_the_transpose():
    ref = "[2*x1*x2 + x2^3, x1^2 + 3*x1*x2^2]"  # Example 5.7, a 1x2 row
    variables = ("x1", "x2")
    assert check_answer("[x2^3 + 2 x1 x2, x1^2 + 3 x1 x2^2]", ref, variables).correct
    transposed = check_answer("[[2*x1*x2 + x2^3], [x1^2 + 3*x1*x2^2]]", ref, variables)
    assert not transposed.correct and "转置" in transposed.message
    assert "形状" in check_answer("[1, 2, 3]", ref, variables).message


@pytest.mark.parametrize("text", ['__import__("os")', "[x.__class__]", "[[1, 2], [3]]", "[1, [2]]", "[" * 30,
                                  "x" * 10_000, "[" + ",".join(["x"] * 100) + "]", "[1,,2]"])
def test_hostile_or_malformed_answers_get_a_message(text):
    with pytest.raises(ExpressionError):
        parse_answer(text)
    verdict = check_answer(text, "x")
    assert not verdict.correct and verdict.message


def test_the_box_checks_what_is_typed_and_never_raises():
    box = answer_box("2*x*cos(x^2)")
    assert box.check("2x cos(x^2)").correct
    assert box.widget.feedback.startswith("✔") and box.widget.correct is True
    assert not box.check("import os").correct
    assert box.widget.feedback.startswith("✘") and box.widget.correct is False
    # what the page sends when the student presses 检查 (Check) or Enter
    box.widget._handle_custom_msg({"event": "check", "value": "2x cos(x^2) + 0"}, [])
    assert box.verdict.correct and box.widget.value == "2x cos(x^2) + 0"


# --- shapes, square transposes, numbers (the section 5.9 exercises) --------------------------

from widgets.exercises.answers import check_shape_answer, parse_shape  # noqa: E402


@pytest.mark.parametrize("text, shape", [("1x2", ("1", "2")), ("1×2", ("1", "2")), (" 1 × n ", ("1", "n")),
                                         ("(1, n)", ("1", "n")), ("R^{n×n×n}", ("n", "n", "n")),
                                         ("ℝ^(1×D)", ("1", "D")), ("n by n", ("n", "n")), ("１×ｎ", ("1", "n"))])
def test_shapes_are_read_in_the_usual_notations(text, shape):
    assert parse_shape(text, ("n", "D")) == shape


@pytest.mark.parametrize("text", ["1x", "x", "1×m", "__import__('os')", "1x2x3x4x5", "1" * 100, "", "1×2.5",
                                  "(" * 5000])
def test_malformed_shapes_get_a_message(text):
    with pytest.raises(ExpressionError):
        parse_shape(text, ("n",))
    verdict = check_shape_answer(text, ("1", "n"), ("n",))
    assert not verdict.correct and verdict.message


def test_shape_answers_spot_the_transpose_and_the_wrong_order():
    assert check_shape_answer("1×n", ("1", "n"), ("n",)).correct
    assert "转置" in check_shape_answer("n×1", ("1", "n"), ("n",)).message
    assert "维数不对" in check_shape_answer("n×n", ("n", "n", "n"), ("n",)).message
    assert "形状不对" in check_shape_answer("1×1", ("1", "n"), ("n",)).message


def test_a_transposed_square_matrix_is_named_as_such():
    reference = "[[y, x], [2x, 2y]]"  # a Jacobian: row i is the gradient of output i
    verdict = check_answer("[[y, 2x], [x, 2y]]", reference, ("x", "y"))
    assert not verdict.correct and "转置" in verdict.message


def test_two_different_numbers_get_no_chain_rule_hint():
    verdict = check_answer("12", "24", ())
    assert not verdict.correct and "链式法则" not in verdict.message
    assert "负号" in check_answer("-24", "24", ()).message

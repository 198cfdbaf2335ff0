"""Answer checking: the 5.1 exercises' references, equivalent forms, typical mistakes and hostile input."""

import pytest
import sympy as sp

from widgets.answers import check_answer, parse_answer
from widgets.exercises import answer_box
from widgets.expressions import ExpressionError

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
    assert "✔" in box.feedback.value
    assert not box.check("import os").correct
    assert "✘" in box.feedback.value
    box.text.value = "2x cos(x^2) + 0"
    box.button.click()
    assert box.verdict.correct

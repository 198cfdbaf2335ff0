"""Every exercise of every notebook: its reference against an independent sympy computation, equivalent
forms accepted, typical mistakes rejected with the right hint, hostile input rejected with a message."""

import json
import pathlib
import re

import numpy as np
import pytest
import sympy as sp

from hang import fail_if_it_hangs
from widgets.exercises import bank as eb
from widgets.math import matrix_expressions as mx
from widgets.exercises.answers import parse_answer
from widgets.exercises import exercise_box

CHAPTER = pathlib.Path(__file__).resolve().parent.parent / "chapter5"
KEYS = list(eb.EXERCISES)
BOOK = [k for k in KEYS if k.startswith("5.9/")]


@pytest.fixture(autouse=True)
def hang_guard():
    """Fail instead of hanging if one test takes more than 60 s: a guard, not a timing test."""
    with fail_if_it_hangs(60, "an answer check"):
        yield


# ---------------------------------------------------------------------------------------------
# independent references, computed here with sympy from each exercise's statement

X, Y, T, Z = sp.symbols("x y t z", real=True)
X1, X2 = sp.symbols("x1 x2", real=True)
MU, SIGMA = sp.symbols("μ σ", real=True)
A_, B_, C_, D_ = sp.symbols("a b c d", real=True)
M_, S_, W_, YV = sp.symbols("m s w y", real=True)


def _taylor(f, x0, n, var=X):
    """T_n by definition (5.7): derivatives computed one by one, not by a series routine."""
    return sum(sp.diff(f, var, k).subs(var, x0) / sp.factorial(k) * (var - x0) ** k for k in range(n + 1))


def _taylor2(f, point, degree):
    """Multivariate Taylor polynomial of f(x, y) by (5.149): all partial derivatives up to ``degree``."""
    (x0, y0), total = point, 0
    for k in range(degree + 1):
        for i in range(k + 1):
            coefficient = sp.diff(f, X, i, Y, k - i).subs({X: x0, Y: y0}) if k else f.subs({X: x0, Y: y0})
            total += coefficient * (X - x0) ** i * (Y - y0) ** (k - i) / (sp.factorial(i) * sp.factorial(k - i))
    return total


def _grad(f, variables):
    return sp.Matrix([f]).jacobian(list(variables))


def _slice(f, matrix):
    """∂f/∂M as a matrix the shape of M (scalar f)."""
    return matrix.applyfunc(lambda entry: sp.diff(f, entry))


_M = sp.Matrix([[A_, B_], [C_, D_]])
SCALAR_REFERENCES = {
    "5.9/5.1": lambda: sp.diff(sp.log(X ** 4) * sp.sin(X ** 3), X),
    "5.9/5.2": lambda: sp.diff((1 + sp.exp(-X)) ** -1, X),
    "5.9/5.3": lambda: sp.diff(sp.exp(-(X - MU) ** 2 / (2 * SIGMA ** 2)), X),
    **{f"5.9/5.4-T{n}": (lambda n=n: _taylor(sp.sin(X) + sp.cos(X), 0, n)) for n in range(6)},
    "5.9/5.5b-f1": lambda: _grad(sp.sin(X1) * sp.cos(X2), (X1, X2)),
    "5.1/1": lambda: sp.diff(sp.sin(X ** 2), X),
    "5.1/2": lambda: sp.diff(X / (1 + X ** 2), X),
    "5.1/3": lambda: _taylor(sp.exp(X), 0, 3),
    "5.1/4": lambda: _taylor(sp.log(X), 1, 2),
    "5.2/1": lambda: _grad(X * sp.exp(X * Y), (X, Y)),
    "5.2/2": lambda: sp.diff((X1 * X2).subs({X1: sp.cos(T), X2: sp.sin(T)}), T),
    "5.2/3a": lambda: (_grad(X ** 2 + 2 * Y ** 2, (X, Y)).subs({X: 1, Y: 1}) * sp.Matrix([3, 4]) / 5)[0],
    "5.2/3b": lambda: _grad(X ** 2 + 2 * Y ** 2, (X, Y)).subs({X: 1, Y: 1}).norm(),
    "5.3/1a": lambda: sp.Matrix([X * Y, X ** 2 + Y ** 2]).jacobian([X, Y]),
    "5.3/1b": lambda: sp.Matrix([X * Y, X ** 2 + Y ** 2]).jacobian([X, Y]).det(),
    "5.3/2": lambda: sp.Abs(sp.Matrix([sp.exp(X) * sp.cos(Y), sp.exp(X) * sp.sin(Y)]).jacobian([X, Y]).det()),
    "5.3/3c": lambda: sp.diff((X1 ** 2 + X2 ** 2).subs({X1: sp.cos(T), X2: 2 * sp.sin(T)}), T),
    "5.4/1a": lambda: sp.Integer(sp.prod(sp.derive_by_array((sp.Matrix(3, 2, sp.symbols("r:6")).T
                                                              * sp.Matrix(3, 2, sp.symbols("r:6"))),
                                                             sp.Matrix(3, 2, sp.symbols("r:6"))).shape)),
    "5.4/2": lambda: _slice((_M * sp.Matrix([X1, X2]))[1], _M),
    "5.4/3": lambda: _slice((_M.T * _M)[0, 1], _M),
    "5.5/1": lambda: _grad((sp.Matrix([1, 2]).T * sp.Matrix([X1, X2]))[0] ** 2, (X1, X2)),
    "5.5/2": lambda: _slice((_M ** 2).trace(), _M),
    "5.5/3": lambda: _slice(sp.log(_M.det()), _M),
    "5.6/1": lambda: sp.diff(sp.log(1 + X ** 2) * sp.sin(X), X),
    "5.6/2": lambda: sp.diff(1 / (1 + sp.exp(-Z)), Z),
    "5.6/3": lambda: M_ * S_,
    "5.6/4": lambda: sp.diff((YV - 1 / (1 + sp.exp(-(W_ * X + B_)))) ** 2, B_),
    "5.7/1": lambda: sp.Matrix(2, 2, lambda i, j: sp.diff(X ** 2 * Y + sp.exp(X * Y), (X, Y)[i], (X, Y)[j])),
    "5.7/2": lambda: min((X ** 3 - 12 * X + Y ** 2 - 2 * Y).subs(p) for p in
                         sp.solve([sp.diff(X ** 3 - 12 * X + Y ** 2 - 2 * Y, v) for v in (X, Y)], [X, Y], dict=True)),
    "5.7/3": lambda: sp.Matrix(2, 2, lambda i, j: sp.diff(X ** 2 + A_ * X * Y + Y ** 2, (X, Y)[i], (X, Y)[j])).det(),
    "5.8/1": lambda: _taylor2(sp.exp(X) * sp.cos(Y), (0, 0), 1),
    "5.8/2": lambda: _taylor2(sp.exp(X + 2 * Y), (0, 0), 2),
    "5.8/3a": lambda: _taylor2(X ** 2 * Y, (1, 1), 2),
    "5.8/3b": lambda: sp.Integer(min(k for k in range(6) if sp.expand(_taylor2(X ** 2 * Y, (1, 1), k) - X ** 2 * Y) == 0)),
}


def _symbols(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", real=True))


def _numbers(rng, matrix, low=-1.0, high=1.0):
    return {s: sp.Float(rng.uniform(low, high)) for s in matrix.free_symbols}


def _tanh_case(rng):
    A, x, b = _symbols("A", 2, 3), _symbols("x", 3, 1), _symbols("b", 2, 1)
    return {"A": A, "x": x, "b": b}, (A * x + b).applyfunc(sp.tanh).jacobian(x)


def _sin_case(rng):
    A, x, b = _symbols("A", 3, 2), _symbols("x", 2, 1), _symbols("b", 3, 1)
    return {"A": A, "x": x, "b": b}, (A * x + b).applyfunc(sp.sin).jacobian(x)


def _gauss_case(rng):
    x = _symbols("x", 3, 1)
    mu = sp.Matrix(3, 1, lambda i, j: sp.Rational(int(rng.integers(-5, 6)), 4))
    S = sp.Matrix(3, 3, lambda i, j: sp.Rational(int(rng.integers(-3, 4)), 4)) + 2 * sp.eye(3)  # not symmetric
    y = x - mu
    f = sp.exp(-(y.T * S.inv() * y)[0] / 2)
    return {"x": x, "mu": mu, "S": S}, _grad(f, x)


def _reparam_case(rng):
    x, eps = sp.Matrix(sp.symbols("x0 x1", real=True)), sp.Matrix(sp.symbols("e0 e1", real=True))
    z, nu = sp.Matrix(sp.symbols("z0 z1", real=True)), sp.Matrix(sp.symbols("n0 n1 n2", real=True))
    log_p = -(z[0] - x[0]) ** 2 - sp.sin(z[1]) * x[1] - z[0] * z[1]
    log_q = -(z[0] - nu[0]) ** 2 / (1 + nu[2] ** 2) - z[1] * nu[1] - sp.cos(z[0] * nu[2])
    t = sp.Matrix([nu[0] + eps[0] * sp.exp(nu[1]), nu[1] * nu[2] + eps[1] * nu[0]])
    at = dict(zip(z, t))
    g = (log_p - log_q).subs(at)
    values = {s: sp.Float(rng.uniform(-1, 1)) for s in list(x) + list(eps) + list(nu)}
    partials = {"dp_dz": _grad(log_p, z).subs(at), "dq_dz": _grad(log_q, z).subs(at),
                "dq_dnu": _grad(log_q, nu).subs(at), "dt_dnu": t.jacobian(nu)}
    return {k: v.subs(values) for k, v in partials.items()}, _grad(g, nu).subs(values)


MATRIX_REFERENCES = {
    # key: rng -> (name -> sympy matrix, the derivative computed by sympy in the book's layout)
    "5.9/5.5b-f2x": lambda rng: (lambda x, y: ({"x": x, "y": y}, _grad((x.T * y)[0], x)))(
        _symbols("x", 4, 1), _symbols("y", 4, 1)),
    "5.9/5.5b-f2y": lambda rng: (lambda x, y: ({"x": x, "y": y}, _grad((x.T * y)[0], y)))(
        _symbols("x", 4, 1), _symbols("y", 4, 1)),
    "5.9/5.6a": lambda rng: (lambda t: ({"t": t}, _grad(sp.sin(sp.log((t.T * t)[0])), t)))(_symbols("t", 3, 1)),
    "5.9/5.6b": lambda rng: (lambda A, X, B: ({"A": A, "X": X, "B": B}, _slice((A * X * B).trace(), X)))(
        _symbols("A", 2, 3), _symbols("X", 3, 4), _symbols("B", 4, 2)),
    "5.9/5.7a": lambda rng: (lambda x: ({"x": x}, _grad(sp.log(1 + (x.T * x)[0]), x)))(_symbols("x", 3, 1)),
    "5.9/5.7b": _sin_case,
    "5.9/5.8a": _gauss_case,
    "5.9/5.8b": lambda rng: (lambda x, s: ({"x": x, "sigma": sp.Matrix([[s]]), "I": sp.eye(3)},
                                           _grad((x * x.T + s ** 2 * sp.eye(3)).trace(), x)))(
        _symbols("x", 3, 1), sp.Symbol("s", positive=True)),
    "5.9/5.8c": _tanh_case,
    "5.9/5.9": _reparam_case,
    "5.5/4": lambda rng: (lambda x, B: ({"x": x, "B": B}, _grad((x.T * B * x)[0], x)))(
        _symbols("x", 3, 1), _symbols("B", 3, 3)),
    "5.5/5": lambda rng: (lambda a, X, b: ({"a": a, "X": X, "b": b}, _slice((a.T * X * b)[0], X)))(
        _symbols("a", 2, 1), _symbols("X", 2, 3), _symbols("b", 3, 1)),
}

# shapes computed by sympy at concrete sizes, mapped back to the symbolic names
_n, _D, _E, _M_ = 4, 3, 2, 5
SHAPE_REFERENCES = {
    "5.3/3a": lambda: (_grad(X1 ** 2 + X2 ** 2, (X1, X2)).shape, {}),
    "5.3/3b": lambda: (sp.Matrix([sp.cos(T), 2 * sp.sin(T)]).jacobian([T]).shape, {}),
    "5.4/1b": lambda: ((lambda R: sp.Matrix(list(R.T * R)).jacobian(list(R)))(_symbols("r", 3, 2)).shape, {}),
    "5.9/5.5a-f1": lambda: (_grad(sp.sin(X1) * sp.cos(X2), (X1, X2)).shape, {}),
    "5.9/5.5a-f2": lambda: (_grad((_symbols("x", _n, 1).T * _symbols("y", _n, 1))[0], _symbols("x", _n, 1)).shape,
                            {_n: "n"}),
    "5.9/5.5a-f3": lambda: (sp.derive_by_array(_symbols("x", _n, 1) * _symbols("x", _n, 1).T,
                                               list(_symbols("x", _n, 1))).shape, {_n: "n"}),
    "5.9/5.7a-dz": lambda: (_grad((_symbols("x", _D, 1).T * _symbols("x", _D, 1))[0], _symbols("x", _D, 1)).shape,
                            {_D: "D"}),
    "5.9/5.7b-df": lambda: (_symbols("z", _E, 1).applyfunc(sp.sin).jacobian(_symbols("z", _E, 1)).shape, {_E: "E"}),
    "5.9/5.8a-dg": lambda: (_grad((_symbols("y", _D, 1).T * _symbols("S", _D, _D) * _symbols("y", _D, 1))[0],
                                  _symbols("y", _D, 1)).shape, {_D: "D"}),
    "5.9/5.8a-dh": lambda: ((_symbols("x", _D, 1) - _symbols("m", _D, 1)).jacobian(_symbols("x", _D, 1)).shape,
                            {_D: "D"}),
    "5.9/5.8c-df": lambda: (_symbols("z", _M_, 1).applyfunc(sp.tanh).jacobian(_symbols("z", _M_, 1)).shape,
                            {_M_: "M"}),
}


def test_symmetric_references_are_only_the_expected_ones():
    assert [k for k in KEYS if eb.get(k).kind == "matrix" and _symmetric(eb.get(k))] == ["5.9/5.5b-f3"]


def test_every_exercise_has_an_independent_reference():
    covered = set(SCALAR_REFERENCES) | set(MATRIX_REFERENCES) | set(SHAPE_REFERENCES) | {"5.9/5.5b-f3"}
    assert covered == set(KEYS)


def _numerically_equal(a, b, symbols, rng, points=6):
    a, b = sp.Matrix(a) if isinstance(a, sp.MatrixBase) else sp.Matrix([[a]]), \
        sp.Matrix(b) if isinstance(b, sp.MatrixBase) else sp.Matrix([[b]])
    assert a.shape == b.shape
    for _ in range(points):
        at = {s: sp.Rational(int(rng.integers(3, 17)), 10) for s in symbols}
        difference = (a - b).subs(at).evalf()
        assert all(abs(complex(v)) < 1e-9 for v in difference), (a, b, at)


@pytest.mark.parametrize("key", list(SCALAR_REFERENCES))
def test_scalar_reference_matches_sympy(key):
    exercise = eb.get(key)
    expected = SCALAR_REFERENCES[key]()
    typed = parse_answer(exercise.reference_text, exercise.variables)  # the reference as the box shows it
    symbols = sorted((typed.free_symbols if hasattr(typed, "free_symbols") else set()) | expected.free_symbols,
                     key=str)
    _numerically_equal(typed, expected, symbols, np.random.default_rng(5))


@pytest.mark.parametrize("key", list(MATRIX_REFERENCES))
def test_matrix_reference_matches_sympy(key):
    exercise = eb.get(key)
    rng = np.random.default_rng(11)
    names, derivative = MATRIX_REFERENCES[key](rng)
    free = set().union(*(m.free_symbols for m in names.values())) | derivative.free_symbols
    values = {s: sp.Float(rng.uniform(0.2, 1.0) if s.is_positive else rng.uniform(-1, 1)) for s in free}
    env = {name: np.array(m.subs(values).evalf(), dtype=float) for name, m in names.items()}
    expected = np.array(derivative.subs(values).evalf(), dtype=float)
    got = mx.evaluate(exercise.reference, exercise.variables, env)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_slice_of_xxT_matches_sympy_for_every_basis_vector():
    exercise, n = eb.get("5.9/5.5b-f3"), 4
    x = _symbols("x", n, 1)
    values = {s: sp.Float(v) for s, v in zip(x, np.random.default_rng(3).uniform(-1, 1, n))}
    for i in range(n):
        expected = np.array((x * x.T).diff(x[i]).subs(values), dtype=float)
        env = {"x": np.array(x.subs(values), dtype=float), "e_i": np.eye(n)[:, [i]]}
        np.testing.assert_allclose(mx.evaluate(exercise.reference, exercise.variables, env), expected)


@pytest.mark.parametrize("key", list(SHAPE_REFERENCES))
def test_shape_reference_matches_sympy(key):
    shape, names = SHAPE_REFERENCES[key]()
    assert eb.get(key).reference == tuple(names.get(size, str(size)) for size in shape)


# ---------------------------------------------------------------------------------------------
# accepted forms, mistakes


@pytest.mark.parametrize("key", KEYS)
def test_reference_and_equivalent_forms_are_accepted(key):
    exercise = eb.get(key)
    assert exercise.check(exercise.reference_text).correct
    different = [a for a in exercise.accepted if a.replace(" ", "") != exercise.reference_text.replace(" ", "")]
    assert different, "at least one differently written form"
    for form in exercise.accepted:
        verdict = exercise.check(form)
        assert verdict.correct, (form, verdict.message)


@pytest.mark.parametrize("key", KEYS)
def test_typical_mistakes_are_rejected_with_their_hint(key):
    exercise = eb.get(key)
    assert len(exercise.mistakes) >= 2
    for mistake in exercise.mistakes:
        verdict = exercise.check(mistake.answer)
        assert not verdict.correct, mistake.answer
        assert mistake.expect in verdict.message, (mistake.answer, verdict.message)


def _text(value) -> str:
    """A sympy scalar or matrix written the way a student types it."""
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(str(e) for e in row) + "]" for row in value.tolist()) + "]"
    return str(value)


def _variant(exercise, factor) -> str:
    if exercise.kind == "matrix":
        return f"{factor}*({exercise.reference_text})"
    return _text(sp.Rational(factor) * exercise.reference)


def _is_constant(exercise) -> bool:
    return exercise.kind == "scalar" and not exercise.reference.free_symbols


@pytest.mark.parametrize("key", [k for k in KEYS if eb.get(k).kind != "shape"])
def test_negated_and_scaled_references_get_the_generic_hints(key):
    exercise = eb.get(key)
    negated = exercise.check(_variant(exercise, -1))
    assert not negated.correct and "负号" in negated.message, negated.message
    halved = exercise.check(_variant(exercise, "1/2"))
    assert not halved.correct
    if _is_constant(exercise):  # two numbers always differ by a factor: no chain-rule hint for them
        assert "链式法则" not in halved.message
    else:
        assert "链式法则" in halved.message, halved.message


def _symmetric(exercise) -> bool:
    env = mx.random_instance(exercise.variables, np.random.default_rng(0))
    value = mx.evaluate(exercise.reference, exercise.variables, env)
    return value.shape[0] == value.shape[1] and np.allclose(value, value.T)


# a transposed answer differs from the reference unless the reference is symmetric (∂(xxᵀ)/∂xᵢ is)
NON_SYMMETRIC = [k for k in KEYS if eb.get(k).kind == "matrix" and not _symmetric(eb.get(k))]


@pytest.mark.parametrize("key", NON_SYMMETRIC)
def test_a_transposed_matrix_answer_is_named_as_such(key):
    exercise = eb.get(key)
    verdict = exercise.check(f"({exercise.reference_text})ᵀ")
    assert not verdict.correct and "转置" in verdict.message, verdict.message


# ---------------------------------------------------------------------------------------------
# hostile input

HOSTILE = ["__import__('os')", "x.__class__", "lambda: 1", "9**9**9", "(" * 5000, "x" * 100_000, "1" * 100_000,
           "ｘ．＿＿ｃｌａｓｓ＿＿", "＿＿ｉｍｐｏｒｔ＿＿（'os'）", "[" * 5000, "", "   ", "exec('1')",
           "open('/etc/passwd').read()", "x if x else x", "x; import os", "10^10^10", "exp(" * 30 + "x" + ")" * 30,
           "\x00", "𝐱", "х", "1e999999"]


@pytest.mark.parametrize("key", KEYS)
def test_hostile_input_gets_a_message_never_an_exception(key):
    exercise = eb.get(key)
    for text in HOSTILE:
        verdict = exercise.check(text)
        assert not verdict.correct, text[:40]
        assert verdict.message and "Error" not in verdict.message, (text[:40], verdict.message)
    assert not exercise.check(None).correct


def test_the_box_shows_the_verdict_and_hides_the_solution_until_asked():
    box = exercise_box("5.9/5.6b")
    assert box.check("(B A)ᵀ").correct and box.widget.feedback.startswith("✔")
    wrong = box.check("B A")
    assert not wrong.correct and "E×F" in wrong.message and box.widget.feedback == f"✘ {wrong.message}"
    assert not box.check("__import__('os')").correct
    assert "operatorname{tr}" in box.widget.solution and not box.widget.show_solution
    box.widget.set_state({"show_solution": True})  # the page's 显示解答 (Show solution)
    assert box.widget.show_solution


@pytest.mark.parametrize("key", [k for k in KEYS if eb.get(k).kind != "shape"])
def test_the_solution_shows_the_checked_reference(key):
    exercise = eb.get(key)
    assert exercise.answer_latex in exercise.worked_solution


# ---------------------------------------------------------------------------------------------
# the notebooks show exactly the catalogued exercises


def _exercise_keys_in(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return re.findall(r'exercise_box\("([^"]+)"\)', source)


@pytest.mark.parametrize("section", ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9"])
def test_each_notebook_shows_its_exercises_in_order(section):
    (path,) = CHAPTER.glob(f"{section}-*.ipynb")
    assert _exercise_keys_in(path) == [e.key for e in eb.for_notebook(section)]


def test_the_book_exercises_cover_5_1_to_5_9():
    numbers = {re.match(r"5\.9/(5\.\d)", k).group(1) for k in BOOK}
    assert numbers == {f"5.{i}" for i in range(1, 10)}


@pytest.mark.parametrize("key", KEYS)
def test_a_prompt_does_not_give_the_answer_away(key):
    exercise = eb.get(key)
    answer = exercise.reference_text.replace(" ", "")
    assert len(answer) < 3 or answer not in exercise.prompt.replace(" ", "")


def test_the_minimum_box_does_not_name_the_minimiser():
    assert "(2, 1)" not in eb.get("5.7/2").prompt and "2, 1" not in eb.get("5.7/2").prompt


@pytest.mark.parametrize("key", [k for k in KEYS if re.fullmatch(r"5\.[1-8]/\d[a-z]", k)])
def test_a_part_of_a_question_is_labelled_with_its_letter(key):
    number, letter = key.split("/")[1][:-1], key[-1]
    assert eb.get(key).prompt.startswith(f"练习 {number} ({letter})"), eb.get(key).prompt

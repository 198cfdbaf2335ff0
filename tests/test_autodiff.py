"""Tests of widgets.math.autodiff (section 5.6): the engine against sympy, closed forms and finite differences."""

import math

import matplotlib
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, strategies as st

from widgets.math import autodiff as ad
from widgets.math.numeric import gradient_check, numerical_gradient
from widgets.math.univariate import central_difference
from widgets.math.expressions import parse_expression

X = sp.Symbol("x", real=True)
BOOK_F = sp.sqrt(X ** 2 + sp.exp(X ** 2)) + sp.cos(X ** 2 + sp.exp(X ** 2))  # (5.109), written here


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


# -- single operators against closed forms ------------------------------------------------------
OPERATORS = {
    # name: (engine function, value, derivative), both written independently of the engine
    "add const": (lambda v: v + 3.0, lambda x: x + 3, lambda x: 1.0),
    "radd": (lambda v: 3.0 + v, lambda x: x + 3, lambda x: 1.0),
    "sub const": (lambda v: v - 3.0, lambda x: x - 3, lambda x: 1.0),
    "rsub": (lambda v: 3.0 - v, lambda x: 3 - x, lambda x: -1.0),
    "mul self": (lambda v: v * v, lambda x: x * x, lambda x: 2 * x),
    "rmul": (lambda v: 2.5 * v, lambda x: 2.5 * x, lambda x: 2.5),
    "div": (lambda v: v / (1.0 + v * v), lambda x: x / (1 + x * x), lambda x: (1 - x * x) / (1 + x * x) ** 2),
    "rdiv": (lambda v: 2.0 / (2.0 + v * v), lambda x: 2 / (2 + x * x), lambda x: -4 * x / (2 + x * x) ** 2),
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0),
    "pow const": (lambda v: v ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2),
    "rpow": (lambda v: 2.0 ** v, lambda x: 2 ** x, lambda x: 2 ** x * math.log(2)),
    "pow var": (lambda v: (1.0 + v * v) ** v, lambda x: (1 + x * x) ** x,
                lambda x: (1 + x * x) ** x * (math.log(1 + x * x) + 2 * x * x / (1 + x * x))),
    "exp": (ad.exp, math.exp, math.exp),
    "log": (lambda v: ad.log(1.0 + v * v), lambda x: math.log(1 + x * x), lambda x: 2 * x / (1 + x * x)),
    "sin": (ad.sin, math.sin, math.cos),
    "cos": (ad.cos, math.cos, lambda x: -math.sin(x)),
    "sqrt": (lambda v: ad.sqrt(1.0 + v * v), lambda x: math.sqrt(1 + x * x), lambda x: x / math.sqrt(1 + x * x)),
    "tanh": (ad.tanh, math.tanh, lambda x: 1 / math.cosh(x) ** 2),
    "sigmoid": (ad.sigmoid, lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
}


@pytest.mark.parametrize("name", list(OPERATORS))
@given(x=st.floats(-3.0, 3.0))
def test_each_operator_value_and_derivative_in_both_modes(name, x):
    f, value, derivative = OPERATORS[name]
    xv = ad.Value(x, name="x")
    y = f(xv)
    y.backward()
    assert close(y.data, value(x))
    assert close(xv.grad, derivative(x), 1e-8)
    dual = f(ad.Dual(x, 1.0))
    assert close(dual.value, value(x))
    assert close(dual.dot, derivative(x), 1e-8)
    assert close(f(x), value(x))  # the same program runs on plain floats


def test_constants_are_folded_into_the_operation():
    x = ad.Value(2.0, name="x")
    y = 3.0 * x + 1.0
    assert [node.op for node in ad.graph_nodes(y)] == ["input", "*", "+"]
    assert y.parents[0].parents == (x,) and y.parents[0].local_grads == (3.0,)


def test_domain_errors_raise():
    with pytest.raises(ValueError):
        ad.log(ad.Value(-1.0))
    with pytest.raises(ZeroDivisionError):
        ad.sqrt(ad.Value(0.0))  # the derivative 1/(2√0) is undefined
    with pytest.raises(ValueError):
        ad.Value(-8.0) ** (1 / 3)  # Python would return a complex number
    with pytest.raises(OverflowError):
        ad.exp(ad.Value(1000.0))
    with pytest.raises(ValueError):
        ad.Dual(-8.0, 1.0) ** (1 / 3)


def test_elementary_functions_accept_arrays_of_numbers_and_of_values():
    z = np.array([-1.0, 0.0, 2.0])
    assert np.allclose(ad.sigmoid(z), 1 / (1 + np.exp(-z)))
    assert np.allclose(ad.exp(z), np.exp(z))
    values = np.array([ad.Value(v) for v in z], dtype=object)
    out = ad.tanh(values)
    assert np.allclose([v.data for v in out], np.tanh(z))


def test_derivative_helper_and_constant_functions():
    assert close(ad.derivative(lambda v: v * ad.sin(v), 0.7), math.sin(0.7) + 0.7 * math.cos(0.7))
    assert close(ad.derivative(lambda v: v * ad.sin(v), 0.7, "forward"), math.sin(0.7) + 0.7 * math.cos(0.7))
    assert ad.derivative(lambda v: 5.0, 0.7) == 0.0
    assert ad.derivative(lambda v: 5.0, 0.7, "forward") == 0.0
    with pytest.raises(ValueError):
        ad.derivative(ad.sin, 0.7, "sideways")


# -- random compositions -----------------------------------------------------------------------
UNARY = ["exp", "log", "sin", "cos", "sqrt", "tanh", "sigmoid", "neg", "cube"]
BINARY = ["+", "-", "*", "/", "pow"]

leaves = st.just(("x",)) | st.integers(-6, 6).map(lambda k: ("c", k))
programs = st.recursive(
    leaves,
    lambda children: st.tuples(st.sampled_from(UNARY), children)
    | st.tuples(st.sampled_from(BINARY), children, children),
    max_leaves=7,
)


class EngineLib:
    exp, log, sin, cos, sqrt, tanh, sigmoid = ad.exp, ad.log, ad.sin, ad.cos, ad.sqrt, ad.tanh, ad.sigmoid

    @staticmethod
    def const(k):
        return k / 2


class SympyLib:
    exp, log, sin, cos, sqrt, tanh = sp.exp, sp.log, sp.sin, sp.cos, sp.sqrt, sp.tanh

    @staticmethod
    def sigmoid(u):
        return 1 / (1 + sp.exp(-u))

    @staticmethod
    def const(k):
        return sp.Rational(k, 2)


def run(tree, x, lib):
    """Evaluate a random program; log, sqrt, / and pow are guarded so the program is defined everywhere."""
    kind = tree[0]
    if kind == "x":
        return x
    if kind == "c":
        return lib.const(tree[1])
    if len(tree) == 2:
        u = run(tree[1], x, lib)
        if kind == "log":
            return lib.log(1 + u * u)
        if kind == "sqrt":
            return lib.sqrt(1 + u * u)
        if kind == "neg":
            return -u
        if kind == "cube":
            return u ** 3
        return getattr(lib, kind)(u)
    a, b = run(tree[1], x, lib), run(tree[2], x, lib)
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / (1 + b * b)
    return (1 + a * a) ** lib.sin(b)


def engine_results(tree, x0):
    """Return (value, reverse-mode derivative, forward-mode derivative), or reject overflowing programs."""
    try:
        xv = ad.Value(x0, name="x")
        y = run(tree, xv, EngineLib)
        dual = run(tree, ad.Dual(x0, 1.0), EngineLib)
    except OverflowError:
        assume(False)
    if not isinstance(y, ad.Value):  # a constant program
        return float(y), 0.0, 0.0
    y.backward()
    assume(abs(y.data) < 1e8 and abs(xv.grad) < 1e8)
    return y.data, xv.grad, dual.dot


@given(tree=programs, x0=st.floats(-2.0, 2.0))
def test_random_compositions_agree_with_sympy_and_forward_mode(tree, x0):
    value, reverse, forward = engine_results(tree, x0)
    expr = run(tree, X, SympyLib)
    exact = float(sp.diff(expr, X).subs(X, sp.Float(x0, 30)).evalf(30))
    assert close(value, float(sp.sympify(expr).subs(X, sp.Float(x0, 30)).evalf(30)), 1e-8)
    assert close(reverse, exact, 1e-7)
    assert close(forward, reverse, 1e-9)


@given(tree=programs, x0=st.floats(-2.0, 2.0))
def test_random_compositions_agree_with_finite_differences(tree, x0):
    value, reverse, _ = engine_results(tree, x0)
    f = np.vectorize(lambda t: float(run(tree, float(t), EngineLib)))
    try:
        fd = float(central_difference(f, x0, 1e-5))
    except OverflowError:
        assume(False)
    assert abs(fd - reverse) <= 1e-4 * max(1.0, abs(reverse), abs(value))


@given(tree=programs, x0=st.floats(-2.0, 2.0))
def test_graph_from_sympy_matches_the_symbolic_derivative(tree, x0):
    expr = sp.sympify(run(tree, X, SympyLib))
    assume(X in expr.free_symbols)
    try:
        out = ad.from_sympy(expr, {X: x0})
    except OverflowError:
        assume(False)
    t = ad.trace(out)
    exact = float(sp.diff(expr, X).subs(X, sp.Float(x0, 30)).evalf(30))
    assume(abs(exact) < 1e8)
    assert close(t.derivative, exact, 1e-7)
    assert close(t.forward_derivative, t.derivative, 1e-9)
    dual = ad.evaluate_expression(expr, {X: ad.Dual(x0, 1.0)})
    assert close(dual.dot, exact, 1e-7)


# -- backward --------------------------------------------------------------------------------------
def test_backward_twice_does_not_double_count():
    x = ad.Value(0.8, name="x")
    f = ad.example_5_14(x)
    f.backward()
    first = {id(node): node.grad for node in ad.graph_nodes(f)}
    f.backward()
    assert {id(node): node.grad for node in ad.graph_nodes(f)} == first
    assert close(x.grad, ad.example_5_14_derivative(0.8))


def test_backward_of_a_second_output_resets_the_shared_nodes():
    x = ad.Value(1.5, name="x")
    u = x * x
    y1, y2 = ad.sin(u), u * 3.0
    y1.backward()
    assert close(x.grad, math.cos(2.25) * 3.0)
    y2.backward()
    assert close(x.grad, 9.0)  # d(3x²)/dx, not added to the previous gradient


def test_shared_operand_gets_the_sum_of_its_paths():
    x = ad.Value(1.2, name="x")
    y = x * x + x  # x is a parent three times
    y.backward()
    assert close(x.grad, 2 * 1.2 + 1)


def test_deep_graph_needs_no_recursion():
    x = ad.Value(0.5, name="x")
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert close(x.grad, 1.0001 ** 5000, 1e-9)


# -- Example 5.14 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("x0", [-1.3, -0.5, 0.0, 0.3, 1.0, 1.7])
def test_example_5_14_values_local_derivatives_and_adjoints(x0):
    t = ad.trace(ad.example_5_14(ad.Value(x0, name="x")))
    rows = {row.name: row for row in t.rows}
    # forward values (5.123)-(5.128)
    a = x0 ** 2
    b = math.exp(a)
    c = a + b
    d = math.sqrt(c)
    e = math.cos(c)
    assert [r.name for r in t.rows] == ["x", "a", "b", "c", "d", "e", "f"]
    for name, value in zip("abcdef", (a, b, c, d, e, d + e)):
        assert close(rows[name].value, value)
    # local derivatives (5.129)-(5.134)
    assert close(rows["a"].local_derivatives[0], 2 * x0)
    assert close(rows["b"].local_derivatives[0], math.exp(a))
    assert rows["c"].local_derivatives == (1.0, 1.0)
    assert close(rows["d"].local_derivatives[0], 1 / (2 * math.sqrt(c)))
    assert close(rows["e"].local_derivatives[0], -math.sin(c))
    assert rows["f"].local_derivatives == (1.0, 1.0)
    # backward accumulation (5.139)-(5.142)
    df_dc = 1 / (2 * math.sqrt(c)) - math.sin(c)
    df_db = df_dc
    df_da = df_db * math.exp(a) + df_dc
    df_dx = df_da * 2 * x0
    for name, adjoint in (("f", 1.0), ("e", 1.0), ("d", 1.0), ("c", df_dc), ("b", df_db), ("a", df_da), ("x", df_dx)):
        assert close(rows[name].adjoint, adjoint)
    # against the symbolic derivative and the book's closed form (5.110)
    exact = float(sp.diff(BOOK_F, X).subs(X, x0))
    assert close(t.derivative, exact)
    assert close(t.forward_derivative, exact)
    assert close(ad.example_5_14_derivative(x0), exact)


def test_book_form_5_110_equals_the_symbolic_derivative():
    book = 2 * X * (1 / (2 * sp.sqrt(X ** 2 + sp.exp(X ** 2))) - sp.sin(X ** 2 + sp.exp(X ** 2))) * (1 + sp.exp(X ** 2))
    assert sp.simplify(sp.diff(BOOK_F, X) - book) == 0


def test_typed_formula_5_109_gives_the_graph_of_fig_5_11():
    typed = ad.trace(ad.from_sympy(parse_expression("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))"), 0.6))
    program = ad.trace(ad.example_5_14(ad.Value(0.6, name="x")))
    assert [(r.name, r.op, r.parents) for r in typed.rows] == [(r.name, r.op, r.parents) for r in program.rows]
    assert [r.formula for r in typed.rows] == ["", "x^{2}", r"\exp(a)", "a + b", r"\sqrt{c}", r"\cos(c)", "d + e"]
    assert typed.rows[4].local_formulas == (r"\frac{1}{2\sqrt{c}}",)
    assert typed.rows[5].local_formulas == (r"-\sin(c)",)
    for r1, r2 in zip(typed.rows, program.rows):
        assert close(r1.value, r2.value) and close(r1.adjoint, r2.adjoint)


# -- the trace ---------------------------------------------------------------------------------------
def test_trace_orders_and_parents():
    t = ad.trace(ad.example_5_14(ad.Value(1.0, name="x")))
    assert [r.name for r in t.backward_rows] == ["f", "e", "d", "c", "b", "a", "x"]
    for row in t.rows:
        assert all(p < row.index for p in row.parents)  # evaluation order: operands first
    assert [t.rows[p].name for p in t.rows[3].parents] == ["a", "b"]
    assert t.children[3] == [4, 5]  # c feeds d and e
    assert t.children[1] == [2, 3]  # a feeds b and c
    assert t.steps == 14
    assert close(t.value, math.sqrt(1 + math.e) + math.cos(1 + math.e))


def test_trace_walk_states():
    t = ad.trace(ad.example_5_14(ad.Value(1.0, name="x")))
    assert t.state(0) == {"phase": "start", "current": None, "values": 0, "adjoints": set()}
    assert t.state(3) == {"phase": "forward", "current": 2, "values": 3, "adjoints": set()}
    assert t.state(7)["phase"] == "forward" and t.state(7)["values"] == 7
    assert t.state(8) == {"phase": "backward", "current": 6, "values": 7, "adjoints": {6}}
    assert t.state(11) == {"phase": "backward", "current": 3, "values": 7, "adjoints": {3, 4, 5, 6}}
    assert t.state(14)["adjoints"] == set(range(7))
    assert t.state(99) == t.state(14) and t.state(-5) == t.state(0)


def test_trace_descriptions_follow_the_book():
    t = ad.trace(ad.example_5_14(ad.Value(1.0, name="x")))
    assert t.describe(4).startswith("c = a + b = 3.718")
    assert "(5.144)" in t.describe(8)
    # (5.135): ∂f/∂c = ∂f/∂d ∂d/∂c + ∂f/∂e ∂e/∂c
    assert t.describe(11).startswith(r"\frac{\partial f}{\partial c} = \frac{\partial f}{\partial d}\frac{\partial d}"
                                     r"{\partial c} + \frac{\partial f}{\partial e}\frac{\partial e}{\partial c}")
    assert t.describe(11).endswith(f"= {1 / (2 * math.sqrt(1 + math.e)) - math.sin(1 + math.e):.4g}")
    assert "start" in t.describe(0)


def test_description_sums_an_operand_used_twice():
    x = ad.Value(2.0, name="x")
    t = ad.trace(x * x)
    assert t.describe(2) == r"f = x \cdot x = 4 \quad (x = 2, x = 2); \quad \frac{\partial f}{\partial x} = x = 2, " \
                           r"\frac{\partial f}{\partial x} = x = 2"
    assert t.describe(4).endswith(r"\left(x + x\right) = 1 \cdot 4 = 4")


def test_trace_table_is_deterministic_text():
    t = ad.trace(ad.example_5_14(ad.Value(1.0, name="x")))
    lines = t.table().splitlines()
    assert len(lines) == 8 and lines[2].split()[:3] == ["a", "x^2", "1.000000"]
    assert t.table(backward=True).splitlines()[1].split()[0] == "f"


def test_names_skip_input_names_and_use_subscripts_for_large_graphs():
    y = ad.Value(0.5, name="a")
    out = y
    for _ in range(30):
        out = ad.sin(out)
    names = [node.name for node in ad.name_nodes(out)]
    assert names[0] == "a" and "a" not in names[1:] and names[-1] == "f"
    assert len(set(names)) == len(names) and "v_{1}" in names


def test_trace_of_the_input_itself_and_of_a_constant():
    t = ad.trace(ad.from_sympy(X, 2.0))
    assert len(t) == 1 and t.derivative == 1.0 and t.value == 2.0
    c = ad.trace(ad.from_sympy(sp.Integer(3) + 0 * X, 2.0))
    assert c.value == 3.0 and c.derivative == 0.0 and c.rows[0].op == "const"


# -- sympy expressions --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, ops", [
    ("x/2 - 3x^3 + 1", ["input", "^", "*", "/", "+", "+"]),
    ("2/x + x sin(x)", ["input", "sin", "*", "/", "+"]),
    ("1/sqrt(x)", ["input", "sqrt", "/"]),
    ("x^x", ["input", "^"]),
    ("2^x", ["input", "^"]),
    ("-x", ["input", "neg"]),
    ("sigmoid(x)", ["input", "neg", "exp", "+", "/"]),
])
def test_from_sympy_builds_compact_graphs(text, ops):
    expr = parse_expression(text)
    t = ad.trace(ad.from_sympy(expr, 1.3))
    assert [r.op for r in t.rows] == ops
    assert close(t.derivative, float(sp.diff(expr, X).subs(X, 1.3)))


def test_from_sympy_computes_shared_subexpressions_once():
    out = ad.from_sympy(sp.sin(X ** 2) + sp.cos(X ** 2) * X ** 2, 0.4)
    assert sum(1 for node in ad.graph_nodes(out) if node.op == "^") == 1


def test_from_sympy_with_several_variables():
    y = sp.Symbol("y", real=True)
    point = {X: 0.5, y: -1.5}
    out = ad.from_sympy(X * sp.exp(y) + y ** 2, point)
    inputs = [node for node in ad.graph_nodes(out) if node.op == "input"]
    out.backward()
    grads = {node.name: node.grad for node in inputs}
    assert close(grads["x"], math.exp(-1.5)) and close(grads["y"], 0.5 * math.exp(-1.5) - 3.0)
    with pytest.raises(ValueError):
        ad.from_sympy(X * y, 1.0)  # one number for two variables


def test_from_sympy_rejects_what_the_engine_lacks():
    with pytest.raises(ad.UnsupportedExpression):
        ad.from_sympy(sp.tan(X), 0.3)
    with pytest.raises(ValueError):
        ad.evaluate_expression(X + sp.Symbol("z"), {X: 1.0})
    with pytest.raises(ValueError):
        ad.from_sympy(X + sp.I, 1.0)


# -- forward vs reverse: Jacobians and operation counts ------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 5, 13])
def test_many_to_one_counts(n):
    inputs, outputs = ad.many_to_one(n)
    J_forward, ops_forward = ad.jacobian_forward(outputs, inputs)
    J_reverse, ops_reverse = ad.jacobian_reverse(outputs, inputs)
    x = np.array([v.data for v in inputs])
    assert np.allclose(J_forward, 2 * x[None, :]) and np.allclose(J_reverse, J_forward)
    edges = 3 * n - 2  # n squares (one edge each) and n - 1 sums (two edges each)
    assert ad.edge_count(*outputs) == edges
    assert ops_forward == n * edges and ops_reverse == edges
    counts = ad.operation_counts(inputs, outputs)
    assert counts == {"forward": n * edges, "reverse": edges, "edges": edges, "operations": 2 * n - 1}


@pytest.mark.parametrize("m", [1, 2, 5, 13])
def test_one_to_many_counts(m):
    inputs, outputs = ad.one_to_many(m)
    J_forward, ops_forward = ad.jacobian_forward(outputs, inputs)
    J_reverse, ops_reverse = ad.jacobian_reverse(outputs, inputs)
    x = inputs[0].data
    j = np.arange(1, m + 1)
    assert np.allclose(J_forward[:, 0], j * np.cos(j * x)) and np.allclose(J_reverse, J_forward)
    assert ops_forward == 2 * m and ops_reverse == m * 2 * m


def test_jacobian_of_a_vector_function_with_an_unused_input():
    x, y, z = ad.Value(0.3), ad.Value(-0.7), ad.Value(2.0)
    outputs = [x * y, ad.sin(x) + y]
    J_forward, _ = ad.jacobian_forward(outputs, [x, y, z])
    J_reverse, _ = ad.jacobian_reverse(outputs, [x, y, z])
    expected = np.array([[-0.7, 0.3, 0.0], [math.cos(0.3), 1.0, 0.0]])
    assert np.allclose(J_forward, expected) and np.allclose(J_reverse, expected)


def test_count_families_reject_empty_sizes():
    with pytest.raises(ValueError):
        ad.many_to_one(0)
    with pytest.raises(ValueError):
        ad.one_to_many(0)


# -- expression swell -----------------------------------------------------------------------------
def test_nested_example_and_its_sizes():
    assert sp.simplify(ad.nested_example(1, X) - BOOK_F) == 0
    g2 = ad.nested_example(2, X)
    inner = BOOK_F
    assert sp.simplify(g2 - (sp.sqrt(inner ** 2 + sp.exp(inner ** 2)) + sp.cos(inner ** 2 + sp.exp(inner ** 2)))) == 0
    shared = [ad.shared_operation_count(ad.nested_example(k, X)) for k in (1, 2, 3)]
    assert shared[1] - shared[0] == shared[2] - shared[1] == shared[0]  # the graph grows linearly
    derivative_sizes = [sp.count_ops(sp.diff(ad.nested_example(k, X), X)) for k in (1, 2, 3)]
    assert derivative_sizes[0] > sp.count_ops(BOOK_F)
    assert derivative_sizes[2] / derivative_sizes[1] > derivative_sizes[1] / derivative_sizes[0] / 2 > 2


# -- the network of section 5.6.1 ---------------------------------------------------------------
@pytest.fixture
def network():
    rng = np.random.default_rng(0)
    params = ad.random_network((3, 4, 2), rng)
    return params, rng.normal(size=3), rng.uniform(size=2)


def test_network_shapes_and_loss(network):
    params, x, y = network
    assert params["A0"].shape == (4, 3) and params["b0"].shape == (4,)
    assert params["A1"].shape == (2, 4) and params["b1"].shape == (2,)
    f0, f1, f2 = ad.network_forward(params, x)
    sigma = lambda z: 1 / (1 + np.exp(-z))
    assert np.allclose(f1, sigma(params["A0"] @ x + params["b0"]))
    assert np.allclose(f2, sigma(params["A1"] @ f1 + params["b1"]))
    assert close(ad.network_loss(params, x, y), float(np.sum((y - f2) ** 2)))
    L, _ = ad.network_graph(params, x, y)
    assert close(L.data, ad.network_loss(params, x, y))


def test_network_gradients_by_hand_by_engine_and_by_finite_differences_agree(network):
    params, x, y = network
    by_hand = ad.network_backprop(params, x, y)
    by_engine = ad.network_engine_gradients(params, x, y)
    for name, value in params.items():
        loss = lambda v, name=name: ad.network_loss({**params, name: v}, x, y)
        by_differences = numerical_gradient(loss, value)
        assert by_hand[name].shape == value.shape
        assert np.allclose(by_hand[name], by_engine[name], rtol=1e-10, atol=1e-12)
        assert np.allclose(by_hand[name], by_differences, rtol=1e-6, atol=1e-8)
        assert gradient_check(loss, lambda v, name=name: ad.network_backprop({**params, name: v}, x, y)[name],
                              value) < 1e-6


def test_three_layer_network_backprop():
    rng = np.random.default_rng(1)
    params = ad.random_network((2, 3, 3, 1), rng)
    x, y = rng.normal(size=2), np.array([0.3])
    by_hand = ad.network_backprop(params, x, y)
    by_engine = ad.network_engine_gradients(params, x, y)
    assert set(by_hand) == {"A0", "b0", "A1", "b1", "A2", "b2"}
    for name in params:
        assert np.allclose(by_hand[name], by_engine[name], rtol=1e-10, atol=1e-12)


# -- plotting --------------------------------------------------------------------------------------
def test_layered_layout_of_fig_5_11():
    from widgets.plotting.autodiff import graph_depths, layered_layout

    t = ad.trace(ad.example_5_14(ad.Value(1.0, name="x")))
    parents = [r.parents for r in t.rows]
    assert graph_depths(parents) == [0, 1, 2, 3, 4, 4, 5]
    positions = layered_layout(parents)
    assert positions[:, 0].tolist() == [0, 1, 2, 3, 4, 4, 5]
    assert positions[4, 1] == 0.5 and positions[5, 1] == -0.5  # d above e
    assert positions[6, 1] == 0.0
    with pytest.raises(ValueError):
        graph_depths([(1,), ()])


def test_drawn_graph_shows_values_adjoints_and_the_current_step():
    from widgets.plotting import static_figure
    from widgets.plotting.autodiff import GRAPH_COLORS, draw_computation_graph, update_computation_graph

    t = ad.trace(ad.example_5_14(ad.Value(0.5, name="x")))
    fig, ax = static_figure(figsize=(9, 4))
    artists = draw_computation_graph(ax, t)
    texts = [node.get_text().splitlines() for node in artists["nodes"]]
    assert texts[3][0] == "$c = a + b$"
    assert texts[3][1] == f"c = {0.25 + math.exp(0.25):.4g}"
    assert len(artists["edges"]) == 8
    state = update_computation_graph(artists, t, 5)  # forward pass, evaluating d
    assert state["current"] == 4
    assert artists["nodes"][4].get_bbox_patch().get_facecolor() == matplotlib.colors.to_rgba(GRAPH_COLORS["forward_face"])
    assert artists["nodes"][6].get_text().splitlines()[1] == "f = ?"
    assert artists["edges"][(3, 4)].get_edgecolor() == matplotlib.colors.to_rgba(GRAPH_COLORS["forward_arrow"])
    update_computation_graph(artists, t, 11)  # backward pass at c: its edges to d and e carry (5.135)
    assert artists["edges"][(3, 4)].get_edgecolor() == matplotlib.colors.to_rgba(GRAPH_COLORS["backward_arrow"])
    assert artists["edges"][(3, 5)].get_edgecolor() == matplotlib.colors.to_rgba(GRAPH_COLORS["backward_arrow"])
    assert artists["nodes"][1].get_text().splitlines()[2] == "∂f/∂a = ?"
    other = ad.trace(ad.from_sympy(X * sp.sin(X), 0.5))
    with pytest.raises(ValueError):
        update_computation_graph(artists, other, 1)


def test_arrows_end_on_the_boxes_after_a_draw():
    from widgets.plotting import static_figure
    from widgets.plotting.autodiff import draw_computation_graph

    fig, ax = static_figure(figsize=(9, 4))
    artists = draw_computation_graph(ax, ad.trace(ad.example_5_14(ad.Value(1.0, name="x"))))
    fig.canvas.draw() if hasattr(fig.canvas, "renderer") else fig.draw_without_rendering()
    for (i, j), arrow in artists["edges"].items():
        start, end = ax.transData.transform(np.array(arrow.ends()))
        box_i = artists["nodes"][i].get_bbox_patch().get_window_extent()
        box_j = artists["nodes"][j].get_bbox_patch().get_window_extent()
        assert not box_i.contains(*start) and box_i.expanded(1.1, 1.3).contains(*start)
        assert not box_j.contains(*end) and box_j.expanded(1.1, 1.3).contains(*end)


def test_static_figures_of_the_section():
    from widgets.plotting import static_figure
    from widgets.plotting.autodiff import draw_counts, draw_mode_chain, draw_network_pass

    fig, axes = static_figure(1, 2, figsize=(10, 3))
    forward = draw_network_pass(axes[0], K=3)
    backward = draw_network_pass(axes[1], K=3, backward=True)
    assert len(forward["nodes"]) == 9 and len(forward["edges"]) == 8
    assert len(backward["edges"]) == 6  # nothing flows back into x or y
    assert (4, 3) in backward["edges"] and (1, 5) in backward["edges"] and (5, 1) in forward["edges"]
    with pytest.raises(ValueError):
        draw_network_pass(axes[0], K=0)
    fig, ax = static_figure()
    chain = draw_mode_chain(ax)
    assert len(chain["nodes"]) == 4 and "(5.121)" in chain["forward_label"].get_text()
    fig, ax = static_figure()
    lines = draw_counts(ax, [1, 2, 3], {"forward": [1, 4, 9], "reverse": [1, 2, 3]}, "$n$", "multiply-adds")
    assert lines["forward"].get_ydata().tolist() == [1, 4, 9]
    assert fig._repr_png_()[:4] == b"\x89PNG"


# -- the notebook's exercises ------------------------------------------------------------------------
def test_exercise_1_reverse_mode_by_intermediate_variables():
    f = sp.log(1 + X ** 2) * sp.sin(X)
    reference = 2 * X * sp.sin(X) / (1 + X ** 2) + sp.log(1 + X ** 2) * sp.cos(X)
    assert sp.simplify(sp.diff(f, X) - reference) == 0
    x0 = 0.9
    xv = ad.Value(x0, name="x")
    a = xv ** 2
    b = 1.0 + a
    c = ad.log(b)
    d = ad.sin(xv)
    out = c * d
    out.backward()
    assert close(xv.grad, float(reference.subs(X, x0)))


def test_exercise_2_sigmoid_derivative():
    z = sp.Symbol("z", real=True)
    sigma = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(sigma, z) - sp.exp(-z) / (1 + sp.exp(-z)) ** 2) == 0
    assert sp.simplify(sp.diff(sigma, z) - sigma * (1 - sigma)) == 0


def test_exercise_3_reverse_mode_costs_m_times_the_edges():
    x = [ad.Value(0.1 * (i + 1)) for i in range(4)]
    outputs = [x[0] * x[1] + x[2], ad.sin(x[3]) * x[0], ad.exp(x[1] - x[2])]
    s = ad.edge_count(*outputs)
    assert ad.operation_counts(x, outputs)["reverse"] == len(outputs) * s
    assert ad.operation_counts(x, outputs)["forward"] == len(x) * s


def test_exercise_4_single_neuron():
    w, b, y = sp.symbols("w b y", real=True)
    sigma = lambda t: 1 / (1 + sp.exp(-t))
    L = (y - sigma(w * X + b)) ** 2
    reference = -2 * (y - sigma(w * X + b)) * sigma(w * X + b) * (1 - sigma(w * X + b))
    assert sp.simplify(sp.diff(L, b) - reference) == 0
    params = {"A0": np.array([[0.7]]), "b0": np.array([-0.2])}
    grads = ad.network_backprop(params, [1.3], [0.4])
    value = float(reference.subs({w: 0.7, X: 1.3, b: -0.2, y: 0.4}))
    assert close(float(grads["b0"][0]), value)

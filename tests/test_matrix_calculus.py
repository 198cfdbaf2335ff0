"""widgets.math.matrices, identities and matrix_rules against sympy and closed forms written here: Fig. 5.7, Examples 5.12 and
5.13, the identities (5.99)-(5.108), the layout conversion, and the blog chapter's six worked examples."""

import itertools

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from widgets.math import identities, matrices, matrix_rules
from widgets.math.numeric import numerical_jacobian

SHAPES = [(1, 1), (2, 3), (3, 2), (4, 4)]


# -- closed forms written independently of the code under test ---------------------------------
def dfdA_by_loops(x, M):
    """Example 5.12: df_i/dA_kl = 1 if i == k else 0, times x_l."""
    N = len(x)
    T = np.zeros((M, M, N))
    for i, k, l in itertools.product(range(M), range(M), range(N)):
        T[i, k, l] = x[l] if i == k else 0.0
    return T


def dKdR_by_loops(R):
    """Example 5.13: dK_pq/dR_ij = δ_qj R_ip + δ_pj R_iq."""
    M, N = R.shape
    T = np.zeros((N, N, M, N))
    for p, q, i, j in itertools.product(range(N), range(N), range(M), range(N)):
        T[p, q, i, j] = (R[i, p] if q == j else 0.0) + (R[i, q] if p == j else 0.0)
    return T


# -- tensor view <-> Jacobian view ------------------------------------------------------------------
@given(st.lists(st.integers(1, 3), min_size=0, max_size=2), st.lists(st.integers(1, 3), min_size=0, max_size=2))
def test_tensor_and_jacobian_views_round_trip(f_shape, x_shape):
    f_shape, x_shape = tuple(f_shape), tuple(x_shape)
    T = np.arange(np.prod(f_shape + x_shape), dtype=float).reshape(f_shape + x_shape)
    J = matrices.tensor_to_jacobian(T, f_shape, x_shape)
    assert J.shape == (int(np.prod(f_shape)), int(np.prod(x_shape)))
    np.testing.assert_array_equal(matrices.jacobian_to_tensor(J, f_shape, x_shape), T)
    # row r of J is the flattened slice dF[r]/dX
    for r, f_index in enumerate(np.ndindex(*f_shape)):
        np.testing.assert_array_equal(J[r], T[f_index].ravel())


def test_views_refuse_wrong_sizes():
    with pytest.raises(ValueError):
        matrices.tensor_to_jacobian(np.zeros((2, 3)), (2,), (2,))
    with pytest.raises(ValueError):
        matrices.jacobian_to_tensor(np.zeros((2, 3)), (3,), (3,))


# -- layouts ----------------------------------------------------------------------------------------
def test_denominator_layout_of_a_jacobian_is_its_transpose():
    J = np.arange(6.0).reshape(2, 3)  # f in R^2, x in R^3: numerator 2×3
    D = matrices.to_denominator(J, (2,), (3,))
    np.testing.assert_array_equal(D, J.T)
    np.testing.assert_array_equal(matrices.to_numerator(D, (2,), (3,)), J)


def test_gradient_of_a_scalar_by_a_vector_is_a_row_in_numerator_and_a_column_in_denominator():
    row = np.array([[1.0, 2.0, 3.0]])
    column = matrices.to_denominator(row, (), (3,), matrix=True)
    assert column.shape == (3, 1)
    np.testing.assert_array_equal(column[:, 0], row[0])
    back = matrices.to_numerator(column, (), (3,), matrix=True)
    assert back.shape == (1, 3)
    np.testing.assert_array_equal(back, row)


def test_gradient_of_a_scalar_by_a_matrix_is_shaped_like_the_matrix_in_both_layouts():
    G = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(matrices.to_denominator(G, (), (2, 3)), G)
    np.testing.assert_array_equal(matrices.to_numerator(G, (), (2, 3)), G)
    # the matrix views differ: a 1×6 row against a 6×1 column
    assert matrices.to_numerator(G, (), (2, 3), matrix=True).shape == (1, 6)
    assert matrices.to_denominator(G, (), (2, 3), matrix=True).shape == (6, 1)


@given(st.lists(st.integers(1, 3), max_size=2), st.lists(st.integers(1, 3), max_size=2), st.integers(0, 2 ** 31))
def test_layout_conversion_moves_every_entry_and_round_trips(f_shape, x_shape, seed):
    f_shape, x_shape = tuple(f_shape), tuple(x_shape)
    T = np.random.default_rng(seed).standard_normal(f_shape + x_shape)
    D = matrices.to_denominator(T, f_shape, x_shape)
    assert D.shape == x_shape + f_shape
    for f_index in np.ndindex(*f_shape):
        for x_index in np.ndindex(*x_shape):
            assert D[x_index + f_index] == T[f_index + x_index]
    np.testing.assert_array_equal(matrices.to_numerator(D, f_shape, x_shape), T)
    np.testing.assert_array_equal(matrices.convert_layout(T, f_shape, x_shape, "numerator", "denominator"), D)
    np.testing.assert_array_equal(matrices.convert_layout(D, f_shape, x_shape, "denominator", "numerator"), T)
    np.testing.assert_array_equal(matrices.convert_layout(T, f_shape, x_shape, "numerator", "numerator"), T)


def test_layout_conversion_of_sympy_matrices():
    x1, x2 = sp.symbols("x1 x2")
    row = sp.Matrix([[2 * x1, x2]])
    column = matrices.to_denominator(row, (), (2,), matrix=True)
    assert isinstance(column, sp.MatrixBase) and column == row.T
    assert matrices.to_numerator(column, (), (2,), matrix=True) == row


def test_layout_conversion_refuses_unknown_names_and_sizes():
    with pytest.raises(ValueError, match="layout"):
        matrices.convert_layout(np.zeros(3), (), (3,), "numerator", "columns")
    with pytest.raises(ValueError):
        matrices.to_denominator(np.zeros(5), (2,), (3,))


# -- check_gradient -------------------------------------------------------------------------------
def test_check_gradient_tells_the_layouts_apart():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((3, 3))
    x = rng.standard_normal(3)
    F = lambda v: A @ v  # noqa: E731
    assert matrices.check_gradient(F, A, x) < 1e-8                        # Example 5.9: df/dx = A (numerator)
    assert matrices.check_gradient(F, A.T, x, layout="denominator") < 1e-8
    assert matrices.check_gradient(F, A.T, x) > 0.1                       # a transposed Jacobian is caught
    with pytest.raises(ValueError, match="entries"):
        matrices.check_gradient(F, np.zeros(4), x)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2 ** 31))
def test_check_gradient_accepts_the_jacobian_view_of_a_linear_map(m, n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    X = rng.standard_normal((n, 2))
    # F(X) = A X: dF_pq/dX_kl = A_pk δ_ql
    T = np.einsum("pk,ql->pqkl", A, np.eye(2))
    assert matrices.check_gradient(lambda Y: A @ Y, T.reshape(m * 2, n * 2), X) < 1e-7


# -- Fig. 5.7 -----------------------------------------------------------------------------------------
def test_fig_5_7_both_approaches_agree_with_sympy():
    x = matrices.symbols_vector("x", 3)
    A = matrices.fig_5_7_symbolic(x)
    assert A.shape == (4, 2)
    point = np.array([0.7, -0.4, 1.3])
    subs = dict(zip(list(x), point))
    exact = np.array(sp.Array([[[sp.diff(A[i, j], x[k]).subs(subs) for k in range(3)] for j in range(2)]
                               for i in range(4)]).tolist(), dtype=float)
    assert exact.shape == (4, 2, 3)
    np.testing.assert_allclose(matrices.fig_5_7_matrix(point), np.array(A.subs(subs), dtype=float), rtol=1e-14)
    np.testing.assert_allclose(matrices.gradient_by_partials(matrices.fig_5_7_matrix, point), exact, atol=1e-8)
    np.testing.assert_allclose(matrices.gradient_by_flattening(matrices.fig_5_7_matrix, point), exact, atol=1e-8)
    by_partials = np.array(matrices.symbolic_gradient_tensor(A, x).subs(subs).tolist(), dtype=float)
    by_flattening = np.array(matrices.symbolic_gradient_by_flattening(A, x).subs(subs).tolist(), dtype=float)
    np.testing.assert_allclose(by_partials, exact, rtol=1e-14)
    np.testing.assert_allclose(by_flattening, exact, rtol=1e-14)


def test_partial_derivative_is_one_slice_of_the_tensor():
    R = np.random.default_rng(0).standard_normal((3, 2))
    slice_ = matrices.partial_derivative(matrices.example_5_13_function, R, (2, 1))
    np.testing.assert_allclose(slice_, dKdR_by_loops(R)[:, :, 2, 1], atol=1e-8)


# -- Example 5.12 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("M,N", SHAPES)
def test_example_5_12_closed_form_numerically(M, N):
    rng = np.random.default_rng(M * 10 + N)
    A, x = rng.standard_normal((M, N)), rng.standard_normal(N)
    T = matrices.example_5_12_gradient(A, x)
    assert T.shape == (M, M, N)                                    # R^{M×(M×N)}
    np.testing.assert_array_equal(T, dfdA_by_loops(x, M))
    for i in range(M):                                             # df_i/dA: row i holds xᵀ, the rest 0
        expected = np.zeros((M, N))
        expected[i] = x
        np.testing.assert_array_equal(T[i], expected)
    F = lambda A_: matrices.example_5_12_function(A_, x)  # noqa: E731
    np.testing.assert_allclose(matrices.gradient_by_partials(F, A), T, atol=1e-8)
    np.testing.assert_allclose(matrices.gradient_by_flattening(F, A), T, atol=1e-8)
    assert matrices.check_gradient(F, T, A) < 1e-8


@pytest.mark.parametrize("M,N", [(2, 3), (3, 2)])
def test_example_5_12_symbolically(M, N):
    A = matrices.symbols_matrix("A", M, N)
    x = matrices.symbols_vector("x", N)
    T = matrices.symbolic_gradient_tensor(A * x, A)
    assert T.shape == (M, M, N)
    for i, k, l in itertools.product(range(M), range(M), range(N)):
        assert T[i, k, l] == (x[l] if i == k else 0)
    assert matrices.symbolic_gradient_by_flattening(A * x, A) == T


# -- Example 5.13 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("M,N", SHAPES)
def test_example_5_13_closed_form_numerically(M, N):
    R = np.random.default_rng(M * 7 + N).standard_normal((M, N))
    T = matrices.example_5_13_gradient(R)
    assert T.shape == (N, N, M, N)
    np.testing.assert_allclose(T, dKdR_by_loops(R), rtol=1e-15)
    np.testing.assert_allclose(matrices.gradient_by_partials(matrices.example_5_13_function, R), T, atol=1e-8)
    np.testing.assert_allclose(matrices.gradient_by_flattening(matrices.example_5_13_function, R), T, atol=1e-8)
    assert matrices.check_gradient(matrices.example_5_13_function, T, R) < 1e-8
    np.testing.assert_allclose(matrices.example_5_13_function(R), R.T @ R)


@pytest.mark.parametrize("M,N", [(2, 2), (3, 2), (2, 3)])
def test_example_5_13_symbolically(M, N):
    R = matrices.symbols_matrix("R", M, N)
    T = matrices.symbolic_gradient_tensor(R.T * R, R)
    assert T.shape == (N, N, M, N)
    for p, q, i, j in itertools.product(range(N), range(N), range(M), range(N)):
        expected = (R[i, p] if q == j else 0) + (R[i, q] if p == j else 0)
        assert sp.expand(T[p, q, i, j] - expected) == 0


def test_tensor_cases_are_seeded_and_consistent():
    for key in matrices.TENSOR_EXAMPLES:
        a, b = matrices.tensor_case(key, 3, 2, seed=5), matrices.tensor_case(key, 3, 2, seed=5)
        np.testing.assert_array_equal(a.X, b.X)
        assert a.jacobian.shape == (int(np.prod(a.f_shape)), a.X.size)
        assert matrices.check_gradient(a.function, a.tensor, a.X) < 1e-8
    assert matrices.tensor_case("5.12", 3, 2).f_shape == (3,)
    assert matrices.tensor_case("5.13", 3, 2).f_shape == (2, 2)
    with pytest.raises(ValueError):
        matrices.tensor_case("5.14", 2, 2)
    with pytest.raises(ValueError):
        matrices.tensor_case("5.12", 0, 2)


# -- identities (5.99)-(5.108) --------------------------------------------------------------------
def test_all_ten_identities_are_present():
    assert [item.number for item in identities.IDENTITIES] == [f"5.{k}" for k in range(99, 109)]
    assert identities.identity("5.103").variable == "X"
    with pytest.raises(KeyError):
        identities.identity("5.98")


@pytest.mark.parametrize("item", identities.IDENTITIES, ids=lambda item: item.number)
def test_identity_holds_numerically_at_every_size(item):
    rng = np.random.default_rng(0)
    for sizes in item.sizes:
        assert item.check(sizes, rng) < 1e-6


@pytest.mark.parametrize("item", identities.IDENTITIES, ids=lambda item: item.number)
def test_identity_holds_symbolically(item):
    assert item.verify_symbolically(identities.SYMBOLIC_SIZES[item.number])


def test_identities_against_closed_forms_written_here():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    Xi = np.linalg.inv(X)
    v = {"X": X, "a": a, "b": b}
    np.testing.assert_allclose(identities.identity("5.103").gradient(v, identities.NUMERIC), -Xi.T @ np.outer(a, b) @ Xi.T)
    B = rng.standard_normal((3, 3))
    np.testing.assert_allclose(identities.identity("5.107").gradient({"x": a, "B": B}, identities.NUMERIC), a @ B + a @ B.T)
    Y = rng.standard_normal((3, 2))
    c = rng.standard_normal(2)
    np.testing.assert_allclose(identities.identity("5.106").gradient({"X": Y, "a": a, "b": c}, identities.NUMERIC), np.outer(a, c))


def test_wrong_right_sides_fail_the_check():
    """The checks have teeth: the usual mistakes give large errors."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    Xi = np.linalg.inv(X)
    F = lambda Y: a @ np.linalg.inv(Y) @ b  # noqa: E731
    assert matrices.check_gradient(F, -Xi @ np.outer(a, b) @ Xi, X) > 1e-2          # (5.103) without transposes
    B = rng.standard_normal((3, 3))
    assert matrices.check_gradient(lambda x: x @ B @ x, 2 * B @ a, a) > 1e-2          # 2Bx for a non-symmetric B


def test_identity_table_has_every_identity_and_passes():
    rows = identities.identity_table(seed=0)
    assert len(rows) == sum(len(item.sizes) for item in identities.IDENTITIES) == 30
    assert {row[0] for row in rows} == {f"(5.{k})" for k in range(99, 109)}
    assert all(row[2] < 1e-6 for row in rows)
    assert rows == identities.identity_table(seed=0)
    assert rows[0][1] == "X: 2×3, A: 2×2"


def test_random_inputs_respect_their_kinds():
    rng = np.random.default_rng(0)
    specs = (("S", ("n", "n"), "symmetric"), ("P", ("n", "n"), "spd"), ("X", ("n", "n"), "invertible"))
    v = identities.random_inputs(specs, {"n": 4}, rng)
    np.testing.assert_array_equal(v["S"], v["S"].T)
    assert np.all(np.linalg.eigvalsh(v["P"]) >= 1 - 1e-12)
    assert np.linalg.cond(v["X"]) < 100
    with pytest.raises(ValueError):
        identities.random_inputs((("Z", ("n",), "orthogonal"),), {"n": 2}, rng)
    sym = identities.symbolic_inputs(specs[:1], {"n": 2})
    assert sym["S"][0, 1] == sym["S"][1, 0]


# -- 矩阵求导术: differentials and traces ----------------------------------------------------------
@pytest.mark.parametrize("rule", matrix_rules.DIFFERENTIAL_RULES, ids=lambda rule: rule.latex)
def test_differential_rules(rule):
    assert rule.check(np.random.default_rng(4)) < 1e-6


def test_a_wrong_differential_rule_fails():
    wrong = matrix_rules.DifferentialRule("d(XY) = dX Y", (("X", ("n", "n"), "general"), ("Y", ("n", "n"), "general")),
                                lambda v: v["X"] @ v["Y"], lambda v, d: d["X"] @ v["Y"])
    assert wrong.check(np.random.default_rng(0)) > 1e-2


@pytest.mark.parametrize("rule", matrix_rules.TRACE_RULES, ids=lambda rule: rule.latex)
def test_trace_rules(rule):
    assert rule.check(np.random.default_rng(5)) < 1e-12


def test_trace_rules_symbolically():
    A, B, C = (matrices.symbols_matrix(n, 2, 3) for n in "ABC")
    D = matrices.symbols_matrix("D", 3, 2)
    assert sp.expand((A * D).trace() - (D * A).trace()) == 0
    had = lambda P, Q: P.multiply_elementwise(Q)  # noqa: E731
    assert sp.expand((A.T * had(B, C)).trace() - (had(A, B).T * C).trace()) == 0


def test_df_equals_trace_of_gradient_transpose_times_dX():
    rng = np.random.default_rng(6)
    W, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    y = np.eye(4)[1]
    G = matrix_rules.ex4_gradient(W, x, y)
    dW = rng.standard_normal(W.shape)
    t = 1e-6
    change = (matrix_rules.ex4_logistic(W + t * dW, x, y) - matrix_rules.ex4_logistic(W - t * dW, x, y)) / (2 * t)
    assert matrix_rules.trace_differential(G, dW) == pytest.approx(change, rel=1e-7)
    assert matrix_rules.trace_differential(np.array([1.0, 2.0]), np.array([3.0, -1.0])) == pytest.approx(1.0)


def test_sigmoid_and_softmax_are_stable_and_correct():
    a = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    np.testing.assert_allclose(matrix_rules.sigmoid(a[1:4]), 1 / (1 + np.exp(-a[1:4])), rtol=1e-15)
    assert matrix_rules.sigmoid(a)[0] == 0.0 and matrix_rules.sigmoid(a)[-1] == 1.0
    b = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(matrix_rules.softmax(b), np.exp(b) / np.exp(b).sum(), rtol=1e-15)
    np.testing.assert_allclose(matrix_rules.log_softmax(b), np.log(np.exp(b) / np.exp(b).sum()), rtol=1e-14)
    assert np.all(np.isfinite(matrix_rules.log_softmax(np.array([1000.0, 0.0, -1000.0]))))


# -- the blog chapter's worked examples ---------------------------------------------------------------------
@pytest.mark.parametrize("example", matrix_rules.BLOG_EXAMPLES, ids=lambda e: f"example{e.number}")
def test_blog_example_gradients_numerically(example):
    errors = example.check(np.random.default_rng(example.number))
    assert set(errors) == set(example.variables)
    assert all(err < 1e-6 for err in errors.values())


def test_blog_examples_1_to_3_against_closed_forms_and_the_book():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(4), rng.standard_normal(4)
    np.testing.assert_array_equal(matrix_rules.ex1_gradient(x, w), w)                    # seed: f′(x) = w (column)
    # the book's (5.105): d(aᵀx)/dx = aᵀ, a row: the same numbers as a 1×n matrix
    row = matrices.to_numerator(matrix_rules.ex1_gradient(x, w), (), (4,), matrix=True)
    assert row.shape == (1, 4)
    np.testing.assert_array_equal(row[0], identities.identity("5.105").gradient({"x": x, "a": w}, identities.NUMERIC))
    H = rng.standard_normal((4, 4))
    seed_column = matrix_rules.ex2_gradient(x, H)
    np.testing.assert_allclose(seed_column, (H + H.T) @ x)
    book_row = matrices.to_numerator(seed_column, (), (4,), matrix=True)         # (5.107): xᵀ(B + Bᵀ)
    np.testing.assert_allclose(book_row, (x @ (H + H.T))[None, :])
    S = H + H.T
    np.testing.assert_allclose(matrix_rules.ex2_gradient(x, S), 2 * S @ x)           # 2Hx for symmetric H
    X, y, w3 = rng.standard_normal((6, 3)), rng.standard_normal(6), rng.standard_normal(3)
    np.testing.assert_allclose(matrix_rules.ex3_gradient(w3, X, y), 2 * X.T @ (X @ w3 - y))
    # Example 5.11 (5.83), numerator layout: dL/dθ = −2(yᵀ − θᵀΦᵀ)Φ, a 1×D row
    book = -2 * (y - X @ w3) @ X
    np.testing.assert_allclose(matrices.to_numerator(matrix_rules.ex3_gradient(w3, X, y), (), (3,), matrix=True)[0], book)


def test_blog_example_4_against_sympy():
    k, d = 3, 2
    W = matrices.symbols_matrix("W", k, d)
    x = sp.Matrix([sp.Rational(1, 2), -2])
    y = sp.Matrix([0, 1, 0])
    a = W * x
    loss = -sum(y[i] * (a[i] - sp.log(sum(sp.exp(a[j]) for j in range(k)))) for i in range(k))
    grad = sp.Matrix(k, d, lambda i, j: sp.diff(loss, W[i, j]))
    values = np.random.default_rng(1).standard_normal((k, d))
    subs = {W[i, j]: values[i, j] for i in range(k) for j in range(d)}
    exact = np.array(grad.subs(subs).evalf(), dtype=float)
    np.testing.assert_allclose(matrix_rules.ex4_gradient(values, np.array([0.5, -2.0]), np.array([0.0, 1.0, 0.0])),
                               exact, rtol=1e-12)
    assert matrix_rules.ex4_logistic(values, np.array([0.5, -2.0]), np.array([0.0, 1.0, 0.0])) == pytest.approx(
        float(loss.subs(subs)), rel=1e-12)


def test_blog_example_4_general_y_keeps_the_sum_of_y():
    rng = np.random.default_rng(8)
    W, x, y = rng.standard_normal((3, 2)), rng.standard_normal(2), np.array([0.2, 0.5, 0.9])
    assert matrices.check_gradient(lambda V: matrix_rules.ex4_logistic(V, x, y), matrix_rules.ex4_gradient(W, x, y), W) < 1e-6


def test_blog_example_5_zero_at_the_sample_covariance():
    rng = np.random.default_rng(9)
    xs = rng.standard_normal((50, 3)) @ np.array([[1.0, 0.3, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 2.0]])
    S = matrix_rules.sample_covariance(xs)
    np.testing.assert_allclose(S, np.cov(xs.T, bias=True), rtol=1e-12)
    np.testing.assert_allclose(matrix_rules.ex5_gradient(S, xs), 0, atol=1e-12)
    best = matrix_rules.ex5_covariance_loss(S, xs)
    for _ in range(20):                      # S is the minimum among nearby covariances
        E = rng.standard_normal((3, 3)) * 0.05
        assert matrix_rules.ex5_covariance_loss(S + (E + E.T) / 2, xs) > best
    # closed form at S: log|S| + tr(S⁻¹S) = log|S| + d
    assert best == pytest.approx(np.log(np.linalg.det(S)) + 3, rel=1e-12)
    assert np.isnan(matrix_rules.ex5_covariance_loss(-np.eye(3), xs))


def test_blog_example_6_against_sympy():
    d, m, k = 2, 2, 2
    W1, W2 = matrices.symbols_matrix("U", m, d), matrices.symbols_matrix("V", k, m)
    x = sp.Matrix([1, sp.Rational(-1, 2)])
    y = sp.Matrix([1, 0])
    h = (W1 * x).applyfunc(lambda t: 1 / (1 + sp.exp(-t)))
    a = W2 * h
    loss = -sum(y[i] * (a[i] - sp.log(sum(sp.exp(a[j]) for j in range(k)))) for i in range(k))
    rng = np.random.default_rng(12)
    v1, v2 = rng.standard_normal((m, d)), rng.standard_normal((k, m))
    subs = {**{W1[i, j]: v1[i, j] for i in range(m) for j in range(d)},
            **{W2[i, j]: v2[i, j] for i in range(k) for j in range(m)}}
    g1 = np.array(sp.Matrix(m, d, lambda i, j: sp.diff(loss, W1[i, j])).subs(subs).evalf(), dtype=float)
    g2 = np.array(sp.Matrix(k, m, lambda i, j: sp.diff(loss, W2[i, j])).subs(subs).evalf(), dtype=float)
    got = matrix_rules.ex6_gradients(v1, v2, np.array([1.0, -0.5]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(got["W1"], g1, rtol=1e-10)
    np.testing.assert_allclose(got["W2"], g2, rtol=1e-10)


def test_blog_example_lookup():
    assert [e.number for e in matrix_rules.BLOG_EXAMPLES] == [1, 2, 3, 4, 5, 6]
    assert matrix_rules.blog_example(6).variables == ("W1", "W2")
    with pytest.raises(KeyError):
        matrix_rules.blog_example(7)


def test_numerical_jacobian_shape_convention_is_numerator():
    """The reference used by every check: shape F.shape + X.shape."""
    R = np.ones((3, 2))
    assert numerical_jacobian(matrices.example_5_13_function, R).shape == (2, 2, 3, 2)


def test_variable_latex_names():
    assert matrix_rules.BlogExample.variable_latex("Sigma") == r"\Sigma"
    assert matrix_rules.BlogExample.variable_latex("W1") == "W_{1}"
    assert matrix_rules.BlogExample.variable_latex("x") == "x"


# -- the exercises of the two notebooks: reference answers against sympy ----------------------------
def _agrees(reference: str, expected, variables) -> bool:
    from widgets.exercises.answers import parse_answer

    parsed = parse_answer(reference, variables)
    symbols = {s.name: s for s in parsed.free_symbols} if hasattr(parsed, "free_symbols") else {}
    expected = sp.Matrix(expected).subs({sp.Symbol(n, real=True): symbols.get(n, sp.Symbol(n, real=True))
                                         for n in variables})
    return sp.simplify(sp.Matrix(parsed) - expected) == sp.zeros(*expected.shape)


def test_exercises_of_section_5_4():
    R = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"r{i}{j}"))
    T = matrices.symbolic_gradient_tensor(R.T * R, R)
    assert len(sp.flatten(T)) == 24 and matrices.tensor_to_jacobian(np.zeros(T.shape), (2, 2), (3, 2)).shape == (4, 6)
    a, b, c, d, x1, x2 = sp.symbols("a b c d x1 x2", real=True)
    A = sp.Matrix([[a, b], [c, d]])
    f = A * sp.Matrix([x1, x2])
    slice_f2 = sp.Matrix(matrices.symbolic_gradient_tensor(f, A)[1, :, :])
    assert _agrees("[[0, 0], [x1, x2]]", slice_f2, ("x1", "x2"))
    slice_K12 = sp.Matrix(matrices.symbolic_gradient_tensor(A.T * A, A)[0, 1, :, :])
    assert _agrees("[[b, a], [d, c]]", slice_K12, ("a", "b", "c", "d"))


def test_exercises_of_section_5_5():
    a, b, c, d, x1, x2 = sp.symbols("a b c d x1 x2", real=True)
    x = sp.Matrix([x1, x2])
    f = ((sp.Matrix([[1, 2]]) * x)[0]) ** 2
    assert _agrees("[2*(x1 + 2*x2), 4*(x1 + 2*x2)]", sp.Matrix([f]).jacobian(x), ("x1", "x2"))
    X = sp.Matrix([[a, b], [c, d]])
    grad_tr = sp.Matrix(2, 2, lambda i, j: sp.diff((X * X).trace(), X[i, j]))
    assert _agrees("[[2*a, 2*c], [2*b, 2*d]]", grad_tr, ("a", "b", "c", "d"))
    assert not _agrees("[[2*a, 2*b], [2*c, 2*d]]", grad_tr, ("a", "b", "c", "d"))  # 2X, not 2Xᵀ
    grad_logdet = sp.Matrix(2, 2, lambda i, j: sp.diff(sp.log(X.det()), X[i, j]))
    assert _agrees("[[d/(a*d - b*c), -c/(a*d - b*c)], [-b/(a*d - b*c), a/(a*d - b*c)]]", grad_logdet,
                   ("a", "b", "c", "d"))
    assert sp.simplify(grad_logdet - X.inv().T) == sp.zeros(2, 2)

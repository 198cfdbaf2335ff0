"""探索任务: every task of every explorer is completed by moving the explorer's controls to a solution
computed here independently (closed forms, sympy), and not by a near miss; the panel says so, marks
done tasks, shows its hint on request, stays small, can be switched off, and never raises."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from ipywidgets.widgets.widget import _instances as open_widgets

import widgets.explorers as explorers
from widgets.exercises import tasks as et
from widgets.explorers import tasks as task_panel

EPS = np.finfo(np.float64).eps
x, y, t, h = sp.symbols("x y t h", real=True)


def _factories() -> dict:
    return {name: f for name, f in vars(explorers).items()
            if name.endswith("_explorer") and callable(f) and not isinstance(f, type)}


FACTORIES = _factories()


@pytest.fixture
def made():
    """Make explorers (by factory name and arguments); close them all afterwards."""
    opened = []

    def make(name, *args, **kwargs):
        explorer = FACTORIES[name](*args, **kwargs)
        opened.append(explorer)
        return explorer

    yield make
    for explorer in opened:
        explorer.close()


def task_index(explorer, key: str) -> int:
    return [task.key for task in explorer.task_panel.tasks].index(key)


def assert_done(explorer, key: str) -> None:
    """The panel, on task ``key``, says 完成 with the task's explanation, and marks the task ✓."""
    panel = explorer.task_panel
    k = task_index(explorer, key)
    panel.choose(k)
    assert "内部错误" not in explorer.message and explorer.last_error is None, explorer.message
    assert panel.met, f"{key} is not done in state {summary(explorer)}"
    assert "完成" in panel.shown_text and panel.tasks[k].explanation in panel.shown_text
    assert panel.toggles.options[k][0].startswith("✓")


def assert_not_done(explorer, key: str) -> None:
    panel = explorer.task_panel
    panel.choose(task_index(explorer, key))
    assert not panel.met, f"{key} counts as done in state {summary(explorer)}"
    assert "✓ 完成！" not in panel.shown_text


def summary(explorer) -> dict:
    state = explorer.state()
    return {k: v for k, v in state.items() if np.ndim(v) == 0 or k in ("f_index", "x_index", "shape")}


def fresh_panel(explorer):
    """Forget what the panel has seen (a near miss is checked on a panel that has never been done)."""
    panel = explorer.task_panel
    panel.done = [False] * len(panel.tasks)
    panel._relabel()
    return panel


# -- the data ------------------------------------------------------------------------------------------
def test_every_explorer_has_two_to_four_tasks_with_text():
    names = set()
    for name, factory in FACTORIES.items():
        explorer = factory()
        try:
            names.add(type(explorer).__name__)
            tasks = et.tasks_for(type(explorer).__name__)
            assert 2 <= len(tasks) <= 4, name
            assert explorer.task_panel is not None and explorer.task_panel.tasks == tasks
        finally:
            explorer.close()
    assert names == set(et.TASKS), "TASKS names exactly the exported explorers"
    keys = [task.key for tasks in et.TASKS.values() for task in tasks]
    assert len(keys) == len(set(keys))
    for task in (task for tasks in et.TASKS.values() for task in tasks):
        for text in (task.question, task.hint, task.explanation):
            assert text.strip() and text.count("$") % 2 == 0, (task.key, text)
            assert "<" not in "".join(text.split("$")[::2]), f"{task.key}: HTML outside the math: {text}"


def test_state_has_the_keys_tasks_read():
    """The keys every task reads from ``state()`` (controls and ``values``), per explorer:

    SecantExplorer: h (control), secant_slope, tangent_slope.
    DifferenceErrorExplorer: h (control), hs (the steps of the curves), forward_curve and central_curve
        (the absolute errors there), forward_error and central_error (the errors at h).
    TaylorExplorer: function, formula, n, x0 (controls), coefficients (f^(k)(x0)/k!, k = 0..n).
    GradientExplorer: exact (∇f·u), norm (‖∇f‖).
    ChainRuleExplorer: dh (df/dt at t), terms (the two products of (5.49)), dh_scale (max |df/dt| along the
        path), path_span (largest coordinate range of the path).
    JacobianExplorer: map (control), det (det J at the point), ratio (measured area ratio).
    MatrixGradientExplorer: example (control), f_index and x_index (0-based indices of the selected entry of
        F and X), shape (the Jacobian's shape).
    IdentityCheckExplorer: identity, h (controls), error (relative error of the differences).
    AutodiffExplorer: phase ("start", "forward", "backward"), node (name of the current node or None),
        adjoints, children, ops (node name -> adjoint, number of children, operation), reverse (df/dx).
    HessianExplorer: function, formula (controls), gradient, eigenvalues (of H at the point).
    LinearizationExplorer: order (control), errors (order -> max |f - T_k| on circles of radius r),
        radii, value (f(x0)), gradient (∇f(x0)).
    """
    for name, factory in FACTORIES.items():
        explorer = factory()
        try:
            state = explorer.state()
            missing = [k for k in et.STATE_KEYS[type(explorer).__name__] if k not in state]
            assert not missing, f"{name}: state() lacks {missing}"
        finally:
            explorer.close()


def test_no_task_is_done_in_an_explorers_first_picture():
    for name, factory in FACTORIES.items():
        explorer = factory()
        try:
            state = explorer.state()
            done = [task.key for task in explorer.task_panel.tasks if et.is_done(task, state)]
            assert not done, f"{name}: done before anything was moved: {done}"
        finally:
            explorer.close()


@pytest.mark.parametrize("state", [{}, {"h": float("nan")}, {"secant_slope": "x"}, None,
                                   {k: float("nan") for k in ("h", "dh", "det", "norm", "exact", "error", "order")}])
def test_a_task_that_cannot_read_its_state_is_not_done(state):
    for tasks in et.TASKS.values():
        for task in tasks:
            assert et.is_done(task, state) is False


# -- 5.1 ------------------------------------------------------------------------------------------------
def secant_gap(h_value: float, x0: float = 1) -> float:
    """(f(x0+h) - f(x0))/h - f'(x0) for the secant explorer's f, exactly."""
    f = x ** 3 / 4 - x + 1
    quotient = (f.subs(x, x0 + h) - f.subs(x, x0)) / h - sp.diff(f, x).subs(x, x0)
    return float(sp.simplify(quotient).subs(h, sp.Rational(h_value)))


def log_grid(lo: float, hi: float, step: float) -> np.ndarray:
    return 10.0 ** np.round(np.arange(lo, hi + step / 2, step), 10)


@pytest.mark.parametrize("key, tolerance, sign", [("secant-0.01", 0.01, 1), ("secant-left", 0.01, -1),
                                                  ("secant-0.001", 0.001, 1)])
def test_secant_tasks(made, key, tolerance, sign):
    explorer = made("secant_explorer")
    magnitudes = log_grid(-3.0, 0.5, 0.05)   # the positions of the h slider
    close = [m for m in magnitudes if abs(secant_gap(sign * m)) < tolerance]
    solution = max(close)
    assert math.isclose(solution, 0.013 if tolerance == 0.01 else 0.0013, rel_tol=0.1)   # the explanations' numbers
    near_miss = min(m for m in magnitudes if m > solution)
    explorer.controls["h"].value = sign * near_miss
    assert_not_done(explorer, key)
    explorer.controls["h"].value = sign * solution
    assert_done(explorer, key)
    if key == "secant-left":   # the same step on the right does not count
        fresh_panel(explorer)
        explorer.controls["h"].value = solution
        assert_not_done(explorer, key)


def difference_optimum(kind: str, x0: float) -> float:
    """The step where truncation and rounding error balance, from the error model of each quotient."""
    f = sp.sin(x)
    fx, f2, f3 = (abs(float(sp.diff(f, x, k).subs(x, x0))) for k in (0, 2, 3))
    if kind == "forward":   # h/2 |f''| + 2 eps |f| / h
        return 2 * math.sqrt(EPS * fx / f2)
    return (3 * EPS * fx / f3) ** (1 / 3)   # h^2/6 |f'''| + eps |f| / h


@pytest.mark.parametrize("x0", [1.0, -2.0])
@pytest.mark.parametrize("kind, key", [("forward", "forward-best-h"), ("central", "central-best-h")])
def test_difference_error_best_steps(made, x0, kind, key):
    explorer = made("difference_error_explorer", x0=x0)
    best = 10 ** round(math.log10(difference_optimum(kind, x0)), 1)   # on the slider's grid of tenths of a decade
    for miss in (best * 10 ** -1.5, best * 10 ** 1.5):
        explorer.controls["h"].value = miss
        assert_not_done(explorer, key)
    explorer.controls["h"].value = best
    assert_done(explorer, key)


def test_the_two_optimal_steps_are_about_two_and_a_half_decades_apart():
    apart = math.log10(difference_optimum("central", 1.0)) - math.log10(difference_optimum("forward", 1.0))
    assert 2.0 < apart < 3.0
    hs = 10.0 ** np.arange(-16, 0.05, 0.1)   # the smallest errors, as the explanation gives them: about 1e-8 and 1e-11
    forward = np.abs((np.sin(1 + hs) - np.sin(1)) / hs - np.cos(1))
    central = np.abs((np.sin(1 + hs) - np.sin(1 - hs)) / (2 * hs) - np.cos(1))
    near = lambda errors, h: np.max(errors[np.abs(np.log10(hs) - math.log10(h)) <= 0.25])  # noqa: E731
    assert 1e-9 < near(forward, difference_optimum("forward", 1.0)) < 1e-7
    assert 1e-12 < near(central, difference_optimum("central", 1.0)) < 1e-10
    assert math.isclose(math.sqrt(EPS), 1.49e-8, rel_tol=1e-2) and math.isclose(EPS ** (1 / 3), 6.06e-6, rel_tol=1e-2)


def test_difference_error_forward_as_good_as_central(made):
    explorer = made("difference_error_explorer")
    zero = float(sp.solve(sp.Eq(sp.diff(sp.sin(x), x, 2), 0), x)[0])   # sin'' = 0 at 0
    explorer.set_values(x0=0.05, h=1e-3)
    assert_not_done(explorer, "forward-as-good-as-central")
    explorer.set_values(x0=zero, h=1e-8)   # the right point, but a step outside the band
    assert_not_done(explorer, "forward-as-good-as-central")
    explorer.set_values(x0=zero, h=1e-3)
    assert_done(explorer, "forward-as-good-as-central")


def exp_taylor_error(x0: float, n: int, at: float = 2.0) -> float:
    polynomial = sum(sp.exp(sp.nsimplify(x0)) * (sp.Integer(at) - sp.nsimplify(x0)) ** k / sp.factorial(k)
                     for k in range(n + 1))
    return float(abs(sp.exp(at) - polynomial))


def test_taylor_smallest_order_for_exp(made):
    explorer = made("taylor_explorer")
    n = next(n for n in range(21) if exp_taylor_error(0, n) < 0.01)
    assert n == 7   # the explanation's numbers
    assert 0.03 < exp_taylor_error(0, 6) < 0.04 and 0.007 < exp_taylor_error(0, 7) < 0.009
    explorer.controls["function"].value = "eˣ"
    for wrong in (n - 1, n + 1):
        explorer.controls["n"].value = wrong
        assert_not_done(explorer, "exp-smallest-n")
    explorer.controls["n"].value = n
    assert_done(explorer, "exp-smallest-n")
    fresh_panel(explorer)
    explorer.controls["formula"].value = "exp(x)"   # the same function typed: not the preset asked for
    assert_not_done(explorer, "exp-smallest-n")


def test_taylor_third_order_near_2(made):
    explorer = made("taylor_explorer")
    explorer.controls["function"].value = "eˣ"
    explorer.controls["n"].value = 3
    grid = np.round(np.arange(-3.0, 2.0 + 1e-9, 0.05), 10)   # the x0 slider of the eˣ preset
    solution = min(x0 for x0 in grid if exp_taylor_error(x0, 3) < 0.01)
    near_miss = max(x0 for x0 in grid if x0 < solution)
    assert 1.5 < solution < 1.7   # "x0 要到约 1.6"
    explorer.controls["x0"].value = float(near_miss)
    assert_not_done(explorer, "exp-move-x0")
    explorer.controls["x0"].value = float(solution)
    assert_done(explorer, "exp-move-x0")


def geometric_error(x0: float, n: int = 20, at: float = -1.5) -> float:
    a, z = sp.nsimplify(x0), sp.nsimplify(at)
    polynomial = sum((z - a) ** k / (1 - a) ** (k + 1) for k in range(n + 1))
    return float(abs(polynomial - 1 / (1 - z)))


def test_taylor_radius_of_convergence(made):
    explorer = made("taylor_explorer")
    explorer.controls["function"].value = "1/(1−x)"
    explorer.controls["n"].value = 20
    grid = np.round(np.arange(-2.5, 0.0 + 1e-9, 0.05), 10)
    solution = max(x0 for x0 in grid if geometric_error(x0) < 0.01)
    assert math.isclose(solution, -0.40) and geometric_error(-0.35) >= 0.01   # the explanation's −0.36
    for miss in (solution + 0.05, solution - 0.10):   # not yet converging; converging but not the largest
        explorer.controls["x0"].value = float(miss)
        assert_not_done(explorer, "geometric-radius")
    explorer.controls["x0"].value = float(solution)
    assert_done(explorer, "geometric-radius")


# -- 5.2 ------------------------------------------------------------------------------------------------
def example_5_7_gradient(px: float, py: float) -> np.ndarray:
    f = x ** 2 * y + x * y ** 3
    return np.array([float(sp.diff(f, v).subs({x: px, y: py})) for v in (x, y)])


@pytest.mark.parametrize("key, turn", [("directional-zero", np.pi / 2), ("steepest-descent", np.pi)])
def test_gradient_turning_tasks(made, key, turn):
    explorer = made("gradient_explorer")
    g = example_5_7_gradient(explorer.controls["x"].value, explorer.controls["y"].value)
    theta = float(np.mod(np.arctan2(g[1], g[0]) + turn, 2 * np.pi))
    explorer.controls["theta"].value = round(theta + 0.03, 2)
    assert_not_done(explorer, key)
    explorer.controls["theta"].value = round(theta, 2)
    assert_done(explorer, key)


def test_gradient_stationary_point(made):
    explorer = made("gradient_explorer")
    solutions = sp.solve([sp.diff(x ** 2 * y + x * y ** 3, v) for v in (x, y)], [x, y], dict=True)
    assert {(float(s[x]), float(s[y])) for s in solutions} == {(0.0, 0.0)}
    explorer.set_values(x=0.1, y=0.1)
    assert np.linalg.norm(example_5_7_gradient(0.1, 0.1)) > 0.01
    assert_not_done(explorer, "stationary-point")
    explorer.set_values(x=0.0, y=0.0)
    assert_done(explorer, "stationary-point")


def chain_terms(t0: float) -> tuple[float, float]:
    x1, x2 = sp.sin(t), sp.cos(t)
    f1, f2 = 2 * x1, sp.Integer(2)   # ∂f/∂x1, ∂f/∂x2 of f = x1^2 + 2 x2 along the path
    return float((f1 * sp.diff(x1, t)).subs(t, t0)), float((f2 * sp.diff(x2, t)).subs(t, t0))


def chain_scale() -> float:
    rate = 2 * sp.sin(t) * (sp.cos(t) - 1)   # (5.50c)
    critical = sp.solve(sp.diff(rate, t), t)
    return max(abs(float(rate.subs(t, c))) for c in critical)


def test_chain_rule_rate_zero(made):
    explorer = made("chain_rule_explorer")
    assert math.isclose(chain_scale(), 3 * math.sqrt(3) / 2)
    solution = round(math.pi, 2)   # 2 sin t (cos t - 1) = 0 at t = π
    assert abs(sum(chain_terms(solution))) <= 0.03 * chain_scale()
    explorer.controls["t"].value = 3.10
    assert abs(sum(chain_terms(3.10))) > 0.03 * chain_scale()
    assert_not_done(explorer, "rate-zero")
    explorer.controls["t"].value = solution
    assert_done(explorer, "rate-zero")


def test_chain_rule_terms_cancel(made):
    explorer = made("chain_rule_explorer")
    scale = chain_scale()
    grid = np.round(np.arange(0.0, 2 * np.pi, 0.01), 10)
    cancel = [t0 for t0 in grid if abs(sum(chain_terms(t0))) <= 0.03 * scale
              and min(map(abs, chain_terms(t0))) >= 0.1 * scale]
    assert cancel and all(t0 < 0.5 or t0 > 5.7 for t0 in cancel)   # near t = 0 (and 2π) only
    for miss in (round(math.pi, 2), 0.5):   # the rate is 0 but so are both terms; the terms do not cancel yet
        explorer.controls["t"].value = miss
        assert_not_done(explorer, "terms-cancel")
    explorer.controls["t"].value = float(cancel[len(cancel) // 4])
    assert_done(explorer, "terms-cancel")


def test_chain_rule_level_path(made):
    explorer = made("chain_rule_explorer")
    f = x ** 2 + 2 * y
    level = -sp.sin(t) ** 2 / 2
    assert sp.simplify(sp.diff(f.subs({x: sp.sin(t), y: level}), t)) == 0
    explorer.controls["x2"].value = "-sin(t)^2/2 + t/100"   # almost along a level curve
    assert_not_done(explorer, "level-path")
    explorer.controls["x1"].value, explorer.controls["x2"].value = "1", "0"   # a path that does not move
    assert_not_done(explorer, "level-path")
    explorer.controls["x1"].value, explorer.controls["x2"].value = "sin(t)", "-sin(t)^2/2"
    assert_done(explorer, "level-path")


def test_chain_rule_level_path_of_example_5_10(made):
    explorer = made("chain_rule_explorer", "exp(x1 x2^2)", "t cos(t)", "t sin(t)", t_range=(0, np.pi))
    assert sp.diff(sp.exp(x * y ** 2).subs(y, 0), t) == 0
    explorer.controls["x2"].value = "0"
    assert_done(explorer, "level-path")


def test_chain_rule_tasks_can_be_done_on_example_5_10(made):
    """The second chain-rule explorer (5.3, the spiral of Example 5.10) shows the same tasks: each can be done."""
    explorer = made("chain_rule_explorer", "exp(x1 x2^2)", "t cos(t)", "t sin(t)", t_range=(0, np.pi))
    x1, x2 = t * sp.cos(t), t * sp.sin(t)
    f = sp.exp(x * y ** 2)
    terms = [sp.lambdify(t, (sp.diff(f, v) * sp.diff(path, t)).subs({x: x1, y: x2})) for v, path in ((x, x1), (y, x2))]
    scale = max(abs(terms[0](t0) + terms[1](t0)) for t0 in np.linspace(0, np.pi, 4001))
    grid = np.round(np.arange(0.0, np.pi, 0.01), 10)
    zero = next(t0 for t0 in grid if t0 > 1 and abs(terms[0](t0) + terms[1](t0)) <= 0.03 * scale)
    explorer.controls["t"].value = float(zero)
    assert_done(explorer, "rate-zero")
    cancel = next(t0 for t0 in grid if abs(terms[0](t0) + terms[1](t0)) <= 0.03 * scale
                  and min(abs(terms[0](t0)), abs(terms[1](t0))) >= 0.1 * scale)
    explorer.controls["t"].value = float(cancel)
    assert_done(explorer, "terms-cancel")


# -- 5.3 ------------------------------------------------------------------------------------------------
def jacobian_det(F, px: float, py: float) -> float:
    return float(sp.Matrix(F).jacobian([x, y]).det().subs({x: px, y: py}))


def test_jacobian_keeps_area(made):
    explorer = made("jacobian_explorer")
    F = (x + sp.sin(y), y + sp.sin(x))
    solution = round(float(sp.pi / 2), 2)
    assert abs(abs(jacobian_det(F, solution, 0.5)) - 1) < 0.01 and abs(jacobian_det(F, 1.55, 0.5) - 1) > 0.01
    explorer.set_values(x=solution, y=0.5)   # the Fig. 5.5 map keeps no area: |det J| = 3 everywhere
    assert_not_done(explorer, "keeps-area")
    explorer.controls["map"].value = "sine"
    explorer.set_values(x=1.55, y=0.5)
    assert_not_done(explorer, "keeps-area")
    explorer.set_values(x=solution, y=0.5)
    assert_done(explorer, "keeps-area")


def test_jacobian_folds(made):
    explorer = made("jacobian_explorer")
    F = (x, y ** 2)
    folding = sp.solve(sp.Matrix(F).jacobian([x, y]).det(), y)
    assert folding == [0]
    explorer.controls["map"].value = "fold"
    explorer.set_values(x=0.3, y=0.01)
    assert_not_done(explorer, "folds")
    explorer.set_values(x=0.3, y=float(folding[0]))
    assert_done(explorer, "folds")


def polar_ratio(r: float, s: float) -> float:
    """The area of the image of [r, r+s] × [φ, φ+s] under polar -> Cartesian (an annular sector), over s²."""
    return ((r + s) ** 2 - r ** 2) / 2 * s / s ** 2


def test_jacobian_area_limit(made):
    explorer = made("jacobian_explorer")
    explorer.controls["map"].value = "polar"
    r = explorer.controls["x"].value
    sizes = log_grid(-2.5, math.log10(2.0), 0.02)
    solution = max(s for s in sizes if abs(polar_ratio(r, s) - r) <= 0.01 * r)
    near_miss = min(s for s in sizes if s > solution)
    explorer.controls["size"].value = float(near_miss)
    assert_not_done(explorer, "area-limit")
    explorer.controls["size"].value = float(solution)
    assert_done(explorer, "area-limit")


# -- 5.4 and 5.5 -----------------------------------------------------------------------------------------
def test_matrix_gradient_find_entry(made):
    explorer = made("matrix_gradient_explorer")
    M, N = 2, 3
    row, col = 2, (2 - 1) * N + 3   # f_2 and A_23, A flattened row by row
    explorer.set_values(example="5.12", M=M, N=N, row=row, col=col - 1)
    assert_not_done(explorer, "find-entry")
    explorer.set_values(row=row, col=col)
    assert_done(explorer, "find-entry")
    unit = np.zeros((M, N))
    unit[1, 2] = 1.0
    x_3 = explorer.case.function(unit)[1]   # f = E₂₃ x has f_2 = x_3
    assert math.isclose(explorer.values["value"], x_3)


def test_matrix_gradient_doubled_entry(made):
    explorer = made("matrix_gradient_explorer")
    M, N = 3, 2
    p = q = j = 1
    i = 0
    row, col = p * N + q + 1, i * N + j + 1
    explorer.set_values(example="5.13", M=M, N=N, row=row, col=col - 1)   # j = 0: δ_qj = δ_pj = 0
    assert_not_done(explorer, "doubled-entry")
    explorer.set_values(row=0 * N + q + 1, col=col)   # p = 0, q = j = 1: one term, R_i0
    assert_not_done(explorer, "doubled-entry")
    assert math.isclose(explorer.values["value"], explorer.case.X[i, 0])
    explorer.set_values(row=row, col=col)
    assert_done(explorer, "doubled-entry")
    R = explorer.case.X
    assert math.isclose(explorer.values["value"], 2 * R[i, p])


def test_matrix_gradient_shape(made):
    explorer = made("matrix_gradient_explorer")
    M_, N_ = sp.symbols("M N", positive=True, integer=True)
    solution = sp.solve([N_ ** 2 - 9, M_ * N_ - 6], [M_, N_], dict=True)
    assert solution == [{M_: 2, N_: 3}]
    explorer.set_values(example="5.13", M=3, N=3)
    assert_not_done(explorer, "shape-9-by-6")
    explorer.set_values(example="5.12", M=2, N=3)
    assert_not_done(explorer, "shape-9-by-6")
    explorer.set_values(example="5.13", M=2, N=3)
    assert_done(explorer, "shape-9-by-6")


def test_identity_check_best_step(made):
    explorer = made("identity_check_explorer", "5.103", M=3)
    best = 10 ** (round(2 * math.log10(EPS ** (1 / 3))) / 2)   # ∛ε on the slider's half-decade grid
    assert best == 1e-5
    for miss in (1e-6, 10 ** -3.5):
        explorer.controls["h"].value = miss
        assert_not_done(explorer, "best-step")
    explorer.controls["h"].value = best
    assert_done(explorer, "best-step")


def test_identity_check_exact_at_a_big_step(made):
    explorer = made("identity_check_explorer", "5.103", M=3)
    X = sp.Matrix(3, 3, sp.symbols("x:9"))
    quadratic = (sp.Matrix(sp.symbols("a:3")).T * X * sp.Matrix(sp.symbols("b:3")))[0]   # (5.106) aᵀXb
    assert all(sp.diff(quadratic, v, 3) == 0 for v in X)
    explorer.controls["h"].value = 0.1
    assert_not_done(explorer, "exact-at-big-step")   # (5.103) has X⁻¹: not polynomial
    explorer.controls["identity"].value = "5.106"
    assert_done(explorer, "exact-at-big-step")


# -- 5.6 ------------------------------------------------------------------------------------------------
def example_5_14_adjoints(x0: float) -> dict[str, float]:
    """∂f/∂v for every node of Example 5.14 at x0, from (5.135)-(5.138) with sympy."""
    a = x ** 2
    b = sp.exp(a)
    c = a + b
    d_c, e_c = 1 / (2 * sp.sqrt(c)), -sp.sin(c)
    adjoint = {"f": sp.Integer(1), "d": sp.Integer(1), "e": sp.Integer(1)}
    adjoint["c"] = adjoint["d"] * d_c + adjoint["e"] * e_c
    adjoint["b"] = adjoint["c"]
    adjoint["a"] = adjoint["b"] * b + adjoint["c"]
    adjoint["x"] = adjoint["a"] * 2 * x
    return {k: float(v.subs(x, x0)) for k, v in adjoint.items()}


def go_to_node(explorer, name: str, phase: str = "backward") -> None:
    for step in range(explorer.controls["step"].max + 1):
        explorer.controls["step"].value = step
        if explorer.values["node"] == name and explorer.values["phase"] == phase:
            return
    raise AssertionError(f"no step shows {name} in the {phase} pass")


def test_autodiff_largest_adjoint(made):
    explorer = made("autodiff_explorer")
    adjoints = example_5_14_adjoints(1.0)
    largest = max((k for k in adjoints if k != "x"), key=lambda k: abs(adjoints[k]))
    assert largest == "a"
    go_to_node(explorer, "c")
    assert_not_done(explorer, "largest-adjoint")
    go_to_node(explorer, largest, "forward")
    assert_not_done(explorer, "largest-adjoint")
    go_to_node(explorer, largest)
    assert_done(explorer, "largest-adjoint")


def test_autodiff_first_sum_of_two(made):
    explorer = made("autodiff_explorer")
    # (5.122)-(5.128): c feeds d and e, a feeds b and c; backwards, c comes first (5.135)
    for other in ("a", "d"):
        go_to_node(explorer, other)
        assert_not_done(explorer, "sum-of-two")
    go_to_node(explorer, "c")
    assert_done(explorer, "sum-of-two")


def test_autodiff_derivative_zero(made):
    explorer = made("autodiff_explorer")
    f = sp.sqrt(x ** 2 + sp.exp(x ** 2)) + sp.cos(x ** 2 + sp.exp(x ** 2))
    df = sp.diff(f, x)
    assert abs(float(df.subs(x, 0.1))) > 0.05
    explorer.controls["x"].value = 0.1
    assert_not_done(explorer, "derivative-zero")
    explorer.controls["x"].value = 0.0
    assert float(df.subs(x, 0)) == 0
    assert_done(explorer, "derivative-zero")
    fresh_panel(explorer)
    other = round(float(sp.nsolve(df, x, 0.86)), 2)   # a zero where the two paths through d and e cancel
    assert abs(example_5_14_adjoints(other)["c"]) < 0.05
    explorer.controls["x"].value = other
    assert_done(explorer, "derivative-zero")


# -- 5.7 and 5.8 ---------------------------------------------------------------------------------------
TWO_WELLS = x ** 4 + y ** 4 - 4 * x * y


def critical_points(f) -> dict[tuple, str]:
    """Real critical points of f and their kind by the Hessian's eigenvalues."""
    kinds = {}
    for s in sp.solve([sp.diff(f, x), sp.diff(f, y)], [x, y], dict=True):
        if all(v.is_real for v in s.values()):
            eigenvalues = list(sp.hessian(f, (x, y)).subs(s).eigenvals())
            kind = ("saddle" if min(eigenvalues) < 0 < max(eigenvalues) else
                    "minimum" if min(eigenvalues) > 0 else "other")
            kinds[(float(s[x]), float(s[y]))] = kind
    return kinds


@pytest.mark.parametrize("key, kind", [("saddle", "saddle"), ("minimum", "minimum")])
def test_hessian_critical_points(made, key, kind):
    explorer = made("hessian_explorer")
    points = [p for p, k in critical_points(TWO_WELLS).items() if k == kind]
    assert points
    H = sp.hessian(TWO_WELLS, (x, y))   # the explanations' eigenvalues: ±4 at the saddle, 8 and 16 at (1, 1)
    assert set(H.subs({x: 0, y: 0}).eigenvals()) == {-4, 4} and set(H.subs({x: 1, y: 1}).eigenvals()) == {8, 16}
    px, py = points[0]
    explorer.set_values(x=px + 0.05, y=py)
    assert_not_done(explorer, key)
    other = next(p for p, k in critical_points(TWO_WELLS).items() if k != kind)
    explorer.set_values(x=other[0], y=other[1])
    assert_not_done(explorer, key)
    explorer.set_values(x=px, y=py)
    assert_done(explorer, key)


def test_hessian_test_fails(made):
    explorer = made("hessian_explorer")
    explorer.set_values(x=0.0, y=0.0)   # the saddle of two wells, not x⁴ + y⁴
    assert_not_done(explorer, "test-fails")
    explorer.controls["function"].value = "x⁴ + y⁴"
    assert sp.hessian(x ** 4 + y ** 4, (x, y)).subs({x: 0, y: 0}) == sp.zeros(2, 2)
    explorer.set_values(x=0.1, y=0.0)
    assert_not_done(explorer, "test-fails")
    explorer.set_values(x=0.0, y=0.0)
    assert_done(explorer, "test-fails")


EXAMPLE_5_15 = x ** 2 + 2 * x * y + y ** 3


def test_linearization_exact_order(made):
    explorer = made("linearization_explorer")
    p = {x: 1, y: 2}
    order = next(k for k in range(1, 5)
                 if all(sp.diff(EXAMPLE_5_15, x, i, y, k + 1 - i).subs(p) == 0 for i in range(k + 2))
                 and all(sp.diff(EXAMPLE_5_15, x, i, y, j) == 0 for i in range(6) for j in range(6) if i + j > k))
    assert order == 3
    explorer.controls["order"].value = order - 1
    assert_not_done(explorer, "exact-order")
    explorer.controls["order"].value = order
    assert_done(explorer, "exact-order")


def test_linearization_exact_order_of_a_quadratic(made):
    explorer = made("linearization_explorer", "x^2 + y^2", order=3)
    assert_not_done(explorer, "exact-order")   # T_3 = f, but T_2 already is
    explorer.controls["order"].value = 2
    assert_done(explorer, "exact-order")


def tangent_plane_reach(px: float, py: float) -> float:
    """How far T_1 of Example 5.15 at (px, py) stays within 10 % of |f(px, py)|, sampled densely."""
    dx, dy = sp.symbols("dx dy", real=True)
    p = {x: px, y: py}
    gradient = [sp.diff(EXAMPLE_5_15, v).subs(p) for v in (x, y)]
    remainder = sp.lambdify((dx, dy), sp.expand(EXAMPLE_5_15.subs({x: px + dx, y: py + dy})
                                                - EXAMPLE_5_15.subs(p) - gradient[0] * dx - gradient[1] * dy))
    angles = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    limit = 0.1 * abs(float(EXAMPLE_5_15.subs(p)))
    for r in np.arange(0.005, 1.0, 0.005):
        if np.max(np.abs(remainder(r * np.cos(angles), r * np.sin(angles)))) > limit:
            return float(r - 0.005)
    return 1.0


def test_linearization_ten_percent(made):
    explorer = made("linearization_explorer")
    assert 0.40 <= tangent_plane_reach(1, 2) <= 0.45   # "在 (1,2) 处约为 r = 0.43"
    assert_not_done(explorer, "ten-percent")
    assert tangent_plane_reach(2, 2) >= 0.5
    explorer.set_values(x=2.0, y=2.0)
    assert_done(explorer, "ten-percent")


def test_linearization_flat_plane(made):
    explorer = made("linearization_explorer")
    found = critical_points(EXAMPLE_5_15)
    assert found == {(0.0, 0.0): "saddle", (-2 / 3, 2 / 3): "minimum"}
    explorer.set_values(x=0.1, y=0.0)
    assert_not_done(explorer, "flat-plane")
    for px, py in found:
        fresh_panel(explorer)
        explorer.set_values(x=round(px / 0.02) * 0.02, y=round(py / 0.02) * 0.02)   # the nearest slider position
        assert_done(explorer, "flat-plane")


# -- the panel ------------------------------------------------------------------------------------------
def test_the_panel_sits_under_the_status_line(made):
    explorer = made("secant_explorer")
    children = explorer.widget.children
    assert children[-1] is explorer.task_panel.widget and children[-2] is explorer.status
    assert "探索任务" in explorer.task_panel.toggles.description
    assert [label for label, _ in explorer.task_panel.toggles.options] == ["1", "2", "3"]


def test_a_task_is_checked_at_once_when_chosen(made):
    explorer = made("secant_explorer")
    explorer.controls["h"].value = -0.001   # meets all three tasks; task 1 is chosen
    panel = explorer.task_panel
    assert panel.met and panel.done == [True, False, False]
    panel.choose(2)
    assert panel.met and panel.done == [True, False, True]
    assert [label for label, _ in panel.toggles.options] == ["✓ 1", "2", "✓ 3"]
    assert panel.toggles.value == 2, "marking a task done keeps the task chosen"


def test_done_tasks_stay_marked_and_reset_keeps_them(made):
    explorer = made("secant_explorer")
    panel = explorer.task_panel
    explorer.controls["h"].value = 0.005
    assert panel.met
    explorer.reset()
    assert explorer.controls["h"].value == 1.0 and explorer.state()["secant_slope"] != 0
    assert not panel.met and panel.done[0]
    assert "已完成过" in panel.shown_text and "✓ 完成！" not in panel.shown_text
    assert panel.toggles.options[0][0] == "✓ 1" and panel.toggles.value == 0
    assert explorer.widget.children[-1] is panel.widget
    explorer.controls["h"].value = 0.005   # the panel still follows the explorer after a reset
    assert panel.met and "✓ 完成！" in panel.shown_text


def test_the_hint_is_shown_on_request(made):
    explorer = made("secant_explorer")
    panel = explorer.task_panel
    hint = panel.tasks[0].hint
    assert hint not in panel.shown_text
    panel.hint_button.click()
    assert hint in panel.shown_text and panel.hint_button.description == "隐藏提示"
    panel.hint_button.click()
    assert hint not in panel.shown_text
    panel.hint_button.click()
    panel.choose(1)
    assert panel.tasks[1].hint not in panel.shown_text, "a new task starts without its hint"


def test_the_panel_is_a_few_widgets_whatever_the_number_of_tasks(made):
    counts = []
    for name in ("secant_explorer", "identity_check_explorer"):   # three and two tasks
        task_panel.show_tasks(False)
        try:
            before = len(open_widgets)
            made(name).widget  # noqa: B018
            without = len(open_widgets) - before
        finally:
            task_panel.show_tasks(True)
        before = len(open_widgets)
        made(name).widget  # noqa: B018
        counts.append(len(open_widgets) - before - without)
    assert counts[0] == counts[1] <= 11, counts


def test_show_tasks_false_leaves_the_panel_out(made):
    task_panel.show_tasks(False)
    try:
        explorer = made("secant_explorer")
    finally:
        task_panel.show_tasks(True)
    assert explorer.task_panel is None and explorer.below == []
    assert len(explorer.widget.children) == 4   # controls, figure, readout, status
    explorer.controls["h"].value = 0.005
    assert explorer.message == "" and abs(explorer.values["secant_slope"] - explorer.values["tangent_slope"]) < 0.01
    assert made("secant_explorer").task_panel is not None, "explorers made after show_tasks(True) have tasks again"


def test_hide_tasks_before_and_after_showing(made):
    explorer = made("secant_explorer")
    panel = explorer.task_panel
    assert explorer.hide_tasks() is explorer
    assert explorer.task_panel is None and panel.widget not in explorer.widget.children
    assert all(w.comm is None for w in (panel.widget, panel.toggles, panel.text, panel.hint_button)), \
        "the hidden panel's widgets are closed"
    explorer.controls["h"].value = 0.005   # no panel checks any more, nothing raises
    assert explorer.message == ""
    shown = made("secant_explorer")
    shown.widget  # noqa: B018
    shown.hide_tasks()
    assert len(shown.widget.children) == 4
    assert shown.hide_tasks() is shown   # twice is harmless


def test_close_closes_the_panel(made):
    explorer = made("secant_explorer")
    ids = {w.model_id for w in (explorer.task_panel.widget, explorer.task_panel.toggles,
                                explorer.task_panel.text, explorer.task_panel.hint_button)}
    explorer.close()
    assert ids.isdisjoint(open_widgets)


def test_odd_states_raise_nothing(made, monkeypatch):
    explorer = made("secant_explorer")
    panel = explorer.task_panel
    for value in (float("nan"), float("inf"), 0.0, -1e300, 1e-300):
        explorer.controls["h"].value = value   # messages, never a traceback
    assert explorer.last_error is None
    monkeypatch.setattr(explorer, "state", lambda: (_ for _ in ()).throw(RuntimeError("broken")))
    explorer.controls["h"].value = 0.005
    assert explorer.last_error is None and not panel.met
    for k in range(len(panel.tasks)):
        panel.choose(k)
        panel.hint_button.click()
    monkeypatch.undo()
    explorer.controls["h"].value = 0.004
    panel.choose(0)
    assert panel.met


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_panel_survives_every_task_and_hint(name):
    explorer = FACTORIES[name]()
    try:
        panel = explorer.task_panel
        for k in range(len(panel.tasks)):
            panel.choose(k)
            panel.hint_button.click()
            assert panel.tasks[k].question in panel.shown_text and panel.tasks[k].hint in panel.shown_text
        assert explorer.last_error is None
    finally:
        explorer.close()

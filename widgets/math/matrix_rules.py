"""The differential-and-trace method for matrix derivatives ("矩阵求导术", section 3 of the blog
chapter "机器学习：理论基础（四）—— 多元微积分"): the differential rules, the trace rules and the six
worked examples, every gradient checked against finite differences (section 5.5 of the companion).

Pure math: numpy and sympy only. The blog chapter uses the denominator layout; conversions are in
``widgets.math.matrices``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from widgets.math.identities import InputSpec, random_inputs
from widgets.math.matrices import NUMERATOR, check_gradient, to_numerator
from widgets.math.numeric import relative_error



# ---------------------------------------------------------------------------------------------
# 矩阵求导术: the differential rules and the trace rules (the blog chapter, 3.2.2 and 3.2.4)
# ---------------------------------------------------------------------------------------------
def sigmoid(a):
    """Return the logistic sigmoid 1/(1+exp(−a)), elementwise."""
    a = np.asarray(a, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(a / 2))  # equal to 1/(1+exp(-a)), without overflow


def softmax(a) -> np.ndarray:
    """Return exp(a) / 1ᵀexp(a) for a vector a, computed without overflow."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(a - a.max())
    return e / e.sum()


def log_softmax(a) -> np.ndarray:
    """Return log softmax(a) = a − log(1ᵀexp(a)) for a vector a, without overflow."""
    a = np.asarray(a, dtype=np.float64)
    m = a.max()
    return a - m - np.log(np.exp(a - m).sum())


@dataclass(frozen=True)
class DifferentialRule:
    """A rule d f(X, Y) = df(X, Y, dX, dY) of the blog chapter, 3.2.2, checkable by a directional difference."""

    latex: str
    inputs: tuple[InputSpec, ...]
    function: Callable       # values -> array
    differential: Callable   # (values, directions) -> array
    sizes: dict = field(default_factory=lambda: {"n": 3, "m": 2})

    def check(self, rng: np.random.Generator, t: float = 1e-6) -> float:
        """Return the relative error between the rule and (f(V + t dV) − f(V − t dV)) / 2t for random V, dV."""
        values = random_inputs(self.inputs, self.sizes, rng)
        directions = {name: rng.standard_normal(np.shape(v)) for name, v in values.items()}
        plus = {k: values[k] + t * directions[k] for k in values}
        minus = {k: values[k] - t * directions[k] for k in values}
        numeric = (np.asarray(self.function(plus)) - np.asarray(self.function(minus))) / (2 * t)
        return relative_error(numeric, self.differential(values, directions))


DIFFERENTIAL_RULES: tuple[DifferentialRule, ...] = (
    DifferentialRule(r"d(X \pm Y) = dX \pm dY", (("X", ("n", "m"), "general"), ("Y", ("n", "m"), "general")),
                     lambda v: v["X"] - v["Y"], lambda v, d: d["X"] - d["Y"]),
    DifferentialRule(r"d(XY) = dX\,Y + X\,dY", (("X", ("n", "m"), "general"), ("Y", ("m", "n"), "general")),
                     lambda v: v["X"] @ v["Y"], lambda v, d: d["X"] @ v["Y"] + v["X"] @ d["Y"]),
    DifferentialRule(r"d(X^\top) = (dX)^\top", (("X", ("n", "m"), "general"),),
                     lambda v: v["X"].T, lambda v, d: d["X"].T),
    DifferentialRule(r"dX^{-1} = -X^{-1}\,dX\,X^{-1}", (("X", ("n", "n"), "invertible"),),
                     lambda v: np.linalg.inv(v["X"]),
                     lambda v, d: -np.linalg.inv(v["X"]) @ d["X"] @ np.linalg.inv(v["X"])),
    DifferentialRule(r"d\operatorname{tr}(X) = \operatorname{tr}(dX)", (("X", ("n", "n"), "general"),),
                     lambda v: np.trace(v["X"]), lambda v, d: np.trace(d["X"])),
    DifferentialRule(r"d\lvert X\rvert = \lvert X\rvert\operatorname{tr}(X^{-1}dX)", (("X", ("n", "n"), "invertible"),),
                     lambda v: np.linalg.det(v["X"]),
                     lambda v, d: np.linalg.det(v["X"]) * np.trace(np.linalg.inv(v["X"]) @ d["X"])),
    DifferentialRule(r"d(X\odot Y) = dX\odot Y + X\odot dY",
                     (("X", ("n", "m"), "general"), ("Y", ("n", "m"), "general")),
                     lambda v: v["X"] * v["Y"], lambda v, d: d["X"] * v["Y"] + v["X"] * d["Y"]),
    DifferentialRule(r"d\sigma(X) = \sigma'(X)\odot dX", (("X", ("n", "m"), "general"),),
                     lambda v: sigmoid(v["X"]),
                     lambda v, d: sigmoid(v["X"]) * (1 - sigmoid(v["X"])) * d["X"]),
)


@dataclass(frozen=True)
class TraceRule:
    """A trace rule of the blog chapter, 3.2.4: ``sides(values)`` returns (left, right) for random inputs."""

    latex: str
    inputs: tuple[InputSpec, ...]
    sides: Callable
    sizes: dict = field(default_factory=lambda: {"n": 3, "m": 4})

    def check(self, rng: np.random.Generator) -> float:
        """Return |left − right| / max(1, |left|) for random inputs."""
        left, right = self.sides(random_inputs(self.inputs, self.sizes, rng))
        return float(abs(left - right) / max(1.0, abs(left)))


TRACE_RULES: tuple[TraceRule, ...] = (
    TraceRule(r"\operatorname{tr}(A^\top) = \operatorname{tr}(A)", (("A", ("n", "n"), "general"),),
              lambda v: (np.trace(v["A"].T), np.trace(v["A"]))),
    TraceRule(r"\operatorname{tr}(A \pm B) = \operatorname{tr}(A) \pm \operatorname{tr}(B)",
              (("A", ("n", "n"), "general"), ("B", ("n", "n"), "general")),
              lambda v: (np.trace(v["A"] - v["B"]), np.trace(v["A"]) - np.trace(v["B"]))),
    TraceRule(r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", (("A", ("n", "m"), "general"), ("B", ("m", "n"), "general")),
              lambda v: (np.trace(v["A"] @ v["B"]), np.trace(v["B"] @ v["A"]))),
    TraceRule(r"\operatorname{tr}(A^\top B) = \textstyle\sum_{ij} A_{ij} B_{ij}",
              (("A", ("n", "m"), "general"), ("B", ("n", "m"), "general")),
              lambda v: (np.trace(v["A"].T @ v["B"]), float(np.sum(v["A"] * v["B"])))),
    TraceRule(r"\operatorname{tr}\big(A^\top (B\odot C)\big) = \operatorname{tr}\big((A\odot B)^\top C\big)",
              (("A", ("n", "m"), "general"), ("B", ("n", "m"), "general"), ("C", ("n", "m"), "general")),
              lambda v: (np.trace(v["A"].T @ (v["B"] * v["C"])), np.trace((v["A"] * v["B"]).T @ v["C"]))),
)


def trace_differential(gradient, dX) -> float:
    """Return tr(f′(X)ᵀ dX) = Σ_ij f′(X)_ij dX_ij, the first-order change of a scalar f (the blog chapter, 3.1)."""
    gradient = np.asarray(gradient, dtype=np.float64)
    dX = np.asarray(dX, dtype=np.float64).reshape(gradient.shape)
    if gradient.ndim < 2:
        return float(gradient.ravel() @ dX.ravel())
    return float(np.trace(gradient.T @ dX))


# ---------------------------------------------------------------------------------------------
# The blog chapter's six worked examples (3.3); every gradient in the blog's denominator layout
# ---------------------------------------------------------------------------------------------
def ex1_linear(x, w) -> float:
    """Return f = wᵀx (blog example 1; x a vector so that f is a scalar)."""
    return float(np.asarray(w) @ np.asarray(x))


def ex1_gradient(x, w) -> np.ndarray:
    """Return f′(x) = w, the gradient of wᵀx in denominator layout (a column, shaped like x)."""
    return np.array(w, dtype=np.float64)


def ex2_quadratic(x, H) -> float:
    """Return f = xᵀHx (blog example 2; x a vector)."""
    x = np.asarray(x, dtype=np.float64)
    return float(x @ np.asarray(H) @ x)


def ex2_gradient(x, H) -> np.ndarray:
    """Return f′(x) = (H + Hᵀ)x in denominator layout (2Hx for symmetric H)."""
    H = np.asarray(H, dtype=np.float64)
    return (H + H.T) @ np.asarray(x, dtype=np.float64)


def ex3_least_squares(w, X, y) -> float:
    """Return l = ‖Xw − y‖² (blog example 3, linear regression)."""
    r = np.asarray(X) @ np.asarray(w) - np.asarray(y)
    return float(r @ r)


def ex3_gradient(w, X, y) -> np.ndarray:
    """Return l′(w) = 2Xᵀ(Xw − y) in denominator layout."""
    X = np.asarray(X, dtype=np.float64)
    return 2 * X.T @ (X @ np.asarray(w) - np.asarray(y))


def ex4_logistic(W, x, y) -> float:
    """Return l = −yᵀ log softmax(Wx) (blog example 4, multinomial logistic regression)."""
    return float(-np.asarray(y) @ log_softmax(np.asarray(W) @ np.asarray(x)))


def ex4_gradient(W, x, y) -> np.ndarray:
    """Return ∂l/∂W = (softmax(Wx)·1ᵀy − y) xᵀ, shaped like W (both layouts); (softmax(Wx) − y)xᵀ for one-hot y."""
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    return np.outer(softmax(np.asarray(W) @ x) * y.sum() - y, x)


def sample_covariance(xs) -> np.ndarray:
    """Return S = (1/n) Σ_i (x_i − x̄)(x_i − x̄)ᵀ for samples in the rows of ``xs`` (the MLE of Σ)."""
    xs = np.asarray(xs, dtype=np.float64)
    centred = xs - xs.mean(axis=0)
    return centred.T @ centred / xs.shape[0]


def ex5_covariance_loss(Sigma, xs) -> float:
    """Return l = log|Σ| + (1/n) Σ_i (x_i − x̄)ᵀ Σ⁻¹ (x_i − x̄) (blog example 5)."""
    Sigma = np.asarray(Sigma, dtype=np.float64)
    xs = np.asarray(xs, dtype=np.float64)
    centred = xs - xs.mean(axis=0)
    sign, logdet = np.linalg.slogdet(Sigma)
    if sign <= 0:
        return float("nan")
    quadratic = np.einsum("ni,ij,nj->", centred, np.linalg.inv(Sigma), centred) / xs.shape[0]
    return float(logdet + quadratic)


def ex5_gradient(Sigma, xs) -> np.ndarray:
    """Return ∂l/∂Σ = (Σ⁻¹ − Σ⁻¹SΣ⁻¹)ᵀ, shaped like Σ (both layouts); zero exactly at Σ = S."""
    inv = np.linalg.inv(np.asarray(Sigma, dtype=np.float64))
    return (inv - inv @ sample_covariance(xs) @ inv).T


def ex6_network_loss(W1, W2, x, y) -> float:
    """Return l = −yᵀ log softmax(W₂ σ(W₁x)) (blog example 6, a two-layer network)."""
    h = sigmoid(np.asarray(W1) @ np.asarray(x))
    return float(-np.asarray(y) @ log_softmax(np.asarray(W2) @ h))


def ex6_gradients(W1, W2, x, y) -> dict[str, np.ndarray]:
    """Return {"W1": ∂l/∂W₁, "W2": ∂l/∂W₂}, each shaped like its matrix, by backpropagation.

    a₁ = W₁x, h₁ = σ(a₁), a₂ = W₂h₁; g₂ = softmax(a₂)·1ᵀy − y; ∂l/∂W₂ = g₂h₁ᵀ;
    g₁ = σ′(a₁) ⊙ W₂ᵀg₂ with σ′ = σ(1 − σ); ∂l/∂W₁ = g₁xᵀ.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    W2 = np.asarray(W2, dtype=np.float64)
    h1 = sigmoid(np.asarray(W1) @ x)
    g2 = softmax(W2 @ h1) * y.sum() - y
    g1 = h1 * (1 - h1) * (W2.T @ g2)
    return {"W1": np.outer(g1, x), "W2": np.outer(g2, h1)}


@dataclass(frozen=True)
class BlogExample:
    """One worked example of the blog chapter, 3.3: a scalar loss and its gradients in denominator layout."""

    number: int
    title: str
    latex: str
    inputs: tuple[InputSpec, ...]
    variables: tuple[str, ...]
    loss: Callable          # values -> float
    gradients: Callable     # values -> {variable: denominator-layout gradient}
    sizes: dict
    prepare: Callable | None = None   # values, rng -> values (e.g. a one-hot y)

    @staticmethod
    def variable_latex(name: str) -> str:
        """Return the LaTeX of a variable name: "Sigma" -> \\Sigma, "W1" -> W_1."""
        base, digits = name.rstrip("0123456789"), name[len(name.rstrip("0123456789")):]
        base = "\\" + base if base in ("Sigma", "sigma", "theta") else base
        return f"{base}_{{{digits}}}" if digits else base

    def random_inputs(self, rng: np.random.Generator) -> dict:
        """Return seeded random inputs for this example."""
        values = random_inputs(self.inputs, self.sizes, rng)
        return self.prepare(values, rng) if self.prepare else values

    def check(self, rng: np.random.Generator, h: float = 1e-6) -> dict[str, float]:
        """Return {variable: relative error} of the derived gradient against central differences.

        Each derived gradient (denominator layout) is converted to numerator layout with
        :func:`to_numerator` and compared with the numerator-layout numerical Jacobian.
        """
        values = self.random_inputs(rng)
        derived = self.gradients(values)
        errors = {}
        for name in self.variables:
            def loss_of(V, name=name):
                return self.loss({**values, name: V})
            shape = np.shape(values[name])
            numerator = to_numerator(derived[name], (), shape)
            errors[name] = check_gradient(loss_of, numerator, values[name], NUMERATOR, h)
        return errors


def _one_hot(values, rng, key="y"):
    k = values[key].shape[0]
    y = np.zeros(k)
    y[rng.integers(k)] = 1.0
    return {**values, key: y}


BLOG_EXAMPLES: tuple[BlogExample, ...] = (
    BlogExample(1, "linear function", r"f = w^\top x", (("x", ("n",), "general"), ("w", ("n",), "general")),
                ("x",), lambda v: ex1_linear(v["x"], v["w"]), lambda v: {"x": ex1_gradient(v["x"], v["w"])},
                {"n": 4}),
    BlogExample(2, "quadratic form", r"f = x^\top H x", (("x", ("n",), "general"), ("H", ("n", "n"), "general")),
                ("x",), lambda v: ex2_quadratic(v["x"], v["H"]), lambda v: {"x": ex2_gradient(v["x"], v["H"])},
                {"n": 4}),
    BlogExample(3, "linear regression", r"l = \lVert Xw - y\rVert^2",
                (("w", ("d",), "general"), ("X", ("n", "d"), "general"), ("y", ("n",), "general")),
                ("w",), lambda v: ex3_least_squares(v["w"], v["X"], v["y"]),
                lambda v: {"w": ex3_gradient(v["w"], v["X"], v["y"])}, {"n": 6, "d": 3}),
    BlogExample(4, "multinomial logistic regression", r"l = -y^\top \log\operatorname{softmax}(Wx)",
                (("W", ("k", "d"), "general"), ("x", ("d",), "general"), ("y", ("k",), "general")),
                ("W",), lambda v: ex4_logistic(v["W"], v["x"], v["y"]),
                lambda v: {"W": ex4_gradient(v["W"], v["x"], v["y"])}, {"k": 4, "d": 3}, _one_hot),
    BlogExample(5, "MLE of a Gaussian covariance",
                r"l = \log\lvert\Sigma\rvert + \frac{1}{n}\sum_i (x_i-\bar x)^\top \Sigma^{-1} (x_i-\bar x)",
                (("Sigma", ("d", "d"), "spd"), ("xs", ("n", "d"), "general")),
                ("Sigma",), lambda v: ex5_covariance_loss(v["Sigma"], v["xs"]),
                lambda v: {"Sigma": ex5_gradient(v["Sigma"], v["xs"])}, {"d": 3, "n": 20}),
    BlogExample(6, "two-layer network", r"l = -y^\top \log\operatorname{softmax}\big(W_2\,\sigma(W_1 x)\big)",
                (("W1", ("m", "d"), "general"), ("W2", ("k", "m"), "general"), ("x", ("d",), "general"),
                 ("y", ("k",), "general")),
                ("W1", "W2"), lambda v: ex6_network_loss(v["W1"], v["W2"], v["x"], v["y"]),
                lambda v: ex6_gradients(v["W1"], v["W2"], v["x"], v["y"]), {"d": 3, "m": 4, "k": 3}, _one_hot),
)


def blog_example(number: int) -> BlogExample:
    """Return the blog chapter's worked example ``number`` (1-6)."""
    for item in BLOG_EXAMPLES:
        if item.number == number:
            return item
    raise KeyError(f"no worked example {number}; they are numbered 1-6")

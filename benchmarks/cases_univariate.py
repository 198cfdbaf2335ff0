"""Benchmark cases for the explorers of section 5.1 against the naive re-plot of the same picture."""

from __future__ import annotations

from io import BytesIO

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from widgets.math.numeric import lambdify_array
from widgets.math.univariate import TaylorModel, central_difference, difference_quotient, taylor_polynomial_values
from widgets.explorers import difference_error_explorer, secant_explorer, taylor_explorer
from widgets.explorers.univariate import TAYLOR_PRESETS, X
from widgets.math.expressions import parse_expression
from widgets.plotting.style import house_style
from widgets.plotting.univariate import (
    draw_difference_error,
    draw_secant,
    draw_taylor,
    update_difference_error,
    update_taylor,
)


def _render(fig) -> None:
    fig.savefig(BytesIO(), format="png")  # what the inline backend does after every interact call
    plt.close(fig)


def _naive_secant():
    f_expr = X ** 3 / 4 - X + 1
    f, df = lambdify_array(f_expr, X), lambdify_array(sp.diff(f_expr, X), X)
    state = {"x0": 1.0, "h": 1.0}

    def naive(**values):
        state.update(values)
        with house_style():
            fig = plt.figure(figsize=(7.0, 4.0), layout="constrained")
            ax = fig.subplots()
            draw_secant(ax, f, df, state["x0"], state["h"], (-1.0, 3.0))
            ax.set_title(f"$f(x) = {sp.latex(f_expr)}$")
            _render(fig)

    return naive


def _naive_taylor():
    formula, _, xlim, ylim, _ = TAYLOR_PRESETS["sin x + cos x"]
    model = TaylorModel(parse_expression(formula))
    x = np.linspace(*xlim, 600)
    state = {"n": 5, "x0": 0.0}

    def naive(**values):
        state.update(values)
        coefficients = model.coefficients(state["x0"], state["n"])
        with house_style():
            fig = plt.figure(figsize=(7.0, 4.0), layout="constrained")
            ax = fig.subplots()
            artists = draw_taylor(ax, x, model(x), xlim, ylim)
            update_taylor(artists, x, model(x), taylor_polynomial_values(coefficients, state["x0"], x),
                          state["x0"], float(model(state["x0"])))
            _render(fig)

    return naive


def _naive_difference_error():
    f, df = np.sin, np.cos
    hs = np.logspace(-16, 0, 161)
    state = {"x0": 1.0, "h": 1e-3}

    def naive(**values):
        state.update(values)
        x0, h = state["x0"], state["h"]
        exact = df(x0)
        with house_style():
            fig = plt.figure(figsize=(7.0, 4.0), layout="constrained")
            ax = fig.subplots()
            artists = draw_difference_error(ax, hs)
            marks = [abs(difference_quotient(f, x0, h) - exact), abs(central_difference(f, x0, h) - exact)]
            update_difference_error(artists, hs, np.abs(difference_quotient(f, x0, hs) - exact),
                                    np.abs(central_difference(f, x0, hs) - exact), h, marks)
            _render(fig)

    return naive


_rng = np.random.default_rng(0)

CASES = [
    {
        "name": "secant_explorer",
        "make": secant_explorer,
        "moves": [("h", float(v)) for v in np.geomspace(2.0, 1e-3, 30)]
                 + [("x0", float(v)) for v in np.linspace(-0.5, 2.5, 20)],
        "naive": _naive_secant(),
    },
    {
        "name": "taylor_explorer",
        "make": taylor_explorer,
        "moves": [("n", n) for n in range(0, 21)] + [("x0", float(v)) for v in np.linspace(-2.5, 2.5, 25)],
        "naive": _naive_taylor(),
    },
    {
        "name": "difference_error_explorer",
        "make": difference_error_explorer,
        "moves": [("h", float(v)) for v in np.geomspace(1e-15, 0.5, 25)]
                 + [("x0", float(v)) for v in np.linspace(-2.5, 2.5, 20)],
        "naive": _naive_difference_error(),
    },
]

"""Benchmark case for the explorer of section 5.6 (the computation graph of Example 5.14).

The moves sweep x and walk the step control through the forward and the backward pass;
``naive`` draws the same picture from scratch with the same plotting helpers, the way
``ipywidgets.interact`` with the inline backend would.
"""

from __future__ import annotations

from io import BytesIO

import matplotlib.pyplot as plt
import numpy as np

from widgets.math import autodiff as ad
from widgets.explorers.autodiff import EXAMPLE_5_14, X, AutodiffExplorer, autodiff_explorer
from widgets.math.expressions import parse_expression
from widgets.plotting.autodiff import draw_computation_graph
from widgets.plotting.style import house_style

_F = parse_expression(EXAMPLE_5_14)


def naive_autodiff(x: float = 1.0, step: int = 14) -> None:
    """Build a figure, trace Example 5.14 at x, draw its graph at ``step``, render a PNG, close."""
    with house_style():
        fig = plt.figure(figsize=AutodiffExplorer.figsize, layout="constrained")
        ax = fig.add_subplot()
        draw_computation_graph(ax, ad.trace(ad.from_sympy(_F, {X: x})), step=step)
        buffer = BytesIO()
        fig.savefig(buffer, format="png")
    plt.close(fig)


CASES = [
    {
        "name": "autodiff_explorer",
        "make": autodiff_explorer,
        "moves": ([("x", float(v)) for v in np.round(np.linspace(-1.8, 1.8, 24), 2)]
                  + [("step", int(k)) for k in range(0, 15)]
                  + [("x", float(v)) for v in np.round(np.linspace(1.5, -0.5, 9), 2)]),
        "naive": naive_autodiff,
    },
]

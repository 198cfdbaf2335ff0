"""Benchmark case for the explorer of section 5.4: matrix_gradient_explorer against a naive redraw."""

from __future__ import annotations

from io import BytesIO

import matplotlib.pyplot as plt
import numpy as np

from widgets.explorers.matrices import MatrixGradientExplorer, matrix_gradient_explorer
from widgets.math.matrices import tensor_case
from widgets.plotting.matrices import (
    MosaicLayout,
    draw_jacobian,
    draw_tensor_mosaic,
    update_jacobian,
    update_tensor_mosaic,
)
from widgets.plotting.style import house_style


def _make_naive():
    """Return a function that redraws the whole picture from scratch for the current control values."""
    state = {"example": "5.13", "M": 3, "N": 2, "row": 2, "col": 5}

    def naive(**values) -> None:
        state.update(values)
        case = tensor_case(state["example"], int(state["M"]), int(state["N"]))
        J = case.jacobian
        row = min(max(int(state["row"]), 1), J.shape[0])
        col = min(max(int(state["col"]), 1), J.shape[1])
        f_index = tuple(int(v) for v in np.unravel_index(row - 1, case.f_shape))
        x_index = tuple(int(v) for v in np.unravel_index(col - 1, case.x_shape))
        layout = MosaicLayout(case.f_shape, case.x_shape)
        with house_style():
            fig = plt.figure(figsize=MatrixGradientExplorer.figsize, layout="constrained")
            axes = fig.subplots(1, 2)
            mosaic = draw_tensor_mosaic(axes[0], case.tensor, layout)
            jacobian = draw_jacobian(axes[1], J)
            update_tensor_mosaic(mosaic, case.tensor, layout, (f_index, x_index))
            update_jacobian(jacobian, J, (row - 1, col - 1))
            axes[0].set_title(rf"$\partial {case.f_name}/\partial {case.x_name}$", fontsize=10)
            axes[1].set_title(rf"Jacobian $\in \mathbb{{R}}^{{{J.shape[0]}\times{J.shape[1]}}}$", fontsize=10)
            fig.savefig(BytesIO(), format="png")
        plt.close(fig)

    return naive


def _moves() -> list[tuple[str, object]]:
    """Realistic use: slide along rows and columns, change the shapes, switch the example."""
    moves: list[tuple[str, object]] = []
    for col in range(1, 7):
        moves.append(("col", col))
    for row in range(1, 5):
        moves.append(("row", row))
    moves += [("M", 4), ("N", 3)]
    for col in range(1, 13):
        moves.append(("col", col))
    moves += [("example", "5.12"), ("M", 2), ("N", 4)]
    for col in range(1, 9):
        moves.append(("col", col))
    moves += [("row", 2), ("example", "5.13"), ("M", 3), ("N", 2), ("row", 3), ("col", 4)]
    return moves


CASES = [
    {
        "name": "matrix_gradient_explorer",
        "make": matrix_gradient_explorer,
        "moves": _moves(),
        "naive": _make_naive(),
    },
]

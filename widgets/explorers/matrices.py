"""Explorers for sections 5.4 and 5.5: a gradient of a matrix (Example 5.12 or 5.13) as a grid of
heat-map slices beside its flattened Jacobian (the two views of Fig. 5.7), one entry highlighted in both;
and a gradient identity of 5.5 checked cell by cell against central differences at sizes the reader picks.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.math.numeric import numerical_jacobian, relative_error
from widgets.explorers.base import Explorer, ExplorerMessage
from widgets.explorers.controls import wide
from widgets.math.identities import IDENTITIES, NUMERIC, identity
from widgets.math.matrices import TENSOR_EXAMPLES, TensorCase, gradient_by_flattening, tensor_case
from widgets.plotting.matrices import (
    CHECK_MAX,
    MosaicLayout,
    clicked_entry,
    draw_identity_check,
    draw_jacobian,
    draw_tensor_mosaic,
    select_entry,
    show_gradient,
    subscripted,
    update_identity_check,
    value_colorbar,
)

#: Largest M and N offered (Example 5.13 then has 16 slices of 4×4).
MAX_SIZE = 4


class MatrixGradientExplorer(Explorer):
    """Section 5.4 made live: dF/dX as a grid of slices dF_…/dX (left) and as the flattened Jacobian (right).

    Controls: "example" ("5.12": f = Ax by A; "5.13": K = RᵀR by R), "M" and "N" (the shape of
    A or R), "row" and "col" (1-based row and column of the Jacobian; row = the entry of F,
    col = the entry of X). Clicking a cell of either heat map selects that entry. Moving the selection
    repaints only the four boxes; new shapes redraw the heat maps (a full draw).
    """

    figsize = (10.8, 4.8)

    def __init__(self, example: str = "5.13", M: int = 3, N: int = 2, row: int = 2, col: int = 5, seed: int = 0):
        if example not in TENSOR_EXAMPLES:
            raise ValueError(f"unknown example {example!r}; choose from {list(TENSOR_EXAMPLES)}")
        super().__init__(figsize=self.figsize, nrows=1, ncols=2)
        # Fixed axes boxes instead of constrained layout: the layout would be recomputed on every
        # draw, and the two-line titles never change their height.
        self.figure.set_layout_engine("none")
        self.axes[0].set_position([0.02, 0.03, 0.45, 0.84])
        self.axes[1].set_position([0.52, 0.03, 0.40, 0.84])
        self.seed = seed
        self._cases: dict[tuple, tuple[TensorCase, float]] = {}
        c = self.controls
        c["example"] = W.Dropdown(options=[(label, key) for key, label in TENSOR_EXAMPLES.items()], value=example,
                                  description="例（example）", style={"description_width": "initial"})
        c["M"] = W.IntSlider(layout=wide(), value=M, min=1, max=MAX_SIZE, description="M")
        c["N"] = W.IntSlider(layout=wide(), value=N, min=1, max=MAX_SIZE, description="N")
        self.case, _ = self._case(example, M, N)
        rows, cols = self.case.jacobian.shape
        c["row"] = W.IntSlider(layout=wide(), value=min(max(row, 1), rows), min=1, max=rows, description="row（行）")
        c["col"] = W.IntSlider(layout=wide(), value=min(max(col, 1), cols), min=1, max=cols, description="col（列）")
        self.layout = MosaicLayout(self.case.f_shape, self.case.x_shape)
        self.mosaic_artists = draw_tensor_mosaic(self.axes[0], self.case.tensor, self.layout)
        self.jacobian_artists = draw_jacobian(self.axes[1], self.case.jacobian)
        # one colour scale for both views (the same numbers): one colour bar
        self.colorbar = value_colorbar(self.jacobian_artists["image"], cax=self.figure.add_axes([0.945, 0.12, 0.014, 0.66]))
        self.texts: list = []   # slice labels and cell values, remade when the shapes change
        self.selected: dict = {}
        self._shown: tuple | None = None
        self.connect_mouse(button_press_event=self._on_click)
        m, j = self.mosaic_artists, self.jacobian_artists
        self.blit_artists = [m["block"], m["entry"], j["row"], j["entry"]]
        self._connect()

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["example"], c["M"], c["N"]]), W.HBox([c["row"], c["col"]])])

    def set_values(self, **values) -> None:
        """Set several controls at once; shapes first, so that "row" and "col" fit the new shapes."""
        selection = {name: values.pop(name) for name in ("row", "col") if name in values}
        for group in (values, selection):
            if group:
                super().set_values(**group)

    def _case(self, key: str, M: int, N: int) -> tuple[TensorCase, float]:
        """Return the case and the relative error of flatten → Jacobian → reshape against the closed form."""
        if (key, M, N) not in self._cases:
            case = tensor_case(key, M, N, self.seed)
            self._cases[(key, M, N)] = (case, relative_error(gradient_by_flattening(case.function, case.X), case.tensor))
        return self._cases[(key, M, N)]

    def _closed_form(self, f_index, x_index) -> str:
        """Return the closed form of the selected entry with its numbers, as LaTeX."""
        if self.case.key == "5.12":
            (i,), (k, l) = f_index, x_index
            x_l = self.case.tensor[k, k, l]  # δ_kk x_l = x_l
            return rf"\delta_{{{i + 1}{k + 1}}}\,x_{{{l + 1}}} = {int(i == k)}\cdot({x_l:g})"
        (p, q), (i, j) = f_index, x_index
        R = self.case.X
        return (rf"\delta_{{{q + 1}{j + 1}}} R_{{{i + 1}{p + 1}}} + \delta_{{{p + 1}{j + 1}}} R_{{{i + 1}{q + 1}}}"
                rf" = {int(q == j)}\cdot({R[i, p]:g}) + {int(p == j)}\cdot({R[i, q]:g})")

    def update(self) -> None:
        key, M, N = self.controls["example"].value, int(self.controls["M"].value), int(self.controls["N"].value)
        self.case, error = self._case(key, M, N)
        for name, size in zip(("row", "col"), self.case.jacobian.shape):   # the selection stays inside the shapes
            self.move_slider(name, min(int(self.controls[name].value), size), 1, size)
        row, col = int(self.controls["row"].value), int(self.controls["col"].value)
        self.layout = MosaicLayout(self.case.f_shape, self.case.x_shape)
        f_index, x_index = self.layout.unflat(row - 1, col - 1)
        F, X = self.case.f_name, self.case.x_name
        if (key, M, N) != self._shown:   # heat maps, cell lines, titles and texts change only with the shapes
            self._shown = (key, M, N)
            self.texts = show_gradient(self.mosaic_artists, self.jacobian_artists, self.case.tensor, self.layout,
                                       (F, X), (f_index, x_index), self.texts)
            self.invalidate()
        else:
            select_entry(self.mosaic_artists, self.jacobian_artists, self.layout, (f_index, x_index))
        value = float(self.case.tensor[f_index + x_index])
        self.values = self.selected = {"row": row, "col": col, "f_index": f_index, "x_index": x_index,
                                       "value": value, "error": error,
                                       "shape": self.case.jacobian.shape}
        self.readout.value = (
            rf"左：张量按 ${F}$ 的元素切片，每片是 $\partial {F}_{{{'i' if key == '5.12' else 'pq'}}}/\partial {X}$"
            rf"（left: one slice per entry of ${F}$）；右：展平后的 Jacobian，行 = ${F}$ 的元素，列 = ${X}$ 的元素"
            rf"（right: rows = entries of ${F}$, columns = entries of ${X}$）<br>"
            rf"Jacobian 第 {row} 行第 {col} 列（row {row}, column {col}）$\;\leftrightarrow\;$ "
            rf"$\dfrac{{\partial {subscripted(F, f_index)}}}{{\partial {subscripted(X, x_index)}}}"
            rf" = {self._closed_form(f_index, x_index)} = {value:g}$<br>"
            rf"公式（closed form）${self.case.formula}$；"
            rf"展平 → Jacobian → 变形的数值结果与公式的相对误差（flatten vs closed form）${error:.1e}$")

    def _on_click(self, event) -> None:
        """Select the entry under a click on either heat map."""
        hit = clicked_entry(event, self.axes[0], self.axes[1], self.layout)
        if hit is not None:
            self.set_values(row=hit[0] + 1, col=hit[1] + 1)


def matrix_gradient_explorer(example: str = "5.13", M: int = 3, N: int = 2, row: int = 2, col: int = 5,
                             seed: int = 0) -> MatrixGradientExplorer:
    """Return the explorer of section 5.4 (controls "example", "M", "N", "row", "col"; click a cell to select)."""
    return MatrixGradientExplorer(example, M=M, N=N, row=row, col=col, seed=seed)


# -- section 5.5: an identity at work ---------------------------------------------------------------
def _scalar_valued(item) -> bool:
    """True for the identities of a scalar function (their gradient has the variable's shape)."""
    values = item.random_inputs({name: 2 for name in "nMNP"}, np.random.default_rng(0))
    return np.ndim(item.function(values, NUMERIC)(values[item.variable])) == 0


#: The identities of a scalar function, whose gradient is one heat map: (5.100), (5.101), (5.103)-(5.108).
CHECKED_IDENTITIES = tuple(item.number for item in IDENTITIES if _scalar_valued(item))


def _dimensions(number: str) -> tuple[str, ...]:
    """Return the size names an identity uses, in order of first use ("n"; or "M", "N")."""
    return tuple(dict.fromkeys(d for _, dims, _ in identity(number).inputs for d in dims))


class IdentityCheckExplorer(Explorer):
    """Section 5.5 made live: one gradient identity of a scalar function, evaluated on seeded random
    matrices of the sizes the reader picks, as three heat maps with values: the gradient by central
    differences, the identity's closed form, and their difference (a colour bar each).

    Controls: "identity" ((5.100), (5.101), (5.103)-(5.108)), "M" and "N" (the sizes; an identity
    with one size n uses "M" as n), "h" (the difference step) and "seed" (other random inputs).
    """

    figsize = (10.8, 3.7)

    def __init__(self, number: str = "5.103", M: int = 3, N: int = 3, h: float = 1e-6, seed: int = 0):
        if number not in CHECKED_IDENTITIES:
            raise ValueError(f"unknown identity {number!r}; choose from {list(CHECKED_IDENTITIES)}")
        super().__init__(figsize=self.figsize, nrows=1, ncols=3)
        c = self.controls
        c["identity"] = W.Dropdown(options=[(f"({k})", k) for k in CHECKED_IDENTITIES], value=number,
                                   description="恒等式（identity）", style={"description_width": "initial"})
        c["M"] = W.IntSlider(layout=wide(), value=M, min=1, max=CHECK_MAX, description="M")
        c["N"] = W.IntSlider(layout=wide(), value=N, min=1, max=CHECK_MAX, description="N")
        c["h"] = W.FloatLogSlider(layout=wide(), value=h, base=10, min=-10, max=-1, step=0.5,
                                  description="步长 h", readout_format=".0e")
        c["seed"] = W.IntSlider(layout=wide(), value=seed, min=0, max=20, description="seed（随机）")
        first = self._compute(number, {"n": M, "M": M, "N": N}, h, seed)
        self.artists = draw_identity_check(self.axes, first["numeric"], first["closed"])
        self.title = self.figure.suptitle("", fontsize=11, x=0.01, ha="left")   # placed by the layout, once
        self.result: dict = {}
        self._connect()

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["identity"], c["seed"]]), W.HBox([c["M"], c["N"]]), c["h"]])

    @staticmethod
    def _compute(number: str, sizes: dict, h: float, seed: int) -> dict:
        item = identity(number)
        values = item.random_inputs(sizes, np.random.default_rng(seed))
        X = values[item.variable]
        numeric = numerical_jacobian(item.function(values, NUMERIC), X, h).reshape(X.shape)
        closed = np.asarray(item.gradient(values, NUMERIC), dtype=np.float64).reshape(X.shape)
        return {"identity": item, "values": values, "numeric": numeric, "closed": closed,
                "error": relative_error(numeric, closed), "sizes": sizes}

    def update(self) -> None:
        c = self.controls
        number = c["identity"].value
        dims = _dimensions(number)
        M, N, h = int(c["M"].value), int(c["N"].value), float(c["h"].value)
        if not (np.isfinite(h) and h > 0):
            raise ExplorerMessage("步长 h 须为正数（the step h must be positive）")
        one_size = dims == ("n",)
        c["M"].description = "n" if one_size else "M"
        c["N"].disabled = one_size
        sizes = {"n": M} if one_size else {"M": M, "N": N}
        result = self._compute(number, sizes, h, int(c["seed"].value))
        difference = update_identity_check(self.artists, result["numeric"], result["closed"])
        self.result = dict(result, difference=difference, largest_difference=float(np.max(np.abs(difference))))
        self.values = {key: value for key, value in self.result.items() if key != "identity"}
        item = result["identity"]
        self.title.set_text(f"({number})  {item.variable}: {'×'.join(map(str, result['values'][item.variable].shape))}"
                            f"   h = {h:.0e}")
        note = rf"，其中（where）${item.note}$" if item.note else ""
        self.readout.value = (
            rf"$({number})\quad {item.latex}${note}<br>"
            rf"输入（inputs）{item.shapes(sizes)}，随机数种子（seed）{int(c['seed'].value)}<br>"
            rf"左：中心差分（central differences）$\dfrac{{f(X + hE_{{ij}}) - f(X - hE_{{ij}})}}{{2h}}$；"
            rf"中：恒等式右边（closed form）；右：两者之差（difference）<br>"
            rf"最大差（largest difference）${self.values['largest_difference']:.1e}$，"
            rf"相对误差（relative error）${result['error']:.1e}$")
        self.invalidate()


def identity_check_explorer(number: str = "5.103", M: int = 3, N: int = 3, h: float = 1e-6,
                            seed: int = 0) -> IdentityCheckExplorer:
    """Return the explorer of section 5.5 (controls "identity", "M", "N", "h", "seed")."""
    return IdentityCheckExplorer(number, M=M, N=N, h=h, seed=seed)

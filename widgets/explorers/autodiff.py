"""Explorer for section 5.6: the computation graph of Example 5.14 (Fig. 5.11), walked step by step
through the forward pass (values) and the backward pass (adjoints), for the book's f or a typed one.
"""

from __future__ import annotations

import contextlib
import math

import ipywidgets as W
import sympy as sp

from widgets.math import autodiff as ad
from widgets.math.numeric import lambdify_array
from widgets.math.univariate import central_difference, optimal_step
from widgets.explorers.base import Explorer, ExplorerMessage
from widgets.explorers.controls import wide
from widgets.plotting.autodiff import draw_computation_graph, remove_graph, step_caption, update_computation_graph
from widgets.plotting.style import COLORS, house_style

X = sp.Symbol("x", real=True)

#: The function of Example 5.14, (5.109) = (5.122), as a student would type it.
EXAMPLE_5_14 = "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))"
#: Largest graph the explorer draws, in nodes.
MAX_NODES = 24
#: Points tried to find the graph's shape when f is undefined at the current x.
_PROBES = (1.0, 0.5, 2.0, 1.5, 0.25, 3.0)


def _graph_at(expression: sp.Expr, x: float) -> ad.Trace:
    """Return the trace of the graph of ``expression`` at x; raise ExplorerMessage where f is undefined."""
    try:
        trace = ad.trace(ad.from_sympy(expression, {X: x}))
    except ad.UnsupportedExpression:
        raise
    except (ValueError, ZeroDivisionError, OverflowError):
        raise ExplorerMessage(f"f 在 x = {x:g} 处没有定义或溢出（f is undefined or overflows at x = {x:g}）") from None
    numbers = [v for row in trace.rows for v in (row.value, row.adjoint, row.tangent, *row.local_derivatives)]
    if not all(math.isfinite(v) for v in numbers):
        raise ExplorerMessage(f"在 x = {x:g} 处数值溢出（overflow at x = {x:g}）")
    return trace


class AutodiffExplorer(Explorer):
    """Fig. 5.11 made live: a node-by-node walk through the forward pass (5.123)-(5.128) and the
    backward pass (5.135)-(5.142) of a computation graph, with df/dx by four methods."""

    figsize = (10.8, 3.8)

    def __init__(self, f=None, x: float = 1.0, step: int | None = None, xlim=(-2.0, 2.0)):
        super().__init__()
        self.play: W.Play | None = None
        self.artists: dict | None = None
        self.trace: ad.Trace | None = None
        try:
            expression = self.add_function(("x",), EXAMPLE_5_14 if f is None else f,
                                           placeholder="例如 x sin(x) + exp(-x^2)")
            self.controls["formula"].layout.width = "34em"
            self.slider("x", x, *xlim, readout_format=".2f")
            self.controls["step"] = W.IntSlider(layout=wide(), value=0, min=0, max=1, description="step")
            # Which step of which pass the picture shows, inside the figure (the stored picture has no readout).
            with house_style():   # the font list with the CJK fallback is fixed when the text is made
                self.step_text = self.axes.text(0.0, 1.0, "", transform=self.axes.transAxes, ha="left", va="top",
                                                fontsize=12, color=COLORS["point"])
            self.set_function(expression, None)
        except (ExplorerMessage, ValueError, TypeError) as error:
            self.close()  # do not leave a figure behind
            raise ValueError(str(error)) from None
        if step is not None:
            self.controls["step"].value = step   # the slider keeps it within 0 ... 2N
        # A play button walks the steps in the browser. The slider is the link's source, so the
        # link starts from the slider's value; the button's max always changes before the slider's value.
        step_slider = self.controls["step"]
        self.play = W.Play(min=0, max=step_slider.max, value=step_slider.value, interval=900, description="play")
        W.jslink((step_slider, "value"), (self.play, "value"))
        self._connect()

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([c["formula"], W.HBox([c["x"], c["step"], self.play])])

    def close(self) -> None:
        """Close the figure and the widgets, the play button included."""
        if self.play is not None:
            self.play.close()
        super().close()

    def set_function(self, expression: sp.Expr, preset) -> None:
        """Draw the graph of ``expression``, showing its last step; refuse a function it cannot draw."""
        if X not in expression.free_symbols:
            raise ExplorerMessage("公式必须含有 x（the formula must depend on x）")
        shape = None
        try:
            for probe in (float(self.controls["x"].value), *_PROBES):   # the graph's shape, where f is defined
                with contextlib.suppress(ExplorerMessage):
                    shape = _graph_at(expression, probe)
                    break
        except ad.UnsupportedExpression as error:
            raise ExplorerMessage(str(error)) from None
        if shape is None:
            raise ExplorerMessage("找不到 f 有定义的点（f is undefined at every point tried）")
        if len(shape) > MAX_NODES:
            raise ExplorerMessage(f"计算图太大：{len(shape)} 个节点，最多 {MAX_NODES} 个"
                                  f"（the graph has {len(shape)} nodes, at most {MAX_NODES}）")
        self._f = lambdify_array(expression, X)
        self._df = lambdify_array(sp.diff(expression, X), X)
        if self.artists is not None:
            remove_graph(self.artists)
        # A step or a new x changes texts, colours and box sizes all over the graph, so all of it is
        # repainted on every move, from text rasters drawn once (cached=True); the background is empty.
        self.artists = draw_computation_graph(self.axes, shape, step=0, cached=True)
        self.blit_artists = [*self.artists["nodes"], *self.artists["edges"].values(), self.step_text]
        if self.play is not None:
            self.play.max = shape.steps
        self.move_slider("step", shape.steps, 0, max(shape.steps, 1))

    # -- the picture ----------------------------------------------------------------------------
    def update(self) -> None:
        x, step = float(self.controls["x"].value), int(self.controls["step"].value)
        if not math.isfinite(x):
            raise ExplorerMessage("请输入有限的数值（x must be finite）")
        trace = _graph_at(self.expression, x)
        state = update_computation_graph(self.artists, trace, step)
        self.trace = trace
        self.step_text.set_text(step_caption(trace, step))
        forward = ad.evaluate_expression(self.expression, {X: ad.Dual(x, 1.0)})
        h = optimal_step("central") * max(1.0, abs(x))
        current = state["current"]
        self.values = {
            "f_x": trace.value, "phase": state["phase"], "node": None if current is None else trace.rows[current].name,
            "reverse": trace.derivative,
            "forward": forward.dot if isinstance(forward, ad.Dual) else 0.0,
            "symbolic": float(self._df(x)),
            "finite_difference": float(central_difference(self._f, x, h)),
        }
        self.values.update(adjoints={row.name: row.adjoint for row in trace.rows},
                           children={row.name: len(trace.children[row.index]) for row in trace.rows},
                           ops={row.name: row.op for row in trace.rows})
        r = self.values
        phase = {"start": "开始 start", "forward": "前向传播 forward pass",
                 "backward": "反向传播 backward pass"}[state["phase"]]
        self.readout.value = (
            f"第 {step}/{trace.steps} 步（{phase}）: ${trace.describe(step)}$<br>"
            f"$f({x:g}) = {trace.value:.10g}$; &nbsp; $\\frac{{df}}{{dx}}$: "
            f"反向模式 reverse $= {r['reverse']:.10g}$, 前向模式（对偶数）forward (dual) $= {r['forward']:.10g}$, "
            f"符号 symbolic $= {r['symbolic']:.10g}$, 中心差分 central difference $= {r['finite_difference']:.10g}$")

    @property
    def results(self) -> dict[str, float]:
        """df/dx at x by the four methods: reverse and forward mode, symbolic, central difference."""
        return {k: self.values[k] for k in ("reverse", "forward", "symbolic", "finite_difference") if k in self.values}


def autodiff_explorer(f=None, x: float = 1.0, step: int | None = None, **kwargs) -> AutodiffExplorer:
    """Return the computation-graph explorer of Example 5.14 / Fig. 5.11 (controls "formula", "x", "step")."""
    return AutodiffExplorer(f, x=x, step=step, **kwargs)

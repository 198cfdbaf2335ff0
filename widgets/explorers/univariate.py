"""Explorers for section 5.1: secant -> tangent (Fig. 5.3), Taylor polynomials (Fig. 5.4), and the
error of finite differences against the step h.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import sympy as sp

from widgets.math.numeric import lambdify_array
from widgets.math.univariate import EPS, TaylorModel, central_difference, difference_quotient, taylor_polynomial_values
from widgets.math.expressions import ExpressionError, parse_expression
from widgets.explorers.base import Explorer, ExplorerMessage, guarded
from widgets.explorers.controls import SignedLogSlider, wide
from widgets.plotting.univariate import (
    draw_difference_error,
    draw_secant,
    draw_taylor,
    math_title,
    update_difference_error,
    update_secant,
    update_taylor,
)

X = sp.Symbol("x", real=True)


def _as_expression(f) -> sp.Expr:
    """Accept a sympy expression in one variable or a formula string (parsed safely)."""
    if isinstance(f, str):
        return parse_expression(f, ("x",))
    if not isinstance(f, sp.Basic):
        raise TypeError("f must be a sympy expression or a formula string")
    free = list(f.free_symbols)
    if len(free) > 1:
        raise ValueError(f"f must have one variable, got {free}")
    return f.subs(free[0], X) if free else f + 0 * X


def _fixed_ylim(values: np.ndarray, pad: float = 0.15) -> tuple[float, float]:
    """Return y-limits that show the bulk of ``values`` (robust to poles), never NaN or inf."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (-1.0, 1.0)
    lo, hi = np.percentile(finite, [2, 98])
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    span = hi - lo
    return (float(lo - pad * span), float(hi + pad * span))


def _with_derivative(expression: sp.Expr):
    """Return f and f' of an expression in x as numpy functions."""
    return lambdify_array(expression, X), lambdify_array(sp.diff(expression, X), X)


class SecantExplorer(Explorer):
    """Fig. 5.3 made live: the secant through x0 and x0+h turns into the tangent as h -> 0 (5.3, 5.4)."""

    def __init__(self, f=None, x0: float = 1.0, h: float = 1.0, xlim=(-1.0, 3.0)):
        super().__init__()
        expression = self.add_function(("x",), f if f is not None else "x^3/4 - x + 1", placeholder="例如 x^3 - 2x")
        self.xlim = tuple(float(v) for v in xlim)
        self.slider("x0", x0, *self.xlim, description="x₀")
        self.controls["h"] = SignedLogSlider(value=h, min_exp=-3.0, max_exp=0.5, description="h = δx")
        self.artists = draw_secant(self.axes, *_with_derivative(expression), x0, h if h else 1.0, self.xlim)
        self.set_function(expression, None)
        a = self.artists
        self.blit_artists = [a["secant"], a["tangent"], a["run"], a["points"], a["label_x0"], a["label_x1"]]
        self._connect()

    def set_function(self, expression: sp.Expr, preset) -> None:
        f, df = _with_derivative(expression)
        grid = np.linspace(*self.xlim, 400)
        values = f(grid)
        if not np.any(np.isfinite(values)):
            raise ExplorerMessage("这个函数在当前视图内处处没有定义（f is undefined on the whole view）")
        self.f, self.df = f, df
        self.artists["curve"].set_data(grid, np.where(np.isfinite(values), values, np.nan))
        self.axes.set_ylim(*_fixed_ylim(values))
        math_title(self.axes, f"f(x) = {sp.latex(expression)}", f"f(x) = {expression}")

    def update(self) -> None:
        x0, h = float(self.controls["x0"].value), float(self.controls["h"].value)
        if h == 0:
            raise ExplorerMessage("h = 0 时差商是 0/0，没有定义（the difference quotient is undefined at h = 0）")
        if not np.isfinite(h) or not np.isfinite(x0):
            raise ExplorerMessage("请输入有限的数值（values must be finite）")
        if x0 + h == x0:
            raise ExplorerMessage("h 太小：在 float64 中 x₀+h == x₀（h is below the rounding unit of x₀）")
        if not np.isfinite(self.f(x0)) or not np.isfinite(self.f(x0 + h)):
            raise ExplorerMessage("f 在 x₀ 或 x₀+h 处没有定义（f is undefined there）")
        self.values = update_secant(self.artists, self.f, self.df, x0, h, self.xlim)
        secant, tangent = self.values["secant_slope"], self.values["tangent_slope"]
        self.readout.value = (f"割线斜率 secant slope $\\frac{{\\delta y}}{{\\delta x}} = {secant:.6g}$ &nbsp;&nbsp; "
                              f"切线斜率 tangent slope $f'(x_0) = {tangent:.6g}$ &nbsp;&nbsp; "
                              f"差 difference $= {secant - tangent:.3g}$")

    @property
    def slopes(self) -> dict:
        """The slopes of the current picture (``values``)."""
        return self.values


#: Taylor explorer presets: label -> (formula, default x0, x-range, y-range, x0-range).
TAYLOR_PRESETS: dict[str, tuple] = {
    "sin x + cos x": ("sin(x) + cos(x)", 0.0, (-4.0, 4.0), (-3.0, 3.0), (-3.0, 3.0)),
    "x⁴": ("x^4", 1.0, (-2.0, 3.0), (-3.0, 20.0), (-1.5, 2.5)),
    "eˣ": ("exp(x)", 0.0, (-4.0, 3.0), (-2.0, 12.0), (-3.0, 2.0)),
    "log(1+x)": ("log(1+x)", 0.0, (-0.99, 3.0), (-4.0, 2.5), (-0.8, 2.5)),
    "1/(1−x)": ("1/(1-x)", 0.0, (-3.0, 3.0), (-6.0, 6.0), (-2.5, 2.5)),
}


class TaylorExplorer(Explorer):
    """Fig. 5.4 made live: f against its Taylor polynomial T_n at x0 (5.7), with the error region shaded."""

    figsize = (10.8, 4.6)   # the notebook's width: 1080 px at the house 100 dpi

    def __init__(self, f=None, x0: float | None = None, n: int = 5, preset: str = "sin x + cos x"):
        super().__init__()
        if preset not in TAYLOR_PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {list(TAYLOR_PRESETS)}")
        formula, default_x0, xlim, ylim, x0_range = TAYLOR_PRESETS[preset]
        self.controls["function"] = W.Dropdown(options=list(TAYLOR_PRESETS), value=preset, description="f(x)")
        self.controls["formula"] = W.Text(value="" if f is None else str(f), description="公式",
                                          placeholder="例如 x^3 - 2x 或 exp(-x^2)", continuous_update=False)
        self.controls["n"] = W.IntSlider(layout=wide(), value=n, min=0, max=20, description="n", continuous_update=True)
        self.controls["x0"] = W.FloatSlider(layout=wide(), value=default_x0 if x0 is None else x0, min=x0_range[0],
                                            max=x0_range[1], step=0.05, description="x₀")
        self.x = np.linspace(*xlim, 600)
        self.model = TaylorModel(parse_expression(formula))
        self.artists = draw_taylor(self.axes, self.x, self.model(self.x), xlim, ylim)
        self._set_view(xlim, ylim)
        for name in ("function", "formula"):
            self.controls[name].observe(self._on_function, names="value")
        if f is not None:
            self._apply_formula(f if isinstance(f, str) else None, expression=None if isinstance(f, str) else _as_expression(f))
        self.coefficients = np.array([])
        a = self.artists
        self.blit_artists = [a["error"], a["curve"], a["taylor"], a["point"]]
        self._connect(skip=("function", "formula"))

    def layout_controls(self) -> W.Widget:
        c = self.controls
        return W.VBox([W.HBox([c["function"], c["formula"]]), W.HBox([c["n"], c["x0"]])])

    # Switching functions re-frames the view once; moving n or x0 never does.
    def _set_view(self, xlim, ylim) -> None:
        self.invalidate()
        math_title(self.axes, f"f(x) = {sp.latex(self.model.f)}", f"f(x) = {self.model.f}")
        self.x = np.linspace(*xlim, 600)
        self.axes.set_xlim(*xlim)
        self.axes.set_ylim(*ylim)

    @guarded
    def _on_function(self, change) -> None:
        if self._busy:
            return
        if change["owner"] is self.controls["function"]:
            formula, x0, xlim, ylim, x0_range = TAYLOR_PRESETS[change["new"]]
            self.model = TaylorModel(parse_expression(formula))
            self._set_view(xlim, ylim)
            self._busy = True
            try:
                self.controls["formula"].value = ""
                slider = self.controls["x0"]
                slider.min, slider.max = min(x0_range[0], slider.min), max(x0_range[1], slider.max)
                slider.value = x0
                slider.min, slider.max = x0_range
            finally:
                self._busy = False
            self.refresh()
        elif change["new"].strip() and self._apply_formula(change["new"]):
            self.refresh()

    def _apply_formula(self, text: str | None, expression: sp.Expr | None = None) -> bool:
        """Parse a typed formula; on failure show the message, keep the last good picture, return False."""
        try:
            expression = expression if expression is not None else parse_expression(text)
        except ExpressionError as error:
            self.show_message(str(error))
            return False
        model = TaylorModel(expression)
        xlim = tuple(self.axes.get_xlim())
        values = model(np.linspace(*xlim, 600))
        if not np.any(np.isfinite(values)):
            self.show_message("这个函数在当前视图内处处没有定义（f is undefined on the whole view）")
            return False
        self.model = model
        self._set_view(xlim, _fixed_ylim(values))
        return True

    @property
    def expression(self) -> sp.Expr:
        """The function currently shown."""
        return self.model.f

    def update(self) -> None:
        n, x0 = int(self.controls["n"].value), float(self.controls["x0"].value)
        if not np.isfinite(x0):
            raise ExplorerMessage("请输入有限的数值（x₀ must be finite）")
        f0 = float(self.model(x0))
        if not np.isfinite(f0):
            raise ExplorerMessage(f"f 在 x₀ = {x0:g} 处没有定义（x₀ is outside the domain of f）")
        coefficients = self.model.coefficients(x0, n)
        if not np.all(np.isfinite(coefficients)):
            raise ExplorerMessage("Taylor 系数溢出或无定义（a coefficient overflows or is undefined at x₀）")
        fx = self.model(self.x)
        tx = taylor_polynomial_values(coefficients, x0, self.x)
        update_taylor(self.artists, self.x, fx, tx, x0, f0)
        self.coefficients = coefficients
        self.values = {"coefficients": coefficients}
        shown = len(coefficients) - 1
        note = "" if shown == n else f"（导数过于复杂，只计算到 n = {shown}；derivatives too large beyond n = {shown}）"
        self.readout.value = f"$f(x) = {sp.latex(self.model.f)}$, &nbsp; $x_0 = {x0:g}$, &nbsp; $T_{{{shown}}}$ {note}"


class DifferenceErrorExplorer(Explorer):
    """Error of forward and central differences against h (log-log): truncation falls with h,
    rounding grows like eps/h, and the best steps sit near sqrt(eps) and cbrt(eps)."""

    figsize = (10.8, 4.6)   # the notebook's width: 1080 px at the house 100 dpi

    def __init__(self, f=None, x0: float = 1.0, h: float = 1e-3):
        super().__init__()
        f = _as_expression(f if f is not None else sp.sin(X))
        self.expression = f
        self.f = lambdify_array(f, X)
        self.df = lambdify_array(sp.diff(f, X), X)
        self.hs = np.logspace(-16, 0, 161)
        self.controls["x0"] = W.FloatSlider(layout=wide(), value=x0, min=-3.0, max=3.0, step=0.05, description="x₀")
        self.controls["h"] = W.FloatLogSlider(layout=wide(), value=h, base=10, min=-16, max=0, step=0.1, description="h",
                                              readout_format=".1e")
        self.artists = draw_difference_error(self.axes, self.hs)
        math_title(self.axes, f"f(x) = {sp.latex(f)}", f"f(x) = {f}")
        self.errors: dict = {}
        a = self.artists
        self.blit_artists = [a["forward"], a["central"], a["current"], a["marks"]]
        self._connect()

    def update(self) -> None:
        x0, h = float(self.controls["x0"].value), float(self.controls["h"].value)
        if not np.isfinite(x0):
            raise ExplorerMessage("请输入有限的数值（x₀ must be finite）")
        if not h > 0:
            raise ExplorerMessage("h 必须大于 0（h must be positive）")
        exact = float(self.df(x0))
        if not np.isfinite(exact):
            raise ExplorerMessage("f 在 x₀ 处不可导（f is not differentiable at x₀）")
        forward = np.abs(difference_quotient(self.f, x0, self.hs) - exact)
        central = np.abs(central_difference(self.f, x0, self.hs) - exact)
        at_h = np.array([abs(float(difference_quotient(self.f, x0, h)) - exact),
                         abs(float(central_difference(self.f, x0, h)) - exact)])
        update_difference_error(self.artists, self.hs, forward, central, h, at_h)
        self.errors = {"forward": at_h[0], "central": at_h[1]}
        self.values = {"hs": self.hs, "forward_curve": forward, "central_curve": central,
                       "forward_error": float(at_h[0]), "central_error": float(at_h[1])}
        self.readout.value = (f"$h = {h:.1e}$: 前向误差 forward error $= {at_h[0]:.2e}$, "
                              f"中心误差 central error $= {at_h[1]:.2e}$ &nbsp; ($\\varepsilon = {EPS:.2e}$)")


def secant_explorer(f=None, x0: float = 1.0, h: float = 1.0, **kwargs) -> SecantExplorer:
    """Return the secant -> tangent explorer of Fig. 5.3 (controls "x0", "h")."""
    return SecantExplorer(f, x0=x0, h=h, **kwargs)


def taylor_explorer(f=None, x0: float | None = None, n: int = 5, **kwargs) -> TaylorExplorer:
    """Return the Taylor polynomial explorer of Fig. 5.4 (controls "function", "formula", "n", "x0")."""
    return TaylorExplorer(f, x0=x0, n=n, **kwargs)


def difference_error_explorer(f=None, x0: float = 1.0, h: float = 1e-3) -> DifferenceErrorExplorer:
    """Return the finite-difference error explorer (controls "x0", "h")."""
    return DifferenceErrorExplorer(f, x0=x0, h=h)

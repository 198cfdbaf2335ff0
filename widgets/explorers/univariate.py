"""Explorers for section 5.1: secant -> tangent (Fig. 5.3), Taylor polynomials (Fig. 5.4), and the
error of finite differences against the step h.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import sympy as sp

from widgets.math.numeric import lambdify_array
from widgets.math.univariate import EPS, TaylorModel, central_difference, difference_quotient, taylor_polynomial_values
from widgets.explorers.base import Explorer, ExplorerMessage, Preset
from widgets.explorers.controls import SignedLogSlider, wide
from widgets.plotting.univariate import (
    draw_difference_error,
    draw_secant,
    draw_taylor,
    math_title,
    robust_ylim,
    update_difference_error,
    update_secant,
    update_taylor,
)

X = sp.Symbol("x", real=True)


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
        self.axes.set_ylim(*robust_ylim(values))
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


#: The Taylor explorer's presets: the function, where x₀ starts and how far it may move, and the view.
TAYLOR_PRESETS: dict[str, Preset] = {
    "sin x + cos x": Preset("sin x + cos x", "sin(x) + cos(x)", values={"x0": 0.0}, ranges={"x0": (-3.0, 3.0)},
                            view={"xlim": (-4.0, 4.0), "ylim": (-3.0, 3.0)}),
    "x⁴": Preset("x⁴", "x^4", values={"x0": 1.0}, ranges={"x0": (-1.5, 2.5)},
                 view={"xlim": (-2.0, 3.0), "ylim": (-3.0, 20.0)}),
    "eˣ": Preset("eˣ", "exp(x)", values={"x0": 0.0}, ranges={"x0": (-3.0, 2.0)},
                 view={"xlim": (-4.0, 3.0), "ylim": (-2.0, 12.0)}),
    "log(1+x)": Preset("log(1+x)", "log(1+x)", values={"x0": 0.0}, ranges={"x0": (-0.8, 2.5)},
                       view={"xlim": (-0.99, 3.0), "ylim": (-4.0, 2.5)}),
    "1/(1−x)": Preset("1/(1−x)", "1/(1-x)", values={"x0": 0.0}, ranges={"x0": (-2.5, 2.5)},
                      view={"xlim": (-3.0, 3.0), "ylim": (-6.0, 6.0)}),
}


class TaylorExplorer(Explorer):
    """Fig. 5.4 made live: f against its Taylor polynomial T_n at x0 (5.7), with the error region shaded."""

    #: The view of a typed formula (y fitted to it) and the range of x₀ there.
    custom_xlim, custom_x0_range = (-4.0, 4.0), (-3.0, 3.0)

    def __init__(self, f=None, x0: float | None = None, n: int = 5, preset: str = "sin x + cos x"):
        super().__init__()
        expression = self.add_function(("x",), f, TAYLOR_PRESETS, preset, placeholder="例如 x^3 - 2x 或 exp(-x^2)")
        first = self.presets[preset]
        self.controls["n"] = W.IntSlider(layout=wide(), value=n, min=0, max=20, description="n")
        self.slider("x0", first.values["x0"] if x0 is None else x0, *first.ranges["x0"], step=0.05, description="x₀")
        self.artists = draw_taylor(self.axes, np.array([]), np.array([]), first.view["xlim"], first.view["ylim"])
        self.set_function(expression, self.preset)
        a = self.artists
        self.blit_artists = [a["error"], a["curve"], a["taylor"], a["point"]]
        self._connect()

    def set_function(self, expression: sp.Expr, preset) -> None:
        # A new function re-frames the view once; moving n or x0 never does.
        model = TaylorModel(expression)
        xlim = preset.view["xlim"] if preset is not None else self.custom_xlim
        x = np.linspace(*xlim, 600)
        values = model(x)
        if not np.any(np.isfinite(values)):
            raise ExplorerMessage("这个函数在当前视图内处处没有定义（f is undefined on the whole view）")
        self.model, self.x = model, x
        if preset is None:   # the range of x₀ for a typed formula; its value stays where it was
            self.move_slider("x0", float(np.clip(self.controls["x0"].value, *self.custom_x0_range)),
                             *self.custom_x0_range)
        math_title(self.axes, f"f(x) = {sp.latex(expression)}", f"f(x) = {expression}")
        self.axes.set_xlim(*xlim)
        self.axes.set_ylim(*(preset.view["ylim"] if preset is not None else robust_ylim(values)))

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
        tx = taylor_polynomial_values(coefficients, x0, self.x)
        shown = len(coefficients) - 1
        self.values = {"order": shown, "f_x0": f0, "coefficients": coefficients.tolist(),
                       **update_taylor(self.artists, self.x, self.model(self.x), tx, x0, f0)}
        note = "" if shown == n else f"（导数过于复杂，只计算到 n = {shown}；derivatives too large beyond n = {shown}）"
        self.readout.value = f"$f(x) = {sp.latex(self.expression)}$, &nbsp; $x_0 = {x0:g}$, &nbsp; $T_{{{shown}}}$ {note}"

    @property
    def coefficients(self) -> np.ndarray:
        """The Taylor coefficients f^(k)(x0)/k!, k = 0..n, of the current picture."""
        return np.asarray(self.values.get("coefficients", ()), dtype=np.float64)


class DifferenceErrorExplorer(Explorer):
    """Error of forward and central differences against h (log-log): truncation falls with h,
    rounding grows like eps/h, and the best steps sit near sqrt(eps) and cbrt(eps)."""

    def __init__(self, f=None, x0: float = 1.0, h: float = 1e-3):
        super().__init__()
        expression = self.add_function(("x",), f if f is not None else "sin(x)", placeholder="例如 exp(x) 或 x^3")
        self.hs = np.logspace(-16, 0, 161)
        self.slider("x0", x0, -3.0, 3.0, step=0.05, description="x₀")
        self.controls["h"] = W.FloatLogSlider(layout=wide(), value=h, base=10, min=-16, max=0, step=0.1, description="h",
                                              readout_format=".1e")
        self.artists = draw_difference_error(self.axes, self.hs)
        self.set_function(expression, None)
        a = self.artists
        self.blit_artists = [a["forward"], a["central"], a["current"], a["marks"]]
        self._connect()

    def set_function(self, expression: sp.Expr, preset) -> None:
        f, df = _with_derivative(expression)
        grid = np.linspace(self.controls["x0"].min, self.controls["x0"].max, 121)
        if not np.any(np.isfinite(f(grid)) & np.isfinite(df(grid))):
            raise ExplorerMessage("f 在 x₀ 的范围内处处不可导（f is not differentiable anywhere x₀ can go）")
        self.f, self.df = f, df
        math_title(self.axes, f"f(x) = {sp.latex(expression)}", f"f(x) = {expression}")

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
        self.values = {"derivative": exact, "hs": self.hs, "forward_curve": forward, "central_curve": central,
                       "forward_error": float(at_h[0]), "central_error": float(at_h[1]),
                       "best_forward_h": float(self.hs[np.nanargmin(forward)]) if np.isfinite(forward).any() else None,
                       "best_central_h": float(self.hs[np.nanargmin(central)]) if np.isfinite(central).any() else None}
        self.readout.value = (f"$h = {h:.1e}$: 前向误差 forward error $= {at_h[0]:.2e}$, "
                              f"中心误差 central error $= {at_h[1]:.2e}$ &nbsp; ($\\varepsilon = {EPS:.2e}$)")

    @property
    def errors(self) -> dict:
        """The forward and central differences' errors at the current h."""
        return {"forward": self.values.get("forward_error"), "central": self.values.get("central_error")}


def secant_explorer(f=None, x0: float = 1.0, h: float = 1.0, **kwargs) -> SecantExplorer:
    """Return the secant -> tangent explorer of Fig. 5.3 (controls "x0", "h")."""
    return SecantExplorer(f, x0=x0, h=h, **kwargs)


def taylor_explorer(f=None, x0: float | None = None, n: int = 5, **kwargs) -> TaylorExplorer:
    """Return the Taylor polynomial explorer of Fig. 5.4 (controls "function", "formula", "n", "x0")."""
    return TaylorExplorer(f, x0=x0, n=n, **kwargs)


def difference_error_explorer(f=None, x0: float = 1.0, h: float = 1e-3) -> DifferenceErrorExplorer:
    """Return the finite-difference error explorer (controls "formula", "x0", "h")."""
    return DifferenceErrorExplorer(f, x0=x0, h=h)

"""探索任务: what each explorer asks the student to find, and how it notices that they have found it.

Pure Python and numpy. ``TASKS`` maps an explorer's class name to its tasks, in the order the panel
numbers them (:mod:`widgets.explorers.tasks` shows them under the explorer). A task's ``done`` reads
the explorer's ``state()``: its control values (``"x0"``, ``"h"``, ``"function"`` …) and the numbers
of its picture (``values``: ``"secant_slope"``, ``"det"`` …). ``STATE_KEYS`` lists, per explorer,
the keys the predicates read; a test checks that every explorer provides them.

Tolerances fit the sliders: a task can be completed by dragging a slider or by its arrow keys
(the steps are 0.01 for x, y, θ and t, 0.05 for x₀ in 5.1, a twentieth of a decade for the log
sliders). A predicate that meets a missing key, a NaN or any error counts as not done
(:func:`is_done`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

State = Mapping[str, Any]


@dataclass(frozen=True)
class Task:
    """One task: a question (HTML with $…$ LaTeX), a hint shown on request, the predicate that says
    when the explorer's state meets it, and the sentence shown once it does."""

    key: str
    question: str
    hint: str
    done: Callable[[State], bool]
    explanation: str


def is_done(task: Task, state: State) -> bool:
    """Return whether ``state`` meets ``task``; a missing key, a NaN or any error counts as not done."""
    try:
        with np.errstate(all="ignore"):
            return bool(task.done(state))
    except Exception:  # a task must never break its explorer
        return False


def _number(state: State, key: str) -> float:
    return float(state[key])


def _is_preset(state: State, key: str) -> bool:
    """Whether the preset menu shows ``key`` and no typed formula replaces it."""
    return state["function"] == key and not str(state.get("formula", "")).strip()


# -- 5.1 the secant turns into the tangent ---------------------------------------------------------
def _slope_gap(state: State) -> float:
    return abs(_number(state, "secant_slope") - _number(state, "tangent_slope"))


def _secant_within_0_01(state: State) -> bool:
    return _slope_gap(state) < 0.01


def _secant_from_the_left(state: State) -> bool:
    return _number(state, "h") < 0 and _slope_gap(state) < 0.01


def _secant_within_0_001(state: State) -> bool:
    return _slope_gap(state) < 0.001


SECANT = (
    Task("secant-0.01",
         "把 $h$ 缩小，直到割线斜率与切线斜率 $f'(x_0)$ 相差不到 $0.01$。这时 $h$ 大约是多少？",
         "图下方的「差」就是两个斜率之差。拖动 $h$（或点一下它的滑块再按方向键），看「差」怎样随 $h$ 变小。",
         _secant_within_0_01,
         "差约为 $\\tfrac12 f''(x_0)\\,h$，与 $h$ 成正比：默认的 $f$ 在 $x_0=1$ 处，$h$ 要小到约 $0.013$。"),
    Task("secant-left",
         "点「−」让 $h<0$，同样让割线斜率与 $f'(x_0)$ 相差不到 $0.01$。",
         "$h<0$ 时割线连接的是 $x_0$ 左边的点 $x_0+h$ 与 $x_0$。",
         _secant_from_the_left,
         "从左边逼近，割线转向同一条切线：导数 (5.4) 是双侧极限，左右两边的极限相等，导数才存在。"),
    Task("secant-0.001",
         "要让两个斜率相差不到 $0.001$（再准 10 倍），$h$ 要再缩小多少？把它调出来。",
         "先记下差为 $0.01$ 时的 $h$；差与 $h$ 大致成正比。",
         _secant_within_0_001,
         "差 $\\approx\\tfrac12 f''(x_0)\\,h$ 与 $h$ 成正比（一阶精度）：要准 10 倍，$h$ 就要小 10 倍，约 $0.0013$。"),
)


# -- 5.1 the error of finite differences ----------------------------------------------------------
#: Half-width, in grid points, of the window over which the error curve's upper envelope is taken:
#: the bottom of the V is found on the envelope, not on a single lucky rounding.
ENVELOPE_HALF_WIDTH = 2
#: How far (in decades of h) the step may be from the bottom of the V.
BEST_STEP_DECADES = 0.6


def best_step(hs, errors, half_width: int = ENVELOPE_HALF_WIDTH) -> float | None:
    """Return the step at the bottom of an error curve's upper envelope (None if the curve is 0 or undefined)."""
    hs, errors = np.asarray(hs, dtype=np.float64), np.asarray(errors, dtype=np.float64)
    padded = np.pad(errors, half_width, mode="edge")
    envelope = sliding_window_view(padded, 2 * half_width + 1).max(axis=1)
    if not np.any(np.isfinite(envelope)):
        return None
    k = int(np.nanargmin(envelope))
    return float(hs[k]) if envelope[k] > 0 else None


def _near_best_step(curve: str) -> Callable[[State], bool]:
    def done(state: State) -> bool:
        best = best_step(state["hs"], state[curve])
        h = _number(state, "h")
        return best is not None and h > 0 and abs(math.log10(h) - math.log10(best)) <= BEST_STEP_DECADES
    done.__name__ = f"_near_best_step_{curve}"
    return done


def _forward_as_good_as_central(state: State) -> bool:
    h = _number(state, "h")
    return 1e-4 <= h <= 1e-2 and _number(state, "forward_error") <= 2 * _number(state, "central_error")


DIFFERENCE_ERROR = (
    Task("forward-best-h",
         "找出使前向差商误差最小的步长 $h$：把竖线移到前向差分（实线）V 形曲线的谷底，误差差不多到半个数量级即可。",
         "向左拖动 $h$：误差先随 $h$ 变小（截断误差），到某处又变大（舍入误差）。",
         _near_best_step("forward_curve"),
         "谷底在 $h\\approx\\sqrt{\\varepsilon}\\approx10^{-8}$：截断误差 $\\tfrac h2|f''|$ 随 $h$ 减小，"
         "舍入误差约 $\\varepsilon|f|/h$ 随 $h$ 增大，两者相当时总误差最小。"),
    Task("central-best-h",
         "再找出使中心差商误差最小的 $h$（中心差分虚线的谷底）。它与前向差商的最优步长相差几个数量级？为什么？",
         "中心差商的截断误差是 $\\tfrac{h^2}{6}|f'''|$，比前向的 $\\tfrac h2|f''|$ 下降得快。",
         _near_best_step("central_curve"),
         "$\\tfrac{h^2}{6}|f'''|$ 与舍入误差 $\\varepsilon/h$ 在 $h\\approx\\sqrt[3]{\\varepsilon}\\approx6\\times10^{-6}$ 附近相当，"
         "比 $\\sqrt{\\varepsilon}$ 大约 2.5 个数量级；那里的误差（约 $10^{-11}$）也比前向的最小误差（约 $10^{-8}$）小得多。"),
    Task("forward-as-good-as-central",
         "在 $10^{-4}\\le h\\le10^{-2}$ 之间，前向差商通常比中心差商差得多。移动 $x_0$，找一个点，让前向误差不超过中心误差的 2 倍。",
         "前向差商的主要误差是 $\\tfrac h2 f''(x_0)$；$\\sin x$ 的二阶导数 $-\\sin x$ 在哪里为 0？",
         _forward_as_good_as_central,
         "在 $x_0=0$ 处 $f''(0)=-\\sin0=0$，前向差商的一阶误差项消失；$\\sin$ 又是奇函数，"
         "$\\frac{\\sin h-\\sin0}{h}$ 恰好等于中心差商 $\\frac{\\sin h-\\sin(-h)}{2h}$。"),
)


# -- 5.1 Taylor polynomials ------------------------------------------------------------------------
def taylor_value(state: State, x: float, order: int | None = None) -> float:
    """Return T_order(x) of the explorer's current expansion (all its coefficients when order is None)."""
    coefficients = np.asarray(state["coefficients"], dtype=np.float64)
    if order is not None:
        coefficients = coefficients[:order + 1]
    return float(np.polynomial.polynomial.polyval(x - _number(state, "x0"), coefficients))


def _exp_smallest_order(state: State) -> bool:
    if not _is_preset(state, "eˣ") or abs(_number(state, "x0")) > 0.025:
        return False
    n = len(state["coefficients"]) - 1
    error = abs(taylor_value(state, 2.0) - math.exp(2.0))
    previous = abs(taylor_value(state, 2.0, n - 1) - math.exp(2.0)) if n >= 1 else math.inf
    return int(state["n"]) == n and error < 0.01 <= previous


def _exp_third_order_near_2(state: State) -> bool:
    return (_is_preset(state, "eˣ") and int(state["n"]) == 3 and len(state["coefficients"]) == 4
            and abs(taylor_value(state, 2.0) - math.exp(2.0)) < 0.01)


def _geometric_series_reaches(state: State) -> bool:
    return (_is_preset(state, "1/(1−x)") and int(state["n"]) == 20 and len(state["coefficients"]) == 21
            and _number(state, "x0") >= -0.46 and abs(taylor_value(state, -1.5) - 1 / 2.5) < 0.01)


TAYLOR = (
    Task("exp-smallest-n",
         "选预设 $e^x$（$x_0=0$），找出使 $|T_n(2)-e^2|<0.01$ 的最小阶数 $n$。",
         "$e^x$ 在 $0$ 处的 $T_n(2)=\\sum_{k=0}^{n}\\frac{2^k}{k!}$，而 $e^2\\approx7.389$；可以在代码单元里算几个部分和。",
         _exp_smallest_order,
         "余项约为 $\\frac{2^{n+1}}{(n+1)!}e^{\\xi}$：$n=6$ 时误差约 $0.034$，$n=7$ 时约 $0.008$，所以 $n=7$。"),
    Task("exp-move-x0",
         "仍用 $e^x$，取 $n=3$，把展开点 $x_0$ 向 $2$ 移动，直到 $|T_3(2)-e^2|<0.01$。$x_0$ 要离 $2$ 多近？",
         "误差带（紫色）在 $x=2$ 处的宽度就是 $|T_3(2)-e^2|$。",
         _exp_third_order_near_2,
         "误差约为 $\\frac{e^{x_0}(2-x_0)^4}{4!}$，$x_0$ 要到约 $1.6$：展开点越近，需要的阶数越低——Taylor 多项式是局部近似。"),
    Task("geometric-radius",
         "选 $1/(1-x)$，取 $n=20$。$x_0=0$ 时 $T_{20}$ 在 $x=-1.5$ 处离 $f$ 很远。把 $x_0$ 向左移，"
         "找出使 $|T_{20}(-1.5)-f(-1.5)|<0.01$ 的最大 $x_0$（精确到 $0.1$）。",
         "在 $x_0$ 处展开的级数只在离 $x_0$ 比离奇点 $x=1$ 近的地方收敛。",
         _geometric_series_reaches,
         "收敛半径是到奇点的距离 $|1-x_0|$：$x=-1.5$ 在收敛区间内要 $x_0<-0.25$，"
         "$n=20$ 时误差小于 $0.01$ 还要 $x_0\\lesssim-0.36$。"),
)


# -- 5.2 the gradient and the directional derivative -------------------------------------------------
def _turning(state: State) -> tuple[float, float]:
    norm = _number(state, "norm")
    if not norm > 1e-9:
        raise ValueError("no direction of steepest ascent at a stationary point")
    return _number(state, "exact"), norm


def _directional_zero(state: State) -> bool:
    exact, norm = _turning(state)
    return abs(exact) <= 0.01 * norm


def _steepest_descent(state: State) -> bool:
    exact, norm = _turning(state)
    return exact <= -0.9999 * norm


def _stationary(state: State) -> bool:
    return _number(state, "norm") < 0.01


GRADIENT = (
    Task("directional-zero",
         "转动 $\\theta$，使方向导数 $\\nabla f\\cdot\\boldsymbol u=0$（不超过 $\\|\\nabla f\\|$ 的 1 %）。"
         "这时 $\\boldsymbol u$ 与 $\\nabla f$ 的夹角是多少？",
         "右图是 $\\nabla f\\cdot\\boldsymbol u$ 随 $\\theta$ 的曲线：找它的过零点。",
         _directional_zero,
         "$\\nabla f\\cdot\\boldsymbol u=\\|\\nabla f\\|\\cos\\angle(\\boldsymbol u,\\nabla f)=0$ 时夹角是 $90^\\circ$："
         "$\\boldsymbol u$ 沿等高线的切线方向，沿这个方向 $f$ 暂时不变。"),
    Task("steepest-descent",
         "找出最速下降的方向：转动 $\\theta$，使 $\\nabla f\\cdot\\boldsymbol u$ 最小（达到 $-\\|\\nabla f\\|$ 的 99.99 %）。",
         "右图曲线的谷底；它与绿色的最速上升箭头是什么关系？",
         _steepest_descent,
         "最小值 $-\\|\\nabla f\\|$ 在 $\\boldsymbol u=-\\nabla f/\\|\\nabla f\\|$ 处取到，与梯度方向相反——梯度下降每一步都朝这个方向走。"),
    Task("stationary-point",
         "把点移到梯度为零的地方（$\\|\\nabla f\\|<0.01$）。这时再转动 $\\theta$，方向导数怎样变化？",
         "梯度箭头越来越短的方向；示例 5.7 的 $\\nabla f=[2xy+y^3,\\ x^2+3xy^2]$。也可以在等高线图上点击。",
         _stationary,
         "驻点处 $\\nabla f=0$，每个方向的方向导数都是 $0$，没有「最陡」的方向；示例 5.7 的驻点是原点。"),
)


# -- 5.2 the chain rule along a path -----------------------------------------------------------------
def _rate_scale(state: State) -> float:
    scale = _number(state, "dh_scale")
    if not scale > 0:
        raise ValueError("f does not change along this path")
    return scale


def _rate_zero(state: State) -> bool:
    return abs(_number(state, "dh")) <= 0.03 * _rate_scale(state)


def _terms_cancel(state: State) -> bool:
    scale = _rate_scale(state)
    terms = np.abs(np.asarray(state["terms"], dtype=np.float64))
    return abs(_number(state, "dh")) <= 0.03 * scale and bool(np.all(terms >= 0.1 * scale))


def _along_a_level_curve(state: State) -> bool:
    return _number(state, "path_span") > 1e-3 and _number(state, "dh_scale") <= 1e-9


CHAIN_RULE = (
    Task("rate-zero",
         "拖动 $t$，找一个 $\\frac{\\mathrm df}{\\mathrm dt}=0$ 的时刻（$|\\mathrm df/\\mathrm dt|$ 不超过它在路径上最大值的 3 %）。"
         "这时速度与梯度是什么关系？",
         "看右图绿色的 $\\mathrm df/\\mathrm dt$ 曲线在哪里穿过 0；左图中看橙色速度箭头与绿色梯度箭头。",
         _rate_zero,
         "$\\frac{\\mathrm df}{\\mathrm dt}=\\frac{\\partial f}{\\partial\\boldsymbol x}\\frac{\\mathrm d\\boldsymbol x}{\\mathrm dt}=0$："
         "速度与梯度垂直，路径在这里与等高线相切，$f(\\boldsymbol x(t))$ 取极值或暂时持平。"),
    Task("terms-cancel",
         "找一个 $t$，使 (5.49) 的两项都不小（每项至少是 $|\\mathrm df/\\mathrm dt|$ 最大值的 10 %），它们的和却几乎为 0。",
         "右图橙色虚线与紫色点线（两项）一正一负、大小相近的地方。",
         _terms_cancel,
         "一项让 $f$ 上升、另一项让 $f$ 下降：经 $x_1$ 的变化与经 $x_2$ 的变化相互抵消，总变化率是两项之和 (5.49)。"),
    Task("level-path",
         "在文本框里换一条路径 $\\boldsymbol x(t)$（回车确认），使 $f(\\boldsymbol x(t))$ 处处不变——沿等高线走。",
         "等高线满足 $f(x_1,x_2)=c$。对 $f=x_1^2+2x_2$，保留 $x_1=\\sin t$ 而取 $x_2=-\\tfrac12\\sin^2 t$；"
         "对 $f=\\exp(x_1x_2^2)$，取 $x_2=0$。",
         _along_a_level_curve,
         "沿等高线处处有 $\\frac{\\mathrm df}{\\mathrm dt}=\\frac{\\partial f}{\\partial\\boldsymbol x}\\frac{\\mathrm d\\boldsymbol x}{\\mathrm dt}=0$："
         "速度始终与梯度垂直，(5.49) 的两项在每个 $t$ 都正好抵消。"),
)


# -- 5.3 the Jacobian as local area scaling -------------------------------------------------------------
def _keeps_area(state: State) -> bool:
    return state["map"] == "sine" and abs(abs(_number(state, "det")) - 1) < 0.01


def _folds(state: State) -> bool:
    return state["map"] == "fold" and abs(_number(state, "det")) < 0.01


def _ratio_converges(state: State) -> bool:
    det = abs(_number(state, "det"))
    return state["map"] == "polar" and det > 0.05 and abs(abs(_number(state, "ratio")) - det) <= 0.01 * det


JACOBIAN = (
    Task("keeps-area",
         "选映射 $(x+\\sin y,\\ y+\\sin x)$，把点移到局部保持面积的地方：$|\\det\\boldsymbol J|=1$（误差在 $0.01$ 以内）。",
         "这个映射的 $\\boldsymbol J=\\begin{bmatrix}1&\\cos y\\\\\\cos x&1\\end{bmatrix}$。",
         _keeps_area,
         "$\\det\\boldsymbol J=1-\\cos x\\cos y$，在 $x=\\pm\\pi/2$ 或 $y=\\pm\\pi/2$ 上等于 1：那里小正方形的像是面积不变的平行四边形（形状可以变）。"),
    Task("folds",
         "选折叠映射 fold $(x,\\ y^2)$，找出它把平面折起来的地方：$\\det\\boldsymbol J=0$（$|\\det\\boldsymbol J|<0.01$）。",
         "$\\boldsymbol J=\\begin{bmatrix}1&0\\\\0&2y\\end{bmatrix}$；紫色的像表示方向反转。",
         _folds,
         "$\\det\\boldsymbol J=2y$ 在 $y=0$ 上为 0，并在两侧变号：$y$ 与 $-y$ 的像重合，平面沿 $x$ 轴对折，小正方形被压扁。"),
    Task("area-limit",
         "选 polar（极坐标）映射，把正方形缩小，直到测得的面积比与 $|\\det\\boldsymbol J|=r$ 相差不到 1 %。",
         "拖动 size；右图是面积比随边长 $s$ 的变化。",
         _ratio_converges,
         "正方形的像是扇环，面积比恰为 $r+s/2$：误差 $s/2$ 随 $s$ 线性趋于 0，"
         "$|\\det\\boldsymbol J|$ 正是 $s\\to0$ 时的局部面积缩放因子。"),
)


# -- 5.4 a gradient of a matrix, as a tensor and as a Jacobian -----------------------------------------
def _entry_f2_A23(state: State) -> bool:
    return state["example"] == "5.12" and tuple(state["f_index"]) == (1,) and tuple(state["x_index"]) == (1, 2)


def _doubled_entry(state: State) -> bool:
    if state["example"] != "5.13":
        return False
    (p, q), (_, j) = tuple(state["f_index"]), tuple(state["x_index"])
    return p == q == j


def _jacobian_9_by_6(state: State) -> bool:
    return state["example"] == "5.13" and tuple(state["shape"]) == (9, 6)


MATRIX_GRADIENT = (
    Task("find-entry",
         "选例 5.12（$\\boldsymbol f=\\boldsymbol A\\boldsymbol x$），在 Jacobian 中选中 "
         "$\\partial f_2/\\partial A_{23}$（需要 $M\\ge2$、$N\\ge3$）。它在第几行、第几列？",
         "行对应 $\\boldsymbol f$ 的元素；列对应 $\\boldsymbol A$ 按行展平后的元素。也可以直接点击左边切片中的格子。",
         _entry_f2_A23,
         "行号是 $f_2$ 的序号 2，列号是 $A_{23}$ 按行展平后的序号 $(2-1)N+3$；"
         "它的值是 $x_3$，因为 $\\partial f_i/\\partial A_{kl}=\\delta_{ik}x_l$。"),
    Task("doubled-entry",
         "选例 5.13（$\\boldsymbol K=\\boldsymbol R^\\top\\boldsymbol R$），找一个元素 $\\partial K_{pq}/\\partial R_{ij}$，"
         "它的值是 $\\boldsymbol R$ 的某个元素的两倍。",
         "下方读数写出 $\\partial K_{pq}/\\partial R_{ij}=\\delta_{qj}R_{ip}+\\delta_{pj}R_{iq}$：两项什么时候都不为 0？",
         _doubled_entry,
         "$\\delta_{qj}R_{ip}+\\delta_{pj}R_{iq}$ 在对角切片 $p=q$ 且 $j=p$ 时两项都是 $R_{ip}$，和为 $2R_{ip}$。"),
    Task("shape-9-by-6",
         "在例 5.13 中调出一个 9 行、6 列的 Jacobian。$M$、$N$ 各是多少？",
         "$\\mathrm d\\boldsymbol K/\\mathrm d\\boldsymbol R$ 的形状是 $N\\times N\\times M\\times N$。",
         _jacobian_9_by_6,
         "$\\mathrm d\\boldsymbol K/\\mathrm d\\boldsymbol R\\in\\mathbb R^{N\\times N\\times M\\times N}$ 展平后是 $N^2\\times MN$："
         "$N^2=9$、$MN=6$，所以 $N=3$、$M=2$。"),
)


# -- 5.5 an identity checked by central differences ---------------------------------------------------
def _identity_number(state: State) -> str:
    """The identity shown: the menu's value (or the identity itself, when the picture's numbers name it)."""
    shown = state["identity"]
    return getattr(shown, "number", shown)


def _identity_error_below(state: State) -> bool:
    return _identity_number(state) == "5.103" and _number(state, "error") < 1e-10


def _exact_at_a_big_step(state: State) -> bool:
    return _number(state, "h") >= 0.09 and _number(state, "error") < 1e-12


IDENTITY_CHECK = (
    Task("best-step",
         "在 $(5.103)$ 上调步长 $h$，让相对误差低于 $10^{-10}$。为什么 $h$ 太大、太小都不行？",
         "相对误差写在图下方的读数里；$h$ 的滑块每格是半个数量级。",
         _identity_error_below,
         "中心差分的截断误差 $\\propto h^2$，舍入误差 $\\propto\\varepsilon/h$，两者在 $h\\approx\\sqrt[3]{\\varepsilon}\\approx10^{-5}$ "
         "附近相当——与 5.1 节差分误差图中的中心差分一样。"),
    Task("exact-at-big-step",
         "把 $h$ 调到最大（$10^{-1}$），再换恒等式：找一个在这么大的步长下仍然精确（相对误差 $<10^{-12}$）的恒等式。为什么它不怕大步长？",
         "中心差分的误差 $\\tfrac{h^2}{6}f'''$ 只来自三阶导数。",
         _exact_at_a_big_step,
         "除含 $\\boldsymbol X^{-1}$ 的 $(5.103)$ 外，这些函数对每个元素至多是二次的（线性函数、二次型；$\\det$ 对每个元素是线性的），"
         "三阶导数为 0，中心差分没有截断误差。"),
)


# -- 5.6 a walk through the computation graph ----------------------------------------------------------
def _backward_node(state: State) -> str:
    if state["phase"] != "backward" or state["node"] is None:
        raise ValueError("not in the backward pass")
    return state["node"]


def _largest_adjoint(state: State) -> bool:
    node = _backward_node(state)
    inner = {name: abs(a) for name, a in state["adjoints"].items() if state["ops"][name] not in ("input", "const")}
    if node not in inner:
        return False
    return inner[node] >= max(inner.values()) * (1 - 1e-12)


def _first_sum_of_two(state: State) -> bool:
    node = _backward_node(state)
    names = list(state["children"])   # evaluation order; the backward pass walks it from the end
    later = names[names.index(node) + 1:]
    return state["children"][node] >= 2 and all(state["children"][name] < 2 for name in later)


def _derivative_zero(state: State) -> bool:
    return abs(_number(state, "reverse")) < 0.05


AUTODIFF = (
    Task("largest-adjoint",
         "在反向传播中一步步往回走（step 向左），停在伴随 $|\\partial f/\\partial v|$ 最大的中间节点上（不算输入 $x$）。",
         "每个方框的第三行是伴随；“?”表示还没算到。先走完整个反向传播看一遍所有伴随。",
         _largest_adjoint,
         "伴随衡量 $f$ 对该节点有多敏感。示例 5.14 在 $x=1$ 处最大的是 $a$：它有两个子节点，"
         "$\\frac{\\partial f}{\\partial a}=\\frac{\\partial f}{\\partial b}e^{a}+\\frac{\\partial f}{\\partial c}$ (5.137)，局部导数 $e^a$ 还把它放大了。"),
    Task("sum-of-two",
         "在反向传播中走到第一个伴随是两项之和的节点（它有两个子节点），读出这两项。",
         "绿色箭头从子节点指回当前节点；有两支绿色箭头的那一步。",
         _first_sum_of_two,
         "示例 5.14 中 $c$ 同时被 $d=\\sqrt c$ 和 $e=\\cos c$ 使用，所以 "
         "$\\frac{\\partial f}{\\partial c}=\\frac{\\partial f}{\\partial d}\\frac{\\partial d}{\\partial c}+\\frac{\\partial f}{\\partial e}\\frac{\\partial e}{\\partial c}$ (5.135)："
         "反向模式把经过每条路径的贡献相加 (5.145)。"),
    Task("derivative-zero",
         "移动 $x$，找一个 $\\frac{\\mathrm df}{\\mathrm dx}=0$ 的点（反向模式的结果绝对值 $<0.05$），再看看各节点的伴随。",
         "读数中的四种导数始终一致；从 $x=1$ 往 $0$ 的方向找。",
         _derivative_zero,
         "$\\frac{\\partial f}{\\partial x}=\\frac{\\partial f}{\\partial a}\\cdot2x$ (5.138)：在 $x=0$ 处局部导数 $2x=0$，即使 $\\frac{\\partial f}{\\partial a}\\ne0$；"
         "在其他零点则是 $\\frac{\\partial f}{\\partial c}=\\frac{1}{2\\sqrt c}-\\sin c=0$，经 $d$ 与经 $e$ 的两条路径正好抵消。"),
)


# -- 5.7 the Hessian at a critical point --------------------------------------------------------------
def _critical(state: State) -> np.ndarray:
    if not float(np.linalg.norm(np.asarray(state["gradient"], dtype=np.float64))) < 0.15:
        raise ValueError("not a critical point")
    return np.sort(np.asarray(state["eigenvalues"], dtype=np.float64))


def _on_a_saddle(state: State) -> bool:
    low, high = _critical(state)
    return low < -1e-6 and high > 1e-6


def _on_a_minimum(state: State) -> bool:
    low, _ = _critical(state)
    return low > 1e-6


def _test_fails(state: State) -> bool:
    return _is_preset(state, "x⁴ + y⁴") and float(np.max(np.abs(_critical(state)))) < 0.05


HESSIAN = (
    Task("saddle",
         "把点 $\\boldsymbol x_0$ 放到一个鞍点上：$\\nabla f\\approx0$（$\\|\\nabla f\\|<0.15$），两个特征值一正一负。",
         "等高线图上标着 saddle 的点；读数给出 $\\nabla f(\\boldsymbol x_0)$ 与 $\\lambda_1,\\lambda_2$。",
         _on_a_saddle,
         "临界点处 $\\boldsymbol H$ 不定：沿 $\\lambda>0$ 的特征向量 $f$ 向上弯，沿 $\\lambda<0$ 的特征向量向下弯，"
         "所以既不是极小也不是极大（two wells 的原点：$\\lambda=\\pm4$）。"),
    Task("minimum",
         "把点放到一个极小值点上：$\\|\\nabla f\\|<0.15$，两个特征值都为正。",
         "等高线图上标着 min 的点；two wells 的极小值点坐标都是整数。",
         _on_a_minimum,
         "$\\nabla f=0$ 且 $\\boldsymbol H$ 正定：沿每个方向 $f$ 都向上弯，局部二次模型是一个碗"
         "（two wells 在 $(1,1)$ 处 $\\boldsymbol H=\\begin{bmatrix}12&-4\\\\-4&12\\end{bmatrix}$，特征值 8 与 16）。"),
    Task("test-fails",
         "选 $x^4+y^4$，把点放到它唯一的临界点上（$\\|\\nabla f\\|<0.15$，两个特征值的绝对值都小于 $0.05$）。这里 Hessian 的判定为什么失效？",
         "$\\nabla f=[4x^3,\\ 4y^3]$，$\\boldsymbol H=\\begin{bmatrix}12x^2&0\\\\0&12y^2\\end{bmatrix}$。",
         _test_fails,
         "原点处 $\\boldsymbol H=\\boldsymbol 0$，特征值都是 0（半定），二次模型是平的，看不出形状；"
         "其实 $x^4+y^4\\ge0$，原点是极小值——要看更高阶的项。"),
)


# -- 5.8 the tangent plane and Taylor models of a surface ---------------------------------------------
def _exactness_tolerance(state: State) -> float:
    return 1e-8 * (1 + abs(_number(state, "value")))


def _smallest_exact_order(state: State) -> bool:
    errors, k, tolerance = state["errors"], int(state["order"]), _exactness_tolerance(state)
    exact = float(np.max(errors[k])) <= tolerance
    return exact and (k == 1 or float(np.max(errors[k - 1])) > tolerance)


#: The distance out to which the tangent plane must stay within 10 % of |f(x0)|.
TEN_PERCENT_REACH = 0.5


def _tangent_plane_reaches(state: State) -> bool:
    radii = np.asarray(state["radii"], dtype=np.float64)
    errors = np.asarray(state["errors"][1], dtype=np.float64)
    limit = 0.1 * abs(_number(state, "value"))
    if radii.max() < TEN_PERCENT_REACH or not limit > 0:
        return False
    inside = radii <= TEN_PERCENT_REACH
    at_reach = math.exp(np.interp(math.log(TEN_PERCENT_REACH), np.log(radii), np.log(np.maximum(errors, 1e-300))))
    return bool(np.all(errors[inside] <= limit)) and at_reach <= limit


def _flat_tangent_plane(state: State) -> bool:
    return float(np.linalg.norm(np.asarray(state["gradient"], dtype=np.float64))) < 0.05


LINEARIZATION = (
    Task("exact-order",
         "把阶数 order 调到 $T_k$ 与 $f$ 完全重合（右图中它的误差曲线贴到底）的最小 $k$。对示例 5.15 是几？为什么？",
         "右图中当前阶数的误差曲线加粗；数值误差在 $10^{-13}$ 左右就算 0。",
         _smallest_exact_order,
         "示例 5.15 的 $f=x^2+2xy+y^3$ 是三次多项式，四阶及以上的导数都是 0，所以 $T_3=f$；$T_2$ 还差三阶项 $(y-y_0)^3$。"),
    Task("ten-percent",
         "切平面 $T_1$ 在离 $\\boldsymbol x_0$ 多远以内与 $f$ 相差不到 $|f(\\boldsymbol x_0)|$ 的 10 %？在 $(1,2)$ 处约为 $r=0.43$。"
         "移动 $\\boldsymbol x_0$，让这个距离至少是 $0.5$。",
         "右图 $T_1$ 的误差曲线在 $r=0.5$ 处要低于 $0.1\\,|f(\\boldsymbol x_0)|$（$f(\\boldsymbol x_0)$ 在读数中）。误差约为 "
         "$\\tfrac12\\boldsymbol\\delta^\\top\\boldsymbol H\\boldsymbol\\delta$，$\\boldsymbol H=\\begin{bmatrix}2&2\\\\2&6y_0\\end{bmatrix}$。",
         _tangent_plane_reaches,
         "$T_1$ 的误差是二阶项 $\\tfrac12\\boldsymbol\\delta^\\top\\boldsymbol H\\boldsymbol\\delta$（再加 $(y-y_0)^3$），随 $r^2$ 增长："
         "曲率越小、$|f(\\boldsymbol x_0)|$ 越大，切平面在 10 % 以内管得越远。"),
    Task("flat-plane",
         "把 $\\boldsymbol x_0$ 移到切平面水平的地方（$\\|\\nabla f(\\boldsymbol x_0)\\|<0.05$）。这时 $T_1$ 还能描述 $f$ 的变化吗？",
         "$\\nabla f=[2x+2y,\\ 2x+3y^2]$ 为零的点。",
         _flat_tangent_plane,
         "临界点处 $T_1$ 只剩常数 $f(\\boldsymbol x_0)$，$f$ 的变化全由二阶项 $\\tfrac12\\boldsymbol\\delta^\\top\\boldsymbol H\\boldsymbol\\delta$ 决定——"
         "这正是 5.7 节用 Hessian 判定临界点的原因；示例 5.15 的临界点是 $(0,0)$（鞍点）与 $(-\\tfrac23,\\tfrac23)$（极小值）。"),
)


#: Explorer class name -> its tasks, numbered 1, 2, … in this order.
TASKS: dict[str, tuple[Task, ...]] = {
    "SecantExplorer": SECANT,
    "DifferenceErrorExplorer": DIFFERENCE_ERROR,
    "TaylorExplorer": TAYLOR,
    "GradientExplorer": GRADIENT,
    "ChainRuleExplorer": CHAIN_RULE,
    "JacobianExplorer": JACOBIAN,
    "MatrixGradientExplorer": MATRIX_GRADIENT,
    "IdentityCheckExplorer": IDENTITY_CHECK,
    "AutodiffExplorer": AUTODIFF,
    "HessianExplorer": HESSIAN,
    "LinearizationExplorer": LINEARIZATION,
}

#: Explorer class name -> the keys of ``state()`` its tasks read (controls and ``values``).
STATE_KEYS: dict[str, tuple[str, ...]] = {
    "SecantExplorer": ("h", "secant_slope", "tangent_slope"),
    "DifferenceErrorExplorer": ("h", "hs", "forward_curve", "central_curve", "forward_error", "central_error"),
    "TaylorExplorer": ("function", "formula", "n", "x0", "coefficients"),
    "GradientExplorer": ("exact", "norm"),
    "ChainRuleExplorer": ("dh", "terms", "dh_scale", "path_span"),
    "JacobianExplorer": ("map", "det", "ratio"),
    "MatrixGradientExplorer": ("example", "f_index", "x_index", "shape"),
    "IdentityCheckExplorer": ("identity", "h", "error"),
    "AutodiffExplorer": ("phase", "node", "adjoints", "children", "ops", "reverse"),
    "HessianExplorer": ("function", "formula", "gradient", "eigenvalues"),
    "LinearizationExplorer": ("order", "errors", "radii", "value", "gradient"),
}


def tasks_for(explorer_name: str) -> tuple[Task, ...]:
    """Return the tasks of an explorer class (by name); none for an explorer without tasks."""
    return TASKS.get(explorer_name, ())

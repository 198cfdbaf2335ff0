"""The exercises of every notebook, in one place: statement, checked reference, worked solution, typical mistakes.

sympy and numpy only (no widget). The notebooks show these exercises with
:func:`widgets.exercises.exercise_box` and the tests check every entry, so both read one
source. Scalar references are computed here with sympy, so the solution shown is the
reference that is checked. Each exercise lists answers written differently that must be
accepted and typical mistakes that must be rejected, each with a word its hint must contain.

Book exercises 5.1–5.9 (section 5.9) have keys ``"5.9/5.1"`` … ``"5.9/5.9"``, with a letter
per part; the exercises at the end of section ``s`` have keys ``"s/1"``, ``"s/2"`` ….
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from widgets.math import matrix_expressions as mx
from widgets.exercises.answers import Verdict, check_answer, check_matrix_answer, check_shape_answer, parse_answer


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer, a word its verdict must contain, and (optionally) a hint shown for it."""

    answer: str
    expect: str
    hint: str = ""


@dataclass(frozen=True)
class Exercise:
    """One checked exercise; ``kind`` is ``"scalar"`` (also vectors, matrices of entries), ``"matrix"``
    (a matrix expression such as ``2 xᵀ A``) or ``"shape"`` (such as ``1×n``)."""

    key: str
    title: str
    statement: str
    prompt: str
    kind: str
    reference: object  # sympy (scalar), text (matrix) or a tuple of dimension labels (shape)
    variables: object  # names (scalar), a name → MatrixVariable table (matrix), dimension labels (shape)
    solution: str
    accepted: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    placeholder: str = ""

    @property
    def notebook(self) -> str:
        """Return the section whose notebook shows this exercise, e.g. ``"5.9"``."""
        return self.key.split("/")[0]

    @property
    def reference_text(self) -> str:
        """Return the reference as one would type it."""
        if self.kind == "matrix":
            return str(self.reference)
        if self.kind == "shape":
            return "×".join(self.reference)
        return _typed(self.reference)

    @property
    def answer_latex(self) -> str:
        """Return the reference in LaTeX (computed from the checked reference itself)."""
        if self.kind == "matrix":
            return mx.to_latex(self.reference, self.variables)
        if self.kind == "shape":
            return r"\times ".join(self.reference)
        return sp.latex(self.reference, symbol_names={mu: r"\mu", sigma: r"\sigma"})

    @property
    def worked_solution(self) -> str:
        """Return the worked solution (markdown with LaTeX); a matrix answer is printed from the checked reference."""
        if self.kind == "matrix":
            lhs = self.prompt[self.prompt.index("$") + 1:self.prompt.index("=$") + 1] if "=$" in self.prompt else ""
            return f"{self.solution}\n$${lhs}{self.answer_latex}$$"
        return self.solution

    def check(self, answer: str) -> Verdict:
        """Return the verdict for a typed answer; a catalogued mistake gets its own hint. Never raises."""
        try:
            verdict = self._check(answer, self.reference)
            if verdict.correct:
                return verdict
            for mistake in self.mistakes:
                if mistake.hint and self._check(answer, self._parsed(mistake.answer)).correct:
                    return Verdict(False, mistake.hint)
            return verdict
        except Exception as exc:  # a student never sees a traceback
            return Verdict(False, f"无法检查这个答案（cannot check: {type(exc).__name__}）")

    def _parsed(self, text: str):
        return parse_answer(text, self.variables) if self.kind == "scalar" else text

    def _check(self, answer: str, reference) -> Verdict:
        if self.kind == "matrix":
            return check_matrix_answer(answer, reference, self.variables)
        if self.kind == "shape":
            return check_shape_answer(answer, reference, self.variables)
        return check_answer(answer, reference, self.variables)


def _typed(value) -> str:
    """Return a sympy scalar or matrix as text the safe parser reads back."""
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(sp.sstr(e) for e in row) + "]" for row in value.tolist()) + "]"
    return sp.sstr(value)


EXERCISES: dict[str, Exercise] = {}


def _add(key, title, statement, prompt, kind, reference, variables, solution, accepted, mistakes, placeholder=""):
    EXERCISES[key] = Exercise(key, title, statement, prompt, kind, reference, variables, solution,
                              tuple(accepted), tuple(Mistake(*m) for m in mistakes), placeholder)


def get(key: str) -> Exercise:
    """Return the exercise with this key, e.g. ``get("5.9/5.6a")``."""
    return EXERCISES[key]


def for_notebook(section: str) -> list[Exercise]:
    """Return the exercises a section's notebook shows, in order, e.g. ``for_notebook("5.2")``."""
    return [e for e in EXERCISES.values() if e.notebook == section]


R = lambda *names: sp.symbols(names, real=True)  # noqa: E731
x, y, t, z = R("x", "y", "t", "z")
x1, x2 = R("x1", "x2")
mu, sigma = R("μ", "σ")
MATRIX_HELP = "例如 2 xᵀ A、diag(cos(A x + b)) A、inv(S)、tr(X)；转置写 ᵀ 或 .T"

# ---------------------------------------------------------------------------------------------
# 5.9: the book's exercises 5.1–5.9

f51 = sp.log(x ** 4) * sp.sin(x ** 3)
_add("5.9/5.1", "习题 5.1", r"求 $f(x)=\log(x^4)\sin(x^3)$ 的导数 $f'(x)$。", "$f'(x) =$", "scalar",
     sp.diff(f51, x), ("x",),
     r"乘法法则 (5.29)：$(\log x^4)'=\dfrac{4x^3}{x^4}=\dfrac4x$（链式法则），$(\sin x^3)'=3x^2\cos(x^3)$，所以"
     "\n$$f'(x)=" + sp.latex(sp.diff(f51, x)) + "$$",
     ["4 sin(x^3)/x + 3x^2 log(x^4) cos(x^3)", "4/x sin(x³) + 12 x² log(x) cos(x³)"],
     [("4 sin(x^3)/x + log(x^4) cos(x^3)", "不正确"),                         # dropped inner 3x² of sin(x³)
      ("-4 sin(x^3)/x - 3x^2 log(x^4) cos(x^3)", "负号"),
      ("sin(x^3)/x^4 + 3x^2 log(x^4) cos(x^3)", "内层导数",
       "log(x⁴) 的导数是 4x³/x⁴ = 4/x，别漏了内层导数 4x³（d log(x⁴)/dx needs the inner derivative 4x³）")])

f52 = 1 / (1 + sp.exp(-x))
_add("5.9/5.2", "习题 5.2", r"求 logistic sigmoid $f(x)=\dfrac{1}{1+\exp(-x)}$ 的导数 $f'(x)$。", "$f'(x) =$",
     "scalar", sp.diff(f52, x), ("x",),
     r"把 $f=(1+e^{-x})^{-1}$ 看成复合函数：$f'(x)=-(1+e^{-x})^{-2}\cdot(-e^{-x})$，即"
     "\n$$f'(x)=" + sp.latex(sp.diff(f52, x)) + r"=f(x)\big(1-f(x)\big).$$",
     ["sigmoid(x)(1 - sigmoid(x))", "e^(-x)/(1+e^(-x))^2", "1/(1+exp(-x)) - 1/(1+exp(-x))^2"],
     [("-exp(-x)/(1+exp(-x))^2", "负号"),                                    # lost the inner −1
      ("-1/(1+exp(-x))^2", "内层导数",
       "漏了内层导数：(1+e^{-x})′ = −e^{-x}（dropped the inner derivative −e^{-x}）"),
      ("sigmoid(x)(1 + sigmoid(x))", "不正确")])

f53 = sp.exp(-(x - mu) ** 2 / (2 * sigma ** 2))
df53 = sp.simplify(sp.diff(f53, x) / f53) * f53  # f′ = (f′/f)·f keeps the exponential in one piece
_add("5.9/5.3", "习题 5.3", r"求 $f(x)=\exp\!\Big(-\dfrac{(x-\mu)^2}{2\sigma^2}\Big)$ 的导数 $f'(x)$（$\mu$、$\sigma$ 是常数；"
     r"可输入 `μ`、`σ`）。", "$f'(x) =$", "scalar", df53, ("x", "μ", "σ"),
     r"链式法则：外层 $\exp$ 的导数是它自己，内层 $-\dfrac{(x-\mu)^2}{2\sigma^2}$ 的导数是 $-\dfrac{x-\mu}{\sigma^2}$，所以"
     "\n$$f'(x)=" + sp.latex(df53, symbol_names={mu: r"\mu", sigma: r"\sigma"}) + "$$",
     ["(μ - x)/σ^2 exp(-(x-μ)^2/(2σ^2))", "-(x-μ)/σ² exp(-(x-μ)²/(2σ²))"],
     [("(x-μ)/σ^2 exp(-(x-μ)^2/(2σ^2))", "负号"),
      ("-2(x-μ)/σ^2 exp(-(x-μ)^2/(2σ^2))", "链式法则"),                     # forgot the 1/2
      ("exp(-(x-μ)^2/(2σ^2))", "内层导数", "漏了内层导数 −(x−μ)/σ²（dropped the chain-rule factor）")])

f54 = sp.sin(x) + sp.cos(x)
_TAYLOR_WRONG = {0: "0", 1: "x", 2: "1 + x + x^2/2", 3: "1 + x - x^2 - x^3", 4: "1 + x - x^2/2 - x^3/6 + x^4",
                 5: "1 + x - x^2/2 - x^3/6 + x^4/24 - x^5/120"}
for n in range(6):
    T_n = sp.series(f54, x, 0, n + 1).removeO()
    _add(f"5.9/5.4-T{n}", f"习题 5.4（$T_{n}$）",
         r"求 $f(x)=\sin x+\cos x$ 在 $x_0=0$ 处的 Taylor 多项式 $T_n$，$n=0,\dots,5$。" if n == 0 else "",
         f"$T_{n}(x) =$", "scalar", T_n, ("x",),
         r"$f^{(k)}(0)$ 依次是 $1,1,-1,-1,1,1,\dots$（周期 4），由 (5.7) 除以 $k!$：" f"$T_{n}(x)={sp.latex(T_n)}$。",
         [" + ".join(f"({sp.sstr(T_n.coeff(x, k))})*x^{k}" for k in range(n + 1)),
          "(" + _typed(sp.expand(T_n * 720)) + ")/720"],
         [("-(" + _typed(T_n) + ")", "负号"),
          (_TAYLOR_WRONG[n], "k!",
           "第 k 项是 f⁽ᵏ⁾(0)/k! · xᵏ：检查符号的周期（1, 1, −1, −1）和 k!（check the signs and the k!）"),
          (_typed(T_n + x ** (n + 1)), "不正确")])

for key, part, shape, dims, note, wrong in [
        ("5.9/5.5a-f1", r"\partial f_1/\partial\boldsymbol x", ("1", "2"), (), r"$f_1:\mathbb R^2\to\mathbb R$", "2x1"),
        ("5.9/5.5a-f2", r"\partial f_2/\partial\boldsymbol x", ("1", "n"), ("n",), r"$f_2$ 对 $\boldsymbol x\in\mathbb R^n$", "n×1"),
        ("5.9/5.5a-f3", r"\partial f_3/\partial\boldsymbol x", ("n", "n", "n"), ("n",),
         r"$f_3:\mathbb R^n\to\mathbb R^{n\times n}$", "n×n")]:
    _add(key, f"习题 5.5 (a)：${part}$ 的形状",
         (r"$f_1(\boldsymbol x)=\sin(x_1)\cos(x_2)$，$\boldsymbol x\in\mathbb R^2$；"
          r"$f_2(\boldsymbol x,\boldsymbol y)=\boldsymbol x^\top\boldsymbol y$，$\boldsymbol x,\boldsymbol y\in\mathbb R^n$；"
          r"$f_3(\boldsymbol x)=\boldsymbol x\boldsymbol x^\top$，$\boldsymbol x\in\mathbb R^n$。"
          r"(a) $\partial f_i/\partial\boldsymbol x$ 的维数是多少？(b) 求这些 Jacobian。") if key.endswith("f1") else "",
         f"${part}$ 的形状：", "shape", shape, dims,
         f"{note}：导数的形状是“输出形状 × 输入形状”，即 $" + r"\times ".join(shape) + "$。",
         ["×".join(shape).replace("×", " x "), "R^{" + "×".join(shape) + "}"],
         [("×".join(shape[::-1]) if len(shape) == 2 else "n×n×1", "转置" if len(shape) == 2 else "形状不对"),
          (wrong, "转置" if wrong == "n×1" or wrong == "2x1" else "维数")],
         "例如 1x2 或 1×n")

J51 = sp.Matrix([sp.sin(x1) * sp.cos(x2)]).jacobian([x1, x2])
_add("5.9/5.5b-f1", r"习题 5.5 (b)：$\partial f_1/\partial\boldsymbol x$", "", r"$\partial f_1/\partial\boldsymbol x =$", "scalar",
     J51, ("x1", "x2"),
     r"逐个求偏导数，排成一行 (5.40)：$\dfrac{\partial f_1}{\partial\boldsymbol x}=" + sp.latex(J51) + "$。",
     ["[cos(x1)cos(x2), -sin(x1)sin(x2)]", "[[cos(x2) cos(x1), -sin(x2) sin(x1)]]"],
     [("[[cos(x1)cos(x2)], [-sin(x1)sin(x2)]]", "转置"),
      ("[cos(x1)cos(x2), sin(x1)sin(x2)]", "不正确"),
      ("[-cos(x1)cos(x2), sin(x1)sin(x2)]", "负号")],
     "按 [.., ..] 输入行向量")

XY = mx.variables(x=("n", 1), y=("n", 1))
_add("5.9/5.5b-f2x", r"习题 5.5 (b)：$\partial f_2/\partial\boldsymbol x$", "", r"$\partial f_2/\partial\boldsymbol x =$",
     "matrix", "yᵀ", XY,
     r"$f_2=\sum_i x_iy_i$，$\partial f_2/\partial x_i=y_i$，排成一行：$\dfrac{\partial f_2}{\partial\boldsymbol x}="
     r"\boldsymbol y^\top\in\mathbb R^{1\times n}$。",
     ["y.T", "y^T"],
     [("y", "转置"), ("xᵀ", "数值不对"), ("-yᵀ", "负号")], MATRIX_HELP)
_add("5.9/5.5b-f2y", r"习题 5.5 (b)：$\partial f_2/\partial\boldsymbol y$", "", r"$\partial f_2/\partial\boldsymbol y =$",
     "matrix", "xᵀ", XY,
     r"同理 $\dfrac{\partial f_2}{\partial\boldsymbol y}=\boldsymbol x^\top$；对 $(\boldsymbol x,\boldsymbol y)$ 合起来的 Jacobian 是"
     r" $[\boldsymbol y^\top\ \ \boldsymbol x^\top]\in\mathbb R^{1\times 2n}$。",
     ["x.T", "(x)ᵀ"], [("x", "转置"), ("yᵀ", "数值不对"), ("2xᵀ", "链式法则")], MATRIX_HELP)
XE = mx.variables(latex={"e_i": r"\boldsymbol e_i"}, x=("n", 1), e_i=("n", 1))
_add("5.9/5.5b-f3", r"习题 5.5 (b)：$\partial f_3/\partial x_i$",
     r"$\partial f_3/\partial\boldsymbol x$ 是 $n\times n\times n$ 的张量，它的第 $i$ 个切片 $\partial f_3/\partial x_i$ 是 $n\times n$ 矩阵。"
     r"用第 $i$ 个标准基向量 $\boldsymbol e_i$（输入 `e_i`）写出这个切片。",
     r"$\partial f_3/\partial x_i =$", "matrix", "e_i xᵀ + x e_iᵀ", XE,
     r"$(\boldsymbol x\boldsymbol x^\top)_{pq}=x_px_q$，对 $x_i$ 求偏导得 $\delta_{pi}x_q+x_p\delta_{qi}$，即"
     r"$\dfrac{\partial f_3}{\partial x_i}=\boldsymbol e_i\boldsymbol x^\top+\boldsymbol x\boldsymbol e_i^\top$。",
     ["x e_iᵀ + e_i xᵀ", "(x e_i.T) + (x e_i.T).T"],
     [("e_i xᵀ", "两个因子", "只写了一项：x_p x_q 的两个因子都依赖 x（product rule: both factors depend on x）"),
      ("2 e_i xᵀ", "数值不对"), ("xᵀ e_i", "形状")], MATRIX_HELP)

T56 = mx.variables(t=("D", 1))
_add("5.9/5.6a", "习题 5.6 (a)",
     r"求 $f(\boldsymbol t)=\sin\big(\log(\boldsymbol t^\top\boldsymbol t)\big)$，$\boldsymbol t\in\mathbb R^D$ 对 $\boldsymbol t$ 的导数"
     r"（分子布局：$1\times D$ 的行向量）。", r"$\mathrm df/\mathrm d\boldsymbol t =$", "matrix",
     "2 cos(log(tᵀt)) tᵀ/(tᵀt)", T56,
     r"三层链式法则：$\dfrac{\mathrm d\sin u}{\mathrm du}=\cos u$，$\dfrac{\mathrm d\log v}{\mathrm dv}=\dfrac1v$，"
     r"$\dfrac{\partial(\boldsymbol t^\top\boldsymbol t)}{\partial\boldsymbol t}=2\boldsymbol t^\top$（$1\times D$），所以",
     ["cos(log(t.T @ t)) 2t.T / (t.T @ t)", "cos(log(tᵀt)) / (tᵀt) 2 tᵀ"],
     [("cos(log(tᵀt)) 2t/(tᵀt)", "转置"), ("cos(log(tᵀt)) tᵀ/(tᵀt)", "链式法则"),
      ("cos(log(tᵀt))/(tᵀt)", "形状"), ("-cos(log(tᵀt)) 2tᵀ/(tᵀt)", "负号")], MATRIX_HELP)

G56 = mx.variables(A=("D", "E"), X=("E", "F"), B=("F", "D"))
_add("5.9/5.6b", "习题 5.6 (b)",
     r"求 $g(\boldsymbol X)=\operatorname{tr}(\boldsymbol A\boldsymbol X\boldsymbol B)$ 对 $\boldsymbol X$ 的导数，"
     r"$\boldsymbol A\in\mathbb R^{D\times E}$，$\boldsymbol X\in\mathbb R^{E\times F}$，$\boldsymbol B\in\mathbb R^{F\times D}$。"
     r"按本书的约定，标量对矩阵的导数与 $\boldsymbol X$ 同形（$E\times F$，元素是 $\partial g/\partial X_{ij}$）：请按这个形状输入。",
     r"$\mathrm dg/\mathrm d\boldsymbol X =$（$E\times F$）", "matrix", "Aᵀ Bᵀ", G56,
     r"用微分最快：$\mathrm dg=\operatorname{tr}(\boldsymbol A\,\mathrm d\boldsymbol X\,\boldsymbol B)"
     r"=\operatorname{tr}(\boldsymbol B\boldsymbol A\,\mathrm d\boldsymbol X)$，所以 $\partial g/\partial X_{ij}=(\boldsymbol B\boldsymbol A)_{ji}$，"
     r"与 $\boldsymbol X$ 同形地写出来是 $(\boldsymbol B\boldsymbol A)^\top$：",
     ["(B A)ᵀ", "A.T @ B.T"],
     [("B A", "转置", "这是转置：BA 是 F×E，而本书把 dg/dX 写成与 X 同形的 E×F 矩阵，即 (BA)ᵀ = AᵀBᵀ"
                      "（this is the F×E layout; the box expects the shape of X, E×F）"),
      ("-Aᵀ Bᵀ", "负号"), ("Bᵀ Aᵀ", "形状")], MATRIX_HELP)

X57 = mx.variables(x=("D", 1))
_add("5.9/5.7a-dz", r"习题 5.7 (a)：$\partial z/\partial\boldsymbol x$ 的形状",
     r"用链式法则求 $\mathrm df/\mathrm d\boldsymbol x$，并写出每个偏导数的形状。"
     r"(a) $f(z)=\log(1+z)$，$z=\boldsymbol x^\top\boldsymbol x$，$\boldsymbol x\in\mathbb R^D$。",
     r"$\partial z/\partial\boldsymbol x$ 的形状：", "shape", ("1", "D"), ("D",),
     r"$z$ 是标量、$\boldsymbol x\in\mathbb R^D$，所以 $\partial z/\partial\boldsymbol x\in\mathbb R^{1\times D}$；"
     r"$\partial f/\partial z\in\mathbb R^{1\times1}$。",
     ["1 x D", "(1, D)"], [("D×1", "转置"), ("D×D", "形状不对")], "例如 1×D")
_add("5.9/5.7a", r"习题 5.7 (a)：$\mathrm df/\mathrm d\boldsymbol x$", "", r"$\mathrm df/\mathrm d\boldsymbol x =$", "matrix",
     "2 xᵀ/(1 + xᵀx)", X57,
     r"$\dfrac{\partial f}{\partial z}=\dfrac{1}{1+z}$（$1\times1$），$\dfrac{\partial z}{\partial\boldsymbol x}=2\boldsymbol x^\top$（$1\times D$），"
     r"相乘得 $1\times D$：",
     ["2/(1 + x.T @ x) x.T", "xᵀ 2/(xᵀx + 1)"],
     [("2x/(1+xᵀx)", "转置"), ("xᵀ/(1+xᵀx)", "链式法则"), ("1/(1+xᵀx)", "形状"), ("-2xᵀ/(1+xᵀx)", "负号")],
     MATRIX_HELP)

AB57 = mx.variables(A=("E", "D"), x=("D", 1), b=("E", 1))
_add("5.9/5.7b-df", r"习题 5.7 (b)：$\partial\boldsymbol f/\partial\boldsymbol z$ 的形状",
     r"$\boldsymbol f(\boldsymbol z)=\sin(\boldsymbol z)$（逐元素），$\boldsymbol z=\boldsymbol A\boldsymbol x+\boldsymbol b$，"
     r"$\boldsymbol A\in\mathbb R^{E\times D}$，$\boldsymbol x\in\mathbb R^D$，$\boldsymbol b\in\mathbb R^E$。",
     r"$\partial\boldsymbol f/\partial\boldsymbol z$ 的形状：", "shape", ("E", "E"), ("E", "D"),
     r"$\boldsymbol f$ 和 $\boldsymbol z$ 都在 $\mathbb R^E$ 中，所以 $\partial\boldsymbol f/\partial\boldsymbol z\in\mathbb R^{E\times E}$"
     r"（对角矩阵）；$\partial\boldsymbol z/\partial\boldsymbol x=\boldsymbol A\in\mathbb R^{E\times D}$。",
     ["E x E", "R^{E×E}"], [("E×1", "形状不对"), ("E×D", "形状不对")], "例如 E×D")
_add("5.9/5.7b", r"习题 5.7 (b)：$\mathrm d\boldsymbol f/\mathrm d\boldsymbol x$", "", r"$\mathrm d\boldsymbol f/\mathrm d\boldsymbol x =$",
     "matrix", "diag(cos(A x + b)) A", AB57,
     r"$\dfrac{\partial\boldsymbol f}{\partial\boldsymbol z}=\operatorname{diag}(\cos\boldsymbol z)$（$E\times E$，因为 $f_i$ 只依赖 $z_i$），"
     r"$\dfrac{\partial\boldsymbol z}{\partial\boldsymbol x}=\boldsymbol A$（$E\times D$），相乘得 $E\times D$：",
     ["diag(cos(b + A@x)) @ A", "diag(cos(Ax+b))A"],
     [("Aᵀ diag(cos(Ax+b))", "转置"), ("diag(cos(Ax+b))", "形状"), ("-diag(cos(Ax+b)) A", "负号"),
      ("diag(sin(Ax+b)) A", "数值不对")], MATRIX_HELP)

S58 = mx.variables(x=("D", 1), mu=("D", 1), S=("D", "D"))
_add("5.9/5.8a-dg", r"习题 5.8 (a)：$\partial g/\partial\boldsymbol y$ 的形状",
     r"用链式法则求 $\mathrm df/\mathrm d\boldsymbol x$，写出每个偏导数的形状。(a) $f(z)=\exp(-\tfrac12 z)$，"
     r"$z=g(\boldsymbol y)=\boldsymbol y^\top\boldsymbol S^{-1}\boldsymbol y$，$\boldsymbol y=h(\boldsymbol x)=\boldsymbol x-\boldsymbol\mu$，"
     r"$\boldsymbol x,\boldsymbol\mu\in\mathbb R^D$，$\boldsymbol S\in\mathbb R^{D\times D}$（一般的可逆矩阵，不一定对称）。",
     r"$\partial g/\partial\boldsymbol y$ 的形状：", "shape", ("1", "D"), ("D",),
     r"$\partial f/\partial z\in\mathbb R^{1\times1}$，$\partial g/\partial\boldsymbol y\in\mathbb R^{1\times D}$，"
     r"$\partial h/\partial\boldsymbol x=\boldsymbol I\in\mathbb R^{D\times D}$。",
     ["1xD", "ℝ^(1×D)"], [("D×1", "转置"), ("D×D", "形状不对")], "例如 1×D")
_add("5.9/5.8a-dh", r"习题 5.8 (a)：$\partial h/\partial\boldsymbol x$ 的形状", "", r"$\partial h/\partial\boldsymbol x$ 的形状：",
     "shape", ("D", "D"), ("D",), r"$h(\boldsymbol x)=\boldsymbol x-\boldsymbol\mu$ 从 $\mathbb R^D$ 到 $\mathbb R^D$，导数是 $D\times D$ 的单位矩阵。",
     ["D x D", "(D, D)"], [("1×D", "形状不对"), ("D", "维数")], "例如 D×D")
_add("5.9/5.8a", r"习题 5.8 (a)：$\mathrm df/\mathrm d\boldsymbol x$", "", r"$\mathrm df/\mathrm d\boldsymbol x =$", "matrix",
     "-1/2 exp(-1/2 (x-μ)ᵀ inv(S) (x-μ)) (x-μ)ᵀ (inv(S) + inv(S)ᵀ)", S58,
     r"$\dfrac{\partial f}{\partial z}=-\tfrac12 e^{-z/2}$，$\dfrac{\partial g}{\partial\boldsymbol y}=\boldsymbol y^\top(\boldsymbol S^{-1}+\boldsymbol S^{-\top})$"
     r"（恒等式 (5.107)），$\dfrac{\partial h}{\partial\boldsymbol x}=\boldsymbol I$。三者相乘（$1\times1$ 乘 $1\times D$ 乘 $D\times D$）：",
     ["-exp(-(x-μ).T @ inv(S) @ (x-μ)/2) (x-μ).T (S⁻¹ + S⁻ᵀ)/2",
      "-1/2 exp(-1/2 (xᵀ-μᵀ) S⁻¹ (x-μ)) ((x-μ)ᵀ S⁻¹ + ((S⁻¹)(x-μ))ᵀ)"],
     [("-exp(-1/2 (x-μ)ᵀ inv(S) (x-μ)) (x-μ)ᵀ inv(S)", "对称",
       "只有 S 对称时才成立：一般的 S 要用 (5.107)，∂(yᵀS⁻¹y)/∂y = yᵀ(S⁻¹ + S⁻ᵀ)（holds only for symmetric S）"),
      ("exp(-1/2 (x-μ)ᵀ inv(S) (x-μ)) (x-μ)ᵀ (inv(S) + inv(S)ᵀ)", "链式法则"),
      ("-1/2 exp(-1/2 (x-μ)ᵀ inv(S) (x-μ)) (inv(S) + inv(S)ᵀ) (x-μ)", "转置"),
      ("1/2 exp(-1/2 (x-μ)ᵀ inv(S) (x-μ)) (x-μ)ᵀ (inv(S) + inv(S)ᵀ)", "负号")], MATRIX_HELP)

X58 = mx.variables(x=("D", 1), sigma=("1", "1", "positive"), I=("D", "D", "identity"))
_add("5.9/5.8b", "习题 5.8 (b)",
     r"$f(\boldsymbol x)=\operatorname{tr}(\boldsymbol x\boldsymbol x^\top+\sigma^2\boldsymbol I)$，$\boldsymbol x\in\mathbb R^D$。",
     r"$\mathrm df/\mathrm d\boldsymbol x =$", "matrix", "2 xᵀ", X58,
     r"$\operatorname{tr}(\boldsymbol x\boldsymbol x^\top+\sigma^2\boldsymbol I)=\boldsymbol x^\top\boldsymbol x+D\sigma^2$；"
     r"常数项的导数为零，$\partial(\boldsymbol x^\top\boldsymbol x)/\partial\boldsymbol x=2\boldsymbol x^\top\in\mathbb R^{1\times D}$：",
     ["xᵀ + xᵀ", "2 x.T I", "(2x)ᵀ"],
     [("2x", "转置"), ("xᵀ", "链式法则"), ("-2xᵀ", "负号")], MATRIX_HELP)

A58 = mx.variables(A=("M", "N"), x=("N", 1), b=("M", 1))
_add("5.9/5.8c-df", r"习题 5.8 (c)：$\partial\boldsymbol f/\partial\boldsymbol z$ 的形状",
     r"$\boldsymbol f(\boldsymbol z)=\tanh(\boldsymbol z)\in\mathbb R^M$（逐元素），$\boldsymbol z=\boldsymbol A\boldsymbol x+\boldsymbol b$，"
     r"$\boldsymbol x\in\mathbb R^N$，$\boldsymbol A\in\mathbb R^{M\times N}$，$\boldsymbol b\in\mathbb R^M$。",
     r"$\partial\boldsymbol f/\partial\boldsymbol z$ 的形状：", "shape", ("M", "M"), ("M", "N"),
     r"$\partial\boldsymbol f/\partial\boldsymbol z\in\mathbb R^{M\times M}$（对角），$\partial\boldsymbol z/\partial\boldsymbol x=\boldsymbol A\in\mathbb R^{M\times N}$。",
     ["M x M", "(M, M)"], [("M×1", "形状不对"), ("M×N", "形状不对")], "例如 M×N")
_add("5.9/5.8c", r"习题 5.8 (c)：$\mathrm d\boldsymbol f/\mathrm d\boldsymbol x$", "", r"$\mathrm d\boldsymbol f/\mathrm d\boldsymbol x =$",
     "matrix", "diag(1 - tanh(A x + b)^2) A", A58,
     r"$\tanh'(z)=1-\tanh^2(z)$，逐元素，所以 $\dfrac{\partial\boldsymbol f}{\partial\boldsymbol z}=\operatorname{diag}(1-\tanh^2\boldsymbol z)$"
     r"（$M\times M$），再乘 $\dfrac{\partial\boldsymbol z}{\partial\boldsymbol x}=\boldsymbol A$（$M\times N$）：",
     ["diag(1 - tanh(Ax+b) ⊙ tanh(Ax+b)) @ A", "diag(cosh(A x + b)^-2) A"],
     [("Aᵀ diag(1 - tanh(Ax+b)^2)", "转置"), ("diag(1 - tanh(Ax+b)^2)", "形状"),
      ("diag(tanh(Ax+b)^2 - 1) A", "负号")], MATRIX_HELP)

P59 = mx.variables(
    latex={"dp_dz": r"\frac{\partial\log p}{\partial\boldsymbol z}", "dq_dz": r"\frac{\partial\log q}{\partial\boldsymbol z}",
           "dq_dnu": r"\frac{\partial\log q}{\partial\boldsymbol\nu}", "dt_dnu": r"\frac{\partial\boldsymbol t}{\partial\boldsymbol\nu}"},
    dp_dz=("1", "E"), dq_dz=("1", "E"), dq_dnu=("1", "F"), dt_dnu=("E", "F"))
_add("5.9/5.9", "习题 5.9",
     r"定义 $g(\boldsymbol x,\boldsymbol z,\boldsymbol\nu)=\log p(\boldsymbol x,\boldsymbol z)-\log q(\boldsymbol z,\boldsymbol\nu)$，"
     r"$\boldsymbol z=t(\boldsymbol\epsilon,\boldsymbol\nu)$，其中 $p,q,t$ 可微，$\boldsymbol x\in\mathbb R^D$，$\boldsymbol z\in\mathbb R^E$，"
     r"$\boldsymbol\nu\in\mathbb R^F$，$\boldsymbol\epsilon\in\mathbb R^G$。用链式法则求 $\dfrac{\mathrm d}{\mathrm d\boldsymbol\nu}g$。"
     r"用这些偏导数作答：`dp_dz` $=\partial\log p/\partial\boldsymbol z$（$1\times E$），`dq_dz` $=\partial\log q/\partial\boldsymbol z$"
     r"（$1\times E$），`dq_dnu` $=\partial\log q/\partial\boldsymbol\nu$（$1\times F$，$\boldsymbol z$ 固定），"
     r"`dt_dnu` $=\partial t/\partial\boldsymbol\nu$（$E\times F$）。",
     r"$\mathrm dg/\mathrm d\boldsymbol\nu =$", "matrix", "(dp_dz - dq_dz) dt_dnu - dq_dnu", P59,
     r"$\boldsymbol\nu$ 通过两条路径影响 $g$：经过 $\boldsymbol z=t(\boldsymbol\epsilon,\boldsymbol\nu)$（$\log p$ 和 $\log q$ 都依赖 $\boldsymbol z$），"
     r"以及直接作为 $q$ 的参数。链式法则把两条路径相加（$1\times E$ 乘 $E\times F$，再减 $1\times F$）：",
     ["dp_dz dt_dnu - dq_dz dt_dnu - dq_dnu", "-(dq_dnu + (dq_dz - dp_dz) @ dt_dnu)"],
     [("dp_dz dt_dnu - dq_dnu", "路径",
       "漏了一条路径：log q 也通过 z 依赖 ν，应减去 (∂log q/∂z)(∂t/∂ν)（log q depends on ν through z too）"),
      ("(dp_dz - dq_dz) dt_dnu", "直接依赖", "漏了一条路径：q 对 ν 的直接依赖 −∂log q/∂ν（the direct path is missing）"),
      ("dt_dnu (dp_dz - dq_dz)", "形状"), ("dq_dnu - (dp_dz - dq_dz) dt_dnu", "负号")], MATRIX_HELP)

# ---------------------------------------------------------------------------------------------
# the exercises at the end of sections 5.1–5.8 (statements and worked solutions are in the notebooks)

a, b, c, d = R("a", "b", "c", "d")
m, s_, w, yv = R("m", "s", "w", "y")


def _short(value) -> str:
    return f"答案：${sp.latex(value)}$。"


def _section(key, prompt, reference, variables, accepted, mistakes, placeholder=""):
    _add(key, f"练习 {key.split('/')[1]}", "", prompt, "scalar", reference, variables, _short(reference),
         accepted, mistakes, placeholder)


_section("5.1/1", "$h'(x) =$", sp.diff(sp.sin(x ** 2), x), ("x",),
         ["2x cos(x²)", "cos(x^2) 2 x"],
         [("-2x cos(x^2)", "负号"),
          ("cos(x^2)", "内层导数", "漏了内层导数 2x：(sin(x²))′ = cos(x²)·2x（dropped the inner derivative）"),
          ("x cos(x^2)", "链式法则")])
_section("5.1/2", "$f'(x) =$", sp.factor(sp.diff(x / (1 + x ** 2), x)), ("x",),
         ["(1 - x^2)/(1 + x^2)^2", "1/(1+x^2)^2 - x^2/(x^4 + 2x^2 + 1)"],
         [("(x^2 - 1)/(1 + x^2)^2", "负号"), ("1/(1 + x^2)", "不正确"), ("(1 + 3x^2)/(1 + x^2)^2", "不正确")])
_section("5.1/3", "$T_3(x) =$", sp.series(sp.exp(x), x, 0, 4).removeO(), ("x",),
         ["1 + x + x^2/2 + x^3/6", "x³/6 + x²/2 + x + 1"],
         [("1 + x + x^2 + x^3", "k!", "第 k 项要除以 k!（divide the k-th term by k!）"),
          ("1 + x + x^2/2", "不正确"), ("-(1 + x + x^2/2 + x^3/6)", "负号")])
_section("5.1/4", "$T_2(x) =$", sp.series(sp.log(x), x, 1, 3).removeO(), ("x",),
         ["(x - 1) - (x - 1)^2/2", "-x^2/2 + 2x - 3/2"],
         [("(x - 1) + (x - 1)^2/2", "不正确"), ("(x - 1) - (x - 1)^2", "k!", "第 k 项要除以 k!（divide by k!）"),
          ("(1 - x) + (x - 1)^2/2", "负号")])

_section("5.2/1", "练习 1：∇f，按 [[.., ..]] 输入", sp.Matrix([x * sp.exp(x * y)]).jacobian([x, y]), ("x", "y"),
         ["[[(1 + x*y)*exp(x*y), x^2*exp(x*y)]]", "[exp(xy) + xy exp(xy), x² e^(xy)]"],
         [("[[(1 + x y) exp(x y)], [x^2 exp(x y)]]", "转置"), ("[exp(x y), x^2 exp(x y)]", "不正确"),
          ("[-(1 + x y) exp(x y), -x^2 exp(x y)]", "负号")])
_section("5.2/2", "练习 2：df/dt", sp.diff((sp.cos(t) * sp.sin(t)), t), ("t",),
         ["cos(2t)", "cos(t)^2 - sin(t)^2", "1 - 2 sin(t)^2"],
         [("-cos(2t)", "负号"), ("2cos(2t)", "链式法则"), ("sin(t) cos(t)", "不正确")])
_grad_u = sp.Matrix([[2 * x, 4 * y]]).subs({x: 1, y: 1})
_section("5.2/3a", "练习 3 (a)：沿 u 的方向导数", (_grad_u * sp.Matrix([3, 4]) / 5)[0], (),
         ["22/5", "4.4", "2*3/5 + 4*4/5"],
         [("-22/5", "负号"), ("2 sqrt(5)", "最大变化率", "这是最大变化率 ‖∇f‖；沿 u 的变化率是 ∇f·u（that is |∇f|, not ∇f·u）"),
          ("14/5", "不正确")])
_section("5.2/3b", "练习 3 (b)：(1, 1) 处的最大变化率", sp.sqrt((_grad_u * _grad_u.T)[0]), (),
         ["2 sqrt(5)", "sqrt(20)", "sqrt(2^2 + 4^2)"],
         [("-2 sqrt(5)", "负号"), ("22/5", "方向导数", "22/5 是沿 u 的方向导数；最大变化率是 ‖∇f‖（take the norm of the gradient）"),
          ("20", "不正确")])

_J53 = sp.Matrix([x * y, x ** 2 + y ** 2]).jacobian([x, y])
_section("5.3/1a", "练习 1 (a)：J，按 [[.., ..], [.., ..]] 输入", _J53, ("x", "y"),
         ["[[y, x], [2x, 2y]]", "[[y, x], [x + x, 2*y]]"],
         [("[[y, 2x], [x, 2y]]", "转置"), ("[[-y, -x], [-2x, -2y]]", "负号"), ("[[y, x], [x, y]]", "不正确")])
_section("5.3/1b", "练习 1 (b)：det J", sp.expand(_J53.det()), ("x", "y"),
         ["2y^2 - 2x^2", "2(y - x)(y + x)"],
         [("2x^2 - 2y^2", "负号"), ("2y^2 + 2x^2", "不正确"), ("y^2 - x^2", "常数因子")])
_section("5.3/2", "练习 2：局部面积放大倍数 |det J|",
         sp.simplify(sp.Matrix([sp.exp(x) * sp.cos(y), sp.exp(x) * sp.sin(y)]).jacobian([x, y]).det()), ("x", "y"),
         ["exp(2x)", "e^x e^x", "exp(2x) (cos(y)^2 + sin(y)^2)"],
         [("exp(x)", "不正确"), ("-exp(2x)", "负号"), ("exp(2x) cos(2y)", "不正确")])
for key, part, shape, wrong in [("5.3/3a", r"\partial f/\partial\boldsymbol x", ("1", "2"), "2×1"),
                                 ("5.3/3b", r"\partial\boldsymbol g/\partial t", ("2", "1"), "1×2")]:
    _add(key, f"练习 3 ({key[-1]})：${part}$ 的形状", "", f"练习 3 ({key[-1]})：${part}$ 的形状：", "shape", shape, (),
         f"导数的形状是“输出形状 × 输入形状”：${part}" + r"\in\mathbb R^{" + r"\times ".join(shape) + "}$。",
         ["×".join(shape).replace("×", " x "), "(" + ", ".join(shape) + ")"], [(wrong, "转置"), ("2×2", "形状不对")], "例如 1×2")
_section("5.3/3c", "练习 3 (c)：dh/dt", sp.diff(sp.cos(t) ** 2 + 4 * sp.sin(t) ** 2, t), ("t",),
         ["3 sin(2t)", "6 sin(t) cos(t)"],
         [("3 sin(t) cos(t)", "链式法则"), ("-3 sin(2t)", "负号"), ("-2 sin(t) cos(t) + 4 sin(t) cos(t)", "链式法则")])

_section("5.4/1a", "练习 1 (a)：dK/dR 的元素个数", sp.Integer(2 * 2 * 3 * 2), (), ["24", "4*6"],
         [("12", "不正确"), ("36", "不正确")])
_add("5.4/1b", "练习 1 (b)：Jacobian 视图的形状", "", "练习 1 (b)：Jacobian 视图的形状（行 × 列）：", "shape", ("4", "6"), (),
     r"把 $\boldsymbol K$ 的 $N^2=4$ 个元素排成行、$\boldsymbol R$ 的 $MN=6$ 个元素排成列：$4\times 6$。",
     ["4 x 6", "(4, 6)"], [("6×4", "转置"), ("2×2×3×2", "维数")], "例如 4×6")
_section("5.4/2", "练习 2：∂f₂/∂A，按 [[.., ..], [.., ..]] 输入",
         sp.Matrix(2, 2, lambda i, j: sp.diff(c * x1 + d * x2, [a, b, c, d][2 * i + j])), ("x1", "x2"),
         ["[[0, 0], [x1, x2]]", "[[0*x1, 0], [x1, x2 + 0]]"],
         [("[[x1, x2], [0, 0]]", "不正确"), ("[[0, x1], [0, x2]]", "转置"), ("[[0, 0], [-x1, -x2]]", "负号")])
_R = sp.Matrix([[a, b], [c, d]])
_section("5.4/3", "练习 3：∂K₁₂/∂R，按 [[.., ..], [.., ..]] 输入",
         sp.Matrix(2, 2, lambda i, j: sp.diff((_R.T * _R)[0, 1], _R[i, j])), ("a", "b", "c", "d"),
         ["[[b, a], [d, c]]", "[[a b/a, a], [d, c]]"],
         [("[[b, d], [a, c]]", "转置"), ("[[a, b], [c, d]]", "不正确"), ("[[-b, -a], [-d, -c]]", "负号")])

_section("5.5/1", "练习 1：∂f/∂x（行向量，按 [.., ..] 输入）", sp.Matrix([(x1 + 2 * x2) ** 2]).jacobian([x1, x2]), ("x1", "x2"),
         ["[2*(x1 + 2*x2), 4*(x1 + 2*x2)]", "[2x1 + 4x2, 4x1 + 8x2]"],
         [("[[2(x1 + 2x2)], [4(x1 + 2x2)]]", "转置"), ("[x1 + 2x2, 2(x1 + 2x2)]", "链式法则"),
          ("[-2(x1 + 2x2), -4(x1 + 2x2)]", "负号")])
_X = sp.Matrix([[a, b], [c, d]])
_section("5.5/2", "练习 2：f′(X)，按 [[.., ..], [.., ..]] 输入",
         sp.Matrix(2, 2, lambda i, j: sp.diff((_X * _X).trace(), _X[i, j])), ("a", "b", "c", "d"),
         ["[[2*a, 2*c], [2*b, 2*d]]", "[[a + a, c + c], [2b, 2d]]"],
         [("[[2a, 2b], [2c, 2d]]", "转置"), ("[[a, c], [b, d]]", "链式法则"), ("[[-2a, -2c], [-2b, -2d]]", "负号")])
_section("5.5/3", "练习 3：f′(X)，按 [[.., ..], [.., ..]] 输入",
         sp.Matrix(2, 2, lambda i, j: sp.simplify(sp.diff(sp.log(_X.det()), _X[i, j]))), ("a", "b", "c", "d"),
         ["[[d/(a*d - b*c), -c/(a*d - b*c)], [-b/(a*d - b*c), a/(a*d - b*c)]]",
          "[[-d/(bc - ad), c/(bc - ad)], [b/(bc - ad), -a/(bc - ad)]]"],
         [("[[d/(ad - bc), -b/(ad - bc)], [-c/(ad - bc), a/(ad - bc)]]", "转置"), ("[[d, -c], [-b, a]]", "不正确"),
          ("[[-d/(ad - bc), c/(ad - bc)], [b/(ad - bc), -a/(ad - bc)]]", "负号")])
XB55 = mx.variables(x=("D", 1), B=("D", "D"))
_add("5.5/4", "练习 4", "", r"练习 4：$\partial(\boldsymbol x^\top\boldsymbol B\boldsymbol x)/\partial\boldsymbol x =$", "matrix",
     "xᵀ (B + Bᵀ)", XB55,
     r"$\mathrm df=\mathrm d\boldsymbol x^\top\boldsymbol B\boldsymbol x+\boldsymbol x^\top\boldsymbol B\,\mathrm d\boldsymbol x"
     r"=\boldsymbol x^\top(\boldsymbol B^\top+\boldsymbol B)\,\mathrm d\boldsymbol x$，即恒等式 (5.107)：",
     ["xᵀB + xᵀBᵀ", "x.T @ B + (B @ x).T"],
     [("2 xᵀ B", "对称", "只有 B 对称时才成立；一般的 B 是 xᵀ(B + Bᵀ)（holds only for symmetric B）"),
      ("(B + Bᵀ) x", "转置"), ("xᵀ B", "数值不对")], MATRIX_HELP)
AXB55 = mx.variables(a=("E", 1), X=("E", "F"), b=("F", 1))
_add("5.5/5", "练习 5", "", r"练习 5：$\partial(\boldsymbol a^\top\boldsymbol X\boldsymbol b)/\partial\boldsymbol X =$（与 $\boldsymbol X$ 同形，$E\times F$）",
     "matrix", "a bᵀ", AXB55,
     r"$\mathrm df=\boldsymbol a^\top\mathrm d\boldsymbol X\,\boldsymbol b=\operatorname{tr}(\boldsymbol b\boldsymbol a^\top\mathrm d\boldsymbol X)$，"
     r"所以 $\partial f/\partial X_{ij}=a_ib_j$，与 $\boldsymbol X$ 同形地写出来就是恒等式 (5.106)：",
     ["(b aᵀ)ᵀ", "a @ b.T"],
     [("b aᵀ", "转置"), ("aᵀ b", "形状"), ("-a bᵀ", "负号")], MATRIX_HELP)

_section("5.6/1", "练习 1：∂f/∂x", sp.diff(sp.log(1 + x ** 2) * sp.sin(x), x), ("x",),
         ["2*x*sin(x)/(1+x^2) + log(1+x^2)*cos(x)", "(2x sin x + (1 + x²) ln(1 + x²) cos x)/(1 + x²)"],
         [("2x sin(x)/(1+x^2)", "子节点", "x 有两个子节点 a 和 d：两条路径的贡献要相加（x feeds two nodes: add both paths）"),
          ("sin(x)/(1+x^2) + log(1+x^2) cos(x)", "不正确"),
          ("-2x sin(x)/(1+x^2) - log(1+x^2) cos(x)", "负号")])
_section("5.6/2", "练习 2：σ′(z)", sp.diff(1 / (1 + sp.exp(-z)), z), ("z",),
         ["exp(-z)/(1+exp(-z))^2", "sigmoid(z)(1 - sigmoid(z))"],
         [("-exp(-z)/(1+exp(-z))^2", "负号"), ("sigmoid(z)", "不正确"), ("sigmoid(z)(1 + sigmoid(z))", "不正确")])
_section("5.6/3", "练习 3：反向模式求 Jacobian 的乘加次数", m * s_, ("n", "m", "s"),
         ["m*s", "s m"],
         [("n*s", "前向模式", "n·s 是前向模式的次数；反向模式每次遍历得到一行，共 m 行（that is forward mode）"),
          ("m*n*s", "不正确"), ("s", "不正确")])
_sig = 1 / (1 + sp.exp(-(w * x + b)))
_section("5.6/4", "练习 4：∂L/∂b", sp.diff((yv - _sig) ** 2, b), ("w", "x", "b", "y"),
         ["-2*(y - sigmoid(w*x + b))*sigmoid(w*x + b)*(1 - sigmoid(w*x + b))",
          "2 (sigmoid(wx + b) - y) sigmoid(wx + b) (1 - sigmoid(wx + b))"],
         [("2(y - sigmoid(wx+b)) sigmoid(wx+b)(1 - sigmoid(wx+b))", "负号"),
          ("-2(y - sigmoid(wx+b))", "不正确"),
          ("-2x(y - sigmoid(wx+b)) sigmoid(wx+b)(1 - sigmoid(wx+b))", "不正确")])

_section("5.7/1", "练习 1：H，按 [[.., ..], [.., ..]] 输入", sp.hessian(x ** 2 * y + sp.exp(x * y), (x, y)), ("x", "y"),
         ["[[2*y + y^2*exp(x*y), 2*x + (1 + x*y)*exp(x*y)], [2*x + (1 + x*y)*exp(x*y), x^2*exp(x*y)]]",
          "[[2y + y² e^(xy), 2x + e^(xy) + xy e^(xy)], [2x + e^(xy) + xy e^(xy), x² e^(xy)]]"],
         [("[[2y, 2x], [2x, 0]]", "不正确"),
          ("[[-2y - y^2 exp(xy), -2x - (1 + xy) exp(xy)], [-2x - (1 + xy) exp(xy), -x^2 exp(xy)]]", "负号"),
          ("[[2y + y^2 exp(xy), 2x + xy exp(xy)], [2x + xy exp(xy), x^2 exp(xy)]]", "不正确")])
_f57 = x ** 3 - 12 * x + y ** 2 - 2 * y
_section("5.7/2", "练习 2：f 的极小值", _f57.subs({x: 2, y: 1}), (), ["-17", "8 - 24 + 1 - 2"],
         [("17", "负号"), ("15", "不正确"), ("-16", "不正确")])
_section("5.7/3", "练习 3：原点处的 det H", sp.hessian(x ** 2 + a * x * y + y ** 2, (x, y)).det(), ("a",),
         ["4 - a^2", "(2 - a)(2 + a)"],
         [("a^2 - 4", "负号"), ("4 + a^2", "不正确"), ("4 - a^2/4", "不正确")])

_section("5.8/1", "练习 1：T₁(x, y)", 1 + sp.Matrix([sp.exp(x) * sp.cos(y)]).jacobian([x, y]).subs({x: 0, y: 0}).dot([x, y]),
         ("x", "y"), ["1 + x", "x + 1 + 0 y"],
         [("1 - x", "不正确"), ("-1 - x", "负号"), ("1 + x + y", "不正确")])
_f58 = sp.exp(x + 2 * y)
_section("5.8/2", "练习 2：T₂(x, y)", sp.expand(sum(
    sp.diff(_f58, x, i, y, k - i).subs({x: 0, y: 0}) * x ** i * y ** (k - i) / (sp.factorial(i) * sp.factorial(k - i))
    for k in range(3) for i in range(k + 1))), ("x", "y"),
         ["1 + x + 2y + (x + 2y)^2/2", "1 + x + 2y + x^2/2 + 2xy + 2y^2"],
         [("1 + x + 2y + (x + 2y)^2", "1/2", "二次项是 ½ δᵀHδ，别漏了 1/2（the quadratic term has a factor 1/2）"),
          ("1 + x + 2y", "不正确"), ("-(1 + x + 2y + (x + 2y)^2/2)", "负号")])
_f583 = x ** 2 * y
_section("5.8/3a", "练习 3 (a)：T₂(x, y)", sp.expand(sum(
    sp.diff(_f583, x, i, y, k - i).subs({x: 1, y: 1}) * (x - 1) ** i * (y - 1) ** (k - i)
    / (sp.factorial(i) * sp.factorial(k - i)) for k in range(3) for i in range(k + 1))), ("x", "y"),
         ["1 + 2(x - 1) + (y - 1) + (x - 1)^2 + 2(x - 1)(y - 1)", "x^2 y - (x - 1)^2 (y - 1)"],
         [("1 + 2(x - 1) + (y - 1) + 2(x - 1)^2 + 4(x - 1)(y - 1)", "1/2",
           "二次项是 ½ δᵀHδ，别漏了 1/2（the quadratic term has a factor 1/2）"),
          ("x^2 y", "不正确"), ("1 + 2(x - 1) + (y - 1)", "不正确")])
_section("5.8/3b", "练习 3 (b)：至少几次的 Taylor 多项式才精确", sp.Integer(sp.Poly(_f583, x, y).total_degree()), (),
         ["3", "2 + 1"], [("2", "不正确"), ("4", "不正确"), ("-3", "负号")])

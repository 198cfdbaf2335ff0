"""Answer boxes for the exercises at the end of every notebook (widget layer over ``widgets.answers``).

``answer_box(reference, variables)`` checks a formula, a row vector or a matrix of entries;
``exercise_box(key)`` shows an exercise of :mod:`widgets.exercise_bank` (any kind: formulas,
matrix expressions such as ``2 xᵀ A``, shapes such as ``1×n``) with its worked solution
behind a 显示解答 (Show solution) button.
"""

from __future__ import annotations

import html
from typing import Callable, Sequence

import ipywidgets as W

from widgets.answers import Verdict, check_answer, parse_answer


class AnswerBox:
    """A text box, a 检查 (Check) button and the verdict; the student's text is parsed safely."""

    def __init__(self, reference, variables: Sequence[str] = ("x",), prompt: str = "", placeholder: str = "",
                 checker: Callable[[str], Verdict] | None = None, solution: str = ""):
        self.variables = tuple(variables)
        if checker is None:
            self.reference = parse_answer(reference, self.variables) if isinstance(reference, str) else reference
            checker = lambda text: check_answer(text, self.reference, self.variables)  # noqa: E731
        else:
            self.reference = reference
        self._checker = checker
        self.prompt = W.HTMLMath(value=prompt)
        self.text = W.Text(placeholder=placeholder or "在这里输入答案，例如 2*x*cos(x^2)",
                           layout=W.Layout(width="32em"), continuous_update=False)
        self.button = W.Button(description="检查 (Check)", button_style="primary")
        self.feedback = W.HTML()
        self.verdict: Verdict | None = None
        self.button.on_click(lambda _: self.check())
        self.text.observe(lambda change: self.check(), names="value")
        row = [self.text, self.button]
        self.solution = W.HTMLMath(value=solution, layout=W.Layout(display="none"))
        if solution:
            self.reveal = W.ToggleButton(description="显示解答 (Show solution)", value=False)
            self.reveal.observe(self._toggle_solution, names="value")
            row.append(self.reveal)
        self.widget = W.VBox([self.prompt, W.HBox(row), self.feedback, self.solution])

    def _toggle_solution(self, change) -> None:
        self.solution.layout.display = "block" if change["new"] else "none"
        self.reveal.description = "隐藏解答 (Hide solution)" if change["new"] else "显示解答 (Show solution)"

    def check(self, answer: str | None = None) -> Verdict:
        """Check ``answer`` (or the box's text), show and return the verdict; never raises."""
        if answer is not None:
            self.text.value = answer  # triggers check() through the observer
            return self.verdict
        try:
            self.verdict = self._checker(self.text.value)
        except Exception as exc:  # the box must never show a traceback to a student
            self.verdict = Verdict(False, f"无法检查这个答案（cannot check: {type(exc).__name__}）")
        colour = "#1B7F3B" if self.verdict.correct else "#B00020"
        mark = "✔" if self.verdict.correct else "✘"
        self.feedback.value = f'<span style="color:{colour}">{mark} {html.escape(self.verdict.message)}</span>'
        return self.verdict

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = "答案框（answer box）"
        return bundle


def answer_box(reference, variables: Sequence[str] = ("x",), prompt: str = "", placeholder: str = "") -> AnswerBox:
    """Return an answer box checking a typed answer against ``reference`` (text or sympy)."""
    return AnswerBox(reference, variables, prompt, placeholder)


def exercise_box(key: str) -> AnswerBox:
    """Return the answer box of exercise ``key`` of :mod:`widgets.exercise_bank`, e.g. ``exercise_box("5.9/5.6a")``."""
    from widgets.exercise_bank import get

    exercise = get(key)
    solution = f"<b>解答（solution）</b><br>{_markdown_math(exercise.worked_solution)}"
    return AnswerBox(exercise.reference, (), exercise.prompt, exercise.placeholder or "在这里输入答案",
                     checker=exercise.check, solution=solution)


def _markdown_math(text: str) -> str:
    """Return markdown-with-LaTeX as HTML for an HTMLMath widget (backticks become <code>)."""
    parts = text.split("`")
    return "".join(html.escape(p, quote=False) if i % 2 == 0 else f"<code>{html.escape(p)}</code>"
                   for i, p in enumerate(parts)).replace("\n", "<br>")

"""Answer boxes for the exercises at the end of every notebook (widget layer over ``widgets.answers``)."""

from __future__ import annotations

import html
from typing import Sequence

import ipywidgets as W

from widgets.answers import Verdict, check_answer, parse_answer


class AnswerBox:
    """A text box, a 检查 (Check) button and the verdict; the student's text is parsed safely."""

    def __init__(self, reference, variables: Sequence[str] = ("x",), prompt: str = "", placeholder: str = ""):
        self.variables = tuple(variables)
        self.reference = parse_answer(reference, self.variables) if isinstance(reference, str) else reference
        self.prompt = W.HTMLMath(value=prompt)
        self.text = W.Text(placeholder=placeholder or "在这里输入答案，例如 2*x*cos(x^2)",
                           layout=W.Layout(width="32em"), continuous_update=False)
        self.button = W.Button(description="检查 (Check)", button_style="primary")
        self.feedback = W.HTML()
        self.verdict: Verdict | None = None
        self.button.on_click(lambda _: self.check())
        self.text.observe(lambda change: self.check(), names="value")
        self.widget = W.VBox([self.prompt, W.HBox([self.text, self.button]), self.feedback])

    def check(self, answer: str | None = None) -> Verdict:
        """Check ``answer`` (or the box's text), show and return the verdict; never raises."""
        if answer is not None:
            self.text.value = answer  # triggers check() through the observer
            return self.verdict
        try:
            self.verdict = check_answer(self.text.value, self.reference, self.variables)
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

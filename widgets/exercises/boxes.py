"""Answer boxes for the exercises at the end of every notebook (over ``widgets.exercises.answers``).

``answer_box(reference, variables)`` checks a formula, a row vector or a matrix of entries;
``exercise_box(key)`` shows an exercise of :mod:`widgets.exercises.bank` (any kind: formulas,
matrix expressions such as ``2 xᵀ A``, shapes such as ``1×n``) with its worked solution
behind a 显示解答 (Show solution) button.
"""

from __future__ import annotations

import html
import pathlib
from typing import Callable, Sequence

import anywidget
import traitlets as T

from widgets.exercises.answers import Verdict, check_answer, parse_answer

_HERE = pathlib.Path(__file__).parent


class AnswerBoxWidget(anywidget.AnyWidget):
    """The view of an answer box: prompt, answer field, 检查 (Check), verdict line and solution.

    One widget (one model and its Layout) whose front end, ``answer_box.js``, draws everything and
    typesets the LaTeX of the prompt and the solution with the page's own MathJax (see the comment
    at the top of that file). The page asks for a check with the message
    ``{"event": "check", "value": text}``; the kernel answers through the traits below.
    """

    # The files' text, not their paths: anywidget watches a path with a callback that keeps every
    # widget made from it alive.
    _esm = (_HERE / "answer_box.js").read_text(encoding="utf-8")
    _css = (_HERE / "answer_box.css").read_text(encoding="utf-8")

    prompt = T.Unicode("", help="HTML with $...$ LaTeX, shown before the field").tag(sync=True)
    placeholder = T.Unicode("").tag(sync=True)
    value = T.Unicode("", help="the text last checked (or set from Python)").tag(sync=True)
    feedback = T.Unicode("", help="the verdict line, ✔/✘ and the message; empty before a check").tag(sync=True)
    correct = T.Bool(None, allow_none=True, help="the last verdict; None before a check").tag(sync=True)
    checks = T.Int(0, help="how many checks were made (the page flashes the verdict line)").tag(sync=True)
    solution = T.Unicode("", help="HTML with LaTeX; no 显示解答 button when empty").tag(sync=True)
    show_solution = T.Bool(False).tag(sync=True)


class AnswerBox:
    """A text field, a 检查 (Check) button and the verdict; the student's text is parsed safely.

    ``widget`` is the one :class:`AnswerBoxWidget` that the notebook shows.
    """

    def __init__(self, reference, variables: Sequence[str] = ("x",), prompt: str = "", placeholder: str = "",
                 checker: Callable[[str], Verdict] | None = None, solution: str = ""):
        self.variables = tuple(variables)
        if checker is None:
            self.reference = parse_answer(reference, self.variables) if isinstance(reference, str) else reference
            checker = lambda text: check_answer(text, self.reference, self.variables)  # noqa: E731
        else:
            self.reference = reference
        self._checker = checker
        self.verdict: Verdict | None = None
        self.widget = AnswerBoxWidget(prompt=prompt, solution=solution,
                                      placeholder=placeholder or "在这里输入答案，例如 2*x*cos(x^2)")
        self.widget.on_msg(self._on_page_message)

    def _on_page_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "check" and isinstance(content.get("value"), str):
            self.check(content["value"])

    def check(self, answer: str | None = None) -> Verdict:
        """Check ``answer`` (it becomes the box's text) or else the box's text; show and return the
        verdict. Never raises."""
        text = self.widget.value if answer is None else answer if isinstance(answer, str) else str(answer)
        try:
            verdict = self._checker(text)
        except Exception as exc:  # the box must never show a traceback to a student
            verdict = Verdict(False, f"无法检查这个答案（cannot check: {type(exc).__name__}）")
        self.verdict = verdict
        mark = "✔" if verdict.correct else "✘"
        with self.widget.hold_sync():
            self.widget.value = text
            self.widget.correct = bool(verdict.correct)
            self.widget.feedback = f"{mark} {verdict.message}"
            self.widget.checks += 1
        return verdict

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data)
        data["text/plain"] = "答案框（answer box）"
        return (data, metadata) if metadata else data


def answer_box(reference, variables: Sequence[str] = ("x",), prompt: str = "", placeholder: str = "") -> AnswerBox:
    """Return an answer box checking a typed answer against ``reference`` (text or sympy)."""
    return AnswerBox(reference, variables, prompt, placeholder)


def exercise_box(key: str) -> AnswerBox:
    """Return the answer box of exercise ``key`` of :mod:`widgets.exercises.bank`, e.g. ``exercise_box("5.9/5.6a")``."""
    from widgets.exercises.bank import get

    exercise = get(key)
    solution = f"<b>解答（solution）</b><br>{_markdown_math(exercise.worked_solution)}"
    return AnswerBox(exercise.reference, (), exercise.prompt, exercise.placeholder or "在这里输入答案",
                     checker=exercise.check, solution=solution)


def _markdown_math(text: str) -> str:
    """Return markdown-with-LaTeX as HTML for the box's solution (backticks become <code>)."""
    parts = text.split("`")
    return "".join(html.escape(p, quote=False) if i % 2 == 0 else f"<code>{html.escape(p)}</code>"
                   for i, p in enumerate(parts)).replace("\n", "<br>")

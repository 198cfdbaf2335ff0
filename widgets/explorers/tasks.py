"""The 探索任务 panel under an explorer: a few tasks that ask the student to find something with the
explorer's controls, and notice when they have.

The tasks themselves (questions, hints, predicates, explanations) are data, in
:mod:`widgets.exercises.tasks`. The panel is four widgets whatever the number of tasks: a row of
toggle buttons 1 2 3 … (a done task is marked ✓), one typeset text (the question, the hint when asked
for, and 「✓ 完成！」 with one sentence of explanation once the explorer's state meets the task), and
a 「提示」 button. It checks the chosen task after every update of the explorer and at once when a
task is chosen.

Tasks are optional: ``show_tasks(False)`` leaves the panel out of every explorer made afterwards (a
classroom that only demonstrates), and ``explorer.hide_tasks()`` out of one.
"""

from __future__ import annotations

import html
import re
from typing import Sequence

import ipywidgets as W

from widgets.exercises.tasks import Task, is_done, tasks_for

#: Whether explorers made from now on show their tasks (see ``show_tasks``).
_SHOWN = {"tasks": True}
#: The colour of a met task (the answer boxes' green).
DONE_COLOUR = "#1B7F3B"


def show_tasks(shown: bool = True) -> None:
    """Show (True) or leave out (False) the 探索任务 panel of every explorer made from now on."""
    _SHOWN["tasks"] = bool(shown)


def tasks_shown() -> bool:
    """Whether explorers made now get a 探索任务 panel."""
    return _SHOWN["tasks"]


class TaskPanel:
    """The 探索任务 of one explorer: choose a task, read it, ask for the hint, see when it is done.

    ``done[k]`` stays True once task k has been met (its toggle then reads ✓). The panel reads the
    explorer only through ``state()`` and ``on_update``, and never raises.
    """

    def __init__(self, explorer, tasks: Sequence[Task]):
        self.explorer = explorer
        self.tasks = tuple(tasks)
        self.done = [False] * len(self.tasks)
        self.hint_shown = False
        self.met = False
        self._active = True
        self._relabelling = False
        self.toggles = W.ToggleButtons(options=self._options(), value=0, description="<b>探索任务</b>",
                                       description_allow_html=True, tooltips=[f"任务 {k + 1}" for k in range(len(self.tasks))],
                                       style={"button_width": "4em"})
        self.text = W.HTMLMath(layout=W.Layout(min_height="2.4em"))
        self.hint_button = W.Button(description="提示", tooltip="显示提示（hint）", icon="lightbulb-o",
                                    layout=W.Layout(width="auto", align_self="flex-start"))
        self.widget = W.VBox([self.toggles, self.text, self.hint_button],
                             layout=W.Layout(border_top="1px solid #d0d0d0", margin="8px 0 0 0", padding="6px 0 0 0"))
        self.widget.add_class("mml-tasks")
        self.toggles.observe(self._on_choose, names="value")
        self.hint_button.on_click(self._on_hint)
        explorer.on_update(self._on_update)
        self._render()

    # -- what is shown ----------------------------------------------------------------------------
    @property
    def task(self) -> Task:
        """The task chosen."""
        return self.tasks[self.toggles.value]

    def _options(self) -> list[tuple[str, int]]:
        return [(f"✓ {k + 1}" if done else f"{k + 1}", k) for k, done in enumerate(self.done)]

    def _render(self) -> None:
        task = self.task
        # The texts are LaTeX in plain text: escaped, the page's text is theirs exactly (a < stays a <).
        question, hint, explanation = (html.escape(t, quote=False) for t in (task.question, task.hint, task.explanation))
        parts = [f'<div class="mml-task-question">{question}</div>']
        if self.hint_shown:
            parts.append(f'<div class="mml-task-hint">提示：{hint}</div>')
        if self.met:
            parts.append(f'<div class="mml-task-done" style="color:{DONE_COLOUR}"><b>✓ 完成！</b> {explanation}</div>')
        elif self.done[self.toggles.value]:
            parts.append(f'<div class="mml-task-done" style="color:{DONE_COLOUR}">✓ 已完成过（done before）。 '
                         f'{explanation}</div>')
        value = "".join(parts)
        if self.text.value != value:   # every update checks; only a change is sent to the page
            self.text.value = value
        label = "隐藏提示" if self.hint_shown else "提示"
        if self.hint_button.description != label:
            self.hint_button.description = label

    # -- checking -----------------------------------------------------------------------------------
    def check(self) -> bool:
        """Check the chosen task against the explorer's state now; mark it done when met; return whether it is met."""
        if not self._active:
            return False
        try:
            state = self.explorer.state()
        except Exception:  # an explorer half-built or broken: the task is simply not met
            state = {}
        self.met = is_done(self.task, state)
        k = self.toggles.value
        if self.met and not self.done[k]:
            self.done[k] = True
            self._relabel()
        self._render()
        return self.met

    def _relabel(self) -> None:
        """Mark done tasks ✓ in the toggles, keeping the chosen one (new options would reset it)."""
        chosen = self.toggles.value
        self._relabelling = True
        try:
            with self.toggles.hold_sync():
                self.toggles.options = self._options()
                self.toggles.value = chosen
        finally:
            self._relabelling = False

    # -- handlers -------------------------------------------------------------------------------------
    def _on_update(self, explorer) -> None:
        try:
            self.check()
        except Exception:  # a task must never break its explorer
            self.met = False

    def _on_choose(self, change) -> None:
        if self._relabelling or change["new"] is None:
            return
        self.hint_shown = False
        self.check()

    def _on_hint(self, button=None) -> None:
        self.hint_shown = not self.hint_shown
        self._render()

    def choose(self, k: int) -> bool:
        """Choose task ``k`` (0-based), as a click on its toggle does; return whether it is met."""
        self.toggles.value = k
        return self.met

    @property
    def shown_text(self) -> str:
        """The panel's text as plain text (the question, the hint if shown, the verdict)."""
        return html.unescape(re.sub(r"<[^>]+>", " ", self.text.value))

    def close(self) -> None:
        """Stop checking and close the panel's widgets."""
        self._active = False
        for widget in (self.widget, self.toggles, self.text, self.hint_button):
            widget.close()


def attach_tasks(explorer) -> TaskPanel | None:
    """Give ``explorer`` its 探索任务 panel (shown under its status line), unless tasks are switched off or
    it has none; return the panel."""
    if not tasks_shown():
        return None
    tasks = next((tasks_for(cls.__name__) for cls in type(explorer).__mro__ if tasks_for(cls.__name__)), ())
    if not tasks:
        return None
    panel = TaskPanel(explorer, tasks)
    explorer.below.append(panel.widget)
    return panel

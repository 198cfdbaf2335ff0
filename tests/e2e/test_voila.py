"""Every chapter 5 notebook in Voilà (classroom mode) in Chromium: no code, no errors, one 探索任务 done by
keyboard, explorers live."""

from __future__ import annotations

import pytest

from . import harness
from .conftest import notebook_params, require
from .keyboard_tasks import complete_task_by_keyboard

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook", notebook_params())
def test_notebook_in_voila(notebook, voila_server, watched_page, canary):
    notebook = require(notebook)
    page = watched_page.page
    stored_widgets, stored_explorers = harness.stored_outputs(voila_server.root / "chapter5" / notebook.name)
    problems: list[str] = []
    explorers: list[dict] = []
    boxes: list[dict] = []
    task: dict = {}
    try:
        harness.open_in_voila(page, voila_server, f"chapter5/{notebook.name}", expected_widgets=stored_widgets)
        problems += harness.output_problems(page)
        problems += [f"code visible: {c}" for c in harness.voila_code_visible(page)]
        task, task_problems = complete_task_by_keyboard(page, notebook.stem)   # from the first picture
        problems += task_problems
        explorers, explorer_problems = harness.exercise_explorers(page, canary)
        problems += explorer_problems
        boxes, box_problems = harness.exercise_answer_boxes(
            page, harness.notebook_answers(voila_server.root / "chapter5" / notebook.name))
        problems += box_problems
        if len(explorers) < stored_explorers:
            problems.append(f"{len(explorers)} explorers on the page, but the notebook stores {stored_explorers}")
        problems += [p for p in harness.output_problems(page) if p not in problems]
    finally:
        report = {"notebook": notebook.name, "explorers": explorers, "answer_boxes": boxes, "task": task, "problems": problems,
                  "page_errors": watched_page.errors}
        harness.save_report(f"voila-{notebook.stem}", report)
        harness.save_screenshot(page, f"voila-{notebook.stem}", scroller="#rendered_cells")
        harness.leave_voila(page)
    problems += watched_page.errors
    assert not problems, "\n".join(problems)

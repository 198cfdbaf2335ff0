"""Every chapter 5 notebook in JupyterLab in Chromium: runs clean, one 探索任务 is done by keyboard, and every
explorer is live and safe."""

from __future__ import annotations

import pytest

from . import harness
from .conftest import notebook_params, require
from .keyboard_tasks import complete_task_by_keyboard

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook", notebook_params())
def test_notebook_in_jupyterlab(notebook, lab_server, watched_page, canary):
    notebook = require(notebook)
    page = watched_page.page
    stored_widgets, stored_explorers = harness.stored_outputs(lab_server.root / "chapter5" / notebook.name)
    problems: list[str] = []
    explorers: list[dict] = []
    boxes: list[dict] = []
    task: dict = {}
    try:
        harness.open_in_lab(page, lab_server, f"chapter5/{notebook.name}")
        completed = harness.run_all_in_lab(page)
        # Only this notebook's kernel runs: notebooks opened by earlier tests are not reopened.
        sessions = sorted(s["path"] for s in lab_server.api("GET", "api/sessions") or [])
        if sessions != [f"chapter5/{notebook.name}"]:
            problems.append(f"sessions on the server: {sessions}")
        harness.wait_outputs_settled(page, stored_widgets if completed else 0)
        problems += harness.output_problems(page)
        if not completed:
            problems.append("run all cells stopped before the last cell")
        widgets = harness.widget_outputs(page)
        if widgets < stored_widgets:
            problems.append(f"{widgets} live widget outputs, but the notebook stores {stored_widgets}")
        task, task_problems = complete_task_by_keyboard(page, notebook.stem)   # from the first picture
        problems += task_problems
        explorers, explorer_problems = harness.exercise_explorers(page, canary)
        problems += explorer_problems
        boxes, box_problems = harness.exercise_answer_boxes(
            page, harness.notebook_answers(lab_server.root / "chapter5" / notebook.name))
        problems += box_problems
        if len(explorers) < stored_explorers:
            problems.append(f"{len(explorers)} explorers on the page, but the notebook stores {stored_explorers}")
        problems += [p for p in harness.output_problems(page) if p not in problems]
        problems += [f"log console (output from a widget callback): {m}" for m in harness.lab_log_messages(page)]
    finally:
        report = {"notebook": notebook.name, "explorers": explorers, "answer_boxes": boxes, "task": task, "problems": problems,
                  "page_errors": watched_page.errors}
        harness.save_report(f"jupyterlab-{notebook.stem}", report)
        harness.save_screenshot(page, f"jupyterlab-{notebook.stem}", scroller=".jp-WindowedPanel-outer")
        harness.shutdown_lab_kernels(lab_server)
    problems += watched_page.errors
    assert not problems, "\n".join(problems)

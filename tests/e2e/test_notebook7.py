"""Every chapter 5 notebook in Notebook 7 (``jupyter notebook``) in Chromium: it runs clean, every
explorer's canvas is drawn and answers its sliders, and the answer boxes check answers.

The JupyterLab test (test_jupyterlab.py) also types formulas, hostile ones included, into every box;
Notebook 7 is built from JupyterLab's own parts, so here the page itself is what is checked.

Notebook 7.6 raises page errors of its own on every page, an empty notebook's and the file
browser's too (a settings plugin reads ``schema`` of undefined); the errors a page raises with no
notebook content are measured first, and only errors beyond those count.
"""

from __future__ import annotations

import json

import pytest

from . import harness
from .conftest import notebook_params, require

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def errors_of_an_empty_page(notebook_server, browser) -> list[str]:
    """The page errors Notebook 7 raises for a notebook with one markdown cell (none of the package's)."""
    (notebook_server.root / "empty.ipynb").write_text(json.dumps({
        "cells": [{"cell_type": "markdown", "id": "only", "metadata": {}, "source": "empty"}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    watch = harness.PageWatch(browser)
    try:
        harness.open_in_lab(watch.page, notebook_server, "empty.ipynb", notebook7=True)
        watch.page.wait_for_timeout(2000)
        return list(watch.errors)
    finally:
        watch.close()
        harness.shutdown_lab_kernels(notebook_server)


@pytest.mark.parametrize("notebook", notebook_params())
def test_notebook_in_notebook7(notebook, notebook_server, watched_page, errors_of_an_empty_page):
    notebook = require(notebook)
    page = watched_page.page
    stored_widgets, stored_explorers = harness.stored_outputs(notebook_server.root / "chapter5" / notebook.name)
    problems: list[str] = []
    explorers: list[dict] = []
    boxes: list[dict] = []
    try:
        harness.open_in_lab(page, notebook_server, f"chapter5/{notebook.name}", notebook7=True)
        completed = harness.run_all_in_lab(page)
        harness.wait_outputs_settled(page, stored_widgets if completed else 0)
        problems += harness.output_problems(page)
        if not completed:
            problems.append("run all cells stopped before the last cell")
        widgets = harness.widget_outputs(page)
        if widgets < stored_widgets:
            problems.append(f"{widgets} live widget outputs, but the notebook stores {stored_widgets}")
        explorers = harness.find_explorers(page)
        if len(explorers) < stored_explorers:
            problems.append(f"{len(explorers)} explorers on the page, but the notebook stores {stored_explorers}")
        for explorer in explorers:
            problems += harness.check_canvases(page, explorer["index"])
            explorer["moved"], slider_problems = harness.exercise_sliders(page, explorer["index"], explorer["sliders"])
            problems += slider_problems
        boxes, box_problems = harness.exercise_answer_boxes(
            page, harness.notebook_answers(notebook_server.root / "chapter5" / notebook.name))
        problems += box_problems
        problems += [p for p in harness.output_problems(page) if p not in problems]
    finally:
        report = {"notebook": notebook.name, "explorers": explorers, "answer_boxes": boxes, "problems": problems,
                  "page_errors": watched_page.errors}
        harness.save_report(f"notebook7-{notebook.stem}", report)
        harness.save_screenshot(page, f"notebook7-{notebook.stem}")
        harness.shutdown_lab_kernels(notebook_server)
    problems += [error for error in watched_page.errors if error not in errors_of_an_empty_page]
    assert not problems, "\n".join(problems)

"""One 探索任务 per notebook, completed in the browser by keyboard alone, from the explorer's first picture.

Each notebook names an explorer (its place on the page), a task (0-based, as numbered 1 2 3 … on the
page) and the keys that solve it: key presses on a slider found by its label, or a formula typed into a
text box. The task is chosen by focusing its toggle and pressing Enter; before the keys the panel must
not say 「✓ 完成！」, after them it must.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import harness


@dataclass(frozen=True)
class Keys:
    """Press ``key`` ``times`` on the slider labelled ``slider``, or type ``text`` into text box ``box``."""

    slider: str = ""
    key: str = ""
    times: int = 1
    box: int = -1
    text: str = ""


@dataclass(frozen=True)
class KeyboardTask:
    explorer: int   #: index of the explorer on the page (in page order)
    task: int       #: 0-based index of the task in the panel
    keys: tuple[Keys, ...]
    note: str = ""


#: Notebook stem -> the task done by keyboard there (notebooks without explorers have none).
#: PageUp/PageDown move a slider by five steps.
KEYBOARD_TASKS: dict[str, KeyboardTask] = {
    "5.1-univariate-differentiation": KeyboardTask(
        1, 1, (Keys("h", "PageDown", 4),), "difference error: h from 1e-3 to 1e-5, the central quotient's best step"),
    "5.2-partial-derivatives-and-gradients": KeyboardTask(
        0, 2, (Keys(box=2, text="-sin(t)^2/2"),), "chain rule: a path along a level curve of x1^2 + 2 x2"),
    "5.3-gradients-of-vector-valued-functions": KeyboardTask(
        1, 2, (Keys(box=2, text="0"),), "chain rule of Example 5.10: the path x2 = 0 keeps exp(x1 x2^2) = 1"),
    "5.4-gradients-of-matrices": KeyboardTask(
        0, 2, (Keys("M", "ArrowLeft"), Keys("N", "ArrowRight")), "Example 5.13 with M = 2, N = 3: a 9 x 6 Jacobian"),
    "5.5-gradient-identities": KeyboardTask(
        0, 0, (Keys("步长 h", "ArrowRight", 2),), "(5.103): h from 1e-6 to 1e-5, relative error below 1e-10"),
    "5.6-backpropagation-and-autodiff": KeyboardTask(
        0, 0, (Keys("step", "ArrowLeft"),), "one step back in the backward pass: node a, the largest adjoint"),
    "5.7-higher-order-derivatives": KeyboardTask(
        0, 1, (Keys("x", "PageUp", 10), Keys("y", "PageDown", 4)), "two wells: from (0.5, 1.2) to the minimum (1, 1)"),
    "5.8-linearization-and-multivariate-taylor": KeyboardTask(
        0, 0, (Keys("order k", "ArrowRight"),), "Example 5.15: order 3 is exact"),
}

PANEL_TEXT = """([i]) => { const p = window.__e2e.root(i).querySelector('.mml-tasks');
    return p ? p.textContent : null; }"""
DONE = """([i]) => { const p = window.__e2e.root(i).querySelector('.mml-tasks');
    return !!p && p.textContent.includes('✓ 完成！'); }"""


def _slider_handle(page, index: int, label: str):
    """The handle of the slider labelled ``label`` in explorer ``index``."""
    labels = page.evaluate("""([i]) => Array.from(window.__e2e.root(i).querySelectorAll('.widget-slider'))
        .map(el => ((el.querySelector('.widget-label') || {}).textContent || '').trim())""", [index])
    if label not in labels:
        raise LookupError(f"explorer {index} has no slider labelled {label!r} (sliders: {labels})")
    return harness.explorer_root(page, index).locator(".widget-slider").nth(labels.index(label)).locator(".noUi-handle")


def _press(page, index: int, keys: Keys) -> None:
    if keys.text:
        box = harness.explorer_root(page, index).locator(".widget-text input[type=text]").nth(keys.box)
        box.scroll_into_view_if_needed()
        box.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(keys.text)
        page.keyboard.press("Enter")
        return
    handle = _slider_handle(page, index, keys.slider)
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(keys.times):
        page.keyboard.press(keys.key)


def complete_task_by_keyboard(page, notebook_stem: str) -> tuple[dict, list[str]]:
    """Do the notebook's keyboard task (if it has one); return (what happened, problems)."""
    spec = KEYBOARD_TASKS.get(notebook_stem)
    if spec is None:
        return {}, []
    explorers = harness.find_explorers(page)
    if spec.explorer >= len(explorers):
        return {}, [f"task by keyboard: no explorer {spec.explorer} on the page ({len(explorers)} found)"]
    i = spec.explorer
    report = {"explorer": i, "task": spec.task + 1, "note": spec.note}
    problems: list[str] = []
    if page.evaluate(PANEL_TEXT, [i]) is None:
        return report, [f"explorer {i}: no 探索任务 panel"]
    toggle = harness.explorer_root(page, i).locator(".mml-tasks .widget-toggle-button").nth(spec.task)
    toggle.scroll_into_view_if_needed()
    toggle.focus()
    page.keyboard.press("Enter")
    if not harness.wait_for(page, """([i, k]) => { const b = window.__e2e.root(i)
            .querySelectorAll('.mml-tasks .widget-toggle-button')[k]; return b && b.classList.contains('mod-active'); }""",
                            [i, spec.task], 10.0):
        problems.append(f"explorer {i}: Enter on toggle {spec.task + 1} did not choose task {spec.task + 1}")
    harness.wait_picture_still(page, i)
    before = page.evaluate(PANEL_TEXT, [i]) or ""
    report["before"] = before
    if "✓ 完成！" in before:
        problems.append(f"explorer {i}: task {spec.task + 1} reads done before any key was pressed: {before!r}")
    for keys in spec.keys:
        _press(page, i, keys)
    # The state the keys lead to must meet the task, not one passed on the way: wait until the picture has
    # settled, then the verdict must be there and stay.
    harness.wait_picture_still(page, i, quiet_ms=1500, timeout=60.0)
    done = harness.wait_for(page, DONE, [i], 15.0, polling=100)
    page.wait_for_timeout(1500)
    done = done and page.evaluate(DONE, [i])
    report["after"] = page.evaluate(PANEL_TEXT, [i])
    if not done:
        problems.append(f"explorer {i}: task {spec.task + 1} ({spec.note}) not done after the keys: "
                        f"{report['after']!r}; message: {harness.explorer_message(page, i)!r}")
    return report, problems

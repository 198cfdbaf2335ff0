"""The answer box's view (widgets/exercises/answer_box.js) in Chromium, without a server: the ES module is loaded
into a blank page and rendered with a stand-in for the widget model, as anywidget renders it.

Checks what the student sees and does: labels and placeholder not cut off (wide and narrow pages),
Enter and 检查 (Check) send the text, Enter while an input method is composing does not, the verdict
line follows the kernel's traits, the solution toggle, and math typeset through the widget manager's
typesetter (the solution only once shown)."""

from __future__ import annotations

import pytest

from widgets.exercises import AnswerBoxWidget

pytestmark = pytest.mark.browser

LONG_PLACEHOLDER = "例如 2 xᵀ A、diag(cos(A x + b)) A、inv(S)、tr(X)；转置写 ᵀ 或 .T"

#: A widget model as anywidget hands it to render(): get/set/save_changes/send/on/off/widget_manager.
#: The widget manager's rendermime typesetter marks the nodes it is given.
SETUP = r"""
async ([esm, css, state, width, typesetter]) => {
  document.body.innerHTML = `<div id="host" style="width:${width}px; font: 13px sans-serif"></div>`;
  const style = document.createElement('style'); style.textContent = css; document.head.append(style);
  const handlers = {};
  const model = {
    state: {...state}, sent: [], saved: 0, typeset: [],
    get(name) { return this.state[name]; },
    set(name, value) { const old = this.state[name]; this.state[name] = value;
                       if (old !== value) (handlers['change:' + name] || []).forEach(f => f()); },
    save_changes() { this.saved++; },
    send(message) { this.sent.push(message); },
    on(event, f) { (handlers[event] = handlers[event] || []).push(f); },
    off(event, f) { handlers[event] = (handlers[event] || []).filter(g => g !== f); },
    widget_manager: typesetter ? {_rendermime: {latexTypesetter: {typeset: node => { model.typeset.push(node.className); }}}}
                               : {},
  };
  window.model = model;
  const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
  const module = await import(url);
  const el = document.createElement('div');
  document.getElementById('host').append(el);
  window.cleanup = await module.default.render({model, el});
}
"""


def state(**overrides) -> dict:
    base = {"prompt": r"$\mathrm dg/\mathrm d\boldsymbol X =$", "placeholder": LONG_PLACEHOLDER, "value": "",
            "feedback": "", "correct": None, "checks": 0, "solution": "<b>解答（solution）</b><br>$$x^2$$",
            "show_solution": False}
    return {**base, **overrides}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def show(page, width=900, typesetter=True, **overrides):
    widget = AnswerBoxWidget  # the module and style the kernel sends
    page.evaluate(SETUP, [str(widget._esm), str(widget._css), state(**overrides), width, typesetter])
    page.wait_for_timeout(150)


def cut_off(page) -> list[str]:
    """Controls whose text does not fit: buttons narrower than their label, a field narrower than its
    placeholder, anything wider than the page."""
    return page.evaluate("""() => {
        const host = document.getElementById('host').getBoundingClientRect();
        const found = [];
        for (const b of document.querySelectorAll('.mml-answer-box button:not([hidden])')) {
          if (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1) found.push('button ' + b.textContent);
          if (b.getBoundingClientRect().right > host.right + 1) found.push('button past the page: ' + b.textContent);
        }
        const input = document.querySelector('.mml-ab-input');
        const probe = document.createElement('span');
        probe.style.cssText = 'position:absolute; visibility:hidden; white-space:pre; font:' + getComputedStyle(input).font;
        probe.textContent = input.placeholder; document.body.append(probe);
        const needed = probe.getBoundingClientRect().width, style = getComputedStyle(input);
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const lines = Math.round((input.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom))
                                 / parseFloat(style.lineHeight));
        probe.remove();
        if (needed > room * lines + 1) found.push(`placeholder needs ${needed}px, the field has ${lines} line(s) of ${room}px`);
        if (input.getBoundingClientRect().right > host.right + 1) found.push('field past the page');
        return found; }""")


@pytest.mark.parametrize("width", [900, 300])
def test_nothing_is_cut_off_on_wide_and_narrow_pages(page, width):
    show(page, width)
    assert cut_off(page) == []
    page.click(".mml-ab-reveal")
    assert cut_off(page) == []  # 隐藏解答 (Hide solution)


def test_enter_and_the_check_button_send_the_text_but_not_an_input_method_enter(page):
    show(page)
    page.fill(".mml-ab-input", "2 xᵀ A")
    page.press(".mml-ab-input", "Enter")
    page.click(".mml-ab-check")
    sent = page.evaluate("() => model.sent")
    assert sent == [{"event": "check", "value": "2 xᵀ A"}] * 2
    assert page.evaluate("() => [model.get('value'), model.saved]") == ["2 xᵀ A", 2]
    assert page.input_value(".mml-ab-input") == "2 xᵀ A"  # no new line
    page.evaluate("""() => document.querySelector('.mml-ab-input').dispatchEvent(
        new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true}))""")
    assert len(page.evaluate("() => model.sent")) == 2


def test_the_verdict_line_follows_the_kernel(page):
    show(page)
    line = page.locator(".mml-ab-feedback")
    assert line.is_hidden()
    page.evaluate("() => { model.set('correct', false); model.set('feedback', '✘ 差一个负号（sign error）'); "
                  "model.set('checks', 1); }")
    assert line.inner_text() == "✘ 差一个负号（sign error）" and "mml-ab-wrong" in line.get_attribute("class")
    assert line.evaluate("el => getComputedStyle(el).color") == "rgb(176, 0, 32)"
    page.evaluate("() => { model.set('correct', true); model.set('feedback', '✔ 正确！（correct）'); }")
    assert "mml-ab-correct" in line.get_attribute("class") and "mml-ab-wrong" not in line.get_attribute("class")
    assert line.evaluate("el => getComputedStyle(el).color") == "rgb(27, 127, 59)"
    page.evaluate("() => model.set('value', '(B A)ᵀ')")  # set from Python: the field shows it
    assert page.input_value(".mml-ab-input") == "(B A)ᵀ"


def test_the_solution_toggle_and_the_math(page):
    show(page)
    solution, reveal = page.locator(".mml-ab-solution"), page.locator(".mml-ab-reveal")
    assert solution.is_hidden() and reveal.inner_text() == "显示解答 (Show solution)"
    assert page.evaluate("() => model.typeset") == ["mml-ab-prompt"]  # the solution waits until shown
    reveal.click()
    assert page.evaluate("() => model.get('show_solution')") is True
    assert solution.is_visible() and reveal.inner_text() == "隐藏解答 (Hide solution)"
    assert reveal.get_attribute("aria-expanded") == "true"
    page.wait_for_timeout(100)
    assert page.evaluate("() => model.typeset") == ["mml-ab-prompt", "mml-ab-solution"]
    reveal.click()
    assert solution.is_hidden() and page.evaluate("() => model.get('show_solution')") is False
    reveal.click()
    page.wait_for_timeout(100)
    assert page.evaluate("() => model.typeset.length") == 2  # typeset once


def test_without_a_typesetter_the_latex_stays_readable_and_without_a_solution_no_toggle(page):
    show(page, typesetter=False, solution="")
    prompt = page.locator(".mml-ab-prompt")
    assert prompt.inner_text() == r"$\mathrm dg/\mathrm d\boldsymbol X =$"
    assert prompt.get_attribute("data-math") == "text"
    assert page.locator(".mml-ab-reveal").is_hidden() and page.locator(".mml-ab-solution").is_hidden()


def test_the_view_is_removed_cleanly(page):
    show(page)
    page.evaluate("() => window.cleanup()")
    page.evaluate("() => model.set('feedback', '✔ 正确！（correct）')")  # no longer listened to
    assert page.locator(".mml-ab-feedback").inner_text() == ""

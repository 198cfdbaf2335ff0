"""The answer box widget: how many widget models a box costs, and what it does with the messages its page
sends (a check, the solution toggle), seen from the kernel's side. The view itself is tested in a
browser by tests/e2e/test_answer_box_view.py."""

import pathlib
import re

import pytest
from ipywidgets.widgets.widget import _instances as open_widgets

from widgets.exercises import bank as eb
from widgets.exercises.answers import Verdict
from widgets.exercises import AnswerBox, AnswerBoxWidget, answer_box, exercise_box

#: At most this many widget models per answer box (a page of them must load quickly and completely).
MAX_MODELS_PER_BOX = 8


def _models_created_by(make):
    before = set(open_widgets)
    result = make()
    return result, [open_widgets[k] for k in set(open_widgets) - before]


@pytest.mark.parametrize("make", [lambda: exercise_box("5.9/5.6b"), lambda: answer_box("2*x*cos(x^2)")],
                         ids=["exercise_box", "answer_box"])
def test_one_answer_box_creates_at_most_eight_widget_models(make):
    """Before the box was one widget, an exercise box created 22 models (HTMLMath prompt, Text,
    Button, HTML verdict, HTMLMath solution, ToggleButton, HBox, VBox, and their Layout and Style
    models) and an answer box without a solution 19."""
    box, created = _models_created_by(make)
    assert 1 <= len(created) <= MAX_MODELS_PER_BOX, sorted(type(w).__name__ for w in created)
    assert box.widget in created


def test_the_boxes_of_notebook_5_9_stay_within_eight_models_each():
    """5.9 shows 29 boxes; they created 638 models before (22 each)."""
    keys = [e.key for e in eb.for_notebook("5.9")]
    assert len(keys) >= 29
    boxes, created = _models_created_by(lambda: [exercise_box(k) for k in keys])
    assert len(created) <= MAX_MODELS_PER_BOX * len(boxes)


class Page:
    """What the page of one box sends and receives (the kernel side of the widget's comm)."""

    def __init__(self, widget):
        self.widget = widget
        self.received: list[dict] = []
        send = widget.comm.send

        def record(data=None, metadata=None, buffers=None):
            self.received.append(data)
            return send(data=data, metadata=metadata, buffers=buffers)

        widget.comm.send = record

    def check(self, text):
        """The student types ``text`` and presses Enter or 检查 (Check): the page sets the value, then asks."""
        self.widget._handle_msg({"content": {"data": {"method": "update", "state": {"value": text},
                                                      "buffer_paths": []}}, "buffers": []})
        self.widget._handle_msg({"content": {"data": {"method": "custom",
                                                      "content": {"event": "check", "value": text}}},
                                 "buffers": []})

    def toggle_solution(self, show):
        self.widget._handle_msg({"content": {"data": {"method": "update", "state": {"show_solution": show},
                                                      "buffer_paths": []}}, "buffers": []})

    def updates(self):
        return [m["state"] for m in self.received if m.get("method") == "update"]


def test_a_check_from_the_page_shows_the_verdict_in_one_update():
    box = exercise_box("5.9/5.6b")
    page = Page(box.widget)
    page.check("B A")
    assert box.verdict == eb.get("5.9/5.6b").check("B A") and not box.verdict.correct
    verdict_updates = [u for u in page.updates() if "feedback" in u]
    assert len(verdict_updates) == 1, page.updates()  # one message: the line never shows half a verdict
    state = verdict_updates[0]
    assert state["correct"] is False and state["feedback"] == f"✘ {box.verdict.message}" and state["checks"] == 1
    page.check("(B A)ᵀ")
    assert box.verdict.correct and box.widget.feedback.startswith("✔") and box.widget.correct is True
    page.check("(B A)ᵀ")  # the same answer again is checked again (the page flashes the line)
    assert box.widget.checks == 3
    assert box.widget.value == "(B A)ᵀ"


def test_the_solution_is_sent_but_shown_only_when_asked():
    exercise = eb.get("5.9/5.6b")
    box = exercise_box("5.9/5.6b")
    page = Page(box.widget)
    assert exercise.answer_latex in box.widget.solution and box.widget.solution.startswith("<b>解答")
    assert not box.widget.show_solution
    page.toggle_solution(True)
    assert box.widget.show_solution
    page.toggle_solution(False)
    assert not box.widget.show_solution
    assert box.verdict is None and box.widget.feedback == "" and box.widget.correct is None  # nothing checked
    assert answer_box("2*x").widget.solution == ""  # no solution, no 显示解答 button


@pytest.mark.parametrize("content", [None, "check", {"event": "check"}, {"event": "check", "value": 3},
                                     {"event": "other", "value": "x"}, {"value": "2*x"}])
def test_other_page_messages_are_ignored(content):
    box = answer_box("2*x")
    box.widget._handle_custom_msg(content, [])
    assert box.verdict is None and box.widget.checks == 0


def test_a_checker_that_raises_gives_a_short_message():
    def broken(text):
        raise ZeroDivisionError("boom")

    box = AnswerBox(None, (), checker=broken)
    Page(box.widget).check("1/0")
    assert box.verdict == Verdict(False, "无法检查这个答案（cannot check: ZeroDivisionError）")
    assert box.widget.feedback == "✘ 无法检查这个答案（cannot check: ZeroDivisionError）"


def test_check_from_python_sets_the_text_and_checks_it():
    box = answer_box("2*x")
    assert box.check("2 x").correct and box.widget.value == "2 x"
    assert box.check().correct and box.check(None).correct  # the box's own text, again
    assert box.widget.checks == 3
    assert not box.check(2).correct and box.widget.value == "2"  # never raises, even for a number


def test_the_box_displays_as_one_widget_with_a_plain_text_name():
    box = exercise_box("5.9/5.1")
    bundle = box._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == "答案框（answer box）"
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == box.widget.model_id


def test_the_view_ships_in_the_package_and_is_what_the_widget_sends():
    folder = pathlib.Path(AnswerBoxWidget.__module__.replace(".", "/")).parent
    js = pathlib.Path(__file__).resolve().parents[1] / folder / "answer_box.js"
    css = js.with_suffix(".css")
    widget = answer_box("x").widget
    assert widget._esm == js.read_text(encoding="utf-8") and "export default" in widget._esm
    assert widget._css == css.read_text(encoding="utf-8")
    for label in ("检查 (Check)", "显示解答 (Show solution)", "隐藏解答 (Hide solution)"):
        assert label in widget._esm
    fixed = re.findall(r"(?<![-\w])(?:width|max-width)\s*:\s*\d+(?:\.\d+)?(?:px|em|rem|ch)", css.read_text())
    assert not fixed, f"a fixed width cuts labels or placeholders off: {fixed}"

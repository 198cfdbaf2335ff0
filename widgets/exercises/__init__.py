"""The exercise layer: answer boxes, the exercise bank and labelled results of the notebooks.

May import ``widgets.math``, ipywidgets, anywidget and IPython; never ``widgets.plotting`` or
``widgets.explorers``.

* ``boxes``: ``answer_box`` and ``exercise_box`` (one anywidget each, ``answer_box.js``/``.css``);
* ``bank``: the exercises of every section with their references and worked solutions;
* ``answers``: parsing and checking of typed answers (formulas, matrices of entries, shapes);
* ``labelled``: ``show``, ``zero`` and ``check``, results that say what they are.
* ``tasks``: the 探索任务 of every explorer (questions, hints, predicates over its state, explanations).
"""

from widgets.exercises.answers import check_answer, check_matrix_answer
from widgets.exercises.boxes import AnswerBox, AnswerBoxWidget, answer_box, exercise_box
from widgets.exercises.labelled import check, show, zero

__all__ = [
    "AnswerBox",
    "AnswerBoxWidget",
    "answer_box",
    "check",
    "check_answer",
    "check_matrix_answer",
    "exercise_box",
    "show",
    "zero",
]

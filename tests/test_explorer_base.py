"""The Explorer base: nothing escapes a control change, and close() gives everything back."""

from __future__ import annotations

import gc
import weakref

import matplotlib.pyplot as plt
import pytest
from ipywidgets.widgets.widget import _instances as open_widgets

from widgets.explorers import gradient_explorer, hessian_explorer, secant_explorer, taylor_explorer
from widgets.explorers import gradients as gradient_module
from widgets.explorers import univariate as univariate_module


@pytest.mark.parametrize("make", [secant_explorer, gradient_explorer, hessian_explorer])
def test_close_releases_the_figure_and_the_widgets(make):
    explorer = make()
    figure = weakref.ref(explorer.figure)
    explorer.widget  # noqa: B018 (built, as when displayed)
    models = {explorer.figure.canvas.model_id, explorer.status.model_id,
              *(c.model_id for c in explorer.controls.values())}
    explorer.close()
    del explorer
    for _ in range(3):  # a finalizer can hold the last reference until the next collection
        gc.collect()
    assert figure() is None, "a closed explorer's figure is still alive"
    assert models.isdisjoint(open_widgets), "a closed explorer left widgets in the registry"


def test_an_error_while_drawing_is_reported_not_raised(monkeypatch):
    explorer = secant_explorer()
    try:
        def broken_repaint():
            raise ValueError("arange: cannot compute length")
        monkeypatch.setattr(explorer, "_repaint", broken_repaint)
        explorer.controls["h"].value = 0.3  # must not raise
        assert "ValueError" in explorer.message
        assert "arange" in explorer.last_error
        monkeypatch.undo()
        explorer.last_error = None
        explorer.controls["h"].value = 0.4
        assert explorer.message == "" and explorer.last_error is None
    finally:
        explorer.close()


@pytest.mark.parametrize("make, module", [(taylor_explorer, univariate_module), (gradient_explorer, gradient_module)])
def test_an_error_in_a_formula_handler_is_reported_not_raised(make, module, monkeypatch):
    explorer = make()
    try:
        def broken_parser(*args, **kwargs):
            raise RuntimeError("parser bug")
        monkeypatch.setattr(module, "parse_expression", broken_parser)
        explorer.controls["formula"].value = "x^2"  # must not raise
        assert "RuntimeError" in explorer.message
        assert "parser bug" in explorer.last_error
        assert len(plt.get_fignums()) >= 1
    finally:
        explorer.close()

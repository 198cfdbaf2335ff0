"""The parts every explorer shares, tested once on a small explorer written the documented way
(docs/adding-an-explorer.md): presets, the formula box, 「自定义」, moving sliders, quiet changes,
blit order, reset and state()."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from widgets.explorers.base import CUSTOM, Explorer, ExplorerMessage, Preset, as_expression, draw_order

X = sp.Symbol("x", real=True)

PRESETS = {
    "square": Preset("x²", "x^2", values={"a": 1.0}, ranges={"a": (-2.0, 2.0)}, view={"ylim": (-1.0, 5.0)}),
    "wide": Preset("sin x", "sin(x)", values={"a": 7.5}, ranges={"a": (5.0, 10.0)}, view={"ylim": (-2.0, 2.0)}),
}


class ShiftExplorer(Explorer):
    """y = f(x - a): a curve and a point that moves with the slider a."""

    def __init__(self, f=None, preset: str = "square", a: float | None = None):
        super().__init__(figsize=(4.0, 3.0))
        expression = self.add_function(("x",), f, presets=PRESETS, preset=preset)
        first = PRESETS[preset]
        self.slider("a", first.values["a"] if a is None else a, *first.ranges["a"])
        self.x = np.linspace(-3.0, 3.0, 50)
        self.curve, = self.axes.plot(self.x, self.x * 0)
        self.point, = self.axes.plot([0.0], [0.0], "o", zorder=5)
        self.set_function(expression, None if f is not None else first)
        self.calls = {"update": 0, "set_function": 0}
        self.blit_artists = [self.point, self.curve]
        self._connect()

    def set_function(self, expression, preset) -> None:
        f = sp.lambdify(X, expression, "numpy")
        if not np.all(np.isfinite(np.broadcast_to(f(self.x), self.x.shape))):
            raise ExplorerMessage("f 在视图内没有定义（f is undefined in the view）")
        self.f = f
        self.axes.set_ylim(*(preset.view["ylim"] if preset else (-5.0, 5.0)))
        if hasattr(self, "calls"):
            self.calls["set_function"] += 1

    def update(self) -> None:
        a = float(self.controls["a"].value)
        self.curve.set_ydata(np.broadcast_to(self.f(self.x - a), self.x.shape))
        self.point.set_data([a], [float(self.f(0.0))])
        self.values = {"f0": float(self.f(0.0))}
        self.calls["update"] += 1


@pytest.fixture
def explorer(no_figure_leak):
    made = ShiftExplorer()
    yield made
    made.close()


def test_the_first_preset_sets_menu_formula_box_and_slider(explorer):
    assert explorer.controls["function"].value == "square"
    assert explorer.controls["formula"].value == ""
    assert explorer.expression == X ** 2
    assert (explorer.controls["a"].min, explorer.controls["a"].max, explorer.controls["a"].value) == (-2.0, 2.0, 1.0)


def test_choosing_a_preset_moves_the_slider_and_its_range_without_clamping(explorer):
    explorer.controls["function"].value = "wide"    # a = 7.5 lies outside the old range (-2, 2)
    a = explorer.controls["a"]
    assert (a.min, a.max, a.value) == (5.0, 10.0, 7.5)
    assert explorer.expression == sp.sin(X)
    assert explorer.axes.get_ylim() == (-2.0, 2.0)
    assert explorer.message == ""


def test_a_typed_formula_switches_the_menu_to_custom(explorer):
    explorer.controls["formula"].value = "x^3 - 2x"
    menu = explorer.controls["function"]
    assert menu.value == CUSTOM and menu.label.startswith("自定义")
    assert explorer.preset is None
    assert explorer.expression == X ** 3 - 2 * X
    assert explorer.values["f0"] == 0.0
    explorer.controls["function"].value = "square"   # a preset again: the box is emptied
    assert explorer.controls["formula"].value == "" and explorer.expression == X ** 2


def test_a_refused_formula_keeps_the_picture_and_the_menu(explorer):
    before = explorer.curve.get_ydata().copy()
    explorer.controls["formula"].value = "log(x - 10)"      # undefined everywhere in the view
    assert "没有定义" in explorer.message
    assert explorer.controls["function"].value == "square" and explorer.expression == X ** 2
    np.testing.assert_array_equal(explorer.curve.get_ydata(), before)
    explorer.controls["formula"].value = "x +* 2"         # not a formula
    assert explorer.message and explorer.controls["function"].value == "square"


def test_a_preset_change_redraws_once(explorer):
    updates = explorer.calls["update"]
    explorer.controls["function"].value = "wide"
    assert explorer.calls["update"] == updates + 1   # the slider moves inside quiet(): no update of its own


def test_quiet_changes_do_not_update_and_set_values_updates_once(explorer):
    updates = explorer.calls["update"]
    with explorer.quiet():
        explorer.controls["a"].value = 0.5
        explorer.controls["a"].value = -0.5
    assert explorer.calls["update"] == updates
    explorer.set_values(a=1.5)
    assert explorer.calls["update"] == updates + 1
    assert explorer.point.get_xdata()[0] == 1.5


def test_move_slider_sets_value_and_range_in_any_order(explorer):
    explorer.move_slider("a", 20.0, 15.0, 30.0)
    a = explorer.controls["a"]
    assert (a.min, a.max, a.value) == (15.0, 30.0, 20.0)
    explorer.move_slider("a", -20.0, -30.0, -15.0)
    assert (a.min, a.max, a.value) == (-30.0, -15.0, -20.0)


def test_blit_artists_are_kept_in_draw_order(explorer):
    # listed as (point, curve); the curve (zorder 2) is drawn before the point (zorder 5)
    assert explorer.blit_artists == [explorer.curve, explorer.point]
    assert draw_order([explorer.point, explorer.curve]) == [explorer.curve, explorer.point]


def test_reset_restores_function_preset_ranges_values_and_picture(explorer):
    explorer.canvas.request(full=True)
    first = explorer.canvas.pixels().copy()
    explorer.controls["function"].value = "wide"
    explorer.controls["formula"].value = "exp(x)"
    explorer.set_values(a=9.0)
    assert explorer.canvas.pixels().tobytes() != first.tobytes()
    explorer.reset_button.click()
    a = explorer.controls["a"]
    assert explorer.controls["function"].value == "square" and explorer.controls["formula"].value == ""
    assert explorer.expression == X ** 2
    assert (a.min, a.max, a.value) == (-2.0, 2.0, 1.0)
    explorer.canvas.request(full=True)
    np.testing.assert_array_equal(explorer.canvas.pixels(), first)


def test_reset_of_an_explorer_started_with_a_formula_returns_to_it(no_figure_leak):
    made = ShiftExplorer(f="x^3", a=0.5)
    try:
        assert made.controls["function"].value == CUSTOM and made.controls["formula"].value == "x^3"
        made.controls["function"].value = "wide"
        made.reset()
        assert made.expression == X ** 3 and made.controls["function"].value == CUSTOM
        assert made.controls["formula"].value == "x^3" and made.controls["a"].value == 0.5
    finally:
        made.close()


def test_a_bad_formula_given_in_code_raises_and_leaves_nothing_open(no_figure_leak):
    with pytest.raises(ValueError):
        ShiftExplorer(f="x +* 2")


def test_state_holds_controls_and_values(explorer):
    state = explorer.state()
    assert state["a"] == 1.0 and state["function"] == "square" and state["f0"] == 0.0


def test_callbacks_run_after_each_successful_update(explorer):
    seen = []
    explorer.on_update(lambda e: seen.append(e.controls["a"].value))
    explorer.set_values(a=0.25)
    explorer.controls["a"].value = 0.75
    assert seen == [0.25, 0.75]


def test_as_expression_renames_symbols_and_parses_text():
    t, u = sp.symbols("t u")
    assert as_expression(t ** 2, ("x",)) == X ** 2
    y = sp.Symbol("y", real=True)
    assert as_expression(u * t, ("x", "y")) == X * y      # sorted: t -> x, u -> y
    assert as_expression("x y^2", ("x", "y")) == X * y ** 2
    with pytest.raises(ValueError):
        as_expression(t * u, ("x",))


def test_a_first_function_the_explorer_refuses_raises_and_leaves_nothing_open(no_figure_leak):
    with pytest.raises(ValueError, match="没有定义"):   # set_function's message, raised from __init__
        ShiftExplorer(f="log(x - 10)")

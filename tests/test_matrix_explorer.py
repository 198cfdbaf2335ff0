"""The mosaic layout and heat-map helpers of section 5.4, and matrix_gradient_explorer driven through its
controls and through synthetic mouse clicks; plotted data checked against closed forms written here."""

import gc
import itertools
import weakref

import numpy as np
import pytest
from hypothesis import given, strategies as st
from matplotlib.backend_bases import MouseEvent

from explorer_inputs import live_figures
from pixels import assert_moves_repaint_like_full_redraws, full_redraw

from widgets import plotting as wp
from widgets.explorers import MatrixGradientExplorer, matrix_gradient_explorer
from widgets.explorers import canvas as transport
from widgets.math.matrices import tensor_case
from widgets.plotting.matrices import MosaicLayout, draw_fig_5_7, draw_jacobian, draw_tensor_mosaic


def dKdR(R):
    M, N = R.shape
    T = np.zeros((N, N, M, N))
    for p, q, i, j in itertools.product(range(N), range(N), range(M), range(N)):
        T[p, q, i, j] = (R[i, p] if q == j else 0.0) + (R[i, q] if p == j else 0.0)
    return T


def dfdA(x, M):
    T = np.zeros((M, M, len(x)))
    for i in range(M):
        T[i, i, :] = x
    return T


@pytest.fixture
def explorer():
    e = matrix_gradient_explorer()
    yield e
    e.close()


# -- the mosaic layout ------------------------------------------------------------------------------
def test_mosaic_places_slices_in_a_grid_with_gaps():
    layout = MosaicLayout((2, 2), (3, 2))                 # Example 5.13 with M = 3, N = 2
    assert layout.grid == (2, 2) and layout.block == (3, 2) and layout.size == (7, 5)
    T = np.arange(24.0).reshape(2, 2, 3, 2)
    data = layout.mosaic(T)
    np.testing.assert_array_equal(data[0:3, 0:2], T[0, 0])
    np.testing.assert_array_equal(data[0:3, 3:5], T[0, 1])
    np.testing.assert_array_equal(data[4:7, 0:2], T[1, 0])
    np.testing.assert_array_equal(data[4:7, 3:5], T[1, 1])
    assert np.all(np.isnan(data[3])) and np.all(np.isnan(data[:, 2]))
    assert layout.position((1, 0), (2, 1)) == (6, 1)
    assert layout.entry(3, 0) is None and layout.entry(0, 2) is None and layout.entry(9, 9) is None


def test_vectors_stack_down_as_outer_and_lie_along_as_inner():
    assert MosaicLayout((3,), (2, 2)).grid == (3, 1)         # f ∈ R^3 is a column of slices
    assert MosaicLayout((3,), (2, 2), outer_as_row=True).grid == (1, 3)
    assert MosaicLayout((2, 2), (3,)).block == (1, 3)       # ∂F_pq/∂x is a row
    assert MosaicLayout((), (2, 3)).size == (2, 3)


@given(st.lists(st.integers(1, 3), max_size=2), st.lists(st.integers(1, 3), max_size=2), st.booleans())
def test_position_and_entry_are_inverse(outer_shape, inner_shape, as_row):
    layout = MosaicLayout(tuple(outer_shape), tuple(inner_shape), outer_as_row=as_row)
    T = np.arange(np.prod(outer_shape + inner_shape), dtype=float).reshape(tuple(outer_shape) + tuple(inner_shape))
    data = layout.mosaic(T)
    for outer in np.ndindex(*outer_shape):
        for inner in np.ndindex(*inner_shape):
            r, c = layout.position(outer, inner)
            assert layout.entry(r, c) == (outer, inner)
            assert data[r, c] == T[outer + inner]
    assert np.isfinite(data).sum() == T.size


def test_draw_helpers_return_artists_showing_the_data():
    case = tensor_case("5.13", 3, 2)
    fig, axes = wp.static_figure(1, 2)
    layout = MosaicLayout(case.f_shape, case.x_shape)
    mosaic = draw_tensor_mosaic(axes[0], case.tensor, layout)
    jac = draw_jacobian(axes[1], case.jacobian, annotate=True)
    np.testing.assert_array_equal(np.ma.filled(mosaic["image"].get_array(), np.nan), layout.mosaic(case.tensor))
    np.testing.assert_array_equal(jac["image"].get_array(), case.jacobian)
    assert len(jac["texts"]) == case.jacobian.size
    assert not mosaic["entry"].get_visible()


def test_fig_5_7_shows_the_partials_and_the_flattened_jacobian():
    T = np.arange(24.0).reshape(4, 2, 3)
    fig, axes = wp.static_figure(1, 2)
    artists = draw_fig_5_7(axes, T, (4, 2), (3,))
    left = np.ma.filled(artists["partials"]["image"].get_array(), np.nan)
    np.testing.assert_array_equal(left[:, 0:2], T[:, :, 0])          # the block dA/dx_1
    np.testing.assert_array_equal(left[:, 6:8], T[:, :, 2])          # the block dA/dx_3
    np.testing.assert_array_equal(artists["jacobian"]["image"].get_array(), T.reshape(8, 3))
    assert "8" in axes[1].get_title()


def test_error_dots():
    fig, ax = wp.static_figure()
    artists = wp.draw_error_dots(ax, ["a", "b"], [1e-10, 0.0])
    np.testing.assert_allclose(artists["dots"].get_offsets()[:, 0], [1e-10, 1e-17])
    assert artists["threshold"].get_xdata()[0] == 1e-6


# -- the explorer -----------------------------------------------------------------------------------
def test_default_shows_example_5_13(explorer):
    c = explorer.controls
    assert set(c) == {"example", "M", "N", "row", "col"}
    assert (c["example"].value, c["M"].value, c["N"].value) == ("5.13", 3, 2)
    assert explorer.message == ""
    R = explorer.case.X
    T = dKdR(R)
    image = np.ma.filled(explorer.mosaic_artists["image"].get_array(), np.nan)
    np.testing.assert_allclose(image, MosaicLayout((2, 2), (3, 2)).mosaic(T))
    np.testing.assert_allclose(explorer.jacobian_artists["image"].get_array(), T.reshape(4, 6))
    # row 2, column 5 is ∂K_12/∂R_31 (1-based) = δ_21 R_31 + δ_11 R_32 = R_32
    s = explorer.selected
    assert (s["f_index"], s["x_index"]) == ((0, 1), (2, 0))
    assert s["value"] == pytest.approx(R[2, 1])
    assert s["error"] < 1e-6
    assert r"\partial K_{12}" in explorer.readout.value and r"R_{31}" in explorer.readout.value


def test_highlights_sit_on_the_same_entry_in_both_views(explorer):
    explorer.set_values(row=3, col=4)                         # K_21, R_22
    mosaic_entry = explorer.mosaic_artists["entry"].get_xy()
    jac_entry = explorer.jacobian_artists["entry"].get_xy()
    # mosaic: slice (p,q) = (1,0) starts at row 4, column 0; R_22 is its cell (1, 1)
    assert mosaic_entry == pytest.approx((1 - 0.5, 5 - 0.5))
    assert jac_entry == pytest.approx((3 - 0.5, 2 - 0.5))
    block = explorer.mosaic_artists["block"]
    assert (block.get_x(), block.get_y(), block.get_width(), block.get_height()) == pytest.approx((-0.5, 3.5, 2, 3))
    row = explorer.jacobian_artists["row"]
    assert (row.get_y(), row.get_width(), row.get_height()) == pytest.approx((1.5, 6, 1))


@pytest.mark.parametrize("M,N", [(1, 1), (2, 4), (4, 3)])
def test_example_5_12_at_several_shapes(explorer, M, N):
    explorer.set_values(example="5.12", M=M, N=N)
    assert explorer.message == ""
    case = explorer.case
    x = case.tensor[0, 0]                                    # row 1 of ∂f_1/∂A is xᵀ
    T = dfdA(x, M)
    np.testing.assert_allclose(case.tensor, T)
    np.testing.assert_allclose(explorer.jacobian_artists["image"].get_array(), T.reshape(M, M * N))
    assert explorer.controls["row"].max == M and explorer.controls["col"].max == M * N
    assert case.tensor.shape == (M, M, N)
    # x is the example's own x: f = A x
    np.testing.assert_allclose(case.function(case.X), case.X @ x)


@pytest.mark.parametrize("M,N", [(1, 2), (2, 2), (4, 4)])
def test_example_5_13_at_several_shapes(explorer, M, N):
    explorer.set_values(example="5.13", M=M, N=N)
    assert explorer.message == ""
    T = dKdR(explorer.case.X)
    np.testing.assert_allclose(explorer.case.tensor, T)
    np.testing.assert_allclose(explorer.jacobian_artists["image"].get_array(), T.reshape(N * N, M * N))
    assert explorer.controls["row"].max == N * N and explorer.controls["col"].max == M * N


def test_selection_is_clamped_when_the_shapes_shrink(explorer):
    explorer.set_values(M=4, N=4)
    explorer.set_values(row=16, col=16)
    assert explorer.selected["value"] == pytest.approx(dKdR(explorer.case.X)[3, 3, 3, 3])
    explorer.controls["N"].value = 1
    assert explorer.controls["row"].value == 1 and explorer.controls["col"].value == 4
    assert explorer.selected["f_index"] == (0, 0) and explorer.selected["x_index"] == (3, 0)
    assert explorer.message == ""


def test_set_values_applies_the_shapes_before_the_selection(explorer):
    explorer.set_values(example="5.12", M=1, N=1, row=1, col=1)
    assert explorer.controls["row"].max == 1
    explorer.set_values(example="5.13", M=4, N=4, row=16, col=15)
    assert (explorer.controls["row"].value, explorer.controls["col"].value) == (16, 15)
    assert explorer.selected["f_index"] == (3, 3) and explorer.selected["x_index"] == (3, 2)


def test_out_of_range_values_are_clamped_not_raised(explorer):
    explorer.controls["M"].value = 99
    explorer.controls["col"].value = -5
    assert explorer.controls["M"].value == 4 and explorer.controls["col"].value == 1
    assert explorer.message == "" and explorer.last_error is None
    with pytest.raises(ValueError):
        MatrixGradientExplorer(example="5.14")


def _click(explorer, ax, x, y):
    explorer.canvas.request(full=True)   # lay out and draw, as the page's first picture does
    px, py = ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", explorer.figure.canvas, px, py, button=1)
    explorer.figure.canvas.callbacks.process("button_press_event", event)


def test_click_on_the_mosaic_selects_that_entry(explorer):
    # cell (row 5, col 4) of the 7×5 mosaic: slice (p,q) = (1,1), R index (1,1) -> K_22 / R_22
    _click(explorer, explorer.axes[0], 4, 5)
    assert explorer.selected["f_index"] == (1, 1) and explorer.selected["x_index"] == (1, 1)
    assert (explorer.controls["row"].value, explorer.controls["col"].value) == (4, 4)
    before = dict(explorer.selected)
    _click(explorer, explorer.axes[0], 2, 1)                  # a gap between slices: nothing changes
    assert explorer.selected == before


def test_click_on_the_jacobian_selects_that_entry(explorer):
    _click(explorer, explorer.axes[1], 5, 3)                  # row 4, column 6 (1-based)
    assert (explorer.controls["row"].value, explorer.controls["col"].value) == (4, 6)
    assert explorer.selected["value"] == pytest.approx(dKdR(explorer.case.X)[1, 1, 2, 1])
    # outside every axes: ignored
    event = MouseEvent("button_press_event", explorer.figure.canvas, 1, 1, button=1)
    explorer._on_click(event)
    assert explorer.controls["row"].value == 4


def _controls(explorer):
    return {n: (c.value, c.min, c.max) if hasattr(c, "min") else c.value for n, c in explorer.controls.items()}


def test_reset_brings_back_the_first_picture(explorer):
    controls, first = _controls(explorer), full_redraw(explorer)
    selected = dict(explorer.selected)
    explorer.set_values(example="5.12", M=4, N=4)
    _click(explorer, explorer.axes[1], 10, 2)                 # row 3, column 11
    explorer.controls["N"].value = 1
    explorer.reset_button.click()
    assert _controls(explorer) == controls and explorer.selected == selected
    assert explorer.message == "" and explorer.last_error is None
    np.testing.assert_array_equal(explorer.canvas.pixels(), first)
    np.testing.assert_array_equal(full_redraw(explorer), first)
    explorer.controls["col"].value = 1                        # a selection move after the reset: boxes only
    explorer.reset()
    assert explorer.selected == selected
    np.testing.assert_array_equal(explorer.canvas.pixels(), first)


@pytest.mark.slow  # hundreds of moves: left out of the quick loop (docs/testing.md)
def test_many_moves_do_not_leak_figures(explorer):
    figures, canvases = live_figures(), len(transport.OPEN)
    rng = np.random.default_rng(0)
    names = ["example", "M", "N", "row", "col"]
    for k in range(500):
        name = names[k % 5]
        value = rng.choice(["5.12", "5.13"]) if name == "example" else int(rng.integers(1, 17))
        explorer.controls[name].value = str(value) if name == "example" else value
    assert live_figures() == figures and len(transport.OPEN) == canvases
    # the slice labels and cell values of earlier shapes are gone, not piled up
    assert len(explorer.axes[0].texts) + len(explorer.axes[1].texts) == len(explorer.texts)
    assert explorer.message == "" and explorer.last_error is None


def test_close_releases_the_figure():
    before = len(transport.OPEN)
    e = matrix_gradient_explorer(example="5.12", M=2, N=3, row=1, col=1)
    assert len(transport.OPEN) == before + 1
    assert e.selected["value"] == pytest.approx(e.case.tensor[0, 0, 0])
    figure = weakref.ref(e.figure)
    e.close()
    assert len(transport.OPEN) == before
    del e
    for _ in range(3):  # a finalizer can hold the last reference until the next collection
        gc.collect()
    assert figure() is None, "a closed explorer's figure is still alive"


def test_displays_with_a_png_fallback(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" in bundle


# -- blitting: a move repaints what a full redraw paints ---------------------------------------
def test_selection_moves_blit_the_boxes_and_new_shapes_redraw(explorer):
    """Row and column moves repaint only the four highlight boxes; shapes and examples redraw the heat maps."""
    m, j = explorer.mosaic_artists, explorer.jacobian_artists
    assert explorer.blit_artists == [m["block"], m["entry"], j["row"], j["entry"]]
    assert_moves_repaint_like_full_redraws(explorer, [
        ("col", 1, "blit"), ("col", 6, "blit"), ("row", 4, "blit"), ("row", 1, "blit"), ("M", 4, "draw"),
        ("col", 12, "blit"), ("N", 3, "draw"), ("row", 3, "blit"), ("example", "5.12", "draw"), ("col", 2, "blit"),
        ("M", 1, "draw"), ("col", 3, "blit"), ("example", "5.13", "draw"), ("N", 1, "draw"), ("row", 2, "blit")])
    case = explorer.case  # the boxes show the last selection in the last shapes
    r, c = explorer.layout.position(explorer.selected["f_index"], explorer.selected["x_index"])
    assert tuple(m["entry"].get_xy()) == (c - 0.5, r - 0.5)
    assert tuple(j["entry"].get_xy()) == (explorer.selected["col"] - 1.5, explorer.selected["row"] - 1.5)
    assert j["row"].get_width() == case.jacobian.shape[1]


# -- slice labels, values and colour bar ---------------------------------------------------------------
def test_slices_are_labelled_and_cells_carry_their_values(explorer):
    explorer.set_values(example="5.13", M=3, N=2)
    R = explorer.case.X
    labels = [t.get_text() for t in explorer.axes[0].texts if t.get_text().startswith("$")]
    assert labels == [rf"$\partial K_{{{p}{q}}}/\partial R$" for p in (1, 2) for q in (1, 2)]
    # each label sits above its slice: slice (p, q) = (2, 1) starts at mosaic row 4, column 0
    label = explorer.axes[0].texts[2]
    assert label.get_position()[1] < 4 - 0.5 and label.get_position()[0] == pytest.approx(0.5)
    values = [t.get_text() for t in explorer.axes[0].texts if not t.get_text().startswith("$")]
    expected = dKdR(R)   # the closed form written here, read along the mosaic's rows (slices side by side)
    assert values == [format(float(expected[p, q, i, j]), ".2g").replace("-", "\N{MINUS SIGN}")
                      for p in range(2) for i in range(3) for q in range(2) for j in range(2)]
    jacobian_values = [t.get_text() for t in explorer.axes[1].texts]
    assert len(jacobian_values) == explorer.case.jacobian.size


def test_one_colour_bar_spans_the_values_of_both_views(explorer):
    explorer.set_values(example="5.13", M=3, N=2)
    top = np.max(np.abs(dKdR(explorer.case.X)))
    assert explorer.colorbar.mappable is explorer.jacobian_artists["image"]
    assert explorer.colorbar.mappable.get_clim() == pytest.approx((-top, top))
    assert explorer.mosaic_artists["image"].get_clim() == pytest.approx((-top, top))


def test_values_are_left_out_when_the_cells_are_too_small(explorer):
    explorer.set_values(example="5.13", M=4, N=4)      # 16 slices of 4×4: a 19×19 mosaic
    assert all(t.get_text().startswith("$") for t in explorer.axes[0].texts)
    assert len(explorer.axes[0].texts) == 16 and not explorer.axes[1].texts

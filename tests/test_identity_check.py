"""The 5.5 picture of an identity at work: draw_identity_check and identity_check_explorer. The plotted
closed forms are checked against formulas written here with numpy, and the central differences against them."""

import gc

import numpy as np
import pytest

import widgets.explorers.canvas as canvas
from pixels import full_redraw
from widgets import plotting as wp
from widgets.explorers import identity_check_explorer
from widgets.explorers.matrices import CHECKED_IDENTITIES
from widgets.plotting.matrices import CHECK_MAX


def _panels(explorer):
    return [np.asarray(p["image"].get_array()) for p in explorer.artists["panels"]]


def _texts(panel):
    return [t.get_text() for t in panel["texts"] if t.get_visible()]


def test_the_scalar_identities_are_offered():
    assert CHECKED_IDENTITIES == ("5.100", "5.101", "5.103", "5.104", "5.105", "5.106", "5.107", "5.108")


def test_5_103_at_every_size_matches_its_closed_form_written_here():
    explorer = identity_check_explorer("5.103", M=2)
    try:
        for n in range(1, CHECK_MAX + 1):
            explorer.set_values(M=n)
            v = explorer.result["values"]
            Xinv = np.linalg.inv(v["X"])
            expected = -np.outer(Xinv.T @ v["a"], Xinv @ v["b"])   # -(X^-1)^T a b^T (X^-1)^T
            numeric, closed, difference = _panels(explorer)
            assert v["X"].shape == (n, n) and closed.shape == (n, n)
            np.testing.assert_allclose(closed, expected, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(numeric, expected, rtol=1e-6, atol=1e-8)
            np.testing.assert_allclose(difference, numeric - closed, rtol=0, atol=0)
            assert len(_texts(explorer.artists["panels"][1])) == n * n
            assert explorer.last_error is None and explorer.message == ""
    finally:
        explorer.close()


@pytest.mark.parametrize("number, sizes, expected", [
    ("5.100", (3, 2), lambda v: (v["A"] + v["A"].T) @ v["X"]),        # d tr(X^T A X)/dX
    ("5.106", (2, 4), lambda v: np.outer(v["a"], v["b"])),             # d a^T X b/dX = a b^T
    ("5.104", (4, 4), lambda v: v["a"][None, :]),                      # d x^T a/dx = a^T, one row
    ("5.107", (3, 3), lambda v: (v["x"] @ (v["B"] + v["B"].T))[None, :]),
])
def test_other_identities_match_closed_forms_written_here(number, sizes, expected):
    explorer = identity_check_explorer(number, M=sizes[0], N=sizes[1])
    try:
        numeric, closed, _ = _panels(explorer)
        want = expected(explorer.result["values"])
        np.testing.assert_allclose(closed, want, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(numeric, want, rtol=1e-6, atol=1e-8)
        # a size-n identity uses M as n and greys out N
        assert explorer.controls["N"].disabled == (number in ("5.104", "5.107"))
    finally:
        explorer.close()


def test_a_coarse_step_shows_a_larger_difference():
    explorer = identity_check_explorer("5.103", M=3, h=1e-6)
    try:
        fine = np.max(np.abs(explorer.result["difference"]))
        explorer.set_values(h=1e-1)
        coarse = np.max(np.abs(explorer.result["difference"]))
        assert fine < 1e-8 < 1e-4 < coarse
        # the difference panel has its own colour scale, matching its largest entry
        low, high = explorer.artists["panels"][2]["image"].get_clim()
        assert high == pytest.approx(coarse) and low == pytest.approx(-coarse)
    finally:
        explorer.close()


def test_values_are_written_in_the_cells_and_colour_bars_have_no_offset_label():
    explorer = identity_check_explorer("5.106", M=2, N=3)
    try:
        closed = explorer.result["closed"]
        texts = _texts(explorer.artists["panels"][1])
        assert texts == [f"{x:.3g}".replace("-", "\N{MINUS SIGN}") for x in closed.ravel()]
        explorer.snapshot_png()
        for panel in explorer.artists["panels"]:
            bar = panel["colorbar"]
            assert bar.ax.yaxis.get_offset_text().get_text() == ""
            assert all(t.get_text() for t in bar.ax.get_yticklabels())
        ticks = [t.get_text() for t in explorer.artists["panels"][2]["colorbar"].ax.get_yticklabels()]
        assert any("e\N{MINUS SIGN}" in t for t in ticks), ticks   # differences of 1e-11 carry their power
    finally:
        explorer.close()


def test_reset_brings_back_the_first_picture():
    explorer = identity_check_explorer()
    try:
        def controls():
            return {n: (c.value, getattr(c, "min", None), getattr(c, "max", None), c.description, c.disabled)
                    for n, c in explorer.controls.items()}

        before, first, error = controls(), full_redraw(explorer), explorer.values["error"]
        explorer.set_values(identity="5.104", M=5, h=1e-2, seed=7)
        explorer.set_values(identity="5.106", N=2)                    # sizes M and N: N is offered, M is "M"
        assert not explorer.controls["N"].disabled and explorer.controls["M"].description == "M"
        explorer.reset()
        assert controls() == before   # (5.103) again: one size n, N greyed out
        assert explorer.controls["N"].disabled and explorer.controls["M"].description == "n"
        assert explorer.values["error"] == error and explorer.values["numeric"].shape == (3, 3)
        assert explorer.message == "" and explorer.last_error is None
        np.testing.assert_array_equal(explorer.canvas.pixels(), first)
        np.testing.assert_array_equal(full_redraw(explorer), first)
    finally:
        explorer.close()


def test_the_static_helper_draws_three_panels():
    fig, axes = wp.static_figure(1, 3, figsize=(10, 3.6))
    closed = np.array([[1.0, -2.0], [0.5, 3.0]])
    artists = wp.draw_identity_check(axes, closed + 1e-9, closed)
    assert len(artists["panels"]) == 3
    np.testing.assert_allclose(np.asarray(artists["panels"][2]["image"].get_array()), 1e-9, rtol=1e-6)
    with pytest.raises(ValueError):
        wp.update_identity_check(artists, np.zeros((2, 2)), np.zeros((2, 3)))


def test_closing_leaves_no_open_figure():
    gc.collect()
    before = len(canvas.OPEN)
    explorer = identity_check_explorer()
    assert len(canvas.OPEN) == before + 1
    explorer.close()
    del explorer
    gc.collect()
    assert len(canvas.OPEN) == before

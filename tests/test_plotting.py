"""Plotting helpers: static figures never touch pyplot, Chinese text renders with the shipped CJK font."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from widgets.math import datasets
from widgets import plotting as wp


def test_static_figures_are_not_pyplot_figures_and_render_as_png():
    before = plt.get_fignums()
    fig, ax = wp.static_figure()
    ax.plot([0, 1], [0, 1])
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == before
    assert repr(fig) == "<Figure with 1 Axes>"  # stable text for nbval


def test_house_style_names_the_cjk_font_as_a_fallback_family():
    rc = wp.house_rc()
    assert rc["font.family"] == ["DejaVu Sans", wp.CJK_FONT]
    assert wp.cjk_font_available()


def test_chinese_text_has_every_glyph():
    fig, ax = wp.static_figure(figsize=(10, 5.5))
    wp.draw_concept_map(ax)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        fig._repr_png_()


def test_chinese_text_without_the_fallback_would_lose_glyphs():
    # The check above can fail: the same title with DejaVu Sans alone misses glyphs.
    import io

    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        fig.subplots().set_title("第5章 概念地图")
        fig.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_overview_figures_show_the_fitted_curve_and_the_density():
    x, y = datasets.curve_fitting_data(seed=0)
    coefficients = datasets.fit_polynomial(x, y, 5)
    # the fit is the least-squares solution: its residual is orthogonal to the monomials
    residual = y - np.polyval(coefficients, x)
    np.testing.assert_allclose(np.vander(x, 6).T @ residual, 0, atol=1e-8)
    fig, (a, b) = wp.static_figure(1, 2)
    artists = wp.draw_curve_fitting(a, x, y, coefficients)
    np.testing.assert_array_equal(artists["data"].get_xdata(), x)
    g = np.stack(np.meshgrid(np.linspace(-8, 8, 161), np.linspace(-8, 8, 161)), axis=-1)
    density = datasets.mixture_density(g)
    assert density.sum() * (16 / 160) ** 2 == pytest.approx(1.0, abs=1e-3)  # a density integrates to 1
    wp.draw_density(b, datasets.mixture_sample(seed=0), g[..., 0], g[..., 1], density)

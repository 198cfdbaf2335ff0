"""Every figure the package can draw renders without a missing glyph: each plotting helper on a fresh
figure, each explorer in each of its presets, and figures with Chinese text (the CJK fallback font).
Every test here sees no system font, only matplotlib's own and the package's CJK font, as on a fresh
Windows or macOS machine.

Matplotlib reports a missing glyph as a warning ("Glyph … missing from font(s) …") and a font it
cannot find through logging ("findfont: …"); both are captured and any of them fails the test.
"""

from __future__ import annotations

import inspect
import io
import logging
import pkgutil
import warnings
from importlib import import_module

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

import widgets.plotting
from explorer_inputs import FACTORIES, kind, option_values
from shipped_fonts import only_shipped_fonts
from widgets.math import autodiff as ad
from widgets.math import datasets
from widgets.math import gradients as mv
from widgets import plotting as wp
from widgets.math.matrices import tensor_case



@pytest.fixture(autouse=True)
def _no_system_fonts():
    with only_shipped_fonts():
        yield

FONT_TROUBLE = ("missing from font", "glyph", "findfont", "font family")


class _Captured(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record):
        if record.levelno >= logging.WARNING:
            self.records.append(record.getMessage())


class font_trouble:
    """Context manager collecting font warnings and matplotlib's font log messages in ``found``."""

    def __enter__(self):
        self.found: list[str] = []
        self._warnings = warnings.catch_warnings(record=True)
        self._caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        self._handler = _Captured()
        self._logger = logging.getLogger("matplotlib")
        self._logger.addHandler(self._handler)
        return self

    def __exit__(self, *exc):
        self._logger.removeHandler(self._handler)
        self._warnings.__exit__(*exc)
        messages = [str(w.message) for w in self._caught] + self._handler.records
        self.found = [m for m in messages if any(t in m.lower() for t in FONT_TROUBLE)]
        return False


def render(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# -- every plotting helper ---------------------------------------------------------------------------
def public_helpers() -> dict:
    """Return name -> function of every public ``draw_*`` helper defined in a module of widgets/plotting/."""
    found = {}
    for info in pkgutil.iter_modules(widgets.plotting.__path__):
        module = import_module(f"widgets.plotting.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("draw_") and inspect.isfunction(value) and value.__module__ == module.__name__:
                found[name] = value
    return found


HELPERS = public_helpers()


def _grid(n=41, lim=2.0):
    return np.meshgrid(np.linspace(-lim, lim, n), np.linspace(-lim, lim, n))


def _field():
    X, Y = _grid()
    return X, Y, X ** 2 * Y + X * Y ** 3


def _trace():
    return ad.trace(ad.example_5_14(ad.Value(1.0, name="x")))


def _surface(ax3d):
    X, Y, Z = _field()
    return wp.draw_surface_3d(ax3d, X, Y, Z, (float(Z.min()), float(Z.max())))


def _local_models(ax3d):
    s = np.linspace(-0.5, 0.5, 5)
    Xl, Yl = np.meshgrid(1.0 + s, 0.5 + s)
    return wp.draw_local_models_3d(ax3d, Xl, Yl, Xl + Yl, Xl ** 2 + Yl, (1.0, 0.5, 1.5), (-3.0, 3.0))


def _mosaic(ax):
    case = tensor_case("5.13", 3, 2, 0)
    return wp.draw_tensor_mosaic(ax, case.tensor, wp.MosaicLayout(case.f_shape, case.x_shape), annotate=True)


#: How to call each helper on fresh Axes: name -> (kind of figure, call). Kinds: "2d" one Axes,
#: "2x2d" two Axes, "3x2d" three Axes, "3d" one 3-D Axes.
CALLS = {
    "draw_area_convergence": ("2d", lambda ax: wp.draw_area_convergence(ax, np.logspace(-2, 0, 20))),
    "draw_axes_lines": ("2d", wp.draw_axes_lines),
    "draw_basis_map": ("2x2d", lambda axes: wp.draw_basis_map(*axes, [[-2, 1], [1, 1]])),
    "draw_chain_curves": ("2d", lambda ax: wp.draw_chain_curves(
        ax, np.linspace(0, 6, 50), {k: np.sin(np.linspace(0, 6, 50) + i) for i, k in
                                    enumerate(("h", "dh", "term1", "term2"))})),
    "draw_chain_rule": ("2x2d", lambda axes: wp.draw_chain_rule(
        *axes, *_field(), np.column_stack([np.sin(np.linspace(0, 6, 50)), np.cos(np.linspace(0, 6, 50))]),
        np.linspace(0, 6, 50), {k: np.sin(np.linspace(0, 6, 50) + i) for i, k in
                                enumerate(("h", "dh", "term1", "term2"))})),
    "draw_computation_graph": ("2d", lambda ax: wp.draw_computation_graph(ax, _trace(), step=5)),
    "draw_concept_map": ("2d", wp.draw_concept_map),
    "draw_contour_map": ("2d", lambda ax: wp.draw_contour_map(ax, *_field(), mv.contour_levels(_field()[2], 12),
                                                              clabel=True)),
    "draw_counts": ("2d", lambda ax: wp.draw_counts(ax, [1, 2, 3], {"forward": [1, 4, 9], "reverse": [1, 2, 3]},
                                                    "$n$", "multiply-adds", logy=True)),
    "draw_curve_fitting": ("2d", lambda ax: wp.draw_curve_fitting(
        ax, *datasets.curve_fitting_data(seed=0), datasets.fit_polynomial(*datasets.curve_fitting_data(seed=0), 5))),
    "draw_density": ("2d", lambda ax: wp.draw_density(
        ax, datasets.mixture_sample(seed=0), *_grid(81, 8.0),
        datasets.mixture_density(np.stack(_grid(81, 8.0), axis=-1)))),
    "draw_difference_error": ("2d", lambda ax: wp.draw_difference_error(ax, np.logspace(-16, 0, 50))),
    "draw_direction_marks": ("2d", wp.draw_direction_marks),
    "draw_directional_profile": ("2d", wp.draw_directional_profile),
    "draw_eigen_slices": ("2d", wp.draw_eigen_slices),
    "draw_error_dots": ("2d", lambda ax: wp.draw_error_dots(ax, ["(5.99)", "(5.100)"], [1e-12, 0.0])),
    "draw_fig_5_7": ("2x2d", lambda axes: wp.draw_fig_5_7(axes, np.arange(24.0).reshape(4, 2, 3), (4, 2), (3,))),
    "draw_gradient_check": ("2d", lambda ax: wp.draw_gradient_check(
        ax, np.logspace(-10, -1, 30), {"forward": np.logspace(-10, -1, 30) ** 0.5})),
    "draw_gradient_field": ("2d", lambda ax: wp.draw_gradient_field(ax, *_grid(9), *_grid(9))),
    "draw_gradient_map": ("2d", lambda ax: wp.draw_gradient_map(ax, mv.ScalarField(mv.x ** 2 * mv.y), *_field())),
    "draw_graph": ("2d", lambda ax: wp.draw_graph(ax, ["$x$", "$a$", "$f$"], [(0, 1), (1, 2)],
                                                  wp.layered_layout([[], [0], [1]]))),
    "draw_hessian_view": ("2d", lambda ax: wp.draw_hessian_view(ax, *_grid()[:2], _grid()[0] ** 2 - _grid()[1] ** 2,
                                                                [-1.0, 0.0, 1.0], legend=True)),
    "draw_identity_check": ("3x2d", lambda axes: wp.draw_identity_check(
        axes, np.array([[1.0, -2.0], [0.5, 3.0]]) + 1e-10, np.array([[1.0, -2.0], [0.5, 3.0]]))),
    "draw_jacobian": ("2d", lambda ax: wp.draw_jacobian(ax, tensor_case("5.13", 3, 2, 0).jacobian, annotate=True)),
    "draw_jacobian_panels": ("3x2d", lambda axes: wp.draw_jacobian_panels(*axes, np.logspace(-2, 0, 20))),
    "draw_linearization": ("2d", lambda ax: wp.draw_linearization(
        ax, np.linspace(-3, 3, 50), np.sin(np.linspace(-3, 3, 50)), -2.0, np.sin(-2.0), np.cos(-2.0))),
    "draw_lines": ("2d", lambda ax: wp.draw_lines(ax, wp.grid_lines((-2, 2), (-2, 2)))),
    "draw_local_models_3d": ("3d", _local_models),
    "draw_map_squares": ("2x2d", lambda axes: wp.draw_map_squares(
        *axes, mv.JACOBIAN_PRESETS["polar"].plane_map(), (0, 2), (0, np.pi), [(1.0, 0.6)], 0.3,
        labels=("r", r"\varphi"))),
    "draw_mode_chain": ("2d", wp.draw_mode_chain),
    "draw_network_pass": ("2d", lambda ax: wp.draw_network_pass(ax, K=3, backward=True)),
    "draw_outer_product_matrix": ("2d", lambda ax: wp.draw_outer_product_matrix(ax, np.array([0.5, -1.0]))),
    "draw_outer_product_tensor": ("3d", lambda ax: wp.draw_outer_product_tensor(ax, np.array([0.5, -1.0]))),
    "draw_path_on_map": ("2d", lambda ax: wp.draw_path_on_map(ax, np.sin(np.linspace(0, 6, 50)),
                                                              np.cos(np.linspace(0, 6, 50)))),
    "draw_secant": ("2d", lambda ax: wp.draw_secant(ax, np.sin, np.cos, 1.0, 0.5)),
    "draw_square_map": ("2x2d", lambda axes: wp.draw_square_map(*axes)),
    "draw_surface_3d": ("3d", _surface),
    "draw_taylor": ("2d", lambda ax: wp.draw_taylor(ax, np.linspace(-3, 3, 50), np.sin(np.linspace(-3, 3, 50)),
                                                    (-3, 3), (-2, 2))),
    "draw_taylor_errors": ("2d", lambda ax: wp.draw_taylor_errors(ax, np.logspace(-3, 0, 20), (1, 2, 3))),
    "draw_taylor_family": ("2d", lambda ax: wp.draw_taylor_family(
        ax, np.linspace(-4, 4, 50), np.sin(np.linspace(-4, 4, 50)), {1: np.linspace(-4, 4, 50)})),
    "draw_tensor_mosaic": ("2d", _mosaic),
}


def test_the_helpers_are_discovered_and_each_has_a_call():
    assert len(HELPERS) >= 30, sorted(HELPERS)
    assert {"draw_concept_map", "draw_secant", "draw_surface_3d"} <= set(HELPERS)
    missing = sorted(set(HELPERS) - set(CALLS))
    assert not missing, f"add a call for the new helpers {missing} to CALLS"


def _fresh_axes(shape: str):
    if shape == "3d":
        fig, (_, ax3d) = wp.static_figure_2d_3d()
        return fig, ax3d
    if shape == "3x2d":
        return wp.static_figure(1, 3, figsize=(10, 3.6))
    fig, axes = wp.static_figure(1, 2 if shape == "2x2d" else 1, figsize=(9, 4))
    return fig, axes


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_every_helper_renders_without_a_missing_glyph(name):
    shape, call = CALLS[name]
    with font_trouble() as trouble:
        fig, axes = _fresh_axes(shape)
        artists = call(axes)
        png = render(fig)
    assert artists is not None
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert not trouble.found, trouble.found


# -- Chinese text -----------------------------------------------------------------------------------
CHINESE = "第5章 向量微积分：梯度、Jacobian 矩阵与海森矩阵（Hessian）"


def test_chinese_text_renders_with_the_fallback_font():
    assert wp.cjk_font_available()
    # As in a notebook after wp.apply_house_style(); Chinese and math text go in separate strings
    # (mathtext has no font fallback: "切线 $x$" would lose its Chinese glyphs).
    with font_trouble() as trouble, wp.house_style():
        fig, ax = wp.static_figure(figsize=(8, 3))
        ax.set_title(CHINESE)
        ax.set_xlabel("自变量")
        ax.set_ylabel("$f(x)$")
        ax.text(0.5, 0.5, "切线与割线 tangent and secant", ha="center")
        render(fig)
    assert not trouble.found, trouble.found


def test_the_capture_sees_a_missing_glyph():
    # Without the CJK font the same text loses its glyphs, and the capture above would report it.
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}), font_trouble() as trouble:
        fig = Figure()
        fig.subplots().set_title(CHINESE)
        render(fig)
    assert any("missing from font" in m for m in trouble.found)


# -- every explorer in every preset --------------------------------------------------------------------
def _presets(explorer) -> list[tuple[str, object]]:
    """Return (control, value) for every option of every dropdown (the explorer's presets)."""
    return [(key, value) for key, control in explorer.controls.items() if kind(control) == "dropdown"
            for value in option_values(control)]


@pytest.mark.slow  # every explorer in every preset: left out of the quick loop (docs/testing.md)
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_explorer_in_every_preset_renders_without_a_missing_glyph(name):
    with font_trouble() as trouble:
        explorer = FACTORIES[name]()
        try:
            shown = [explorer.snapshot_png()]
            for key, value in _presets(explorer):
                explorer.controls[key].value = value
                assert explorer.last_error is None, explorer.last_error
                shown.append(explorer.snapshot_png())
        finally:
            explorer.close()
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for png in shown)
    assert not trouble.found, f"{name}: {trouble.found}"


def test_the_explorers_have_presets_to_show():
    counts = {}
    for name in ("taylor_explorer", "gradient_explorer", "jacobian_explorer", "hessian_explorer"):
        explorer = FACTORIES[name]()
        try:
            counts[name] = len(_presets(explorer))
        finally:
            explorer.close()
    assert all(count >= 3 for count in counts.values()), counts

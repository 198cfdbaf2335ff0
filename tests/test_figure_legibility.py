"""Figures that read on a projector: legends keep off the data, lines differ by style as well as colour,
text is at least 11 px at the displayed size, explorers use the notebook's width and sliders are wide.

Checked for every plotting helper (the calls of test_cjk_rendering) and every explorer in every preset.
A figure is displayed at its size in inches x 100 dpi (the house dpi) in CSS pixels.
"""

from __future__ import annotations

import re

import ipywidgets as W
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from explorer_inputs import FACTORIES, kind, option_values
from test_cjk_rendering import CALLS, _fresh_axes

MIN_TEXT_PX = 11.0
MIN_SLIDER_PX = 250
#: The content column of JupyterLab and Voilà in a 1280 px window is about 1100-1150 px wide.
COLUMN_PX = (1000, 1150)


def _legends(fig) -> list[tuple[object, Legend]]:
    found = [(ax, ax.get_legend()) for ax in fig.axes if ax.get_legend() is not None]
    return found + [(None, legend) for legend in fig.legends]


def _line_style(handle: Line2D) -> tuple:
    offset, dashes = handle._unscaled_dash_pattern
    return (tuple(np.round(dashes, 1)) if dashes else None, handle.get_marker(), round(handle.get_linewidth(), 1))


def same_style_entries(fig) -> list[str]:
    """Return the legend entries drawn as lines that share colour-free style (dashes, marker, width)."""
    clashes = []
    for _, legend in _legends(fig):
        lines = [(t.get_text(), _line_style(h)) for h, t in zip(legend.legend_handles, legend.get_texts())
                 if isinstance(h, Line2D) and h.get_visible()]
        for i, (text, style) in enumerate(lines):
            clashes += [f"{text!r} and {other!r}" for other, s in lines[i + 1:] if s == style]
    return clashes


def _inside(points, box, pad=2.0) -> np.ndarray:
    return ((points[:, 0] > box.x0 - pad) & (points[:, 0] < box.x1 + pad)
            & (points[:, 1] > box.y0 - pad) & (points[:, 1] < box.y1 + pad))


def covered_extremes(fig) -> list[str]:
    """Return the lines whose extremes (lowest and highest visible point; any point of a straight reference
    line) a legend inside their axes covers."""
    if not hasattr(fig.canvas, "get_renderer"):   # a static figure: draw it as its PNG would be
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    covered = []
    for ax, legend in _legends(fig):
        box = legend.get_window_extent(renderer)
        axes = [ax] if ax is not None else fig.axes
        for a in axes:
            frame = a.get_window_extent(renderer)
            if not frame.overlaps(box) or a.name == "3d":
                continue
            for line in a.lines:
                if not line.get_visible() or line.get_label().startswith("_") and line.get_alpha() == 0:
                    continue
                xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
                xy = xy[np.isfinite(xy).all(axis=1)]
                if len(xy) == 0:
                    continue
                points = line.get_transform().transform(xy)
                if len(points) == 2:   # a reference line: every point of it
                    points = np.linspace(points[0], points[1], 200)
                points = points[_inside(points, frame, pad=0.0)]
                if len(points) == 0:
                    continue
                if len(line.get_xdata()) > 2:
                    points = points[[np.argmin(points[:, 1]), np.argmax(points[:, 1])]]
                if _inside(points, box).any():
                    covered.append(f"{line.get_label()!r} under the legend {[t.get_text() for t in legend.get_texts()]}")
    return covered


def small_text(fig) -> list[str]:
    dpi = 100.0
    found = []
    for text in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        if text.get_visible() and text.get_text().strip() and text.get_fontsize() * dpi / 72 < MIN_TEXT_PX - 1e-9:
            found.append(f"{text.get_text()[:30]!r}: {text.get_fontsize() * dpi / 72:.1f} px")
    return found


# -- the plotting helpers -----------------------------------------------------------------------------
def _helper_figure(name):
    shape, call = CALLS[name]
    fig, axes = _fresh_axes(shape)
    call(axes)
    return fig


@pytest.mark.parametrize("name", sorted(CALLS))
def test_helper_figures_are_legible(name):
    fig = _helper_figure(name)
    assert not same_style_entries(fig), same_style_entries(fig)
    assert not covered_extremes(fig), covered_extremes(fig)
    assert not small_text(fig), small_text(fig)


# -- the explorers in every preset --------------------------------------------------------------------
def _presets(explorer) -> list[tuple[str, object]]:
    return [(key, value) for key, control in explorer.controls.items() if kind(control) == "dropdown"
            for value in option_values(control)]


def _width_px(layout_width) -> float | None:
    match = re.fullmatch(r"\s*([0-9.]+)px\s*", layout_width or "")
    return float(match.group(1)) if match else None


@pytest.mark.slow  # every explorer in every preset: left out of the quick loop (docs/testing.md)
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_explorers_are_legible_in_every_preset(name):
    explorer = FACTORIES[name]()
    problems = []
    try:
        width = explorer.figure.get_size_inches()[0] * 100
        assert COLUMN_PX[0] <= width <= COLUMN_PX[1], f"{name}: the figure is {width:.0f} px wide"
        for key, control in explorer.controls.items():
            if isinstance(control, (W.FloatSlider, W.IntSlider, W.FloatLogSlider)):
                px = _width_px(control.layout.width)
                assert px is not None and px - 100 - 60 >= MIN_SLIDER_PX, f"{name}.{key}: width {control.layout.width}"
        for key, value in [(None, None)] + _presets(explorer):
            if key is not None:
                explorer.controls[key].value = value
            explorer.snapshot_png()
            fig = explorer.figure
            problems += [f"{key}={value}: {p}" for p in
                         same_style_entries(fig) + covered_extremes(fig) + small_text(fig)]
    finally:
        explorer.close()
    assert not problems, problems


# -- labels placed where they can be read ---------------------------------------------------------------
def _renderer(fig):
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def cut_off_texts(fig) -> list[str]:
    """Return the visible texts (tick labels and offset labels included) that reach outside the figure."""
    renderer = _renderer(fig)
    box = fig.bbox
    found = []
    undrawn = set()   # tick labels of ticks outside the view are never drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 * (hi - lo) <= tick.get_loc() <= hi + 1e-9 * (hi - lo):
                    undrawn |= {id(tick.label1), id(tick.label2)}
    for text in fig.findobj(Text):
        if id(text) in undrawn:
            continue
        if not (text.get_visible() and str(text.get_text()).strip()) or text.axes is not None and text.axes.name == "3d":
            continue
        if not all(a.get_visible() for a in (text.axes,) if a is not None):
            continue
        e = text.get_window_extent(renderer)
        if e.x0 < box.x0 - 1 or e.y0 < box.y0 - 1 or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1:
            found.append(repr(text.get_text()[:30]))
    return found


def overlapping(texts, renderer) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible() and t.get_text()]
    return [(a, b) for i, (a, ea) in enumerate(boxes) for b, eb in boxes[i + 1:] if ea.overlaps(eb)]


def test_a_huge_chain_rule_curve_keeps_its_power_of_ten_inside_the_figure():
    from widgets.explorers import chain_rule_explorer
    explorer = chain_rule_explorer("exp(x1 x2^2)", "t cos(t)", "t sin(t)", t_range=(0, 1.9 * np.pi))
    try:
        explorer.snapshot_png()
        ax = explorer.curve_axes
        assert ax.yaxis.get_offset_text().get_text() == ""
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert any(label.endswith("e25") for label in labels), labels
        assert not cut_off_texts(explorer.figure), cut_off_texts(explorer.figure)
        assert explorer.readout.layout.overflow == "auto"
    finally:
        explorer.close()


def test_contour_labels_stay_apart_and_out_of_the_corners():
    from widgets.math import gradients as mv
    from widgets import plotting as wp
    X, Y = mv.grid((-2, 2), (-2, 2), 121)
    Z = X ** 2 * Y + X * Y ** 3                 # the 5.2 picture of Example 5.7
    fig, ax = wp.static_figure(figsize=(5.2, 5.2))
    wp.draw_contour_map(ax, X, Y, Z, mv.contour_levels(Z, 26), clabel=True)
    renderer = _renderer(fig)
    labels = [t for t in ax.texts if t.get_text()]
    assert 3 <= len(labels) <= 9
    assert not overlapping(labels, renderer)
    frame = ax.get_window_extent(renderer)
    for label in labels:
        e = label.get_window_extent(renderer)
        assert frame.x0 <= e.x0 and e.x1 <= frame.x1 and frame.y0 <= e.y0 and e.y1 <= frame.y1
        cx, cy = (e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2
        depth = min(cx - frame.x0, frame.x1 - cx, cy - frame.y0, frame.y1 - cy) / frame.width
        assert depth >= 0.05, label.get_text()


def test_eigenvalue_labels_clear_the_window_each_other_and_the_figure_edge():
    from widgets.explorers import hessian_explorer
    explorer = hessian_explorer()
    try:
        for value in option_values(explorer.controls["function"]):
            explorer.controls["function"].value = value
            explorer.snapshot_png()
            renderer = _renderer(explorer.figure)
            artists = explorer.map_artists
            labels = artists["eigen_labels"]
            assert not overlapping(labels, renderer), value
            window = artists["window"]
            corners = window.get_transform().transform(np.column_stack(window.get_data()))
            edge = np.concatenate([np.linspace(a, b, 100) for a, b in zip(corners[:-1], corners[1:])])
            frame = labels[0].axes.get_window_extent(renderer)
            for label in labels:
                e = label.get_window_extent(renderer)
                assert not _inside(edge, e, pad=-1.0).any(), (value, label.get_text())
                assert frame.x0 - 1 <= e.x0 and e.x1 <= frame.x1 + 1, (value, label.get_text())
    finally:
        explorer.close()


def test_the_slice_plot_tells_u1_from_u2_without_colour():
    from widgets import plotting as wp
    fig, ax = wp.static_figure()
    artists = wp.draw_eigen_slices(ax)
    assert _line_style(artists["f1"]) != _line_style(artists["f2"])
    assert _line_style(artists["q1"]) != _line_style(artists["q2"])
    assert "plain" in ax.get_xlabel() and "\N{WHITE CIRCLE}" in ax.get_xlabel()

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

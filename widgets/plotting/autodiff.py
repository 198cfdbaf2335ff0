"""Drawing helpers for section 5.6: computation graphs (Figs. 5.8-5.11) and operation counts.

Graphs are drawn with matplotlib alone: nodes are text boxes, edges are arrows ending on the
boxes, and :func:`layered_layout` places the nodes in layers by depth (inputs on the left,
the output on the right). ``update_computation_graph`` rewrites the node texts and colours in
place, so an explorer walking through a trace never re-plots.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.font_manager import findfont, get_font
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text
from matplotlib.transforms import Affine2D

from widgets.math.autodiff import Trace
from widgets.plotting.style import COLORS, house_style

#: Box and edge colours of the graph, by state of a node.
GRAPH_COLORS = {
    "pending_text": "#9A9A9A", "pending_edge": "#C8C8C8", "done_edge": COLORS["function"],
    "forward_face": "#FDEBC8", "backward_face": "#D5F0E6", "face": "white",
    "edge": "#B0B0B0", "forward_arrow": COLORS["secant"], "backward_arrow": COLORS["tangent"],
}


def graph_depths(parents: Sequence[Sequence[int]]) -> list[int]:
    """Return each node's depth: 0 for nodes without parents, else 1 + the largest depth of its parents.

    Nodes must be listed in evaluation order (parents first).
    """
    depth: list[int] = []
    for i, ps in enumerate(parents):
        if any(p >= i for p in ps):
            raise ValueError("nodes must be in evaluation order: parents before children")
        depth.append(1 + max(depth[p] for p in ps) if ps else 0)
    return depth


def layered_layout(parents: Sequence[Sequence[int]]) -> np.ndarray:
    """Return (N, 2) positions: x = depth (layers by depth), y centred in each layer.

    Within a layer, nodes are ordered by the mean height of their parents (the barycentre
    rule, which avoids most crossings), ties by evaluation order.
    """
    depth = graph_depths(parents)
    positions = np.zeros((len(parents), 2))
    for layer in range(max(depth, default=-1) + 1):
        members = [i for i, d in enumerate(depth) if d == layer]
        key = {i: (np.mean([positions[p, 1] for p in parents[i]]) if parents[i] else 0.0) for i in members}
        members.sort(key=lambda i: (-key[i], i))
        for rank, i in enumerate(members):
            positions[i] = (layer, (len(members) - 1) / 2 - rank)
    return positions


#: Half width and half height of a node box in layout units (a layer is 1 wide, a row 1 high).
_BOX = (0.36, 0.3)


def _bend(positions: np.ndarray, p: int, c: int) -> float:
    """Return the arc3 curvature of edge p -> c that keeps it clear of the boxes of the layers it skips.

    Straight if nothing is in the way; otherwise the gentlest bend, up or down, that clears
    the boxes (or, failing that, the one with the most clearance).
    """
    start, end = positions[p], positions[c]
    between = positions[(positions[:, 0] > start[0]) & (positions[:, 0] < end[0])]
    if len(between) == 0:
        return 0.0
    t = np.linspace(0.0, 1.0, 41)[:, None]
    middle, delta = (start + end) / 2, end - start
    best, best_clearance = 0.0, -np.inf
    for rad in (0.0, -0.15, 0.15, -0.3, 0.3, -0.45, 0.45):
        # arc3: a quadratic Bezier through the control point mid + rad * (dy, -dx)
        control = middle + rad * np.array([delta[1], -delta[0]])
        curve = (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end
        gaps = np.maximum(np.abs(curve[:, None, 0] - between[None, :, 0]) / _BOX[0],
                          np.abs(curve[:, None, 1] - between[None, :, 1]) / _BOX[1])
        clearance = gaps.min()
        if clearance > 1.15:
            return rad
        if clearance > best_clearance:
            best, best_clearance = rad, clearance
    return best


class EdgeArrow(FancyArrowPatch):
    """An arrow from one node box to another that finds the boxes' outlines when it is drawn.

    Clipping an arrow to a patch (``patchA``/``patchB``) bisects the path against the patch
    hundreds of times per frame; here the end points are computed directly from the two
    boxes' window extents, which the node texts (drawn first) have just updated.
    """

    def __init__(self, source: Text, target: Text, rad: float = 0.0, **kwargs):
        super().__init__(source.get_position(), target.get_position(),
                         connectionstyle=f"arc3,rad={rad}", **kwargs)
        self.source, self.target, self.rad = source, target, rad

    def ends(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the start and end points on the two boxes' outlines, in data coordinates."""
        to_display = self.axes.transData
        p = to_display.transform(self.source.get_position())
        q = to_display.transform(self.target.get_position())
        d = q - p
        control = (p + q) / 2 + self.rad * np.array([d[1], -d[0]])  # arc3's control point
        ends = []
        for centre, toward, text in ((p, control, self.source), (q, control, self.target)):
            patch = text.get_bbox_patch()
            box = patch.get_bbox().transformed(patch.get_transform())  # the text's rectangle, in pixels
            pad = patch.get_boxstyle().pad * patch.get_mutation_scale()  # the round box's margin, in pixels
            half = np.array([box.width, box.height]) / 2 + pad + 2.0
            direction = toward - centre
            scale = np.min(np.where(np.abs(direction) > 1e-9, half / np.maximum(np.abs(direction), 1e-9), np.inf))
            ends.append(centre + min(scale, 0.95) * direction)  # never past the control point
        return tuple(to_display.inverted().transform(np.array(ends)))

    def draw(self, renderer) -> None:
        if self.get_visible():
            callback, self.stale_callback = self.stale_callback, None  # moving the ends must not request a redraw
            try:
                self.set_positions(*self.ends())
            finally:
                self.stale_callback = callback
        super().draw(renderer)


# -- text drawn from cached rasters ---------------------------------------------------------------
class _RasterCache:
    """Text rasterized once by matplotlib's own Agg renderer: whole lines (mathtext, labels) and single
    glyphs, from which lines of changing numbers are composed.

    Each entry is an alpha mask with the offset of its top-left pixel from the pen (left end of the
    baseline, y downwards) and the line's or glyph's width in pixels.
    """

    #: Lines kept: composed lines of glyphs (least recently used dropped first) and whole lines.
    max_composed = 2048

    def __init__(self):
        self.lines: dict = {}
        self.glyphs: dict = {}
        self.metrics: dict = {}
        self.composed: OrderedDict = OrderedDict()

    @staticmethod
    def _context(prop, dpi: float) -> tuple:
        rc = mpl.rcParams
        return (hash(prop), float(dpi), rc["mathtext.fontset"], rc["text.hinting"], rc["text.hinting_factor"])

    @staticmethod
    def _render(text: str, prop, dpi: float, ismath: bool, width: float, height: float, baseline: float):
        """Return (mask, dx, dy) of ``text`` drawn with its pen at an integer pixel."""
        from matplotlib.backends.backend_agg import RendererAgg

        pad = 4
        scratch = RendererAgg(int(np.ceil(width)) + 2 * pad, int(np.ceil(height)) + 2 * pad, dpi)
        gc = scratch.new_gc()
        gc.set_foreground("black")
        pen = (pad, pad + int(np.ceil(baseline)))
        scratch.draw_text(gc, pen[0], pen[1], text, prop, 0, ismath=ismath)
        gc.restore()
        alpha = np.asarray(scratch.buffer_rgba())[..., 3]
        rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
        if rows.size == 0:
            return np.zeros((0, 0), np.uint8), 0, 0
        mask = alpha[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].copy()
        return mask, int(cols[0] - pen[0]), int(rows[0] - pen[1])

    def font_height(self, renderer, prop) -> tuple[float, float, float]:
        """Return the ascent, descent and line gap of the font in pixels (the line metrics ``Text`` uses)."""
        key = self._context(prop, renderer.dpi)
        if key not in self.metrics:
            font = get_font(findfont(prop))
            for table_name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                                     ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(table_name)
                if table is not None:
                    scale = prop.get_size_in_points() * renderer.dpi / 72 / font.get_sfnt_table("head")["unitsPerEm"]
                    self.metrics[key] = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
            else:
                _, h, d = renderer.get_text_width_height_descent("lp", prop, ismath=False)
                self.metrics[key] = (h - d, d, 0.0)
        return self.metrics[key]

    def line(self, renderer, text: str, prop, ismath) -> tuple:
        """Return (mask, dx, dy, width, height, descent) of a whole line, rasterized once."""
        key = (text, ismath, self._context(prop, renderer.dpi))
        if key not in self.lines:
            w, h, d = renderer.get_text_width_height_descent(text, prop, ismath=ismath)
            size = prop.get_size_in_points() * renderer.dpi / 72
            mask, dx, dy = self._render(text, prop, renderer.dpi, ismath, w + size, h + size, h - d + size / 2)
            if len(self.lines) >= self.max_composed:
                self.lines.clear()
            self.lines[key] = (mask, dx, dy, w, h, d)
        return self.lines[key]

    def glyph(self, renderer, char: str, prop, context: tuple) -> tuple:
        """Return (mask, dx, dy, advance) of one character, rasterized once."""
        key = (char, context)
        if key not in self.glyphs:
            from matplotlib.backends.backend_agg import get_hinting_flag

            size = prop.get_size_in_points() * renderer.dpi / 72
            font = get_font(findfont(prop))
            font.set_size(prop.get_size_in_points(), renderer.dpi)
            if char == " " or font.get_char_index(ord(char)):
                advance = font.load_char(ord(char), flags=get_hinting_flag()).horiAdvance / 64
            else:  # not in the first font: the renderer falls back to another one
                advance = renderer.get_text_width_height_descent(char, prop, ismath=False)[0]
            mask, dx, dy = self._render(char, prop, renderer.dpi, False, 2.5 * size, 2 * size, 1.5 * size)
            self.glyphs[key] = (mask, dx, dy, advance)
        return self.glyphs[key]

    def plain(self, renderer, text: str, prop) -> tuple:
        """Return (mask, dx, dy, width) of a line of plain text composed of cached glyphs.

        Each glyph sits at the nearest pixel to its pen position; overlapping edges combine as
        drawing one glyph over the other would.
        """
        context = self._context(prop, renderer.dpi)
        key = (text, context)
        if key in self.composed:
            self.composed.move_to_end(key)
            return self.composed[key]
        placed, x = [], 0.0
        for char in text:
            mask, dx, dy, advance = self.glyph(renderer, char, prop, context)
            if mask.size:
                placed.append((mask, round(x) + dx, dy))
            x += advance
        if not placed:
            entry = (np.zeros((0, 0), np.uint8), 0, 0, x)
        else:
            left = min(c for _, c, _ in placed)
            top = min(r for _, _, r in placed)
            right = max(c + m.shape[1] for m, c, _ in placed)
            bottom = max(r + m.shape[0] for m, _, r in placed)
            coverage = np.zeros((bottom - top, right - left))
            for mask, c, r in placed:
                region = coverage[r - top:r - top + mask.shape[0], c - left:c - left + mask.shape[1]]
                alpha = mask / 255.0
                region += alpha * (1.0 - region)
            entry = (np.round(coverage * 255).astype(np.uint8), left, top, x)
        self.composed[key] = entry
        if len(self.composed) > self.max_composed:
            self.composed.popitem(last=False)
        return entry


_RASTERS = _RasterCache()


def _paste(renderer, gc, mask: np.ndarray, left: int, top: int, rgba) -> None:
    """Draw an alpha mask in one colour with its top-left pixel at (left, top) (display pixels, y upwards)."""
    if mask.size == 0:
        return
    image = np.empty(mask.shape + (4,), np.uint8)
    image[..., :3] = np.round(np.asarray(rgba[:3]) * 255).astype(np.uint8)
    image[..., 3] = mask if rgba[3] >= 1 else np.round(mask * rgba[3]).astype(np.uint8)
    renderer.draw_image(gc, left, top - mask.shape[0], image[::-1])  # draw_image's rows go upwards


class RasterText(Text):
    """A ``Text`` (centred lines, optional box) drawn from rasters cached by ``_RasterCache``.

    Lines with mathtext are rasterized once as a whole; other lines (e.g. "c = 2.718") are composed
    from cached glyphs, so a changing number costs a few array copies instead of a text layout and
    a glyph rendering. The picture matches ``Text`` up to sub-pixel glyph positions. Only what the
    computation graph uses is supported: no rotation, no TeX; anything else is drawn by ``Text``.
    """

    def _simple(self, renderer) -> bool:
        return (hasattr(renderer, "draw_image") and hasattr(renderer, "get_text_width_height_descent")
                and self.get_rotation() == 0 and not self.get_usetex() and self.get_path_effects() == []
                and (self.get_horizontalalignment(), self.get_verticalalignment()) == ("center", "center"))

    def _lines(self, renderer):
        """Return per line (mask, dx, dy, width, ascent, descent); plain lines measured on their mask."""
        prop = self.get_fontproperties()
        out = []
        for line in self.get_text().split("\n"):
            clean, ismath = self._preprocess_math(line)
            if ismath:
                mask, dx, dy, w, h, d = _RASTERS.line(renderer, clean, prop, ismath)
                out.append((mask, dx, dy, w, h - d, d))
            else:
                mask, dx, dy, w = _RASTERS.plain(renderer, clean, prop)
                out.append((mask, dx, dy, w, -dy if mask.size else 0.0, mask.shape[0] + dy if mask.size else 0.0))
        return out

    def draw(self, renderer) -> None:
        if renderer is None or not self.get_visible() or self.get_text() == "":
            return
        if not self._simple(renderer):
            return super().draw(renderer)
        lines = self._lines(renderer)
        # The layout of Text._get_layout (matplotlib 3.11): with a fixed line spacing every line is
        # linespacing * (font ascent + descent) high, its own ascent and descent centred in it.
        min_ascent, min_descent, gap = _RASTERS.font_height(renderer, self.get_fontproperties())
        gap = gap if len(lines) > 1 else 0.0
        baselines, y = [], 0.0
        for _, _, _, _, a, d in lines:
            if self._linespacing == "normal":
                a, d = max(a, min_ascent) + gap / 2, max(d, min_descent) + gap / 2
            else:
                leading = self._linespacing * (min_ascent + min_descent) - (a + d)
                a, d = a + leading / 2, d + leading / 2
            y -= a
            baselines.append(y)
            y -= d
        width, height = max(line[3] for line in lines), -y
        posx, posy = self.get_transform().transform(self.get_unitless_position())
        left, top = posx - width / 2, posy + height / 2
        renderer.open_group("text", self.get_gid())
        if self._bbox_patch:
            self._bbox_patch.set_bounds(0.0, 0.0, width, height)
            self._bbox_patch.set_transform(Affine2D().translate(left, top - height))
            self._bbox_patch.set_mutation_scale(renderer.points_to_pixels(self.get_size()))
            self._bbox_patch.draw(renderer)
        gc = renderer.new_gc()
        self._set_gc_clip(gc)
        rgba = to_rgba(self.get_color(), self.get_alpha())  # the alpha goes into the mask, once
        for (mask, dx, dy, w, _, _), base in zip(lines, baselines):
            pen_x, pen_y = round(left + (width - w) / 2), round(top + base)
            _paste(renderer, gc, mask, pen_x + dx, pen_y - dy, rgba)
        gc.restore()
        renderer.close_group("text")
        self.stale = False


def draw_graph(ax: Axes, labels: Sequence[str], edges: Sequence[tuple[int, int]], positions,
               fontsize: float = 10, edge_color: str = COLORS["axis"], box_color: str = "#B0B0B0",
               bends: Mapping[tuple[int, int], float] | None = None, cached: bool = False) -> dict:
    """Draw nodes as text boxes at ``positions`` and edges as arrows between them; return the artists.

    Returns ``{"nodes": [Text], "edges": {(i, j): EdgeArrow}}``. Boxes are drawn before
    arrows, so each arrow starts and ends on the boxes' current outlines. ``cached`` draws the
    node texts from cached rasters (``RasterText``: fast to redraw when only numbers change).
    """
    positions = np.asarray(positions, dtype=np.float64)
    bends = dict(bends or {})
    with house_style():
        nodes = []
        for label, (x, y) in zip(labels, positions):
            kwargs = dict(ha="center", va="center", fontsize=fontsize, zorder=2, linespacing=1.5,
                          bbox=dict(boxstyle="round,pad=0.45", facecolor="white", edgecolor=box_color,
                                    linewidth=1.2))
            nodes.append(ax.add_artist(RasterText(x, y, label, transform=ax.transData, clip_on=False, **kwargs))
                         if cached else ax.text(x, y, label, **kwargs))
            nodes[-1].set_in_layout(False)  # the limits frame the boxes; the layout engine need not measure them
        arrows = {}
        for i, j in edges:
            arrow = EdgeArrow(nodes[i], nodes[j], rad=bends.get((i, j), 0.0), arrowstyle="-|>", mutation_scale=12,
                              color=edge_color, linewidth=1.3, shrinkA=0, shrinkB=0, zorder=2.5)
            arrow.set_in_layout(False)
            ax.add_patch(arrow)
            arrows[(i, j)] = arrow
        ax.set_axis_off()
    return {"nodes": nodes, "edges": arrows}


def _frame(ax: Axes, positions: np.ndarray, margin=(0.55, 0.6)) -> None:
    """Set the limits so that every box fits (one layer is one unit wide)."""
    ax.set_xlim(positions[:, 0].min() - margin[0], positions[:, 0].max() + margin[0])
    ax.set_ylim(positions[:, 1].min() - margin[1], positions[:, 1].max() + margin[1])


def _node_texts(trace: Trace) -> list[tuple[str, str, str]]:
    """Return (definition, value name, adjoint name) of every node, e.g. ("$c = a + b$", "c", "∂f/∂c")."""
    out = []
    f = _plain_name(trace.output)
    for row in trace.rows:
        name = _plain_name(row.name)
        if row.op == "input":
            definition = f"input ${row.name}$"
        elif row.op == "const":
            definition = "constant"
        else:
            definition = f"${row.name} = {row.formula}$"
        out.append((definition, name, f"∂{f}/∂{name}"))
    return out


def _plain_name(name: str) -> str:
    return name.replace("_{", "").replace("}", "")


def graph_fontsize(n_layers: int, n_rows: int) -> float:
    """Return a font size for a graph of this many layers and rows (smaller for large graphs)."""
    return float(np.clip(min(54.0 / max(n_layers, 1), 30.0 / max(n_rows, 1)), 6.0, 10.0))


def draw_computation_graph(ax: Axes, trace: Trace, step: int | None = None, fontsize: float | None = None,
                           cached: bool = False) -> dict:
    """Draw the computation graph of a trace (Fig. 5.11) with each node's value and adjoint; return the artists.

    ``step`` (default: the last, 2N) chooses how much of the forward and backward pass is shown,
    see :meth:`widgets.math.autodiff.Trace.state`. ``cached`` draws the node texts from cached rasters
    (for an explorer that redraws the graph on every move).
    """
    parents = [row.parents for row in trace.rows]
    positions = layered_layout(parents)
    n_layers = int(positions[:, 0].max()) + 1
    n_rows = int(max(np.unique(positions[:, 0], return_counts=True)[1]))
    fontsize = fontsize if fontsize is not None else graph_fontsize(n_layers, n_rows)
    edges = sorted({(p, row.index) for row in trace.rows for p in row.parents}, key=lambda e: (e[1], e[0]))
    bends = {(p, c): _bend(positions, p, c) for p, c in edges}
    artists = draw_graph(ax, [d for d, _, _ in _node_texts(trace)], edges, positions, fontsize=fontsize,
                         bends=bends, cached=cached)
    artists["positions"] = positions
    artists["structure"] = [(row.op, row.parents) for row in trace.rows]
    _frame(ax, positions, margin=(0.55, 0.3 + 0.1 * n_rows))
    update_computation_graph(artists, trace, trace.steps if step is None else step)
    return artists


def update_computation_graph(artists: Mapping, trace: Trace, step: int) -> dict:
    """Show the walk at ``step`` on a drawn graph: values, adjoints, the current node highlighted.

    Returns the walk's state (:meth:`widgets.math.autodiff.Trace.state`). The trace must have the
    structure the graph was drawn with.
    """
    if artists["structure"] != [(row.op, row.parents) for row in trace.rows]:
        raise ValueError("the trace does not have the structure of the drawn graph")
    state = trace.state(step)
    current, phase = state["current"], state["phase"]
    for row, text, (definition, name, adjoint_name) in zip(trace.rows, artists["nodes"], _node_texts(trace)):
        known = row.index < state["values"]
        value = f"{row.value:.4g}" if known else "?"
        adjoint = f"{row.adjoint:.4g}" if row.index in state["adjoints"] else "?"
        text.set_text(f"{definition}\n{name} = {value}\n{adjoint_name} = {adjoint}")
        text.set_color("black" if known else GRAPH_COLORS["pending_text"])
        box = text.get_bbox_patch()
        if row.index == current:
            box.set_facecolor(GRAPH_COLORS[f"{phase}_face"])
            box.set_edgecolor(GRAPH_COLORS[f"{phase}_arrow"])
            box.set_linewidth(2.4)
        else:
            box.set_facecolor(GRAPH_COLORS["face"])
            done = row.index in state["adjoints"] or (phase != "backward" and known)
            box.set_edgecolor(GRAPH_COLORS["done_edge"] if done else GRAPH_COLORS["edge"])
            box.set_linewidth(1.2)
    for (p, c), arrow in artists["edges"].items():
        if phase == "forward" and c == current:  # the operands of the node being evaluated (5.143)
            color, width = GRAPH_COLORS["forward_arrow"], 2.6
        elif phase == "backward" and p == current:  # the terms of the sum (5.145)
            color, width = GRAPH_COLORS["backward_arrow"], 2.6
        else:
            color, width = (COLORS["axis"] if c < state["values"] else GRAPH_COLORS["pending_edge"]), 1.3
        arrow.set_color(color)
        arrow.set_linewidth(width)
    return state


def step_caption(trace: Trace, step: int) -> str:
    """Return where a step of the walk is, counted within its pass, in Chinese and English (plain text, no
    math: mathtext has no CJK fallback), e.g. "反向传播 第 3/6 步（backward pass, step 3 of 6）"."""
    n = len(trace)
    state = trace.state(step)
    if state["phase"] == "start":
        return f"开始：还没有计算（start: nothing computed yet; {2 * n} steps to go）"
    k = int(np.clip(step, 0, 2 * n)) - (n if state["phase"] == "backward" else 0)
    name, english = ("前向传播", "forward pass") if state["phase"] == "forward" else ("反向传播", "backward pass")
    return f"{name} 第 {k}/{n} 步（{english}, step {k} of {n}）"


def remove_graph(artists: Mapping) -> None:
    """Remove a drawn graph's artists from their axes (before drawing another graph there)."""
    for text in artists["nodes"]:
        text.remove()
    for arrow in artists["edges"].values():
        arrow.remove()


def draw_network_pass(ax: Axes, K: int = 3, backward: bool = False) -> dict:
    """Draw Fig. 5.8 (forward pass, x -> f_1 -> … -> f_K -> L) or Fig. 5.9 (backward pass); return the artists.

    The parameters θ_i = (A_i, b_i) feed layer i + 1 (5.113); the observation y feeds the loss (5.114).
    In the backward pass every arrow is reversed and carries ∂L/∂(node).
    """
    if K < 1:
        raise ValueError("K must be >= 1")
    chain = ["$x$"] + [f"$f_{{{i}}}$" for i in range(1, K + 1)] + ["$L$"]
    params = [f"$A_{{{i}}},\\ b_{{{i}}}$" for i in range(K)] + ["$y$"]
    if backward:
        chain = ["$x$"] + [f"$f_{{{i}}}$\n$\\partial L/\\partial f_{{{i}}}$" for i in range(1, K + 1)] + ["$L$"]
        params = [f"$\\partial L/\\partial A_{{{i}}},\\ \\partial L/\\partial b_{{{i}}}$" for i in range(K)] + ["$y$"]
    labels = chain + params
    positions = [(i, 0.0) for i in range(K + 2)] + [(i + 1, 1.0) for i in range(K + 1)]
    n = K + 2
    forward_edges = [(i, i + 1) for i in range(K + 1)] + [(n + i, i + 1) for i in range(K + 1)]
    if backward:
        edges = [(j, i) for i, j in forward_edges if i != 0 and i != n + K]  # ∂L flows back, not to x or y
        color = GRAPH_COLORS["forward_arrow"]
    else:
        edges, color = forward_edges, COLORS["function"]
    artists = draw_graph(ax, labels, edges, positions, fontsize=11 if backward else 12, edge_color=color)
    _frame(ax, np.asarray(positions), margin=(0.6, 0.45))
    ax.set_title("backward pass" if backward else "forward pass")
    return artists


def draw_mode_chain(ax: Axes) -> dict:
    """Draw Fig. 5.10: x -> a -> b -> y, with the order of the products of forward (5.121) and reverse mode (5.120)."""
    artists = draw_graph(ax, ["$x$", "$a$", "$b$", "$y$"], [(0, 1), (1, 2), (2, 3)],
                         [(i, 0.0) for i in range(4)], fontsize=13, edge_color=COLORS["function"])
    with house_style():
        artists["local"] = [ax.text(i + 0.5, 0.1, label, ha="center", va="bottom", fontsize=12)
                            for i, label in enumerate([r"$\dfrac{da}{dx}$", r"$\dfrac{db}{da}$", r"$\dfrac{dy}{db}$"])]
        artists["forward"] = ax.annotate(
            "", xy=(3.0, -0.45), xytext=(0.0, -0.45),
            arrowprops=dict(arrowstyle="-|>", color=GRAPH_COLORS["forward_arrow"], linewidth=2))
        artists["forward_label"] = ax.text(
            1.5, -0.6, r"forward mode (5.121): $\dfrac{dy}{dx} = \dfrac{dy}{db}\left(\dfrac{db}{da}\dfrac{da}{dx}\right)$",
            ha="center", va="top", color=GRAPH_COLORS["forward_arrow"], fontsize=11)
        artists["reverse"] = ax.annotate(
            "", xy=(0.0, 0.75), xytext=(3.0, 0.75),
            arrowprops=dict(arrowstyle="-|>", color=GRAPH_COLORS["backward_arrow"], linewidth=2))
        artists["reverse_label"] = ax.text(
            1.5, 0.9, r"reverse mode (5.120): $\dfrac{dy}{dx} = \left(\dfrac{dy}{db}\dfrac{db}{da}\right)\dfrac{da}{dx}$",
            ha="center", va="bottom", color=GRAPH_COLORS["backward_arrow"], fontsize=11)
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(-1.5, 1.6)
    return artists


def draw_counts(ax: Axes, sizes, series: Mapping[str, Sequence[float]], xlabel: str, ylabel: str,
                logy: bool = False) -> dict:
    """Draw one line with markers per entry of ``series`` against ``sizes``; return {label: Line2D}."""
    palette = [COLORS["secant"], COLORS["tangent"], COLORS["function"], COLORS["taylor"], COLORS["error"]]
    lines = {}
    with house_style():
        for (label, values), color, marker, dashes in zip(series.items(), palette, "os^Dv", ("-", "--", "-.", ":", "-")):
            lines[label], = ax.plot(sizes, values, marker=marker, linestyle=dashes, color=color, markersize=5,
                                    label=label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if logy:
            ax.set_yscale("log")
        ax.legend(loc="upper left")
    return lines

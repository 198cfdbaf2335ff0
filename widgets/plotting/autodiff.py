"""Drawing helpers for section 5.6: computation graphs (Figs. 5.8-5.11) and operation counts.

Graphs are drawn with matplotlib alone: nodes are text boxes, edges are arrows ending on the
boxes, and :func:`layered_layout` places the nodes in layers by depth (inputs on the left,
the output on the right). ``update_computation_graph`` rewrites the node texts and colours in
place, so an explorer walking through a trace never re-plots.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from widgets.autodiff import Trace
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


def draw_graph(ax: Axes, labels: Sequence[str], edges: Sequence[tuple[int, int]], positions,
               fontsize: float = 10, edge_color: str = COLORS["axis"], box_color: str = "#B0B0B0",
               bends: Mapping[tuple[int, int], float] | None = None) -> dict:
    """Draw nodes as text boxes at ``positions`` and edges as arrows between them; return the artists.

    Returns ``{"nodes": [Text], "edges": {(i, j): EdgeArrow}}``. Boxes are drawn before
    arrows, so each arrow starts and ends on the boxes' current outlines.
    """
    positions = np.asarray(positions, dtype=np.float64)
    bends = dict(bends or {})
    with house_style():
        nodes = []
        for label, (x, y) in zip(labels, positions):
            nodes.append(ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=2,
                                 linespacing=1.5,
                                 bbox=dict(boxstyle="round,pad=0.45", facecolor="white", edgecolor=box_color,
                                           linewidth=1.2)))
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


def draw_computation_graph(ax: Axes, trace: Trace, step: int | None = None, fontsize: float | None = None) -> dict:
    """Draw the computation graph of a trace (Fig. 5.11) with each node's value and adjoint; return the artists.

    ``step`` (default: the last, 2N) chooses how much of the forward and backward pass is shown,
    see :meth:`widgets.autodiff.Trace.state`.
    """
    parents = [row.parents for row in trace.rows]
    positions = layered_layout(parents)
    n_layers = int(positions[:, 0].max()) + 1
    n_rows = int(max(np.unique(positions[:, 0], return_counts=True)[1]))
    fontsize = fontsize if fontsize is not None else graph_fontsize(n_layers, n_rows)
    edges = sorted({(p, row.index) for row in trace.rows for p in row.parents}, key=lambda e: (e[1], e[0]))
    bends = {(p, c): _bend(positions, p, c) for p, c in edges}
    artists = draw_graph(ax, [d for d, _, _ in _node_texts(trace)], edges, positions, fontsize=fontsize,
                         bends=bends)
    artists["positions"] = positions
    artists["structure"] = [(row.op, row.parents) for row in trace.rows]
    _frame(ax, positions, margin=(0.55, 0.3 + 0.1 * n_rows))
    update_computation_graph(artists, trace, trace.steps if step is None else step)
    return artists


def update_computation_graph(artists: Mapping, trace: Trace, step: int) -> dict:
    """Show the walk at ``step`` on a drawn graph: values, adjoints, the current node highlighted.

    Returns the walk's state (:meth:`widgets.autodiff.Trace.state`). The trace must have the
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
        for (label, values), color in zip(series.items(), palette):
            lines[label], = ax.plot(sizes, values, "o-", color=color, markersize=4, label=label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if logy:
            ax.set_yscale("log")
        ax.legend(loc="upper left")
    return lines

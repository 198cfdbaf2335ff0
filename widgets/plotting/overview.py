"""Drawing helpers for the overview (section 5.0): Fig. 5.1 in miniature and the concept map of Fig. 5.2."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from widgets.plotting.style import COLORS, house_style


def draw_curve_fitting(ax: Axes, x: np.ndarray, y: np.ndarray, coefficients: np.ndarray) -> dict:
    """Draw observations and a fitted polynomial (Fig. 5.1a); return the artists."""
    with house_style():
        grid = np.linspace(x.min() - 0.3, x.max() + 0.3, 300)
        artists = {
            "data": ax.plot(x, y, "o", color=COLORS["point"], markersize=4, label="training data")[0],
            "fit": ax.plot(grid, np.polyval(coefficients, grid), color=COLORS["function"], label="fitted curve")[0],
        }
        ax.set(xlabel="$x$", ylabel="$y$", title="(a) regression")
        ax.legend(loc="upper right")
    return artists


def draw_density(ax: Axes, points: np.ndarray, grid_x: np.ndarray, grid_y: np.ndarray, density: np.ndarray) -> dict:
    """Draw samples and density contours (Fig. 5.1b); return the artists."""
    with house_style():
        artists = {
            "contours": ax.contour(grid_x, grid_y, density, levels=8, cmap="viridis", linewidths=1.2),
            "data": ax.plot(points[:, 0], points[:, 1], ".", color=COLORS["point"], markersize=3, alpha=0.5)[0],
        }
        ax.set(xlabel="$x_1$", ylabel="$x_2$", title="(b) density estimation", aspect="equal")
    return artists


#: The chapter's sections on the concept map: key -> (x, y, label).
CONCEPT_SECTIONS = {
    "quotient": (0.10, 0.82, "差商 difference quotient\n§5.1"),
    "partial": (0.37, 0.82, "偏导数 partial derivatives\n梯度 gradient  §5.2"),
    "hessian": (0.66, 0.94, "Hessian 矩阵  §5.7"),
    "jacobian": (0.66, 0.66, "Jacobian 矩阵\n§5.3–5.5"),
    "taylor": (0.91, 0.82, "Taylor 级数\n§5.1, §5.8"),
    "backprop": (0.37, 0.52, "反向传播 backprop\n§5.6"),
}
#: The chapters that use them, in a row along the bottom of the map (left to right): key -> label.
CONCEPT_CHAPTERS = {"ch7": "第7章\n优化 optimization", "ch9": "第9章\n回归 regression",
                    "ch12": "第12章\n分类 classification", "ch10": "第10章\n降维 dim. reduction",
                    "ch11": "第11章\n密度估计 density est.", "ch6": "第6章\n概率 probability"}
#: Nodes of the concept map: key -> (x, y, label, kind). Kinds: "section" (this chapter), "chapter".
CONCEPT_NODES = {**{key: (*node, "section") for key, node in CONCEPT_SECTIONS.items()},
                 **{key: (round(0.10 + 0.17 * i, 2), 0.15, label, "chapter")
                    for i, (key, label) in enumerate(CONCEPT_CHAPTERS.items())}}

#: The chapters that use a section, by section: an arrow each, the middle one labelled 「用于 used in」.
CONCEPT_USES = {"backprop": ("ch7", "ch9", "ch12"), "jacobian": ("ch10", "ch11", "ch6")}
#: Edges of the concept map: (from, to, label).
CONCEPT_EDGES = [
    ("quotient", "partial", "定义 defines"),
    ("partial", "hessian", "二阶 2nd order"),
    ("partial", "jacobian", "组成 collected in"),
    ("hessian", "taylor", ""),
    ("jacobian", "taylor", "用于 used in"),
    ("partial", "backprop", "链式法则 chain rule"),
] + [(start, end, "用于 used in" if k == 1 else "") for start, ends in CONCEPT_USES.items() for k, end in enumerate(ends)]


def draw_concept_map(ax: Axes) -> dict:
    """Draw the chapter's concept map (after book Fig. 5.2), with Chinese and English labels; return the artists."""
    artists: dict = {"boxes": {}, "arrows": []}
    with house_style():
        ax.set_xlim(-0.02, 1.06)
        ax.set_ylim(0.05, 1.0)
        ax.axis("off")
        for key, (x, y, label, kind) in CONCEPT_NODES.items():
            face = "#DCEBF7" if kind == "section" else "#F3F3F3"
            text = ax.text(x, y, label, ha="center", va="center", fontsize=11 if kind == "section" else 10,
                           bbox=dict(boxstyle="round,pad=0.4", facecolor=face, edgecolor="#4A6D8C"), zorder=3)
            artists["boxes"][key] = text
        for start, end, label in CONCEPT_EDGES:
            (x0, y0), (x1, y1) = CONCEPT_NODES[start][:2], CONCEPT_NODES[end][:2]
            # patchA/patchB clip the arrow at the label boxes, so every arrowhead stays visible
            arrow = FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12, color="#4A6D8C",
                                    linewidth=1.0, shrinkA=2, shrinkB=2, zorder=2,
                                    patchA=artists["boxes"][start].get_bbox_patch(),
                                    patchB=artists["boxes"][end].get_bbox_patch())
            ax.add_patch(arrow)
            artists["arrows"].append(arrow)
            if label:
                ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.02, label, ha="center", va="bottom", fontsize=9.5,
                        color="#333333", zorder=4)
        ax.set_title("第5章 概念地图 (concept map of chapter 5)")
    return artists

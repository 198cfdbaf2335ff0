"""Drawing helpers for sections 5.4 and 5.5: a gradient tensor as a grid of heat-map slices (a
*mosaic*), its flattened Jacobian (Fig. 5.7), a gradient identity checked cell by cell against
central differences, and a dot plot of relative errors.

Each ``draw_*`` function draws on a given ``Axes`` and returns a dict of artists; the matching
``update_*`` function changes those artists in place (``set_data``, ``set_extent``, ``set_bounds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from widgets.plotting.style import COLORS, SelfContainedFormatter, house_style

CMAP = "RdBu_r"
Index = tuple[int, ...]


def _grid(shape: Sequence[int], vector_as_row: bool) -> tuple[int, int]:
    shape = tuple(shape)
    if len(shape) == 0:
        return (1, 1)
    if len(shape) == 1:
        return (1, shape[0]) if vector_as_row else (shape[0], 1)
    if len(shape) == 2:
        return shape
    raise ValueError("the mosaic shows scalars, vectors and matrices only")


@dataclass(frozen=True)
class MosaicLayout:
    """Where each entry of a tensor T[outer + inner] sits in a 2-D mosaic of slices.

    The ``outer`` indices choose a slice (a block in a grid of blocks, a column vector's
    blocks stacked downwards unless ``outer_as_row``); the ``inner`` indices choose the cell
    inside the block (a vector's cells laid out as a row). Blocks are ``gap`` cells apart.
    """

    outer_shape: tuple[int, ...]
    inner_shape: tuple[int, ...]
    gap: int = 1
    outer_as_row: bool = False

    @property
    def grid(self) -> tuple[int, int]:
        """Number of blocks down and across."""
        return _grid(self.outer_shape, self.outer_as_row)

    @property
    def block(self) -> tuple[int, int]:
        """Number of cells in one block, down and across."""
        return _grid(self.inner_shape, vector_as_row=True)

    @property
    def size(self) -> tuple[int, int]:
        """Rows and columns of the whole mosaic, gaps included."""
        (gr, gc), (br, bc) = self.grid, self.block
        return (gr * br + (gr - 1) * self.gap, gc * bc + (gc - 1) * self.gap)

    @staticmethod
    def _cell(index: Index, shape: tuple[int, ...], grid: tuple[int, int]) -> tuple[int, int]:
        """Return (row, column) of ``index`` of an array of ``shape`` laid out row-major on ``grid``."""
        flat = int(np.ravel_multi_index(tuple(index), shape)) if shape else 0
        return divmod(flat, grid[1])

    def block_origin(self, outer: Index) -> tuple[int, int]:
        """Return the mosaic row and column of the top-left cell of slice ``outer``."""
        gr, gc = self._cell(outer, self.outer_shape, self.grid)
        br, bc = self.block
        return (gr * (br + self.gap), gc * (bc + self.gap))

    def position(self, outer: Index, inner: Index) -> tuple[int, int]:
        """Return the mosaic (row, column) of the tensor entry T[outer + inner]."""
        r0, c0 = self.block_origin(outer)
        r, c = self._cell(inner, self.inner_shape, self.block)
        return (r0 + r, c0 + c)

    def entry(self, row: int, col: int) -> tuple[Index, Index] | None:
        """Return (outer, inner) of the entry at a mosaic cell, or None in a gap or outside."""
        (gr, gc), (br, bc) = self.grid, self.block
        rows, cols = self.size
        if not (0 <= row < rows and 0 <= col < cols):
            return None
        bi, ri = divmod(row, br + self.gap)
        bj, ci = divmod(col, bc + self.gap)
        if ri >= br or ci >= bc:
            return None
        outer_flat = bi * gc + bj
        inner_flat = ri * bc + ci
        outer = tuple(int(v) for v in np.unravel_index(outer_flat, self.outer_shape)) if self.outer_shape else ()
        inner = tuple(int(v) for v in np.unravel_index(inner_flat, self.inner_shape)) if self.inner_shape else ()
        return outer, inner

    def flat(self, outer: Index, inner: Index) -> tuple[int, int]:
        """Return the 0-based (row, column) of the Jacobian (the flattened tensor) that holds T[outer + inner]."""
        return (int(np.ravel_multi_index(tuple(outer), self.outer_shape)) if self.outer_shape else 0,
                int(np.ravel_multi_index(tuple(inner), self.inner_shape)) if self.inner_shape else 0)

    def unflat(self, row: int, col: int) -> tuple[Index, Index]:
        """Return (outer, inner) of the tensor entry at the 0-based (row, column) of the Jacobian (``flat``'s inverse)."""
        return (tuple(int(v) for v in np.unravel_index(row, self.outer_shape)) if self.outer_shape else (),
                tuple(int(v) for v in np.unravel_index(col, self.inner_shape)) if self.inner_shape else ())

    def mosaic(self, T) -> np.ndarray:
        """Return the mosaic of T (shape outer + inner) as a float array with NaN in the gaps."""
        T = np.asarray(T, dtype=np.float64).reshape(tuple(self.outer_shape) + tuple(self.inner_shape))
        out = np.full(self.size, np.nan)
        br, bc = self.block
        for outer in np.ndindex(*self.outer_shape):
            r0, c0 = self.block_origin(outer)
            out[r0:r0 + br, c0:c0 + bc] = T[outer].reshape(br, bc)
        return out


def _limit(values: np.ndarray, vmax: float | None) -> float:
    if vmax is not None:
        return float(vmax)
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 1.0
    return top if top > 0 else 1.0


def _image(ax: Axes, data: np.ndarray, vmax: float):
    cmap = colormaps[CMAP].with_extremes(bad="white")  # the gaps between slices are NaN: white
    return ax.imshow(data, cmap=cmap, vmin=-vmax, vmax=vmax, interpolation="none", aspect="equal")


def _frame(ax: Axes, shape: tuple[int, int]) -> None:
    rows, cols = shape
    image = ax.images[0]
    image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)


def _bare(ax: Axes) -> None:
    """Remove ticks, grid and spines: a heat map carries its own cell lines."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _rectangle(ax: Axes, color: str, linewidth: float, linestyle: str = "-") -> Rectangle:
    patch = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=color, linewidth=linewidth,
                      linestyle=linestyle, zorder=5, clip_on=False)
    ax.add_patch(patch)
    return patch


def _box(r0: float, c0: float, rows: int, cols: int) -> list:
    """Return the four edges of the box around cells r0..r0+rows-1, c0..c0+cols-1 as segments (x, y)."""
    top, bottom, left, right = r0 - 0.5, r0 + rows - 0.5, c0 - 0.5, c0 + cols - 0.5
    return [[(left, top), (right, top)], [(right, top), (right, bottom)],
            [(right, bottom), (left, bottom)], [(left, bottom), (left, top)]]


def _cell_lines(r0: float, c0: float, rows: int, cols: int) -> list:
    """Return the inner lines between the cells of a rows×cols block as segments."""
    top, bottom, left, right = r0 - 0.5, r0 + rows - 0.5, c0 - 0.5, c0 + cols - 0.5
    return ([[(c0 + k - 0.5, top), (c0 + k - 0.5, bottom)] for k in range(1, cols)]
            + [[(left, r0 + k - 0.5), (right, r0 + k - 0.5)] for k in range(1, rows)])


def mosaic_segments(layout: "MosaicLayout") -> tuple[list, list]:
    """Return (block outlines, inner cell lines) of a mosaic as line segments."""
    br, bc = layout.block
    outlines, cells = [], []
    for outer in np.ndindex(*layout.outer_shape):
        r0, c0 = layout.block_origin(outer)
        outlines += _box(r0, c0, br, bc)
        cells += _cell_lines(r0, c0, br, bc)
    return outlines, cells


def _lines(ax: Axes, color: str, linewidth: float) -> LineCollection:
    collection = LineCollection([], colors=color, linewidths=linewidth, zorder=4, clip_on=False)
    ax.add_collection(collection, autolim=False)
    return collection


def _texts(ax: Axes, data: np.ndarray, fmt: str, vmax: float) -> list:
    """Write each finite value in its cell, white on dark cells."""
    texts = []
    for (r, c), value in np.ndenumerate(data):
        if np.isfinite(value):
            color = "white" if abs(value) > 0.6 * vmax else "black"
            text = format(value, fmt).replace("-", "\N{MINUS SIGN}")
            texts.append(ax.text(c, r, text, ha="center", va="center", fontsize=8, color=color))
    return texts


def _heat_map(ax: Axes, data: np.ndarray, vmax: float, lines: tuple[list, list], boxed: str, annotate: bool,
              fmt: str) -> dict:
    """Draw ``data`` as a heat map with its (outline, cell) ``lines``, two hidden highlight boxes (``boxed``, a
    slice or a row, and "entry") and, when ``annotate``, its values; return the artists."""
    artists = {"image": _image(ax, data, vmax), "cells": _lines(ax, "white", 0.8),
               "outlines": _lines(ax, COLORS["axis"], 1.0)}
    artists["outlines"].set_segments(lines[0])
    artists["cells"].set_segments(lines[1])
    artists[boxed] = _rectangle(ax, COLORS["secant"], 1.5, "--")
    artists["entry"] = _rectangle(ax, COLORS["point"], 2.5)
    artists[boxed].set_visible(False)
    artists["entry"].set_visible(False)
    _frame(ax, data.shape)
    _bare(ax)
    if annotate:
        artists["texts"] = _texts(ax, data, fmt, vmax)
    return artists


def value_colorbar(image, **where):
    """Add a colour bar for a heat map (``where``: ``cax=`` or ``ax=`` and sizes, as ``Figure.colorbar``) whose
    ticks keep their power of ten on each label (a difference of 1e-10 is readable); return it."""
    bar = image.figure.colorbar(image, **where)
    bar.formatter = SelfContainedFormatter()
    bar.ax.tick_params(labelsize=9)
    bar.outline.set_visible(False)
    return bar


def draw_tensor_mosaic(ax: Axes, T, layout: MosaicLayout, vmax: float | None = None,
                       annotate: bool = False, fmt: str = ".2g") -> dict:
    """Draw a gradient tensor as a grid of heat-map slices (Fig. 5.7a); return the image and highlight boxes."""
    with house_style():
        data = layout.mosaic(T)
        return _heat_map(ax, data, _limit(data, vmax), mosaic_segments(layout), "block", annotate, fmt)


def update_tensor_mosaic(artists: Mapping, T, layout: MosaicLayout, selected: tuple[Index, Index] | None = None,
                         vmax: float | None = None) -> np.ndarray:
    """Show a new tensor (any shapes) in the mosaic and box the selected (outer, inner) entry; return the mosaic."""
    image = artists["image"]
    data = layout.mosaic(T)
    image.set_data(data)
    limit = _limit(data, vmax)
    image.set_clim(-limit, limit)
    _frame(image.axes, layout.size)
    outlines, cells = mosaic_segments(layout)
    artists["outlines"].set_segments(outlines)
    artists["cells"].set_segments(cells)
    select_in_mosaic(artists, layout, selected)
    return data


def select_in_mosaic(artists: Mapping, layout: MosaicLayout, selected: tuple[Index, Index] | None) -> None:
    """Box the selected (outer, inner) entry of a drawn mosaic and its slice (None hides the boxes);
    only the two boxes change."""
    if selected is None:
        artists["block"].set_visible(False)
        artists["entry"].set_visible(False)
        return
    outer, inner = selected
    r0, c0 = layout.block_origin(outer)
    br, bc = layout.block
    artists["block"].set_bounds(c0 - 0.5, r0 - 0.5, bc, br)
    r, c = layout.position(outer, inner)
    artists["entry"].set_bounds(c - 0.5, r - 0.5, 1, 1)
    artists["block"].set_visible(True)
    artists["entry"].set_visible(True)


def label_slices(ax: Axes, layout: MosaicLayout, label) -> list:
    """Write ``label(outer)`` (e.g. "$\\partial K_{12}/\\partial R$") above each slice of a drawn mosaic, in
    the gap between the slices (above the first row of slices: over the heat map); return the texts."""
    br, bc = layout.block
    texts = []
    for outer in np.ndindex(*layout.outer_shape):
        r0, c0 = layout.block_origin(outer)
        texts.append(ax.text(c0 + (bc - 1) / 2, r0 - 0.55, label(outer), ha="center", va="bottom", fontsize=9,
                             color=COLORS["axis"], clip_on=False))
    return texts


def write_values(ax: Axes, data, vmax: float | None = None, fmt: str = ".2g") -> list:
    """Write each finite value of a drawn heat map in its cell (white on dark cells); return the texts."""
    data = np.atleast_2d(np.asarray(data, dtype=np.float64))
    return _texts(ax, data, fmt, _limit(data, vmax))


def draw_jacobian(ax: Axes, J, vmax: float | None = None, annotate: bool = False, fmt: str = ".2g") -> dict:
    """Draw a flattened Jacobian (#F × #X) as a heat map (Fig. 5.7b); return the image and highlight boxes."""
    with house_style():
        J = np.atleast_2d(np.asarray(J, dtype=np.float64))
        return _heat_map(ax, J, _limit(J, vmax), (_box(0, 0, *J.shape), _cell_lines(0, 0, *J.shape)), "row",
                         annotate, fmt)


def update_jacobian(artists: Mapping, J, selected: tuple[int, int] | None = None, vmax: float | None = None) -> None:
    """Show a new Jacobian (any shape) and box the selected (row, column) entry and its row."""
    J = np.atleast_2d(np.asarray(J, dtype=np.float64))
    image = artists["image"]
    image.set_data(J)
    limit = _limit(J, vmax)
    image.set_clim(-limit, limit)
    _frame(image.axes, J.shape)
    artists["cells"].set_segments(_cell_lines(0, 0, *J.shape))
    artists["outlines"].set_segments(_box(0, 0, *J.shape))
    select_in_jacobian(artists, J.shape, selected)


def select_in_jacobian(artists: Mapping, shape: tuple[int, int], selected: tuple[int, int] | None) -> None:
    """Box the selected (row, column) entry of a drawn Jacobian of ``shape`` and its row (None hides the
    boxes); only the two boxes change."""
    if selected is None:
        artists["row"].set_visible(False)
        artists["entry"].set_visible(False)
        return
    r, c = selected
    artists["row"].set_bounds(-0.5, r - 0.5, shape[1], 1)
    artists["entry"].set_bounds(c - 0.5, r - 0.5, 1, 1)
    artists["row"].set_visible(True)
    artists["entry"].set_visible(True)


def subscripted(name: str, index: Index) -> str:
    """Return an entry's name with its 1-based index as a LaTeX subscript, e.g. ``K_{12}`` for K[0, 1]."""
    return f"{name}_{{{''.join(str(i + 1) for i in index)}}}"


def select_entry(mosaic: Mapping, jacobian: Mapping, layout: MosaicLayout, selected: tuple[Index, Index]) -> None:
    """Box the selected (outer, inner) entry, its slice in a drawn mosaic and its row in the drawn Jacobian."""
    select_in_mosaic(mosaic, layout, selected)
    select_in_jacobian(jacobian, (prod(layout.outer_shape), prod(layout.inner_shape)), layout.flat(*selected))


def show_gradient(mosaic: Mapping, jacobian: Mapping, T, layout: MosaicLayout, names: tuple[str, str],
                  selected: tuple[Index, Index], texts: Sequence = (), max_written: int = 12) -> list:
    """Show a new gradient dF/dX (``T``, shape outer + inner of ``layout``; ``names`` = F, X) in a drawn mosaic and
    Jacobian (``draw_tensor_mosaic``, ``draw_jacobian``): heat maps, titles, the boxes of the ``selected`` entry, a
    label over each slice and, while a heat map is at most ``max_written`` cells across and down, the values in
    its cells. Remove ``texts`` (those of the gradient shown before) and return the new ones."""
    F, X = names
    J = np.asarray(T, dtype=np.float64).reshape(prod(layout.outer_shape), prod(layout.inner_shape))
    ax_m, ax_j = mosaic["image"].axes, jacobian["image"].axes
    update_tensor_mosaic(mosaic, T, layout, selected)
    update_jacobian(jacobian, J, layout.flat(*selected))
    shape = r"\times".join(str(n) for n in (*layout.outer_shape, *layout.inner_shape))
    ax_m.set_title(rf"$\partial {F}/\partial {X}$: ${shape}$", fontsize=10, pad=26)
    ax_j.set_title(rf"Jacobian: ${J.shape[0]}\times{J.shape[1]}$", fontsize=10, pad=16)
    for text in texts:
        text.remove()
    texts = label_slices(ax_m, layout, lambda outer: rf"$\partial {subscripted(F, outer)}/\partial {X}$")
    vmax = float(np.max(np.abs(T))) or 1.0
    if max(layout.size) <= max_written:
        texts += write_values(ax_m, layout.mosaic(T), vmax)
    if max(J.shape) <= max_written:
        texts += write_values(ax_j, J, vmax)
    return texts


def clicked_entry(event, mosaic_ax: Axes, jacobian_ax: Axes, layout: MosaicLayout) -> tuple[int, int] | None:
    """Return the 0-based Jacobian (row, column) of the entry under a mouse ``event`` on a drawn mosaic of ``layout``
    or on its Jacobian, or None (a gap between slices, outside both)."""
    if event.inaxes is None or event.xdata is None or event.ydata is None:
        return None
    r, c = int(round(event.ydata)), int(round(event.xdata))
    if event.inaxes is mosaic_ax:
        hit = layout.entry(r, c)
        return None if hit is None else layout.flat(*hit)
    inside = 0 <= r < prod(layout.outer_shape) and 0 <= c < prod(layout.inner_shape)
    return (r, c) if event.inaxes is jacobian_ax and inside else None


def draw_fig_5_7(axes: Sequence[Axes], T, f_shape: Sequence[int], x_shape: Sequence[int]) -> dict:
    """Draw Fig. 5.7 for dA/dx: (a) the partials dA/dx_k collected side by side, (b) the flattened Jacobian."""
    f_shape, x_shape = tuple(f_shape), tuple(x_shape)
    T = np.asarray(T, dtype=np.float64).reshape(f_shape + x_shape)
    # slices by input: move the x axes to the front (the denominator order) so each block is dA/dx_k
    by_input = np.moveaxis(T, list(range(len(f_shape), T.ndim)), list(range(len(x_shape))))
    vmax = _limit(T, None)
    left = draw_tensor_mosaic(axes[0], by_input, MosaicLayout(x_shape, f_shape, outer_as_row=True), vmax,
                              annotate=True)
    right = draw_jacobian(axes[1], T.reshape(prod(f_shape), prod(x_shape)), vmax, annotate=True)
    names = ", ".join(rf"\partial A/\partial x_{k + 1}" for k in range(prod(x_shape)))
    axes[0].set_title(rf"(a) partials ${names}$" + "\n" + rf"collected: ${'×'.join(map(str, f_shape + x_shape))}$",
                      fontsize=10)
    axes[1].set_title(rf"(b) $\partial\,\tilde A/\partial x$, $\tilde A$ = flattened $A$" + "\n"
                      + rf"${prod(f_shape)}\times{prod(x_shape)}$, reshape → ${'×'.join(map(str, f_shape + x_shape))}$",
                      fontsize=10)
    return {"partials": left, "jacobian": right}


def draw_error_dots(ax: Axes, labels: Sequence[str], errors: Sequence[float], threshold: float = 1e-6) -> dict:
    """Draw relative errors on a log axis, one row per label, with the passing threshold; return the artists."""
    with house_style():
        errors = np.maximum(np.asarray(errors, dtype=np.float64), 1e-17)
        y = np.arange(len(errors))
        artists = {
            "dots": ax.scatter(errors, y, color=COLORS["function"], zorder=3, s=22),
            "threshold": ax.axvline(threshold, color=COLORS["taylor"], linestyle="--", linewidth=1.2,
                                    label=f"threshold {threshold:.0e}"),
        }
        ax.set_xscale("log")
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(1e-14, 1e-3)
        ax.set_xlabel("relative error")
    return artists


# -- a gradient identity at work (section 5.5) ------------------------------------------------------
#: Most rows and columns an identity check shows (its cell labels are made once, for this many cells).
CHECK_MAX = 5

#: Titles of the three panels of an identity check.
CHECK_TITLES = ("有限差分 (central differences)", "恒等式右边 (closed form)", "两者之差 (difference)")


def _as_grid(values) -> np.ndarray:
    """Return a gradient as rows × columns: a matrix as it is, a vector (or scalar) as one row."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim > 2:
        raise ValueError("an identity check shows vectors and matrices only")
    return values.reshape(1, -1) if values.ndim < 2 else values


def _cell_text(value: float, small: bool) -> str:
    text = f"{value:.1e}" if small and value != 0 else f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "\N{MINUS SIGN}")


def _index_ticks(ax: Axes, shape: tuple[int, int]) -> None:
    """Label rows and columns 1, 2, ... (the book's indices) without tick marks."""
    rows, cols = shape
    ax.set_xticks(range(cols), [str(j + 1) for j in range(cols)], fontsize=9)
    ax.set_yticks(range(rows), [str(i + 1) for i in range(rows)], fontsize=9)
    ax.tick_params(length=0, pad=2, labeltop=True, labelbottom=False)


def _check_panel(ax: Axes, data: np.ndarray, vmax: float, title: str) -> dict:
    artists = {"image": _image(ax, data, vmax)}
    artists["cells"] = _lines(ax, "white", 0.8)
    artists["outlines"] = _lines(ax, COLORS["axis"], 1.0)
    artists["texts"] = [ax.text(0, 0, "", ha="center", va="center", fontsize=8, visible=False)
                        for _ in range(CHECK_MAX * CHECK_MAX)]
    artists["colorbar"] = value_colorbar(artists["image"], ax=ax, fraction=0.046, pad=0.03)
    ax.set_title(title, fontsize=10, pad=18)
    _bare(ax)
    return artists


def _show_panel(artists: Mapping, data: np.ndarray, vmax: float, small: bool) -> None:
    image = artists["image"]
    image.set_data(data)
    image.set_clim(-vmax, vmax)
    _frame(image.axes, data.shape)
    _index_ticks(image.axes, data.shape)
    artists["cells"].set_segments(_cell_lines(0, 0, *data.shape))
    artists["outlines"].set_segments(_box(0, 0, *data.shape))
    rows, cols = data.shape
    for k, text in enumerate(artists["texts"]):
        r, c = divmod(k, CHECK_MAX)
        if r < rows and c < cols:
            value = float(data[r, c])
            text.set_position((c, r))
            text.set_text(_cell_text(value, small))
            text.set_color("white" if abs(value) > 0.6 * vmax else "black")
            text.set_visible(True)
        else:
            text.set_visible(False)


def update_identity_check(artists: Mapping, numeric, closed) -> np.ndarray:
    """Show a new pair (central differences, closed form) of any shape up to CHECK_MAX × CHECK_MAX in a
    drawn identity check; return their difference (numeric − closed) as rows × columns."""
    numeric, closed = _as_grid(numeric), _as_grid(closed)
    if numeric.shape != closed.shape:
        raise ValueError(f"the two gradients differ in shape: {numeric.shape} and {closed.shape}")
    if max(numeric.shape) > CHECK_MAX:
        raise ValueError(f"an identity check shows at most {CHECK_MAX} × {CHECK_MAX} entries")
    difference = numeric - closed
    scale = _limit(np.concatenate([numeric.ravel(), closed.ravel()]), None)
    tiny = _limit(difference, None) if np.any(difference) else np.finfo(float).eps * scale
    for panel, data, vmax, small in zip(artists["panels"], (numeric, closed, difference), (scale, scale, tiny),
                                        (False, False, True)):
        _show_panel(panel, data, vmax, small)
    return difference


def draw_identity_check(axes: Sequence[Axes], numeric, closed, titles: Sequence[str] = CHECK_TITLES) -> dict:
    """Draw a gradient identity at work on three Axes: the gradient by central differences, the identity's
    closed form (one colour scale for both) and their difference (its own, much finer scale), each a heat
    map with its values in the cells and a colour bar; return the artists ({"panels": [three dicts]})."""
    with house_style():
        numeric, closed = _as_grid(numeric), _as_grid(closed)
        artists = {"panels": [_check_panel(ax, np.zeros_like(numeric), 1.0, title)
                              for ax, title in zip(axes, titles)]}
        update_identity_check(artists, numeric, closed)
    return artists

"""House style for every figure: sizes, colours, math-text labels and the package's own CJK font."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Iterator

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

#: Named colours used across the companion (the colour-blind safe set of Okabe & Ito; tests/test_palette.py
#: checks that the line colours stay apart under simulated deuteranopia, protanopia and tritanopia and on a
#: washed-out projector). Lines that share a figure also differ by LINESTYLES, never by colour alone.
COLORS = {
    "function": "#0072B2",   # blue: the function f
    "secant": "#E69F00",     # orange: secants, approximations
    "tangent": "#009E73",    # green: tangents, exact derivatives
    "taylor": "#D55E00",     # vermilion: Taylor polynomials
    "error": "#CC79A7",      # purple: error regions
    "point": "#000000",      # black: marked points
    "axis": "#555555",       # grey: coordinate axes
    "grid": "#DDDDDD",
}

#: Line style of each role: a reader who cannot tell the colours apart still tells the lines apart.
LINESTYLES = {
    "function": "-",
    "secant": "-.",
    "tangent": "--",
    "taylor": (0, (5, 1.5, 1.5, 1.5)),   # dash-dot, denser than the secant's
    "error": ":",
}

#: The CJK font shipped with the package for Chinese text: a subset of Noto Sans CJK SC (SIL OFL 1.1,
#: licence in fonts/OFL.txt) holding every character the package draws, built by tools/subset_cjk_font.py.
CJK_FONT_FILE = Path(__file__).with_name("fonts") / "MMLSansCJKsc-Regular.otf"
CJK_FONT_FILES = (CJK_FONT_FILE, CJK_FONT_FILE.with_name("MMLSansCJKsc-Bold.otf"))
CJK_FONT = "MML Sans CJK SC"


def register_cjk_font() -> None:
    """Make the shipped CJK faces known to matplotlib (once; the package does it when it is imported)."""
    known = {Path(f.fname) for f in font_manager.fontManager.ttflist}
    for path in CJK_FONT_FILES:
        if path not in known:
            font_manager.fontManager.addfont(str(path))


register_cjk_font()

FIGSIZE = (7.0, 4.0)

#: Largest magnitude an axis limit may take (matplotlib's tickers overflow near 1e308, log ones sooner).
MAX_LIMIT = 1e100


def clip_limit(value: float, log: bool = False) -> float:
    """Return ``value`` clipped to what an axis limit may be (+-MAX_LIMIT; [1/MAX_LIMIT, MAX_LIMIT] on a log axis)."""
    bottom, top = (1.0 / MAX_LIMIT, MAX_LIMIT) if log else (-MAX_LIMIT, MAX_LIMIT)
    return min(max(float(value), bottom), top)


def safe_limits(lo: float, hi: float, log: bool = False) -> tuple[float, float]:
    """Return (lo, hi) made usable as axis limits: finite, increasing, within +-MAX_LIMIT
    (within [1/MAX_LIMIT, MAX_LIMIT] on a log axis)."""
    values = [clip_limit(v, log) for v in (lo, hi) if v == v]  # v == v: not NaN
    if len(values) < 2 or values[0] >= values[1]:
        middle = values[0] if values else (1.0 if log else 0.0)
        return (middle / 10.0, middle * 10.0) if log else (middle - 1.0, middle + 1.0)
    return values[0], values[1]


class SelfContainedFormatter(ScalarFormatter):
    """Tick labels that carry their own power of ten ("2e25", "−3.5e-11") instead of a separate offset
    label above the axis, which a fixed layout may cut off; ordinary values keep matplotlib's labels."""

    def __init__(self):
        super().__init__(useOffset=False)
        self._digits: int | None = None

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        locs = [float(v) for v in locs]
        self._digits = None
        if super().get_offset():   # matplotlib would write a power of ten above the axis
            scale = max((abs(v) for v in locs), default=1.0) or 1.0
            for digits in range(1, 8):  # the fewest digits that write every tick exactly
                if all(abs(float(f"{v:.{digits}g}") - v) <= 1e-9 * scale for v in locs):
                    break
            self._digits = digits

    @staticmethod
    def _short(value: float, digits: int) -> str:
        if value == 0:
            return "0"
        mantissa, _, exponent = f"{value:.{digits}g}".partition("e")
        text = mantissa + (f"e{int(exponent)}" if exponent else "")
        return text.replace("-", "\N{MINUS SIGN}")

    @staticmethod
    def fix_minus(s: str) -> str:
        """Always the minus sign, whatever ``axes.unicode_minus`` says when the figure is drawn."""
        return s.replace("-", "\N{MINUS SIGN}")

    def __call__(self, x, pos=None) -> str:
        if self._digits is None:
            return super().__call__(x, pos)
        return self._short(x, self._digits)

    def get_offset(self) -> str:
        return "" if self._digits is not None else super().get_offset()


def self_contained_ticks(ax, axis: str = "y") -> None:
    """Give ``ax``'s ``axis`` ("x" or "y") tick labels that need no offset label (see SelfContainedFormatter)."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(SelfContainedFormatter())


def cjk_font_available() -> bool:
    """Return True when the shipped CJK font is known to matplotlib."""
    return any(f.name == CJK_FONT for f in font_manager.fontManager.ttflist)


def house_rc() -> dict:
    """Return the rcParams of the house style; the font list falls back to the shipped CJK font glyph by glyph.

    Matplotlib falls back glyph by glyph only across the families named in ``font.family``
    (a generic name such as "sans-serif" resolves to a single font), so both are named there.
    """
    register_cjk_font()
    return {
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 11,
        "font.family": ["DejaVu Sans", CJK_FONT],
        "font.sans-serif": ["DejaVu Sans", CJK_FONT],
        "axes.unicode_minus": False,
        "mathtext.fontset": "dejavusans",
        "axes.grid": True,
        "grid.color": COLORS["grid"],
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "legend.fontsize": 10,
        "legend.frameon": False,
        "lines.linewidth": 2.0,
    }


#: Held by every figure change and draw of the package. Matplotlib is not thread-safe (rcParams are
#: global, mathtext's parser has global state), and a kernel may handle widget messages on another
#: thread than the one running cells (ipykernel 7's subshells). Re-entrant: an explorer's update draws.
FIGURE_LOCK = threading.RLock()


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context manager applying the house style to figures created or drawn inside it (holds FIGURE_LOCK)."""
    with FIGURE_LOCK, mpl.rc_context(house_rc()):
        yield


def apply_house_style() -> None:
    """Apply the house style globally (for a notebook's own figures)."""
    mpl.rcParams.update(house_rc())


class StaticFigure(Figure):
    """A figure outside pyplot (never leaked, garbage-collected) that a notebook displays as a PNG."""

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        with house_style():
            self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"<Figure with {len(self.axes)} Axes>"


def static_figure(nrows: int = 1, ncols: int = 1, figsize=FIGSIZE, **subplot_kw):
    """Return (figure, axes) for a static book figure, displayed as a PNG when it ends a cell."""
    with house_style():
        fig = StaticFigure(figsize=figsize, layout="constrained")
        axes = fig.subplots(nrows, ncols, subplot_kw=subplot_kw or None, squeeze=True)
    return fig, axes


def finite(values) -> np.ndarray:
    """Return ``values`` as float64 with inf replaced by nan, so matplotlib leaves a gap instead of failing."""
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values

"""A machine without any system font: matplotlib sees only its own fonts and the package's CJK font."""

from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from widgets.plotting import style


def _clear_caches() -> None:
    font_manager.FontManager._findfont_cached.cache_clear()
    font_manager._get_font.cache_clear()


@contextlib.contextmanager
def only_shipped_fonts():
    """Hide every font but matplotlib's bundled ones and the shipped CJK font (as on a fresh Windows or
    macOS machine, where no Noto Sans CJK is installed), restoring the font list afterwards."""
    manager = font_manager.fontManager
    bundled = Path(matplotlib.get_data_path()).resolve()
    saved = manager.ttflist
    manager.ttflist = [f for f in saved if Path(f.fname).resolve().is_relative_to(bundled)
                       or Path(f.fname) in style.CJK_FONT_FILES]
    _clear_caches()
    try:
        yield
    finally:
        manager.ttflist = saved
        _clear_caches()


def visible_font_files() -> set[str]:
    """Return the files of every font matplotlib can choose from now."""
    return {f.fname for f in font_manager.fontManager.ttflist}

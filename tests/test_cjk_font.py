"""The package ships its own CJK font, so Chinese in figures needs no system font (Windows, macOS, Binder).

- every character any string of the package or of the notebooks' code can put in a figure is in
  matplotlib's DejaVu Sans or in the shipped font (tools/subset_cjk_font.py rebuilds it otherwise);
- the font is registered when the plotting layer is imported, carries its own name and its licence,
  and pyproject ships both;
- with every system font hidden, the concept map of 5.0 renders with no warning and the CJK family
  resolves to the shipped file.
"""

from __future__ import annotations

import ast
import fnmatch
import io
import json
import tomllib
import warnings
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from shipped_fonts import only_shipped_fonts, visible_font_files
from widgets import plotting as wp
from widgets.plotting import style

ROOT = Path(__file__).resolve().parents[1]


def _literals(source: str) -> list[str]:
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return [n.value for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def drawable_strings() -> dict[str, list[str]]:
    """Return file -> its string literals, for widgets/**/*.py (but the exercise layer, which may not import
    matplotlib: its text is HTML) and the code cells of chapter5/*.ipynb."""
    found = {}
    for path in sorted((ROOT / "widgets").rglob("*.py")):
        if path.relative_to(ROOT / "widgets").parts[0] == "exercises":
            continue
        found[str(path.relative_to(ROOT))] = _literals(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "chapter5").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found[str(path.relative_to(ROOT))] = [s for c in cells if c["cell_type"] == "code"
                                               for s in _literals("".join(c["source"]))]
    return found


def _cmap(path) -> set[int]:
    return set(TTFont(str(path)).getBestCmap())


def test_every_character_the_package_can_draw_has_a_glyph():
    dejavu = _cmap(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    shipped = _cmap(style.CJK_FONT_FILE)
    strings = drawable_strings()
    assert len(strings) > 30 and any("概念地图" in s for s in strings["widgets/plotting/overview.py"])
    missing = {name: "".join(sorted({c for s in values for c in s if ord(c) >= 0x20
                                     and ord(c) not in dejavu and ord(c) not in shipped}))
               for name, values in strings.items()}
    missing = {name: chars for name, chars in missing.items() if chars}
    assert not missing, f"run python tools/subset_cjk_font.py; characters without a glyph: {missing}"


@pytest.mark.parametrize("path", style.CJK_FONT_FILES, ids=lambda p: p.name)
def test_the_shipped_font_is_a_small_subset_under_its_own_name(path):
    font = TTFont(str(path))
    assert font["name"].getDebugName(1) == wp.CJK_FONT == "MML Sans CJK SC"
    assert "Source" not in wp.CJK_FONT and "Noto" not in wp.CJK_FONT  # the original's reserved name, a trademark
    assert "Open Font License" in font["name"].getDebugName(13)
    assert set(font.getBestCmap()) == _cmap(style.CJK_FONT_FILE)  # both faces hold the same characters
    cmap = font.getBestCmap()
    assert {ord(c) for c in "第章概念地图步长误差"} <= set(cmap)
    assert ord("龘") not in cmap  # a subset, not the whole font
    assert path.stat().st_size < 200_000
    licence = (style.CJK_FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and style.CJK_FONT_FILE.name in licence


def test_pyproject_ships_the_font_and_its_licence():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["widgets.plotting"]
    for name in [p.name for p in style.CJK_FONT_FILES] + ["OFL.txt"]:
        assert any(fnmatch.fnmatch(f"fonts/{name}", p) for p in patterns), (name, patterns)


def test_the_font_is_registered_when_the_plotting_layer_is_imported():
    assert wp.cjk_font_available()
    assert {str(p) for p in style.CJK_FONT_FILES} <= visible_font_files()
    assert wp.house_rc()["font.family"] == ["DejaVu Sans", wp.CJK_FONT]


def test_the_concept_map_renders_without_any_system_font():
    with only_shipped_fonts(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not any("noto" in f.lower() or "/usr/share/fonts" in f for f in visible_font_files())
        for weight, path in zip(("normal", "bold"), style.CJK_FONT_FILES):
            assert font_manager.findfont(font_manager.FontProperties(family=wp.CJK_FONT, weight=weight),
                                         fallback_to_default=False) == str(path)
        fig, ax = wp.static_figure(figsize=(10, 5.5))
        wp.draw_concept_map(ax)
        png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [str(w.message) for w in caught], [str(w.message) for w in caught]


def test_without_the_shipped_font_the_same_map_would_lose_glyphs(monkeypatch):
    # The check above can fail: with only the bundled fonts the concept map's Chinese has no glyphs.
    monkeypatch.setattr(style, "register_cjk_font", lambda: None)
    with only_shipped_fonts(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manager = font_manager.fontManager
        manager.ttflist = [f for f in manager.ttflist if Path(f.fname) not in style.CJK_FONT_FILES]
        fig, ax = wp.static_figure(figsize=(10, 5.5))
        wp.draw_concept_map(ax)
        fig.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)

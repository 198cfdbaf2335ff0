"""Build the CJK font shipped with the package: a subset of Noto Sans CJK SC (SIL Open Font License 1.1)
holding every character the package can draw that matplotlib's own DejaVu Sans lacks.

    python tools/subset_cjk_font.py [--source-dir /usr/share/fonts/opentype/noto]

The sources are the full fonts of Debian's fonts-noto-cjk, NotoSansCJK-Regular.ttc and -Bold.ttc, from
which the Simplified Chinese faces are taken (NotoSansCJKsc-Regular.otf and -Bold.otf work too). Run it
after adding Chinese text to a figure; tests/test_cjk_font.py fails until the font holds every glyph.
The characters come from every string literal in widgets/ and in the code cells of chapter5/*.ipynb,
plus common Chinese punctuation. The subset carries its own name (SUBSET_FAMILY), so that it never
competes with an installed Noto Sans CJK; its licence, OFL.txt, lies beside it.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_DIR = ROOT / "widgets" / "plotting" / "fonts"
#: style -> (source file names tried in turn, subset written)
FACES = {
    "Regular": (("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"), FONT_DIR / "MMLSansCJKsc-Regular.otf"),
    "Bold": (("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf"), FONT_DIR / "MMLSansCJKsc-Bold.otf"),
}
#: The subset's own name: the licence reserves "Source" for the original, and "Noto" is a trademark.
SUBSET_FAMILY = "MML Sans CJK SC"
#: Punctuation and the chapter's terms, which a Chinese label may use even if no string uses them yet.
EXTRA = ("，。、：；！？（）《》〈〉「」『』【】“”‘’—…·～％＋－＝／０１２３４５６７８９"
         "向量微积分 梯度 偏导数 雅可比矩阵 海森矩阵 泰勒级数 链式法则 反向传播 自动微分 线性化 步长 绝对误差 相对误差")


def string_literals(source: str) -> list[str]:
    """Return every string literal of Python ``source`` (IPython magics and shell lines are dropped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def drawing_modules(root: Path = ROOT) -> list[Path]:
    """Return widgets/**/*.py but the exercise layer's, which may not import matplotlib (tests/test_layers.py):
    its strings (answer boxes, 探索任务) are shown as HTML, never in a figure."""
    return [path for path in sorted((root / "widgets").rglob("*.py"))
            if path.relative_to(root / "widgets").parts[0] != "exercises"]


def package_strings(root: Path = ROOT) -> list[str]:
    """Return the string literals of the modules that can draw and of the code cells of chapter5/*.ipynb."""
    strings = []
    for path in drawing_modules(root):
        strings += string_literals(path.read_text(encoding="utf-8"))
    for path in sorted((root / "chapter5").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                strings += string_literals("".join(cell["source"]))
    return strings


def dejavu_codepoints() -> set[int]:
    """Return the code points of matplotlib's DejaVu Sans, the first font of the house style."""
    return set(TTFont(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf").getBestCmap())


def needed_codepoints(strings) -> list[int]:
    """Return the sorted code points of ``strings`` and EXTRA that DejaVu Sans lacks (controls excluded)."""
    have = dejavu_codepoints()
    wanted = {ord(c) for s in strings for c in s} | {ord(c) for c in EXTRA}
    return sorted(c for c in wanted if c > 0x20 and c not in have)


def load_source(path: Path) -> TTFont:
    """Return the Simplified Chinese face of ``path`` (a .ttc collection or a single font)."""
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path), lazy=False).fonts:
            if font["name"].getDebugName(1) == "Noto Sans CJK SC":
                return font
        raise SystemExit(f"{path} has no 'Noto Sans CJK SC' face")
    return TTFont(str(path))


def rename(font: TTFont, family: str, style: str) -> None:
    """Give the subset its own family name (name IDs 1-4, 6; 16 and 17 removed)."""
    postscript = family.replace(" ", "") + "-" + style
    full = family if style == "Regular" else f"{family} {style}"
    for record in list(font["name"].names):
        if record.nameID in (16, 17):
            font["name"].removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, style), (3, f"{postscript};subset"), (4, full),
                           (6, postscript)):
        font["name"].setName(value, name_id, 3, 1, 0x409)
        font["name"].setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = full, family


def build(font: TTFont, style: str, target: Path) -> list[int]:
    """Write the subset of the full ``font`` to ``target``; return the code points it holds."""
    codepoints = [c for c in needed_codepoints(package_strings()) if c in font.getBestCmap()]
    options = subset.Options()
    options.name_IDs = ["*"]           # keep the copyright, licence and licence URL records
    options.name_languages = [0x409]
    options.hinting = False
    options.layout_features = []       # matplotlib lays text out glyph by glyph
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    rename(font, SUBSET_FAMILY, style)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return codepoints


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE_DIR,
                        help="the folder of the full Noto Sans CJK fonts")
    args = parser.parse_args(argv)
    for style, (names, target) in FACES.items():
        sources = [args.source_dir / name for name in names if (args.source_dir / name).exists()]
        if not sources:
            print(f"none of {names} in {args.source_dir}: install fonts-noto-cjk or pass --source-dir", file=sys.stderr)
            return 1
        font = load_source(sources[0])
        missing = [chr(c) for c in needed_codepoints(package_strings()) if c not in font.getBestCmap()]
        codepoints = build(font, style, target)
        print(f"{target.relative_to(ROOT)}: {len(codepoints)} characters, {target.stat().st_size / 1024:.0f} KiB")
        if missing:
            print(f"not in the source font either (DejaVu Sans and Noto lack them): {''.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

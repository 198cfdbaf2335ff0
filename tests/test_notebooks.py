"""Structure of every notebook: executed, clean, fixed opening and ending, links that resolve."""

import json
import pathlib
import re

import pytest

CHAPTER = pathlib.Path(__file__).resolve().parent.parent / "chapter5"
NOTEBOOKS = sorted(CHAPTER.glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell) -> str:
    return "".join(cell["source"])


def test_the_chapter_has_its_overview_and_first_section():
    names = {p.name for p in NOTEBOOKS}
    assert {"5.0-overview.ipynb", "5.1-univariate-differentiation.ipynb"} <= names
    assert all(re.fullmatch(r"5\.\d-[a-z0-9-]+\.ipynb", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_executed_without_errors_or_warnings(path):
    cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code" and _source(c).strip()]
    assert cells
    assert all(c["execution_count"] is not None for c in cells), "notebooks are committed executed"
    outputs = [o for c in cells for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], "a warning would be shown to students"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_widget_cells_ignore_their_output(path):
    for cell in _load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        ignored = _source(cell).startswith("# NBVAL_IGNORE_OUTPUT")
        shows_widget = any(WIDGET_VIEW in o.get("data", {}) for o in cell["outputs"])
        assert ignored == shows_widget, _source(cell)[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_fixed_opening_and_ending(path):
    cells = _load(path)["cells"]
    number = path.name[:3]
    assert _source(cells[0]).startswith(f"# {number} "), "H1 with the book's section number"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert _source(code[0]).startswith("%matplotlib widget"), "one import cell, ipympl first"
    headings = [line for c in cells if c["cell_type"] == "markdown" for line in _source(c).splitlines()]
    assert "## 小结" in headings
    if number != "5.0":
        assert "学习目标" in _source(cells[1]) and "## 练习" in headings


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_links_to_notebooks_resolve(path):
    text = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")
    for target in re.findall(r"\]\(([^)#]+\.ipynb)", text):
        assert (CHAPTER / target).exists(), f"{path.name} links to missing {target}"

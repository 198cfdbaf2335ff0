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


def _ignored(cell) -> bool:
    return "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_widget_cells_ignore_their_output(path):
    """Widget cells carry nbval's metadata tag; the code students read carries no test markers."""
    for cell in _load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert "NBVAL" not in _source(cell), _source(cell)[:80]
        shows_widget = any(WIDGET_VIEW in o.get("data", {}) for o in cell["outputs"])
        assert _ignored(cell) == shows_widget, _source(cell)[:80]


RICH = ("text/markdown", "text/latex", "text/html", "image/png", WIDGET_VIEW)
LONE_ZERO = re.compile(r"^\$\$?\\displaystyle\s*(0|\\left\[\\begin\{matrix\}[0&\s\\]*\\end\{matrix\}\\right\])\$\$?$")
VALUE_TOKENS = re.compile(r"\b(True|False|nan|inf)\b|[-+]?\d+(\.\d+)?(e[-+]?\d+)?")


def _bare_outputs(cell) -> list[str]:
    """Return the outputs of a cell that a student cannot place: plain reprs, lone zeros, unlabelled printed values."""
    bare = []
    for output in cell["outputs"]:
        data = output.get("data", {})
        if output["output_type"] in ("execute_result", "display_data"):
            if not any(kind in data for kind in RICH):
                bare.append("".join(data.get("text/plain", "")))
            elif LONE_ZERO.match("".join(data.get("text/latex", "")).strip()):
                bare.append("a lone typeset zero: say what is zero, e.g. zero('差', ...)")
        elif output["output_type"] == "stream":
            for line in "".join(output["text"]).splitlines():
                if line.strip() and not re.search(r"[A-Za-z\u4e00-\u9fff]", VALUE_TOKENS.sub("", line)):
                    bare.append(line)
    return bare


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_output_says_what_it_is(path):
    """No bare reprs (tuples, arrays, dicts, True) and no unlabelled printed values in what students see."""
    cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code" and not _ignored(c)]
    bare = {_source(c)[:60]: _bare_outputs(c) for c in cells if _bare_outputs(c)}
    assert not bare, bare


LABELLED_PART = re.compile(r"^\S.* = \$.+\$( [✓✗])?$|^\S.* [✓✗]$", re.S)


def _unlabelled_typeset(cell) -> list[str]:
    """Return the typeset results of a cell that do not say what they are.

    A bare sympy expression is stored as text/latex (``$\\displaystyle n x^{n - 1}$``); a result of
    widgets.exercises.labelled's show/zero/check is text/markdown made of 「label = $value$」 or 「label ✓」 parts;
    a markdown table is labelled by its header row."""
    bare = []
    for output in cell["outputs"]:
        data = output.get("data", {})
        if output["output_type"] not in ("execute_result", "display_data"):
            continue
        if "text/latex" in data:
            bare.append("".join(data["text/latex"])[:60])
        elif "text/markdown" in data and not "".join(data["text/markdown"]).startswith("|"):  # a table's header labels it
            parts = "".join(data["text/markdown"]).split("；")
            bare += [part[:60] for part in parts if not LABELLED_PART.match(part.strip())]
    return bare


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_typeset_result_is_labelled(path):
    """Every typeset value reads 「label = value」 (show/zero/check), e.g. 「J = [...]」, never a bare matrix."""
    cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    bare = {_source(c)[-60:]: _unlabelled_typeset(c) for c in cells if _unlabelled_typeset(c)}
    assert not bare, bare


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_widget_state_is_stored(path):
    """Widget state in the metadata (nbconvert's store_widget_state) would make static viewers draw empty
    widgets instead of the PNG each explorer stores, and make the file ten times larger."""
    assert "widgets" not in _load(path)["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_fixed_opening_and_ending(path):
    cells = _load(path)["cells"]
    number = path.name[:3]
    assert _source(cells[0]).startswith(f"# {number} "), "H1 with the book's section number"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "%" not in _source(code[0]) and all(
        line.startswith(("import ", "from ")) or not line.strip() or line.startswith("wp.apply_house_style")
        for line in _source(code[0]).splitlines()), "one import cell, no magic"
    assert not any(line.startswith(("import ", "from ")) for c in code[1:] for line in _source(c).splitlines()), \
        "imports only in the first code cell"
    headings = [line for c in cells if c["cell_type"] == "markdown" for line in _source(c).splitlines()]
    assert "## 小结" in headings
    if number != "5.0":
        assert "学习目标" in _source(cells[1]) and "## 练习" in headings


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_links_to_notebooks_resolve(path):
    text = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")
    for target in re.findall(r"\]\(([^)#]+\.ipynb)", text):
        assert (CHAPTER / target).exists(), f"{path.name} links to missing {target}"


def _markdown(path) -> str:
    return "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_page_ends_with_previous_and_next_links(path):
    """The last cell links the neighbouring notebooks (relative links work in JupyterLab and in Voilà)."""
    last = _load(path)["cells"][-1]
    assert last["cell_type"] == "markdown"
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", _source(last))
    i = NOTEBOOKS.index(path)
    expected = ([NOTEBOOKS[i - 1].name] if i > 0 else []) + ([NOTEBOOKS[i + 1].name] if i + 1 < len(NOTEBOOKS) else [])
    assert links[:len(expected)] == expected, links
    assert "上一节" in _source(last) or i == 0
    assert "下一节" in _source(last) or i + 1 == len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_headings_follow_one_scheme(path):
    """## N. title numbered from 1 (then 小结, 练习); ### unnumbered; the book's examples are 示例 5.x."""
    lines = [line for c in _load(path)["cells"] if c["cell_type"] == "markdown" for line in _source(c).splitlines()]
    sections = [line for line in lines if line.startswith("## ") and line not in ("## 小结", "## 练习")]
    assert [re.match(r"## (\d+)\. \S", line) and int(re.match(r"## (\d+)\.", line).group(1)) for line in sections] \
        == list(range(1, len(sections) + 1)), sections
    assert not [line for line in lines if line.startswith("### ") and re.match(r"### [\d.]+\s", line)]
    assert not re.search(r"(?<!示)例 5\.\d", _markdown(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_word_for_explorers_and_no_stray_english(path):
    text = _markdown(path)
    assert "浏览器" not in text and "追踪器" not in text, "the interactive parts are 探索器 everywhere"
    assert not re.search(r"本 ?companion|自定义 ?typed", text)


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:3] != "5.0"], ids=lambda p: p.name)
def test_each_exercise_is_question_then_boxes_then_folded_solution(path):
    cells = _load(path)["cells"]
    boxes = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and "exercise_box(" in _source(c)]
    assert boxes
    runs = [i for i in boxes if i - 1 not in boxes]
    for first in runs:
        last = first
        while last + 1 in boxes:
            last += 1
        assert last + 1 < len(cells), "a box needs its folded solution after it"
        question, solution = _source(cells[first - 1]), _source(cells[last + 1])
        assert cells[first - 1]["cell_type"] == "markdown" and re.search(r"\*\*(练习|习题) ", question), question[:60]
        assert "<details>" not in question, question[:60]
        assert solution.startswith("<details><summary>解答</summary>") and solution.rstrip().endswith("</details>")

"""The package's layers: math never imports plotting or widgets; plotting never imports explorers."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "widgets"
GUI = ("matplotlib", "ipywidgets", "anywidget", "IPython", "traitlets", "widgets.plotting", "widgets.explorers",
       "widgets.exercises")


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _layer(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts[0] == "plotting":
        return "plotting"
    if parts[0] == "explorers" or parts[0] == "exercises.py":
        return "widgets"
    return "math"


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_layer_has_modules():
    assert {_layer(p) for p in MODULES} == {"math", "plotting", "widgets"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_lower_layers_never_import_upper_ones(path):
    layer, imported = _layer(path), _imports(path)
    if layer == "math":
        forbidden = GUI
    elif layer == "plotting":
        forbidden = ("ipywidgets", "anywidget", "traitlets", "widgets.explorers", "widgets.exercises")
    else:
        forbidden = ()
    bad = sorted(name for name in imported if name.startswith(forbidden))
    assert not bad, f"{path.name} ({layer} layer) imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_eval_exec_or_sympify_on_text(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
             for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert not calls & {"eval", "exec", "sympify", "parse_expr", "__import__"}

"""The package's layers are its folders: math, plotting, explorers, exercises.

math imports no GUI and no other layer; plotting never imports the widget layers; exercises
never imports plotting or explorers; explorers may import anything. Nothing but ``__init__.py``
sits loose at the package root, and no module reaches into another module's private names.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "widgets"
LAYERS = ("math", "plotting", "explorers", "exercises")
FORBIDDEN = {
    "math": ("matplotlib", "ipywidgets", "anywidget", "IPython", "traitlets",
             "widgets.plotting", "widgets.explorers", "widgets.exercises"),
    "plotting": ("ipywidgets", "anywidget", "traitlets", "widgets.explorers", "widgets.exercises"),
    "exercises": ("matplotlib", "widgets.plotting", "widgets.explorers"),
    "explorers": (),
}

MODULES = sorted(PACKAGE.rglob("*.py"))


def _tree(path: pathlib.Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.ImportFrom, path: pathlib.Path) -> str:
    """Return the absolute module name of a ``from ... import`` (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(tree: ast.Module, path: pathlib.Path) -> set[str]:
    """Return every module named by an import (``from widgets import plotting`` names widgets.plotting)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node, path)
            names.add(module)
            if (PACKAGE.parent / module.replace(".", "/")).is_dir():  # a package: its names may be modules
                names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def layer(path: pathlib.Path) -> str | None:
    """Return the layer of a module: the folder it sits in right under the package (None when loose)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


def layer_violations(path: pathlib.Path, tree: ast.Module) -> list[str]:
    forbidden = FORBIDDEN[layer(path)]
    return sorted(name for name in imported_modules(tree, path)
                  if any(name == f or name.startswith(f + ".") for f in forbidden))


def private_imports(path: pathlib.Path, tree: ast.Module) -> list[str]:
    """Return ``module._name`` for every private name this module takes from another widgets module.

    Both ``from widgets.x import _name`` and ``_name`` read as an attribute of an imported widgets
    module (``from widgets.x import y as m`` ... ``m._name``) count; dunder names do not.
    """
    own = _module_name(path)
    found, module_aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _resolve(node, path)
            if not (module == "widgets" or module.startswith("widgets.")) or module == own:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{module}.{alias.name}")
                module_aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("widgets.") and alias.asname:
                    module_aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{module_aliases[node.value.id]}.{node.attr}")
    return sorted(set(found))


def test_every_layer_has_modules():
    assert {layer(p) for p in MODULES if p.parent != PACKAGE} == set(LAYERS)


def test_nothing_but_init_is_loose_at_the_package_root():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside a layer folder: {loose}"
    strays = sorted(str(p.relative_to(PACKAGE)) for p in MODULES if p.parent != PACKAGE and layer(p) is None)
    assert not strays, f"modules in a folder that is not a layer: {strays}"


@pytest.mark.parametrize("path", [p for p in MODULES if layer(p)], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_lower_layers_never_import_upper_ones(path):
    bad = layer_violations(path, _tree(path))
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer(path)} layer) imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_another_modules_private_names(path):
    bad = private_imports(path, _tree(path))
    assert not bad, f"{path.relative_to(PACKAGE)} uses private names of other modules: {bad}"


# The checks themselves, on made-up modules: each must catch what it is there to catch.
def _fake(relative: str, source: str) -> tuple[pathlib.Path, ast.Module]:
    return PACKAGE / relative, ast.parse(source)


@pytest.mark.parametrize("relative, source, expected", [
    ("math/x.py", "import matplotlib.pyplot as plt", ["matplotlib.pyplot"]),
    ("math/x.py", "from widgets import plotting as wp", ["widgets.plotting"]),
    ("math/x.py", "from ..explorers import base", ["widgets.explorers", "widgets.explorers.base"]),
    ("math/x.py", "from widgets.exercises.answers import check_answer", ["widgets.exercises.answers"]),
    ("math/x.py", "import IPython.display", ["IPython.display"]),
    ("math/x.py", "from widgets.math.numeric import relative_error\nimport numpy", []),
    ("plotting/x.py", "import ipywidgets", ["ipywidgets"]),
    ("plotting/x.py", "from widgets.explorers.base import Explorer", ["widgets.explorers.base"]),
    ("plotting/x.py", "import matplotlib\nfrom widgets.math import surfaces", []),
    ("exercises/x.py", "from widgets import plotting", ["widgets.plotting"]),
    ("exercises/x.py", "from matplotlib import pyplot", ["matplotlib"]),
    ("exercises/x.py", "import anywidget\nimport IPython\nfrom widgets.math import expressions", []),
    ("explorers/x.py", "import ipywidgets\nfrom widgets.exercises import show", []),
])
def test_layer_check_catches_forbidden_imports(relative, source, expected):
    assert layer_violations(*_fake(relative, source)) == expected


@pytest.mark.parametrize("source, expected", [
    ("from widgets.math.numeric import _step_for", ["widgets.math.numeric._step_for"]),
    ("from .numeric import _step_for", ["widgets.math.numeric._step_for"]),
    ("from widgets.math import numeric as n\nn._step_for(1, 2)", ["widgets.math.numeric._step_for"]),
    ("import widgets.math.numeric as n\nn._step_for", ["widgets.math.numeric._step_for"]),
    ("from widgets.math.numeric import relative_error\nfrom widgets.math import numeric\nnumeric.__doc__", []),
    ("from widgets.math.univariate import _nonzero_step", []),  # its own private name
])
def test_private_import_check_catches_reaching_into_other_modules(source, expected):
    assert private_imports(*_fake("math/univariate.py", source)) == expected


def test_layer_is_read_from_the_folder():
    assert layer(PACKAGE / "math" / "numeric.py") == "math"
    assert layer(PACKAGE / "exercises" / "boxes.py") == "exercises"
    assert layer(PACKAGE / "calculus.py") is None
    assert layer(PACKAGE / "tools" / "x.py") is None


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_eval_exec_or_sympify_on_text(path):
    tree = _tree(path)
    calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
             for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert not calls & {"eval", "exec", "sympify", "parse_expr", "__import__"}

"""Every notebook passes Restart & Run All, and then Run All a second time in the same kernel: no cell
relies on state that only a fresh kernel has (style rule 10)."""

from __future__ import annotations

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # every notebook run twice in real kernels: left out of the quick loop (docs/testing.md)

CHAPTER = pathlib.Path(__file__).resolve().parent.parent / "chapter5"
NOTEBOOKS = sorted(CHAPTER.glob("*.ipynb"))


def _problems(cells) -> list[str]:
    """Return a line for every error output and every stderr output of the executed cells."""
    found = []
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                found.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            elif output.get("name") == "stderr":
                found.append(f"cell {index} wrote to stderr: {output['text'][:300]}")
    return found


def test_every_notebook_is_run():
    assert len(NOTEBOOKS) >= 9


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_all_twice_in_the_same_kernel(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(CHAPTER)}})
    runs = []
    with client.setup_kernel():
        for run in (1, 2):
            executed = [c for c in notebook.cells if c.cell_type == "code" and c.source.strip()]
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
            assert all(c.execution_count is not None for c in executed), f"run {run} skipped a cell"
            runs.append(_problems(notebook.cells))
            counts = [c.execution_count for c in executed]
    first, second = runs
    assert not first, f"{path.name}, first run (fresh kernel): {first}"
    assert not second, f"{path.name}, second run (same kernel): {second}"
    assert counts[0] == len(executed) + 1, "the second run did not use the same kernel"

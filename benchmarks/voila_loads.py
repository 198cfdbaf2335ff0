"""Load a notebook in Voilà many times and count the loads where a widget did not render.

jupyterlab_widgets 3.0.17 gives a widget output 2 s to find its model and then shows "Error displaying
widget: model not found" for good (jupyter-widgets/ipywidgets#4026). With 22 ipywidgets models per
answer box, 5.9's 29 boxes (638 models) failed that way in 7 of 17 loads; an answer box is now two
models. This script measures it again with whatever ipywidgets and jupyterlab_widgets are installed
next to the Python that runs it:

    PYTHONPATH=. python benchmarks/voila_loads.py                      # 5.9, 20 loads
    PYTHONPATH=. python benchmarks/voila_loads.py --loads 5 --notebook chapter5/5.2-*.ipynb

Each load is a fresh browser page on one Voilà server (so a fresh kernel that runs the notebook). A
load fails when a widget output says "Error displaying widget" or "Failed to load model", when the
outputs do not settle, or when fewer answer boxes are drawn than the notebook shows. It prints one
line per load and a summary; the exit status is 1 when a load failed. A load of 5.9 takes about
10-20 s on a 2-core machine, so 20 loads take 4-7 minutes: too slow for every CI run.
"""

from __future__ import annotations

import argparse
import glob
import importlib.metadata
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))  # the servers and browser helpers of the end-to-end tests
sys.path.insert(0, str(REPO))

from e2e import harness  # noqa: E402

DEFAULT_NOTEBOOK = "chapter5/5.9-further-reading-and-exercises.ipynb"


def versions() -> dict:
    found = {}
    for name in ("ipywidgets", "jupyterlab_widgets", "anywidget", "voila", "jupyterlab"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def one_load(browser, server, path: str, stored_widgets: int, boxes: int) -> dict:
    watch = harness.PageWatch(browser)
    page = watch.page
    started = time.monotonic()
    result = {"problems": []}
    try:
        try:
            harness.open_in_voila(page, server, path, expected_widgets=stored_widgets, timeout=180)
        except AssertionError as error:  # did not settle: what the page shows is reported below
            result["problems"].append(str(error).splitlines()[0][:300])
        result["seconds"] = round(time.monotonic() - started, 1)
        harness.install_page_helpers(page)
        result["problems"] += harness.output_problems(page)
        result["widgets"] = harness.widget_outputs(page)
        result["answer_boxes"] = page.locator(harness.ANSWER_BOX).count()
        if result["answer_boxes"] < boxes:
            result["problems"].append(f"{result['answer_boxes']} answer boxes drawn, the notebook shows {boxes}")
        result["model_not_found"] = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
            .filter(el => (el.textContent || '').includes('model not found')).length""")
    finally:
        harness.leave_voila(page)
        watch.close()
    result["problems"] += watch.errors
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help="a notebook (or glob) under the repository")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    (notebook,) = [Path(p).resolve() for p in glob.glob(str(REPO / args.notebook))] or [None]
    if notebook is None:
        parser.error(f"no notebook {args.notebook}")
    chromium = harness.find_chromium()
    if chromium is None:
        parser.error("no Chromium found (set $CHROMIUM)")
    from playwright.sync_api import sync_playwright

    print("versions:", json.dumps(versions()), flush=True)
    root, workdir = harness.make_workdir("voila-loads-root-"), harness.make_workdir("voila-loads-")
    harness.copy_notebooks([notebook], root)
    stored_widgets, _ = harness.stored_outputs(root / "chapter5" / notebook.name)
    boxes = len(harness.notebook_answers(notebook))
    results = []
    server = harness.start_voila(root, workdir)
    try:
        with sync_playwright() as playwright:
            browser = harness.launch_browser(playwright, chromium)
            try:
                for k in range(args.loads):
                    result = one_load(browser, server, f"chapter5/{notebook.name}", stored_widgets, boxes)
                    results.append(result)
                    print(f"load {k + 1:2d}: {result.get('seconds', '?'):>5} s, {result.get('widgets')} widget outputs, "
                          f"{result.get('answer_boxes')} answer boxes, model not found: {result.get('model_not_found')}"
                          + (f", problems: {result['problems']}" if result["problems"] else ""), flush=True)
            finally:
                browser.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    failed = [r for r in results if r["problems"]]
    not_found = [r for r in results if r.get("model_not_found")]
    print(f"{notebook.name}: {len(failed)} of {len(results)} loads failed; {len(not_found)} showed "
          f"'model not found' ({sum(r.get('model_not_found', 0) for r in results)} outputs in all)")
    if args.json:
        args.json.write_text(json.dumps({"versions": versions(), "notebook": notebook.name, "loads": results},
                                        ensure_ascii=False, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

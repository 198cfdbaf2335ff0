"""Servers, browser and page helpers shared by the end-to-end tests and ``benchmarks/browser_latency.py``.

Everything runs on 127.0.0.1 with a token, in temporary directories, so a run never touches the
user's Jupyter settings, workspaces or runtime files, and the browser resolves no other host.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"

#: Headless Chromium as root in a container, with nothing that reaches the internet. Playwright
#: gives every launch a fresh temporary profile (``--user-data-dir``) and removes it afterwards.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1280, "height": 900}

#: JupyterLab user settings for the test server: no news or update checks, no autosave (the
#: served files are copies, but a test must never write a notebook), every cell attached to the DOM.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
#: The tests render every cell, on screen or not (they check every output and screenshot the whole
#: notebook); JupyterLab's own default, "contentVisibility", skips painting cells off screen.
TEST_WINDOWING = "none"


def find_chromium() -> str | None:
    """Return the path of a Chromium/Chrome executable ($CHROMIUM first), or None."""
    candidates = [os.environ.get("CHROMIUM", "")]
    candidates += [shutil.which(name) or "" for name in
                   ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")]
    candidates += ["/usr/bin/chromium", "/usr/lib/chromium/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- servers ---------------------------------------------------------------------------------------
@dataclass
class Server:
    """A Jupyter server process of ours (JupyterLab or Voilà) on 127.0.0.1."""

    name: str
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path
    root: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """Return the URL of ``path`` on this server, token included."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API and return the decoded JSON (None for an empty body)."""
        request = urllib.request.Request(f"{self.base_url}/{path.lstrip('/')}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_ready(self, path: str, timeout: float = 90.0) -> None:
        """Wait until ``path`` answers 200, or raise with the end of the server log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server (it shuts its kernels down) and wait for it; kill it if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def isolated_env(workdir: Path) -> dict:
    """Return an environment whose Jupyter/IPython state lives under ``workdir``."""
    env = dict(os.environ)
    for variable, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                          ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"), ("IPYTHONDIR", "ipython")):
        path = workdir / sub
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("JUPYTER_TOKEN", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # keeps the debugger's frozen-modules note out of stderr
    return env


def _start(name: str, command: list[str], env: dict, workdir: Path, port: int, token: str, root: Path) -> Server:
    log_path = workdir / f"{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - the server process owns it
    process = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    return Server(name, port, token, process, log_path, root)


def start_lab(root: Path, workdir: Path, windowing: str | None = TEST_WINDOWING) -> Server:
    """Start ``jupyter lab`` serving ``root`` on a free port; return it once it answers.

    ``windowing`` is the notebook's windowing mode; None keeps JupyterLab's default.
    """
    env = isolated_env(workdir)
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    lab_settings = dict(LAB_SETTINGS)
    if windowing is not None:
        lab_settings["@jupyterlab/notebook-extension/tracker.jupyterlab-settings"] = {"windowingMode": windowing}
    for relative, values in lab_settings.items():
        target = settings / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    return _start_server("jupyterlab", root, workdir, env, [
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
    ])


def _start_server(module: str, root: Path, workdir: Path, env: dict, options: list[str]) -> Server:
    """Start a Jupyter server application (``python -m module``) serving ``root`` on a free port, with a
    token and no terminals, plus ``options``; return it once it answers."""
    port, token = free_port(), uuid.uuid4().hex
    command = [
        sys.executable, "-m", module, "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False", *options,
    ]
    server = _start(module, command, env, workdir, port, token, root)
    server.wait_ready("api/status")
    return server


def start_notebook(root: Path, workdir: Path) -> Server:
    """Start ``jupyter notebook`` (Notebook 7) serving ``root`` on a free port; return it once it answers."""
    return _start_server("notebook", root, workdir, isolated_env(workdir),
                         ["--JupyterNotebookApp.expose_app_in_browser=True"])


def start_voila(root: Path, workdir: Path) -> Server:
    """Start ``voila`` serving the notebooks under ``root`` (code hidden) on a free port."""
    env = isolated_env(workdir)
    port, token = free_port(), uuid.uuid4().hex
    command = [
        sys.executable, "-m", "voila", str(root), "--no-browser",
        "--Voila.ip=127.0.0.1", f"--Voila.port={port}", "--Voila.port_retries=0", f"--Voila.token={token}",
        "--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=True",
    ]
    server = _start("voila", command, env, workdir, port, token, root)
    server.wait_ready("")
    return server


def copy_notebooks(notebooks: list[Path], root: Path) -> None:
    """Copy ``chapter5/`` (so relative links and files keep working) and any other notebook into ``root/chapter5``."""
    target = root / "chapter5"
    source = REPO / "chapter5"
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                        dirs_exist_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        if not (target / notebook.name).exists():
            shutil.copy2(notebook, target / notebook.name)


def make_workdir(prefix: str) -> Path:
    """Return a new temporary directory (the caller removes it)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


# -- the browser ---------------------------------------------------------------------------------
def launch_browser(playwright, executable: str):
    """Launch headless Chromium at ``executable`` with the arguments above."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


class PageWatch:
    """A fresh browser context and page that records uncaught page errors and crashes."""

    def __init__(self, browser, viewport=None, device_scale_factor: float = 1):
        self.context = browser.new_context(viewport=viewport or VIEWPORT, device_scale_factor=device_scale_factor)
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("crash", lambda _: self.errors.append("page crashed"))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def close(self) -> None:
        self.context.close()


# -- in-page helpers -------------------------------------------------------------------------------
#: Installed once per page: explorer discovery, canvas hashing and messages, shared by tests and benchmark.
PAGE_JS = r"""
() => {
  if (window.__e2e) return;
  const mainCanvas = canvas => canvas;  // an explorer's figure is one canvas (widgets/explorers/canvas.js)
  const hash = canvas => {
    if (!canvas || !canvas.width || !canvas.height) return 'empty';
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const words = new Uint32Array(data.buffer);
    let h = 2166136261 >>> 0;
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 16777619) >>> 0;
    return canvas.width + 'x' + canvas.height + ':' + h;
  };
  const colours = canvas => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const words = new Uint32Array(data.buffer);
    const seen = new Set();
    for (let i = 0; i < words.length && seen.size < 64; i += 7) seen.add(words[i]);
    return seen.size;
  };
  window.__e2e = {
    hash,
    mainCanvas,
    // An explorer is the output (a widget tree) that holds one or more explorer canvases.
    tagExplorers() {
      const roots = [];
      for (const fig of document.querySelectorAll('canvas.mml-explorer-canvas')) {
        const root = fig.closest('.jp-OutputArea-output') || fig.closest('.widget-vbox') || fig;
        if (!roots.includes(root)) roots.push(root);
      }
      return roots.map((root, i) => {
        root.setAttribute('data-e2e-explorer', String(i));
        const label = el => (el.querySelector('.widget-label') || {}).textContent || '';
        return {
          index: i,
          figures: root.querySelectorAll('canvas.mml-explorer-canvas').length,
          sliders: Array.from(root.querySelectorAll('.widget-slider')).map(label),
          texts: Array.from(root.querySelectorAll('.widget-text input[type=text]')).map(
            el => ({placeholder: el.placeholder || '', value: el.value, disabled: el.disabled,
                    label: label(el.closest('.widget-text'))})),
        };
      });
    },
    root: i => document.querySelector(`[data-e2e-explorer="${i}"]`),
    hashes(i) {
      return Array.from(this.root(i).querySelectorAll('canvas.mml-explorer-canvas')).map(
        fig => hash(mainCanvas(fig))).join('|');
    },
    colours(i) {
      return Array.from(this.root(i).querySelectorAll('canvas.mml-explorer-canvas')).map(
        fig => { const c = mainCanvas(fig); return c && c.width ? colours(c) : 0; });
    },
    // The explorer's messages: HTML widgets (not the math readout) whose text carries the warning sign.
    message(i) {
      return Array.from(this.root(i).querySelectorAll('.widget-html')).map(el => el.textContent)
        .filter(t => t.includes('\u26a0')).join(' ').trim();
    },
    sliderState(i, k) {
      const handle = this.root(i).querySelectorAll('.widget-slider')[k].querySelector('.noUi-handle');
      return {now: +handle.getAttribute('aria-valuenow'), min: +handle.getAttribute('aria-valuemin'),
              max: +handle.getAttribute('aria-valuemax')};
    },
    // Outputs that must not be there: tracebacks and stderr (both render as the stderr MIME type),
    // and widgets that failed to render.
    problems() {
      const found = [];
      for (const el of document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')) {
        const t = el.textContent.trim();  // a traceback's cause is at its end
        found.push('stderr/error output: ' + (t.length > 3000 ? t.slice(0, 800) + ' […] ' + t.slice(-2200) : t));
      }
      for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
        const text = el.textContent || '';
        if (text.includes('Error displaying widget') || text.includes('Failed to load model'))
          found.push('widget failed to render: ' + text.trim().slice(0, 300));
      }
      return found;
    },
    widgetOutputs() {
      return Array.from(document.querySelectorAll('.jp-OutputArea-output')).filter(
        el => el.querySelector(':scope > .jupyter-widgets')).length;
    },
  };
}
"""


def install_page_helpers(page) -> None:
    page.evaluate(PAGE_JS)


# -- JupyterLab ----------------------------------------------------------------------------------------
LAB_CURRENT = "window.jupyterapp && window.jupyterapp.shell.currentWidget"


def open_in_lab(page, server: Server, path: str, timeout: float = 120.0, notebook7: bool = False) -> None:
    """Open ``path`` (relative to the server root) in JupyterLab (or Notebook 7) and wait for its kernel."""
    # ?reset: a fresh workspace, or JupyterLab reopens (and starts kernels for) every notebook opened before
    url = f"notebooks/{path}" if notebook7 else f"lab/tree/{path}?reset"
    page.goto(server.url(url), wait_until="domcontentloaded")
    page.wait_for_function(
        f"""() => {{ const w = {LAB_CURRENT};
            return !!(w && w.context && w.context.path === {json.dumps(path)} && w.sessionContext
                      && w.sessionContext.session && w.sessionContext.session.kernel
                      && w.sessionContext.session.kernel.connectionStatus === 'connected'
                      && w.content.widgets.length > 0); }}""",
        timeout=timeout * 1000)
    if not notebook7:
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # the notebook alone, as on a projector
    install_page_helpers(page)


def run_all_in_lab(page, timeout: float = 600.0) -> bool:
    """Run every cell (``notebook:run-all-cells``) and wait until the run has ended and the kernel is idle.

    Return False when the run stopped early (a cell failed; its error output is then on the page).
    """
    finished = page.evaluate(
        """async (ms) => Promise.race([
              window.jupyterapp.commands.execute('notebook:run-all-cells').then(ok => ok !== false),
              new Promise(resolve => setTimeout(() => resolve('timeout'), ms))])""",
        timeout * 1000)
    if finished == "timeout":
        raise TimeoutError(f"running all cells took more than {timeout:.0f} s")
    page.wait_for_function(
        f"""() => {{ const w = {LAB_CURRENT};
            const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
            return !!kernel && kernel.status === 'idle'
                && !w.content.widgets.some(c => c.promptNode && c.promptNode.textContent.includes('*')); }}""",
        timeout=60_000, polling=250)
    return bool(finished)


def lab_log_messages(page) -> list[str]:
    """Messages in JupyterLab's log console: output sent outside a cell's run, e.g. a traceback from a
    widget callback. The status bar counts them; the console, opened only when needed, shows them."""
    count = page.evaluate("""() => {
        const item = document.querySelector('.jp-LogConsoleStatusItem');
        const m = item && (item.textContent || '').match(/(\\d+)/);
        return m ? +m[1] : 0; }""")
    if not count:
        return []
    page.evaluate("() => window.jupyterapp.commands.execute('logconsole:open', {insertMode: 'split-bottom'})")
    page.wait_for_timeout(1000)
    texts = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-LogConsolePanel .jp-OutputArea-child'))
        .map(el => { const t = el.textContent.trim(); return t.length > 2500 ? t.slice(0, 500) + ' […] ' + t.slice(-2000) : t; })""")
    return texts or [f"{count} message(s) in the log console"]


def shutdown_lab_kernels(server: Server) -> None:
    """Delete every session (and so every kernel) on the JupyterLab server."""
    try:
        for session in server.api("GET", "api/sessions") or []:
            server.api("DELETE", f"api/sessions/{session['id']}")
    except (urllib.error.URLError, OSError):
        pass


# -- Voilà -----------------------------------------------------------------------------------------------
def open_in_voila(page, server: Server, path: str, expected_widgets: int = 0, timeout: float = 300.0) -> None:
    """Open ``voila/render/<path>`` and wait until it has run and its widgets are drawn (or have failed:
    the caller checks ``output_problems``).

    There is no second try: a widget that shows "Error displaying widget: model not found" fails the
    test. (jupyterlab_widgets 3.0.17 did that on pages with many widgets, see pyproject.toml.)
    """
    page.goto(server.url(f"voila/render/{path}"), wait_until="domcontentloaded", timeout=timeout * 1000)
    wait_outputs_settled(page, expected_widgets, timeout)


def leave_voila(page) -> None:
    """Navigate away, so that Voilà's ``beforeunload`` handler shuts the page's kernel down (closing the
    browser context alone would leave one idle kernel per notebook running until the server stops)."""
    try:
        page.goto("about:blank", wait_until="load", timeout=15_000)
    except Exception as error:  # never hide the test's own result
        print(f"could not leave the Voilà page ({type(error).__name__}: {error})", file=sys.stderr)


def wait_outputs_settled(page, expected_widgets: int = 0, timeout: float = 120.0) -> None:
    """Wait until the outputs are all drawn: no spinner (Voilà), every code cell with outputs shows
    them, no widget still loading, at least ``expected_widgets`` widgets, every figure sized, and
    all of that unchanged for half a second (Voilà adds output areas, and both add widget views,
    a moment after the kernel has finished)."""
    settled = wait_for(page,
        """(expected) => {
            const w = window.__settled = window.__settled || {signature: '', since: 0};
            if (document.readyState !== 'complete' || document.querySelector('body > #loading, #loading')) return false;
            const cells = Array.from(document.querySelectorAll('.jp-CodeCell'));
            if (cells.some(c => !c.classList.contains('jp-mod-noOutputs') && !c.querySelector('.jp-OutputArea-output')))
              return false;
            const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'));
            if (outputs.some(el => (el.textContent || '').includes('Loading widget'))) return false;
            const widgets = outputs.filter(el => el.querySelector(':scope > .jupyter-widgets')).length;
            const failed = outputs.filter(el => (el.textContent || '').includes('Error displaying widget')).length;
            const figures = Array.from(document.querySelectorAll('canvas.mml-explorer-canvas'));
            if (widgets + failed < expected || !figures.every(c => c.width > 0)) return false;
            const signature = [cells.length, outputs.length, widgets, failed, figures.length].join(',');
            const now = performance.now();
            if (signature !== w.signature) { w.signature = signature; w.since = now; return false; }
            return now - w.since >= 500;
        }""", expected_widgets, timeout, polling=100)
    if not settled:
        raise AssertionError(f"the outputs did not settle within {timeout:.0f} s (expected at least "
                             f"{expected_widgets} widgets): {outputs_state(page)}")
    install_page_helpers(page)


def outputs_state(page) -> dict:
    """What the page shows now (for a failure message): outputs, widgets, loading placeholders, figures."""
    return page.evaluate("""() => {
        const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'));
        return {spinner: !!document.querySelector('#loading'), outputs: outputs.length,
                widgets: outputs.filter(el => el.querySelector(':scope > .jupyter-widgets')).length,
                loading_widgets: outputs.filter(el => (el.textContent || '').includes('Loading widget')).length,
                failed_widgets: outputs.filter(el => (el.textContent || '').includes('Error displaying widget')).length,
                figures: document.querySelectorAll('canvas.mml-explorer-canvas').length}; }""")


def voila_code_visible(page) -> list[str]:
    """Describe any code input Voilà shows (there should be none)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            '.jp-CodeCell .jp-InputArea, .jp-InputPrompt, .cm-editor, .CodeMirror, .jp-CodeMirrorEditor'))
        .filter(el => el.offsetParent !== null && (el.textContent || '').trim())
        .map(el => el.className + ': ' + el.textContent.trim().slice(0, 80))""")


# -- screenshots -------------------------------------------------------------------------------------------
def save_report(name: str, report: dict) -> Path:
    """Save what a test saw (explorers, controls moved, formulas accepted, problems) to test-artifacts/e2e/<name>.json."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return target


def save_screenshot(page, name: str, scroller: str | None = None, max_height: int = 16000) -> Path:
    """Save a picture of the whole notebook to test-artifacts/e2e/<name>.png.

    The ``scroller`` element (JupyterLab's notebook panel, Voilà's page of cells) is scrolled a
    screenful at a time and the shots are stacked; resizing the window instead would make
    JupyterLab lay the outputs out again. Without a scroller the page is shot as it is.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    try:
        # the first element that matches may be a hidden one (e.g. the collapsed file browser's list)
        if scroller and page.evaluate("""(sel) => {
                for (const el of document.querySelectorAll('[data-e2e-scroller]')) el.removeAttribute('data-e2e-scroller');
                const el = Array.from(document.querySelectorAll(sel)).find(e => e.clientHeight > 0 && e.offsetParent !== null);
                if (el) el.setAttribute('data-e2e-scroller', '');
                return !!el; }""", scroller):
            _stacked_screenshot(page, "[data-e2e-scroller]", target, max_height)
        else:
            page.screenshot(path=str(target), full_page=True, timeout=90_000)
    except Exception as error:  # a screenshot must never hide the real failure
        print(f"full screenshot failed ({type(error).__name__}: {error}); saving the window", file=sys.stderr)
        try:
            page.screenshot(path=str(target))
        except Exception:
            pass
    return target


def _stacked_screenshot(page, scroller: str, target: Path, max_height: int) -> None:
    import io

    from PIL import Image

    total, step, box = page.evaluate("""(sel) => { const el = document.querySelector(sel);
        const r = el.getBoundingClientRect();
        return [el.scrollHeight, el.clientHeight, {x: r.x, y: r.y, width: r.width, height: el.clientHeight}]; }""",
        scroller)
    shots = []
    for top in range(0, min(total, max_height), step):
        offset = page.evaluate("([sel, top]) => { const el = document.querySelector(sel); el.scrollTop = top;"
                               " return el.scrollTop; }", [scroller, top])
        page.wait_for_timeout(100)
        # a clip of the page is much quicker than an element shot (no scrolling or stability checks)
        shots.append((offset, Image.open(io.BytesIO(page.screenshot(clip=box, timeout=60_000)))))
    width = shots[0][1].width
    height = min(total, max_height, shots[-1][0] + shots[-1][1].height)
    sheet = Image.new("RGB", (width, height), "white")
    for offset, shot in shots:
        sheet.paste(shot, (0, offset))
    sheet.save(target)


# -- exercising explorers ----------------------------------------------------------------------------------
#: Formulas tried in a formula box when its placeholder offers none that the explorer accepts.
FALLBACK_FORMULAS = ("x^2 + 1", "x*sin(x)", "x^2 + y^2", "x*y + 1", "sin(x) + cos(y)", "x^2 + y^2 + z^2")
#: Typed code that a formula box must refuse with a message: a call that would create the canary
#: file if the text ever reached ``eval``, and one that needs no quotes (refused as an unknown function).
HOSTILE_TEMPLATES = ('__import__("os").system("touch {canary}")', "__import__(os) + x")


def find_explorers(page) -> list[dict]:
    """Tag every explorer on the page (an output holding explorer canvases) and describe its controls."""
    return page.evaluate("() => window.__e2e.tagExplorers()")


def explorer_root(page, index: int):
    return page.locator(f'[data-e2e-explorer="{index}"]')


def canvas_hashes(page, index: int) -> str:
    return page.evaluate("(i) => window.__e2e.hashes(i)", index)


def canvas_pngs(page, index: int) -> list[str]:
    """The pictures of explorer ``index``'s figures as PNG data URLs."""
    return page.evaluate("""(i) => Array.from(window.__e2e.root(i).querySelectorAll('canvas.mml-explorer-canvas'))
        .map(fig => { const c = window.__e2e.mainCanvas(fig); return c && c.width ? c.toDataURL('image/png') : ''; })""",
        index)


#: When two pictures are the same: a figure drawn again whole instead of in parts differs by a few
#: dozen levels (of 255) along anti-aliased edges (up to 24 seen); anything really drawn differently (a
#: curve, a label, a point) changes hundreds of pixels by far more. So: at most ``PIXEL_SHARE`` of the
#: pixels may differ by more than ``PIXEL_TOLERANCE`` in some colour channel.
PIXEL_TOLERANCE = 48
PIXEL_SHARE = 0.0005


def png_pixels(url: str):
    """The pixels of a PNG data URL (as ``canvas_pngs`` returns), an h × w × 4 uint8 RGBA array."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA"))


def same_pictures(before: list[str], after: list[str]) -> bool:
    """Whether two lists of PNG data URLs show the same pictures (see ``PIXEL_TOLERANCE``). The PNG
    bytes are not compared: Chromium may encode the same pixels differently from one call to the next."""
    import numpy as np

    def decode(url: str):
        return png_pixels(url).astype(np.int16)

    if len(before) != len(after):
        return False
    for a, b in zip(before, after):
        if not (a and b):
            if a != b:
                return False
            continue
        first, second = decode(a), decode(b)
        if first.shape != second.shape:
            return False
        differing = int((np.abs(first - second).max(axis=2) > PIXEL_TOLERANCE).sum())
        if differing > PIXEL_SHARE * first.shape[0] * first.shape[1]:
            return False
    return True


def save_canvas_pngs(name: str, before: list[str], after: list[str]) -> str:
    """Save two sets of canvas pictures to test-artifacts/e2e/<name>-{before,after}-<k>.png; return the pattern."""
    import base64

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, urls in (("before", before), ("after", after)):
        for k, url in enumerate(urls):
            if url.startswith("data:image/png;base64,"):
                (ARTIFACTS / f"{name}-{label}-{k}.png").write_bytes(base64.b64decode(url.split(",", 1)[1]))
    return str(ARTIFACTS / f"{name}-{{before,after}}-<figure>.png")


def explorer_message(page, index: int) -> str:
    return page.evaluate("(i) => window.__e2e.message(i)", index)


def wait_for(page, expression: str, arg, timeout: float, polling="raf") -> bool:
    """Wait (polling in the page, by default once per frame) until ``expression`` is truthy; False on timeout."""
    try:
        page.wait_for_function(expression, arg=arg, timeout=timeout * 1000, polling=polling)
        return True
    except Exception as error:  # playwright's TimeoutError
        if type(error).__name__ == "TimeoutError":
            return False
        raise


def wait_canvas_change(page, index: int, before: str, timeout: float = 10.0) -> bool:
    return wait_for(page, "([i, before]) => window.__e2e.hashes(i) !== before", [index, before], timeout)


def wait_picture_still(page, index: int, quiet_ms: int = 400, timeout: float = 10.0) -> bool:
    """Wait until explorer ``index``'s picture has not changed for ``quiet_ms`` (a change may take two draws).

    In JupyterLab the kernel must also be idle all that time: a new formula can keep it busy for
    seconds (critical points are solved for) before the new picture is sent.
    """
    return wait_for(page, """([i, quiet]) => {
        const s = window.__still = window.__still || {};
        const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        const busy = kernel ? kernel.status !== 'idle' : false;
        const h = window.__e2e.hashes(i) + (busy ? ':busy' : ''), now = performance.now();
        if (!s[i] || s[i].hash !== h || busy) { s[i] = {hash: h, since: now}; return false; }
        return now - s[i].since >= quiet; }""", [index, quiet_ms], timeout, polling=50)


def check_canvases(page, index: int) -> list[str]:
    """Every figure of explorer ``index`` is visible on screen and has been drawn."""
    problems = []
    figures = explorer_root(page, index).locator("canvas.mml-explorer-canvas")
    for k in range(figures.count()):
        canvas = figures.nth(k)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        if not canvas.is_visible() or not box or box["width"] < 50 or box["height"] < 50:
            problems.append(f"explorer {index}: figure {k} is not visible (box {box})")
    # the canvas gets its first picture after it has said hello to the kernel: give it a moment.
    wait_for(page, "(i) => window.__e2e.colours(i).every(n => n >= 3)", index, 15.0)
    colours = page.evaluate("(i) => window.__e2e.colours(i)", index)
    for k, count in enumerate(colours):
        if count < 3:
            problems.append(f"explorer {index}: figure {k} is blank ({count} colours)")
    return problems


def press_slider(page, index: int, slider: int) -> str:
    """Focus slider ``slider`` of explorer ``index`` and press one arrow key towards its far end; return the key."""
    state = page.evaluate("([i, k]) => window.__e2e.sliderState(i, k)", [index, slider])
    key = "ArrowLeft" if state["max"] - state["now"] < state["now"] - state["min"] else "ArrowRight"
    handle = explorer_root(page, index).locator(".widget-slider").nth(slider).locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)
    return key


def internal_error(message: str) -> bool:
    return "内部错误" in message or "internal error" in message


def exercise_sliders(page, index: int, labels: list[str]) -> tuple[list[str], list[str]]:
    """Move each slider by one key press; return (labels of sliders that changed the picture, problems)."""
    changed, problems = [], []
    for k, label in enumerate(labels):
        wait_picture_still(page, index)
        before = canvas_hashes(page, index)
        key = press_slider(page, index, k)
        if wait_canvas_change(page, index, before, timeout=10.0):
            changed.append(label)
        message = explorer_message(page, index)
        if internal_error(message):
            problems.append(f"explorer {index}: slider {label!r} ({key}) raised: {message}")
    if labels and not changed:
        problems.append(f"explorer {index}: no slider ({', '.join(labels)}) changed the picture")
    if not labels:
        problems.append(f"explorer {index}: has no slider")
    return changed, problems


SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def label_variables(label: str) -> list[str]:
    """The variables a box's label names: "f(x₁, x₂)" -> ["x1", "x2"], "x₁(t)" -> ["t"], "公式" -> []."""
    match = re.search(r"\(([^()]*)\)", label.translate(SUBSCRIPTS))
    names = [part.strip() for part in match.group(1).split(",")] if match else []
    return [name for name in names if re.fullmatch(r"[A-Za-z]\w*", name)]


def balanced(text: str) -> str:
    """Strip spaces, colons, full-width brackets and unmatched ASCII ones from the ends of ``text``."""
    text = text.strip(" ：:（）")
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].strip()
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].strip()
    return text


def formula_candidates(placeholder: str, current: str, label: str = "") -> list[str]:
    """Formulas to try in a box: its placeholder's examples, the current formula plus one of its label's
    variables, simple formulas in those variables, then generic ones in x, y, z."""
    text = placeholder.replace("\u200b", "")  # ipywidgets' empty placeholder
    for marker in ("例如", "e.g.", "如"):
        if marker in text:
            text = text.split(marker, 1)[1]
            break
    for separator in (" 或 ", " or ", "，", "、", ";", "；"):
        text = text.replace(separator, "\n")
    candidates = [balanced(t) for t in text.splitlines() if balanced(t)]
    variables = label_variables(label)
    if variables:
        v = variables[0]
        if current.strip():
            candidates += [f"({current.strip()}) + {v}", f"({current.strip()}) + {v}^2"]
        candidates += [f"{v}^2 + 1", f"sin({v}) + {v}"]
        if len(variables) > 1:
            candidates += [" + ".join(f"{w}^2" for w in variables), "*".join(variables) + " + 1"]
    seen, result = {current.strip()}, []
    for formula in candidates + list(FALLBACK_FORMULAS):
        if formula not in seen:
            seen.add(formula)
            result.append(formula)
    return result


def type_into(page, index: int, box: int, text: str) -> None:
    field_ = explorer_root(page, index).locator(".widget-text input[type=text]").nth(box)
    field_.scroll_into_view_if_needed()
    field_.fill(text)
    field_.press("Enter")


def exercise_formula_box(page, index: int, box: int, text: dict, canary: Path) -> tuple[str | None, list[str]]:
    """Type a formula that changes the picture, then each hostile formula, which must only produce a
    message, each followed by the good formula again (explorers with several boxes read them all)."""
    problems: list[str] = []
    accepted = None
    tried = []
    for formula in formula_candidates(text["placeholder"], text["value"], text.get("label", "")):
        wait_picture_still(page, index)
        before = canvas_hashes(page, index)
        type_into(page, index, box, formula)
        outcome = wait_for(page, """([i, before]) => window.__e2e.message(i) !== ''
                                        || window.__e2e.hashes(i) !== before""", [index, before], 10.0)
        # a message may come a moment after the picture or instead of it: let the kernel settle
        page.wait_for_timeout(150)
        message = explorer_message(page, index)
        if outcome and not message and canvas_hashes(page, index) != before:
            accepted = formula
            break
        tried.append(f"{formula!r}: {message or 'no change'}")
        if internal_error(message):
            problems.append(f"explorer {index}: formula {formula!r} raised: {message}")
    name = text.get("label") or f"box {box}"
    if accepted is None:
        problems.append(f"explorer {index}: formula box {name!r} accepted none of the formulas tried "
                        f"({'; '.join(tried)})")
        return None, problems
    # Hostile formulas: a message appears, the picture is kept, and nothing runs. The picture of the
    # good formula typed back before can come late under load (a new formula is solved for its
    # critical points), even after a quiet spell: a picture that changed is checked once more, and
    # only a change that happens again is reported.
    for template in HOSTILE_TEMPLATES:
        hostile = template.format(canary=canary)
        for attempt in range(2):
            changed, attempt_problems = _try_hostile(page, index, box, name, hostile, accepted, canary)
            if attempt == 0:
                problems += attempt_problems
            if not changed:
                break
        else:
            problems.append(f"explorer {index}: the picture changed after {hostile!r} in {name!r}, twice "
                            f"({changed})")
    return accepted, problems


def _try_hostile(page, index: int, box: int, name: str, hostile: str, accepted: str,
                 canary: Path) -> tuple[str, list[str]]:
    """Type ``hostile``, check the message and the canary, type ``accepted`` back; return (a description
    of the change of picture, or "" when the picture was kept; problems)."""
    problems: list[str] = []
    # JupyterLab tells when the kernel is idle (see wait_picture_still); Voilà does not, so there the
    # quiet spell must outlast the slowest new formula (its critical points are solved for).
    quiet = 1200 if page.evaluate("() => !!window.jupyterapp") else 3000
    wait_picture_still(page, index, quiet_ms=quiet, timeout=30.0)
    before = canvas_pngs(page, index)  # the pictures themselves: the comparison is made once, not polled
    type_into(page, index, box, hostile)
    if not wait_for(page, "(i) => window.__e2e.message(i) !== ''", index, 10.0):
        problems.append(f"explorer {index}: no message after {hostile!r} in {name!r}")
    else:
        message = explorer_message(page, index)
        if internal_error(message):
            problems.append(f"explorer {index}: {hostile!r} in {name!r} gave an internal error: {message}")
    wait_picture_still(page, index, quiet_ms=1200, timeout=20.0)
    after = canvas_pngs(page, index)
    changed = ""
    if not same_pictures(before, after):
        changed = f"pictures in {save_canvas_pngs(f'changed-by-hostile-{index}-{box}', before, after)}"
    if canary.exists():
        problems.append(f"explorer {index}: {hostile!r} in {name!r} ran code (created {canary})")
    type_into(page, index, box, accepted)
    if not wait_for(page, "(i) => window.__e2e.message(i) === ''", index, 10.0):
        problems.append(f"explorer {index}: the message stayed after {accepted!r} was typed back into {name!r}")
    return changed, problems


def exercise_explorers(page, canary: Path) -> tuple[list[dict], list[str]]:
    """Check every explorer on the page: figures drawn and visible, sliders live, formula boxes safe."""
    explorers = find_explorers(page)
    problems: list[str] = []
    for explorer in explorers:
        i = explorer["index"]
        problems += check_canvases(page, i)
        explorer["moved"], slider_problems = exercise_sliders(page, i, explorer["sliders"])
        problems += slider_problems
        explorer["formulas"] = []
        for box, text in enumerate(explorer["texts"]):
            if text["disabled"]:
                continue
            accepted, box_problems = exercise_formula_box(page, i, box, text, canary)
            explorer["formulas"].append(accepted)
            problems += box_problems
    return explorers, problems


def output_problems(page) -> list[str]:
    return page.evaluate("() => window.__e2e.problems()")


def widget_outputs(page) -> int:
    return page.evaluate("() => window.__e2e.widgetOutputs()")


def stored_outputs(notebook: Path) -> tuple[int, int]:
    """Count the widget outputs, and among them the explorers (widget plus PNG fallback), stored in a notebook."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    widgets = explorers = 0
    for cell in data.get("cells", []):
        for output in cell.get("outputs", []) or []:
            bundle = output.get("data") or {}
            if "application/vnd.jupyter.widget-view+json" in bundle:
                widgets += 1
                explorers += "image/png" in bundle
    return widgets, explorers


# -- answer boxes (widgets/exercises/answer_box.js) ------------------------------------------------------------------
#: One answer box's view; its parts carry the classes below.
ANSWER_BOX = ".mml-answer-box"


def notebook_answers(notebook: Path) -> list[str]:
    """The right answers of a notebook's answer boxes, in order: each ``exercise_box(key)``'s reference
    as one would type it (from :mod:`widgets.exercises.bank`)."""
    from widgets.exercises import bank

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return [bank.get(key).reference_text for key in re.findall(r'exercise_box\("([^"]+)"\)', source)]


def _answer_box_state(page, index: int) -> dict:
    return page.evaluate("""([sel, i]) => { const b = document.querySelectorAll(sel)[i];
        const q = s => b.querySelector(s);
        return {prompt: q('.mml-ab-prompt').textContent, prompt_math: q('.mml-ab-prompt').dataset.math || '',
                feedback: q('.mml-ab-feedback').textContent, feedback_colour: getComputedStyle(q('.mml-ab-feedback')).color,
                solution_shown: !q('.mml-ab-solution').hidden, solution_math: q('.mml-ab-solution').dataset.math || '',
                reveal: q('.mml-ab-reveal').hidden ? '' : q('.mml-ab-reveal').textContent}; }""", [ANSWER_BOX, index])


def _check_in_box(page, box, index: int, text: str, mark: str) -> str:
    """Type ``text`` into box ``index``, press Enter; return the verdict line once it starts with ``mark``
    (or whatever it says after 10 s)."""
    field_ = box.locator(".mml-ab-input")
    field_.scroll_into_view_if_needed()
    field_.fill(text)
    field_.press("Enter")
    wait_for(page, """([sel, i, text, mark]) => { const b = document.querySelectorAll(sel)[i];
        return b.querySelector('.mml-ab-input').value === text
            && b.querySelector('.mml-ab-feedback').textContent.startsWith(mark); }""",
             [ANSWER_BOX, index, text, mark], 10.0, polling=100)
    return _answer_box_state(page, index)["feedback"]


def exercise_answer_boxes(page, answers: list[str]) -> tuple[list[dict], list[str]]:
    """Check every answer box on the page: its prompt's math typeset, a wrong answer gets ✘, the right one
    (``answers``, in order) ✔, and 显示解答 shows the typeset solution. Return (what each box said, problems)."""
    problems: list[str] = []
    count = page.locator(ANSWER_BOX).count()
    if count != len(answers):
        problems.append(f"{count} answer boxes on the page, but the notebook has {len(answers)}")
    # the math of every prompt is typeset once the page's MathJax has loaded
    wait_for(page, """(sel) => Array.from(document.querySelectorAll(sel + ' .mml-ab-prompt'))
        .every(p => p.dataset.math)""", ANSWER_BOX, 20.0, polling=200)
    boxes = []
    for index in range(min(count, len(answers))):
        box = page.locator(ANSWER_BOX).nth(index)
        before = _answer_box_state(page, index)
        if before["prompt_math"] not in ("rendermime", "mathjax3", "mathjax2", "none"):
            problems.append(f"answer box {index}: the prompt's math is not typeset ({before['prompt_math']!r}): "
                            f"{before['prompt']!r}")
        wrong = _check_in_box(page, box, index, "0", "✘")
        right = _check_in_box(page, box, index, answers[index], "✔")
        after = _answer_box_state(page, index)
        if not wrong.startswith("✘"):
            problems.append(f"answer box {index}: '0' got {wrong!r}")
        if not right.startswith("✔"):
            problems.append(f"answer box {index}: the right answer {answers[index]!r} got {right!r}")
        elif after["feedback_colour"] != "rgb(27, 127, 59)":
            problems.append(f"answer box {index}: the verdict line is {after['feedback_colour']}, not green")
        if after["reveal"]:
            box.locator(".mml-ab-reveal").click()
            wait_for(page, """([sel, i]) => document.querySelectorAll(sel)[i]
                .querySelector('.mml-ab-solution').dataset.math""", [ANSWER_BOX, index], 20.0, polling=100)
            after = _answer_box_state(page, index)
            if not after["solution_shown"] or after["solution_math"] not in ("rendermime", "mathjax3", "mathjax2"):
                problems.append(f"answer box {index}: the solution is not shown typeset ({after})")
        boxes.append({"index": index, "prompt": before["prompt"], "wrong": wrong, "right": right,
                      "prompt_math": before["prompt_math"], "solution_math": after["solution_math"]})
    return boxes, problems

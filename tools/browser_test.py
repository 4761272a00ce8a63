#!/usr/bin/env python
"""The widgets in a real browser: JupyterLab on localhost, headless Chromium, clicks, screenshots.

Starts a JupyterLab server (random token, free port, private Jupyter directories) on a temporary
copy of `tools/widgets_tour.ipynb`, opens it in Debian's `chromium` driven by Playwright, runs all
cells from the Run menu, then drives each widget as a user would and asserts that what the page
shows changed:

- `DigitBrowser`: choose digit 3 in the digit dropdown; the checkpoint dropdown switches to
  `digit3/last.pt` and the picture (the `<img>` of the widget's output) is a different image.
- `JetHistograms`: move the sample-size slider one step with the keyboard (500 -> 1000 jets); the
  readout says 1000 and the histograms are a different image.
- `EventBrowser`: click "next"; the "from rank" readout says 6, the table under the picture lists
  ranks 6-11 instead of 0-5, and the event pictures are a different image.

Screenshots (the page after running, each widget before and after) go to
`test-artifacts/browser/` (or `--artifacts DIR`); on failure also `failure.png` and the server log.
The server and the browser are started and stopped here; exit status 0 when every check passes.
"""
from __future__ import annotations
import argparse, json, os, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT/'tools'/'widgets_tour.ipynb'
CHROMIUM_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage', '--disable-gpu',
                  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps']
RUN_TIMEOUT = 360   # s: running every cell (trains two tiny GANs, makes 1,000 Pythia jets, trains a GCN)
CHANGE_TIMEOUT = 120  # s: one widget redraw after an interaction
T0 = time.monotonic()

def log(msg): print(f"[browser_test {time.monotonic() - T0:6.1f}s] {msg}", flush=True)

INSTALL_HINT = ("headless Chromium is needed: on Debian/Ubuntu `apt-get install chromium` (as root), "
                "and `pip install playwright` (the `[dev]` extra has it; no `playwright install` needed, "
                "the system chromium is used)")

def find_chromium() -> str:
    "Path of the system Chromium, or exit with how to install it."
    for name in ('chromium', 'chromium-browser'):
        if p := shutil.which(name): return p
    sys.exit(f"browser_test: no `chromium` on PATH. {INSTALL_HINT}")

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def write_lab_settings(settings_dir:Path):
    "User settings that make the page deterministic: every cell in the DOM, no news or update toasts."
    for rel, value in {'@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none', 'autoStartDefaultKernel': True},
                       '@jupyterlab/apputils-extension/notification.jupyterlab-settings': {'fetchNews': 'false', 'checkForUpdates': False},
                      }.items():
        p = settings_dir/rel; p.parent.mkdir(parents=True, exist_ok=True); p.write_text(json.dumps(value))

class LabServer:
    "A JupyterLab server on 127.0.0.1 serving `root`, with its own Jupyter directories under `home`."
    def __init__(self, root:Path, home:Path, log_path:Path):
        self.root, self.home, self.log_path = root, home, log_path
        self.token, self.port, self.proc = secrets.token_hex(24), free_port(), None

    def start(self, timeout=120):
        env = {k: v for k, v in os.environ.items() if not k.startswith(('JUPYTER', 'MPLBACKEND', 'IPYTHONDIR'))}
        dirs = {k: self.home/v for k, v in dict(JUPYTER_CONFIG_DIR='config', JUPYTER_DATA_DIR='data', JUPYTER_RUNTIME_DIR='runtime',
                                                 JUPYTERLAB_SETTINGS_DIR='settings', JUPYTERLAB_WORKSPACES_DIR='workspaces',
                                                 IPYTHONDIR='ipython', TMPDIR='tmp').items()}
        for d in dirs.values(): d.mkdir(parents=True, exist_ok=True)
        write_lab_settings(dirs['JUPYTERLAB_SETTINGS_DIR'])
        env.update({k: str(v) for k, v in dirs.items()}, PYDEVD_DISABLE_FILE_VALIDATION='1', PYTHONUNBUFFERED='1')
        cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--allow-root', '--ServerApp.ip=127.0.0.1',
               f'--ServerApp.port={self.port}', '--ServerApp.port_retries=0', f'--IdentityProvider.token={self.token}',
               f'--ServerApp.root_dir={self.root}', '--LabApp.news_url=None', '--LabApp.extension_manager=readonly',
               '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
        self._log = open(self.log_path, 'w')
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)  # own process group: kernels die with it
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with status {self.proc.returncode} (log: {self.log_path})")
            try:
                with urllib.request.urlopen(f'{self.url}/api/status?token={self.token}', timeout=5) as r:
                    if r.status == 200: return self
            except OSError: pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not answer /api/status within {timeout} s (log: {self.log_path})")

    @property
    def url(self): return f'http://127.0.0.1:{self.port}'

    def stop(self):
        if self.proc is None: return
        if self.proc.poll() is None:
            try:  # SIGTERM to the group (server and its kernels), then SIGKILL whatever is left
                os.killpg(self.proc.pid, signal.SIGTERM)
                try: self.proc.wait(15)
                except subprocess.TimeoutExpired: pass
            except ProcessLookupError: pass
        try: os.killpg(self.proc.pid, signal.SIGKILL)  # kernels outlive a server killed too early
        except ProcessLookupError: pass
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: pass
        self._log.close()

# ---- reading the page -------------------------------------------------------------------------------

def code_cell(page, marker:str):
    "The code cell whose source contains `marker`."
    return page.locator('.jp-Notebook .jp-CodeCell').filter(has=page.locator('.jp-InputArea', has_text=marker))

def outputs(cell):
    "The output area of a code cell (what a screenshot of a widget shows)."
    return cell.locator('.jp-Cell-outputArea')

def output_img_src(widget) -> str:
    "The `src` of the (matplotlib) picture inside a widget's output; '' if there is none yet."
    imgs = widget.locator('.widget-output img')
    return imgs.first.get_attribute('src') if imgs.count() else ''

def wait_until(page, what:str, pred, timeout:float):
    "Poll `pred()` until it is true; fail naming `what` after `timeout` seconds (no retries of actions)."
    deadline = time.monotonic() + timeout
    while True:
        got = pred()
        if got: return got
        if time.monotonic() > deadline: raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {what}")
        page.wait_for_timeout(250)

def cell_errors(page) -> list[str]:
    "Texts of the tracebacks shown in the notebook."
    return [t for t in page.locator('.jp-OutputArea-output').all_inner_texts() if 'Traceback (most recent call last)' in t]

def no_dialog(page) -> bool:
    "True when no JupyterLab dialog is open; a dialog (kernel choice, error) fails the test with its text."
    d = page.locator('.jp-Dialog')
    if d.count(): raise AssertionError("JupyterLab opened a dialog: " + ' | '.join(d.first.inner_text().split('\n')))
    return True

def kernel_status(page) -> str:
    "The status bar's kernel item, e.g. 'Python 3 (ipykernel) | Idle' ('No Kernel | ...' before one is up)."
    items = [t.strip() for t in page.locator('.jp-StatusBar-TextItem').all_inner_texts() if '|' in t]
    return next((t for t in items if not t.startswith('No Kernel')), '')

def prompts(page) -> list[str]:
    return [t.strip() for t in page.locator('.jp-Notebook .jp-CodeCell .jp-InputPrompt').all_inner_texts()]

def readout(widget, label:str) -> str:
    "The readout of the slider whose description is `label`."
    return widget.locator('.widget-slider', has=widget.page.locator('.widget-label', has_text=label)).locator('.widget-readout').inner_text().strip()

def table_column(widget, name:str) -> list[str]:
    "A column of the pandas table in a widget's output, as text."
    return widget.locator('.widget-output table').first.evaluate("""(t, name) => {
        const head = [...t.querySelectorAll('thead tr:last-child th')].map(th => th.textContent.trim());
        const k = head.indexOf(name);
        if (k < 0) return null;
        return [...t.querySelectorAll('tbody tr')].map(tr => tr.children[k].textContent.trim());
    }""", name)

# ---- the test ---------------------------------------------------------------------------------------

def run(artifacts:Path, headed:bool=False):
    try: from playwright.sync_api import sync_playwright
    except ImportError: sys.exit(f"browser_test: Playwright is not installed. {INSTALL_HINT}")
    chromium = find_chromium()
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in artifacts.glob('*.png'): old.unlink()
    shots = []
    def shot(target, name):
        p = artifacts/f'{name}.png'
        (target.screenshot(path=str(p), full_page=True) if hasattr(target, 'goto') else target.screenshot(path=str(p)))
        shots.append(p); log(f"screenshot {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")

    tmp = Path(tempfile.mkdtemp(prefix='graphgan_browser_'))
    server_log = tmp/'jupyter_server.log'
    (tmp/'nb').mkdir(); shutil.copy(NOTEBOOK, tmp/'nb'/NOTEBOOK.name)
    server = LabServer(tmp/'nb', tmp/'home', server_log)
    page = browser = pw = None
    ok = False
    try:
        server.start(); log(f"jupyter lab up on port {server.port}")
        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=not headed)
        page = browser.new_page(viewport={'width': 1600, 'height': 1800})
        page.set_default_timeout(60_000)
        page.goto(f'{server.url}/lab/tree/{NOTEBOOK.name}?token={server.token}')
        n_cells = sum(c['cell_type'] == 'code' for c in json.loads(NOTEBOOK.read_text())['cells'])
        wait_until(page, f'the notebook to show its {n_cells} code cells', lambda: page.locator('.jp-Notebook .jp-CodeCell').count() == n_cells, 120)
        wait_until(page, 'the kernel to start and be idle', lambda: no_dialog(page) and kernel_status(page).endswith('| Idle'), 120)
        log(f"notebook open, {n_cells} code cells, kernel: {kernel_status(page)}; Run > Run All Cells")
        page.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click()
        page.locator('.lm-Menu-item:visible', has_text='Run All Cells').first.click()

        def all_ran():
            no_dialog(page)
            if errs := cell_errors(page): raise AssertionError("a cell failed:\n" + errs[0][-3000:])
            ps = prompts(page)
            return len(ps) == n_cells and all(p.startswith('[') and p[1:-2].isdigit() for p in ps)
        wait_until(page, 'every cell to run (prompts [n]:)', all_ran, RUN_TIMEOUT)
        log(f"all cells ran: {prompts(page)}")

        digits, jets, events = (code_cell(page, m) for m in ('DigitBrowser(runs', 'JetHistograms(real_jets', 'EventBrowser(events'))
        for name, cell in (('DigitBrowser', digits), ('JetHistograms', jets), ('EventBrowser', events)):
            wait_until(page, f'{name} to render its picture', lambda: output_img_src(cell), 60)
        shot(page, 'lab_after_run_all')

        # DigitBrowser: choose digit 3
        before = output_img_src(digits); shot(outputs(digits), 'digits_before')
        digit_select = digits.locator('.widget-dropdown', has=page.locator('.widget-label', has_text='digit')).locator('select')
        checkpoint_select = digits.locator('.widget-dropdown', has=page.locator('.widget-label', has_text='checkpoint')).locator('select')
        sel_text = lambda s: s.evaluate('s => s.options[s.selectedIndex] ? s.options[s.selectedIndex].textContent : ""')
        assert sel_text(checkpoint_select) == 'digit7/last.pt', f"checkpoint shown first: {sel_text(checkpoint_select)!r}"
        digit_select.select_option(label='3')
        wait_until(page, 'the DigitBrowser picture to change after choosing digit 3', lambda: output_img_src(digits) not in ('', before),
                   CHANGE_TIMEOUT)
        assert sel_text(digit_select) == '3', sel_text(digit_select)
        wait_until(page, "the checkpoint dropdown to offer digit3/last.pt", lambda: sel_text(checkpoint_select) == 'digit3/last.pt', 30)
        shot(outputs(digits), 'digits_after_choosing_3')
        log("DigitBrowser: digit 7 -> 3 changed the checkpoint (digit3/last.pt) and the picture")

        # JetHistograms: the sample-size slider one step right, 500 -> 1000 jets
        before = output_img_src(jets); shot(outputs(jets), 'jets_before')
        assert readout(jets, 'jets') == '500', f"jets slider starts at {readout(jets, 'jets')!r}"
        handle = jets.locator('.widget-slider', has=page.locator('.widget-label', has_text='jets')).locator('.noUi-handle')
        handle.focus(); handle.press('ArrowRight')
        wait_until(page, 'the jets slider readout to say 1000', lambda: readout(jets, 'jets') == '1000', 30)
        wait_until(page, 'the JetHistograms picture to change after moving the slider', lambda: output_img_src(jets) not in ('', before),
                   CHANGE_TIMEOUT)
        shot(outputs(jets), 'jets_after_slider_1000')
        log("JetHistograms: slider 500 -> 1000 jets changed the histograms")

        # EventBrowser: next page
        before = output_img_src(events); shot(outputs(events), 'events_before')
        ranks = table_column(events, 'rank')
        assert ranks == [str(i) for i in range(6)], f"first page ranks: {ranks}"
        events.locator('button', has_text='next').click()
        wait_until(page, 'the EventBrowser picture to change after "next"', lambda: output_img_src(events) not in ('', before), CHANGE_TIMEOUT)
        wait_until(page, 'the event table to list ranks 6-11', lambda: table_column(events, 'rank') == [str(i) for i in range(6, 12)], 30)
        assert readout(events, 'from rank') == '6', f"from rank after next: {readout(events, 'from rank')!r}"
        shot(outputs(events), 'events_after_next')
        log("EventBrowser: next changed the events shown (ranks 0-5 -> 6-11) and the picture")

        if errs := cell_errors(page): raise AssertionError("a widget callback failed:\n" + errs[0][-3000:])
        ok = True
    except BaseException:
        if page is not None:
            try: page.screenshot(path=str(artifacts/'failure.png'), full_page=True); log(f"failure screenshot: {artifacts/'failure.png'}")
            except Exception as e: log(f"could not take the failure screenshot: {e}")
        raise
    finally:
        for close in (lambda: browser and browser.close(), lambda: pw and pw.stop(), server.stop):
            try: close()
            except Exception as e: log(f"while stopping: {e}")
        if server_log.exists(): shutil.copy(server_log, artifacts/'jupyter_server.log')
        if not ok and server_log.exists():
            log(f"server log: {artifacts/'jupyter_server.log'}; its last lines:")
            print(''.join(server_log.read_text(errors='replace').splitlines(True)[-40:]), flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"passed; {len(shots)} screenshots in {artifacts}")
    return shots

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--artifacts', type=Path, default=ROOT/'test-artifacts'/'browser', help='where screenshots and the server log go')
    ap.add_argument('--headed', action='store_true', help='show the browser window (needs a display)')
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed test still stops its server and browser (finally)
    run(a.artifacts.resolve(), a.headed)

if __name__ == '__main__': main()

#!/usr/bin/env bash
# The project's test command: library in sync with the notebooks, ruff lint, every notebook's tests, the console command,
# the widgets in a real browser.
# Extra arguments go to nbdev_test (e.g. --flags slow). Takes about 30 minutes on 2 CPU cores.
# --fast: no browser check (the notebooks, sync, lint, docs and --help checks only).
# Without Chromium the browser check is skipped with a message, except under CI (CI=1), where it must run.
set -uo pipefail
cd "$(dirname "$0")/.."
fast=0; if [ "${1:-}" = "--fast" ]; then fast=1; shift; fi
failed=0; passed=0
check() { if "$@"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $*"; fi; }

sync_check() {  # nbdev_export must not change the library
  local before; before=$(mktemp -d)
  cp -r graphgan_nb "$before/"
  nbdev_export || return 1
  diff -r -x __pycache__ -x assets "$before/graphgan_nb" graphgan_nb >/dev/null || {
    diff -r -x __pycache__ -x assets "$before/graphgan_nb" graphgan_nb | head -20
    echo "graphgan_nb/ was not in sync with nbs/: run nbdev_export and commit"; return 1; }
}
check sync_check

lint_check() { ruff check graphgan_nb tools; }
check lint_check

cli_help() { for c in "" quickstart train-mnist train-classifier gfd generate-events tracin-experiment sample generate-jets train-jets jet-metrics merge-shards bench "bench mpnn" "bench jets" "bench memory" "bench tracin" "bench fast-sim"; do graphgan $c --help >/dev/null || return 1; done; }
check cli_help

readme_check() { python tools/make_readme.py --check; }
check readme_check

# everything short of `quarto render`: notebooks processed as nbdev_docs does, sidebar, docstrings and API entries, links
docs_check() { python tools/docs_check.py; }
check docs_check

# the widgets live: JupyterLab on localhost, tools/widgets_tour.ipynb run and clicked in headless Chromium;
# screenshots in test-artifacts/browser/ (needs `chromium`: apt-get install chromium)
browser_check() { python tools/browser_test.py; }
if [ "$fast" = 1 ]; then echo "browser check skipped (--fast)"
elif [ -z "${CI:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "browser check SKIPPED: no chromium on PATH (apt-get install chromium to run it; CI runs it always)"
else check browser_check; fi

# every notebook is one test; nbdev_test lists the failing ones; results notebooks (skip_exec) are skipped
read -r nbs skipped < <(python - <<'PY'
import json
from nbdev.test import _keep_file
from nbdev.doclinks import nbglob
fs = [f for f in nbglob(as_path=True) if _keep_file(f, '.notest')]
skip = sum('skip_exec: true' in ''.join(json.loads(f.read_text())['cells'][0]['source']) for f in fs)
print(len(fs) - skip, skip)
PY
)
out=$(mktemp); nbdev_test --do_print --timing "$@" 2>&1 | tee "$out"; rc=${PIPESTATUS[0]}
nfail=$(sed -n '/Tests Failed On The Following Notebooks/,$p' "$out" | grep -c '\.ipynb' || true)
if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then nfail=1; fi
passed=$((passed + nbs - nfail)); failed=$((failed + nfail))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Build the wheel and sdist, install the wheel (core requirements only, no extras) into a fresh virtual
# environment outside the checkout, and use it the way a pip user would: the quickstart, a GFD on the
# shipped classifier, and a TracIn table on the shipped events. Every data file must come from the wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd); work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python -m pip install -q build
rm -rf dist && python -m build -q --sdist --wheel --outdir "$work/dist" . >/dev/null
ls "$work"/dist
python3 -m venv "$work/venv"
. "$work/venv/bin/activate"
pip install -q torch==2.13.0 && pip install -q "$work"/dist/*.whl
cd "$work"   # nothing from the checkout is importable from here
python - <<'PY'
import graphgan_nb, pathlib
assert 'site-packages' in graphgan_nb.__file__, graphgan_nb.__file__
names = {p.name for p in (pathlib.Path(graphgan_nb.__file__).parent/'assets').iterdir()}
need = {'mnist_sample.npz', 'monet_sparse.pt', 'monet_superpixels.pt', 'gluon_jets.pt', 'gluon_jets_masked.pt', 'susy_sample.parquet'}
assert need <= names, f"missing from the wheel: {need - names}"
print('wheel assets:', sorted(names))
PY
graphgan quickstart --minutes 0.3 --no-progress --out qs > qs.log && tail -3 qs.log
python - <<'PY'
from graphgan_nb.data.superpixels import mnist_graphs
from graphgan_nb.gfd import gfd_baselines
g, _, _ = mnist_graphs(4, 'superpixels', sources=('sample',), progress=False)
r = gfd_baselines(4, 'superpixels', generated=g.flip(0), sources=('sample',))
print('GFD from the installed wheel (real fours vs real fours):', {k: round(v, 3) for k, v in r.items() if isinstance(v, float)})
assert r['real_halves'] < r['nearest_other']
PY
graphgan tracin-experiment --epochs 3 --seeds 0 --rst-fractions 0.5 --no-progress --no-mislabel --out tr | head -8
test -f tr/summary.csv
echo "wheel check passed"

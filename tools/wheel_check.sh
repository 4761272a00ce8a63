#!/usr/bin/env bash
# Build the sdist and, from it, the wheel; install the wheel (core requirements only, no extras) into a fresh
# virtual environment outside the checkout, with its own cache, and use it the way a pip user would: the
# quickstart, a GFD on the shipped classifier, and a TracIn table on the shipped events.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export GRAPHGAN_CACHE="$work/cache"   # nothing computed by the checkout is reused
python -m pip install -q build
python -m build -q --outdir "$work/dist" . >/dev/null   # sdist first, then the wheel built from the sdist
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
gens = sorted(p.name for p in (pathlib.Path(graphgan_nb.__file__).parent/'assets'/'generators').glob('*.pt'))
print('shipped generators:', gens)
PY
for name in $(python -c "from graphgan_nb.gan import shipped_generators; print(' '.join(n for n in shipped_generators() if not n.startswith('jets')))"); do
  graphgan sample shipped:$name --n 8 --out "$name.npy" >/dev/null
  python -c "import numpy as np; x = np.load('$name.npy'); assert x.dtype == np.float32 and x.shape[0] == 8 and x.shape[2] == 3, x.shape; print('shipped:$name ->', x.shape)"
done
graphgan quickstart --minutes 0.3 --no-progress --out qs > qs.log && tail -3 qs.log && test -f qs/real_vs_generated.png
python - <<'PY'
from graphgan_nb.data.superpixels import mnist_graphs
from graphgan_nb.gfd import gfd_baselines
g, _, _ = mnist_graphs(4, 'superpixels', sources=('sample',), progress=False)
r = gfd_baselines(4, 'superpixels', generated=g.flip(0), sources=('sample',))
print('GFD from the installed wheel (real fours vs real fours):', {k: round(v, 3) for k, v in r.items() if isinstance(v, float)})
assert r['real_halves'] < r['nearest_other']
PY
graphgan tracin-experiment --epochs 3 --seeds 0 --rst-fractions 0.5 --no-progress --no-mislabel --out tr > tr.log
head -8 tr.log; test -f tr/summary.csv
echo "wheel check passed"

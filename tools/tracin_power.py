"""The attribution experiment with statistical power (issue 14): GNN-FT / RST / IRST over resampled splits and seeds.

    nohup python tools/tracin_power.py --events data/susy_300_150.parquet --splits 5 --seeds 0 1 2 3 --epochs 100 \
        --out runs/tracin_power > runs/tracin_power.log 2>&1 &

For each split seed (a new stratified 80/20 split of the table) and each model seed, `tracin.run_experiment` trains the paper's
grid (FT; RST at 95/90/80/50/20/10/5 %; IRST keeping 80 % and 50 % of a 90 % random subset by self-influence). Rows are
appended to OUT/results.csv after every (split, seed), so a killed run resumes where it stopped. `--report` prints the paired
differences (IRST − RST at the nearest larger fraction, IRST − FT) with bootstrap 95 % intervals over the (split, seed) pairs.
"""
import argparse, json, time
from pathlib import Path
import numpy as np, pandas as pd

PAIRS = {'90% random, keep 80%': 0.8, '90% random, keep 50%': 0.5}  # IRST setting (run_experiment's name) → the RST fraction it meets


def pair_table(res, metrics=('accuracy',)):
    "Long table: one row per (split, seed), IRST comparison (− RST at the fraction it meets, − FT) and metric, with `diff`."
    key, rows = ['split', 'seed'], []
    for setting, frac in PAIRS.items():
        irst = res[(res.method == 'IRST') & (res.setting == setting)].set_index(key)
        refs = {f'RST {frac:.0%}': res[(res.method == 'RST') & np.isclose(res.fraction, frac)], 'FT': res[res.method == 'FT']}
        for name, ref in refs.items():
            for m in metrics:
                d = (irst[m] - ref.set_index(key)[m]).dropna().rename('diff').reset_index()
                rows.append(d.assign(comparison=f'IRST {setting} − {name}', metric=m))
    return pd.concat(rows, ignore_index=True)


def paired_differences(res, metric='accuracy', n_boot=10_000, seed=0, level='pair'):
    """Mean paired difference and bootstrap 95 % interval for IRST − RST and IRST − FT, resampling the (split, seed) pairs
    (`level='pair'`) or the splits, each the mean of its pairs (`level='split'`: the seeds of a split share its test set)."""
    rng, rows = np.random.default_rng(seed), []
    for comparison, d in pair_table(res, (metric,)).groupby('comparison', sort=False):
        v = (d['diff'] if level == 'pair' else d.groupby('split')['diff'].mean()).to_numpy()
        boots = rng.choice(v, (n_boot, len(v))).mean(1)
        rows.append(dict(comparison=comparison, metric=metric, n=len(v), mean=v.mean(), ci_low=np.quantile(boots, 0.025),
                         ci_high=np.quantile(boots, 0.975), std=v.std(ddof=1) if len(v) > 1 else np.nan))
    return pd.DataFrame(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--events', required=True); ap.add_argument('--out', default='runs/tracin_power')
    ap.add_argument('--splits', type=int, default=5); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3])
    ap.add_argument('--epochs', type=int, default=100); ap.add_argument('--test-fraction', type=float, default=0.2)
    ap.add_argument('--report', action='store_true', help='only print the paired differences of what OUT/results.csv holds')
    a = ap.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True); f = out/'results.csv'
    if not a.report:
        import torch; torch.set_num_threads(1)
        from graphgan_nb.core import atomic_write
        from graphgan_nb.data.susy import read_events, event_splits
        from graphgan_nb.gcn import GCNConfig
        from graphgan_nb.tracin import run_experiment
        events = read_events(a.events)
        done = pd.read_csv(f) if f.exists() else pd.DataFrame(columns=['split', 'seed'])
        for split in range(a.splits):
            train, test, _, _ = event_splits(events, a.test_fraction, seed=split)
            for s in a.seeds:
                if ((done.split == split) & (done.seed == s)).any(): continue
                t0 = time.perf_counter()
                r = run_experiment(train, test, GCNConfig(epochs=a.epochs), seeds=(s,), progress=False)
                r.insert(0, 'split', split); r['n_test'] = len(test[0])
                done = pd.concat([done, r], ignore_index=True)
                atomic_write(f, lambda fh: done.to_csv(fh, index=False))
                print(json.dumps(dict(split=split, seed=s, minutes=round((time.perf_counter() - t0)/60, 1),
                                      ft_accuracy=float(r[r.method == 'FT'].accuracy.iloc[0]))), flush=True)
    res = pd.read_csv(f)
    for m in ('accuracy', 'auroc', 'f1'):
        print(paired_differences(res, m).round(4).to_string(index=False))


if __name__ == '__main__': main()

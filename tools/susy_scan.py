"""How hard is the SUSY task at each signal mass point? The scan that chooses the default benchmark (issue 14).

    nohup python tools/susy_scan.py --out runs/susy_scan > runs/susy_scan.log 2>&1 &

One background sample (tt̄ + single top) and one signal sample per (m(χ̃±₁) = m(χ̃⁰₂), m(χ̃⁰₁)) point, all through the
package's detector and selection (`generate_events`, resumable shards, one process). For each point: a balanced table
(as many background as signal events, drawn at random), the paper's GCN trained on a fixed 80/20 split (Adam 1e-3,
wd 5e-4), and, as an independent judge of how separable the events are, scikit-learn's gradient-boosted trees on the
same flat features. Writes scan.csv (one row per point and seed) and prints it. Rerun the same command after a kill.
"""
import argparse, json, time
from pathlib import Path
import numpy as np, pandas as pd


def flat_features(events):
    "The event-table columns the graphs are made of, as a flat matrix (what the boosted trees see)."
    from graphgan_nb.data.susy import EVENT_COLUMNS
    return events[list(EVENT_COLUMNS)].to_numpy(np.float64)


def judge(events, seeds, epochs):
    "GCN test accuracy/AUROC (per seed) and gradient-boosted-trees AUROC on a fixed 80/20 split of `events`."
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score, accuracy_score
    from graphgan_nb.data.susy import event_splits
    from graphgan_nb.gcn import GCNConfig, train_gcn, predict
    train, test, _, (tr, te) = event_splits(events, 0.2, 0)
    y = events['label'].to_numpy()
    bdt = HistGradientBoostingClassifier(random_state=0).fit(flat_features(events.iloc[tr]), y[tr])
    bdt_auc = roc_auc_score(y[te], bdt.predict_proba(flat_features(events.iloc[te]))[:, 1])
    rows = []
    for s in seeds:
        model, _, _ = train_gcn(train, None, GCNConfig(epochs=epochs, seed=s), progress=False)
        p = predict(model, test[0], test[1]); yt = test[2].numpy()
        rows.append(dict(seed=s, gcn_accuracy=accuracy_score(yt, p >= 0.5), gcn_auroc=roc_auc_score(yt, p), bdt_auroc=bdt_auc,
                         n_train=len(tr), n_test=len(te)))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default='runs/susy_scan')
    ap.add_argument('--points', nargs='+', default=['700:200', '400:200', '350:150', '300:150', '250:100', '225:75'],
                    help='m_chargino:m_lsp in GeV (m_chargino > m_lsp + 125)')
    ap.add_argument('--signal', type=int, default=12000, help='generated signal events per point')
    ap.add_argument('--ttbar', type=int, default=80000); ap.add_argument('--singletop', type=int, default=10000)
    ap.add_argument('--epochs', type=int, default=40); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    ap.add_argument('--workers', type=int, default=1)
    a = ap.parse_args()
    import torch; torch.set_num_threads(1)
    from graphgan_nb.data.susy import generate_events, read_events
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    bkg_file = out/'background.parquet'
    if not bkg_file.exists():
        generate_events(bkg_file, {'ttbar': a.ttbar, 'singletop': a.singletop}, seed=11, shard_size=2000, workers=a.workers, progress=False)
    bkg = read_events(bkg_file)
    rows = []
    for pt in a.points:
        mc, ml = map(float, pt.split(':'))
        f = out/f'signal_{int(mc)}_{int(ml)}.parquet'
        t0 = time.process_time()
        if not f.exists():
            generate_events(f, {'signal': a.signal}, seed=7, shard_size=2000, workers=a.workers, m_chargino=mc, m_lsp=ml, progress=False)
        sig = read_events(f)
        n = min(len(sig), len(bkg))
        ev = pd.concat([sig.sample(n, random_state=0), bkg.sample(n, random_state=0)], ignore_index=True)
        for r in judge(ev, a.seeds, a.epochs):
            rows.append(dict(m_chargino=mc, m_lsp=ml, signal_selected=len(sig), signal_efficiency=len(sig)/a.signal,
                             background_selected=len(bkg), n_events=len(ev), **r, cpu_s=round(time.process_time() - t0, 1)))
            print(json.dumps(rows[-1]), flush=True)
        pd.DataFrame(rows).to_csv(out/'scan.csv', index=False)
    print(pd.DataFrame(rows).groupby(['m_chargino', 'm_lsp'])[['gcn_accuracy', 'gcn_auroc', 'bdt_auroc', 'n_events']].mean().round(3))


if __name__ == '__main__': main()

"""Short GAN pilots compared on one budget and one metric (issue: the graph GAN learns).

    python tools/gan_pilots.py RECIPE [RECIPE ...] --digit 7 --minutes 6 --out runs/pilots

Each recipe trains one sparse-MNIST (or superpixel) digit model on one CPU thread for the same
wall-clock budget; after every epoch the trainer records the discriminator's held-out AUC and
score gap and the shipped MoNet's verdict on 500 generated digits (accuracy, GFD). One CSV row
per pilot goes to OUT/pilots.csv; the per-epoch history stays in OUT/<recipe>_d<digit>/.
"""
import argparse, json, time
from pathlib import Path
import torch

_ADAM = dict(optimizer='adam', lr_d=1e-4, lr_g=1e-4, beta1=0.5, dropout=0.0)
_BEST = dict(_ADAM, aggregation='mean', readout='mlp', shared_latent=8)
RECIPES = {  # name: GANConfig overrides on top of the paper's settings for the digit (k: k-nearest-neighbour graphs)
    'paper': dict(),
    'paper_k10': dict(neighbours=10),
    'adam_k10': dict(_ADAM, neighbours=10),
    'adam_mlp_mean_k10': dict(_ADAM, aggregation='mean', readout='mlp', neighbours=10),
    'adam_mlp_mean_shared_k10': dict(_BEST, neighbours=10),
    'adam_mlp_mean_shared_ema_k10': dict(_BEST, ema=0.995, neighbours=10),
    'adam_mlp_mean_shared_2e4_k10': dict(_BEST, lr_d=2e-4, lr_g=2e-4, neighbours=10),
    'adam_mlp_mean_shared_drop_k10': dict(_BEST, dropout=0.5, neighbours=10),
    'adam_mlp_mean_shared_full': dict(_BEST),
    'linear_k10': dict(_BEST, linear_score=True, neighbours=10),
    'linear_ema_k10': dict(_BEST, linear_score=True, ema=0.995, neighbours=10),
    'linear_ttur_k10': dict(_BEST, linear_score=True, lr_d=2e-4, lr_g=5e-5, neighbours=10),
    'linear_bs16_k10': dict(_BEST, linear_score=True, neighbours=10, batch_size=16),
    'linear_ema_aug_k10': dict(_BEST, linear_score=True, ema=0.995, augment=0.125, neighbours=10),
    'linear_ema_drop_k10': dict(_BEST, linear_score=True, ema=0.995, dropout=0.5, neighbours=10),
    'linear_ema_r1_k10': dict(_BEST, linear_score=True, ema=0.995, r1=1.0, neighbours=10),
    'linear_ema_r1_2e4_k10': dict(_BEST, linear_score=True, ema=0.995, r1=1.0, lr_d=2e-4, lr_g=2e-4, neighbours=10),
    'both_ema_r1_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=1.0, neighbours=10),
    'both_ema_r1_bs8_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=1.0, neighbours=10, batch_size=8),
    'both_ema_r1_deq_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=1.0, dequantise=0.5/14, neighbours=10),
    'mlp_ema_r1_deq_k10': dict(_BEST, linear_score=True, ema=0.995, r1=1.0, dequantise=0.5/14, neighbours=10),
    'both_r10_ttur_deq_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=10.0, lr_d=1e-4, lr_g=2e-5,
                                  dequantise=0.5/14, neighbours=10),
    'mlp_r10_ttur_deq_k10': dict(_BEST, linear_score=True, ema=0.995, r1=10.0, lr_d=1e-4, lr_g=2e-5, dequantise=0.5/14, neighbours=10),
    'id_mlp_r10_deq_k10': dict(_BEST, linear_score=True, ema=0.995, r1=10.0, dequantise=0.5/14, neighbours=10, node_identity=True, node_noise=0.3),
    'id_both_r10_deq_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=10.0, dequantise=0.5/14, neighbours=10,
                                node_identity=True, node_noise=0.3),
    'id_both_r10_deq_k10_mbstd4': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=10.0, dequantise=0.5/14, neighbours=10,
                                       node_identity=True, node_noise=0.3, minibatch_std=4),
    'id_both_r10_deq_k10_mbstd4_kaiming': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=10.0, dequantise=0.5/14, neighbours=10,
                                               node_identity=True, node_noise=0.3, minibatch_std=4, init='kaiming'),
    'id_both_r1_deq_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=1.0, dequantise=0.5/14, neighbours=10,
                               node_identity=True, node_noise=0.3),
    'linear_2e4_k10': dict(_BEST, linear_score=True, lr_d=2e-4, lr_g=2e-4, neighbours=10),
    'linear_2e4_ema_k10': dict(_BEST, linear_score=True, lr_d=2e-4, lr_g=2e-4, ema=0.995, neighbours=10),
    # jets (--jets FILE): the paper's jet settings, then the recipe's levers
    'jets_paper': dict(),
    'jets_adam_mlp_mean': dict(_ADAM, aggregation='mean', readout='mlp'),
    'jets_adam_mlp_mean_shared': dict(_BEST),
    'jets_adam_mlp_mean_shared_k10': dict(_BEST, neighbours=10),
    'jets_adam_mlp_mean_shared_ema': dict(_BEST, ema=0.995),
    'jets_adam_mlp_mean_shared_lr3e4': dict(_BEST, lr_d=3e-4, lr_g=1e-4),
    'jets_id_mlp_r10_k10': dict(_BEST, linear_score=True, ema=0.995, r1=10.0, neighbours=10, node_identity=True, node_noise=0.3),
    'jets_id_both_r10_k10': dict(_BEST, readout='both', linear_score=True, ema=0.995, r1=10.0, neighbours=10, node_identity=True, node_noise=0.3),
    'jets_recipe_r1_k10': dict(r1=1.0),
    'jets_recipe_r0_k10': dict(r1=0.0),
    'jets_linear_ema_r1_k10': dict(_BEST, linear_score=True, ema=0.995, r1=1.0, neighbours=10),
    'jets_linear_ema_k10': dict(_BEST, linear_score=True, ema=0.995, neighbours=10),
    'jets_linear_ema_full': dict(_BEST, linear_score=True, ema=0.995),
    # session 3: no R1 or a light one, no EMA lag in short pilots, pT_rel scaled linearly or in log (`_pt_log`: data, not GANConfig)
    'jets_r0_ema0': dict(r1=0.0, ema=0.0),
    'jets_r0_ema0_logpt': dict(r1=0.0, ema=0.0, _pt_log=True),
    'jets_r1_ema0_logpt': dict(r1=1.0, ema=0.0, _pt_log=True),
    'jets_r0_ema0_logpt_lr3e4': dict(r1=0.0, ema=0.0, lr_d=3e-4, lr_g=3e-4, _pt_log=True),
    'jets_r0_ema0_logpt_mbstd4': dict(r1=0.0, ema=0.0, minibatch_std=4, _pt_log=True),
    'jets_r1_ema0_logpt_mbstd4': dict(r1=1.0, ema=0.0, minibatch_std=4, _pt_log=True),
    'jets_r0_ema0_logpt_mbstd4_kaiming': dict(r1=0.0, ema=0.0, minibatch_std=4, init='kaiming', _pt_log=True),
    'jets_r0_ema0_logpt_mbstd4_ttur': dict(r1=0.0, ema=0.0, minibatch_std=4, lr_d=4e-4, lr_g=1e-4, _pt_log=True),
}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('recipes', nargs='+', choices=list(RECIPES))
    ap.add_argument('--digit', type=int, default=7); ap.add_argument('--representation', default='sparse')
    ap.add_argument('--minutes', type=float, default=6); ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--val-every', type=int, default=1)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default='runs/pilots')
    ap.add_argument('--jets', default=None, metavar='HDF5', help='pilot jet recipes on this JetNet file instead of digits')
    ap.add_argument('--preset', default='jets_masked'); ap.add_argument('--n-train', type=int, default=40_000)
    ap.add_argument('--precision', default='fp32', choices=('fp32', 'bf16'))
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    if a.jets: return jets(a)
    from graphgan_nb.data.superpixels import mnist_graphs
    from graphgan_nb.gan import GANConfig, GANTrainer
    from graphgan_nb.gfd import digit_validator
    graphs, _, _ = mnist_graphs(a.digit, a.representation, ('npm',), progress=False)
    perm = torch.randperm(len(graphs), generator=torch.Generator().manual_seed(0))
    val, train = graphs[perm[:256]], graphs[perm[256:]]
    validate = digit_validator(a.digit, a.representation, n=500, sources=('npm',))
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    for name in a.recipes:
        cfg = GANConfig.paper(a.digit, a.representation, **{**dict(batch_size=a.batch_size, seed=a.seed), **RECIPES[name]})
        run = out/f'{name}_{a.representation}_d{a.digit}'
        tr = GANTrainer(train, cfg, run, device='cpu', resume=False, val_graphs=val, validator=validate, val_every=a.val_every, precision=a.precision)
        t0 = time.perf_counter()
        tr.fit(10_000, progress=False, max_seconds=a.minutes*60)
        h = [r for r in tr.history if 'score' in r]; last, best = h[-1], min(h, key=lambda r: r['score'])
        row = dict(recipe=name, digit=a.digit, representation=a.representation, minutes=round((time.perf_counter() - t0)/60, 2),
                   epochs=tr.epoch, steps=tr.epoch*(len(train)//cfg.batch_size),
                   last_accuracy=last['accuracy'], last_gfd=last['gfd'], best_gfd=best['score'], best_epoch=best['epoch'],
                   best_accuracy=best['accuracy'], d_auc_last=last['d_auc'], d_gap_last=last['d_gap'],
                   d_real_last=last['d_real'], d_fake_last=last['d_fake'], precision=a.precision, config=json.dumps(RECIPES[name]))
        _append(out, row)

def _append(out, row):
    "Add one pilot's row to OUT/pilots.csv (rewritten atomically with `core.write_history`) and print it."
    from graphgan_nb.core import read_history, write_history
    f = out/'pilots.csv'
    write_history(f, (read_history(f) if f.exists() else []) + [row])
    print(json.dumps(row), flush=True)

def jets(a):
    "Jet pilots: train on the first --n-train jets, judge every epoch on 2,000 held-out ones (W1 at N = 1000 over real-vs-real)."
    from dataclasses import asdict
    from graphgan_nb.data.jets import read_jetnet
    from graphgan_nb.gan import GANConfig, GANTrainer, jet_gan_graphs
    from graphgan_nb.metrics import jet_validator
    pf, _ = read_jetnet(a.jets)
    train, val = pf[:a.n_train], pf[-2000:]
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    for name in a.recipes:
        paper, recipe = name == 'jets_paper', dict(RECIPES[name])
        pt_log = recipe.pop('_pt_log', False)
        x, sc = jet_gan_graphs(train, a.preset, quantile=1.0 if paper else 0.9999, pt_log=pt_log)
        validate = jet_validator(val, sc, n=1000, p=5)
        base = GANConfig.jets_paper if paper else GANConfig.jets
        cfg = base(a.preset, batch_size=a.batch_size, seed=a.seed, **recipe)
        run = out/f'{name}_{a.preset}'
        tr = GANTrainer(x, cfg, run, device='cpu', resume=False, val_graphs=jet_gan_graphs(val[:256], a.preset, sc)[0], validator=validate,
                        meta=dict(scaler=asdict(sc)), val_every=a.val_every, precision=a.precision)
        t0 = time.perf_counter()
        tr.fit(10_000, progress=False, max_seconds=a.minutes*60)
        h = [r for r in tr.history if 'score' in r]; last, best = h[-1], min(h, key=lambda r: r['score'])
        _append(out, dict(recipe=name, preset=a.preset, minutes=round((time.perf_counter() - t0)/60, 2), epochs=tr.epoch,
                          steps=tr.epoch*(len(x)//a.batch_size), last_score=last['score'], best_score=best['score'], best_epoch=best['epoch'],
                          **{k: best[k] for k in best if k.startswith('w1') or k in ('mass_spread_ratio', 'multiplicity')},
                          d_auc_last=last['d_auc'], d_gap_last=last['d_gap'], precision=a.precision, config=json.dumps(RECIPES[name])))

if __name__ == '__main__': main()

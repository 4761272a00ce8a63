"""Can a fresh discriminator tell a frozen generator's jets from real ones? (issue: the graph GAN learns)

    python tools/frozen_g_discriminator.py runs/shipped/jets-g-torchinit/best.pt --init torch
    python tools/frozen_g_discriminator.py runs/shipped/jets-g-torchinit/best.pt --init kaiming

Trains a new discriminator of the checkpoint's architecture (Adam 1e-4, β1 0.5, LSGAN, batch 64)
against the frozen generator for --steps steps on 6,400 real jets, and every 30 steps prints its
held-out ROC AUC and score gap on 512 held-out real jets against 512 generated ones. One thread.
"""
import argparse, time
import torch

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('checkpoint'); ap.add_argument('--data', default='data/g.hdf5')
    ap.add_argument('--init', default='torch', choices=['torch', 'kaiming']); ap.add_argument('--steps', type=int, default=120)
    a = ap.parse_args()
    torch.set_num_threads(1)
    from dataclasses import replace
    from graphgan_nb.gan import load_jet_generator, jet_gan_graphs, lsgan_d_loss, discriminator_health, build_networks
    from graphgan_nb.data.jets import read_jetnet
    G, sc, cfg, _ = load_jet_generator(a.checkpoint); G.eval()
    pf, _ = read_jetnet(a.data)
    x, _ = jet_gan_graphs(pf[:6400], cfg.preset, sc); v, _ = jet_gan_graphs(pf[-512:], cfg.preset, sc)
    torch.manual_seed(0)
    _, D = build_networks(cfg.preset, **replace(cfg, init=a.init, dropout=0.0).networks())
    opt = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.999))
    with torch.no_grad(): fv = G.sample(512, seed=5)
    print(f"init {a.init}; scaled eta_rel std: real {v[..., 0].std():.3f}, generated {fv[..., 0].std():.3f}")
    t0 = time.time()
    for step in range(1, a.steps + 1):
        real = x[torch.randint(0, len(x), (64,))]
        with torch.no_grad(): fake = G.sample(64)
        d = D(torch.cat([real, fake])); loss = lsgan_d_loss(d[:64], d[64:])
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 30 == 0:
            h = discriminator_health(D, v, fv)
            print(f"step {step}: loss {loss.item():.4f}, held-out AUC {h['d_auc']:.3f}, score gap {h['d_gap']:.4f} "
                  f"({time.time() - t0:.0f} s)", flush=True)

if __name__ == '__main__': main()

#!/usr/bin/env python3
"""The reference training workloads of Latent's performance issues, in PyTorch (Glow: glow_torch.py).

Same architectures, batch sizes and optimizer (Adam, learning rate 1e-3) as Latent's
`BenchmarkWorkload`s, on real MNIST read from the IDX gzip files in --data. Each workload is
timed like Latent's `Benchmarks.run`: a pool of batches built up front, `--warmup` seconds of
untimed training, then `--seconds` split into `--repeats` parts; the median rate is reported.
Prints one JSON line per workload with the field names of Latent's `BenchmarkResult`.

With `--compile`, the loss (forward; its backward through AOTAutograd) and the Adam step are each
wrapped in `torch.compile` (Inductor's C++ back end; the first steps compile, untimed).

    python pytorch_workloads.py --data ../shared/data/mnist --threads 2 [--compile] [--seconds 10] [--workloads mlp-vae,cvae]
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402
from glow_torch import Glow  # noqa: E402
from peer_common import read_idx  # noqa: E402,F401  (bench/reference_conv_vae.py imports it from here)


def mnist_train(directory):
    x, y = peer_common.mnist_arrays(directory)
    return torch.from_numpy(x), torch.from_numpy(y)


# ---- models -------------------------------------------------------------------------------

def gaussian_head(h, latent, bound=8.0):
    """(μ, log σ) from [B, 2L], log σ soft-clamped by b·tanh(·/b) as Latent's GaussianEncoder."""
    mu, log_scale = h[:, :latent], h[:, latent:]
    return mu, torch.tanh(log_scale / bound) * bound


def kl_standard_normal(mu, log_scale):
    return (0.5 * (mu.square() + torch.exp(2 * log_scale) - 1) - log_scale).sum(1)


class MLPVAE(nn.Module):
    """784-400-20 ReLU; with `condition` classes the one-hot label is concatenated to the
    encoder's input and to z (the conditional VAE with the fixed prior N(0, I))."""

    def __init__(self, condition=0, hidden=400, latent=20):
        super().__init__()
        self.latent, self.condition = latent, condition
        self.encoder = nn.Sequential(nn.Linear(784 + condition, hidden), nn.ReLU(), nn.Linear(hidden, 2 * latent))
        self.decoder = nn.Sequential(nn.Linear(latent + condition, hidden), nn.ReLU(), nn.Linear(hidden, 784))

    def loss(self, x, y):
        flat = x.reshape(x.shape[0], -1)
        inputs, c = flat, None
        if self.condition:
            c = F.one_hot(y, self.condition).float()
            inputs = torch.cat([flat, c], 1)
        mu, log_scale = gaussian_head(self.encoder(inputs), self.latent)
        z = mu + torch.exp(log_scale) * torch.randn_like(mu)
        logits = self.decoder(z if c is None else torch.cat([z, c], 1))
        reconstruction = F.binary_cross_entropy_with_logits(logits, flat, reduction="sum") / x.shape[0]
        return reconstruction + kl_standard_normal(mu, log_scale).mean()


class ConvVAE(nn.Module):
    """Conv 32-64 (4×4, stride 2, padding 1), latent 16, no extra fully connected layer, on
    [B, channels, side, side] images (MNIST: 1, 28; the CIFAR-shaped conv-vae-32: 3, 32)."""

    def __init__(self, latent=16, channels=1, side=28):
        super().__init__()
        self.latent = latent
        s = side // 4
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * s * s, 2 * latent))
        self.decoder = nn.Sequential(
            nn.Linear(latent, 64 * s * s), nn.ReLU(), nn.Unflatten(1, (64, s, s)),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, channels, 4, 2, 1))

    def loss(self, x, y):
        mu, log_scale = gaussian_head(self.encoder(x), self.latent)
        z = mu + torch.exp(log_scale) * torch.randn_like(mu)
        logits = self.decoder(z)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
        return reconstruction + kl_standard_normal(mu, log_scale).mean()


def mlp(d, hidden):
    layers, width = [], d
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    last = nn.Linear(width, d)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*layers, last)


class RealNVP(nn.Module):
    """Affine couplings y = x·exp(s) + t with separate s and t MLPs, s = b·tanh(ŝ/b), masks
    flipping from layer to layer; log p(x) through the inverse, standard normal base. With
    `image`, data are dequantized and mapped through logit(α + (1 − 2α)y) first."""

    def __init__(self, masks, hidden, bound, image=False, alpha=1e-6):
        super().__init__()
        d = masks[0].numel()
        self.register_buffer("masks", torch.stack(masks))
        self.s = nn.ModuleList(mlp(d, hidden) for _ in masks)
        self.t = nn.ModuleList(mlp(d, hidden) for _ in masks)
        self.bound, self.image, self.alpha, self.d = bound, image, alpha, d

    def loss(self, x, y):
        v = x.reshape(x.shape[0], -1)
        log_det = torch.zeros(v.shape[0])
        offset = 0.0
        if self.image:
            v = (v * 255 + torch.rand_like(v)) / 256
            p = self.alpha + (1 - 2 * self.alpha) * v
            log_det = log_det + (math.log(1 - 2 * self.alpha) - torch.log(p) - torch.log1p(-p)).sum(1)
            v = torch.log(p) - torch.log1p(-p)
            offset = self.d * math.log(256)
        for k in reversed(range(len(self.s))):
            m = self.masks[k]
            kept = v * m
            s = torch.tanh(self.s[k](kept) / self.bound) * self.bound * (1 - m)
            t = self.t[k](kept) * (1 - m)
            v = (v - t) * torch.exp(-s)
            log_det = log_det - s.sum(1)
        log_base = (-0.5 * v.square() - 0.5 * math.log(2 * math.pi)).sum(1)
        return -(log_base + log_det).mean() + offset


def checkerboard(flipped):
    i = torch.arange(784)
    kept = ((i // 28 + i % 28) % 2 == 0).float()
    return 1 - kept if flipped else kept


def alternating(flipped):
    kept = torch.tensor([1.0, 0.0])
    return 1 - kept if flipped else kept


# ---- timing -------------------------------------------------------------------------------

def build(name, mnist):
    """(model, batches as tensors, batch size, unit) for a workload (data from peer_common)."""
    torch.manual_seed(0)
    pool, batch_size, unit = peer_common.batches(name, mnist)
    pool = [(torch.from_numpy(x), None if y is None else torch.from_numpy(y)) for x, y in pool]
    model = {
        "mlp-vae": lambda: MLPVAE(),
        "cvae": lambda: MLPVAE(condition=10),
        "conv-vae": lambda: ConvVAE(),
        "realnvp-2d": lambda: RealNVP([alternating(k % 2 == 1) for k in range(8)], [64, 64], 1.0),
        "realnvp-mnist": lambda: RealNVP([checkerboard(k % 2 == 1) for k in range(8)], [512, 512], 2.0, image=True),
        "conv-vae-32": lambda: ConvVAE(channels=3, side=32),
        "glow": lambda: Glow(),
    }[name]()
    if name == "glow":
        model.initialize(pool[0][0])  # data-dependent ActNorm, untimed (Latent: inside its first step)
    return model, pool, batch_size, unit


def measure(name, mnist, args):
    model, pool, batch_size, unit = build(name, mnist)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn, update = model.loss, optimizer.step
    if args.compile:
        loss_fn = torch.compile(model.loss)
        update = torch.compile(optimizer.step)
    state = {"next": 0}

    def step():
        x, y = pool[state["next"]]
        state["next"] = (state["next"] + 1) % len(pool)
        loss = loss_fn(x, y)
        loss.item()
        optimizer.zero_grad()
        loss.backward()
        update()

    framework = ("torch.compile " if args.compile else "PyTorch ") + torch.__version__
    parameters = sum(p.numel() for p in model.parameters())
    return peer_common.measure(name, framework, step, batch_size, unit, args.threads, args.seconds, args.repeats,
                               args.warmup, args.peak, parameters)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    peer_common.add_arguments(parser)
    parser.add_argument("--compile", action="store_true", help="torch.compile the loss and the optimizer step")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    names = peer_common.workload_names(parser, args)
    mnist = peer_common.mnist_arrays(args.data) if any(n not in ("realnvp-2d", "conv-vae-32") for n in names) else None
    for name in names:
        print(json.dumps(measure(name, mnist, args), sort_keys=True), flush=True)


if __name__ == "__main__":
    main()

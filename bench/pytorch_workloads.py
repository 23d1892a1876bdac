#!/usr/bin/env python3
"""The five reference training workloads of Latent's performance issue, in PyTorch.

Same architectures, batch sizes and optimizer (Adam, learning rate 1e-3) as Latent's
`BenchmarkWorkload`s, on real MNIST read from the IDX gzip files in --data. Each workload is
timed like Latent's `Benchmarks.run`: a pool of batches built up front, `--warmup` seconds of
untimed training, then `--seconds` split into `--repeats` parts; the median rate is reported.
Prints one JSON line per workload with the field names of Latent's `BenchmarkResult`.

    python pytorch_workloads.py --data ../shared/data/mnist --threads 2 [--seconds 10] [--workloads mlp-vae,cvae]
"""
import argparse
import datetime
import gzip
import json
import math
import os
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PEAK_GFLOPS_PER_CORE = 277.0  # AMD Zen 5, AVX-512: the same constant as Latent's MachinePeak
WORKLOADS = ["mlp-vae", "cvae", "conv-vae", "realnvp-2d", "realnvp-mnist"]


def read_idx(path):
    """An IDX file (gzip) as a numpy array of its dimensions."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist_train(directory):
    images = read_idx(os.path.join(directory, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, "train-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


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
    """Conv 32-64 (4×4, stride 2, padding 1), latent 16, no extra fully connected layer."""

    def __init__(self, latent=16):
        super().__init__()
        self.latent = latent
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 2 * latent))
        self.decoder = nn.Sequential(
            nn.Linear(latent, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1))

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


def two_moons(n, noise=0.05, generator=None):
    """scikit-learn's make_moons (scale 1): two interleaved half circles plus Gaussian noise."""
    outer = n // 2
    inner = n - outer
    a = torch.linspace(0, math.pi, outer)
    b = torch.linspace(0, math.pi, inner)
    xs = torch.cat([torch.stack([torch.cos(a), torch.sin(a)], 1),
                    torch.stack([1 - torch.cos(b), 1 - torch.sin(b) - 0.5], 1)])
    xs = xs + noise * torch.randn(xs.shape, generator=generator)
    return xs[torch.randperm(n, generator=generator)]


# ---- FLOPs (the same count as Latent's FLOPCount) -----------------------------------------

def flops_per_step(name):
    def linear(i, o, grad=True):
        return (i * o, grad)

    def conv(cin, cout, k, positions, grad=True):
        return (positions * cout * cin * k * k, grad)

    def coupling(d, hidden, count):
        widths = [d] + hidden + [d]
        return [linear(widths[i], widths[i + 1], not (c == 0 and i == 0))
                for c in range(count) for _ in range(2) for i in range(len(widths) - 1)]

    layers = {
        "mlp-vae": [linear(784, 400, False), linear(400, 40), linear(20, 400), linear(400, 784)],
        "cvae": [linear(794, 400, False), linear(400, 40), linear(30, 400), linear(400, 784)],
        "conv-vae": [conv(1, 32, 4, 196, False), conv(32, 64, 4, 49), linear(3136, 32), linear(16, 3136),
                     conv(32, 64, 4, 49), conv(1, 32, 4, 196)],
        "realnvp-2d": coupling(2, [64, 64], 8),
        "realnvp-mnist": coupling(784, [512, 512], 8),
    }[name]
    macs = sum(m * (3 if g else 2) for m, g in layers)
    return 2.0 * macs * (512 if name == "realnvp-2d" else 128)


# ---- timing -------------------------------------------------------------------------------

def build(name, data, pool=64):
    """(model, batches, batch size, unit) for a workload."""
    torch.manual_seed(0)
    if name == "realnvp-2d":
        g = torch.Generator().manual_seed(0)
        model = RealNVP([alternating(k % 2 == 1) for k in range(8)], [64, 64], 1.0)
        return model, [(two_moons(512, generator=g), None) for _ in range(pool)], 512, "steps/s"
    x, y = data
    batches = [(x[i * 128:(i + 1) * 128].contiguous(), y[i * 128:(i + 1) * 128].contiguous()) for i in range(pool)]
    model = {
        "mlp-vae": lambda: MLPVAE(),
        "cvae": lambda: MLPVAE(condition=10),
        "conv-vae": lambda: ConvVAE(),
        "realnvp-mnist": lambda: RealNVP([checkerboard(k % 2 == 1) for k in range(8)], [512, 512], 2.0, image=True),
    }[name]()
    return model, batches, 128, "img/s"


def measure(name, data, threads, seconds, repeats, warmup):
    model, batches, batch_size, unit = build(name, data)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    state = {"next": 0}

    def step():
        x, y = batches[state["next"]]
        state["next"] = (state["next"] + 1) % len(batches)
        loss = model.loss(x, y)
        loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def timed(window):
        start, n = time.perf_counter(), 0
        while True:
            step()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= window:
                return n, elapsed

    step()
    timed(warmup)
    rates, total = [], 0
    for _ in range(repeats):
        n, elapsed = timed(seconds / repeats)
        rates.append(n / elapsed)
        total += n
    steps_per_second = statistics.median(rates)
    flops = flops_per_step(name)
    gflops = flops * steps_per_second * 1e-9
    return {
        "batchSize": batch_size,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "flopsPerStep": flops,
        "fractionOfPeak": round(gflops / (PEAK_GFLOPS_PER_CORE * threads), 4),
        "framework": "PyTorch " + torch.__version__,
        "gflops": round(gflops, 2),
        "machine": machine(),
        "peakGflopsPerCore": PEAK_GFLOPS_PER_CORE,
        "repeats": repeats,
        "steps": total,
        "stepsPerSecond": round(steps_per_second, 2),
        "threads": threads,
        "throughput": round(steps_per_second * (batch_size if unit == "img/s" else 1), 1),
        "unit": unit,
        "workload": name,
    }


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model} ({os.cpu_count()} cores)"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder with MNIST's train-*-idx*-ubyte.gz files")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    names = args.workloads.split(",")
    for name in names:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name}; expected one of {', '.join(WORKLOADS)}")
    data = mnist_train(args.data) if any(n != "realnvp-2d" for n in names) else None
    for name in names:
        print(json.dumps(measure(name, data, args.threads, args.seconds, args.repeats, args.warmup), sort_keys=True), flush=True)


if __name__ == "__main__":
    main()

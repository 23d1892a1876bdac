#!/usr/bin/env python3
"""Regenerates the PyTorch fixtures of the interop tests (Tests/LatentCLITests/PyTorchInteropTests.swift).

    python3 -m venv venv && venv/bin/pip install torch safetensors numpy
    venv/bin/python Tests/LatentCLITests/Fixtures/make_torch_vae.py

The modules below are the reference PyTorch modules of docs/INTEROP.md. The script writes, with
PyTorch and `safetensors.torch.save_file` (never with Latent):

- torch_vae.safetensors          state dict of a fresh MLP VAE 784-16-4 (seed 0)
- torch_vae_outputs.safetensors  its outputs for fixed inputs: x [3, 784] → mu, logvar, log_sigma [3, 4];
                                 z [3, 4] → logits [3, 784]
- torch_realnvp.safetensors      state dict of a 2-D RealNVP, 4 couplings, hidden 8-8 (seed 1; the last
                                 layers are random too, so the couplings are not the identity)
- torch_realnvp_outputs.safetensors  x [5, 2] → log_prob [5]; z [5, 2] → sample [5, 2] (noise → data)
- torch_layouts.json             state_dict names and shapes of the conv VAE, the deep-MLP VAE and the
                                 conditional VAE for the settings listed in it

No Python is needed to run the tests: the generated files are committed.
"""

import json
import math
import os

import torch
from torch import nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


class VAE(nn.Module):
    """`latent train vae --architecture mlp --hidden H --latent L` (deep-mlp: several widths, tanh by default).

    x is flattened before the encoder; the decoder returns Bernoulli logits."""

    def __init__(self, d=784, hidden=(400,), latent=20, activation=nn.ReLU):
        super().__init__()
        layers, width = [], d
        for h in hidden:
            layers += [nn.Linear(width, h), activation()]
            width = h
        self.encoder = nn.Sequential(*layers)
        self.fc_mu = nn.Linear(width, latent)
        self.fc_logvar = nn.Linear(width, latent)
        layers, width = [], latent
        for h in reversed(hidden):
            layers += [nn.Linear(width, h), activation()]
            width = h
        layers.append(nn.Linear(width, d))
        self.decoder = nn.Sequential(*layers)

    def encode(self, x):
        h = self.encoder(x.flatten(1))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        return self.decoder(z)


class ConvVAE(nn.Module):
    """`latent train vae --architecture conv [--hidden H] --latent L` on 28×28 images."""

    def __init__(self, channels=1, latent=16, hidden=None):
        super().__init__()
        flat = 64 * 7 * 7
        enc = [nn.Conv2d(channels, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(), nn.Flatten()]
        dec = []
        width = flat
        if hidden:
            enc += [nn.Linear(flat, hidden), nn.ReLU()]
            dec += [nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, flat), nn.ReLU()]
            width = hidden
        else:
            dec += [nn.Linear(latent, flat), nn.ReLU()]
        dec += [nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                nn.ConvTranspose2d(32, channels, 4, 2, 1)]
        self.encoder = nn.Sequential(*enc)
        self.fc_mu = nn.Linear(width, latent)
        self.fc_logvar = nn.Linear(width, latent)
        self.decoder = nn.Sequential(*dec)


class CVAE(nn.Module):
    """`latent train cvae --hidden H --latent L` (class-conditional: c = one-hot label, y = the image)."""

    def __init__(self, target=784, condition=10, hidden=400, latent=20, learned_prior=True):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(target + condition, hidden), nn.ReLU())   # on cat([y.flatten(1), c])
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        if learned_prior:
            self.prior_net = nn.Sequential(nn.Linear(condition, hidden), nn.ReLU())    # p(z|c)
            self.prior_mu = nn.Linear(hidden, latent)
            self.prior_logvar = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent + condition, hidden), nn.ReLU(), nn.Linear(hidden, target))  # on cat([z, c])


def mlp(inputs, hidden, outputs):
    layers, width = [], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, outputs))
    return nn.Sequential(*layers)


class Coupling(nn.Module):
    """RealNVP's affine coupling: m = mask (1 = kept), s = b·tanh(s_net(m⊙x)/b)⊙(1−m), t = t_net(m⊙x)⊙(1−m)."""

    def __init__(self, mask, hidden, bound=1.0):
        super().__init__()
        d = mask.numel()
        self.register_buffer("mask", mask.float())
        self.s = mlp(d, hidden, d)
        self.t = mlp(d, hidden, d)
        self.bound = bound

    def scale_shift(self, x):
        h = x * self.mask
        s = self.bound * torch.tanh(self.s(h) / self.bound) * (1 - self.mask)
        return s, self.t(h) * (1 - self.mask)

    def forward(self, z):          # noise → data, log|det|
        s, t = self.scale_shift(z)
        return z * torch.exp(s) + t, s.sum(1)

    def inverse(self, x):          # data → noise, log|det|
        s, t = self.scale_shift(x)
        return (x - t) * torch.exp(-s), -s.sum(1)


class RealNVP(nn.Module):
    """`latent train realnvp --layers K --hidden H… --log-scale-bound b` on D-dimensional points."""

    def __init__(self, features=2, layers=8, hidden=(64, 64), bound=1.0):
        super().__init__()
        even = torch.arange(features) % 2 == 0
        self.couplings = nn.ModuleList(
            [Coupling(even if i % 2 == 0 else ~even, hidden, bound) for i in range(layers)])

    def log_prob(self, x):
        total = torch.zeros(x.shape[0])
        for coupling in reversed(self.couplings):
            x, log_det = coupling.inverse(x)
            total = total + log_det
        return (-0.5 * x ** 2 - 0.5 * math.log(2 * math.pi)).sum(1) + total

    def sample_from(self, z):
        for coupling in self.couplings:
            z, _ = coupling(z)
        return z


def shapes(module):
    return [[name, list(t.shape)] for name, t in module.state_dict().items()]


def main():
    torch.manual_seed(0)
    vae = VAE(784, (16,), 4)
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, os.path.join(HERE, "torch_vae.safetensors"),
              metadata={"format": "pt"})
    g = torch.Generator().manual_seed(1)
    x = torch.rand(3, 784, generator=g)
    z = torch.randn(3, 4, generator=g)
    with torch.no_grad():
        mu, logvar = vae.encode(x)
        logits = vae.decode(z)
    log_sigma = 8 * torch.tanh(0.5 * logvar / 8)   # Latent's soft clamp of log σ to (−8, 8)
    save_file({"x": x, "z": z, "mu": mu, "logvar": logvar, "log_sigma": log_sigma, "logits": logits},
              os.path.join(HERE, "torch_vae_outputs.safetensors"))

    torch.manual_seed(1)
    flow = RealNVP(2, 4, (8, 8), 1.0)
    save_file({k: v.contiguous() for k, v in flow.state_dict().items()}, os.path.join(HERE, "torch_realnvp.safetensors"),
              metadata={"format": "pt"})
    x = torch.randn(5, 2, generator=g) * 2
    z = torch.randn(5, 2, generator=g)
    with torch.no_grad():
        log_prob = flow.log_prob(x)
        sample = flow.sample_from(z)
    save_file({"x": x, "z": z, "log_prob": log_prob, "sample": sample},
              os.path.join(HERE, "torch_realnvp_outputs.safetensors"))

    layouts = [
        {"settings": {"model": "vae", "data": "mnist", "architecture": "conv", "latent": 4},
         "state_dict": shapes(ConvVAE(1, 4))},
        {"settings": {"model": "vae", "data": "mnist", "architecture": "conv", "latent": 4, "hidden": [32]},
         "state_dict": shapes(ConvVAE(1, 4, 32))},
        {"settings": {"model": "vae", "data": "mnist", "architecture": "deep-mlp", "latent": 4, "hidden": [32, 16]},
         "state_dict": shapes(VAE(784, (32, 16), 4, nn.Tanh))},
        {"settings": {"model": "cvae", "data": "mnist", "latent": 4, "hidden": [16]},
         "state_dict": shapes(CVAE(784, 10, 16, 4))},
        {"settings": {"model": "cvae", "data": "mnist", "latent": 4, "hidden": [16], "learned-prior": False},
         "state_dict": shapes(CVAE(784, 10, 16, 4, learned_prior=False))},
        {"settings": {"model": "realnvp", "data": "moons", "layers": 3, "hidden": [8, 4]},
         "state_dict": shapes(RealNVP(2, 3, (8, 4)))},
    ]
    with open(os.path.join(HERE, "torch_layouts.json"), "w") as f:
        json.dump({"torch": torch.__version__, "layouts": layouts}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

"""The `glow` workload in PyTorch: the Glow `latent train glow` trains on MNIST by default.

Layer for layer Latent's `FlowConfiguration.glow(imageShape: [1, 28, 28], scales: 2,
stepsPerScale: 4, hiddenChannels: 32, logScaleBound: 3, learnedSplitPrior: true)`, written data →
latent as Glow is:

    x ∈ [0, 1] → dequantize y = (255x + u)/256 → v = logit(α + (1 − 2α)y), α = 1e-6
      → [N, 1, 28, 28] → squeeze → [N, 4, 14, 14] → 4 steps → split prior → keep channels 0–1
      → squeeze → [N, 8, 7, 7] → 4 steps
    step = ActNorm → LU-parameterized 1×1 convolution → affine coupling (channel-wise mask, flipped
           on odd steps; conditioner conv 3×3 C → 32, ReLU, 1×1 32 → 32, ReLU, 3×3 32 → 2C zero-init;
           s = 3·tanh(ŝ/3) on the transformed half)
    loss = −mean(log N(z; 0, I) + Σ log|det|) + 784·log 256   (nats per image, Latent's convention)

The factored-out channels and the last level's output are scored by N(0, I) where they are, which
is the same sum as Latent's (it reassembles the latent first; squeezes only permute). ActNorm is
initialized from the first batch by `initialize` (an untimed forward pass, as Latent's first step
does it), forward-first: b = −mean, log s = −log(std + 1e-6) per channel, biased variance.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ALPHA = 1e-6


def squeeze(x):
    """[N, C, H, W] → [N, 4C, H/2, W/2], channel c·4 + 2i + j holding pixel (i, j) of each 2×2 block."""
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(n, 4 * c, h // 2, w // 2)


def zero_conv(cin, cout):
    conv = nn.Conv2d(cin, cout, 3, padding=1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class ActNorm(nn.Module):
    """y = (x + b)·exp(log s) per channel, log|det| = H·W·Σ log s; data-initialized once."""

    def __init__(self, c):
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.initialized = False

    def forward(self, x):
        if not self.initialized:
            with torch.no_grad():
                self.bias.copy_(-x.mean((0, 2, 3)))
                self.log_scale.copy_(-torch.log(x.var((0, 2, 3), unbiased=False).sqrt() + 1e-6))
            self.initialized = True
        y = (x + self.bias.view(1, -1, 1, 1)) * torch.exp(self.log_scale).view(1, -1, 1, 1)
        return y, self.log_scale.sum() * (x.shape[2] * x.shape[3])


class InvertibleConv1x1(nn.Module):
    """W = P·L·(U + diag(sign·exp(log|s|))) from a random rotation's LU decomposition (P and the
    signs fixed); L and U are full C×C parameters whose other triangles are masked off, as in
    Latent. log|det| = H·W·Σ log|s|."""

    def __init__(self, c):
        super().__init__()
        rotation = torch.linalg.qr(torch.randn(c, c, dtype=torch.float64))[0]
        p, lower, upper = torch.linalg.lu(rotation)
        diagonal = torch.diagonal(upper)
        self.register_buffer("permutation", p.float())
        self.register_buffer("signs", torch.sign(diagonal).float())
        self.register_buffer("lower_mask", torch.tril(torch.ones(c, c), -1))
        self.register_buffer("upper_mask", torch.triu(torch.ones(c, c), 1))
        self.register_buffer("eye", torch.eye(c))
        self.lower = nn.Parameter(torch.tril(lower, -1).float())
        self.upper = nn.Parameter(torch.triu(upper, 1).float())
        self.log_diagonal = nn.Parameter(torch.log(diagonal.abs()).float())

    def forward(self, x):
        lower = self.lower * self.lower_mask + self.eye
        upper = self.upper * self.upper_mask + torch.diag(self.signs * torch.exp(self.log_diagonal))
        w = self.permutation @ lower @ upper
        return F.conv2d(x, w.view(*w.shape, 1, 1)), self.log_diagonal.sum() * (x.shape[2] * x.shape[3])


class AffineCoupling(nn.Module):
    """y = x·exp(s) + t on the transformed channels, (ŝ, t) from the masked input (all C channels
    in, 2C out, as Latent's masked coupling), s = c·tanh(ŝ/c)."""

    def __init__(self, c, hidden, flipped, bound):
        super().__init__()
        kept = (torch.arange(c) < c // 2).float()
        self.register_buffer("mask", (1 - kept if flipped else kept).view(1, c, 1, 1))
        self.net = nn.Sequential(nn.Conv2d(c, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, hidden, 1), nn.ReLU(),
                                 zero_conv(hidden, 2 * c))
        self.bound = bound

    def forward(self, x):
        s_hat, t = self.net(x * self.mask).chunk(2, 1)
        transformed = 1 - self.mask
        s = torch.tanh(s_hat / self.bound) * self.bound * transformed
        return x * torch.exp(s) + t * transformed, s.sum((1, 2, 3))


class SplitPrior(nn.Module):
    """Glow's learned prior for the factored-out half: (μ, log σ) = zero-init conv 3×3 of the kept
    half; maps x₂ to ε = (x₂ − μ)/σ with log|det| = −Σ log σ."""

    def __init__(self, c):
        super().__init__()
        self.kept = c // 2
        self.conv = zero_conv(self.kept, 2 * (c - self.kept))

    def forward(self, x):
        kept, split = x[:, :self.kept], x[:, self.kept:]
        mean, log_scale = self.conv(kept).chunk(2, 1)
        return kept, (split - mean) * torch.exp(-log_scale), -log_scale.sum((1, 2, 3))


class Glow(nn.Module):
    """`scales` levels of `steps` Glow steps on [channels, side, side] images (see the module doc)."""

    def __init__(self, channels=1, side=28, scales=2, steps=4, hidden=32, bound=3.0):
        super().__init__()
        self.side, self.channels = side, channels
        self.levels = nn.ModuleList()
        self.priors = nn.ModuleList()
        c = 4 * channels
        for level in range(scales):
            layers = nn.ModuleList()
            for k in range(steps):
                layers.extend([ActNorm(c), InvertibleConv1x1(c), AffineCoupling(c, hidden, k % 2 == 1, bound)])
            self.levels.append(layers)
            if level + 1 < scales:
                self.priors.append(SplitPrior(c))
                c *= 2

    def loss(self, x, y=None):
        n = x.shape[0]
        d = x[0].numel()
        v = (x.reshape(n, -1) * 255 + torch.rand_like(x.reshape(n, -1))) / 256
        p = ALPHA + (1 - 2 * ALPHA) * v
        log_det = (math.log(1 - 2 * ALPHA) - torch.log(p) - torch.log1p(-p)).sum(1)
        v = (torch.log(p) - torch.log1p(-p)).reshape(n, self.channels, self.side, self.side)
        v = squeeze(v)
        log_base = torch.zeros(n)
        for i, layers in enumerate(self.levels):
            for layer in layers:
                v, ld = layer(v)
                log_det = log_det + ld
            if i < len(self.priors):
                kept, epsilon, ld = self.priors[i](v)
                log_det = log_det + ld
                log_base = log_base + (-0.5 * epsilon.square()).sum((1, 2, 3))
                v = squeeze(kept)
        log_base = log_base + (-0.5 * v.square()).sum((1, 2, 3)) - 0.5 * d * math.log(2 * math.pi)
        return -(log_base + log_det).mean() + d * math.log(256)

    def initialize(self, x):
        """Data-dependent ActNorm initialization from the batch `x` (one forward pass, no gradient)."""
        with torch.no_grad():
            return self.loss(x)

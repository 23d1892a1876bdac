#!/usr/bin/env python3
"""The reference training workloads of Latent's performance issues, in JAX (Glow: glow_jax.py).

The same models, batch sizes, data and optimizer as `pytorch_workloads.py` (Adam 1e-3, here
`optax.adam`), with the whole training step — forward, loss, gradient, Adam update — under one
`jax.jit` (parameters and optimizer state donated, so XLA updates them in place). Each step reads
its loss back (`block_until_ready`), as the PyTorch script's `loss.item()` does. Timing and JSON
lines as `pytorch_workloads.py` (see `peer_common.py`).

Threads: XLA's CPU client has no intra-op thread count option; it sizes its pool from the CPUs the
process may run on. So this script restricts its own CPU affinity to the first `--threads` CPUs
(as `taskset -c 0` would for one thread) before its first JAX op.

Layout and the transposed convolutions (the conv VAE's decoder). Images are NHWC with HWIO kernels,
the layout XLA's CPU convolutions (Eigen) take without transposes. A stride-2 transposed
convolution is usually written as `lax.conv_transpose`, i.e. `lax.conv_general_dilated` with
`lhs_dilation=2`; its forward and weight gradient then are convolutions over a zero-dilated input,
which XLA's CPU back end does not hand to Eigen but runs in its generic loop emitter, many times
slower. `--conv-transpose phases` (the default) writes the 4×4, stride-2, padding-1 transposed
convolution instead as its four output phases: out[2m+a, 2n+b] = conv(x padded by (1,0) or (0,1),
the 2×2 sub-kernel of the taps of that phase), stride 1, interleaved. Same function, same FLOPs,
and forward, input gradient and weight gradient are all plain stride-1 convolutions.
`--conv-transpose dilated` times the lax.conv_transpose form for comparison.

    python jax_workloads.py --data ../shared/data/mnist --threads 2 [--seconds 10] [--workloads mlp-vae,cvae]
"""
import argparse
import functools
import json
import math
import os
import sys

import jax
import jax.numpy as jnp
import optax
from jax import lax

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glow_jax  # noqa: E402
import peer_common  # noqa: E402


# ---- layers (PyTorch's default initialization: U(±1/√fan_in) for weights and biases) ----------

def uniform(key, shape, fan_in):
    bound = 1.0 / math.sqrt(fan_in)
    return jax.random.uniform(key, shape, jnp.float32, -bound, bound)


def linear_init(key, i, o, zero=False):
    if zero:
        return {"w": jnp.zeros((i, o)), "b": jnp.zeros((o,))}
    kw, kb = jax.random.split(key)
    return {"w": uniform(kw, (i, o), i), "b": uniform(kb, (o,), i)}


def linear(p, x):
    return x @ p["w"] + p["b"]


def conv_init(key, cin, cout, k=4):
    kw, kb = jax.random.split(key)
    return {"w": uniform(kw, (k, k, cin, cout), cin * k * k), "b": uniform(kb, (cout,), cin * k * k)}


DIMS = ("NHWC", "HWIO", "NHWC")


def conv(p, x):
    """Conv 4×4, stride 2, padding 1."""
    y = lax.conv_general_dilated(x, p["w"], (2, 2), ((1, 1), (1, 1)), dimension_numbers=DIMS)
    return y + p["b"]


def conv_transpose_dilated(p, x):
    """PyTorch's ConvTranspose2d(k=4, s=2, p=1) as lax.conv_transpose does it: a stride-1
    convolution of the 2-dilated input, padding k − 1 − p = 2, spatially flipped kernel."""
    y = lax.conv_general_dilated(x, p["w"][::-1, ::-1], (1, 1), ((2, 2), (2, 2)), lhs_dilation=(2, 2),
                                 dimension_numbers=DIMS)
    return y + p["b"]


# Output parity a of a 4×4, stride-2, padding-1 transposed convolution: out[2m+a] sums x[m−1+i]·w[TAPS[a][i]]
# over i = 0, 1 with the input padded by PADS[a] (from out[o] = Σ x[i]·w[k] over o = 2i − 1 + k).
TAPS = ((3, 1), (2, 0))
PADS = ((1, 0), (0, 1))


def conv_transpose_phases(p, x):
    """The same transposed convolution as its four output phases (see the module's docstring)."""
    w = p["w"]
    rows = []
    for a in range(2):
        cols = []
        for b in range(2):
            k = w[jnp.array(TAPS[a])][:, jnp.array(TAPS[b])]
            cols.append(lax.conv_general_dilated(x, k, (1, 1), (PADS[a], PADS[b]), dimension_numbers=DIMS))
        rows.append(jnp.stack(cols, axis=3))          # [B, H, W, 2 (b), C]
    y = jnp.stack(rows, axis=2)                        # [B, H, 2 (a), W, 2 (b), C]
    n, h, _, w_, _, c = y.shape
    return y.reshape(n, 2 * h, 2 * w_, c) + p["b"]


# ---- models --------------------------------------------------------------------------------

def gaussian_head(h, latent, bound=8.0):
    """(μ, log σ) from [B, 2L], log σ soft-clamped by b·tanh(·/b) as Latent's GaussianEncoder."""
    mu, log_scale = h[:, :latent], h[:, latent:]
    return mu, jnp.tanh(log_scale / bound) * bound


def kl_standard_normal(mu, log_scale):
    return (0.5 * (jnp.square(mu) + jnp.exp(2 * log_scale) - 1) - log_scale).sum(1)


def bernoulli_nll(logits, x):
    """Σ binary cross-entropy with logits, mean over the batch (F.binary_cross_entropy_with_logits)."""
    return (jax.nn.softplus(logits) - x * logits).sum() / x.shape[0]


def mlp_vae(key, condition=0, hidden=400, latent=20):
    """784-400-20 ReLU; with `condition` classes the one-hot label joins the encoder's input and z."""
    k = jax.random.split(key, 4)
    params = {"enc0": linear_init(k[0], 784 + condition, hidden), "enc1": linear_init(k[1], hidden, 2 * latent),
              "dec0": linear_init(k[2], latent + condition, hidden), "dec1": linear_init(k[3], hidden, 784)}

    def loss(params, x, y, key):
        inputs, c = x, None
        if condition:
            c = jax.nn.one_hot(y, condition, dtype=jnp.float32)
            inputs = jnp.concatenate([x, c], 1)
        h = jax.nn.relu(linear(params["enc0"], inputs))
        mu, log_scale = gaussian_head(linear(params["enc1"], h), latent)
        z = mu + jnp.exp(log_scale) * jax.random.normal(key, mu.shape)
        h = jax.nn.relu(linear(params["dec0"], z if c is None else jnp.concatenate([z, c], 1)))
        return bernoulli_nll(linear(params["dec1"], h), x) + kl_standard_normal(mu, log_scale).mean()

    return params, loss, lambda x: x.reshape(x.shape[0], 784)


def conv_vae(key, transpose, latent=16, channels=1, side=28):
    """Conv 32-64 (4×4, stride 2, padding 1), latent 16, no extra fully connected layer, on
    [B, side, side, channels] images (MNIST: 28, 1; the CIFAR-shaped conv-vae-32: 32, 3)."""
    s = side // 4
    k = jax.random.split(key, 6)
    params = {"c0": conv_init(k[0], channels, 32), "c1": conv_init(k[1], 32, 64),
              "enc": linear_init(k[2], s * s * 64, 2 * latent), "dec": linear_init(k[3], latent, s * s * 64),
              "t0": conv_init(k[4], 64, 32), "t1": conv_init(k[5], 32, channels)}

    def loss(params, x, y, key):
        h = jax.nn.relu(conv(params["c1"], jax.nn.relu(conv(params["c0"], x))))
        mu, log_scale = gaussian_head(linear(params["enc"], h.reshape(x.shape[0], -1)), latent)
        z = mu + jnp.exp(log_scale) * jax.random.normal(key, mu.shape)
        h = jax.nn.relu(linear(params["dec"], z)).reshape(x.shape[0], s, s, 64)
        logits = transpose(params["t1"], jax.nn.relu(transpose(params["t0"], h)))
        return bernoulli_nll(logits, x) + kl_standard_normal(mu, log_scale).mean()

    return params, loss, lambda x: x.transpose(0, 2, 3, 1)   # NCHW → NHWC, once per pooled batch


def realnvp(key, masks, hidden, bound, image=False, alpha=1e-6):
    """Affine couplings y = x·exp(s) + t with separate s and t MLPs (last layer zero), s = b·tanh(ŝ/b),
    masks flipping from layer to layer; log p(x) through the inverse, standard normal base. With
    `image`, data are dequantized and mapped through logit(α + (1 − 2α)y) first."""
    d = masks[0].shape[0]
    widths = [d] + hidden + [d]

    def net(key):
        ks = jax.random.split(key, len(widths) - 1)
        return [linear_init(ks[i], widths[i], widths[i + 1], zero=i == len(widths) - 2) for i in range(len(widths) - 1)]

    ks = jax.random.split(key, 2 * len(masks))
    params = {"s": [net(ks[2 * i]) for i in range(len(masks))], "t": [net(ks[2 * i + 1]) for i in range(len(masks))]}
    masks = jnp.stack(masks)

    def run(layers, v):
        for p in layers[:-1]:
            v = jax.nn.relu(linear(p, v))
        return linear(layers[-1], v)

    def loss(params, x, y, key):
        v = x
        log_det = jnp.zeros(v.shape[0])
        offset = 0.0
        if image:
            v = (v * 255 + jax.random.uniform(key, v.shape)) / 256
            p = alpha + (1 - 2 * alpha) * v
            log_det = log_det + (math.log(1 - 2 * alpha) - jnp.log(p) - jnp.log1p(-p)).sum(1)
            v = jnp.log(p) - jnp.log1p(-p)
            offset = d * math.log(256)
        for k in reversed(range(masks.shape[0])):
            m = masks[k]
            kept = v * m
            s = jnp.tanh(run(params["s"][k], kept) / bound) * bound * (1 - m)
            t = run(params["t"][k], kept) * (1 - m)
            v = (v - t) * jnp.exp(-s)
            log_det = log_det - s.sum(1)
        log_base = (-0.5 * jnp.square(v) - 0.5 * math.log(2 * math.pi)).sum(1)
        return -(log_base + log_det).mean() + offset

    return params, loss, lambda x: x.reshape(x.shape[0], -1)


def checkerboard(flipped):
    i = jnp.arange(784)
    kept = ((i // 28 + i % 28) % 2 == 0).astype(jnp.float32)
    return 1 - kept if flipped else kept


def alternating(flipped):
    kept = jnp.array([1.0, 0.0])
    return 1 - kept if flipped else kept


# ---- timing -------------------------------------------------------------------------------

def build(name, key, transpose):
    """(parameters, loss(params, x, y, key), how a numpy batch is shaped for the model)."""
    if name == "mlp-vae":
        return mlp_vae(key)
    if name == "cvae":
        return mlp_vae(key, condition=10)
    if name == "conv-vae":
        return conv_vae(key, transpose)
    if name == "conv-vae-32":
        return conv_vae(key, transpose, channels=3, side=32)
    if name == "realnvp-2d":
        return realnvp(key, [alternating(k % 2 == 1) for k in range(8)], [64, 64], 1.0)
    if name == "glow":
        return glow_jax.glow(key)
    return realnvp(key, [checkerboard(k % 2 == 1) for k in range(8)], [512, 512], 2.0, image=True)


def measure(name, mnist, args):
    transpose = {"phases": conv_transpose_phases, "dilated": conv_transpose_dilated}[args.conv_transpose]
    params, loss_fn, shape = build(name, jax.random.PRNGKey(0), transpose)
    pool, batch_size, unit = peer_common.batches(name, mnist)
    pool = [(jnp.asarray(shape(x)), None if y is None else jnp.asarray(y)) for x, y in pool]
    if name == "glow":   # data-dependent ActNorm on the first batch, eagerly, untimed
        params = glow_jax.initialize(params, loss_fn, pool[0][0], jax.random.PRNGKey(2))
    parameters = sum(a.size for a in jax.tree_util.tree_leaves(params))
    optimizer = optax.adam(1e-3)

    @functools.partial(jax.jit, donate_argnums=(0, 1, 2))
    def train_step(params, opt_state, key, x, y):
        key, sub = jax.random.split(key)
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y, sub)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, key, loss

    state = {"params": params, "opt": optimizer.init(params), "key": jax.random.PRNGKey(1), "next": 0}

    def step():
        x, y = pool[state["next"]]
        state["next"] = (state["next"] + 1) % len(pool)
        state["params"], state["opt"], state["key"], loss = train_step(state["params"], state["opt"], state["key"], x, y)
        loss.block_until_ready()

    framework = f"JAX {jax.__version__} jit" + (" (dilated conv_transpose)" if args.conv_transpose == "dilated" else "")
    return peer_common.measure(name, framework, step, batch_size, unit, args.threads, args.seconds, args.repeats,
                               args.warmup, args.peak, parameters)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    peer_common.add_arguments(parser)
    parser.add_argument("--conv-transpose", choices=["phases", "dilated"], default="phases",
                        help="how the conv VAE's transposed convolutions are written (see above)")
    args = parser.parse_args()
    names = peer_common.workload_names(parser, args)
    # Before the first JAX op creates the CPU client, which sizes XLA's pool from these CPUs.
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:args.threads])
    mnist = peer_common.mnist_arrays(args.data) if any(n not in ("realnvp-2d", "conv-vae-32") for n in names) else None
    for name in names:
        print(json.dumps(measure(name, mnist, args), sort_keys=True), flush=True)


if __name__ == "__main__":
    main()

"""The `glow` workload in JAX: the same Glow as `glow_torch.py` (see its docstring for the model),
as a pure loss function of a parameter tree, images NHWC with HWIO kernels (the layout XLA's CPU
convolutions take without transposes; the squeeze keeps Latent's channel order c·4 + 2i + j).

The 1×1 convolutions are LU-parameterized as in Latent (full C×C `lower` and `upper` parameters
with their other triangles masked off, `log_diagonal`; the permutation and the signs are fixed
constants of the step). ActNorm is initialized from the first batch by `initialize`, eagerly and
outside the jitted step: the loss run once with `init=True` overwrites each ActNorm's parameters
from the input it sees (b = −mean, log s = −log(std + 1e-6), biased variance) before using them.
"""
import math

import jax
import jax.numpy as jnp
from jax import lax

ALPHA = 1e-6
DIMS = ("NHWC", "HWIO", "NHWC")


def conv_init(key, cin, cout, k, zero=False):
    """PyTorch's default U(±1/√fan_in) for weight and bias, or zeros (the last conditioner layer)."""
    if zero:
        return {"w": jnp.zeros((k, k, cin, cout)), "b": jnp.zeros((cout,))}
    bound = 1.0 / math.sqrt(cin * k * k)
    kw, kb = jax.random.split(key)
    return {"w": jax.random.uniform(kw, (k, k, cin, cout), jnp.float32, -bound, bound),
            "b": jax.random.uniform(kb, (cout,), jnp.float32, -bound, bound)}


def conv(p, x):
    """Stride 1, padding (k − 1)/2: H×W kept."""
    return lax.conv_general_dilated(x, p["w"], (1, 1), "SAME", dimension_numbers=DIMS) + p["b"]


def squeeze(x):
    """[N, H, W, C] → [N, H/2, W/2, 4C], channel c·4 + 2i + j holding pixel (i, j) of each 2×2 block."""
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4).reshape(n, h // 2, w // 2, 4 * c)


def glow(key, channels=1, side=28, scales=2, steps=4, hidden=32, bound=3.0):
    """(parameters, loss(params, x, y, key, init=False), NCHW → NHWC) of the Glow workload."""
    levels, priors, constants = [], [], []
    c = 4 * channels
    for level in range(scales):
        steps_params, steps_constants = [], []
        for _ in range(steps):
            key, k_rot, k0, k1 = jax.random.split(key, 4)
            rotation, _ = jnp.linalg.qr(jax.random.normal(k_rot, (c, c)))
            perm, lower, upper = jax.scipy.linalg.lu(rotation)
            diagonal = jnp.diagonal(upper)
            steps_params.append({
                "actnorm": {"log_scale": jnp.zeros((c,)), "bias": jnp.zeros((c,))},
                "conv1x1": {"lower": jnp.tril(lower, -1), "upper": jnp.triu(upper, 1),
                            "log_diagonal": jnp.log(jnp.abs(diagonal))},
                "coupling": [conv_init(k0, c, hidden, 3), conv_init(k1, hidden, hidden, 1),
                             conv_init(None, hidden, 2 * c, 3, zero=True)]})
            steps_constants.append({"permutation": perm, "signs": jnp.sign(diagonal)})
        levels.append(steps_params)
        constants.append(steps_constants)
        if level + 1 < scales:
            priors.append(conv_init(None, c // 2, 2 * (c - c // 2), 3, zero=True))
            c *= 2
    params = {"levels": levels, "priors": priors}

    def conv1x1(p, fixed, v, c):
        lower = p["lower"] * jnp.tril(jnp.ones((c, c)), -1) + jnp.eye(c)
        upper = p["upper"] * jnp.triu(jnp.ones((c, c)), 1) + jnp.diag(fixed["signs"] * jnp.exp(p["log_diagonal"]))
        w = fixed["permutation"] @ lower @ upper
        return v @ w.T                                # y = W·x at every pixel

    def loss(params, x, y, key, init=False):
        n, d = x.shape[0], x[0].size
        v = (x * 255 + jax.random.uniform(key, x.shape)) / 256
        p = ALPHA + (1 - 2 * ALPHA) * v
        log_det = (math.log(1 - 2 * ALPHA) - jnp.log(p) - jnp.log1p(-p)).reshape(n, -1).sum(1)
        v = squeeze(jnp.log(p) - jnp.log1p(-p))
        log_base = jnp.zeros(n)
        for i, level in enumerate(params["levels"]):
            for k, step in enumerate(level):
                c, positions = v.shape[3], v.shape[1] * v.shape[2]
                an = step["actnorm"]
                if init:                              # eager, once: Latent's forward-first initialization
                    an["bias"] = -v.mean((0, 1, 2))
                    an["log_scale"] = -jnp.log(jnp.sqrt(v.var((0, 1, 2))) + 1e-6)
                v = (v + an["bias"]) * jnp.exp(an["log_scale"])
                log_det = log_det + an["log_scale"].sum() * positions
                v = conv1x1(step["conv1x1"], constants[i][k], v, c)
                log_det = log_det + step["conv1x1"]["log_diagonal"].sum() * positions
                kept = (jnp.arange(c) < c // 2).astype(jnp.float32)
                mask = 1 - kept if k % 2 == 1 else kept
                net = step["coupling"]
                h = conv(net[2], jax.nn.relu(conv(net[1], jax.nn.relu(conv(net[0], v * mask)))))
                s = jnp.tanh(h[..., :c] / bound) * bound * (1 - mask)
                v = v * jnp.exp(s) + h[..., c:] * (1 - mask)
                log_det = log_det + s.sum((1, 2, 3))
            if i < len(params["priors"]):
                c = v.shape[3]
                h = conv(params["priors"][i], v[..., :c // 2])
                mean, log_scale = h[..., :c - c // 2], h[..., c - c // 2:]
                epsilon = (v[..., c // 2:] - mean) * jnp.exp(-log_scale)
                log_det = log_det - log_scale.sum((1, 2, 3))
                log_base = log_base + (-0.5 * jnp.square(epsilon)).sum((1, 2, 3))
                v = squeeze(v[..., :c // 2])
        log_base = log_base + (-0.5 * jnp.square(v)).sum((1, 2, 3)) - 0.5 * d * math.log(2 * math.pi)
        return -(log_base + log_det).mean() + d * math.log(256)

    return params, loss, lambda x: x.transpose(0, 2, 3, 1)


def initialize(params, loss, x, key):
    """The parameters with every ActNorm set from the batch `x` (NHWC): one eager forward pass."""
    params = jax.tree_util.tree_map(lambda a: a, params)   # fresh containers, overwritten in place
    loss(params, x, None, key, init=True)
    return params

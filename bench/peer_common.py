"""What the peer benchmark scripts share: data, FLOP counts, the timing loop and the JSON line.

`pytorch_workloads.py` (eager and torch.compile) and `jax_workloads.py` (jax.jit) time the same
reference workloads as Latent's `latent bench`, on the same data, and print one JSON line per
workload with the field names of Latent's `BenchmarkResult` (snake_case: `steps_per_second`,
`fraction_of_peak`, …). Only numpy is needed here.
"""
import datetime
import gzip
import math
import os
import platform
import statistics
import time

import numpy as np

WORKLOADS = ["mlp-vae", "cvae", "conv-vae", "realnvp-2d", "realnvp-mnist", "conv-vae-32", "glow"]
BATCH_SIZES = {"realnvp-2d": 512, "glow": 64}  # the others: 128
SYNTHETIC_POOL = 16  # batches of synthetic 3×32×32 pixels: 25 MB, the size of the MNIST pool
POOL = 64  # batches built before timing, used round robin


def read_idx(path):
    """An IDX file (gzip) as a numpy array of its dimensions."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist_arrays(directory):
    """(images [N, 1, 28, 28] float32 in [0, 1], labels [N] int64) of MNIST's training set."""
    images = read_idx(os.path.join(directory, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, "train-labels-idx1-ubyte.gz"))
    return (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28), labels.astype(np.int64)


def two_moons(n, rng, noise=0.05):
    """scikit-learn's make_moons (scale 1): two interleaved half circles plus Gaussian noise."""
    outer = n // 2
    inner = n - outer
    a = np.linspace(0, math.pi, outer)
    b = np.linspace(0, math.pi, inner)
    xs = np.concatenate([np.stack([np.cos(a), np.sin(a)], 1), np.stack([1 - np.cos(b), 1 - np.sin(b) - 0.5], 1)])
    xs = xs + noise * rng.standard_normal(xs.shape)
    return xs[rng.permutation(n)].astype(np.float32)


def batches(name, mnist):
    """The pool of (x, y) numpy batches of a workload (y is None for the 2-D flow), its batch
    size and unit: consecutive MNIST training images in batches of 128 (64 for glow), or 512
    two-moons draws."""
    if name == "realnvp-2d":
        rng = np.random.default_rng(0)
        return [(two_moons(512, rng), None) for _ in range(POOL)], 512, "steps/s"
    if name == "conv-vae-32":
        # CIFAR-shaped [128, 3, 32, 32] pixels, uniform in [0, 1) (Latent draws its own the same way).
        rng = np.random.default_rng(0)
        return [(rng.random((128, 3, 32, 32), dtype=np.float32), None) for _ in range(SYNTHETIC_POOL)], 128, "img/s"
    x, y = mnist
    b = BATCH_SIZES.get(name, 128)
    return [(x[i * b:(i + 1) * b], y[i * b:(i + 1) * b]) for i in range(POOL)], b, "img/s"


def flops_per_step(name):
    """2 × the multiply-adds of the step's products and convolutions (Latent's FLOPCount)."""
    def linear(i, o, grad=True):
        return (i * o, grad)

    def conv(cin, cout, k, positions, grad=True):
        return (positions * cout * cin * k * k, grad)

    def coupling(d, hidden, count):
        widths = [d] + hidden + [d]
        return [linear(widths[i], widths[i + 1], not (c == 0 and i == 0))
                for c in range(count) for _ in range(2) for i in range(len(widths) - 1)]

    def glow(channels=1, side=28, scales=2, steps=4, hidden=32):
        # Per step on C channels at P positions: 1×1 conv C·C, conditioner 3×3 C → h, 1×1 h → h,
        # 3×3 h → 2C; the split prior 3×3 C/2 → C before each split. Every input gradient counts.
        c, p, out = 4 * channels, (side // 2) ** 2, []
        for level in range(scales):
            out += [conv(c, c, 1, p), conv(c, hidden, 3, p), conv(hidden, hidden, 1, p), conv(hidden, 2 * c, 3, p)] * steps
            if level + 1 < scales:
                out.append(conv(c // 2, 2 * (c - c // 2), 3, p))
                c, p = 2 * c, p // 4
        return out

    layers = {
        "mlp-vae": [linear(784, 400, False), linear(400, 40), linear(20, 400), linear(400, 784)],
        "cvae": [linear(794, 400, False), linear(400, 40), linear(30, 400), linear(400, 784)],
        "conv-vae": [conv(1, 32, 4, 196, False), conv(32, 64, 4, 49), linear(3136, 32), linear(16, 3136),
                     conv(32, 64, 4, 49), conv(1, 32, 4, 196)],
        "realnvp-2d": coupling(2, [64, 64], 8),
        "realnvp-mnist": coupling(784, [512, 512], 8),
        "conv-vae-32": [conv(3, 32, 4, 256, False), conv(32, 64, 4, 64), linear(4096, 32), linear(16, 4096),
                        conv(32, 64, 4, 64), conv(3, 32, 4, 256)],
        "glow": glow(),
    }[name]
    macs = sum(m * (3 if g else 2) for m, g in layers)
    return 2.0 * macs * BATCH_SIZES.get(name, 128)


def measure(name, framework, step, batch_size, unit, threads, seconds, repeats, warmup, peak=None, parameters=None):
    """Times `step()` like Latent's `Benchmarks.run` (untimed steps, `warmup` seconds untimed, then
    `seconds` in `repeats` parts, median rate) and returns the result's JSON object. The untimed
    steps are three, not one: jax.jit compiles at the first, torch.compile compiles the loss and
    its backward at the first and the Adam step again at the second (its state appears). `peak`
    (Latent's measured GFLOP/s per thread on this machine, when given) adds the fraction of peak;
    `parameters` (the model's trainable scalars) is printed as Latent prints its own."""
    def timed(window):
        start, n = time.perf_counter(), 0
        while True:
            step()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= window:
                return n, elapsed

    for _ in range(3):
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
    result = {
        "batch_size": batch_size,
        "cpu": cpu_model(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "flops_per_step": flops,
        "framework": framework,
        "gflops": round(gflops, 2),
        "machine": f"{cpu_model()} ({os.cpu_count()} cores)",
        "parameters": parameters,
        "repeats": repeats,
        "steps": total,
        "steps_per_second": round(steps_per_second, 2),
        "threads": threads,
        "throughput": round(steps_per_second * (batch_size if unit == "img/s" else 1), 1),
        "unit": unit,
        "workload": name,
    }
    if peak:
        result["peak_gflops_per_thread"] = peak
        result["fraction_of_peak"] = round(gflops / (peak * threads), 4)
    return result


def cpu_model():
    """As Latent's MachineDescription.cpu: /proc/cpuinfo's model name with the x86 family and model."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        return platform.processor() or "unknown CPU"
    name = fields.get("model name", "unknown CPU")
    if "cpu family" in fields and "model" in fields:
        return f"{name} (family {fields['cpu family']}, model {fields['model']})"
    return name


def add_arguments(parser):
    """The command-line options every peer script takes."""
    parser.add_argument("--data", required=True, help="folder with MNIST's train-*-idx*-ubyte.gz files")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--peak", type=float, default=None,
                        help="GFLOP/s per thread (Latent's measured peak_gflops_per_thread) for fraction_of_peak")


def workload_names(parser, args):
    names = args.workloads.split(",")
    for name in names:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name}; expected one of {', '.join(WORKLOADS)}")
    return names

"""Reference SGEMM figures from NumPy's OpenBLAS, timed like latent-bench (median of 7 samples).

Run with OPENBLAS_NUM_THREADS set; prints one JSON line per size.
"""
import argparse, json, time
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, required=True)
args = parser.parse_args()

rng = np.random.default_rng(1)
for m, k, n in [(128, 784, 400), (128, 400, 784), (512, 512, 512), (1024, 1024, 1024)]:
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    a @ b
    calls = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            a @ b
        if time.perf_counter() - t0 >= 0.05:
            break
        calls *= 2
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(calls):
            a @ b
        samples.append((time.perf_counter() - t0) / calls)
    samples.sort()
    gflops = 2 * m * n * k / samples[3] * 1e-9
    print(json.dumps({"case": "sgemm_openblas", "m": m, "k": k, "n": n, "threads": args.threads, "gflops": round(gflops, 1)}))

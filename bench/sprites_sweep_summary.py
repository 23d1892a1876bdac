#!/usr/bin/env python3
"""Summarize runs/sprites-sweep.jsonl (written by bench/sprites_sweep.sh): one row per run,
then mean ± standard error per label. Usage: bench/sprites_sweep_summary.py [FILE...]"""
import json, math, sys
from collections import defaultdict

keys = ["negative_elbo", "kl", "active_units", "mig", "mig_shape", "mig_scale", "mig_rotation", "mig_x", "mig_y", "factorvae_score", "betavae_score"]
short = ["-ELBO", "KL", "AU", "MIG", "shape", "scale", "rot", "x", "y", "FV", "BV"]
groups = defaultdict(list)
for path in sys.argv[1:] or ["runs/sprites-sweep.jsonl"]:
    for line in open(path):
        r = json.loads(line)
        groups[r["label"]].append((r["seed"], r["eval"]["metrics"]))
print("label".ljust(16) + "seed " + " ".join(s.rjust(7) for s in short))
for label, runs in groups.items():
    for seed, m in sorted(runs, key=lambda t: t[0]):
        print(label.ljust(16) + str(seed).rjust(4) + " " + " ".join(f"{m.get(k, float('nan')):7.3f}" for k in keys))
print()
print("label".ljust(16) + "   n " + " ".join(s.rjust(13) for s in short))
for label, runs in groups.items():
    cells = []
    for k in keys:
        v = [m[k] for _, m in runs if k in m]
        mean = sum(v) / len(v)
        se = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1) / len(v)) if len(v) > 1 else float("nan")
        cells.append(f"{mean:6.3f}±{se:5.3f}")
    print(label.ljust(16) + str(len(runs)).rjust(4) + " " + " ".join(c.rjust(13) for c in cells))

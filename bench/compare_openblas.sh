#!/usr/bin/env bash
# Runs latent-bench's SGEMM cases and NumPy/OpenBLAS's at the same sizes in one session, and
# prints the ratio per case. NumPy comes from the system Python if it has it, else it is
# installed from PyPI into bench/.venv (never a dependency of Latent itself).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
if ! $PY -c "import numpy" 2>/dev/null; then
  [ -d bench/.venv ] || python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet numpy
  PY=bench/.venv/bin/python
fi
swift build -c release --product latent-bench >&2
ours=$(.build/release/latent-bench --only sgemm --threads 1,2)
theirs=$(for t in 1 2; do OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t $PY bench/openblas_sgemm.py --threads $t; done)
echo "$ours"
echo "$theirs"
$PY - "$ours" "$theirs" <<'PYEOF'
import json, sys
ours = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
ref = {(r["m"], r["k"], r["n"], r["threads"]): r["gflops"] for r in map(json.loads, sys.argv[2].splitlines())}
for o in ours:
    if o.get("op") != "NN":  # the first line describes the machine
        continue
    key = (o["m"], o["k"], o["n"], o["threads"])
    if key in ref:
        print(json.dumps({"case": "sgemm_vs_openblas", "m": key[0], "k": key[1], "n": key[2], "threads": key[3],
                          "latent_gflops": o["gflops"], "openblas_gflops": ref[key],
                          "ratio": round(o["gflops"] / ref[key], 3)}))
PYEOF

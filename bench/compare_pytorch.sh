#!/usr/bin/env bash
# Latent against PyTorch on the five reference training workloads, in the same session.
#
#   bench/compare_pytorch.sh [--seconds S] [--threads "1 2"] [--workloads mlp-vae,cvae,...] [--data DIR]
#
# Creates (once) the virtual environment bench/.venv with torch and numpy from PyPI, builds the
# release `latent` tool, runs `latent bench` and bench/pytorch_workloads.py for every thread
# count, one after the other in the same session, and prints a table:
# workload, threads, Latent, PyTorch, ratio, target ratio, met?. The raw JSON lines are kept in
# bench-results/. DIR is the data root holding mnist/ (default: $LATENT_DATA, else ../shared/data
# next to the repository). LATENT_SCRATCH=DIR builds in a private build folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds=10
threads="1 2"
workloads="mlp-vae,cvae,conv-vae,realnvp-2d,realnvp-mnist"
data="${LATENT_DATA:-$root/../shared/data}"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--threads \"1 2\"] [--workloads w1,w2] [--data DIR]" >&2; exit 2 ;;
  esac
done
[ -f "$data/mnist/train-images-idx3-ubyte.gz" ] || { echo "no MNIST under $data/mnist" >&2; exit 1; }

venv="$here/.venv"
if ! "$venv/bin/python" -c "import torch, numpy" 2>/dev/null; then
  echo "installing torch and numpy into $venv (from PyPI) ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet torch numpy
fi

echo "building latent (release) ..." >&2
build=(-c release)
[ -n "${LATENT_SCRATCH:-}" ] && build+=(--scratch-path "$LATENT_SCRATCH")   # optional private build folder
(cd "$root" && swift build "${build[@]}" --product latent >&2)
latent="$(cd "$root" && swift build "${build[@]}" --show-bin-path)/latent"

out="$root/bench-results"
mkdir -p "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
latent_file="$out/latent-$stamp.jsonl"
torch_file="$out/pytorch-$stamp.jsonl"
for t in $threads; do
  echo "threads $t: Latent ..." >&2
  "$latent" bench ${workloads//,/ } --threads "$t" --seconds "$seconds" --data-dir "$data" | tee -a "$latent_file" >&2
  echo "threads $t: PyTorch ..." >&2
  "$venv/bin/python" "$here/pytorch_workloads.py" --data "$data/mnist" --threads "$t" --seconds "$seconds" \
    --workloads "$workloads" | tee -a "$torch_file" >&2
done

"$venv/bin/python" - "$latent_file" "$torch_file" <<'PY'
import json, sys
targets = {"mlp-vae": 1.5, "cvae": 1.5, "conv-vae": 1.2, "realnvp-2d": 3.0, "realnvp-mnist": 1.2}
def load(path):
    return {(r["workload"], r["threads"]): r for r in map(json.loads, open(path))}
latent, torch = load(sys.argv[1]), load(sys.argv[2])
print(f"{'workload':<15}{'threads':>8}{'Latent':>12}{'PyTorch':>12}{'unit':>9}{'ratio':>8}{'target':>8}{'met?':>6}{'GFLOP/s':>9}{'peak':>7}")
for key in sorted(latent, key=lambda k: (k[1], list(targets).index(k[0]))):
    l, p = latent[key], torch.get(key)
    if p is None:
        continue
    ratio = l["throughput"] / p["throughput"]
    target = targets[key[0]] if key[1] >= 2 else 1.0
    print(f"{key[0]:<15}{key[1]:>8}{l['throughput']:>12.1f}{p['throughput']:>12.1f}{l['unit']:>9}{ratio:>8.2f}"
          f"{target:>8.2f}{'yes' if ratio >= target else 'no':>6}{l['gflops']:>9.1f}{l['fractionOfPeak']:>7.1%}")
PY

#!/usr/bin/env bash
# Data-parallel scaling on this machine: the MLP VAE and the conv VAE on MNIST trained by
# `latent train` (release) as 1 rank × 1 thread, 1 rank × 2 threads, and 2 ranks × 1 thread under
# Open MPI's mpirun — per-rank batch 128 (global 256, DDP's usual "weak" scaling) and per-rank 64
# (global 128, the same steps as one process). Prints images/s (best epoch after the first),
# the speed-up over 1 rank × 1 thread, and what summary.json says the gradient sums cost.
# Usage: bash bench/distributed_scaling.sh [--data DIR] [--epochs N]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${LATENT_DATA:-../shared/data}"
epochs=4
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 64 ;;
  esac
done
command -v mpirun >/dev/null || { echo "needs Open MPI's mpirun (Debian: apt-get install openmpi-bin)" >&2; exit 1; }
swift build -c release --product latent >&2
latent="$PWD/.build/release/latent"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
grep -m1 "model name" /proc/cpuinfo >&2 || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

run() {  # name ranks threads batch train-size -- extra settings
  local name=$1 ranks=$2 threads=$3 batch=$4 size=$5; shift 5
  local args=(train vae --data mnist --data-dir "$data" --train-size "$size" --test-size 100 --epochs "$epochs"
              --batch-size "$batch" --threads "$threads" --picture-every 0 --quiet --output "$out/$name" "$@")
  if [ "$ranks" -gt 1 ]; then mpirun --oversubscribe -np "$ranks" "$latent" "${args[@]}" >/dev/null
  else "$latent" "${args[@]}" >/dev/null; fi
  python3 - "$out/$name" "$name" "$ranks" "$threads" "$batch" "$size" <<'PY'
import json, sys
folder, name, ranks, threads, batch, size = sys.argv[1:]
epochs = [json.loads(l) for l in open(folder + "/metrics.jsonl") if '"final"' not in l]
best = min(e["seconds"] for e in epochs[1:]) if len(epochs) > 1 else epochs[0]["seconds"]
summary = json.load(open(folder + "/summary.json"))
print(json.dumps({"name": name, "ranks": int(ranks), "threads": int(threads), "batch_per_rank": int(batch),
                  "images_per_s": int(size) / best, "allreduce_bytes_per_step": summary.get("allreduce_bytes_per_step"),
                  "allreduce_wait_ms_per_step": summary.get("allreduce_wait_ms_per_step")}))
PY
}

{
  for model in mlp conv; do
    if [ $model = mlp ]; then size=25600; extra=(--architecture mlp); else size=6400; extra=(--architecture conv); fi
    run "$model-1x1" 1 1 128 $size "${extra[@]}"
    run "$model-1x2" 1 2 128 $size "${extra[@]}"
    run "$model-2x1-b128" 2 1 128 $size "${extra[@]}"
    run "$model-2x1-b64" 2 1 64 $size "${extra[@]}"
  done
} | tee "$out/lines.jsonl"
python3 - "$out/lines.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base = {}
print("\n| run | ranks × threads | batch/rank | img/s | × (1×1) | allreduce MB/step | unhidden wait ms/step |")
print("|---|---|--:|--:|--:|--:|--:|")
for r in rows:
    model = r["name"].split("-")[0]
    base.setdefault(model, r["images_per_s"])
    mb, wait = r["allreduce_bytes_per_step"], r["allreduce_wait_ms_per_step"]
    mb = "" if mb is None else "%.2f" % (mb / 1e6)
    wait = "" if wait is None else "%.2f" % wait
    print("| %s | %d × %d | %d | %s | %.2f | %s | %s |" % (r["name"], r["ranks"], r["threads"], r["batch_per_rank"],
          format(round(r["images_per_s"]), ","), r["images_per_s"] / base[model], mb, wait))
PY

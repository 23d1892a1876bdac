#!/usr/bin/env bash
# Latent against PyTorch eager, torch.compile and JAX (jax.jit) on the reference training
# workloads (the five model issues', conv-vae-32 and glow), in the same session.
#
#   bench/compare_peers.sh [--seconds S] [--threads "1 2"] [--workloads mlp-vae,cvae,...]
#                          [--peers eager,compile,jax] [--data DIR]
#
# Creates (once) the virtual environment bench/.venv with torch, jax, optax and numpy from PyPI,
# builds the release `latent` tool, and for every thread count runs `latent bench` and then each
# peer (bench/pytorch_workloads.py, the same with --compile, bench/jax_workloads.py), one after the
# other. Prints a table per workload and thread count: Latent, each peer, Latent ÷ the best peer,
# Latent's GFLOP/s and fraction of the measured peak (cpu, isa and peak come from Latent's lines
# and are printed above the table; a peer whose model has another parameter count than Latent's is
# named below it). The raw JSON lines are kept in bench-results/. DIR is the data
# root holding mnist/ (default: $LATENT_DATA, else ../shared/data next to the repository).
# LATENT_SCRATCH=DIR builds in a private build folder.
#
# Threads: Latent --threads N; PyTorch torch.set_num_threads(N) (interop 1); JAX restricts its own
# CPU affinity to N CPUs before XLA starts (XLA has no intra-op thread option).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds=10
threads="1 2"
workloads="mlp-vae,cvae,conv-vae,realnvp-2d,realnvp-mnist,conv-vae-32,glow"
peers="eager,compile,jax"
data="${LATENT_DATA:-$root/../shared/data}"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --peers) peers="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--threads \"1 2\"] [--workloads w1,w2] [--peers eager,compile,jax] [--data DIR]" >&2
       exit 2 ;;
  esac
done
[ -f "$data/mnist/train-images-idx3-ubyte.gz" ] || { echo "no MNIST under $data/mnist" >&2; exit 1; }

venv="$here/.venv"
if ! "$venv/bin/python" -c "import torch, jax, optax, numpy" 2>/dev/null; then
  echo "installing torch, jax, optax and numpy into $venv (from PyPI) ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet torch jax optax numpy
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
peers_file="$out/peers-$stamp.jsonl"
for t in $threads; do
  echo "threads $t: Latent ..." >&2
  "$latent" bench ${workloads//,/ } --threads "$t" --seconds "$seconds" --data-dir "$data" | tee -a "$latent_file" >&2
  peak="$("$venv/bin/python" -c 'import json, sys; print(json.loads(sys.stdin.readline())["peak_gflops_per_thread"])' < "$latent_file")"
  common=(--data "$data/mnist" --threads "$t" --seconds "$seconds" --workloads "$workloads" --peak "$peak")
  for peer in ${peers//,/ }; do
    echo "threads $t: $peer ..." >&2
    case "$peer" in
      eager) "$venv/bin/python" "$here/pytorch_workloads.py" "${common[@]}" ;;
      compile) "$venv/bin/python" "$here/pytorch_workloads.py" --compile "${common[@]}" ;;
      jax) "$venv/bin/python" "$here/jax_workloads.py" "${common[@]}" ;;
      *) echo "unknown peer $peer (expected eager, compile, jax)" >&2; exit 2 ;;
    esac | tee -a "$peers_file" >&2
  done
done

"$venv/bin/python" - "$latent_file" "$peers_file" <<'PY'
import json, re, sys
def snake(record):
    """Result lines written before the keys became snake_case (peakGflopsPerThread) read as today's."""
    return {re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), k): v for k, v in record.items()}
order = ["mlp-vae", "cvae", "conv-vae", "realnvp-2d", "realnvp-mnist", "conv-vae-32", "glow"]
columns = [("PyTorch", "eager"), ("torch.compile", "compile"), ("JAX", "JAX jit")]
latent = {(r["workload"], r["threads"]): r for r in map(snake, map(json.loads, open(sys.argv[1])))}
peers = {}
for r in map(snake, map(json.loads, open(sys.argv[2]))):
    name = next(label for prefix, label in columns if r["framework"].startswith(prefix))
    peers[(r["workload"], r["threads"], name)] = r
first = next(iter(latent.values()))
print(f"cpu {first['cpu']}, isa {first['isa']}, measured peak {first['peak_gflops_per_thread']} GFLOP/s per thread")
print(f"{'workload':<15}{'threads':>8}{'Latent':>11}{'eager':>11}{'compile':>11}{'JAX jit':>11}{'unit':>9}"
      f"{'÷ best':>8}{'best peer':>11}{'GFLOP/s':>9}{'peak':>7}")
for key in sorted(latent, key=lambda k: (k[1], order.index(k[0]))):
    l = latent[key]
    cells = [peers.get((key[0], key[1], label)) for _, label in columns]
    present = [(c["throughput"], label) for c, (_, label) in zip(cells, columns) if c]
    text = "".join(f"{c['throughput']:>11.1f}" if c else f"{'—':>11}" for c in cells)
    best, best_name = max(present) if present else (None, "—")
    ratio = f"{l['throughput'] / best:>8.2f}" if best else f"{'—':>8}"
    print(f"{key[0]:<15}{key[1]:>8}{l['throughput']:>11.1f}{text}{l['unit']:>9}{ratio}{best_name:>11}"
          f"{l['gflops']:>9.1f}{l['fraction_of_peak']:>7.1%}")
mismatched = sorted({(w, name, r["parameters"], latent[(w, t)]["parameters"]) for (w, t, name), r in peers.items()
                     if (w, t) in latent and r.get("parameters") and latent[(w, t)].get("parameters")
                     and r["parameters"] != latent[(w, t)]["parameters"]})
for w, name, theirs, ours in mismatched:
    print(f"parameters differ: {w} in {name} has {theirs}, in Latent {ours}")
PY

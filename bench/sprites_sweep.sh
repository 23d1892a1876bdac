#!/usr/bin/env bash
# One cell of the sprites disentanglement study (docs/RESULTS.md §2): trains a VAE on the
# procedural sprites with the given settings for each seed, evaluates it with `latent eval`
# (−ELBO, KL, active units, MIG with per-factor gaps, FactorVAE score) and appends one JSON
# line per run to $OUT (default runs/sprites-sweep.jsonl).
#
#   bench/sprites_sweep.sh LABEL "SEEDS" [latent train settings…]
#   bench/sprites_sweep.sh beta8 "0 1 2" beta-vae --beta 8 --epochs 13
#
# Build first: swift build -c release. THREADS (default 1) sets --threads, so two cells can
# run side by side on a 2-core machine.
set -euo pipefail
label=$1; seeds=$2; shift 2
out=${OUT:-runs/sprites-sweep.jsonl}
bin=${LATENT:-.build/release/latent}
mkdir -p "$(dirname "$out")"
for seed in $seeds; do
  dir=runs/sweep-$label-s$seed
  rm -rf "$dir"
  start=$(date +%s)
  "$bin" train "$@" --data sprites --seed "$seed" --threads "${THREADS:-1}" --output "$dir" --quiet
  seconds=$(( $(date +%s) - start ))
  metrics=$("$bin" eval "$dir" --json --samples 0 | grep '"event":"eval"' | tail -1)
  printf '{"label":"%s","seed":%s,"seconds":%s,"settings":"%s","eval":%s}\n' \
    "$label" "$seed" "$seconds" "$*" "$metrics" >> "$out"
  echo "$label seed $seed done in ${seconds}s"
done

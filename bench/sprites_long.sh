#!/usr/bin/env bash
# Long β-VAE runs on the procedural sprites with disentanglement scored along the way
# (docs/RESULTS.md §2): trains `latent train beta-vae --beta B` on 100 000 random sprites and,
# every INTERVAL seconds, copies the latest checkpoint and scores it with `latent eval`
# (MIG with per-factor gaps, FactorVAE score, −ELBO, KL), appending one JSON line per
# snapshot to $OUT (default runs/sprites-long.jsonl). Stops after SECONDS seconds.
#
#   bench/sprites_long.sh BETA SEED [SECONDS=4800] [INTERVAL=600]
set -euo pipefail
beta=$1; seed=$2; seconds=${3:-4800}; interval=${4:-600}
out=${OUT:-runs/sprites-long.jsonl}
bin=${LATENT:-.build/release/latent}
dir=runs/long-beta$beta-s$seed
rm -rf "$dir"; mkdir -p "$dir-snapshots" "$(dirname "$out")"
"$bin" train beta-vae --data sprites --beta "$beta" --seed "$seed" --train-size 100000 --epochs 1000 \
  --threads 1 --picture-every 0 --output "$dir" --quiet &
trainer=$!
trap 'kill $trainer 2>/dev/null || true' EXIT
start=$(date +%s)
while kill -0 $trainer 2>/dev/null; do
  sleep "$interval"
  elapsed=$(( $(date +%s) - start ))
  [ -f "$dir/checkpoints/last.safetensors" ] || continue
  epochs=$(grep -c '"epoch"' "$dir/metrics.jsonl" || true)
  steps=$(grep -o '"step":[0-9]*' "$dir/metrics.jsonl" | tail -1 | cut -d: -f2)
  snap="$dir-snapshots/epoch$epochs.safetensors"
  cp "$dir/checkpoints/last.safetensors" "$snap"
  metrics=$("$bin" eval "$snap" --json --samples 0 2>/dev/null | grep '"event":"eval"' | tail -1 || true)
  [ -n "$metrics" ] && printf '{"label":"beta%s","seed":%s,"epochs":%s,"steps":%s,"seconds":%s,"eval":%s}\n' \
    "$beta" "$seed" "$epochs" "$steps" "$elapsed" "$metrics" >> "$out"
  [ "$elapsed" -ge "$seconds" ] && break
done

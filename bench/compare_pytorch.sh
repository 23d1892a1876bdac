#!/usr/bin/env bash
# The old name of bench/compare_peers.sh (Latent against PyTorch eager, torch.compile and JAX jit),
# kept so that existing commands still work; it takes the same options.
exec "$(dirname "$0")/compare_peers.sh" "$@"

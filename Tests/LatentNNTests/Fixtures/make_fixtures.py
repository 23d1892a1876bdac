#!/usr/bin/env python3
"""Regenerates the safetensors fixtures read by Tests/LatentNNTests/Checkpoint.

    pip install safetensors numpy
    python3 Tests/LatentNNTests/Fixtures/make_fixtures.py

Writes `python_reference.safetensors` with the reference Python library (not with Latent), so the
Swift tests check that a file from the Python ecosystem loads with the right values. The values
are the inputs the Swift test hard-codes (SafeTensorsTests / CheckpointTests): change both together.
Every value is exactly representable in its dtype and in Float32, except `scale`, which checks
that F64 is rounded to the nearest Float32.
"""

import os

import numpy as np
import safetensors
from safetensors import TensorSpec

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "python_reference.safetensors")

ARRAYS = {
    # F32, 2-D, row-major.
    "dense.weight": np.array([[0.5, -1.25, 2.0], [3.5, -0.125, 1024.0]], dtype="<f4"),
    # F16: an ordinary value, a negative one, the largest finite half and the smallest subnormal (2^-24).
    "dense.bias": np.array([1.5, -2.0, 65504.0, 2.0 ** -24], dtype="<f2"),
    # F64 scalar (shape []): pi, rounded to the nearest Float32 on load.
    "scale": np.array(3.141592653589793, dtype="<f8"),
    # F32 one-element tensor.
    "step": np.array([7.0], dtype="<f4"),
    # I64 scalar, like PyTorch's BatchNorm `num_batches_tracked`: Latent refuses to convert it.
    "counter": np.array(42, dtype="<i8"),
}

# BF16 has no numpy dtype: its bits are the upper half of the Float32 bits (exact for these values).
BF16_VALUES = np.array([[1.0, -2.5], [0.15625, 384.0]], dtype="<f4")
BF16_BITS = (BF16_VALUES.view("<u4") >> 16).astype("<u2")

METADATA = {"format": "pt", "model": "tiny", "step": "7"}


def main():
    buffers = dict(ARRAYS)
    buffers["embedding"] = BF16_BITS
    specs = {
        name: TensorSpec(dtype=array.dtype.name, shape=array.shape,
                         data_ptr=array.ctypes.data, data_len=array.nbytes)
        for name, array in ARRAYS.items()
    }
    specs["embedding"] = TensorSpec(dtype="bfloat16", shape=BF16_BITS.shape,
                                    data_ptr=BF16_BITS.ctypes.data, data_len=BF16_BITS.nbytes)
    safetensors.serialize_file(specs, OUT, metadata=METADATA)

    # Read the file back with the reference library and check every tensor byte for byte.
    with open(OUT, "rb") as f:
        content = f.read()
    expected_dtypes = {"dense.weight": "F32", "dense.bias": "F16", "scale": "F64",
                       "step": "F32", "counter": "I64", "embedding": "BF16"}
    loaded = dict(safetensors.deserialize(content))
    assert sorted(loaded) == sorted(buffers), sorted(loaded)
    for name, array in buffers.items():
        entry = loaded[name]
        assert entry["dtype"] == expected_dtypes[name], (name, entry["dtype"])
        assert list(entry["shape"]) == list(array.shape), (name, entry["shape"])
        assert bytes(entry["data"]) == array.tobytes(), name
    with safetensors.safe_open(OUT, framework="numpy") as f:
        assert f.metadata() == METADATA, f.metadata()
    print(f"wrote {OUT} ({len(content)} bytes)")


if __name__ == "__main__":
    main()

"""Run vectors on the wire: numpy arrays, torch tensors or nested lists as binary ``VVEC``
chunks (docs/formats.md, "Vector files"), without temporary files.

A chunk is one binary vector file: a 20-byte header (``VVEC``, u32 version 1, u32 dim, u32
count, u32 kind: 0 gradient, 1 embedding), ``count x dim`` float32 little-endian rows, then the
``count`` keys (u32 byte length + UTF-8 ``IMAGE/LABEL``). The rows of a C-contiguous float32
array are sent straight from its buffer (a ``memoryview`` slice per chunk, no copy); any other
array is converted to one once. numpy is only needed for numpy arrays and torch tensors.
"""

from __future__ import annotations

import array as pyarray
import struct
import sys
from typing import Any, Iterator, List, Sequence, Tuple, Union

from .errors import VersoError
from .records import Label

KINDS = {"gradient": 0, "embedding": 1}

#: Largest chunk body sent in one request, bytes (the server's upload limit is far higher).
CHUNK_BYTES = 32 << 20

ExampleId = Union[str, Tuple[str, str], Label]


def example_key(example: ExampleId) -> str:
    """``IMAGE/LABEL`` of an example given as that text, an ``(image, label)`` pair or a label."""
    if isinstance(example, Label):
        return f"{example.image}/{example.label}"
    if isinstance(example, tuple):
        return f"{example[0]}/{example[1]}"
    return str(example)


def float32_rows(values: Any) -> Tuple[memoryview, int, int]:
    """The values as one C-contiguous little-endian float32 buffer: (bytes view, rows, dim)."""
    module = type(values).__module__.split(".")[0]
    if module == "torch":
        values = values.detach().to("cpu").float().contiguous().numpy()
        module = "numpy"
    if module == "numpy":
        import numpy as np

        rows = np.ascontiguousarray(values, dtype="<f4")
        if rows.ndim == 1:
            rows = rows.reshape(1, -1) if rows.size else rows.reshape(0, 0)
        if rows.ndim != 2:
            raise VersoError(f"vectors must be a 2-D array (examples x dim), got shape {rows.shape}",
                             code="INVALID_ARGUMENT")
        return memoryview(rows).cast("B"), int(rows.shape[0]), int(rows.shape[1])
    rows_list = [list(r) for r in values]
    dim = len(rows_list[0]) if rows_list else 0
    if any(len(r) != dim for r in rows_list):
        raise VersoError("every vector must have the same dimension", code="INVALID_ARGUMENT")
    flat = pyarray.array("f", (float(x) for r in rows_list for x in r))
    if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
        flat.byteswap()
    return memoryview(flat).cast("B"), len(rows_list), dim


def vector_chunks(ids: Sequence[ExampleId], values: Any, kind: str = "gradient",
                  chunk_bytes: int = CHUNK_BYTES) -> Iterator[Tuple[int, List[Any]]]:
    """The chunks of (ids, vectors): each as (body length, body pieces)."""
    if kind not in KINDS:
        raise VersoError(f"vector kind must be one of {', '.join(KINDS)}, not {kind!r}",
                         code="INVALID_ARGUMENT")
    data, rows, dim = float32_rows(values)
    keys = [example_key(i).encode("utf-8") for i in ids]
    if len(keys) != rows:
        raise VersoError(f"{len(keys)} ids for {rows} vectors: give one id per row",
                         code="INVALID_ARGUMENT")
    if rows and dim == 0:
        raise VersoError("vectors of dimension 0", code="INVALID_ARGUMENT")
    row_bytes = 4 * dim
    per_chunk = max(1, chunk_bytes // max(row_bytes, 1))
    for start in range(0, rows, per_chunk):
        end = min(rows, start + per_chunk)
        header = struct.pack("<4sIIII", b"VVEC", 1, dim, end - start, KINDS[kind])
        key_bytes = b"".join(struct.pack("<I", len(k)) + k for k in keys[start:end])
        floats = data[start * row_bytes : end * row_bytes]
        yield len(header) + len(floats) + len(key_bytes), [header, floats, key_bytes]

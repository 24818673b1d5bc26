"""Edit batches: the put / patch / delete ops ``Repository.apply`` sends as one commit.

An op is a dict in the native edit format (``{"op": "put", "image", "label", ...fields}``,
see docs/formats.md "Edit batches"); these helpers build them, and ``ndjson_blocks`` turns any
iterable of ops or labels into the NDJSON body, in blocks, as the upload is sent.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Iterator, Mapping, Union

from .records import Label

Record = Union[Mapping[str, Any], Label]

#: Body bytes gathered before a block is handed to the connection.
BLOCK = 1 << 16


def put(label: Record, **fields: Any) -> Dict[str, Any]:
    """Adds or replaces a label: ``put(Label)``, ``put({"image", "label", ...})``, or
    ``put({"image": "a", "label": "1"}, category="car", bbox=[...])``."""
    data = label.data if isinstance(label, Label) else label
    return {"op": "put", **data, **fields}


def patch(image: str, label: str, **fields: Any) -> Dict[str, Any]:
    """Changes some fields of a label (a JSON merge patch: ``None`` removes a field;
    ``review={"status": "approved"}`` patches the review)."""
    return {"op": "patch", "image": image, "label": label, **fields}


def delete(image: str, label: str) -> Dict[str, Any]:
    """Removes a label (and its review)."""
    return {"op": "delete", "image": image, "label": label}


def review(image: str, label: str, status: str, **fields: Any) -> Dict[str, Any]:
    """Sets a label's review (``approved``, ``rejected``, ``pending``, ...; ``comment=`` and
    other review fields as given). The server records the token's identity as the reviewer and
    its own time as the review time; it needs a token with the ``review`` role."""
    return {"op": "patch", "image": image, "label": label, "review": {"status": status, **fields}}


def ndjson_blocks(records: Iterable[Record]) -> Iterator[bytes]:
    """One JSON object a line, in blocks of about ``BLOCK`` bytes."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines = []
    size = 0
    for record in records:
        line = dumps(record.data if isinstance(record, Label) else record)
        lines.append(line)
        size += len(line) + 1
        if size >= BLOCK:
            yield ("\n".join(lines) + "\n").encode()
            lines, size = [], 0
    if lines:
        yield ("\n".join(lines) + "\n").encode()


def file_blocks(path: str) -> Iterator[bytes]:
    """A file's bytes in blocks, read as they are sent."""
    with open(path, "rb") as f:
        while True:
            block = f.read(BLOCK)
            if not block:
                return
            yield block

"""Exports from Python: the labels of a ref in another format, streamed from the server to a
file or, for the folder formats (YOLO, YOLO-seg, VOC, MOT: a tar archive on the wire), unpacked
into a folder as it arrives (the server's ``GET /export``).
"""

from __future__ import annotations

import os
import shutil
import tarfile
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Dict, Iterator, Optional, Union

from .base import RepositoryBase
from .errors import ProtocolError, VersoError
from .operations import OperationMethods, Progress
from .transport import Response

FOLDER_FORMATS = ("yolo", "yolo-seg", "voc", "mot")
Out = Union[str, "os.PathLike[str]", IO[bytes]]


@dataclass(frozen=True)
class ExportResult:
    """An export written: the commit exported, labels (and images, skipped) as the server
    counted them, and where it was written."""

    commit: str
    labels: int
    images: Optional[int]
    skipped: Optional[int]
    out: Optional[str]
    headers: Dict[str, str] = field(default_factory=dict, repr=False)


class _BlockReader:
    """The response's blocks as a file object, for ``tarfile``'s stream mode."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._rest = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._rest) < n:
            block = next(self._blocks, b"")
            if not block:
                break
            self._rest += block
        if n < 0:
            out, self._rest = self._rest, b""
        else:
            out, self._rest = self._rest[:n], self._rest[n:]
        return out


def export(repo: "ExportMethods", ref: str, format: str, out: Out,  # noqa: A002
           where: Optional[str], schema: Optional[str], with_images: bool,
           on_progress: Optional[Callable[[Progress], Any]]) -> ExportResult:
    query = {"ref": ref, "format": format, "where": where, "schema": schema,
             "with_images": with_images or None}
    if on_progress is None:
        return download(repo, "/export", query, format, out)
    # In the background, followed to its end, then downloaded.
    answer = repo._call("POST", "/export", {**query, "async": True})
    done = repo.wait(str(answer["operation"]), on_progress)
    result = done.result if isinstance(done.result, dict) else {}
    response = repo.transport.request("GET", str(result["download"]))
    counts = {f"x-verso-{k}": str(result[k]) for k in ("commit", "labels", "images", "skipped")
              if result.get(k) is not None}
    return _received(response, format, out, counts)


def download(repo: RepositoryBase, path: str, query: Dict[str, Any], format: str,  # noqa: A002
             out: Optional[Out]) -> ExportResult:
    """A ``GET`` of an export route (``/export``, ``/slices/S/export``) written to ``out`` as
    it arrives, with the counts its ``X-Verso-*`` headers carry."""
    _check_out(out)
    assert out is not None
    response = repo.transport.request("GET", f"{repo.prefix}{path}", query)
    return _received(response, format, out, {k.lower(): v for k, v in response.headers.items()})


def _check_out(out: Optional[Out]) -> None:
    if out is None:
        raise VersoError("export needs out=: a file path, a folder (yolo, voc, mot) or a binary file",
                         code="INVALID_ARGUMENT")


def _received(response: Response, format: str, out: Out, headers: Dict[str, str]) -> ExportResult:  # noqa: A002
    """The export's bytes written to ``out`` as they arrive."""
    written: Optional[str] = None
    if hasattr(out, "write"):
        for block in response.blocks():
            out.write(block)
    elif format in FOLDER_FORMATS:
        written = os.fspath(out)
        os.makedirs(written, exist_ok=True)
        _unpack(_BlockReader(response.blocks()), written)
    else:
        written = os.fspath(out)
        with open(written, "wb") as f:
            for block in response.blocks():
                f.write(block)

    def count(name: str) -> Optional[int]:
        value = headers.get(f"x-verso-{name}")
        return int(value) if value is not None else None

    return ExportResult(headers.get("x-verso-commit", ""), count("labels") or 0, count("images"),
                        count("skipped"), written, headers)


def _unpack(source: Any, folder: str) -> None:
    """Members of a tar stream written under ``folder`` (regular files and folders only; a name
    that would leave the folder is refused)."""
    root = os.path.realpath(folder)
    try:
        with tarfile.open(fileobj=source, mode="r|") as archive:
            for member in archive:
                target = os.path.realpath(os.path.join(root, member.name))
                if os.path.commonpath([root, target]) != root:
                    raise ProtocolError(f"the export archive names a path outside the folder: {member.name!r}")
                if member.isdir():
                    os.makedirs(target, exist_ok=True)
                elif member.isfile():
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    data = archive.extractfile(member)
                    if data is None:
                        continue
                    with open(target, "wb") as f:
                        shutil.copyfileobj(data, f)
    except tarfile.TarError as e:
        raise VersoError(f"the export archive could not be read: {e}", code="PROTOCOL") from e


class ExportMethods(OperationMethods):
    def export(self, ref: str = "main", format: str = "coco", out: Any = None,  # noqa: A002
               where: Optional[str] = None, schema: Optional[str] = None,
               with_images: bool = False,
               on_progress: Optional[Callable[[Progress], Any]] = None) -> ExportResult:
        """Writes the labels of ``ref`` (``where`` / ``schema`` as for ``labels``) in ``format``
        (``coco``, ``jsonl``, ``cvat``: a file; ``yolo``, ``yolo-seg``, ``voc``: a folder, with
        the image files when ``with_images``; ``mot``: a folder) to ``out``, a path or a binary
        file object, as it streams.
        With ``on_progress``, the server runs it in the background and the callback gets its
        ``Progress`` until it is done; then it is downloaded."""
        _check_out(out)  # before a background export starts
        return export(self, ref, format, out, where, schema, with_images, on_progress)

"""Verso from Python: label-first version control for computer-vision datasets.

    import verso
    repo = verso.connect("http://127.0.0.1:4800/repos/cv", token="verso_...")
    with verso.open("./myrepo") as repo:          # serves a local folder for this process
        for label in repo.labels("main", where="class = car"):
            print(label.image, label.bbox, label.review)

The core is the standard library only; ``verso.torch`` needs PyTorch and numpy.
"""

from __future__ import annotations

import os
from typing import Optional, Sequence
from urllib.parse import urlsplit

from .edits import delete, patch, put, review
from .errors import (
    BadRequest,
    Conflict,
    ConnectionFailed,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ProtocolError,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
    VersoError,
)
from .exports import ExportResult
from .images import Asset
from .lineage import Examples, LineageUp, Model, Run
from .lineage_records import (
    AnnotatorSuspects,
    ExplainedExample,
    Explanation,
    PredictionInfo,
    RunInfo,
    Suspect,
    Suspects,
    VectorsInfo,
)
from .local import LocalServer
from .merges import MergeConflict, MergeOutcome, PendingMerge
from .operations import Operation, Progress
from .records import (
    BlameEntry,
    Change,
    Commit,
    CommitDetail,
    CommitRef,
    CommitResult,
    CreatedRef,
    FieldChange,
    Label,
    Ref,
    Review,
    parse_time,
)
from .repository import Repository
from .transport import Stream, Transport

__version__ = "0.1.0"

__all__ = [
    "connect", "open", "Repository", "Stream", "put", "patch", "delete", "review", "parse_time",
    "Label", "Review", "Ref", "Commit", "CommitDetail", "CommitRef", "CommitResult", "CreatedRef",
    "Change", "FieldChange", "BlameEntry", "Asset", "ExportResult",
    "MergeOutcome", "PendingMerge", "MergeConflict", "Operation", "Progress",
    "Run", "RunInfo", "VectorsInfo", "Examples", "Model", "PredictionInfo", "Explanation",
    "ExplainedExample", "Suspects", "Suspect", "AnnotatorSuspects", "LineageUp", "LocalServer",
    "VersoError", "BadRequest", "Unprocessable", "Unauthorized", "Forbidden", "NotFound",
    "Conflict", "PayloadTooLarge", "RateLimited", "ServerError", "ConnectionFailed",
    "ProtocolError",
]


def connect(url: str, token: Optional[str] = None, *, timeout: float = 300.0) -> Repository:
    """A repository on a server: ``url`` is ``http://HOST:PORT/repos/NAME`` (or the server's
    address alone when it serves one repository). ``token`` defaults to ``$VERSO_TOKEN``."""
    parts = urlsplit(url)
    transport = Transport(f"{parts.scheme}://{parts.netloc}",
                          token if token is not None else os.environ.get("VERSO_TOKEN"), timeout)
    path = [p for p in parts.path.split("/") if p]
    if len(path) == 2 and path[0] == "repos":
        from urllib.parse import unquote

        return Repository(transport, unquote(path[1]))
    if path:
        raise VersoError(f"not a repository URL: {url!r} (expected http://HOST:PORT/repos/NAME)",
                         code="INVALID_URL")
    names = [r["name"] for r in transport.call("GET", "/repos")["repositories"]]
    if len(names) != 1:
        transport.close()
        raise VersoError(
            f"{url} serves {len(names)} repositories ({', '.join(names) or 'none'}): "
            "name one as http://HOST:PORT/repos/NAME", code="INVALID_URL")
    return Repository(transport, names[0])


def open(path: str, *, command: Optional[Sequence[str]] = None, role: str = "admin") -> Repository:  # noqa: A001
    """A local repository folder, served for this process by ``verso serve`` on a free port
    with a session token; closing the repository (or leaving ``with``) stops the server."""
    server = LocalServer(path, command, role)
    try:
        repo = connect(f"{server.url}/repos/{server.repository}", token=server.token)
    except BaseException:
        server.stop()
        raise
    repo.server = server
    repo._closers.append(server.stop)
    return repo

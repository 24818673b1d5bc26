"""Long operations from Python: a merge or an export started in the background (``async=true``:
202 and an operation id), followed to its end with its progress, its result or its error (the
server's ``/operations/{id}`` routes, polled)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

from .base import RepositoryBase
from .errors import VersoError, error_for
from .transport import segment

Json = Dict[str, Any]
#: Seconds between two looks at a running operation.
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Progress:
    """How far an operation is: its ``phase``, ``done`` units and, when known, the ``total``."""

    phase: str
    done: float
    total: Optional[float] = None


@dataclass(frozen=True)
class Operation:
    """A long operation: ``state`` is ``running``, ``done`` (``result``: what the route answers
    when run in the foreground) or ``failed`` (``error``: the exception it would have raised)."""

    id: str
    kind: str
    state: str
    progress: Optional[Progress]
    result: Any = None
    error: Optional[VersoError] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(d: Json) -> "Operation":
        p = d.get("progress")
        error = None
        if isinstance(d.get("error"), dict):
            import json

            error = error_for(int(d.get("status") or 500), json.dumps({"error": d["error"]}).encode())
        return Operation(d["id"], d.get("kind", ""), d.get("state", ""),
                         Progress(p.get("phase", ""), p.get("done", 0), p.get("total")) if isinstance(p, dict) else None,
                         d.get("result"), error, d)


class OperationMethods(RepositoryBase):
    def operation(self, operation_id: str) -> Operation:
        """An operation's state, progress, and its result or error."""
        return Operation.from_json(self._call("GET", f"/operations/{segment(operation_id)}"))

    def wait(self, operation_id: str, on_progress: Optional[Callable[[Progress], Any]] = None,
             timeout: Optional[float] = None) -> Operation:
        """Follows an operation to its end, calling ``on_progress`` when its progress changes;
        a failed operation raises its error (the class of its status, with its code)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        last: Optional[Progress] = None
        while True:
            op = self.operation(operation_id)
            if on_progress is not None and op.progress is not None and op.progress != last:
                on_progress(op.progress)
                last = op.progress
            if op.state != "running":
                if op.error is not None:
                    raise op.error
                return op
            if deadline is not None and time.monotonic() > deadline:
                raise VersoError(f"operation {operation_id} still running after {timeout} s",
                                 code="OPERATION_TIMEOUT", data={"operation": operation_id})
            time.sleep(POLL_SECONDS)

"""Merges from Python: merge a ref into a branch; when it stops on conflicts, the pending merge
and each conflict as objects to decide, then commit or abort (the server's ``/merges`` routes).

    outcome = repo.merge("feature", into="main")
    if outcome.pending:                               # stopped on conflicts, nothing moved
        for c in outcome.pending.conflicts:
            print(c.id, c.kind, c.base, c.ours, c.theirs)
            outcome.pending.resolve(c, "theirs")
        outcome.pending.commit("merge feature")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from .base import RepositoryBase
from .errors import Conflict
from .records import CommitResult
from .transport import segment

Json = Dict[str, Any]


@dataclass(frozen=True)
class MergeConflict:
    """One conflict of a pending merge: its ``id`` (``labels/IMAGE/LABEL`` for records), its
    ``kind`` (``modify/modify``, ``delete/modify``, ``schema``, ...), the record's ``base``,
    ``ours`` (the branch's) and ``theirs`` (the merged ref's), and the ``resolution`` decided."""

    id: str
    kind: str
    tree: Optional[str]
    base: Any
    ours: Any
    theirs: Any
    resolution: Optional[Json]
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> Optional[Tuple[str, str]]:
        """(image, label) of a record conflict."""
        parts = self.id.split("/", 1)
        if len(parts) == 2 and "/" in parts[1]:
            image, label = parts[1].rsplit("/", 1)
            return image, label
        return None

    @staticmethod
    def from_json(d: Json) -> "MergeConflict":
        return MergeConflict(d["id"], d.get("kind", ""), d.get("tree"), d.get("base"),
                             d.get("ours"), d.get("theirs"), d.get("resolution"), d)


class PendingMerge:
    """A merge stopped on conflicts (the branch did not move): decide each, then commit."""

    def __init__(self, repo: RepositoryBase, data: Json) -> None:
        self.repo = repo
        self._load(data)

    def _load(self, data: Json) -> None:
        self.data = data
        self.into: str = data["into"]
        self.source: str = data.get("source", "")
        self.ours: str = data.get("ours", "")
        self.theirs: str = data.get("theirs", "")
        self.bases: List[str] = list(data.get("bases", []))
        self.started_by: str = data.get("started_by", "")
        self.undecided: int = int(data.get("undecided", 0))
        self.conflicts: List[MergeConflict] = [MergeConflict.from_json(c) for c in data.get("conflicts", [])]
        #: True when the server listed only the first conflicts (``refresh()`` lists them all).
        self.truncated: bool = bool(data.get("truncated"))

    def resolve(self, conflict: Union[MergeConflict, str], choice: str, value: Any = ...) -> Json:
        """Decides one conflict (an object, its id, or ``IMAGE/LABEL``): ``ours``, ``theirs``,
        ``both``, or ``value`` with the record to store (``None`` deletes it)."""
        body: Json = {"id": conflict.id if isinstance(conflict, MergeConflict) else conflict,
                      "choice": choice}
        if value is not ...:
            body["value"] = value
        return self._decide(body)

    def resolve_all(self, choice: str) -> Json:
        """Decides every undecided conflict the same way (``ours``, ``theirs`` or ``both``)."""
        return self._decide({"all": True, "choice": choice})

    def commit(self, message: Optional[str] = None) -> CommitResult:
        """Makes the merge commit (every conflict must be decided)."""
        return CommitResult.from_json(self.repo.transport.call(
            "POST", self._path("/commit"), {"message": message}))

    def abort(self) -> Json:
        """Drops the pending merge."""
        result: Json = self.repo.transport.call("POST", self._path("/abort"))
        return result

    def refresh(self) -> "PendingMerge":
        self._load(self.repo.transport.call("GET", self._path("")))
        return self

    def _decide(self, body: Json) -> Json:
        result: Json = self.repo.transport.call("POST", self._path("/resolve"), json_body=body)
        self.undecided = int(result.get("undecided", self.undecided))
        return result

    def _path(self, tail: str) -> str:
        return f"{self.repo.prefix}/merges/{segment(self.into)}{tail}"

    def __repr__(self) -> str:
        return f"PendingMerge({self.source} into {self.into}: {len(self.conflicts)} conflicts, {self.undecided} undecided)"


@dataclass
class MergeOutcome:
    """What ``repo.merge`` did: ``status`` is ``up-to-date``, ``fast-forward``, ``merged``, or
    ``conflicts`` (then ``pending`` holds the pending merge and the branch did not move)."""

    status: str
    commit: Optional[str] = None
    snapshot: Optional[str] = None
    pending: Optional[PendingMerge] = None
    raw: Json = field(default_factory=dict, repr=False)


class MergeMethods(RepositoryBase):
    def merge(self, source: str, into: str, message: Optional[str] = None, *, no_ff: bool = False,
              allow_duplicates: bool = False) -> MergeOutcome:
        """Merges ``source`` (a branch, tag or commit) into the branch ``into``: up to date, a
        fast-forward, or a merge commit; when it stops on conflicts the outcome's ``pending``
        holds them (nothing moved) to resolve and commit."""
        body = {"into": into, "from": source, "no_ff": no_ff or None,
                "allow_duplicates": allow_duplicates or None, "message": message}
        try:
            d = self._call("POST", "/merges", json_body={k: v for k, v in body.items() if v is not None})
        except Conflict as e:
            if e.code != "MERGE_CONFLICT" or not isinstance(e.data.get("merge"), dict):
                raise
            return MergeOutcome("conflicts", pending=PendingMerge(self, e.data["merge"]), raw=e.data)
        return MergeOutcome(d.get("status", ""), d.get("commit") or d.get("head"), d.get("snapshot"), None, d)

    def pending_merge(self, branch: str) -> PendingMerge:
        """The pending merge of a branch (``NotFound`` when there is none)."""
        return PendingMerge(self, self._call("GET", f"/merges/{segment(branch)}"))

"""A repository on a Verso server: the reads and writes of the HTTP API as Python methods.

``Repository`` is what ``verso.connect`` and ``verso.open`` return. Reads that can be large
(``log``, ``diff``, ``labels``) return a ``Stream``: an iterator decoded as the answer arrives.
The request is sent when the method is called, so a wrong ref raises ``NotFound`` there, not at
the first ``next()``. Writes send their records as a streamed NDJSON body and return a
``CommitResult``; the server authors the commit with the token's identity.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Union

from . import exports, images
from .edits import Record, file_blocks, ndjson_blocks
from .images import Asset
from .errors import Conflict, NotFound, VersoError
from .exports import ExportResult
from .lineage import Explanation, LineageUp, Model, PredictionInfo, Run, RunInfo
from .merges import MergeOutcome, PendingMerge
from .records import (
    BlameEntry,
    Change,
    Commit,
    CommitDetail,
    CommitResult,
    CreatedRef,
    Label,
    Ref,
)
from .transport import Stream, Transport, segment

if TYPE_CHECKING:
    from .local import LocalServer

NDJSON = "application/x-ndjson"
PathLike = Union[str, "os.PathLike[str]"]


class Repository:
    """One repository of a server, addressed as ``{server}/repos/{name}``."""

    def __init__(self, transport: Transport, name: str) -> None:
        self.transport = transport
        self.name = name
        self.prefix = f"/repos/{segment(name)}"
        self._closers: List[Any] = []
        #: The local server ``verso.open`` started for this repository, if any.
        self.server: Optional["LocalServer"] = None

    @property
    def url(self) -> str:
        t = self.transport
        return f"{t.scheme}://{t.host}:{t.port}{self.prefix}"

    # ---- refs -------------------------------------------------------------------------------

    def refs(self, kind: Optional[str] = None) -> List[Ref]:
        """Branches and tags (``kind="branch"`` or ``"tag"`` for one kind) with their commits."""
        answer = self._call("GET", "/refs", {"kind": kind})
        return [Ref.from_json(r) for r in answer["refs"]]

    def branches(self) -> Dict[str, str]:
        """Branch name -> head commit."""
        return {r.name: r.target for r in self.refs("branch")}

    def tags(self) -> Dict[str, str]:
        """Tag name -> commit."""
        return {r.name: r.target for r in self.refs("tag")}

    def head(self, branch: str = "main") -> str:
        """The commit a branch points at (what ``apply(..., expected_head=)`` expects)."""
        return self.show(branch).id

    def create_branch(self, name: str, at: str = "main") -> CreatedRef:
        """A new branch at a ref or commit. Raises ``Conflict`` (REF_EXISTS) if it exists."""
        return CreatedRef.from_json(self._call("POST", "/branches", json_body={"name": name, "from": at}))

    def create_tag(self, name: str, ref: str) -> CreatedRef:
        """A tag at a ref or commit (needs the ``review`` role; tags never move)."""
        return CreatedRef.from_json(self._call("POST", "/tags", json_body={"name": name, "ref": ref}))

    def delete_branch(self, name: str, force: bool = False) -> Dict[str, Any]:
        """Deletes a branch (needs ``admin``); the server's report of what was deleted."""
        result: Dict[str, Any] = self._call(
            "DELETE", f"/branches/{segment(name)}", {"force": force or None}
        )
        return result

    def whoami(self) -> Dict[str, Any]:
        """The caller as the server sees the token: ``identity``, token ``name`` and ``role``."""
        result: Dict[str, Any] = self._call("GET", "/whoami")
        return result

    # ---- access (admin) ----------------------------------------------------------------------

    def create_token(self, name: str, role: str, identity: Optional[str] = None,
                     expires: Optional[str] = None) -> Dict[str, Any]:
        """A new token of this repository (``read``, ``annotate``, ``review``, ``admin``);
        the answer's ``token`` is its secret, shown this once. Needs ``admin``."""
        body: Dict[str, Any] = {"name": name, "role": role}
        for key, value in (("identity", identity), ("expires", expires)):
            if value is not None:
                body[key] = value
        result: Dict[str, Any] = self._call("POST", "/tokens", json_body=body)
        return result

    def tokens(self) -> List[Dict[str, Any]]:
        """The repository's tokens (name, role, identity, status, last use; never secrets)."""
        return list(self._call("GET", "/tokens")["tokens"])

    def revoke_token(self, name: str) -> Dict[str, Any]:
        """Revokes a token: it stops working at once."""
        result: Dict[str, Any] = self._call("DELETE", f"/tokens/{segment(name)}")
        return result

    def audit(self, limit: int = 100, since: Optional[str] = None,
              identity: Optional[str] = None) -> List[Dict[str, Any]]:
        """The audit log, newest first: who wrote what, when, with which token, from where."""
        query = {"limit": limit, "since": since, "identity": identity}
        return list(self._call("GET", "/audit", query)["entries"])

    # ---- history ----------------------------------------------------------------------------

    def log(self, ref: str = "main", max_count: Optional[int] = None) -> Stream[Commit]:
        """Commits reachable from ``ref``, newest first."""
        return self._stream("/log", {"ref": ref, "max_count": max_count}, Commit.from_json)

    def show(self, ref: str = "main") -> CommitDetail:
        """One commit with its snapshot, record counts per tree, schema and categories."""
        return CommitDetail.from_json(self._call("GET", f"/commits/{segment(ref)}"))

    def diff(self, a: str, b: str) -> Stream[Change]:
        """Record-level changes from ref ``a`` to ref ``b`` (labels, reviews, assets, splits)."""
        return self._stream("/diff", {"from": a, "to": b}, Change.from_json)

    def diff_stat(self, a: str, b: str) -> Dict[str, Any]:
        """Counts of added/removed/modified records per tree and, for labels, per class."""
        result: Dict[str, Any] = self._call("GET", "/diff", {"from": a, "to": b, "stat": True})
        return result

    def blame(self, image: str, ref: str = "main", label: Optional[str] = None) -> List[BlameEntry]:
        """Per label of an image at ``ref``: the commit that introduced it, the last commit
        that changed it, its annotator and its review."""
        answer = self._call("GET", "/blame", {"ref": ref, "image": image, "label": label})
        return [BlameEntry.from_json(e) for e in answer["labels"]]

    # ---- labels -----------------------------------------------------------------------------

    def labels(
        self, ref: str = "main", where: Optional[str] = None, schema: Optional[str] = None
    ) -> Stream[Label]:
        """Labels at ``ref`` in key order, streamed; ``where`` filters them (the ``--where``
        language: ``"class = car and annotated_at >= 2026-01-01"``), ``schema`` reads them as
        another schema version."""
        return self._stream("/labels", {"ref": ref, "where": where, "schema": schema}, Label)

    def count(self, ref: str = "main", where: Optional[str] = None) -> int:
        """The number of labels at ``ref``, or of those matching ``where``."""
        return int(self._call("GET", "/count", {"ref": ref, "where": where})["labels"])

    # ---- writes -----------------------------------------------------------------------------

    def apply(
        self,
        branch: str,
        edits: Iterable[Record],
        expected_head: Optional[str] = None,
        message: Optional[str] = None,
        *,
        base_head: Optional[str] = None,
        clip: bool = False,
        allow_unknown_images: bool = False,
    ) -> CommitResult:
        """Applies put/patch/delete ops (``verso.put``, ``verso.patch``, ``verso.delete``, or
        dicts in the edit format) to a branch as one commit. With ``expected_head`` the write is
        strict: if the branch is at another commit the server refuses it with ``Conflict``
        (``e.current_head``). With ``base_head`` (the commit the edits were made from), a
        moved branch takes the batch only if none of its labels and reviews changed since,
        else ``Conflict`` (``WRITE_CONFLICT``, ``e.keys``). With neither, the server rebases the
        batch onto a moved head when none of its keys changed there while it ran."""
        query = {
            "message": message,
            "expected_head": expected_head,
            "base_head": base_head,
            "clip": clip or None,
            "allow_unknown_images": allow_unknown_images or None,
        }
        return self._write(f"/branches/{segment(branch)}/apply", query, ndjson_blocks(edits))

    def import_labels(
        self,
        branch: str,
        labels: Union[PathLike, Iterable[Record]],
        mode: str = "per_image",
        message: Optional[str] = None,
        *,
        clip: bool = False,
        allow_unknown_images: bool = False,
    ) -> CommitResult:
        """Imports labels (a native JSONL file's path, or label records) into a branch as one
        commit. ``mode``: ``per_image`` (the images named get exactly these labels),
        ``upsert`` or ``replace_all``."""
        if isinstance(labels, (str, os.PathLike)):
            body = file_blocks(os.fspath(labels))
        else:
            body = ndjson_blocks(labels)
        query = {
            "mode": mode,
            "message": message,
            "clip": clip or None,
            "allow_unknown_images": allow_unknown_images or None,
        }
        return self._write(f"/branches/{segment(branch)}/import", query, body)

    # ---- schemas --------------------------------------------------------------------------

    def schema(self, version: Optional[str] = None, at: Optional[str] = None) -> Dict[str, Any]:
        """A schema version (default: the newest, or the one in force ``at`` a date) with its
        ``classes`` (each ``{"name", ...}``), ``parent``, ``author``, ``created_at``, ``delta``."""
        if version is not None:
            result: Dict[str, Any] = self._call("GET", f"/schemas/{segment(version)}")
        else:
            result = self._call("GET", "/schema", {"at": at})
        return result

    def schemas(self) -> List[Dict[str, Any]]:
        """Every schema version, newest first."""
        return list(self._stream("/schemas", {}, dict))

    def create_schema(self, version: str, document: Any, parent: Optional[str] = None,
                      message: Optional[str] = None) -> Dict[str, Any]:
        """Stores a new immutable schema version from a schema document (``{"classes": [...],
        "ops": [...]}`` or a class list, docs/formats.md); needs the ``review`` role."""
        result: Dict[str, Any] = self._call("POST", f"/schemas/{segment(version)}",
                                            {"parent": parent, "message": message}, json_body=document)
        return result

    def migrate(self, branch: str, to: str, policy: Optional[Dict[str, str]] = None,
                dry_run: bool = False, message: Optional[str] = None) -> Dict[str, Any]:
        """Moves a branch's labels to schema version ``to`` (one commit), or counts what would
        change (``dry_run``); ``policy``: op index or kind -> ``auto`` | ``review``."""
        body: Dict[str, Any] = {"to": to}
        for name, value in (("policy", policy), ("message", message), ("dry_run", dry_run or None)):
            if value is not None:
                body[name] = value
        result: Dict[str, Any] = self._call("POST", f"/branches/{segment(branch)}/migrate", json_body=body)
        return result

    # ---- merges and exports -------------------------------------------------------------------

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

    def export(self, ref: str = "main", format: str = "coco", out: Any = None,  # noqa: A002
               where: Optional[str] = None, schema: Optional[str] = None,
               with_images: bool = False) -> ExportResult:
        """Writes the labels of ``ref`` (``where`` / ``schema`` as for ``labels``) in ``format``
        (``coco``, ``jsonl``: a file; ``yolo``, ``yolo-seg``, ``voc``: a folder, with the image
        files when ``with_images``) to ``out``, a path or a binary file object, as it streams."""
        if out is None:
            raise VersoError("export needs out=: a file path, a folder (yolo, voc) or a binary file",
                             code="INVALID_ARGUMENT")
        return exports.export(self, ref, format, out, where, schema, with_images)

    # ---- images -----------------------------------------------------------------------------

    def assets(self, ref: str = "main") -> Stream[Asset]:
        """Every image's asset record at ``ref``, in image id order, streamed."""
        return self._stream("/assets", {"ref": ref}, Asset.from_json)

    def asset(self, image: str, ref: str = "main") -> Asset:
        """One image's asset record at ``ref``."""
        return Asset.from_json(self._call("GET", f"/assets/{segment(image)}", {"ref": ref}))

    def image(self, image: str, ref: str = "main", byte_range: Optional[range] = None) -> bytes:
        """The bytes of an image (its id at ``ref``, or its SHA-256); ``byte_range`` reads a
        part (``range(0, 1024)``)."""
        return images.blob_bytes(self, images.image_hash(self, image, ref), byte_range)

    def image_url(self, image: str, ref: str = "main") -> str:
        """The direct URL of an image's bytes (immutable, cacheable; send the token as
        ``Authorization: Bearer``)."""
        return f"{self.url}/blobs/{images.image_hash(self, image, ref)}"

    def thumbnail(self, image: str, size: int = 256, ref: str = "main") -> bytes:
        """A WebP thumbnail of an image that fits ``size`` x ``size`` (64, 128, 256, 512)."""
        sha = images.image_hash(self, image, ref)
        return self.transport.request("GET", f"{self.prefix}/blobs/{sha}/thumbnail", {"size": size}).read()

    def add_images(self, branch: str, files: Mapping[str, Union[bytes, PathLike]],
                   message: Optional[str] = None) -> CommitResult:
        """Uploads images (image id -> bytes or file path) and adds them to ``branch`` as one
        commit; bytes the server already has are not stored again."""
        return images.add_images(self, branch, files, message)

    # ---- lineage ----------------------------------------------------------------------------

    def run(
        self,
        dataset: str,
        where: Optional[str] = None,
        schema: Optional[str] = None,
        params: Optional[Dict[str, Any]] = None,
    ) -> Run:
        """Starts a training run on ``dataset`` (a ref), the labels matching ``where`` read as
        schema ``schema``: the server fixes and hashes the example set now. Use it in a
        ``with`` block to finish it when the block ends."""
        body: Dict[str, Any] = {"dataset": dataset}
        for name, value in (("where", where), ("schema", schema), ("params", params)):
            if value is not None:
                body[name] = value
        return Run(self, RunInfo.from_json(self._call("POST", "/runs", json_body=body)))

    def get_run(self, run_id: str) -> Run:
        """An existing run, by id."""
        return Run(self, RunInfo.from_json(self._call("GET", f"/runs/{segment(run_id)}")))

    def runs(self) -> List[RunInfo]:
        """Every training run, oldest first."""
        return [RunInfo.from_json(r) for r in self._call("GET", "/runs")["runs"]]

    def models(self, run: Optional[str] = None) -> List[Model]:
        """Every registered model (of one run), oldest first."""
        return [Model(self, m) for m in self._call("GET", "/models", {"run": run})["models"]]

    def model(self, name: str, version: Optional[str] = None) -> Model:
        """A model by name (its latest version, or ``version``)."""
        versions = self._call("GET", f"/models/{segment(name)}")["versions"]
        chosen = versions if version is None else [v for v in versions if str(v["version"]) == version]
        if not chosen:
            raise NotFound(f"model '{name}' has no version '{version}'", code="LINEAGE_NOT_FOUND",
                           status=404, data={"kind": "model", "id": f"{name}@{version}"})
        return Model(self, chosen[-1])

    def predictions(self, model: Optional[str] = None) -> Stream[PredictionInfo]:
        """Every prediction (of one model: id, NAME@VERSION or name), streamed."""
        return self._stream("/predictions", {"model": model}, PredictionInfo.from_json)

    def prediction(self, prediction_id: str) -> PredictionInfo:
        """One prediction, by id or by the serving system's id."""
        return PredictionInfo.from_json(self._call("GET", f"/predictions/{segment(prediction_id)}"))

    def explain(self, prediction_id: str, top: int = 50) -> Explanation:
        """The ``top`` training examples with the highest influence on a prediction, with
        their label, annotator, annotation time, reviewer and review time."""
        return Explanation.from_json(
            self._call("GET", f"/explain/{segment(prediction_id)}", {"top": top}))

    def lineage_up(self, target: str, all: bool = False) -> LineageUp:  # noqa: A002
        """From a prediction (or model, run, ref) up to the model, run, exact commit and example
        set with its annotators and reviewers (``all``: list them for any size)."""
        d = self._call("GET", f"/lineage/up/{segment(target)}", {"all": all or None})
        return LineageUp(
            PredictionInfo.from_json(d["prediction"]) if d.get("prediction") else None,
            Model(self, d["model"]) if d.get("model") else None,
            RunInfo.from_json(d["run"]) if d.get("run") else None,
            d.get("commit") or {},
            d.get("examples"),
            d,
        )

    def lineage_down(self, target: str, limit: int = 10) -> Dict[str, Any]:
        """From a ref, ``IMAGE/LABEL``, run or model down to the runs that trained on it, their
        models and (the first ``limit``) predictions, as ``verso lineage down --json``."""
        result: Dict[str, Any] = self._call("GET", f"/lineage/down/{segment(target)}", {"limit": limit})
        return result

    # ---- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connections (and stops the server ``verso.open`` started)."""
        self.transport.close()
        while self._closers:
            self._closers.pop()()

    def __getstate__(self) -> Dict[str, Any]:
        # Pickled into another process: the copy reaches the same server, it does not own it.
        state = dict(self.__dict__)
        state["_closers"], state["server"] = [], None
        return state

    def __enter__(self) -> "Repository":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Repository({self.url!r})"

    def _call(self, method: str, path: str, query: Optional[Dict[str, Any]] = None, **kw: Any) -> Any:
        return self.transport.call(method, self.prefix + path, query, **kw)

    def _stream(self, path: str, query: Dict[str, Any], make: Any) -> Stream[Any]:
        return self.transport.stream("GET", self.prefix + path, query, make)

    def _write(self, path: str, query: Dict[str, Any], body: Iterable[bytes]) -> CommitResult:
        answer = self.transport.call("POST", self.prefix + path, query, body=body, content_type=NDJSON)
        return CommitResult.from_json(answer)

"""A repository on a Verso server: the reads and writes of the HTTP API as Python methods.

``Repository`` is what ``verso.connect`` and ``verso.open`` return. Reads that can be large
(``log``, ``diff``, ``labels``) return a ``Stream``: an iterator decoded as the answer arrives.
The request is sent when the method is called, so a wrong ref raises ``NotFound`` there, not at
the first ``next()``. Writes send their records as a streamed NDJSON body and return a
``CommitResult``; the server authors the commit with the token's identity.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Optional, Union

from .access import AccessMethods
from .annotators import AnnotatorMethods
from .edits import Record, file_blocks, ndjson_blocks
from .exports import ExportMethods
from .images import ImageMethods
from .lineage import LineageMethods
from .merges import MergeMethods
from .predictions import PredictionMethods
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
from .schemas import SchemaMethods
from .transport import Stream, segment

NDJSON = "application/x-ndjson"
PathLike = Union[str, "os.PathLike[str]"]


class Repository(AccessMethods, SchemaMethods, MergeMethods, ExportMethods, ImageMethods,
                 LineageMethods, PredictionMethods, AnnotatorMethods):
    """One repository of a server, addressed as ``{server}/repos/{name}``: refs, history,
    labels and label writes here; access, schemas, merges, exports, images, lineage,
    prediction sets and slices, and several annotators from their modules' mixins (``base.py`` holds the plumbing they share)."""

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

    def blame_track(self, video: str, track: str, ref: str = "main") -> Dict[str, Any]:
        """Per run of frames where a video track is visible at ``ref``: the first-parent commit
        that last changed them (``frames``: ``from``, ``to``, ``commit``, ``author``, ``time``,
        ``message``), with the commits that ``introduced`` the track and last changed its
        ``record`` (as ``verso blame VIDEO --track ID --json``)."""
        result: Dict[str, Any] = self._call(
            "GET", "/blame/track", {"ref": ref, "video": video, "track": track}
        )
        return result

    def blame_annotations(
        self, image: str, ref: str = "main", object: Optional[str] = None  # noqa: A002
    ) -> List[Dict[str, Any]]:
        """Per annotator's labeling of each object of an image (or of one ``object``) at
        ``ref``: ``annotator``, the annotator's own ``label`` id, ``annotated_at``, and the
        first-parent commits that ``introduced`` and last ``changed`` it (as ``verso blame IMAGE
        [OBJECT] --annotations --json``)."""
        answer = self._call("GET", "/blame/annotations", {"ref": ref, "image": image, "object": object})
        found: List[Dict[str, Any]] = answer["annotations"]
        return found

    def tracks(
        self, ref: str = "main", video: Optional[str] = None, where: Optional[str] = None
    ) -> Stream[Dict[str, Any]]:
        """The video tracks at ``ref`` (of one ``video``), each with its ``class``,
        ``keyframes`` and visible frames (``length``, ``first``, ``last``); ``where`` is a
        track filter: ``"track.length > 100 and frame in 100..200"``."""
        return self._stream("/tracks", {"ref": ref, "video": video, "where": where}, dict)

    # ---- labels -----------------------------------------------------------------------------

    def labels(
        self,
        ref: str = "main",
        where: Optional[str] = None,
        schema: Optional[str] = None,
        annotator: Optional[str] = None,
    ) -> Stream[Label]:
        """Labels at ``ref`` in key order, streamed; ``where`` filters them (the ``--where``
        language: ``"class = car and annotated_at >= 2026-01-01"``), ``schema`` reads them as
        another schema version. With ``annotator``: that annotator's labeling instead (each
        label with the ``object`` it is; neither ``where`` nor ``schema``)."""
        query = {"ref": ref, "where": where, "schema": schema, "annotator": annotator}
        return self._stream("/labels", query, Label)

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
        mode: Optional[str] = None,
        message: Optional[str] = None,
        *,
        clip: bool = False,
        allow_unknown_images: bool = False,
        annotator: Optional[str] = None,
    ) -> CommitResult:
        """Imports labels (a native JSONL file's path, or label records) into a branch as one
        commit. ``mode``: ``per_image`` (the default: the images named get exactly these
        labels), ``upsert`` or ``replace_all``. With ``annotator``: the records are that
        annotator's labeling, stored beside the other annotators' (the labels are not touched;
        no ``mode``)."""
        if isinstance(labels, (str, os.PathLike)):
            body = file_blocks(os.fspath(labels))
        else:
            body = ndjson_blocks(labels)
        query = {
            "mode": mode,
            "message": message,
            "clip": clip or None,
            "allow_unknown_images": allow_unknown_images or None,
            "annotator": annotator,
        }
        return self._write(f"/branches/{segment(branch)}/import", query, body)

    def _write(self, path: str, query: Dict[str, Any], body: Iterable[bytes]) -> CommitResult:
        answer = self.transport.call("POST", self.prefix + path, query, body=body, content_type=NDJSON)
        return CommitResult.from_json(answer)

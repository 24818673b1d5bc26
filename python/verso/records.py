"""Typed records the client returns: refs, commits, diff changes, labels, reviews, blame.

Member names are the server's (snake_case, the CLI's ``--json``). Times are the server's ISO
8601 UTC strings (``2026-02-01T10:00:00Z``); ``parse_time`` makes one a ``datetime``.

Labels stream by the hundred thousand, so ``Label`` is a thin typed view over the decoded JSON
object (one allocation per label, fields read on access); the other records are frozen
dataclasses built once. Every record keeps the server's object as ``raw`` (or ``data``), so a
member this client does not know yet is still reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

Json = Dict[str, Any]


def parse_time(text: str) -> datetime:
    """An ISO 8601 time of the server (``...Z`` or ``...+00:00``) as an aware ``datetime``."""
    value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Review:
    """The review of a label: ``status`` (``approved``, ``rejected``, ``pending``, ...)."""

    status: Optional[str]
    reviewer: Optional[str]
    reviewed_at: Optional[str]
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "Review":
        return Review(data.get("status"), data.get("reviewer"), data.get("reviewed_at"), dict(data))


class Label:
    """One label at a ref (the native interchange record): its key ``(image, label)``, its
    content fields and its review. ``label["field"]`` reads any field, known here or not."""

    __slots__ = ("data",)

    def __init__(self, data: Json) -> None:
        self.data = data

    @property
    def image(self) -> str:
        return str(self.data["image"])

    @property
    def label(self) -> str:
        return str(self.data["label"])

    @property
    def key(self) -> Tuple[str, str]:
        return (self.image, self.label)

    @property
    def category(self) -> Optional[str]:
        return self.data.get("category")

    @property
    def category_id(self) -> Optional[int]:
        return self.data.get("category_id")

    @property
    def bbox(self) -> Optional[List[float]]:
        """``[x, y, width, height]`` in pixels, or None."""
        return self.data.get("bbox")

    @property
    def area(self) -> Optional[float]:
        return self.data.get("area")

    @property
    def iscrowd(self) -> Optional[int]:
        return self.data.get("iscrowd")

    @property
    def segmentation(self) -> Any:
        """COCO polygons (a list of flat coordinate lists) or RLE (a dict), or None."""
        return self.data.get("segmentation")

    @property
    def keypoints(self) -> Optional[List[float]]:
        return self.data.get("keypoints")

    @property
    def attributes(self) -> Dict[str, Any]:
        return self.data.get("attributes") or {}

    @property
    def annotator(self) -> Optional[str]:
        return self.data.get("annotator")

    @property
    def annotated_at(self) -> Optional[str]:
        return self.data.get("annotated_at")

    @property
    def review(self) -> Optional[Review]:
        r = self.data.get("review")
        return Review.from_json(r) if isinstance(r, dict) else None

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def to_dict(self) -> Json:
        """The label as the native interchange object (what ``import_labels`` takes back)."""
        return dict(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Label) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Label(image={self.image!r}, label={self.label!r}, category={self.category!r})"


@dataclass(frozen=True)
class Ref:
    """A branch or a tag and the commit it points at."""

    name: str
    kind: str
    target: str
    updated_at: str

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "Ref":
        return Ref(data["name"], data["kind"], data["target"], data.get("updated_at", ""))


@dataclass(frozen=True)
class Commit:
    """A commit as the log lists it."""

    id: str
    snapshot: str
    parents: Tuple[str, ...]
    author: str
    time: str
    message: str
    operations: Json = field(default_factory=dict, repr=False)

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "Commit":
        return Commit(
            data["id"],
            data["snapshot"],
            tuple(data.get("parents", ())),
            data.get("author", ""),
            data.get("time", ""),
            data.get("message", ""),
            dict(data.get("operations") or {}),
        )


@dataclass(frozen=True)
class CommitDetail:
    """A commit as ``show`` gives it: the log's members, record counts per tree
    (``counts["labels"]``), the tree roots, the schema version and the category list."""

    id: str
    snapshot: str
    parents: Tuple[str, ...]
    author: str
    time: str
    message: str
    schema: Optional[str]
    counts: Dict[str, int]
    trees: Dict[str, str]
    categories: Optional[Json]
    operations: Json = field(default_factory=dict, repr=False)

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "CommitDetail":
        return CommitDetail(
            data["commit"],
            data["snapshot"],
            tuple(data.get("parents", ())),
            data.get("author", ""),
            data.get("time", ""),
            data.get("message", ""),
            data.get("schema"),
            dict(data.get("counts") or {}),
            dict(data.get("trees") or {}),
            data.get("categories"),
            dict(data.get("operations") or {}),
        )


@dataclass(frozen=True)
class FieldChange:
    """One field of a modified record: its value before and after."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """One record-level change between two refs: ``tree`` (``labels``, ``reviews``, ``assets``,
    ``splits``; ``annotations`` for an annotator's labeling of an object, ``tracks`` for a video
    track), ``change`` (``added``, ``removed``, ``modified``), the record's ``key``
    (``{"image", "label"}`` for labels and reviews; the object for annotations), its content
    ``before`` and ``after`` (None where it did not exist), the changed ``fields`` and, for
    labels and annotations, the ``geometry`` movement."""

    tree: str
    change: str
    key: Dict[str, Any]
    before: Optional[Json]
    after: Optional[Json]
    fields: Tuple[FieldChange, ...] = ()
    geometry: Optional[Json] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @property
    def image(self) -> Optional[str]:
        return self.key.get("image")

    @property
    def label(self) -> Optional[str]:
        return self.key.get("label")

    @property
    def annotator(self) -> Optional[str]:
        """Whose labeling changed (tree ``annotations``), else None."""
        value = self.raw.get("annotator")
        return value if isinstance(value, str) else None

    @staticmethod
    def from_json(data: Json) -> "Change":
        return Change(
            data["tree"],
            data["change"],
            dict(data.get("key") or {}),
            data.get("before"),
            data.get("after"),
            tuple(
                FieldChange(f.get("field", ""), f.get("before"), f.get("after"))
                for f in data.get("fields") or ()
            ),
            data.get("geometry"),
            data,
        )


@dataclass(frozen=True)
class CommitRef:
    """A commit named by blame: its id, author, time (and message where given)."""

    commit: str
    author: str
    time: str
    message: Optional[str] = None

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "CommitRef":
        return CommitRef(
            data["commit"], data.get("author", ""), data.get("time", ""), data.get("message")
        )


@dataclass(frozen=True)
class BlameEntry:
    """Per label of an image: the commit that introduced it, the last that changed it, who
    annotated it and when, and its review (with the commit that set it, in ``review.raw``)."""

    image: str
    label: str
    introduced: CommitRef
    changed: CommitRef
    annotator: Optional[str]
    annotated_at: Optional[str]
    review: Optional[Review]
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(data: Json) -> "BlameEntry":
        r = data.get("review")
        return BlameEntry(
            str(data["image"]),
            str(data["label"]),
            CommitRef.from_json(data["introduced"]),
            CommitRef.from_json(data["changed"]),
            data.get("annotator"),
            data.get("annotated_at"),
            Review.from_json(r) if isinstance(r, dict) else None,
            data,
        )


@dataclass(frozen=True)
class CommitResult:
    """What a write answers: the branch's commit and snapshot after it, whether a commit was
    made (False when nothing changed), and the write's own report (``details``: counts of
    labels and reviews added/removed/modified, geometry clipping, ...)."""

    commit: str
    snapshot: str
    committed: bool
    details: Json = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.details[name]

    @staticmethod
    def from_json(data: Json) -> "CommitResult":
        return CommitResult(data["commit"], data["snapshot"], bool(data.get("committed")), data)


@dataclass(frozen=True)
class CreatedRef:
    """A branch or tag just created: its name and the commit it points at."""

    name: str
    target: str

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "CreatedRef":
        return CreatedRef(data["name"], data["target"])



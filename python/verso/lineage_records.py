"""Training lineage records as the server gives them: runs (with their vectors), predictions,
explanations with their ranked examples, and a run's suspects (``verso run list --json``,
``predict list --json``, ``explain --json``, ``suspects --json`` member names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .records import Review

Json = Dict[str, Any]


@dataclass(frozen=True)
class VectorsInfo:
    """Vectors attached to a run: the blob holding them, their dimension, count and kind."""

    blob: str
    dim: int
    count: int
    kind: str


@dataclass(frozen=True)
class RunInfo:
    """A training run as recorded: the dataset ref as given and the exact commit it resolved
    to, the filter and schema, the example set's hash and size, params, status, vectors."""

    id: str
    dataset_ref: str
    commit: str
    filter: Optional[str]
    schema: Optional[str]
    example_set: str
    example_count: int
    params: Json
    author: str
    started_at: str
    finished_at: Optional[str]
    status: str
    vectors: Optional[VectorsInfo]
    #: The slice the run trained on (``repo.run(slice=...)``), or None.
    slice: Optional[str] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(d: Json) -> "RunInfo":
        v = d.get("vectors")
        return RunInfo(
            d["id"], d.get("dataset_ref", ""), d.get("commit", ""), d.get("filter"),
            d.get("schema"), d.get("example_set", ""), int(d.get("example_count", 0)),
            dict(d.get("params") or {}), d.get("author", ""), d.get("started_at", ""),
            d.get("finished_at"), d.get("status", ""),
            VectorsInfo(v["blob"], v["dim"], v["count"], v["kind"]) if isinstance(v, dict) else None,
            slice=d.get("slice"),
            raw=d,
        )


@dataclass(frozen=True)
class PredictionInfo:
    """A recorded prediction (without its vector)."""

    id: str
    model: str
    image: str
    output: Any
    time: str
    external_id: Optional[str]
    has_vector: bool

    @staticmethod
    def from_json(d: Json) -> "PredictionInfo":
        return PredictionInfo(d["id"], d.get("model", ""), d.get("image", ""), d.get("output"),
                              d.get("time", ""), d.get("external_id"), bool(d.get("has_vector")))


@dataclass(frozen=True)
class ExplainedExample:
    """A training example ranked by its influence on a prediction: its score, its key, the
    label as trained on (``content``), who annotated it and when, and its review."""

    rank: int
    score: float
    image: str
    label: str
    content: Optional[Json]
    annotator: Optional[str]
    annotated_at: Optional[str]
    reviewer: Optional[str]
    reviewed_at: Optional[str]
    review: Optional[Review]

    @property
    def category(self) -> Optional[str]:
        return (self.content or {}).get("category")

    @staticmethod
    def from_json(d: Json) -> "ExplainedExample":
        r = d.get("review")
        return ExplainedExample(
            int(d.get("rank", 0)), float(d["score"]), str(d["image"]), str(d["label"]),
            d.get("content"), d.get("annotator"), d.get("annotated_at"), d.get("reviewer"),
            d.get("reviewed_at"), Review.from_json(r) if isinstance(r, dict) else None,
        )


@dataclass(frozen=True)
class Explanation:
    """``explain``: the top examples of the prediction's run, by influence, best first; the
    ``unscored`` examples (``IMAGE/LABEL``) had no vector."""

    prediction: str
    model: str
    run: str
    commit: str
    kind: str
    scored: int
    examples: List[ExplainedExample]
    unscored: List[str]
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(d: Json) -> "Explanation":
        return Explanation(
            d["prediction"], d["model"], d["run"], d["commit"], d.get("kind", ""),
            int(d.get("scored", 0)), [ExplainedExample.from_json(e) for e in d.get("examples", [])],
            list(d.get("unscored", [])), d,
        )


@dataclass(frozen=True)
class Suspect:
    """A training example ranked by self-influence (the squared norm of its gradient vector):
    its key, class, who annotated it and when, and its review status and reviewer."""

    rank: int
    self_influence: float
    image: str
    label: str
    category: Optional[str]  # the JSON's ``class`` (a Python keyword)
    annotator: Optional[str]
    annotated_at: Optional[str]
    review_status: Optional[str]
    reviewer: Optional[str]
    reviewed_at: Optional[str]

    @staticmethod
    def from_json(d: Json) -> "Suspect":
        return Suspect(
            int(d["rank"]), float(d["self_influence"]), str(d["image"]), str(d["label"]),
            d.get("class"), d.get("annotator"), d.get("annotated_at"), d.get("review_status"),
            d.get("reviewer"), d.get("reviewed_at"),
        )


@dataclass(frozen=True)
class AnnotatorSuspects:
    """One annotator's scored examples: how many, their mean self-influence, how many of the top
    are theirs and that count's share of the top (``annotator`` None: labels naming none)."""

    annotator: Optional[str]
    examples: int
    mean_self_influence: float
    in_top: int
    share: float


@dataclass(frozen=True)
class Suspects:
    """``suspects``: a run's examples with the highest self-influence, best first (likely label
    errors); with ``by="annotator"`` also ``annotators``, most in the top first."""

    run: str
    commit: str
    scored: int
    unscored: int
    top: int
    examples: List[Suspect]
    annotators: Optional[List[AnnotatorSuspects]]
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(d: Json) -> "Suspects":
        groups = d.get("annotators")
        return Suspects(
            d["run"], d["commit"], int(d["scored"]), int(d["unscored"]), int(d["top"]),
            [Suspect.from_json(e) for e in d.get("examples", [])],
            None if groups is None else [
                AnnotatorSuspects(g.get("annotator"), int(g["examples"]),
                                  float(g["mean_self_influence"]), int(g["in_top"]), float(g["share"]))
                for g in groups],
            d,
        )

"""Training lineage from Python: runs and their example sets, run vectors, models, predictions,
explain and lineage walks (the server's ``/runs``, ``/models``, ``/predictions``, ``/explain``,
``/lineage`` routes).

    with repo.run(dataset="production-v4", where="reviewed_at >= 2026-07-01", schema="2.3",
                  params={"lr": 0.01}) as run:
        for example in run.examples:          # the run's fixed, content-hashed order
            ...
        run.add_vectors(ids, gradients)       # numpy / torch float32, any dim, in chunks
        model = run.register_model("detector", "model.pt", metrics={"map": 0.61})
    ids = model.record_predictions([{"image": "img1", "output": {...}, "vector": v}])
    repo.explain(ids[0], top=50)

A run started with ``with`` is finished when the block ends: ``ok``, or ``failed`` when the
block raised. Vectors sent in several ``add_vectors`` calls are staged by the server and
attached together when the run finishes (or by ``run.seal_vectors()``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

from .edits import BLOCK
from .records import Label, Review
from .transport import Stream, segment
from .vectors import CHUNK_BYTES, ExampleId, vector_chunks

if TYPE_CHECKING:
    from .repository import Repository

Json = Dict[str, Any]

try:  # optional: serializes numpy vectors directly, and faster
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the interpreter
    _orjson = None


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
            d,
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
class LineageUp:
    """From a prediction (or model, run, ref) up: its model, run, the exact commit trained on,
    and the example set with its annotators and reviewers."""

    prediction: Optional[PredictionInfo]
    model: Optional["Model"]
    run: Optional[RunInfo]
    commit: Json
    examples: Optional[Json]
    raw: Json = field(default_factory=dict, repr=False, compare=False)


class Model:
    """A registered model (``name`` at ``version``, produced by ``run``)."""

    def __init__(self, repo: "Repository", data: Json) -> None:
        self.repo = repo
        self.data = data
        self.id: str = data["id"]
        self.name: str = data.get("name", "")
        self.version: str = str(data.get("version", ""))
        self.run: str = data.get("run", "")
        self.metrics: Json = dict(data.get("metrics") or {})
        self.created_at: str = data.get("created_at", "")
        self.artifact: Optional[str] = data.get("artifact")

    def record_predictions(self, batch: Iterable[Mapping[str, Any]]) -> List[str]:
        """Records predictions in one request, all or nothing: each ``{"image", "output",
        "id"? (the serving system's id), "time"?, "vector"? (list, numpy array or tensor)}``.
        Returns their ids, in order."""
        body = _prediction_lines(batch)
        answer = self.repo.transport.call(
            "POST", f"{self.repo.prefix}/models/{segment(self.id)}/predictions",
            body=body, content_type="application/x-ndjson")
        return list(answer["predictions"])

    def __repr__(self) -> str:
        return f"Model({self.name}@{self.version}, id={self.id!r}, run={self.run!r})"


class Examples:
    """A run's examples in its fixed order: iterate it (each pass reads them from the server
    again) and ``len()`` it."""

    def __init__(self, run: "Run") -> None:
        self._run = run

    def __iter__(self) -> Iterator[Label]:
        return iter(self.stream())

    def stream(self) -> Stream[Label]:
        repo = self._run.repo
        return repo.transport.stream("GET", f"{repo.prefix}/runs/{segment(self._run.id)}/examples",
                                     None, Label)

    def __len__(self) -> int:
        return self._run.info.example_count


class Run:
    """A training run: its example set, vectors and models. A context manager: leaving the
    block finishes it (``ok``, or ``failed`` if the block raised)."""

    def __init__(self, repo: "Repository", info: RunInfo) -> None:
        self.repo = repo
        self.info = info

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def examples(self) -> Examples:
        return Examples(self)

    def add_vectors(self, ids: Sequence[ExampleId], vectors: Any, kind: str = "gradient",
                    *, chunk_bytes: int = CHUNK_BYTES) -> Json:
        """Sends one float32 vector per example (``ids``: ``IMAGE/LABEL`` strings, ``(image,
        label)`` pairs or labels; ``vectors``: numpy array, torch tensor or nested lists, one row
        per id), in chunks of at most ``chunk_bytes``. Returns what the server has staged."""
        staged: Json = {}
        for length, pieces in vector_chunks(ids, vectors, kind, chunk_bytes):
            staged = self.repo.transport.call(
                "POST", self._path("/vectors"), body=pieces,
                content_type="application/octet-stream", headers={"Content-Length": str(length)})
        return staged

    def seal_vectors(self, count: Optional[int] = None) -> Json:
        """Attaches the staged vectors to the run now (``count``: refuse unless exactly that
        many are staged). Finishing the run does it too."""
        body = {"count": count} if count is not None else {}
        result: Json = self.repo.transport.call("POST", self._path("/vectors/seal"), json_body=body)
        return result

    def register_model(self, name: str, artifact: Optional[str] = None,
                       metrics: Optional[Mapping[str, Any]] = None,
                       version: Optional[str] = None) -> Model:
        """Registers a model this run produced. ``artifact``: the model file (its SHA-256 is
        recorded) or a hash/URI kept as given; ``version`` defaults to the next integer."""
        body: Json = {"name": name, "run": self.id, "metrics": dict(metrics or {})}
        if artifact is not None:
            body["artifact"] = _artifact_id(artifact)
        if version is not None:
            body["version"] = version
        return Model(self.repo, self.repo.transport.call("POST", f"{self.repo.prefix}/models",
                                                          json_body=body))

    def finish(self, status: str = "ok") -> RunInfo:
        """Finishes the run (``ok`` or ``failed``); staged vectors are attached first."""
        self.info = RunInfo.from_json(
            self.repo.transport.call("POST", self._path("/finish"), json_body={"status": status}))
        return self.info

    def refresh(self) -> RunInfo:
        self.info = RunInfo.from_json(self.repo.transport.call("GET", self._path("")))
        return self.info

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if self.info.status == "running":
            self.finish("failed" if exc_type is not None else "ok")

    def __repr__(self) -> str:
        return f"Run({self.id!r}, {self.info.example_count} examples, {self.info.status})"

    def _path(self, tail: str) -> str:
        return f"{self.repo.prefix}/runs/{segment(self.id)}{tail}"


def _artifact_id(artifact: str) -> str:
    if os.path.isfile(artifact):
        digest = hashlib.sha256()
        with open(artifact, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    return artifact


def _prediction_lines(batch: Iterable[Mapping[str, Any]]) -> Iterator[bytes]:
    """NDJSON of predictions, in blocks (vectors from numpy or torch as float lists)."""
    if _orjson is not None:
        dumps = _orjson_line
    else:
        dumps = _json_line
    lines: List[bytes] = []
    size = 0
    for p in batch:
        line = dumps(p)
        lines.append(line)
        size += len(line)
        if size >= BLOCK:
            yield b"".join(lines)
            lines, size = [], 0
    if lines:
        yield b"".join(lines)


def _plain(value: Any) -> Any:
    module = type(value).__module__.split(".")[0]
    if module == "torch":
        return value.detach().to("cpu").tolist()
    if module == "numpy":
        return value.tolist()
    return value


def _json_line(p: Mapping[str, Any]) -> bytes:
    if "vector" in p and not isinstance(p["vector"], list):
        p = {**p, "vector": _plain(p["vector"])}
    return (json.dumps(p, separators=(",", ":"), default=_plain) + "\n").encode()


def _orjson_line(p: Mapping[str, Any]) -> bytes:
    assert _orjson is not None
    line: bytes = _orjson.dumps(p if isinstance(p, dict) else dict(p), default=_plain,
                                option=_orjson.OPT_SERIALIZE_NUMPY | _orjson.OPT_APPEND_NEWLINE)
    return line

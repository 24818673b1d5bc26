"""Training lineage from Python: runs and their example sets, run vectors, models, predictions,
explain, suspects and lineage walks (the server's ``/runs``, ``/models``, ``/predictions``,
``/explain``, ``/runs/ID/suspects``, ``/lineage`` routes).

    with repo.run(dataset="production-v4", where="reviewed_at >= 2026-07-01", schema="2.3",
                  params={"lr": 0.01}) as run:
        for example in run.examples:          # the run's fixed, content-hashed order
            ...
        run.add_vectors(ids, gradients)       # numpy / torch float32, any dim, in chunks
        model = run.register_model("detector", "model.pt", metrics={"map": 0.61})
    ids = model.record_predictions([{"image": "img1", "output": {...}, "vector": v}])
    repo.explain(ids[0], top=50)
    repo.suspects(run, top=50)                # likely label errors: highest self-influence

A run started with ``with`` is finished when the block ends: ``ok``, or ``failed`` when the
block raised. Vectors sent in several ``add_vectors`` calls are staged by the server and
attached together when the run finishes (or by ``run.seal_vectors()``).
"""

from __future__ import annotations

import array as pyarray
import hashlib
import json
import os
import sys
from binascii import b2a_base64
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

from .base import RepositoryBase
from .edits import BLOCK
from .errors import NotFound
from .lineage_records import (
    Explanation,
    PredictionInfo,
    RunInfo,
    Suspects,
)
from .records import Label
from .transport import Stream, segment
from .vectors import CHUNK_BYTES, ExampleId, vector_chunks


Json = Dict[str, Any]

try:  # optional: serializes numpy vectors directly, and faster
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the interpreter
    _orjson = None


@dataclass(frozen=True)
class LineageUp:
    """From a prediction (or model, run, ref) up: its model, run, the exact commit trained on,
    and the example set with its annotators and reviewers."""

    prediction: Optional[PredictionInfo]
    model: Optional["Model"]
    run: Optional[RunInfo]
    commit: Json
    examples: Optional[Json]
    #: For a run that trained on a slice: ``{"slice": {...}, "selected_by": {"prediction_set",
    #: "model", "strategy"}}`` (the model whose predictions chose the run's data), else None.
    trained_on: Optional[Json] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)


class Model:
    """A registered model (``name`` at ``version``, produced by ``run``)."""

    def __init__(self, repo: RepositoryBase, data: Json) -> None:
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

    def __init__(self, repo: RepositoryBase, info: RunInfo) -> None:
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
    """NDJSON of predictions, in blocks. A vector goes as base64 of its float32 little-endian
    bytes (the server's compact form: no decimal text to print or parse)."""
    dumps = _orjson_line if _orjson is not None else _json_line
    lines: List[Any] = []
    size = 0
    for p in batch:
        vector = p.get("vector")
        if vector is not None and not isinstance(vector, str):
            p = dict(p)
            p["vector"] = _compact_vector(vector)
        line = dumps(p)
        lines.append(line)
        size += len(line)
        if size >= BLOCK:
            yield _joined(lines)
            lines, size = [], 0
    if lines:
        yield _joined(lines)


def _joined(lines: List[Any]) -> bytes:
    """Lines of one block as bytes (orjson gives bytes; the json module str, encoded once)."""
    if isinstance(lines[0], bytes):
        return b"".join(lines)
    return "".join(lines).encode()


def _compact_vector(vector: Any) -> Any:
    """A vector (list, numpy array, torch tensor) as base64 of float32 little-endian values; a
    value that is not a vector of numbers goes as it is, for the server to refuse it by name."""
    module = type(vector).__module__.split(".")[0]
    if module == "torch":
        vector = vector.detach().to("cpu").float().numpy()
        module = "numpy"
    if module == "numpy":
        data = vector.astype("<f4", copy=False).tobytes()
    else:
        try:
            floats = pyarray.array("f", vector)
        except (TypeError, ValueError, OverflowError):
            return vector
        if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
            floats.byteswap()
        data = floats.tobytes()
    return b2a_base64(data, newline=False).decode("ascii")


def _plain(value: Any) -> Any:
    module = type(value).__module__.split(".")[0]
    if module == "torch":
        return value.detach().to("cpu").tolist()
    if module == "numpy":
        return value.tolist()
    return value


#: One encoder for every line (``json.dumps`` builds one a call).
_ENCODE = json.JSONEncoder(separators=(",", ":"), default=_plain).encode


def _json_line(p: Mapping[str, Any]) -> str:
    return _ENCODE(p) + "\n"


def _orjson_line(p: Mapping[str, Any]) -> bytes:
    assert _orjson is not None
    line: bytes = _orjson.dumps(p if isinstance(p, dict) else dict(p), default=_plain,
                                option=_orjson.OPT_SERIALIZE_NUMPY | _orjson.OPT_APPEND_NEWLINE)
    return line


class LineageMethods(RepositoryBase):
    def run(
        self,
        dataset: Optional[str] = None,
        where: Optional[str] = None,
        schema: Optional[str] = None,
        params: Optional[Dict[str, Any]] = None,
        slice: Optional[str] = None,  # noqa: A002
    ) -> Run:
        """Starts a training run on ``dataset`` (a ref), the labels matching ``where`` read as
        schema ``schema``: the server fixes and hashes the example set now. With ``slice``, the
        run trains on that slice's labels at ``dataset`` (default: the slice's commit), and
        lineage links it to the model whose predictions chose them. Use it in a ``with`` block
        to finish it when the block ends."""
        if dataset is None and slice is None:
            raise ValueError("run: give a dataset ref, a slice, or both")
        body: Dict[str, Any] = {}
        for name, value in (("dataset", dataset), ("slice", slice), ("where", where),
                            ("schema", schema), ("params", params)):
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

    def suspects(self, run: "Run | str", top: int = 50, by: Optional[str] = None) -> Suspects:
        """The ``top`` training examples of a run (a ``Run`` or its id) with the highest
        self-influence, the squared norm of their gradient vectors: likely label errors, with
        class, annotator and review. ``by="annotator"`` also aggregates per annotator."""
        run_id = run.id if isinstance(run, Run) else run
        return Suspects.from_json(
            self._call("GET", f"/runs/{segment(run_id)}/suspects", {"top": top, "by": by}))

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
            trained_on=d.get("trained_on"),
            raw=d,
        )

    def lineage_down(self, target: str, limit: int = 10) -> Dict[str, Any]:
        """From a ref, ``IMAGE/LABEL``, run, model, prediction set or slice down to the runs
        that trained on it, their models, (the first ``limit``) predictions and prediction sets,
        the slices chosen from those and the runs that trained on them, as ``verso lineage down
        --json``."""
        result: Dict[str, Any] = self._call("GET", f"/lineage/down/{segment(target)}", {"limit": limit})
        return result

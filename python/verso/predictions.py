"""Prediction sets from Python (the server's prediction-set, disagreement, promote and slice
routes, issue 17): a model's predictions stored as a set, the labels it confidently
contradicts, its predictions promoted to draft labels, and slices (saved labels, or the images
``select`` finds hardest) shown, exported and branched. Answers are the CLI's ``--json``
(``predict import|sets|show|disagreements|promote``, ``select``, ``slice save|show|export|branch``)
as dictionaries.

    repo.import_predictions("det@1", predictions, dataset="main")
    repo.disagreements("main", "det@1", min_score=0.8)["disagreements"]  # likely label errors
    repo.promote("det@1", "drafts", where="score >= 0.8")                # pending draft labels
    hard = repo.select("main", "det@1", strategy="margin", top=50)
    repo.export_slice(hard["slice"], "coco", "hard.json")
    repo.branch_slice(hard["slice"], "relabel")
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .base import RepositoryBase
from .edits import ndjson_blocks
from .exports import ExportResult, Out, download
from .images import put_blob
from .transport import segment
from .vectors import vector_chunks

#: ``select(diversity=...)``: ``(image_ids, vectors)`` or a VVEC/JSONL file's path.
Diversity = Union[Tuple[Sequence[str], Any], str, "os.PathLike[str]"]


def _embedding_bytes(diversity: Diversity) -> bytes:
    """One binary vector file (kind embedding, keys = image ids), or the given file's bytes."""
    if isinstance(diversity, tuple):
        ids, values = diversity
        chunks = list(vector_chunks(list(ids), values, kind="embedding", chunk_bytes=1 << 62))
        return b"".join(bytes(piece) for _, pieces in chunks for piece in pieces)
    with open(os.fspath(diversity), "rb") as f:
        return f.read()

Json = Dict[str, Any]


def _given(**members: Any) -> Json:
    """The members whose value is given (a JSON body leaves the others out)."""
    return {k: v for k, v in members.items() if v is not None}


class PredictionMethods(RepositoryBase):
    # ---- prediction sets --------------------------------------------------------------------

    def import_predictions(self, model: str, predictions: Iterable[Mapping[str, Any]],
                           dataset: Optional[str] = None) -> Json:
        """Stores a model's (id or ``NAME@VERSION``) predictions as a prediction set, all or
        nothing: each ``{"image", "prediction", "category", "bbox"|..., "score", "scores"?}``.
        With ``dataset`` (a ref), images and classes are checked against it. ``created`` is
        False when the model already had exactly this set."""
        result: Json = self.transport.call(
            "POST", f"{self.prefix}/models/{segment(model)}/prediction-sets", {"dataset": dataset},
            body=ndjson_blocks(predictions), content_type="application/x-ndjson")
        return result

    def prediction_sets(self, model: Optional[str] = None) -> List[Json]:
        """Every prediction set (of one model), oldest first."""
        return list(self._call("GET", "/prediction-sets", {"model": model})["prediction_sets"])

    def prediction_set(self, set_id: str) -> Json:
        """A prediction set (id, or a model ``NAME@VERSION``: its newest set) with counts per
        class."""
        result: Json = self._call("GET", f"/prediction-sets/{segment(set_id)}")
        return result

    # ---- what a set says about the labels ---------------------------------------------------

    def disagreements(self, dataset: str, predictions: str,
                      min_score: Optional[float] = None) -> Json:
        """The approved labels of ``dataset`` whose matched prediction in ``predictions`` (a set
        id or a model) names another class with a top score of at least ``min_score`` (default
        0.5): likely label errors, most confident first, with annotator and reviewer."""
        result: Json = self._call("GET", "/disagreements", {
            "dataset": dataset, "predictions": predictions, "min_score": min_score})
        return result

    def promote(self, predictions: str, branch: str, where: Optional[str] = None,
                message: Optional[str] = None, expected_head: Optional[str] = None) -> Json:
        """Turns the predictions of a set (id or model) matching ``where`` (``score >= 0.8``,
        ``class = car``) into draft labels on ``branch``: one commit by this token's identity,
        review ``pending``. Labels promoted before and images the branch lacks are skipped
        and counted, so promoting again changes nothing. With ``expected_head``, a branch at
        another commit raises ``Conflict`` (REF_UPDATE_RACE). Needs the ``annotate`` role."""
        result: Json = self._call(
            "POST", f"/branches/{segment(branch)}/promote",
            json_body=_given(set=predictions, where=where, message=message,
                             expected_head=expected_head))
        return result

    def select(self, dataset: str, predictions: str, strategy: str, top: int,
               per_class: Optional[int] = None, where: Optional[str] = None,
               seed: Optional[str] = None, name: Optional[str] = None,
               diversity: Optional[Diversity] = None) -> Json:
        """The ``top`` images the model is least sure about (``least-confidence``, ``margin``,
        ``entropy``, ``random``, ``disagreement``), hardest first, saved as a slice:
        ``{"slice", "images"}``. ``diversity``: one embedding per image, as ``(image_ids,
        vectors)`` (numpy array, tensor or lists) or a file (VVEC or JSONL ``{"image",
        "vector"}``); the images are then chosen among the 10 x top hardest to be unlike each
        other (``--diversity embedding:FILE``). Needs the ``annotate`` role."""
        vectors = None if diversity is None else put_blob(self, _embedding_bytes(diversity))
        result: Json = self._call("POST", "/select", json_body=_given(
            dataset=dataset, predictions=predictions, strategy=strategy, top=top,
            per_class=per_class, where=where, seed=seed, name=name, diversity_vectors=vectors))
        return result

    # ---- slices -----------------------------------------------------------------------------

    def save_slice(self, name: str, dataset: str, where: Optional[str] = None,
                   schema: Optional[str] = None) -> Json:
        """Saves the labels of ``dataset`` (a ref) matching ``where`` as a slice whose id is
        their content hash (the same labels again: the slice stored). Needs ``annotate``."""
        result: Json = self._call("POST", "/slices", json_body=_given(
            name=name, dataset=dataset, where=where, schema=schema))
        return result

    def slice(self, slice_id: str) -> Json:
        """A slice (id, unique id prefix or unique name): its commit, filter or selection, and a
        selection's ``images`` hardest first."""
        result: Json = self._call("GET", f"/slices/{segment(slice_id)}")
        return result

    def export_slice(self, slice_id: str, format: str = "coco", out: Optional[Out] = None,  # noqa: A002
                     with_images: bool = False) -> ExportResult:
        """Writes a slice's labels at the slice's own commit (a selection: every label of its
        images) in ``format`` to ``out``, as ``export`` writes a ref's."""
        query = {"format": format, "with_images": with_images or None}
        return download(self, f"/slices/{segment(slice_id)}/export", query, format, out)

    def branch_slice(self, slice_id: str, name: str) -> Json:
        """Starts branch ``name`` at a slice's commit: ``{"slice", "branch", "commit"}``.
        Raises ``Conflict`` if the branch exists. Needs the ``annotate`` role."""
        result: Json = self._call("POST", f"/slices/{segment(slice_id)}/branch",
                                  json_body={"name": name})
        return result

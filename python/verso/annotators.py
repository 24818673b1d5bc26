"""Several annotators from Python (the server's several-annotators routes): each annotator's
labeling imported beside the others' and read back, their consensus fused into a branch's
labels, and their agreement.

    repo.import_labels("main", alice_labels, annotator="alice")
    repo.labels("main", annotator="alice")          # alice's labeling, with the object of each
    repo.agreement("main", by="annotator")["pairs"]
    repo.consensus("main", strategy="wbf", min_agreement=2)["below"]
    repo.labels("main", where="agreement < 0.6")     # the fused labels worth a second look
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from .base import RepositoryBase
from .records import CommitResult
from .transport import segment


class AnnotatorMethods(RepositoryBase):
    def consensus(
        self,
        branch: str = "main",
        strategy: str = "majority",
        min_agreement: Optional[int] = None,
        message: Optional[str] = None,
    ) -> CommitResult:
        """Fuses the annotators' labelings of every object into ``branch``'s labels as one
        commit (needs the ``review`` role). ``strategy``: ``majority``, ``weighted`` or ``wbf``;
        objects with fewer than ``min_agreement`` agreeing annotators are not written: they are
        in ``result["below"]``, with their supporters."""
        body: Dict[str, Any] = {"strategy": strategy}
        if min_agreement is not None:
            body["min_agreement"] = min_agreement
        if message is not None:
            body["message"] = message
        answer = self._call("POST", f"/branches/{segment(branch)}/consensus", json_body=body)
        return CommitResult.from_json(answer)

    def agreement(self, ref: str = "main", by: Optional[str] = None) -> Dict[str, Any]:
        """Inter-annotator agreement at ``ref`` as ``verso agreement --json`` gives it: pairwise
        F1, Cohen's kappa and mean IoU (``pairs``), Fleiss' kappa; with ``by`` (``annotator``,
        ``class`` or ``image``) per group too (``groups``)."""
        result: Dict[str, Any] = self._call("GET", "/agreement", {"ref": ref, "by": by})
        return result

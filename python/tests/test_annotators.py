"""Several annotators from Python through a real server: labelings imported beside each other
and read back as the CLI reads them, consensus as a reviewer's commit, agreement as the CLI's
JSON, the filter terms; wrong combinations and roles raise the server's errors."""

from __future__ import annotations

import unittest
from typing import Any, Dict, List

from harness import Fixture, cli_json, cli_lines

import verso

fx: Fixture

BOX = [10, 10, 20, 20]
LABELINGS: Dict[str, List[Dict[str, Any]]] = {
    "ann": [{"image": "img001", "label": "a1", "category": "car", "bbox": BOX},
            {"image": "img002", "label": "a2", "category": "car", "bbox": BOX}],
    "bob": [{"image": "img001", "label": "b1", "category": "car", "bbox": [11, 10, 20, 20]},
            {"image": "img002", "label": "b2", "category": "person", "bbox": BOX}],
    "cyd": [{"image": "img001", "label": "c1", "category": "car", "bbox": BOX},
            {"image": "img002", "label": "c2", "category": "car", "bbox": [12, 10, 20, 20]}],
}


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class Annotators(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        repo = fx.connect("admin")
        repo.create_branch("multi", at="main")
        for name, lines in LABELINGS.items():
            r = repo.import_labels("multi", lines, annotator=name, allow_unknown_images=True)
            assert r["annotator"] == name and r.committed
        repo.close()

    def setUp(self) -> None:
        self.repo = fx.connect("review")
        self.addCleanup(self.repo.close)

    def test_reads_each_labeling_as_the_cli(self) -> None:
        for name in LABELINGS:
            mine = [label.data for label in self.repo.labels("multi", annotator=name)]
            self.assertEqual(mine, cli_lines(fx.repo_dir, "cat", "multi", "--annotator", name))
            self.assertEqual([(m["image"], m["category"]) for m in mine],
                             [(x["image"], x["category"]) for x in LABELINGS[name]])

    def test_diff_shows_each_annotators_labeling(self) -> None:
        changes = [c for c in self.repo.diff("main", "multi") if c.tree == "annotations"]
        self.assertEqual(sorted((c.annotator, c.image, c.change) for c in changes),
                         sorted((n, x["image"], "added") for n, xs in LABELINGS.items() for x in xs))
        bob = next(c for c in changes if c.annotator == "bob" and c.image == "img002")
        self.assertEqual(bob.after["category"], "person")

    def test_blame_of_annotations_is_the_cli_json(self) -> None:
        mine = self.repo.blame_annotations("img001", ref="multi")
        self.assertEqual(mine, cli_json(fx.repo_dir, "blame", "img001", "--annotations", "--ref",
                                        "multi")["annotations"])
        self.assertEqual(sorted((b["annotator"], b["label"]) for b in mine),
                         [("ann", "a1"), ("bob", "b1"), ("cyd", "c1")])
        log = [c.id for c in self.repo.log("multi")]
        # each annotator's import is its own commit, newest first in the log
        by = {b["annotator"]: b["introduced"]["commit"] for b in mine}
        self.assertEqual([by["cyd"], by["bob"], by["ann"]], log[:3])
        one = self.repo.blame_annotations("img001", ref="multi", object=mine[0]["object"])
        self.assertEqual(one, [b for b in mine if b["object"] == mine[0]["object"]])
        with self.assertRaises(verso.NotFound):
            self.repo.blame_annotations("no-such-image", ref="multi")

    def test_agreement_is_the_cli_json(self) -> None:
        for by in (None, "annotator", "class"):
            args = ["agreement", "multi"] + (["--by", by] if by else [])
            self.assertEqual(self.repo.agreement("multi", by=by), cli_json(fx.repo_dir, *args))

    def test_consensus_commits_by_the_reviewer_and_the_filter_terms_read_it(self) -> None:
        self.repo.create_branch("fused", at="multi")
        result = self.repo.consensus("fused", strategy="majority", min_agreement=2)
        self.assertTrue(result.committed)
        self.assertEqual(result["written"], 2)
        self.assertEqual(next(iter(self.repo.log("fused"))).author, "review-user")
        # img001: the three agree; img002: ann and cyd say car, bob person: one pair of three.
        low = [(x.image, x["category"]) for x in self.repo.labels("fused", where="agreement < 0.5")]
        self.assertEqual(low, [("img002", "car")])
        self.assertEqual(self.repo.count("fused", where="annotators = 3"), 2)

    def test_wrong_combinations_roles_and_names_raise(self) -> None:
        with self.assertRaises(verso.VersoError) as e:
            self.repo.labels("multi", annotator="ann", where="class = car")
        self.assertIn("takes neither where nor schema", str(e.exception))
        with self.assertRaises(verso.NotFound):
            self.repo.labels("multi", annotator="nobody")
        writer = fx.connect("annotate")
        self.addCleanup(writer.close)
        with self.assertRaises(verso.Forbidden):
            writer.consensus("multi")
        with self.assertRaises(verso.VersoError) as e:
            writer.import_labels("multi", LABELINGS["ann"], mode="upsert", annotator="ann")
        self.assertIn("takes no mode", str(e.exception))


if __name__ == "__main__":
    unittest.main()

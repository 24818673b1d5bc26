"""Writes through a real server: apply, import, branches, tags; authored by the token."""

from __future__ import annotations

import os
import tempfile
import unittest

from harness import LABELS, Fixture, write_jsonl
from pathlib import Path

import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class Writes(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("admin")
        self.addCleanup(self.repo.close)

    def branch(self, name: str) -> str:
        self.repo.create_branch(name, at="main")
        return name

    def test_apply_puts_patches_and_deletes_as_one_commit_by_the_token(self) -> None:
        b = self.branch("apply-1")
        before = self.repo.head(b)
        result = self.repo.apply(b, [
            verso.put({"image": "img004", "label": "x1", "category_id": 1, "category": "car",
                       "bbox": [1, 1, 2, 2]}),
            verso.patch("img001", "1", category="dog", category_id=3, review={"status": "approved"}),
            verso.delete("img001", "2"),
        ], message="three ops")
        self.assertTrue(result.committed)
        self.assertEqual(result.commit, self.repo.head(b))
        self.assertEqual(result["labels"], {"added": 1, "removed": 1, "modified": 1})
        commit = next(iter(self.repo.log(b)))
        self.assertEqual((commit.message, commit.parents), ("three ops", (before,)))
        self.assertEqual(commit.author, "admin-user")
        labels = {x.key: x for x in self.repo.labels(b, where="image = img001 or image = img004")}
        self.assertEqual({k for k in labels if k[0] == "img001"}, {("img001", "1")})
        self.assertEqual(labels[("img004", "x1")].bbox, [1, 1, 2, 2])
        self.assertEqual(labels[("img001", "1")].category, "dog")
        self.assertEqual(labels[("img001", "1")].review.status, "approved")  # type: ignore[union-attr]
        self.assertEqual(self.repo.count(b), len(LABELS))

    def test_an_apply_that_changes_nothing_makes_no_commit(self) -> None:
        b = self.branch("apply-noop")
        head = self.repo.head(b)
        first = LABELS[0]
        result = self.repo.apply(b, [verso.patch(first["image"], first["label"], category=first["category"])])
        self.assertFalse(result.committed)
        self.assertEqual(self.repo.head(b), head)

    def test_apply_accepts_labels_read_back_and_a_generator(self) -> None:
        b = self.branch("apply-gen")
        dogs = list(self.repo.labels(b, where="class = dog"))
        # A put without "review" keeps the stored review (the token may not write others' reviews).
        edited = (verso.put({k: v for k, v in x.data.items() if k != "review"}, annotator="ann_q")
                  for x in self.repo.labels(b, where="class = dog"))
        result = self.repo.apply(b, edited)
        self.assertTrue(result.committed)
        after = list(self.repo.labels(b, where="class = dog"))
        self.assertEqual({x.annotator for x in after}, {"ann_q"})
        self.assertEqual([x.review for x in after], [x.review for x in dogs])

    def test_reviews_written_through_the_server_are_the_tokens(self) -> None:
        b = self.branch("review-1")
        reviewer = fx.connect("review")
        self.addCleanup(reviewer.close)
        reviewer.apply(b, [verso.review("img001", "1", "approved", comment="looks right")])
        review = next(iter(self.repo.labels(b, where="image = img001 and label = 1"))).review
        self.assertEqual((review.status, review.reviewer), ("approved", "review-user"))  # type: ignore[union-attr]
        self.assertEqual(review.raw["comment"], "looks right")  # type: ignore[union-attr]
        annotator = fx.connect("annotate")
        self.addCleanup(annotator.close)
        with self.assertRaises(verso.Forbidden):
            annotator.apply(b, [verso.review("img001", "1", "rejected")])
        with self.assertRaises(verso.Forbidden) as caught:
            self.repo.apply(b, [verso.patch("img001", "1", review={"reviewer": "someone-else"})])
        self.assertIn("someone-else", caught.exception.message)

    def test_a_large_batch_is_streamed_as_one_commit(self) -> None:
        b = self.branch("apply-big")
        ops = (verso.put({"image": f"big{i:05d}", "label": "1", "category": "car", "category_id": 1,
                          "bbox": [0, 0, 1, 1], "annotator": "x" * 50})
               for i in range(5000))
        result = self.repo.apply(b, ops, allow_unknown_images=True)
        self.assertEqual(result["labels"]["added"], 5000)
        self.assertEqual(self.repo.count(b), len(LABELS) + 5000)

    def test_import_labels_from_records_and_from_a_file(self) -> None:
        b = self.branch("import-1")
        records = [dict(x, annotator="ann_imported") for x in LABELS[:3]]
        result = self.repo.import_labels(b, records, mode="upsert", message="from records")
        self.assertTrue(result.committed)
        self.assertEqual(self.repo.count(b, where="annotator = ann_imported"), 3)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "more.jsonl"
            write_jsonl(path, [{"image": "fresh01", "label": "1", "category": "car", "category_id": 1}])
            result = self.repo.import_labels(b, path, allow_unknown_images=True)
            self.assertEqual(result["labels"]["added"], 1)
            result = self.repo.import_labels(b, os.fspath(path), allow_unknown_images=True)
            self.assertFalse(result.committed)
        self.assertEqual(self.repo.count(b), len(LABELS) + 1)
        self.assertEqual(next(iter(self.repo.log(b, max_count=2))).author, "admin-user")

    def test_branches_and_tags_are_created_and_deleted(self) -> None:
        created = self.repo.create_branch("tmp-branch", at="v1")
        self.assertEqual(created, verso.CreatedRef("tmp-branch", self.repo.tags()["v1"]))
        tag = self.repo.create_tag("v-test", "tmp-branch")
        self.assertEqual(tag.target, created.target)
        self.assertIn("v-test", self.repo.tags())
        self.repo.delete_branch("tmp-branch")
        self.assertNotIn("tmp-branch", self.repo.branches())
        with self.assertRaises(verso.Conflict) as caught:
            self.repo.create_branch("main")
        self.assertEqual(caught.exception.code, "REF_EXISTS")


if __name__ == "__main__":
    unittest.main()

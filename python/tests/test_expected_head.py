"""``apply(..., expected_head=)``: strict writes refused with 409 on a moved head, the current
head in the exception, nothing written; ``base_head``: a stale edit of a changed label is a 409
naming it, other edits land."""

from __future__ import annotations

import unittest

from harness import Fixture

import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class ExpectedHead(unittest.TestCase):
    def test_a_moved_head_is_a_conflict_with_the_current_head_and_nothing_is_written(self) -> None:
        with fx.connect("annotate") as repo:
            repo.create_branch("strict")
            seen = repo.head("strict")
            moved = repo.apply("strict", [verso.delete("img005", "12")]).commit
            with self.assertRaises(verso.Conflict) as caught:
                repo.apply("strict", [verso.delete("img006", "14")], expected_head=seen)
            e = caught.exception
            self.assertEqual(e.status, 409)
            self.assertEqual(e.current_head, moved)
            self.assertIn("strict", e.message)
            self.assertEqual(repo.head("strict"), moved)
            self.assertEqual(repo.count("strict", where="image = img006"), 3)
            done = repo.apply("strict", [verso.delete("img006", "14")], expected_head=moved)
            self.assertEqual(next(iter(repo.log("strict"))).parents, (moved,))
            self.assertEqual(repo.head("strict"), done.commit)

    def test_a_stale_base_refuses_edits_of_changed_labels_and_takes_the_others(self) -> None:
        with fx.connect("annotate") as repo:
            repo.create_branch("based")
            read_at = repo.head("based")
            moved = repo.apply("based", [verso.patch("img007", "16", category="dog")]).commit
            with self.assertRaises(verso.Conflict) as caught:
                repo.apply("based", [verso.patch("img007", "16", category="cat"),
                                     verso.patch("img008", "20", category="cat")], base_head=read_at)
            e = caught.exception
            self.assertEqual(e.code, "WRITE_CONFLICT")
            self.assertEqual(e.current_head, moved)
            self.assertEqual([(k["image"], k["label"]) for k in e.keys], [("img007", "16")])
            self.assertEqual(repo.head("based"), moved)
            landed = repo.apply("based", [verso.patch("img008", "20", category="cat")], base_head=read_at)
            self.assertTrue(landed.committed)
            self.assertEqual(next(iter(repo.labels("based", where="image = img008 and label = 20"))).category, "cat")


if __name__ == "__main__":
    unittest.main()

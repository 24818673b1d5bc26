"""Same answers from Python as from the CLI (``--json``) on the same repository: count, labels
(all, filtered, at a tag), diff."""

from __future__ import annotations

import unittest

from harness import Fixture, cli_json, cli_lines

fx: Fixture

WHERES = [None, "class = car", "annotator = ann_b and review.status = approved"]


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class SameAnswersAsTheCli(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("read")
        self.addCleanup(self.repo.close)

    def test_count(self) -> None:
        for ref in ("edits", "v1"):
            for where in WHERES:
                args = ["count", ref] + (["--where", where] if where else [])
                with self.subTest(ref=ref, where=where):
                    self.assertEqual(self.repo.count(ref, where=where), cli_json(fx.repo_dir, *args)["labels"])

    def test_labels(self) -> None:
        for ref in ("main", "edits"):
            for where in WHERES:
                args = ["cat", ref] + (["--where", where] if where else [])
                with self.subTest(ref=ref, where=where):
                    expected = cli_lines(fx.repo_dir, *args)
                    self.assertGreater(len(expected), 0)
                    self.assertEqual([x.to_dict() for x in self.repo.labels(ref, where=where)], expected)

    def test_diff(self) -> None:
        for a, b in (("main", "edits"), ("edits~2", "edits")):
            with self.subTest(a=a, b=b):
                expected = cli_lines(fx.repo_dir, "diff", a, b, "--json")
                self.assertEqual([c.raw for c in self.repo.diff(a, b)], expected)
                self.assertEqual(self.repo.diff_stat(a, b), cli_json(fx.repo_dir, "diff", a, b, "--stat"))


if __name__ == "__main__":
    unittest.main()

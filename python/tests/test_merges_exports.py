"""Merges with conflicts as objects, and exports (a file, a file object, a folder), through a
real server; exports byte-for-byte as the CLI's."""

from __future__ import annotations

import io
import os
import tempfile
import unittest

from harness import LABELS, Fixture, cli, png


import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()
    images = sorted({x["image"] for x in LABELS})
    with fx.connect("admin") as repo:
        repo.add_images("main", {image: png(200, 150, n) for n, image in enumerate(images)})


def tearDownModule() -> None:
    fx.stop()


def files_under(folder: str) -> dict:
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, folder)] = f.read()
    return out


class Merges(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("admin")
        self.addCleanup(self.repo.close)

    def test_a_merge_without_conflicts_moves_the_branch(self) -> None:
        self.repo.create_branch("ff-src")
        self.repo.create_branch("ff-dst")
        done = self.repo.apply("ff-src", [verso.delete("img005", "12")])
        outcome = self.repo.merge("ff-src", into="ff-dst")
        self.assertEqual((outcome.status, outcome.pending), ("fast-forward", None))
        self.assertEqual(self.repo.head("ff-dst"), done.commit)
        self.assertEqual(self.repo.merge("ff-src", into="ff-dst").status, "up-to-date")

    def test_conflicts_are_objects_to_resolve_then_commit(self) -> None:
        self.repo.create_branch("left")
        self.repo.create_branch("right")
        self.repo.apply("left", [verso.patch("img003", "6", category="dog"), verso.patch("img004", "10", category="dog")])
        self.repo.apply("right", [verso.patch("img003", "6", category="bird"), verso.patch("img004", "10", category="bird")])
        head = self.repo.head("right")
        outcome = self.repo.merge("left", into="right")
        self.assertEqual(outcome.status, "conflicts")
        pending = outcome.pending
        assert pending is not None
        self.assertEqual(self.repo.head("right"), head)  # nothing moved
        self.assertEqual(pending.undecided, 2)
        by_key = {c.key: c for c in pending.conflicts}
        first = by_key[("img003", "6")]
        self.assertEqual((first.kind, first.ours["category"], first.theirs["category"]), ("modify/modify", "bird", "dog"))
        self.assertEqual(first.base["category"], next(x for x in LABELS if (x["image"], x["label"]) == ("img003", "6"))["category"])
        with self.assertRaises(verso.Conflict):
            pending.commit()
        pending.resolve(first, "theirs")
        pending.resolve("img004/10", "value", {**by_key[("img004", "10")].ours, "category": "cat"})
        self.assertEqual(pending.undecided, 0)
        self.assertEqual(self.repo.pending_merge("right").undecided, 0)
        result = pending.commit("merge left")
        self.assertEqual(self.repo.head("right"), result.commit)
        merged = {x.key: x.category for x in self.repo.labels("right", where="image = img003 or image = img004")}
        self.assertEqual((merged[("img003", "6")], merged[("img004", "10")]), ("dog", "cat"))
        self.assertEqual(len(next(iter(self.repo.log("right"))).parents), 2)
        with self.assertRaises(verso.NotFound):
            self.repo.pending_merge("right")

    def test_an_aborted_merge_leaves_the_branch(self) -> None:
        self.repo.create_branch("a1")
        self.repo.create_branch("a2")
        self.repo.apply("a1", [verso.patch("img003", "6", category="dog")])
        self.repo.apply("a2", [verso.patch("img003", "6", category="bird")])
        head = self.repo.head("a2")
        outcome = self.repo.merge("a1", into="a2")
        assert outcome.pending is not None
        outcome.pending.abort()
        self.assertEqual(self.repo.head("a2"), head)


class Exports(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("read")
        self.addCleanup(self.repo.close)
        self.tmp = tempfile.mkdtemp()

    def test_file_formats_are_the_clis_bytes(self) -> None:
        for fmt, name in (("coco", "a.json"), ("jsonl", "a.jsonl"), ("cvat", "a.xml")):
            with self.subTest(fmt=fmt):
                mine, theirs = os.path.join(self.tmp, "py-" + name), os.path.join(self.tmp, "cli-" + name)
                result = self.repo.export("main", fmt, out=mine, where="class = car")
                cli(fx.repo_dir, "export", "main", "--format", fmt, "--out", theirs, "--where", "class = car")
                with open(mine, "rb") as a, open(theirs, "rb") as b:
                    self.assertEqual(a.read(), b.read())
                self.assertEqual(result.labels, sum(1 for x in LABELS if x["category"] == "car"))
                self.assertEqual(result.commit, self.repo.head("main"))
        buffer = io.BytesIO()
        self.repo.export("main", "jsonl", out=buffer)
        self.assertEqual(len(buffer.getvalue().splitlines()), len(LABELS))

    def test_folder_formats_unpack_as_the_clis_folder(self) -> None:
        for fmt in ("yolo", "voc"):
            with self.subTest(fmt=fmt):
                mine, theirs = os.path.join(self.tmp, "py-" + fmt), os.path.join(self.tmp, "cli-" + fmt)
                self.repo.export("main", fmt, out=mine, with_images=True)
                cli(fx.repo_dir, "export", "main", "--format", fmt, "--out", theirs, "--with-images")
                got, expected = files_under(mine), files_under(theirs)
                self.assertGreater(len(expected), 12)
                self.assertEqual(got, expected)

    def test_an_export_in_the_background_reports_progress_and_gives_the_same_bytes(self) -> None:
        seen = []
        mine, direct = os.path.join(self.tmp, "bg.json"), os.path.join(self.tmp, "fg.json")
        result = self.repo.export("main", "coco", out=mine, on_progress=seen.append)
        self.repo.export("main", "coco", out=direct)
        with open(mine, "rb") as a, open(direct, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual((result.labels, result.commit), (len(LABELS), self.repo.head("main")))
        self.assertTrue(seen)
        self.assertEqual(seen[-1].done, len(LABELS))
        folder = os.path.join(self.tmp, "bg-voc")
        self.repo.export("main", "voc", out=folder, on_progress=lambda p: None)
        self.assertEqual(files_under(folder), files_under(self._cli_export("voc")))
        with self.assertRaises(verso.NotFound):
            self.repo.export("no-such-ref", "jsonl", out=os.path.join(self.tmp, "z.jsonl"), on_progress=seen.append)

    def _cli_export(self, fmt: str) -> str:
        theirs = os.path.join(self.tmp, "cli-bg-" + fmt)
        cli(fx.repo_dir, "export", "main", "--format", fmt, "--out", theirs)
        return theirs

    def test_a_bad_format_request_is_refused(self) -> None:
        with self.assertRaises(verso.BadRequest):
            self.repo.export("main", "coco", out=os.path.join(self.tmp, "x.json"), with_images=True)
        with self.assertRaises(verso.NotFound):
            self.repo.export("nope", "jsonl", out=os.path.join(self.tmp, "y.jsonl"))


if __name__ == "__main__":
    unittest.main()

"""Prediction sets, disagreements, promote and slices from Python through a real server: each
answer is what the CLI's ``--json`` gives on the same repository (``predict disagreements``,
``predict promote``, ``slice save|show|branch``, the files of ``slice export``); promoting is
the token's commit and changes nothing the second time; wrong roles, names and values raise
the server's errors and write nothing."""

from __future__ import annotations

import json
import os
import tempfile
import unittest
from typing import Any, Dict, List

from harness import LABELS, Fixture, cli_json, cli_lines

import verso

fx: Fixture

CLASSES = ["car", "person", "dog", "bicycle"]


def make_predictions() -> List[Dict[str, Any]]:
    """One prediction per label at its box: every other one names the next class, with scores
    spread over 0.5..0.9."""
    out = []
    for n, label in enumerate(LABELS):
        category = label["category"]
        if n % 2:
            category = CLASSES[(CLASSES.index(category) + 1) % len(CLASSES)]
        out.append({"image": label["image"], "prediction": f"p{n}", "category": category,
                    "bbox": label["bbox"], "score": round(0.5 + (n % 5) / 10, 2)})
    return out


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class PredictionVerbs(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        with fx.connect("annotate") as repo:
            with repo.run("main") as run:
                run.register_model("det", version="1")
            stored = repo.import_predictions("det@1", make_predictions())
            assert stored["created"] and stored["prediction_count"] == len(LABELS), stored
            again = repo.import_predictions("det@1", make_predictions())
            assert not again["created"] and again["id"] == stored["id"], again

    def setUp(self) -> None:
        self.repo = fx.connect("annotate")
        self.addCleanup(self.repo.close)
        self.out = tempfile.mkdtemp(prefix="verso-py-slices-")

    def test_prediction_sets_are_the_cli_json(self) -> None:
        self.assertEqual(self.repo.prediction_sets("det@1"),
                         cli_lines(fx.repo_dir, "predict", "sets", "--model", "det@1", "--json"))
        self.assertEqual(self.repo.prediction_set("det@1"),
                         cli_json(fx.repo_dir, "predict", "show", "det@1"))

    def test_disagreements_are_the_cli_json(self) -> None:
        for min_score in (None, 0.7):
            extra = ["--min-score", str(min_score)] if min_score is not None else []
            mine = self.repo.disagreements("main", "det@1", min_score=min_score)
            self.assertEqual(mine, cli_json(fx.repo_dir, "predict", "disagreements", "--dataset",
                                            "main", "--predictions", "det@1", *extra))
            self.assertTrue(mine["disagreements"])
            self.assertTrue(all(d["score"] >= (min_score or 0.5) and d["class"] != d["predicted_class"]
                                for d in mine["disagreements"]))

    def test_slices_show_and_export_as_the_cli(self) -> None:
        selected = self.repo.select("main", "det@1", strategy="margin", top=3, name="unsure")
        saved = self.repo.save_slice("cars", "main", where="class = car")
        self.assertEqual(saved, cli_json(fx.repo_dir, "slice", "save", "cars", "--dataset", "main",
                                         "--where", "class = car"))
        for ref in (selected["slice"], "unsure", "cars", saved["id"][:10]):
            self.assertEqual(self.repo.slice(ref), cli_json(fx.repo_dir, "slice", "show", ref))
        self.assertEqual([i["image"] for i in self.repo.slice("unsure")["images"]],
                         selected["images"])
        for ref, fmt, name in (("unsure", "jsonl", "u.jsonl"), ("cars", "jsonl", "c.jsonl")):
            mine = os.path.join(self.out, "mine-" + name)
            theirs = os.path.join(self.out, "cli-" + name)
            result = self.repo.export_slice(ref, fmt, mine)
            cli_result = cli_json(fx.repo_dir, "slice", "export", ref, "--format", fmt,
                                  "--out", theirs)
            with open(mine, "rb") as a, open(theirs, "rb") as b:
                self.assertEqual(a.read(), b.read())
            self.assertEqual((result.commit, result.labels),
                             (cli_result["commit"], cli_result["labels"]))

    def test_promote_is_the_tokens_commit_of_what_the_cli_promotes(self) -> None:
        self.repo.create_branch("drafts", at="main")
        self.repo.create_branch("drafts-cli", at="main")
        mine = self.repo.promote("det@1", "drafts", where="score >= 0.7")
        theirs = cli_json(fx.repo_dir, "predict", "promote", "det@1", "--branch", "drafts-cli",
                          "--where", "score >= 0.7")
        self.assertTrue(mine["committed"])
        self.assertGreater(mine["promoted"], 0)
        strip = ("branch", "commit")
        self.assertEqual({k: v for k, v in mine.items() if k not in strip},
                         {k: v for k, v in theirs.items() if k not in strip})
        self.assertEqual(cli_lines(fx.repo_dir, "cat", "drafts"), cli_lines(fx.repo_dir, "cat", "drafts-cli"))
        self.assertEqual(next(iter(self.repo.log("drafts"))).author, "annotate-user")
        self.assertEqual(self.repo.count("drafts", where="review.status = pending"), mine["promoted"]
                         + self.repo.count("main", where="review.status = pending"))
        with self.assertRaises(verso.Conflict):
            self.repo.promote("det@1", "drafts", where="score >= 0.5", expected_head="main")
        self.assertEqual(self.repo.head("drafts"), mine["commit"])
        again = self.repo.promote("det@1", "drafts", where="score >= 0.7", expected_head=mine["commit"])
        self.assertEqual((again["committed"], again["commit"], again["skipped_existing"]),
                         (False, mine["commit"], mine["promoted"]))

    def test_branch_slice_starts_at_the_slice_commit(self) -> None:
        saved = self.repo.save_slice("people", "main", where="class = person")
        made = self.repo.branch_slice("people", "relabel-people")
        self.assertEqual(made, {"slice": saved["id"], "branch": "relabel-people", "commit": saved["commit"]})
        self.assertEqual(self.repo.head("relabel-people"), saved["commit"])

    def test_a_run_on_a_selection_links_back_to_the_model_that_chose_it(self) -> None:
        selected = self.repo.select("main", "det@1", strategy="least-confidence", top=2, name="loop")
        with self.repo.run(slice="loop", params={"round": 2}) as run:
            later = run.register_model("det", version="loop-2")
        self.assertEqual(self.repo.get_run(run.id).info.slice, selected["slice"])
        images = ", ".join(f'"{i}"' for i in selected["images"])
        self.assertEqual(run.info.example_count,
                         self.repo.count(self.repo.slice("loop")["commit"], where=f"image in ({images})"))
        up = self.repo.lineage_up(run.id)
        self.assertEqual(up.trained_on["slice"]["id"], selected["slice"])
        self.assertEqual(up.trained_on["selected_by"]["model"]["name"], "det")
        self.assertEqual(up.trained_on["selected_by"]["model"]["version"], "1")
        self.assertEqual(up.trained_on["selected_by"]["strategy"], "least-confidence")
        self.assertEqual(up.raw, cli_json(fx.repo_dir, "lineage", "up", run.id))
        down = self.repo.lineage_down("det@1")
        self.assertEqual(down, cli_json(fx.repo_dir, "lineage", "down", "det@1"))
        slices = [s for m in down["runs"][0]["models"] for ps in m["prediction_sets"] for s in ps["slices"]]
        loop = next(s for s in slices if s["id"] == selected["slice"])
        self.assertEqual([(r["id"], [m["id"] for m in r["models"]]) for r in loop["runs"]],
                         [(run.id, [later.id])])
        with self.assertRaises(ValueError):
            self.repo.run()
        with self.assertRaises(verso.NotFound):
            self.repo.run(slice="no-such-slice")

    def test_select_with_diversity_chooses_what_the_cli_chooses(self) -> None:
        images = sorted({label["image"] for label in LABELS})
        vectors = [[float(n % 3), float(n % 5), 1.0] for n in range(len(images))]
        mine = self.repo.select("main", "det@1", strategy="entropy", top=2, name="diverse",
                                diversity=(images, vectors))
        path = os.path.join(self.out, "embeddings.jsonl")
        with open(path, "w") as f:
            for image, vector in zip(images, vectors):
                f.write(json.dumps({"image": image, "vector": vector}) + "\n")
        theirs = cli_json(fx.repo_dir, "select", "--dataset", "main", "--predictions", "det@1",
                          "--strategy", "entropy", "--top", "2", "--diversity", f"embedding:{path}")
        self.assertEqual(mine["images"], theirs["images"])
        from_file = self.repo.select("main", "det@1", strategy="entropy", top=2, diversity=path)
        self.assertEqual(from_file["slice"], theirs["slice"])
        self.assertEqual(self.repo.slice(mine["slice"])["selection"]["params"]["diversity"], "embedding")
        with self.assertRaises(verso.BadRequest):
            self.repo.select("main", "det@1", strategy="entropy", top=2,
                             diversity=(images[:1], vectors[:1]))

    def test_wrong_roles_names_and_values_raise_and_write_nothing(self) -> None:
        before = self.repo.branches()
        reader = fx.connect("read")
        self.addCleanup(reader.close)
        with self.assertRaises(verso.Forbidden):
            reader.promote("det@1", "main")
        with self.assertRaises(verso.Forbidden):
            reader.branch_slice("cars", "x")
        with self.assertRaises(verso.NotFound):
            self.repo.promote("nope@9", "main")
        with self.assertRaises(verso.NotFound):
            self.repo.disagreements("main", "nope@9")
        with self.assertRaises(verso.NotFound):
            self.repo.slice("no-such-slice")
        with self.assertRaises(verso.NotFound):
            self.repo.export_slice("no-such-slice", "coco", os.path.join(self.out, "x.json"))
        with self.assertRaises(verso.BadRequest):
            self.repo.disagreements("main", "det@1", min_score=2)
        with self.assertRaises(verso.BadRequest) as e:
            self.repo.promote("det@1", "main", where="score >=")
        self.assertIn("score", str(e.exception))
        self.repo.save_slice("bikes", "main", where="class = bicycle")
        with self.assertRaises(verso.Conflict):
            self.repo.branch_slice("bikes", "main")
        self.assertEqual(self.repo.branches(), before)
        self.assertFalse(os.path.exists(os.path.join(self.out, "x.json")))


if __name__ == "__main__":
    unittest.main()

"""Training lineage through a real server: a run's example set, vectors, models, predictions,
explain and suspects (same answers as the CLI) and lineage up."""

from __future__ import annotations

import math
import os
import random
import struct
import tempfile
import unittest

from harness import LABELS, Fixture, cli_json

import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


def vectors(n: int, dim: int, seed: int) -> list:
    rng = random.Random(seed)
    return [[rng.uniform(-1, 1) for _ in range(dim)] for _ in range(n)]


class Lineage(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("annotate")
        self.addCleanup(self.repo.close)

    def test_a_run_fixes_its_examples_in_key_order_and_finishes_ok(self) -> None:
        with self.repo.run(dataset="v1", where="class = car", params={"lr": 0.01, "arch": "r18"}) as run:
            self.assertEqual(run.info.status, "running")
            examples = list(run.examples)
            self.assertEqual(len(run.examples), len(examples))
            self.assertEqual([x.to_dict() for x in examples],
                             [x.to_dict() for x in self.repo.labels("v1", where="class = car")])
            self.assertEqual(run.info.commit, self.repo.tags()["v1"])
            self.assertEqual(run.info.params, {"lr": "0.01", "arch": "r18"})
            self.assertEqual(run.info.author, "annotate-user")
        self.assertEqual(run.info.status, "ok")
        self.assertIsNotNone(run.info.finished_at)
        self.assertEqual(self.repo.get_run(run.id).info.status, "ok")
        again = self.repo.run(dataset="v1", where="class = car")
        self.addCleanup(again.finish)
        self.assertEqual(again.info.example_set, run.info.example_set)

    def test_a_run_whose_block_raised_is_failed(self) -> None:
        with self.assertRaises(ZeroDivisionError):
            with self.repo.run(dataset="main") as run:
                1 / 0
        self.assertEqual(run.info.status, "failed")

    def test_vectors_models_predictions_and_explain_as_the_cli(self) -> None:
        with self.repo.run(dataset="main") as run:
            ids = [x.key for x in run.examples]
            grads = vectors(len(ids), 8, seed=1)
            staged = run.add_vectors(ids, grads, chunk_bytes=5 * 8 * 4)  # 5 rows a chunk
            self.assertEqual(staged["staged"]["count"], len(ids))
            self.assertEqual(staged["staged"]["chunks"], math.ceil(len(ids) / 5))
            with tempfile.TemporaryDirectory() as tmp:
                artifact = os.path.join(tmp, "model.pt")
                with open(artifact, "wb") as f:
                    f.write(b"weights")
                model = run.register_model("detector", artifact, metrics={"map": 0.5})
        self.assertEqual(run.info.vectors, verso.VectorsInfo(run.info.vectors.blob, 8, len(ids), "gradient"))  # type: ignore[union-attr]
        import hashlib

        self.assertEqual(model.artifact, hashlib.sha256(b"weights").hexdigest())
        self.assertEqual((model.name, model.version, model.run), ("detector", "1", run.id))
        self.assertEqual(model.metrics["map"], 0.5)
        query = vectors(2, 8, seed=2)
        pids = model.record_predictions([
            {"image": "img001", "output": {"class": "car", "score": 0.9}, "vector": query[0]},
            {"image": "img002", "output": {"class": "dog"}, "id": "serving-42", "vector": query[1]},
        ])
        self.assertEqual(len(pids), 2)
        self.assertEqual(self.repo.prediction("serving-42").id, pids[1])
        self.assertEqual([p.id for p in self.repo.predictions(model="detector")], sorted(pids))
        self.assertEqual(self.repo.model("detector").id, model.id)

        explained = self.repo.explain(pids[0], top=5)
        cli = cli_json(fx.repo_dir, "explain", pids[0], "--top", "5")
        self.assertEqual(explained.raw, cli)
        self.assertEqual(len(explained.examples), 5)
        self.assertEqual((explained.run, explained.kind, explained.scored), (run.id, "gradient", len(ids)))
        scores = [e.score for e in explained.examples]
        self.assertEqual(scores, sorted(scores, reverse=True))
        best = max(range(len(ids)), key=lambda i: sum(a * b for a, b in zip(grads[i], query[0])))
        top = explained.examples[0]
        self.assertEqual((top.image, top.label), ids[best])
        truth = next(x for x in LABELS if (x["image"], x["label"]) == ids[best])
        self.assertEqual((top.annotator, top.annotated_at, top.category), (truth["annotator"], truth["annotated_at"], truth["category"]))
        self.assertEqual(top.reviewer, truth.get("review", {}).get("reviewer"))

        up = self.repo.lineage_up(pids[0])
        self.assertEqual((up.prediction.id, up.model.id, up.run.id), (pids[0], model.id, run.id))  # type: ignore[union-attr]
        self.assertEqual(up.commit["id"], self.repo.branches()["main"])
        self.assertEqual(up.examples["annotators"], sorted({x["annotator"] for x in LABELS}))  # type: ignore[index]
        down = self.repo.lineage_down(run.id)
        self.assertEqual(down["runs"][0]["models"][0]["predictions"]["total"], 2)

    def test_suspects_rank_by_squared_norm_as_the_cli(self) -> None:
        with self.repo.run(dataset="main") as run:
            ids = [x.key for x in run.examples]
            grads = vectors(len(ids), 6, seed=3)
            run.add_vectors(ids, grads)
        found = self.repo.suspects(run, top=4, by="annotator")
        self.assertEqual(found.raw, cli_json(fx.repo_dir, "suspects", run.id, "--top", "4", "--by", "annotator"))
        plain = self.repo.suspects(run.id, top=4)
        self.assertEqual(plain.raw, cli_json(fx.repo_dir, "suspects", run.id, "--top", "4"))
        self.assertIsNone(plain.annotators)
        f32 = [[struct.unpack("f", struct.pack("f", x))[0] for x in g] for g in grads]
        norms = sorted(((-sum(x * x for x in v), f"{i[0]}/{i[1]}") for i, v in zip(ids, f32)))
        self.assertEqual([f"{e.image}/{e.label}" for e in found.examples], [k for _, k in norms[:4]])
        self.assertEqual([e.self_influence for e in found.examples], [-n for n, _ in norms[:4]])
        top = found.examples[0]
        truth = next(x for x in LABELS if f"{x['image']}/{x['label']}" == norms[0][1])
        self.assertEqual((top.category, top.annotator, top.review_status),
                         (truth["category"], truth["annotator"], truth.get("review", {}).get("status")))
        self.assertEqual(sum(a.examples for a in found.annotators or []), len(ids))
        self.assertEqual(sum(a.in_top for a in found.annotators or []), 4)
        with self.assertRaises(verso.NotFound):
            self.repo.suspects("run-nope")
        with self.assertRaises(verso.BadRequest):
            self.repo.suspects(run, by="reviewer")

    def test_vectors_for_unknown_examples_write_nothing(self) -> None:
        with self.repo.run(dataset="main", where="class = dog") as run:
            with self.assertRaises(verso.BadRequest) as caught:
                run.add_vectors([("img001", "no-such-label")], [[1.0, 2.0]])
            self.assertIn("no-such-label", caught.exception.message)
            self.assertEqual(run.refresh().vectors, None)

    def test_unknown_predictions_are_not_found_and_a_reader_cannot_record(self) -> None:
        with self.assertRaises(verso.NotFound):
            self.repo.explain("pred-0000000000000000")
        with self.assertRaises(verso.NotFound):
            self.repo.lineage_up("no-such-thing")
        reader = fx.connect("read")
        self.addCleanup(reader.close)
        with self.assertRaises(verso.Forbidden):
            reader.run(dataset="main")


if __name__ == "__main__":
    unittest.main()

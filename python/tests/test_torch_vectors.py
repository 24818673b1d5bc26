"""Run vectors from numpy arrays and torch tensors (float32 from any dtype and layout, in
chunks): the same vectors as from lists, so the same explain answer. Needs torch and numpy."""

from __future__ import annotations

import unittest

import numpy as np
import torch

from harness import Fixture

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class Vectors(unittest.TestCase):
    def test_numpy_torch_and_lists_attach_the_same_vectors(self) -> None:
        rng = np.random.default_rng(7)
        with fx.connect("annotate") as repo:
            base = None
            grads = None
            answers = []
            for form in ("list", "numpy-f64-fortran", "torch", "torch-view"):
                with repo.run(dataset="main") as run:
                    ids = [x.key for x in run.examples]
                    if grads is None:
                        grads = rng.standard_normal((len(ids), 12)).astype(np.float32)
                    given = {
                        "list": grads.tolist(),
                        "numpy-f64-fortran": np.asfortranarray(grads.astype(np.float64)),
                        "torch": torch.from_numpy(grads.copy()),
                        "torch-view": torch.from_numpy(np.ascontiguousarray(grads.T)).T,
                    }[form]
                    staged = run.add_vectors(ids, given, chunk_bytes=7 * 12 * 4)
                    self.assertEqual(staged["staged"]["chunks"], -(-len(ids) // 7), form)
                    model = run.register_model(f"m-{form}")
                query = rng.standard_normal(12).astype(np.float32) if base is None else base
                base = query
                pid = model.record_predictions([{"image": "img001", "output": {}, "vector": torch.from_numpy(query)}])[0]
                answers.append([(e.image, e.label, round(e.score, 4)) for e in repo.explain(pid, top=5).examples])
                self.assertEqual(run.info.vectors.dim, 12)  # type: ignore[union-attr]
            self.assertTrue(all(a == answers[0] for a in answers), answers)
            best = int(np.argmax(grads @ base))  # type: ignore[operator]
            self.assertEqual(answers[0][0][:2], ids[best])


if __name__ == "__main__":
    unittest.main()

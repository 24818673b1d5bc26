"""The Fashion-MNIST example end to end (examples/fashion-mnist/fashion_mnist.py, small): train on a
tagged snapshot through a run, record gradients and predictions, explain a shirt predicted as a
T-shirt: its top-50 are enriched in the wrong labels, and the explanation is the CLI's. With 10%
of the labels flipped at random (fixed seeds: the outcome is the same on every run), the top 50
by self-influence (``suspects``) hold well over 3x the base rate of flipped labels, as the CLI
gives them. Needs torch, numpy, Pillow and Debian's dataset-fashion-mnist."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import unittest

from harness import TESTS, cli_json

sys.path.insert(0, str(TESTS.parent.parent / "examples" / "fashion-mnist"))

import fashion_mnist  # noqa: E402


class FashionMnist(unittest.TestCase):
    def run_example(self, train: int, test: int, flip: float = 0.0) -> tuple:
        """The example in a temporary folder: its result, what it printed, its repository."""
        self.assertTrue(fashion_mnist.DATA.is_dir(),
                        f"{fashion_mnist.DATA} is missing: install Debian's dataset-fashion-mnist")
        workdir = tempfile.TemporaryDirectory()
        self.addCleanup(workdir.cleanup)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            result = fashion_mnist.run_example(train, test, workdir.name, flip=flip)
        return result, printed.getvalue(), os.path.join(workdir.name, "fmnist")

    def test_a_misclassified_shirt_is_explained_by_the_wrong_labels(self) -> None:
        result, printed, repo_dir = self.run_example(800, 300)
        self.assertGreater(result["accuracy"], 0.7, printed)
        self.assertEqual((result["true"], result["predicted"]), ("Shirt", "T-shirt/top"), printed)
        self.assertGreater(result["wrong"], 0)
        self.assertGreaterEqual(result["top_wrong"] / 50, 5 * result["base_rate"], printed)
        top = result["top"][0]
        self.assertTrue(top.annotator and top.annotated_at and top.category)
        cli = cli_json(repo_dir, "explain", result["prediction"], "--top", "50")
        self.assertEqual(result["explain"].raw, cli)
        self.assertIn("enriched", printed)

    def test_suspects_find_the_flipped_labels(self) -> None:
        result, printed, repo_dir = self.run_example(2000, 300, flip=0.1)
        self.assertEqual((result["wrong"], result["base_rate"]), (200, 0.1))
        # 28 of 50 (56%) with these seeds; 3x the base rate leaves room for other torch builds
        self.assertGreaterEqual(result["suspects_wrong"] / 50, 3 * result["base_rate"], printed)
        suspects = result["suspects"]
        cli = cli_json(repo_dir, "suspects", result["run"], "--top", "50", "--by", "annotator")
        self.assertEqual(suspects.raw, cli)
        self.assertEqual(sum(a.in_top for a in suspects.annotators), 50)
        self.assertIn("suspects (top 50 by self-influence)", printed)

if __name__ == "__main__":
    unittest.main()

"""Predictions per second recorded from Python (``model.record_predictions``, one request per
batch), and explain latency, over a real ``verso serve``.

    python3 python/bench/record_predictions.py [--predictions 100000] [--batch 10000] [--dim 128]

Builds a repository of ``--labels`` synthetic labels (``node dist/bench/gen-cli.js``), starts a
run on it, attaches a ``--dim`` vector per example (random float32, numpy), registers a model,
then times recording ``--predictions`` predictions in batches of ``--batch`` (after a warm-up
batch of 10): without vectors, and with a ``--dim`` vector each (numpy rows, sent as base64 of
their float32 bytes). Then times ``repo.explain(..., top=50)``.
Needs numpy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import verso  # noqa: E402
from verso.local import verso_command  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=int, default=10_000)
    ap.add_argument("--predictions", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--dim", type=int, default=128)
    args = ap.parse_args()
    cmd = verso_command()
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory(prefix="verso-bench-pred-") as tmp:
        data = Path(tmp) / "data"
        subprocess.run(["node", str(CHECKOUT / "dist/bench/gen-cli.js"), "--labels", str(args.labels),
                        "--seed", "1", "--out", str(data), "--edits", ""], check=True, capture_output=True)
        repo_dir = os.path.join(tmp, "repo")
        subprocess.run([*cmd, "init", repo_dir], check=True, capture_output=True)
        subprocess.run([*cmd, "--repo", repo_dir, "import", "labels", str(data / "labels.jsonl"),
                        "--allow-unknown-images"], check=True, capture_output=True)
        with verso.open(repo_dir) as repo:
            with repo.run(dataset="main") as run:
                ids = [x.key for x in run.examples]
                t0 = time.perf_counter()
                run.add_vectors(ids, rng.standard_normal((len(ids), args.dim), dtype=np.float32))
                vectors_s = time.perf_counter() - t0
                model = run.register_model("bench", metrics={})
            images = [i for i, _ in ids]

            def batches(with_vectors: bool):  # type: ignore[no-untyped-def]
                for start in range(0, args.predictions, args.batch):
                    n = min(args.batch, args.predictions - start)
                    vecs = rng.standard_normal((n, args.dim), dtype=np.float32) if with_vectors else None
                    yield [{"image": images[(start + j) % len(images)], "output": {"class": "car", "score": 0.5},
                            **({"vector": vecs[j]} if vecs is not None else {})} for j in range(n)]

            result = {"labels": len(ids), "dim": args.dim, "batch": args.batch,
                      "add_vectors_s": round(vectors_s, 3)}
            last = None
            for name, with_vectors in (("plain", False), ("with_vectors", True)):
                work = list(batches(with_vectors))
                # One small batch first: the server compiles a route's answer serializer on its
                # first call (~0.3 s), which a serving loop pays once, not per 100k predictions.
                model.record_predictions([{**p, "output": {"warm-up": True}} for p in work[0][:10]])
                t0 = time.perf_counter()
                for batch in work:
                    last = model.record_predictions(batch)[-1]
                seconds = time.perf_counter() - t0
                result[f"{name}_predictions_per_s"] = round(args.predictions / seconds)
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                repo.explain(last, top=50)  # type: ignore[arg-type]
                times.append(time.perf_counter() - t0)
            result["explain_top50_ms_median"] = round(sorted(times)[2] * 1000, 1)
    result["python"] = sys.version.split()[0]
    result["load_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

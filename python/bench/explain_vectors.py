"""``repo.explain(prediction, top=50)`` from Python over a run with one vector per example, at the
issue's scale (1M labels x 128-d float32 vectors, 512 MB), over a real ``verso serve``.

    python3 python/bench/explain_vectors.py [--labels 1000000] [--dim 128] [--runs 5] [--repo DIR]

Builds a repository of the synthetic dataset (``.bench-data/labels-N-seed-1``, as
``stream_labels.py``; or uses ``--repo``, an existing one, as is), starts a run on ``main``,
sends a random float32 vector per example with ``run.add_vectors`` (chunks of 32 MB), finishes
the run, registers a model, records a prediction with a vector, and times ``explain(top=50)``
(the first call, then the median of ``--runs``). Needs numpy.
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
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import verso  # noqa: E402
from stream_labels import dataset  # noqa: E402
from verso.local import verso_command  # noqa: E402


def measure(repo_dir: str, dim: int, runs: int) -> dict:  # type: ignore[type-arg]
    rng = np.random.default_rng(1)
    result: dict = {"dim": dim}  # type: ignore[type-arg]
    with verso.open(repo_dir) as repo:
        t0 = time.perf_counter()
        with repo.run(dataset="main") as run:
            ids = [f"{x.image}/{x.label}" for x in run.examples]
            result["examples"] = len(ids)
            result["run_start_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            step = 1 << 17
            for start in range(0, len(ids), step):
                rows = rng.standard_normal((min(step, len(ids) - start), dim), dtype=np.float32)
                run.add_vectors(ids[start : start + step], rows)
            result["add_vectors_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
        result["finish_s"] = round(time.perf_counter() - t0, 2)
        model = run.register_model("bench-explain", metrics={})
        image = ids[0].split("/")[0]
        vector = rng.standard_normal(dim, dtype=np.float32)
        prediction = model.record_predictions([{"image": image, "output": {"class": "car"},
                                                "vector": vector}])[0]
        times = []
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            explanation = repo.explain(prediction, top=50)
            times.append(time.perf_counter() - t0)
        assert len(explanation.examples) == 50, explanation
        result["explain_top50_first_ms"] = round(times[0] * 1000, 1)
        result["explain_top50_ms_median"] = round(sorted(times[1:])[runs // 2] * 1000, 1)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repo", help="an existing repository to use instead of importing the dataset")
    args = ap.parse_args()
    if args.repo:
        result = measure(args.repo, args.dim, args.runs)
    else:
        cmd = verso_command()
        with tempfile.TemporaryDirectory(prefix="verso-bench-explain-") as tmp:
            data = dataset(args.labels, None, tmp)
            repo_dir = os.path.join(tmp, "repo")
            subprocess.run([*cmd, "init", repo_dir], check=True, capture_output=True)
            subprocess.run([*cmd, "--repo", repo_dir, "import", "labels", str(data),
                            "--allow-unknown-images"], check=True, capture_output=True)
            result = measure(repo_dir, args.dim, args.runs)
    result["python"] = sys.version.split()[0]
    result["load_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

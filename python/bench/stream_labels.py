"""Labels per second streamed into Python: ``repo.labels(ref)`` over a real ``verso serve``.

    python3 python/bench/stream_labels.py [--labels 100000] [--data labels.jsonl] [--runs 3]

Builds a repository in a temporary folder (``verso init`` + ``import labels`` of the project's
synthetic dataset: ``.bench-data/labels-N-seed-1/labels.jsonl`` of this checkout or of
``$VERSO_BENCH_DATA``, else generated with ``node dist/bench/gen-cli.js``), serves it with
``verso.open``, and times, best of ``--runs``:

- ``typed``: every label as a ``verso.Label``, reading one field of each (what a training
  script's loop does);
- ``bytes``: the same answer read as raw bytes, not decoded (the server and transport ceiling);
- ``cli``: ``verso cat main`` into /dev/null, as a separate process (the CLI's own rate).

With the CPU time per label of this process and of the server (Linux ``/proc``) in one more
typed run, which do not depend on what else the machine runs: on two free cores the stream
goes at about ``1 / max(client, server)`` labels per second.
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
from typing import Tuple

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import verso  # noqa: E402
from verso.local import verso_command  # noqa: E402


def dataset(labels: int, given: str | None, tmp: str) -> Path:
    if given:
        return Path(given)
    for root in filter(None, [os.environ.get("VERSO_BENCH_DATA"), str(CHECKOUT / ".bench-data")]):
        candidate = Path(root) / f"labels-{labels}-seed-1" / "labels.jsonl"
        if candidate.is_file():
            return candidate
    out = Path(tmp) / "data"
    subprocess.run(["node", str(CHECKOUT / "dist/bench/gen-cli.js"), "--labels", str(labels),
                    "--seed", "1", "--out", str(out), "--edits", ""], check=True)
    return out / "labels.jsonl"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (0 where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def best(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cpu_of(fn, server_pid: int) -> Tuple[float, float]:  # type: ignore[no-untyped-def]
    """CPU seconds of this process and of the server while ``fn`` runs once."""
    c0, s0 = time.process_time(), cpu_seconds(server_pid)
    fn()
    return time.process_time() - c0, cpu_seconds(server_pid) - s0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=int, default=100_000)
    ap.add_argument("--data", help="a native labels.jsonl to import instead of the generated one")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cmd = verso_command()
    with tempfile.TemporaryDirectory(prefix="verso-bench-py-") as tmp:
        data = dataset(args.labels, args.data, tmp)
        repo_dir = os.path.join(tmp, "repo")
        subprocess.run([*cmd, "init", repo_dir], check=True, capture_output=True)
        t0 = time.perf_counter()
        subprocess.run([*cmd, "--repo", repo_dir, "import", "labels", str(data),
                        "--allow-unknown-images"], check=True, capture_output=True)
        import_s = time.perf_counter() - t0
        with verso.open(repo_dir) as repo:
            total = repo.count("main")

            def typed() -> None:
                n = 0
                for label in repo.labels("main"):
                    n += label.category is not None
                assert n == total, (n, total)

            def raw_bytes() -> None:
                response = repo.transport.request("GET", repo.prefix + "/labels", {"ref": "main"})
                size = sum(len(b) for b in response.blocks())
                assert size > 0

            typed()  # warm the server's caches
            typed_s = best(args.runs, typed)
            client_cpu, server_cpu = cpu_of(typed, repo.server.process.pid if repo.server else 0)
            bytes_s = best(args.runs, raw_bytes)
        cli_s = best(args.runs, lambda: subprocess.run(
            [*cmd, "--repo", repo_dir, "cat", "main"], check=True, stdout=subprocess.DEVNULL))
    result = {
        "labels": total,
        "python": sys.version.split()[0],
        "import_s": round(import_s, 2),
        "typed_labels_per_s": round(total / typed_s),
        "bytes_labels_per_s": round(total / bytes_s),
        "cli_cat_labels_per_s": round(total / cli_s),
        "typed_client_cpu_us_per_label": round(client_cpu / total * 1e6, 2),
        "typed_server_cpu_us_per_label": round(server_cpu / total * 1e6, 2),
        "typed_s": round(typed_s, 3),
        "bytes_s": round(bytes_s, 3),
        "cli_cat_s": round(cli_s, 3),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""The Python tests' harness: a temporary repository built with the Verso CLI, tokens per role,
and a real server over it on 127.0.0.1 (a free port), stopped after the tests.

``Fixture.start()`` makes the repository (``verso init``, ``import labels`` of ``LABELS``,
a branch ``edits`` with one applied batch, a tag ``v1``), creates an admin token (``verso token
create --name admin-user --role admin``), starts ``verso serve --port 0``, reads its URL from
the first line it prints, and creates the other roles' tokens through it (``ROLE-user``:
``read``, ``annotate``, ``review``).
``cli(...)`` runs the CLI on the same repository (to compare answers).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path
from typing import Any, Dict, List, Optional

TESTS = Path(__file__).resolve().parent
#: The Verso checkout whose CLI and server the tests run (``$VERSO_TEST_CHECKOUT``, else this one).
CHECKOUT = Path(os.environ.get("VERSO_TEST_CHECKOUT") or TESTS.parent.parent)
sys.path.insert(0, str(TESTS.parent))

import verso  # noqa: E402

NODE = shutil.which("node") or "node"
VERSO = [NODE, str(CHECKOUT / "bin" / "verso.js")]
ROLES = ("read", "annotate", "review", "admin")
ANNOUNCE = re.compile(r"at (https?://\S+)")

CATEGORIES = [(1, "car"), (2, "person"), (3, "dog"), (4, "bicycle")]
ANNOTATORS = ["ann_a", "ann_b", "ann_c"]
STATUSES = ["approved", "rejected", "pending", None]


def make_labels(images: int = 12) -> List[Dict[str, Any]]:
    """Deterministic labels: 1..4 per image, four classes, three annotators, some reviews."""
    out = []
    n = 0
    for i in range(1, images + 1):
        for j in range(1 + i % 4):
            n += 1
            cid, cat = CATEGORIES[(i + j) % 4]
            label: Dict[str, Any] = {
                "image": f"img{i:03d}",
                "label": str(n),
                "category_id": cid,
                "category": cat,
                "bbox": [10.0 * j, 5.0 * i, 20.5 + j, 30.25],
                "area": (20.5 + j) * 30.25,
                "iscrowd": 0,
                "attributes": {"occluded": n % 3 == 0},
                "annotator": ANNOTATORS[n % 3],
                "annotated_at": f"2026-0{1 + n % 9}-1{n % 10}T08:00:00Z",
            }
            status = STATUSES[n % 4]
            if status:
                label["review"] = {"status": status, "reviewer": f"rev_{n % 2}",
                                   "reviewed_at": f"2026-10-1{n % 10}T09:00:00Z"}
            out.append(label)
    return out


LABELS = make_labels()

EDITS: List[Dict[str, Any]] = [
    {"op": "patch", "image": "img001", "label": "1", "bbox": [1, 2, 3, 4],
     "review": {"status": "approved"}},
    {"op": "delete", "image": "img002", "label": "3"},
    {"op": "put", "image": "img003", "label": "new-1", "category_id": 3, "category": "dog",
     "bbox": [0, 0, 5, 5], "annotator": "ann_z", "annotated_at": "2026-11-01T00:00:00Z"},
]


def png(width: int, height: int, shade: int) -> bytes:
    """A small valid grayscale PNG (standard library only)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def cli(repo_dir: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*VERSO, "--repo", repo_dir, *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise AssertionError(f"verso {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done


def cli_json(repo_dir: str, *args: str) -> Any:
    return json.loads(cli(repo_dir, *args, "--json").stdout)


def cli_lines(repo_dir: str, *args: str) -> List[Any]:
    return [json.loads(line) for line in cli(repo_dir, *args).stdout.splitlines() if line.strip()]


def write_jsonl(path: Path, records: List[Dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _drain(stream: Any) -> None:
    try:
        for _ in stream:
            pass
    except (ValueError, OSError):  # closed by stop()
        pass


class Fixture:
    """A repository and a server over it (call ``stop()`` when done)."""

    def __init__(self, anonymous_read: bool = False) -> None:
        self.anonymous_read = anonymous_read
        self.tmp = tempfile.mkdtemp(prefix="verso-py-")
        self.repo_dir = os.path.join(self.tmp, "repo")
        self.tokens: Dict[str, str] = {}
        self.process: Optional[subprocess.Popen] = None
        self.url = ""

    def start(self) -> "Fixture":
        # Also stopped at exit: unittest skips tearDownModule when setUpModule fails after this.
        atexit.register(self.stop)
        try:
            self._build_repository()
            self._start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def connect(self, role: Optional[str] = "admin") -> verso.Repository:
        return verso.connect(self.url, token=self.tokens[role] if role else "")

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return cli(self.repo_dir, *args, check=check)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _build_repository(self) -> None:
        cli(self.tmp, "init", self.repo_dir)
        labels = Path(self.tmp) / "labels.jsonl"
        write_jsonl(labels, LABELS)
        cli(self.repo_dir, "import", "labels", str(labels), "--allow-unknown-images", "-m", "first labels")
        cli(self.repo_dir, "tag", "create", "v1", "main")
        cli(self.repo_dir, "branch", "create", "edits")
        edits = Path(self.tmp) / "edits.jsonl"
        write_jsonl(edits, EDITS)
        cli(self.repo_dir, "apply", str(edits), "--branch", "edits", "--allow-unknown-images")

    def _start_server(self) -> None:
        # The admin token from the CLI; the others through the server (one process start each
        # would cost more than the tests).
        made = cli_json(self.repo_dir, "token", "create", "--name", "admin-user", "--role", "admin")
        self.tokens["admin"] = made["token"]
        args = ["serve", "--port", "0"] + (["--allow-anonymous-read"] if self.anonymous_read else [])
        self.process = subprocess.Popen(
            [*VERSO, "--repo", self.repo_dir, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        match = ANNOUNCE.search(line)
        if not match:
            self.process.kill()
            err = self.process.stderr.read()  # type: ignore[union-attr]
            raise RuntimeError(f"verso serve did not start: {line!r} {err}")
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=_drain, args=(stream,), daemon=True).start()
        self.url = f"{match.group(1)}/repos/repo"
        with self.connect("admin") as admin:
            for role in ROLES[:-1]:
                self.tokens[role] = admin.create_token(f"{role}-user", role)["token"]

"""Images per second through ``VersoDataset`` + ``DataLoader(num_workers=2)``, against reading
the same JPEG files from a plain folder with the same decoder (Pillow) and the same tensor
conversion. Needs torch, numpy and Pillow.

    /usr/bin/python3 python/bench/dataset_images.py [--images 600] [--size 320] [--runs 3]

Generates ``--images`` JPEGs of ``--size`` x ``--size`` pixels (noise and shapes, quality 90),
writes them to a folder, adds them to a new repository through the client (``add_images``) with
one label each, serves it with ``verso.open`` and times one pass over each loader (best of
``--runs``, after a warm-up pass).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw
from torch.utils.data import BatchSampler, DataLoader, Dataset, SequentialSampler

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import verso  # noqa: E402
from verso.local import verso_command  # noqa: E402
from verso.torch import VersoDataset  # noqa: E402


def jpeg(size: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    img = Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(5):
        x, y = rng.integers(0, size - 40, 2)
        draw.rectangle([int(x), int(y), int(x) + 40, int(y) + 30], fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


class FolderDataset(Dataset):  # type: ignore[misc]
    """The baseline: the same files from a folder, the same decode and conversion."""

    def __init__(self, paths: list) -> None:
        self.paths = paths

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):  # type: ignore[no-untyped-def]
        with Image.open(self.paths[i]) as img:
            pixels = np.asarray(img.convert("RGB"))
        return torch.from_numpy(pixels.copy()).permute(2, 0, 1).float().div_(255.0), i


def one_pass(data: Dataset) -> float:
    if hasattr(data, "__getitems__"):  # batched reads (PyTorch 2 calls it by itself)
        sampler = BatchSampler(SequentialSampler(data), 16, drop_last=False)
        loader = DataLoader(data, sampler=sampler, batch_size=None, num_workers=2, collate_fn=len)
    else:
        loader = DataLoader(data, batch_size=16, num_workers=2, collate_fn=len)
    t0 = time.perf_counter()
    n = sum(loader)
    assert n == len(data)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=600)
    ap.add_argument("--size", type=int, default=320)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="verso-bench-ds-") as tmp:
        folder = Path(tmp) / "images"
        folder.mkdir()
        paths = []
        for i in range(args.images):
            path = folder / f"img{i:05d}.jpg"
            path.write_bytes(jpeg(args.size, i))
            paths.append(str(path))
        repo_dir = os.path.join(tmp, "repo")
        subprocess.run([*verso_command(), "init", repo_dir], check=True, capture_output=True)
        with verso.open(repo_dir) as repo:
            files = {Path(p).stem: p for p in paths}
            for start in range(0, len(paths), 200):
                repo.add_images("main", dict(list(files.items())[start:start + 200]))
            repo.import_labels("main", [{"image": k, "label": "1", "category": "thing", "bbox": [1, 1, 10, 10]}
                                        for k in files])
            verso_data = VersoDataset(repo, "main")
            folder_data = FolderDataset(paths)
            one_pass(verso_data), one_pass(folder_data)  # warm-up (server caches, page cache)
            verso_s = min(one_pass(verso_data) for _ in range(args.runs))
            folder_s = min(one_pass(folder_data) for _ in range(args.runs))
    print(json.dumps({
        "images": args.images, "size": args.size, "workers": 2,
        "verso_images_per_s": round(args.images / verso_s),
        "folder_images_per_s": round(args.images / folder_s),
        "verso_over_folder_time": round(verso_s / folder_s, 2),
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()

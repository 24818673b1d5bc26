"""PyTorch datasets over a Verso snapshot or a training run's example set (needs torch, numpy
and Pillow; the core client does not).

    from verso.torch import VersoDataset
    with repo.run(dataset="production-v4", where="...", schema="2.3") as run:
        data = VersoDataset(repo, run=run)                # the run's examples, in its order
        loader = DataLoader(data, batch_size=8, num_workers=2, collate_fn=collate_detection)

One item per image: ``(image, target)``, the image a float tensor ``C x H x W`` in [0, 1]
(decoded from the stored bytes when the item is read, not before) and the target in
torchvision's detection format: ``boxes`` (float ``N x 4``, xyxy pixels), ``labels`` (int64
class indices into ``dataset.classes``), ``image_id`` (the item's index), ``area``,
``iscrowd``, and ``masks`` (uint8 ``N x H x W``) / ``keypoints`` (float ``N x K x 3``) when the
labels have them. With ``target="classification"`` the target is the class index of the image's
first label. ``transform(image, target)`` (detection) or ``transform(image)`` (classification)
is applied last.

The examples and their images' hashes are read once, when the dataset is made, at one exact
commit, so its length, order and content never change; a worker of a ``DataLoader`` opens its
own connections (a pool is never shared across processes).
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch.utils.data import Dataset

from .errors import VersoError
from .lineage import Run
from .records import Label
from .repository import Repository

Target = Dict[str, Any]


class VersoDataset(Dataset):  # type: ignore[misc]
    """A map-style dataset of the images of a ref's labels (optionally ``where`` / ``schema``),
    or of a run's example set (``run=``: a ``Run`` or a run id)."""

    def __init__(
        self,
        repo: Repository,
        ref: Optional[str] = None,
        where: Optional[str] = None,
        schema: Optional[str] = None,
        transform: Optional[Callable[..., Any]] = None,
        *,
        run: Union[Run, str, None] = None,
        target: str = "detection",
        classes: Optional[Sequence[str]] = None,
        fetch_threads: int = 4,
    ) -> None:
        if target not in ("detection", "classification"):
            raise VersoError(f"target must be 'detection' or 'classification', not {target!r}",
                             code="INVALID_ARGUMENT")
        if (run is None) == (ref is None):
            raise VersoError("give a ref (with where= / schema=) or a run=, not both",
                             code="INVALID_ARGUMENT")
        self.repo = repo
        self.transform = transform
        self.target = target
        self.fetch_threads = fetch_threads
        self._pool: Optional[ThreadPoolExecutor] = None
        self._pool_pid = 0
        if run is not None:
            run = repo.get_run(run) if isinstance(run, str) else run
            self.commit = run.info.commit
            labels = list(run.examples)
        else:
            assert ref is not None
            self.commit = repo.show(ref).id
            labels = list(repo.labels(self.commit, where=where, schema=schema))
        self.items: List[Tuple[str, List[Label]]] = _by_image(labels)
        self.schema = schema if run is None else (run.info.schema if isinstance(run, Run) else None)
        self.classes: List[str] = list(classes) if classes is not None else self._classes(labels)
        self._index = {name: i for i, name in enumerate(self.classes)}
        self._hashes = {a.image: a.sha256 for a in repo.assets(self.commit)}

    def __len__(self) -> int:
        return len(self.items)

    def __getitems__(self, indices: Sequence[int]) -> List[Tuple[Any, Any]]:
        """Several items at once, read and decoded by ``fetch_threads`` threads (the image
        bytes of one arrive while another decodes). PyTorch 2's ``DataLoader`` calls it for each
        batch; with an older one, pass ``sampler=BatchSampler(...)`` and ``batch_size=None``, and
        ``dataset[list_of_indices]`` comes here."""
        if self.fetch_threads <= 1 or len(indices) <= 1:
            return [self[i] for i in indices]
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.fetch_threads, thread_name_prefix="verso-fetch")
            self._pool_pid = os.getpid()
        return list(self._pool.map(self.__getitem__, indices))

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["_pool"] = None  # threads stay in the process that made them
        return state

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (list, tuple)):
            return self.__getitems__(index)
        return self._item(int(index))

    def _item(self, index: int) -> Tuple[Any, Any]:
        labels = self.items[index][1]
        image = self._decode(index)
        if self.target == "classification":
            cls = torch.tensor(self._class_of(labels[0]), dtype=torch.int64)
            return (self.transform(image), cls) if self.transform else (image, cls)
        target = self._detection_target(index, labels, int(image.shape[1]), int(image.shape[2]))
        return self.transform(image, target) if self.transform else (image, target)

    def image_bytes(self, index: int) -> bytes:
        """The stored bytes of item ``index``'s image (not decoded)."""
        image_id = self.items[index][0]
        sha = self._hashes.get(image_id)
        if not sha:
            raise VersoError(f"image '{image_id}' has no stored bytes at {self.commit[:12]}",
                             code="BLOB_NOT_FOUND")
        return self.repo.image(sha)

    def _decode(self, index: int) -> Any:
        from PIL import Image

        with Image.open(io.BytesIO(self.image_bytes(index))) as img:
            pixels = np.asarray(img.convert("RGB"))
        return torch.from_numpy(pixels.copy()).permute(2, 0, 1).float().div_(255.0)

    def _class_of(self, label: Label) -> int:
        name = label.category
        if name not in self._index:
            raise VersoError(f"label {label.image}/{label.label}: class {name!r} is not in the "
                             f"dataset's classes", code="INVALID_ARGUMENT")
        return self._index[name]

    def _detection_target(self, index: int, labels: List[Label], height: int, width: int) -> Target:
        boxes = [[b[0], b[1], b[0] + b[2], b[1] + b[3]] for b in (x.bbox or [0, 0, 0, 0] for x in labels)]
        target: Target = {
            "boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor([self._class_of(x) for x in labels], dtype=torch.int64),
            "image_id": index,
            "area": torch.tensor([float(x.area if x.area is not None else (x.bbox or [0, 0, 0, 0])[2] * (x.bbox or [0, 0, 0, 0])[3]) for x in labels], dtype=torch.float32),
            "iscrowd": torch.tensor([int(x.iscrowd or 0) for x in labels], dtype=torch.int64),
        }
        if any(x.segmentation for x in labels):
            target["masks"] = torch.from_numpy(np.stack([_mask(x.segmentation, height, width) for x in labels]))
        if any(x.keypoints for x in labels):
            k = max(len(x.keypoints or []) for x in labels) // 3
            points = np.zeros((len(labels), k, 3), dtype=np.float32)
            for i, x in enumerate(labels):
                flat = np.asarray(x.keypoints or [], dtype=np.float32).reshape(-1, 3)
                points[i, : len(flat)] = flat
            target["keypoints"] = torch.from_numpy(points)
        return target

    def _classes(self, labels: List[Label]) -> List[str]:
        if self.schema is not None:  # the schema version's classes, in its order
            return [c["name"] for c in self.repo.schema(self.schema)["classes"]]
        categories = self.repo.show(self.commit).categories
        if isinstance(categories, list) and categories and all(isinstance(c, dict) for c in categories):
            named = sorted((c.get("id", 0), c["name"]) for c in categories if "name" in c)
            return [name for _, name in named]
        return sorted({x.category for x in labels if x.category is not None})


def _by_image(labels: List[Label]) -> List[Tuple[str, List[Label]]]:
    """Labels grouped by image, images in first-seen order (key order: an image's labels are
    contiguous)."""
    groups: Dict[str, List[Label]] = {}
    for x in labels:
        groups.setdefault(x.image, []).append(x)
    return list(groups.items())


def _mask(segmentation: Any, height: int, width: int) -> Any:
    """A label's mask, ``height x width`` uint8: polygons drawn, or COCO RLE decoded."""
    mask = np.zeros((height, width), dtype=np.uint8)
    if isinstance(segmentation, list):
        from PIL import Image, ImageDraw

        canvas = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(canvas)
        for polygon in segmentation:
            if len(polygon) >= 6:
                draw.polygon([(polygon[i], polygon[i + 1]) for i in range(0, len(polygon), 2)], fill=1)
        mask = np.asarray(canvas, dtype=np.uint8)
    elif isinstance(segmentation, dict) and isinstance(segmentation.get("counts"), list):
        flat = np.zeros(height * width, dtype=np.uint8)
        at, value = 0, 0
        for run in segmentation["counts"]:
            flat[at : at + run] = value
            at += run
            value ^= 1
        mask = flat.reshape((width, height)).T.copy()  # COCO RLE is column-major
    return mask


def collate_detection(batch: Sequence[Tuple[Any, Any]]) -> Tuple[Tuple[Any, ...], Tuple[Any, ...]]:
    """A ``DataLoader`` collate for detection: images and targets as tuples (sizes differ)."""
    images, targets = zip(*batch)
    return tuple(images), tuple(targets)

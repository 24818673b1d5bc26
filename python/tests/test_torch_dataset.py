"""``verso.torch.VersoDataset`` over a real server: images decoded lazily from the stored bytes,
torchvision detection targets, classification targets, and a DataLoader with two workers giving
the same items as reading the dataset in order. Needs torch, numpy and Pillow."""

from __future__ import annotations

import io
import unittest

import numpy as np
import torch
from PIL import Image
from torch.utils.data import BatchSampler, DataLoader, SequentialSampler

from harness import Fixture

from verso.torch import VersoDataset, collate_detection

fx: Fixture
IMAGES = {f"pic{i}": (32 + 4 * i, 24 + 2 * i) for i in range(6)}  # id -> (width, height)


def encoded(width: int, height: int, seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def labels() -> list:
    out = []
    for i, image in enumerate(IMAGES):
        out.append({"image": image, "label": "a", "category": ["cat", "dog"][i % 2], "bbox": [1, 2, 10, 8]})
        if i % 3 == 0:
            out.append({"image": image, "label": "b", "category": "bird", "bbox": [4, 4, 6, 6],
                        "segmentation": [[4, 4, 10, 4, 10, 10, 4, 10]], "keypoints": [5, 5, 2, 8, 8, 1]})
    return out


def setUpModule() -> None:
    global fx
    fx = Fixture().start()
    with fx.connect("admin") as repo:
        repo.add_images("main", {k: encoded(w, h, n) for n, (k, (w, h)) in enumerate(IMAGES.items())})
        repo.import_labels("main", labels(), mode="replace_all")


def tearDownModule() -> None:
    fx.stop()


class Dataset(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("read")
        self.addCleanup(self.repo.close)

    def test_detection_items_are_the_stored_images_and_torchvision_targets(self) -> None:
        data = VersoDataset(self.repo, "main")
        self.assertEqual(len(data), len(IMAGES))
        self.assertEqual(data.classes, ["bird", "cat", "dog"])
        image, target = data[0]
        width, height = IMAGES["pic0"]
        self.assertEqual((image.dtype, tuple(image.shape)), (torch.float32, (3, height, width)))
        stored = np.asarray(Image.open(io.BytesIO(encoded(width, height, 0))).convert("RGB"))
        self.assertTrue(torch.equal(image, torch.from_numpy(stored.copy()).permute(2, 0, 1).float() / 255))
        self.assertTrue(torch.equal(target["boxes"], torch.tensor([[1.0, 2, 11, 10], [4, 4, 10, 10]])))
        self.assertEqual(target["labels"].tolist(), [1, 0])
        self.assertEqual(target["labels"].dtype, torch.int64)
        self.assertEqual(tuple(target["masks"].shape), (2, height, width))
        self.assertEqual(int(target["masks"][0].sum()), 0)
        self.assertEqual(int(target["masks"][1][6, 6]), 1)
        self.assertEqual(tuple(target["keypoints"].shape), (2, 2, 3))
        self.assertEqual(target["keypoints"][1].tolist(), [[5, 5, 2], [8, 8, 1]])
        _, plain = data[1]
        self.assertNotIn("masks", plain)

    def test_where_and_classification_targets(self) -> None:
        cats = VersoDataset(self.repo, "main", where="class = cat", target="classification", classes=["cat", "dog"])
        self.assertEqual([image for image, _ in cats.items], ["pic0", "pic2", "pic4"])
        image, cls = cats[2]
        self.assertEqual((cls.item(), tuple(image.shape[1:])), (0, IMAGES["pic4"][::-1]))

    def test_a_runs_example_set_and_its_schemas_classes(self) -> None:
        with fx.connect("review") as writer:
            writer.create_schema("1.0", {"classes": [{"id": 1, "name": "dog"}, {"id": 2, "name": "cat"}, {"id": 3, "name": "bird"}]})
            writer.create_branch("with-schema")
            writer.migrate("with-schema", "1.0")
            with writer.run(dataset="with-schema", where="class != dog", schema="1.0") as run:
                data = VersoDataset(self.repo, run=run.id)
                self.assertEqual(data.classes, ["dog", "cat", "bird"])
                expected = []
                for x in run.examples:
                    if not expected or expected[-1][0] != x.image:
                        expected.append((x.image, []))
                    expected[-1][1].append(x.label)
                self.assertEqual([(image, [x.label for x in labels]) for image, labels in data.items], expected)
                self.assertEqual(data.commit, run.info.commit)
                _, target = data[0]
                self.assertEqual(target["labels"].tolist(), [data.classes.index(x.category) for x in data.items[0][1]])
                # The branch moving later changes nothing the dataset reads.
                writer.apply("with-schema", [{"op": "delete", "image": "pic0", "label": "a"}])
                self.assertEqual(len(VersoDataset(self.repo, run=run.id)), len(data))

    def test_a_dataloader_with_two_workers_gives_the_items_in_order(self) -> None:
        data = VersoDataset(self.repo, "main", transform=lambda img, t: (img.mean().item(), t["labels"].tolist()))
        expected = [data[i] for i in range(len(data))]
        loader = DataLoader(data, batch_size=2, num_workers=2, collate_fn=list)
        got = [item for batch in loader for item in batch]
        self.assertEqual(got, expected)
        batched = DataLoader(data, sampler=BatchSampler(SequentialSampler(data), 4, drop_last=False),
                             batch_size=None, num_workers=2, collate_fn=list)
        self.assertEqual([item for batch in batched for item in batch], expected)  # __getitems__, 4 threads
        self.assertEqual(data[[2, 0, 1]], [expected[2], expected[0], expected[1]])
        detection = DataLoader(VersoDataset(self.repo, "main"), batch_size=3, num_workers=2, collate_fn=collate_detection)
        images, targets = next(iter(detection))
        self.assertEqual((len(images), len(targets)), (3, 3))


if __name__ == "__main__":
    unittest.main()

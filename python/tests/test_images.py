"""Images through a real server: adding image files to a branch, asset records, bytes by image
id or hash (whole and ranges), thumbnails, and refusals."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unittest

from harness import Fixture, png

import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class Images(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("admin")
        self.addCleanup(self.repo.close)

    def test_images_added_from_bytes_and_files_are_read_back_by_id_and_hash(self) -> None:
        self.repo.create_branch("pictures")
        first, second = png(40, 30, 10), png(41, 31, 200)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "second-photo.png")
            with open(path, "wb") as f:
                f.write(second)
            result = self.repo.add_images("pictures", {"cam/001": first, "cam/002": path}, message="two images")
        self.assertTrue(result.committed)
        self.assertEqual(next(iter(self.repo.log("pictures"))).message, "two images")
        assets = {a.image: a for a in self.repo.assets("pictures")}
        self.assertEqual(set(assets), {"cam/001", "cam/002"})
        a1 = self.repo.asset("cam/001", ref="pictures")
        self.assertEqual((a1.width, a1.height, a1.sha256, a1.size), (40, 30, hashlib.sha256(first).hexdigest(), len(first)))
        self.assertEqual(assets["cam/002"].file_name, "second-photo.png")
        self.assertEqual(self.repo.image("cam/001", ref="pictures"), first)
        self.assertEqual(self.repo.image(hashlib.sha256(second).hexdigest()), second)
        self.assertEqual(self.repo.image("cam/002", ref="pictures", byte_range=range(1, 4)), b"PNG")
        self.assertTrue(self.repo.image_url("cam/001", ref="pictures").endswith(f"/blobs/{a1.sha256}"))
        thumb = self.repo.thumbnail("cam/002", size=64, ref="pictures")
        self.assertEqual((thumb[:4], thumb[8:12]), (b"RIFF", b"WEBP"))
        again = self.repo.add_images("pictures", {"cam/001": first})
        self.assertFalse(again.committed)

    def test_a_client_on_the_servers_machine_reads_blob_files_itself(self) -> None:
        self.repo.create_branch("local-read")
        data = png(12, 9, 77)
        self.repo.add_images("local-read", {"cam/9": data})
        sha = hashlib.sha256(data).hexdigest()
        where = self.repo.image_location("cam/9", ref="local-read")
        self.assertIsNotNone(where.path)
        with open(where.path or "", "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(self.repo.image("cam/9", ref="local-read"), data)
        folder = self.repo._blob_folder or ""
        self.assertEqual(os.path.join(folder, sha[:2], sha[2:4], sha), where.path)
        # From then on the bytes come from the blob files: no request per image.
        calls = []
        transport = self.repo.transport
        request, call = transport.request, transport.call
        transport.request = lambda *a, **k: calls.append(a) or request(*a, **k)  # type: ignore[method-assign]
        transport.call = lambda *a, **k: calls.append(a) or call(*a, **k)  # type: ignore[method-assign]
        self.assertEqual(self.repo.image(sha, byte_range=range(1, 4)), b"PNG")
        self.assertEqual(self.repo.image(sha), data)
        self.assertEqual(calls, [])
        # A hash the folder does not hold is still asked of the server (and is not found).
        with self.assertRaises(verso.NotFound):
            self.repo.image("1" * 64)
        self.assertEqual(len(calls), 1)

    def test_unknown_images_and_blobs_are_not_found(self) -> None:
        with self.assertRaises(verso.NotFound) as caught:
            self.repo.image("no-such-image")
        self.assertEqual(caught.exception.code, "ASSET_NOT_FOUND")
        with self.assertRaises(verso.NotFound):
            self.repo.image("0" * 64)

    def test_a_reader_cannot_add_images(self) -> None:
        reader = fx.connect("read")
        self.addCleanup(reader.close)
        with self.assertRaises(verso.Forbidden):
            reader.add_images("main", {"x": png(2, 2, 0)})
        self.assertEqual(list(self.repo.assets("main")), [])


if __name__ == "__main__":
    unittest.main()

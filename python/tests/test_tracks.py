"""Video tracks from Python through a real server: the tracks of the real CVAT traffic video
listed and filtered as ``verso tracks --json`` lists them, and a track's blame after an edit as
``verso blame VIDEO --track ID --json`` gives it; a bad track filter raises the server's error."""

from __future__ import annotations

import unittest
from pathlib import Path

from harness import CHECKOUT, Fixture, cli, cli_json, cli_lines

import verso

TRAFFIC = CHECKOUT.parent / "shared" / "data" / "real" / "cvat" / "traffic-video-tracking" / "annotations.xml"

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()
    # A video on its own branch: the CVAT import, then one box of track 3 moved in the XML.
    cli(fx.repo_dir, "branch", "create", "video")
    cli(fx.repo_dir, "import", "cvat", str(TRAFFIC), "--branch", "video")
    text = TRAFFIC.read_text(encoding="utf-8")
    start = text.index('<track id="3"')
    box = text.index('xtl="', start) + len('xtl="')
    end = text.index('"', box)
    edited = text[:box] + str(float(text[box:end]) + 7) + text[end:]
    path = Path(fx.tmp) / "annotations.xml"
    path.write_text(edited, encoding="utf-8")
    cli(fx.repo_dir, "import", "cvat", str(path), "--branch", "video")


def tearDownModule() -> None:
    fx.stop()


class Tracks(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("read")
        self.addCleanup(self.repo.close)

    def test_lists_and_filters_as_the_cli(self) -> None:
        for where in (None, "track.length > 100", "track.class = person and frame in 150..160"):
            args = ["tracks", "video"] + (["--where", where] if where else [])
            mine = list(self.repo.tracks("video", where=where))
            self.assertEqual(mine, cli_lines(fx.repo_dir, *args, "--json"))
        self.assertEqual(len(list(self.repo.tracks("video"))), 20)

    def test_blames_a_track_as_the_cli(self) -> None:
        mine = self.repo.blame_track("annotations", "3", ref="video")
        self.assertEqual(mine, cli_json(fx.repo_dir, "blame", "annotations", "--track", "3", "--ref", "video"))
        self.assertEqual(len({r["commit"] for r in mine["frames"]}), 2)

    def test_a_bad_track_filter_raises(self) -> None:
        with self.assertRaises(verso.BadRequest) as e:
            list(self.repo.tracks("video", where="frame > 3"))
        self.assertIn("'frame' is read as", str(e.exception))
        with self.assertRaises(verso.NotFound):
            self.repo.blame_track("annotations", "99", ref="video")


if __name__ == "__main__":
    unittest.main()

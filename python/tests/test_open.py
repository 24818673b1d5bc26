"""``verso.open(path)``: a local folder served for the session, stopped on close."""

from __future__ import annotations

import tempfile
import unittest

from harness import LABELS, Fixture

import verso


class OpenLocalFolder(unittest.TestCase):
    def setUp(self) -> None:
        self.fx = Fixture()
        self.fx._build_repository()
        self.addCleanup(self.fx.stop)

    def test_open_serves_the_folder_and_stops_the_server_on_exit(self) -> None:
        with verso.open(self.fx.repo_dir) as repo:
            server = repo.server
            assert server is not None
            self.assertTrue(server.url.startswith("http://127.0.0.1:"))
            self.assertIsNone(server.process.poll())
            self.assertEqual(repo.count("main"), len(LABELS))
            self.assertEqual(set(repo.branches()), {"main", "edits"})
        self.assertIsNotNone(server.process.poll())
        with self.assertRaises(verso.ConnectionFailed):
            repo.transport.call("GET", "/health")

    def test_a_folder_that_is_no_repository_is_refused_naming_it(self) -> None:
        with tempfile.TemporaryDirectory() as empty:
            with self.assertRaises(verso.VersoError) as caught:
                verso.open(empty)
        self.assertEqual(caught.exception.code, "REPOSITORY_NOT_FOUND")
        self.assertIn(empty, caught.exception.message)


if __name__ == "__main__":
    unittest.main()

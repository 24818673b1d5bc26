"""``verso.open(path)``: a local folder served for the session, stopped on close."""

from __future__ import annotations

import os
import sys
import tempfile
import unittest

from harness import LABELS, Fixture, cli_lines

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

    def test_writes_through_open_are_authored_as_the_cli_and_the_session_token_is_revoked(self) -> None:
        os.environ["VERSO_AUTHOR"] = "py-author"
        self.addCleanup(os.environ.pop, "VERSO_AUTHOR", None)
        with verso.open(self.fx.repo_dir) as repo:
            token_name = repo.server.token_name  # type: ignore[union-attr]
            result = repo.apply("main", [verso.delete("img001", "1")], message="from python")
            commit = next(iter(repo.log("main")))
            self.assertEqual((commit.id, commit.author, commit.message), (result.commit, "py-author", "from python"))
        tokens = {t["name"]: t for t in cli_lines(self.fx.repo_dir, "token", "list", "--json")}
        self.assertEqual(tokens[token_name]["status"], "revoked")
        self.assertEqual(tokens[token_name]["role"], "admin")

    def test_a_verso_command_that_fails_is_reported_with_its_output(self) -> None:
        with self.assertRaises(verso.VersoError) as caught:
            verso.open(self.fx.repo_dir, command=[sys.executable, "-c", "import sys; sys.exit('no verso here')"])
        self.assertEqual(caught.exception.code, "TOKEN_CREATE")
        self.assertIn("no verso here", caught.exception.message)

    def test_a_folder_that_is_no_repository_is_refused_naming_it(self) -> None:
        with tempfile.TemporaryDirectory() as empty:
            with self.assertRaises(verso.VersoError) as caught:
                verso.open(empty)
        self.assertEqual(caught.exception.code, "REPOSITORY_NOT_FOUND")
        self.assertIn(empty, caught.exception.message)


if __name__ == "__main__":
    unittest.main()

"""Bad input from Python: typed exceptions carrying the server's code and message, and nothing
written where a write was refused."""

from __future__ import annotations

import socket
import unittest

from harness import LABELS, Fixture

import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture(anonymous_read=True).start()


def tearDownModule() -> None:
    fx.stop()


class Errors(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("admin")
        self.addCleanup(self.repo.close)

    def test_a_wrong_ref_is_not_found_with_the_servers_message_when_the_call_is_made(self) -> None:
        for call in (
            lambda: self.repo.labels("no-such-ref"),
            lambda: self.repo.log("no-such-ref"),
            lambda: self.repo.diff("main", "no-such-ref"),
            lambda: self.repo.count("no-such-ref"),
            lambda: self.repo.show("no-such-ref"),
        ):
            with self.assertRaises(verso.NotFound) as caught:
                call()
            e = caught.exception
            self.assertEqual((e.status, e.code), (404, "REF_NOT_FOUND"))
            self.assertIn("no-such-ref", e.message)
            self.assertEqual(e.data["ref"], "no-such-ref")
            self.assertIn("REF_NOT_FOUND", str(e))

    def test_an_unknown_repository_is_not_found(self) -> None:
        base = fx.url.rsplit("/repos/", 1)[0]
        with verso.connect(f"{base}/repos/nope", token=fx.tokens["read"]) as other:
            with self.assertRaises(verso.NotFound) as caught:
                other.refs()
        self.assertEqual(caught.exception.code, "REPOSITORY_NOT_FOUND")

    def test_a_revoked_token_is_unauthorized_at_once(self) -> None:
        made = self.repo.create_token("short-lived", "read")
        self.assertNotIn("token", self.repo.tokens()[0])  # secrets are never listed
        with verso.connect(fx.url, token=made["token"]) as short:
            self.assertEqual(short.count(), len(LABELS))
            self.repo.revoke_token("short-lived")
            with self.assertRaises(verso.Unauthorized):
                short.count()
        reader = fx.connect("read")
        self.addCleanup(reader.close)
        with self.assertRaises(verso.Forbidden):
            reader.create_token("by-reader", "admin")
        # The refused attempt is audited too (a role too low), after the admin's revoke.
        refused, revoked = self.repo.audit(limit=2)
        self.assertEqual(
            (refused["identity"], refused["action"], refused["detail"]["status"]),
            ("read-user", "POST /repos/:repo/tokens", 403),
        )
        self.assertEqual((revoked["identity"], revoked["action"]), ("admin-user", "DELETE /repos/:repo/tokens/:name"))

    def test_a_wrong_token_is_unauthorized(self) -> None:
        with verso.connect(fx.url, token="verso_wrong") as repo:
            with self.assertRaises(verso.Unauthorized) as caught:
                repo.count()
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "TOKEN_UNKNOWN"))
        self.assertIn("token", caught.exception.message)

    def test_without_a_token_reads_pass_when_anonymous_reads_are_allowed_and_writes_are_refused(self) -> None:
        anonymous = fx.connect(None)
        self.addCleanup(anonymous.close)
        self.assertEqual(anonymous.count(), len(LABELS))
        head = self.repo.head("main")
        with self.assertRaises(verso.Unauthorized) as caught:
            anonymous.apply("main", [verso.delete("img001", "1")])
        self.assertIn("token", caught.exception.message)
        self.assertEqual(self.repo.head("main"), head)

    def test_a_read_token_writing_is_forbidden_and_nothing_is_written(self) -> None:
        reader = fx.connect("read")
        self.addCleanup(reader.close)
        head = self.repo.head("main")
        for write in (
            lambda: reader.apply("main", [verso.delete("img001", "1")]),
            lambda: reader.import_labels("main", LABELS[:1]),
            lambda: reader.create_branch("by-reader"),
        ):
            with self.assertRaises(verso.Forbidden) as caught:
                write()
            self.assertEqual((caught.exception.code, caught.exception.data["needs"]), ("FORBIDDEN", "annotate"))
        self.assertEqual(self.repo.head("main"), head)
        self.assertNotIn("by-reader", self.repo.branches())
        annotator = fx.connect("annotate")
        self.addCleanup(annotator.close)
        with self.assertRaises(verso.Forbidden):
            annotator.create_tag("by-annotator", "main")
        with self.assertRaises(verso.Forbidden):
            annotator.delete_branch("edits")

    def test_a_bad_edit_line_is_a_bad_request_naming_the_line_and_nothing_is_written(self) -> None:
        head = self.repo.head("main")
        with self.assertRaises(verso.Unprocessable) as caught:
            self.repo.apply("main", [verso.delete("img001", "1"), verso.delete("img001", "no-such-label")])
        self.assertEqual((caught.exception.status, caught.exception.code), (422, "FORMAT_PARSE"))
        self.assertIn("request body:2", caught.exception.message)
        self.assertEqual(self.repo.head("main"), head)
        with self.assertRaises(verso.BadRequest):
            self.repo.apply("main", [{"op": "explode", "image": "a", "label": "b"}])
        self.assertEqual(self.repo.head("main"), head)

    def test_a_bad_filter_is_a_bad_request(self) -> None:
        with self.assertRaises(verso.BadRequest) as caught:
            self.repo.labels("main", where="class ==== car")
        self.assertEqual(caught.exception.status, 400)

    def test_a_line_over_the_servers_limit_is_payload_too_large_and_nothing_is_written(self) -> None:
        head = self.repo.head("main")
        huge = {"image": "img001", "label": "1", "category": "car", "note": "x" * (2 << 20)}
        with self.assertRaises(verso.PayloadTooLarge) as caught:
            self.repo.import_labels("main", [huge])
        self.assertEqual(caught.exception.code, "BODY_TOO_LARGE")
        self.assertIn("line 1", caught.exception.message)
        self.assertEqual(self.repo.head("main"), head)
        self.assertEqual(self.repo.count("main"), len(LABELS))  # the connection pool still works

    def test_a_server_that_is_not_there_is_a_connection_failure(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with verso.connect(f"http://127.0.0.1:{port}/repos/x", token="t") as repo:
            with self.assertRaises(verso.ConnectionFailed):
                repo.refs()

    def test_a_url_that_names_no_repository_is_refused(self) -> None:
        with self.assertRaises(verso.VersoError):
            verso.connect("ftp://example/repos/x")
        with self.assertRaises(verso.VersoError):
            verso.connect("http://127.0.0.1:1/some/where/else")


if __name__ == "__main__":
    unittest.main()

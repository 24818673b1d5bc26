"""The client's pieces without a server: error mapping, NDJSON decoding, edit bodies, records."""

from __future__ import annotations

import json
import unittest

import harness  # noqa: F401  (puts the package on sys.path)

import verso
from verso.edits import ndjson_blocks
from verso.errors import error_for
from verso.transport import _decode_lines, query_string, segment


class ErrorMapping(unittest.TestCase):
    def body(self, code: str, message: str, data: object = None) -> bytes:
        err = {"code": code, "message": message, **({"data": data} if data is not None else {})}
        return json.dumps({"error": err}).encode()

    def test_each_status_family_has_its_class_with_the_servers_code_and_message(self) -> None:
        cases = {400: verso.BadRequest, 401: verso.Unauthorized, 403: verso.Forbidden,
                 404: verso.NotFound, 409: verso.Conflict, 413: verso.PayloadTooLarge,
                 415: verso.BadRequest, 422: verso.Unprocessable, 429: verso.RateLimited,
                 500: verso.ServerError, 503: verso.ServerError, 507: verso.ServerError}
        for status, cls in cases.items():
            e = error_for(status, self.body("SOME_CODE", "what to do"))
            self.assertIs(type(e), cls, status)
            self.assertEqual((e.status, e.code, e.message), (status, "SOME_CODE", "what to do"))
            self.assertIsInstance(e, verso.VersoError)

    def test_a_conflict_gives_the_current_head_and_keys(self) -> None:
        race = error_for(409, self.body("REF_UPDATE_RACE", "moved", {"ref": "main", "expected": "a" * 64, "actual": "b" * 64}))
        self.assertEqual(race.current_head, "b" * 64)  # type: ignore[attr-defined]
        conflict = error_for(409, self.body("WRITE_CONFLICT", "moved", {"head": "c" * 64, "conflicts": [{"tree": "labels", "image": "i", "label": "l"}]}))
        self.assertEqual(conflict.current_head, "c" * 64)  # type: ignore[attr-defined]
        self.assertEqual(conflict.keys, [{"tree": "labels", "image": "i", "label": "l"}])  # type: ignore[attr-defined]
        explicit = error_for(409, self.body("X", "m", {"current_head": "d" * 64, "keys": []}))
        self.assertEqual(explicit.current_head, "d" * 64)  # type: ignore[attr-defined]
        self.assertIsNone(error_for(409, self.body("REF_EXISTS", "exists")).current_head)  # type: ignore[attr-defined]

    def test_a_body_that_is_not_verso_json_keeps_its_text(self) -> None:
        e = error_for(502, b"Bad Gateway")
        self.assertIsInstance(e, verso.ServerError)
        self.assertEqual((e.code, e.message), ("HTTP_502", "Bad Gateway"))


class NdjsonDecoding(unittest.TestCase):
    def test_a_block_of_lines_decodes_to_its_values(self) -> None:
        self.assertEqual(_decode_lines(b'{"a":1}\n{"b":"x\\ny"}\n', 0), [{"a": 1}, {"b": "x\ny"}])
        self.assertEqual(_decode_lines(b"\n", 0), [])

    def test_blank_lines_are_skipped_and_a_bad_line_is_named(self) -> None:
        self.assertEqual(_decode_lines(b'{"a":1}\n\n{"a":2}\r\n', 0), [{"a": 1}, {"a": 2}])
        with self.assertRaises(verso.ProtocolError) as caught:
            _decode_lines(b'{"a":1}\n{oops\n', 10)
        self.assertIn("line 12", caught.exception.message)


class EditBodies(unittest.TestCase):
    def test_ops_and_labels_become_one_json_object_a_line(self) -> None:
        label = verso.Label({"image": "i", "label": "1", "category": "café"})
        body = b"".join(ndjson_blocks([verso.put(label), verso.patch("i", "1", bbox=None), verso.delete("i", "2"), label]))
        lines = [json.loads(x) for x in body.decode().splitlines()]
        self.assertEqual(lines, [
            {"op": "put", "image": "i", "label": "1", "category": "café"},
            {"op": "patch", "image": "i", "label": "1", "bbox": None},
            {"op": "delete", "image": "i", "label": "2"},
            {"image": "i", "label": "1", "category": "café"},
        ])

    def test_a_long_batch_comes_in_several_blocks_of_whole_lines(self) -> None:
        blocks = list(ndjson_blocks({"op": "delete", "image": f"{i:08d}", "label": "1"} for i in range(20000)))
        self.assertGreater(len(blocks), 3)
        self.assertTrue(all(b.endswith(b"\n") for b in blocks))
        self.assertEqual(sum(b.count(b"\n") for b in blocks), 20000)
        self.assertEqual(list(ndjson_blocks([])), [])


class Records(unittest.TestCase):
    def test_a_label_reads_its_fields_and_its_review(self) -> None:
        x = verso.Label({"image": "i", "label": "7", "bbox": [1, 2, 3, 4], "custom": 5,
                         "review": {"status": "approved", "reviewer": "r", "reviewed_at": "2026-01-02T03:04:05Z", "comment": "ok"}})
        self.assertEqual((x.key, x.bbox, x["custom"], x.get("nope", 1)), (("i", "7"), [1, 2, 3, 4], 5, 1))
        self.assertEqual(x.review, verso.Review("approved", "r", "2026-01-02T03:04:05Z"))
        self.assertEqual(x.review.raw["comment"], "ok")  # type: ignore[union-attr]
        self.assertIsNone(verso.Label({"image": "i", "label": "1", "review": None}).review)
        self.assertEqual(x.attributes, {})

    def test_times_parse_as_aware_datetimes(self) -> None:
        t = verso.parse_time("2026-12-07T10:27:00.929Z")
        self.assertEqual((t.year, t.microsecond, t.utcoffset().total_seconds()), (2026, 929000, 0))  # type: ignore[union-attr]
        self.assertEqual(verso.parse_time("2026-01-01T00:00:00+00:00"), verso.parse_time("2026-01-01T00:00:00Z"))

    def test_url_pieces_are_escaped(self) -> None:
        self.assertEqual(segment("feature/x y"), "feature%2Fx%20y")
        self.assertEqual(query_string({"where": "class = car", "n": None, "stat": True}), "?where=class+%3D+car&stat=true")


class CoreImportsWithoutOptionalPackages(unittest.TestCase):
    def test_the_core_imports_no_numpy_or_torch(self) -> None:
        import subprocess
        import sys

        code = ("import sys, verso; verso.connect; "
                "print(sorted(m for m in ('numpy', 'torch') if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=str(harness.TESTS.parent), check=True).stdout.strip()
        self.assertEqual(out, "[]")


if __name__ == "__main__":
    unittest.main()

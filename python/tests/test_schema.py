"""Schemas through a real server: create versions, list and show them, migrate a branch, read
labels as another version."""

from __future__ import annotations

import unittest

from harness import LABELS, Fixture

import verso

fx: Fixture
CLASSES = [{"id": i + 1, "name": n} for i, n in enumerate(["car", "person", "dog", "bicycle"])]


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class Schemas(unittest.TestCase):
    def test_versions_migration_and_reading_as_a_version(self) -> None:
        with fx.connect("review") as repo:
            created = repo.create_schema("1.0", {"classes": CLASSES}, message="first")
            self.assertEqual((created["version"], created["parent"], created["classes"]), ("1.0", None, 4))
            repo.create_schema("1.1", {"ops": [{"op": "rename_class", "id": 3, "from": "dog", "to": "canine"}]})
            self.assertEqual([s["version"] for s in repo.schemas()], ["1.1", "1.0"])
            self.assertEqual([c["name"] for c in repo.schema()["classes"]], ["car", "person", "canine", "bicycle"])
            self.assertEqual(repo.schema("1.0")["version"], "1.0")
            dogs = sum(1 for x in LABELS if x["category"] == "dog")
            repo.create_branch("schema-main")
            repo.migrate("schema-main", "1.0")
            self.assertEqual(len(list(repo.labels("schema-main", schema="1.1", where="class = canine"))), dogs)
            dry = repo.migrate("schema-main", "1.1", dry_run=True)
            self.assertEqual((dry["dry_run"], dry["rewritten"]), (True, dogs))
            self.assertEqual(repo.count("schema-main", where="class = canine"), 0)
            repo.migrate("schema-main", "1.1", message="to 1.1")
            self.assertEqual(repo.count("schema-main", where="class = canine"), dogs)
            self.assertEqual(repo.show("schema-main").schema, "1.1")
            with self.assertRaises(verso.NotFound) as caught:
                repo.schema("9.9")
            self.assertEqual(caught.exception.code, "SCHEMA_VERSION_NOT_FOUND")
            with self.assertRaises(verso.Unprocessable) as bad:
                repo.create_schema("2.0", {"ops": [{"op": "rename", "id": 3}]})
            self.assertIn("ops[0].op", bad.exception.message)
        with fx.connect("annotate") as annotator:
            with self.assertRaises(verso.Forbidden):
                annotator.create_schema("3.0", {"classes": CLASSES})


if __name__ == "__main__":
    unittest.main()

"""Reads through a real server: refs, log, show, diff, labels, count, blame."""

from __future__ import annotations

import unittest

from harness import EDITS, LABELS, Fixture

import verso

fx: Fixture


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class Reads(unittest.TestCase):
    def setUp(self) -> None:
        self.repo = fx.connect("read")
        self.addCleanup(self.repo.close)

    def test_refs_lists_branches_and_tags_with_their_commits(self) -> None:
        refs = {(r.name, r.kind): r for r in self.repo.refs()}
        self.assertEqual(set(refs), {("main", "branch"), ("edits", "branch"), ("v1", "tag")})
        self.assertEqual(refs[("v1", "tag")].target, refs[("main", "branch")].target)
        self.assertEqual(set(self.repo.branches()), {"main", "edits"})
        self.assertEqual(self.repo.tags(), {"v1": refs[("main", "branch")].target})
        self.assertEqual([r.name for r in self.repo.refs("tag")], ["v1"])

    def test_log_is_newest_first_with_parents_linking_the_commits(self) -> None:
        commits = list(self.repo.log("edits"))
        self.assertEqual(len(commits), 3)
        self.assertIsInstance(commits[0], verso.Commit)
        self.assertEqual(commits[0].author, "root")
        for newer, older in zip(commits, commits[1:]):
            self.assertEqual(newer.parents, (older.id,))
        self.assertEqual(commits[1].message, "first labels")
        self.assertEqual(commits[-1].parents, ())
        self.assertEqual([c.id for c in self.repo.log("edits", max_count=1)], [commits[0].id])

    def test_show_gives_counts_and_trees(self) -> None:
        detail = self.repo.show("main")
        self.assertEqual(detail.id, self.repo.branches()["main"])
        self.assertEqual(detail.counts["labels"], len(LABELS))
        self.assertEqual(detail.counts["reviews"], sum(1 for x in LABELS if "review" in x))
        self.assertEqual(set(detail.trees), {"assets", "labels", "reviews", "splits"})
        self.assertEqual(self.repo.show("edits~1").id, detail.id)

    def test_diff_yields_typed_changes_with_changed_fields(self) -> None:
        changes = list(self.repo.diff("main", "edits"))
        by = {(c.tree, c.change, c.image, c.label): c for c in changes}
        patched = by[("labels", "modified", "img001", "1")]
        self.assertEqual(patched.fields, (verso.FieldChange("bbox", LABELS[0]["bbox"], [1, 2, 3, 4]),))
        self.assertIsNotNone(patched.geometry)
        self.assertEqual(by[("labels", "removed", "img002", "3")].after, None)
        added = by[("labels", "added", "img003", "new-1")]
        self.assertIsNone(added.before)
        self.assertEqual(added.after["category"], "dog")  # type: ignore[index]
        review = by[("reviews", "modified", "img001", "1")]
        self.assertEqual([(f.field, f.after) for f in review.fields], [("status", "approved")])
        self.assertEqual(list(self.repo.diff("main", "v1")), [])
        stat = self.repo.diff_stat("main", "edits")
        self.assertEqual(stat["labels"], {"added": 1, "removed": 1, "modified": 1})

    def test_labels_streams_every_label_in_key_order_as_imported(self) -> None:
        labels = list(self.repo.labels("main"))
        self.assertTrue(all(isinstance(x, verso.Label) for x in labels))
        self.assertEqual(sorted(x.key for x in labels), [x.key for x in labels])
        self.assertEqual({x.key: x.to_dict() for x in labels},
                         {(x["image"], x["label"]): x for x in LABELS})
        first = next(x for x in labels if x.key == ("img001", "1"))
        self.assertEqual(first.category, LABELS[0]["category"])
        self.assertEqual(first.bbox, LABELS[0]["bbox"])
        self.assertEqual(first.annotator, LABELS[0]["annotator"])
        self.assertEqual(first.review, verso.Review.from_json(LABELS[0]["review"]))

    def test_labels_where_filters_and_count_agrees(self) -> None:
        cars = list(self.repo.labels("main", where="class = car"))
        self.assertEqual(len(cars), sum(1 for x in LABELS if x["category"] == "car"))
        self.assertTrue(all(x.category == "car" for x in cars))
        self.assertEqual(self.repo.count("main", where="class = car"), len(cars))
        self.assertEqual(self.repo.count("main"), len(LABELS))
        self.assertEqual(self.repo.count("edits"), len(LABELS))  # one put, one delete

    def test_a_stream_left_half_read_does_not_block_other_requests(self) -> None:
        stream = self.repo.labels("main")
        next(stream)
        self.assertEqual(self.repo.count("main"), len(LABELS))
        self.assertEqual(len(list(stream)), len(LABELS) - 1)
        with self.repo.labels("main") as partial:
            next(partial)
        self.assertEqual(len(list(self.repo.labels("main"))), len(LABELS))

    def test_a_kept_alive_connection_closed_meanwhile_is_replaced(self) -> None:
        import socket

        self.assertEqual(self.repo.count("main"), len(LABELS))
        idle = self.repo.transport._idle
        self.assertEqual(len(idle), 1)
        idle[0].sock.shutdown(socket.SHUT_RDWR)  # as a server's keep-alive timeout would
        self.assertEqual(self.repo.count("main"), len(LABELS))
        self.assertEqual(len(list(self.repo.labels("main"))), len(LABELS))

    def test_blame_names_the_commits_and_the_review(self) -> None:
        self.assertEqual([e.label for e in self.repo.blame("img001", ref="edits")], ["1", "2"])
        entries = self.repo.blame("img001", ref="edits", label="1")
        self.assertEqual([e.label for e in entries], ["1"])
        e = entries[0]
        head = self.repo.branches()["edits"]
        self.assertEqual(e.changed.commit, head)
        self.assertEqual(e.introduced.commit, self.repo.branches()["main"])
        self.assertEqual(e.introduced.message, "first labels")
        self.assertEqual(e.review.status if e.review else None, EDITS[0]["review"]["status"])  # type: ignore[index]
        self.assertEqual(e.annotator, LABELS[0]["annotator"])

    def test_one_repository_serves_several_threads(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        def work(i: int) -> tuple:
            return (self.repo.count("main"), len(list(self.repo.labels("main" if i % 2 else "edits"))))

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, range(32)))
        self.assertEqual(set(results), {(len(LABELS), len(LABELS))})
        self.assertLessEqual(len(self.repo.transport._idle), 8)

    def test_whoami_is_the_tokens_identity_and_role(self) -> None:
        me = self.repo.whoami()
        self.assertEqual((me["identity"], me["role"]), ("read-user", "read"))

    def test_connect_to_the_server_address_alone_finds_its_one_repository(self) -> None:
        base = fx.url.rsplit("/repos/", 1)[0]
        with verso.connect(base, token=fx.tokens["read"]) as repo:
            self.assertEqual(repo.name, "repo")
            self.assertEqual(repo.count(), len(LABELS))


if __name__ == "__main__":
    unittest.main()

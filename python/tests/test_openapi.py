"""The client against the server's OpenAPI document: every route it calls, with every query
parameter it sends, is in ``/openapi.json`` (a parameter the server does not know would be
ignored silently; a route it does not have would be a 404 at run time)."""

from __future__ import annotations

import json
import unittest
import urllib.request

from harness import Fixture

fx: Fixture

#: (method, path, query parameters) of every request the client makes.
CLIENT_ROUTES = [
    ("GET", "/repos", set()),
    ("GET", "/repos/{repo}/refs", {"kind"}),
    ("POST", "/repos/{repo}/branches", set()),
    ("DELETE", "/repos/{repo}/branches/{name}", {"force"}),
    ("POST", "/repos/{repo}/tags", set()),
    ("GET", "/repos/{repo}/log", {"ref", "max_count"}),
    ("GET", "/repos/{repo}/commits/{ref}", set()),
    ("GET", "/repos/{repo}/diff", {"from", "to", "stat"}),
    ("GET", "/repos/{repo}/blame", {"ref", "image", "label"}),
    ("GET", "/repos/{repo}/blame/track", {"ref", "video", "track"}),
    ("GET", "/repos/{repo}/blame/annotations", {"ref", "image", "object"}),
    ("GET", "/repos/{repo}/tracks", {"ref", "video", "where"}),
    ("GET", "/repos/{repo}/labels", {"ref", "where", "schema", "annotator"}),
    ("GET", "/repos/{repo}/count", {"ref", "where"}),
    ("POST", "/repos/{repo}/branches/{branch}/apply", {"message", "expected_head", "base_head", "clip", "allow_unknown_images"}),
    ("POST", "/repos/{repo}/branches/{branch}/import", {"mode", "message", "clip", "allow_unknown_images", "annotator"}),
    ("POST", "/repos/{repo}/branches/{branch}/consensus", set()),
    ("GET", "/repos/{repo}/agreement", {"ref", "by"}),
    ("GET", "/repos/{repo}/whoami", set()),
    ("POST", "/repos/{repo}/tokens", set()),
    ("GET", "/repos/{repo}/tokens", set()),
    ("DELETE", "/repos/{repo}/tokens/{name}", set()),
    ("GET", "/repos/{repo}/audit", {"limit", "since", "identity"}),
    ("PUT", "/repos/{repo}/blobs/{sha256}", set()),
    ("GET", "/repos/{repo}/blobs/{sha256}", set()),
    ("GET", "/repos/{repo}/blobs/{sha256}/thumbnail", {"size"}),
    ("GET", "/repos/{repo}/assets", {"ref"}),
    ("GET", "/repos/{repo}/assets/{image}", {"ref"}),
    ("POST", "/repos/{repo}/branches/{branch}/images", {"message"}),
    ("POST", "/repos/{repo}/merges", set()),
    ("GET", "/repos/{repo}/merges/{branch}", set()),
    ("POST", "/repos/{repo}/merges/{branch}/resolve", set()),
    ("POST", "/repos/{repo}/merges/{branch}/commit", {"message"}),
    ("POST", "/repos/{repo}/merges/{branch}/abort", set()),
    ("GET", "/repos/{repo}/export", {"ref", "format", "where", "schema", "with_images"}),
    ("POST", "/repos/{repo}/export", {"ref", "format", "where", "schema", "with_images", "async"}),
    ("GET", "/repos/{repo}/operations/{id}", set()),
    ("GET", "/repos/{repo}/operations/{id}/download", set()),
    ("GET", "/repos/{repo}/schema", {"at"}),
    ("GET", "/repos/{repo}/schemas", set()),
    ("GET", "/repos/{repo}/schemas/{version}", set()),
    ("POST", "/repos/{repo}/schemas/{version}", {"parent", "message"}),
    ("POST", "/repos/{repo}/branches/{branch}/migrate", set()),
    ("POST", "/repos/{repo}/runs", set()),
    ("GET", "/repos/{repo}/runs", set()),
    ("GET", "/repos/{repo}/runs/{id}", set()),
    ("GET", "/repos/{repo}/runs/{id}/examples", set()),
    ("POST", "/repos/{repo}/runs/{id}/finish", set()),
    ("POST", "/repos/{repo}/runs/{id}/vectors", set()),
    ("POST", "/repos/{repo}/runs/{id}/vectors/seal", set()),
    ("POST", "/repos/{repo}/models", set()),
    ("GET", "/repos/{repo}/models", {"run"}),
    ("GET", "/repos/{repo}/models/{model}", set()),
    ("POST", "/repos/{repo}/models/{model}/predictions", set()),
    ("GET", "/repos/{repo}/predictions", {"model"}),
    ("GET", "/repos/{repo}/predictions/{id}", set()),
    ("GET", "/repos/{repo}/explain/{prediction}", {"top"}),
    ("GET", "/repos/{repo}/runs/{id}/suspects", {"top", "by"}),
    ("GET", "/repos/{repo}/lineage/up/{id}", {"all"}),
    ("GET", "/repos/{repo}/lineage/down/{id}", {"limit"}),
    ("POST", "/repos/{repo}/models/{model}/prediction-sets", {"dataset"}),
    ("GET", "/repos/{repo}/prediction-sets", {"model"}),
    ("GET", "/repos/{repo}/prediction-sets/{id}", set()),
    ("GET", "/repos/{repo}/disagreements", {"dataset", "predictions", "min_score"}),
    ("POST", "/repos/{repo}/branches/{branch}/promote", set()),
    ("POST", "/repos/{repo}/select", set()),
    ("POST", "/repos/{repo}/slices", set()),
    ("GET", "/repos/{repo}/slices/{id}", set()),
    ("GET", "/repos/{repo}/slices/{id}/export", {"format", "with_images"}),
    ("POST", "/repos/{repo}/slices/{id}/branch", set()),
]


def setUpModule() -> None:
    global fx
    fx = Fixture().start()


def tearDownModule() -> None:
    fx.stop()


class OpenApi(unittest.TestCase):
    def test_every_route_and_query_parameter_the_client_uses_is_documented(self) -> None:
        base = fx.url.rsplit("/repos/", 1)[0]
        with urllib.request.urlopen(f"{base}/openapi.json") as answer:
            document = json.load(answer)
        missing = []
        for method, path, params in CLIENT_ROUTES:
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is None:
                missing.append(f"{method} {path}")
                continue
            known = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            missing += [f"{method} {path}?{name}" for name in sorted(params - known)]
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()

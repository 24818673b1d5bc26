"""The package installs offline: ``pip install --no-index`` of ``python/`` (build isolation on,
nothing to download: the in-tree backend needs only the standard library) gives an importable
``verso`` with ``py.typed`` and every module, and the sdist holds what a rebuild needs."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

import harness

PACKAGE = harness.TESTS.parent
MODULES = sorted(f for f in os.listdir(PACKAGE / "verso") if f.endswith(".py") or f == "py.typed")


class Packaging(unittest.TestCase):
    def test_pip_installs_it_without_an_index(self) -> None:
        with tempfile.TemporaryDirectory() as target:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--no-index", "--no-cache-dir",
                 "--disable-pip-version-check", "--target", target, str(PACKAGE)],
                capture_output=True, text=True, env=dict(os.environ, PIP_NO_INDEX="1"))
            self.assertEqual(done.returncode, 0, done.stderr)
            installed = sorted(f for f in os.listdir(os.path.join(target, "verso")) if f != "__pycache__")
            self.assertEqual(installed, MODULES)
            probe = subprocess.run(
                [sys.executable, "-c", "import verso, sys; print(verso.__file__, verso.__version__)"],
                capture_output=True, text=True, cwd=target, env=dict(os.environ, PYTHONPATH=target))
            self.assertEqual(probe.returncode, 0, probe.stderr)
            self.assertTrue(probe.stdout.startswith(os.path.join(target, "verso", "__init__.py")))

    def test_the_sdist_rebuilds(self) -> None:
        sys.path.insert(0, str(PACKAGE / "_build"))
        try:
            import verso_build
        finally:
            sys.path.pop(0)
        with tempfile.TemporaryDirectory() as out:
            name = verso_build.build_sdist(out)
            with tarfile.open(os.path.join(out, name)) as sdist:
                names = {n.split("/", 1)[1] for n in sdist.getnames()}
        self.assertTrue({"pyproject.toml", "_build/verso_build.py", "PKG-INFO"} <= names)
        self.assertTrue({f"verso/{m}" for m in MODULES} <= names)


if __name__ == "__main__":
    unittest.main()

"""A local repository folder served for this process: ``verso.open(path)``.

Creates a token for this session (``verso token create --role admin --expires 1d
--identity $VERSO_AUTHOR|login name``: writes are authored as the CLI's), starts ``verso serve
--repo PATH --port 0`` on 127.0.0.1 (a free port), reads the URL it announces on its first
stdout line, and stops the server (and revokes the token) when the repository is closed, at the
end of a ``with`` block, or when the interpreter exits.

The ``verso`` command is, in order: ``verso_command=`` (a list), ``$VERSO_BIN`` (a command
line), the checkout this package sits in (``node <checkout>/bin/verso.js``), ``verso`` on PATH.
"""

from __future__ import annotations

import collections
import getpass
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
import uuid
import weakref
from pathlib import Path
from typing import Deque, List, Optional, Sequence

from .errors import VersoError

ANNOUNCE = re.compile(r"serving (?P<repos>\S.*?) at (?P<url>https?://\S+)")

#: Seconds to wait for the server's first line.
START_TIMEOUT = 60.0


def verso_command(explicit: Optional[Sequence[str]] = None) -> List[str]:
    """The command line that runs the Verso CLI."""
    if explicit:
        return list(explicit)
    env = os.environ.get("VERSO_BIN")
    if env:
        return shlex.split(env)
    checkout = Path(__file__).resolve().parents[2] / "bin" / "verso.js"
    node = shutil.which("node")
    if checkout.is_file() and node:
        return [node, str(checkout)]
    found = shutil.which("verso")
    if found:
        return [found]
    raise VersoError(
        "cannot find the verso command: install it (npm), put it on PATH, or set VERSO_BIN",
        code="VERSO_NOT_FOUND",
    )


def local_identity() -> str:
    """Who the session's writes are by: ``$VERSO_AUTHOR``, else the login name (as the CLI)."""
    try:
        return os.environ.get("VERSO_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


class LocalServer:
    """A ``verso serve`` process over one repository folder, with a session token."""

    def __init__(self, path: str, command: Optional[Sequence[str]] = None,
                 role: str = "admin") -> None:
        self.path = os.path.abspath(path)
        if not os.path.isdir(os.path.join(self.path, ".verso")):
            raise VersoError(
                f"{self.path} is not a Verso repository (no .verso folder; create one with `verso init`)",
                code="REPOSITORY_NOT_FOUND",
            )
        self.command = verso_command(command)
        self.token_name: Optional[str] = None
        self.token = self._create_token(role)
        args = [*self.command, "--repo", self.path, "serve", "--host", "127.0.0.1", "--port", "0"]
        self._stderr: Deque[str] = collections.deque(maxlen=50)
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace",
        )
        threading.Thread(target=_drain, args=(self.process.stderr, self._stderr), daemon=True).start()
        first = _first_line(self.process, START_TIMEOUT)
        match = ANNOUNCE.search(first or "")
        if not match:
            _stop(self.process)
            _revoke_with_cli(self.command, self.path, self.token_name)
            detail = "".join(self._stderr).strip() or first or "no output"
            raise VersoError(f"verso serve did not start: {detail}", code="SERVER_START")
        threading.Thread(target=_drain, args=(self.process.stdout, None), daemon=True).start()
        self.url = match.group("url")
        first = match.group("repos").split(",")[0].strip()
        self.repository = first[len("/repos/"):] if first.startswith("/repos/") else first
        # Runs once: on stop(), or when this object is collected, or at interpreter exit.
        self._finalizer = weakref.finalize(
            self, _shutdown, self.process, self.url, self.repository, self.token,
            self.token_name, self.command, self.path)

    def stop(self) -> None:
        """Revokes the session token and stops the server (requests in flight finish)."""
        self._finalizer()

    def _create_token(self, role: str) -> str:
        name = f"python-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        done = subprocess.run(
            [*self.command, "--repo", self.path, "token", "create", "--name", name,
             "--role", role, "--expires", "1d", "--identity", local_identity(), "--json"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
        )
        if done.returncode == 0:
            self.token_name = name
            return str(json.loads(done.stdout)["token"])
        raise VersoError(
            f"cannot create a token for {self.path}: {done.stderr.strip() or done.stdout.strip()}",
            code="TOKEN_CREATE",
        )


def _first_line(process: "subprocess.Popen[str]", timeout: float) -> Optional[str]:
    box: List[str] = []
    reader = threading.Thread(target=lambda: box.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    return box[0] if box else None


def _drain(stream: Optional[object], keep: Optional[Deque[str]]) -> None:
    if stream is None:
        return
    try:
        for line in stream:  # type: ignore[attr-defined]
            if keep is not None:
                keep.append(line)
    except (ValueError, OSError):  # closed by stop()
        pass


def _shutdown(process: "subprocess.Popen[str]", url: str, repository: str, token: str,
              token_name: Optional[str], command: List[str], path: str) -> None:
    """Revokes the session token through the server (the CLI if that fails), then stops it."""
    revoked = token_name is None
    if not revoked:
        from .transport import Transport, segment

        transport = Transport(url, token, timeout=10)
        try:
            transport.call("DELETE", f"/repos/{segment(repository)}/tokens/{segment(token_name)}")  # type: ignore[arg-type]
            revoked = True
        except VersoError:
            pass
        finally:
            transport.close()
    _stop(process)
    if not revoked:
        _revoke_with_cli(command, path, token_name)


def _revoke_with_cli(command: List[str], path: str, token_name: Optional[str]) -> None:
    if token_name is not None:
        subprocess.run([*command, "--repo", path, "token", "revoke", token_name],
                       stdin=subprocess.DEVNULL, capture_output=True, check=False)


def _stop(process: "subprocess.Popen[str]") -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()

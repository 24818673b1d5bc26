"""HTTP to a Verso server: requests, JSON answers, streamed NDJSON both ways, errors.

One ``Transport`` per server address. It keeps idle keep-alive connections (``http.client``,
standard library only) and hands each request its own, so a label stream being read does not
block another request. A response body is read as it arrives: NDJSON answers are decoded one
network block at a time (a block of whole lines is one ``json.loads`` call), never held whole;
the standard library's ``json`` decodes, or ``orjson`` when it is installed (about three times
faster; optional, and a block it refuses is decoded again by ``json``). Upload bodies (NDJSON,
files, binary frames) are sent with chunked transfer encoding from any
iterable of bytes, so nothing is staged in memory or in a temporary file.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from itertools import chain
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, TypeVar, Union
from urllib.parse import quote, urlencode, urlsplit

from .errors import ConnectionFailed, ProtocolError, VersoError, error_for

try:  # optional: a faster decoder of the same JSON
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - depends on the interpreter
    _fast_loads = json.loads

T = TypeVar("T")
Body = Union[None, bytes, Iterable[bytes]]
Query = Optional[Mapping[str, Any]]

#: Bytes asked of the socket per read while streaming.
READ_BLOCK = 1 << 16


def segment(value: str) -> str:
    """A value as one URL path segment (``/`` and every reserved character escaped)."""
    return quote(value, safe="")


def query_string(query: Query) -> str:
    if not query:
        return ""
    pairs = []
    for name, value in query.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        pairs.append((name, str(value)))
    return "?" + urlencode(pairs) if pairs else ""


class Response:
    """A successful answer whose body has not been read yet. Read it with ``json()``,
    ``records()``, ``blocks()`` or ``read()``; each returns the connection for reuse once the
    body is read to its end, and closes it if the reader stops early."""

    def __init__(self, transport: "Transport", conn: http.client.HTTPConnection,
                 raw: http.client.HTTPResponse) -> None:
        self._transport = transport
        self._conn: Optional[http.client.HTTPConnection] = conn
        self.raw = raw
        self.status = raw.status
        self.headers = raw.headers

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def read(self) -> bytes:
        try:
            data = self.raw.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise ConnectionFailed(f"the connection broke while reading the answer: {e}") from e
        self._release()
        return data

    def json(self) -> Any:
        data = self.read()
        try:
            return json.loads(data)
        except ValueError as e:
            raise ProtocolError(f"the server's answer is not JSON: {data[:200]!r}") from e

    def blocks(self, size: int = READ_BLOCK) -> Iterator[bytes]:
        """The body as it arrives, in blocks of at most ``size`` bytes."""
        read = getattr(self.raw, "read1", self.raw.read)
        finished = False
        try:
            while True:
                try:
                    block = read(size)
                except (OSError, http.client.HTTPException) as e:
                    raise ConnectionFailed(
                        f"the connection broke while streaming the answer: {e}"
                    ) from e
                if not block:
                    finished = True
                    return
                yield block
        finally:
            if finished:
                self._release()
            else:
                self.close()

    def records(self) -> Iterator[Any]:
        """The NDJSON body decoded one JSON value a line, as the lines arrive."""
        return chain.from_iterable(self.record_batches())

    def record_batches(self) -> Iterator[List[Any]]:
        """The NDJSON body as lists of values, one list per block of whole lines received."""
        rest = b""
        line_no = 0
        for block in self.blocks():
            cut = block.rfind(b"\n")
            if cut < 0:
                rest += block
                continue
            whole, rest = rest + block[: cut + 1], block[cut + 1 :]
            values = _decode_lines(whole, line_no)
            line_no += len(values)
            yield values
        if rest.strip():
            yield _decode_lines(rest, line_no)

    def close(self) -> None:
        """Drops the connection (the body was not read to its end)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self.raw.close()  # a body read to its end: marks the response done on the connection
            if self.raw.will_close:
                conn.close()
            else:
                self._transport._put_back(conn)


def _decode_lines(whole: bytes, first_line: int) -> List[Any]:
    """Whole NDJSON lines as values: one ``json.loads`` over the block (lines joined as a JSON
    array: a JSON line holds no raw newline), line by line only when that fails."""
    body = whole.rstrip(b"\r\n")
    if not body:
        return []
    try:
        decoded: List[Any] = _fast_loads(b"[" + body.replace(b"\n", b",") + b"]")
        return decoded
    except ValueError:
        pass
    values = []
    for i, line in enumerate(whole.split(b"\n")):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except ValueError as e:
            raise ProtocolError(
                f"the server's NDJSON answer has a bad line {first_line + i + 1}: {line[:200]!r}"
            ) from e
    return values


class Transport:
    """Requests to one server (``http://host:port`` or ``https://...``), with a bearer token."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 300.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise VersoError(
                f"not a server URL: {base_url!r} (expected http://HOST:PORT/repos/NAME)",
                code="INVALID_URL",
            )
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.token = token
        self.timeout = timeout
        self._idle: List[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def __getstate__(self) -> Dict[str, Any]:
        # Pickled into another process (a DataLoader worker): connections stay behind.
        state = dict(self.__dict__)
        del state["_lock"], state["_idle"]
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._idle, self._lock, self._pid = [], threading.Lock(), os.getpid()

    def request(
        self,
        method: str,
        path: str,
        query: Query = None,
        *,
        json_body: Any = None,
        body: Body = None,
        content_type: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        ok: Iterable[int] = (),
    ) -> Response:
        """Sends a request; a 2xx (or a status in ``ok``) answer is returned unread, any other
        is raised as the exception of its status, with the server's code and message."""
        head: Dict[str, str] = {"Accept": "application/json, application/x-ndjson"}
        if self.token:
            head["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            content_type = "application/json"
        if content_type:
            head["Content-Type"] = content_type
        head.update(headers or {})
        url = path + query_string(query)
        # A body that cannot be sent twice goes on a new connection: a kept-alive one the server
        # closed meanwhile would fail after the body was consumed, with no way to retry.
        replayable = body is None or isinstance(body, bytes)
        conn = self._take() if replayable else self._fresh()
        raw = self._exchange(conn, method, url, body, head)
        if 200 <= raw.status < 300 or raw.status in ok:
            return Response(self, conn, raw)
        try:
            data = raw.read()
        except (OSError, http.client.HTTPException):
            data = b""
        conn.close()
        raise error_for(raw.status, data)

    def call(self, method: str, path: str, query: Query = None, **kw: Any) -> Any:
        """A request whose answer is JSON: the decoded answer."""
        return self.request(method, path, query, **kw).json()

    def stream(self, method: str, path: str, query: Query, make: Callable[[Any], T],
               **kw: Any) -> "Stream[T]":
        """A request whose answer is NDJSON: an iterator of ``make(record)``, read as it comes."""
        return Stream(self.request(method, path, query, **kw), make)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _take(self) -> http.client.HTTPConnection:
        if self._pid != os.getpid():
            # A forked child: the idle sockets are copies of the parent's (closing the copies
            # leaves the parent's open); this process opens its own.
            for conn in self._idle:
                conn.close()
            self._idle, self._lock, self._pid = [], threading.Lock(), os.getpid()
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._fresh()

    def _put_back(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.append(conn)

    def _exchange(self, conn: http.client.HTTPConnection, method: str, url: str, body: Body,
                  head: Dict[str, str]) -> http.client.HTTPResponse:
        reused = conn.sock is not None
        try:
            conn.request(method, url, body=body, headers=head)
        except (BrokenPipeError, ConnectionResetError) as e:
            # The server may refuse before reading the whole body (401, 413): read its answer.
            try:
                return conn.getresponse()
            except (OSError, http.client.HTTPException):
                conn.close()
                if reused:
                    return self._exchange(self._fresh(), method, url, body, head)
                raise ConnectionFailed(f"lost the connection to {self._where()}: {e}") from e
        except OSError as e:
            conn.close()
            raise ConnectionFailed(f"cannot reach the Verso server at {self._where()}: {e}") from e
        try:
            return conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError) as e:
            conn.close()
            # A kept-alive connection the server closed meanwhile: once more on a new one.
            if reused:
                return self._exchange(self._fresh(), method, url, body, head)
            raise ConnectionFailed(f"lost the connection to {self._where()}: {e}") from e
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            raise ConnectionFailed(f"no answer from {self._where()}: {e}") from e

    def _fresh(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=self.timeout, blocksize=READ_BLOCK)

    def _where(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


class Stream(Iterator[T]):
    """Records of an NDJSON answer, decoded as they arrive. Iterate it once; ``close()`` (or
    leaving a ``with`` block) stops reading and drops the connection."""

    def __init__(self, response: Response, make: Callable[[Any], T]) -> None:
        self._response = response
        self._it = map(make, response.records())

    def __iter__(self) -> Iterator[T]:
        # A ``for`` loop runs the decoding iterator itself (C-level map over decoded blocks).
        return self._it

    def __next__(self) -> T:
        return next(self._it)

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> "Stream[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

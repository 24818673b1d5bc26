"""The repository's plumbing (layer: client): where it is (``{server}/repos/{name}``), the
requests every feature's methods send through its transport, closing, pickling.

``Repository`` (``repository.py``) is this plus one mixin per feature (access, schemas,
merges, exports, images, lineage), each in the feature's module; the mixins' methods reach the
server only through ``_call`` and ``_stream``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, TypeVar

from .transport import Stream, Transport, segment

if TYPE_CHECKING:
    from .local import LocalServer

Self = TypeVar("Self", bound="RepositoryBase")


class RepositoryBase:
    """One repository of a server, addressed as ``{server}/repos/{name}``."""

    def __init__(self, transport: Transport, name: str) -> None:
        self.transport = transport
        self.name = name
        self.prefix = f"/repos/{segment(name)}"
        self._closers: List[Callable[[], Any]] = []
        #: The local server ``verso.open`` started for this repository, if any.
        self.server: Optional["LocalServer"] = None

    @property
    def url(self) -> str:
        t = self.transport
        return f"{t.scheme}://{t.host}:{t.port}{self.prefix}"

    def close(self) -> None:
        """Closes the connections (and stops the server ``verso.open`` started)."""
        self.transport.close()
        while self._closers:
            self._closers.pop()()

    def __getstate__(self) -> Dict[str, Any]:
        # Pickled into another process: the copy reaches the same server, it does not own it.
        state = dict(self.__dict__)
        state["_closers"], state["server"] = [], None
        return state

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    def _call(self, method: str, path: str, query: Optional[Dict[str, Any]] = None, **kw: Any) -> Any:
        return self.transport.call(method, self.prefix + path, query, **kw)

    def _stream(self, path: str, query: Optional[Dict[str, Any]], make: Callable[[Any], Any]) -> Stream[Any]:
        return self.transport.stream("GET", self.prefix + path, query, make)

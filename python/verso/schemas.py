"""Schema versions from Python: show, list, create, migrate a branch (the server's
``/schema``, ``/schemas`` and ``/branches/{b}/migrate`` routes)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .base import RepositoryBase
from .transport import segment


class SchemaMethods(RepositoryBase):
    def schema(self, version: Optional[str] = None, at: Optional[str] = None) -> Dict[str, Any]:
        """A schema version (default: the newest, or the one in force ``at`` a date) with its
        ``classes`` (each ``{"name", ...}``), ``parent``, ``author``, ``created_at``, ``delta``."""
        if version is not None:
            result: Dict[str, Any] = self._call("GET", f"/schemas/{segment(version)}")
        else:
            result = self._call("GET", "/schema", {"at": at})
        return result

    def schemas(self) -> List[Dict[str, Any]]:
        """Every schema version, newest first."""
        return list(self._stream("/schemas", {}, dict))

    def create_schema(self, version: str, document: Any, parent: Optional[str] = None,
                      message: Optional[str] = None) -> Dict[str, Any]:
        """Stores a new immutable schema version from a schema document (``{"classes": [...],
        "ops": [...]}`` or a class list, docs/formats.md); needs the ``review`` role."""
        result: Dict[str, Any] = self._call("POST", f"/schemas/{segment(version)}",
                                            {"parent": parent, "message": message}, json_body=document)
        return result

    def migrate(self, branch: str, to: str, policy: Optional[Dict[str, str]] = None,
                dry_run: bool = False, message: Optional[str] = None) -> Dict[str, Any]:
        """Moves a branch's labels to schema version ``to`` (one commit), or counts what would
        change (``dry_run``); ``policy``: op index or kind -> ``auto`` | ``review``."""
        body: Dict[str, Any] = {"to": to}
        for name, value in (("policy", policy), ("message", message), ("dry_run", dry_run or None)):
            if value is not None:
                body[name] = value
        result: Dict[str, Any] = self._call("POST", f"/branches/{segment(branch)}/migrate", json_body=body)
        return result

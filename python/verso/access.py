"""Who is asking, and tokens and the audit log for admins (the server's ``/whoami``,
``/tokens``, ``/audit`` routes)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .base import RepositoryBase
from .transport import segment


class AccessMethods(RepositoryBase):
    def whoami(self) -> Dict[str, Any]:
        """The caller as the server sees the token: ``identity``, token ``name`` and ``role``."""
        result: Dict[str, Any] = self._call("GET", "/whoami")
        return result

    def create_token(self, name: str, role: str, identity: Optional[str] = None,
                     expires: Optional[str] = None) -> Dict[str, Any]:
        """A new token of this repository (``read``, ``annotate``, ``review``, ``admin``);
        the answer's ``token`` is its secret, shown this once. Needs ``admin``."""
        body: Dict[str, Any] = {"name": name, "role": role}
        for key, value in (("identity", identity), ("expires", expires)):
            if value is not None:
                body[key] = value
        result: Dict[str, Any] = self._call("POST", "/tokens", json_body=body)
        return result

    def tokens(self) -> List[Dict[str, Any]]:
        """The repository's tokens (name, role, identity, status, last use; never secrets)."""
        return list(self._call("GET", "/tokens")["tokens"])

    def revoke_token(self, name: str) -> Dict[str, Any]:
        """Revokes a token: it stops working at once."""
        result: Dict[str, Any] = self._call("DELETE", f"/tokens/{segment(name)}")
        return result

    def audit(self, limit: int = 100, since: Optional[str] = None,
              identity: Optional[str] = None) -> List[Dict[str, Any]]:
        """The audit log, newest first: who wrote what, when, with which token, from where."""
        query = {"limit": limit, "since": since, "identity": identity}
        return list(self._call("GET", "/audit", query)["entries"])

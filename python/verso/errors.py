"""Errors the client raises: one class per family of the server's answers.

Every refusal of a Verso server is a JSON body ``{"error": {"code", "message", "data"?}}`` with
an HTTP status. The client raises the exception class of that status (``NotFound`` for 404,
``Conflict`` for 409, ...), carrying the server's stable ``code`` (``REF_NOT_FOUND``), its
``message`` (what happened and what to do) and its structured ``data``. Code that needs one
specific refusal branches on ``e.code``; code that handles a family catches the class.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Type


class VersoError(Exception):
    """Base class of every error the client raises."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "CLIENT",
        status: Optional[int] = None,
        data: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.data: Dict[str, Any] = dict(data or {})

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


class BadRequest(VersoError):
    """400 (and 415, 422): the request is malformed or its content is invalid."""


class Unprocessable(BadRequest):
    """422: the body parsed but its records break a rule (label schema, format)."""


class Unauthorized(VersoError):
    """401: no token, or a token the server does not know (revoked, expired, mistyped)."""


class Forbidden(VersoError):
    """403: the token is valid but its role is below what the operation needs."""


class NotFound(VersoError):
    """404: no such ref, commit, repository, image, run, model or prediction."""


class Conflict(VersoError):
    """409: the operation conflicts with the repository's state.

    ``current_head`` is the branch's head when the server gives it (a write with
    ``expected_head`` on a moved branch); ``keys`` lists the conflicting records when given.
    """

    @property
    def current_head(self) -> Optional[str]:
        for name in ("current_head", "actual", "head", "current"):
            value = self.data.get(name)
            if isinstance(value, str):
                return value
        return None

    @property
    def keys(self) -> List[Any]:
        for name in ("keys", "conflicts"):
            value = self.data.get(name)
            if isinstance(value, list):
                return value
        return []


class PayloadTooLarge(VersoError):
    """413: the body, or one line of it, is larger than the server accepts."""


class RateLimited(VersoError):
    """429: too many requests in flight for this token; retry later."""


class ServerError(VersoError):
    """5xx: the server failed (its log says why), or is busy (503) or out of disk (507)."""


class ConnectionFailed(VersoError):
    """The server could not be reached, or the connection broke mid-answer."""


class ProtocolError(VersoError):
    """The server answered something this client cannot read (not Verso, or another version)."""


_BY_STATUS: Dict[int, Type[VersoError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    408: ServerError,
    409: Conflict,
    413: PayloadTooLarge,
    415: BadRequest,
    422: Unprocessable,
    429: RateLimited,
}


def error_for(status: int, body: bytes) -> VersoError:
    """The exception for an error answer: its class from the status, its code and message from
    the JSON error body (or the raw text, when the body is not Verso's)."""
    import json

    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else VersoError)
    code, message, data = f"HTTP_{status}", body.decode("utf-8", "replace").strip(), {}
    try:
        parsed = json.loads(body)
        err = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(err, dict):
            code = str(err.get("code", code))
            message = str(err.get("message", message))
            if isinstance(err.get("data"), dict):
                data = err["data"]
    except ValueError:
        pass
    return cls(message or f"HTTP {status}", code=code, status=status, data=data)

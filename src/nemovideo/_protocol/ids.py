"""Which ids may go into a request path (pure): one rule, for ids from the caller and
from the service alike.

An id is a non-empty string of at most `MAX_ID_LENGTH` characters, not ``.`` or
``..``, with no ``/``, ``\\``, ``?``, ``#``, ``%``, space or control character: so no
path can be built from an id that changes which endpoint it names. A bad id from the
caller is a ``ValueError`` (as every bad argument is); from the service, an
`InvalidResponseError`.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidResponseError

__all__ = ["MAX_ID_LENGTH", "checked_id", "id_problem", "server_id"]

MAX_ID_LENGTH = 256
"""Characters an id may have (session ids have 19, render ids about 30)."""

_FORBIDDEN = frozenset("/\\?#%")


def id_problem(value: object) -> str | None:
    """Why ``value`` cannot be an id, or ``None`` when it can (the reason never quotes
    the value)."""
    if not isinstance(value, str):
        return f"an id is a string, not {type(value).__name__}"
    if not value:
        return "an id cannot be empty"
    if len(value) > MAX_ID_LENGTH:
        return f"an id has at most {MAX_ID_LENGTH} characters, not {len(value)}"
    if value in (".", ".."):
        return "'.' and '..' are not ids"
    if any(c in _FORBIDDEN for c in value):
        return "an id cannot contain / \\ ? # or %"
    if not value.isprintable() or any(c.isspace() for c in value):
        return "an id cannot contain spaces or control characters"
    return None


def checked_id(value: Any, what: str = "id") -> str:
    """``value`` when it is a valid id, for an id the caller gave.

    Raises:
        ValueError: it is not (the message says why).
    """
    problem = id_problem(value)
    if problem is not None:
        shown = f" {value!r}" if isinstance(value, str) and len(value) <= 80 else ""
        raise ValueError(f"invalid {what}{shown}: {problem}")
    result: str = value
    return result


def server_id(value: Any, what: str, body: Any = None) -> str:
    """``value`` when it is a valid id, for an id the service sent.

    Raises:
        InvalidResponseError: it is not (the message says why).
    """
    problem = id_problem(value)
    if problem is not None:
        raise InvalidResponseError(f"the service sent an invalid {what}: {problem}", body=body)
    result: str = value
    return result

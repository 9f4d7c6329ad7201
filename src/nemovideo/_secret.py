"""Secrets: the `Secret` a token is held in, and redaction of token-like text.

A `Secret` shows only its kind (``Secret('nmv_usr_***')``) in ``repr``, ``str`` and
f-strings, so a token held in one never reaches a log line, an exception message, a
traceback's locals or a debugger's variable view. Its value is read with
`Secret.get_secret_value`, which the SDK calls only where the token leaves the process:
the ``Authorization`` header of a request to the API host, and the token store.
"""

from __future__ import annotations

import hmac
import re
from typing import Any, NoReturn, final

__all__ = [
    "TOKEN_MARKS",
    "Secret",
    "as_secret",
    "holds_secret",
    "optional_secret",
    "redact",
    "redact_json",
]

_PREFIXES = ("nmv_usr_", "nmv_", "clm_", "Bearer ")
TOKEN_MARKS = ("nmv_", "clm_", "bearer")
"""What lowercased text holding a token always holds (a quick test before the regex)."""
_SECRET_TEXT = re.compile(
    r"(?P<prefix>nmv_usr_|nmv_|clm_)[A-Za-z0-9_\-.~+/=]+"
    r"|(?P<bearer>Bearer\s+)[^\s\"',;]+",
    re.IGNORECASE,
)


def _may_hold_secret(text: str) -> bool:
    """Whether ``text`` lowercased holds ``nmv_``, ``clm_`` or ``bearer``, as any text
    `_SECRET_TEXT` matches does (the letters of its prefixes have no case-insensitive
    match but their ASCII capitals): a quick test that spares most text the regex."""
    lowered = text.lower()
    return any(mark in lowered for mark in TOKEN_MARKS)


@final
class Secret:
    """A token that never shows itself: ``repr``, ``str`` and formatting give
    ``Secret('nmv_usr_***')`` / ``nmv_usr_***``.

    Two secrets are equal when their values are. A secret is not pickled or copied into
    another process on its own: settings carry their token across only when asked
    (``worker_settings(include_token=True)``).

    Args:
        value: the token.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a Secret holds a str, not {type(value).__name__}")
        object.__setattr__(self, "_value", value)

    def get_secret_value(self) -> str:
        """The token itself: only for where it must go (a request's header, the store)."""
        value: str = object.__getattribute__(self, "_value")
        return value

    def masked(self) -> str:
        """The kind of token, value hidden: ``nmv_usr_***``, ``clm_***``, ``***``."""
        value = self.get_secret_value()
        prefix = next((p for p in _PREFIXES if value.startswith(p)), "")
        return f"{prefix}***"

    def __repr__(self) -> str:
        return f"Secret({self.masked()!r})"

    def __str__(self) -> str:
        return self.masked()

    def __format__(self, spec: str) -> str:
        return format(self.masked(), spec)

    def __bool__(self) -> bool:
        return bool(self.get_secret_value())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        mine, theirs = self.get_secret_value(), other.get_secret_value()
        return hmac.compare_digest(mine.encode(), theirs.encode())

    def __hash__(self) -> int:
        return hash((Secret, self.get_secret_value()))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("a Secret cannot be changed")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "a Secret is not pickled; settings carry their token to another process "
            "only when made with worker_settings(include_token=True)"
        )


def as_secret(value: str | Secret) -> Secret:
    """``value`` as a `Secret` (a `Secret` stays itself)."""
    return value if isinstance(value, Secret) else Secret(value)


def optional_secret(value: str | Secret | None) -> Secret | None:
    """``value`` as a `Secret`, ``None`` staying ``None``."""
    return None if value is None else as_secret(value)


def holds_secret(text: str) -> bool:
    """Whether `redact` would mask anything in ``text``."""
    return _may_hold_secret(text) and _SECRET_TEXT.search(text) is not None


def redact(text: str) -> str:
    """``text`` with every token-like value (``nmv_...``, ``clm_...``, bearer) masked."""
    if not _may_hold_secret(text):
        return text

    def _mask(match: re.Match[str]) -> str:
        lead = match.group("prefix") or match.group("bearer") or ""
        return f"{lead}***"

    return _SECRET_TEXT.sub(_mask, text)


def redact_json(value: Any) -> Any:
    """A copy of a JSON value with every string in it (keys too) passed through
    `redact`; a `Secret` becomes its masked text."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Secret):
        return value.masked()
    if isinstance(value, list | tuple):
        return [redact_json(v) for v in value]
    if isinstance(value, dict):
        return {redact_json(k): redact_json(v) for k, v in value.items()}
    return value

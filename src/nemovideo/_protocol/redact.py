"""Redaction of secrets from any text the SDK prints, logs or puts in an error (the
one implementation lives in ``nemovideo._secret``, below the errors that use it)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._secret import holds_secret, redact, redact_json

__all__ = ["headers_hold_secrets", "redact", "redact_headers", "redact_json"]

_SECRET_HEADER = re.compile(r"cookie|auth|token|secret|key|credential|signature", re.I)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with the values that may be secrets masked: cookies, authorization, any
    name that says token, key, secret, credential or signature; others pass through
    ``redact``."""
    return [
        (name, "***" if _SECRET_HEADER.search(name) else redact(value)) for name, value in headers
    ]


def headers_hold_secrets(headers: list[tuple[str, str]]) -> bool:
    """Whether `redact_headers` would change anything (two searches, not one per header)."""
    names = "\n".join(name for name, _ in headers)
    if _SECRET_HEADER.search(names):
        return True
    return holds_secret("\n".join(value for _, value in headers))

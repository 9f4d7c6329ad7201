"""Redaction of secrets from any text the SDK prints, logs or puts in an error (the
one implementation lives in ``nemovideo._secret``, below the errors that use it)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._secret import redact, redact_json

__all__ = ["redact", "redact_headers", "redact_json"]

_SECRET_HEADER = re.compile(r"cookie|auth|token|secret|key|credential|signature", re.I)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with the values that may be secrets masked: cookies, authorization, any
    name that says token, key, secret, credential or signature; others pass through
    ``redact``."""
    return [
        (name, "***" if _SECRET_HEADER.search(name) else redact(value)) for name, value in headers
    ]

"""Redaction of secrets from any text the SDK prints, logs or puts in an error."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SECRET = re.compile(
    r"(?P<prefix>nmv_usr_|nmv_|clm_)[A-Za-z0-9_\-.~+/=]+"
    r"|(?P<bearer>Bearer\s+)[^\s\"',;]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Return ``text`` with every token-like value (``nmv_...``, ``clm_...``, bearer) masked."""

    def _mask(match: re.Match[str]) -> str:
        lead = match.group("prefix") or match.group("bearer") or ""
        return f"{lead}***"

    return _SECRET.sub(_mask, text)


_SECRET_HEADER = re.compile(r"cookie|auth|token|secret|key|credential|signature", re.I)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with the values that may be secrets masked: cookies, authorization, any
    name that says token, key, secret, credential or signature; others pass through
    ``redact``."""
    return [
        (name, "***" if _SECRET_HEADER.search(name) else redact(value)) for name, value in headers
    ]

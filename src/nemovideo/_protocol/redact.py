"""Redaction of secrets from any text the SDK prints, logs or puts in an error."""

from __future__ import annotations

import re

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

"""Redaction of secrets from any text the SDK prints, logs or puts in an error (the
one implementation lives in ``nemovideo._secret``, below the errors that use it)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._secret import TOKEN_MARKS, holds_secret, redact, redact_json

__all__ = [
    "headers_hold_secrets",
    "raw_headers_may_hold_secrets",
    "redact",
    "redact_headers",
    "redact_json",
]

_SECRET_WORDS = ("cookie", "auth", "token", "secret", "key", "credential", "signature")
_SECRET_HEADER = re.compile("|".join(_SECRET_WORDS), re.I)
_SECRET_WORD = re.compile("|".join(_SECRET_WORDS))
_SECRET_WORD_BYTES = re.compile("|".join(_SECRET_WORDS).encode())


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with the values that may be secrets masked: cookies, authorization, any
    name that says token, key, secret, credential or signature; others pass through
    ``redact``."""
    return [
        (name, "***" if _SECRET_HEADER.search(name) else redact(value)) for name, value in headers
    ]


def _secret_names(names: str) -> bool:
    """Whether any of ``names`` says its value is a secret, as `_SECRET_HEADER` finds it.

    ASCII names (all that HTTP/1.1 sends) are lowercased first and searched without
    ``re.I``, several times quicker and the same for them (``re.I`` also matches ``ſ``
    and ``ı``, which are not ASCII)."""
    if names.isascii():
        return _SECRET_WORD.search(names.lower()) is not None
    return _SECRET_HEADER.search(names) is not None


def headers_hold_secrets(headers: list[tuple[str, str]]) -> bool:
    """Whether `redact_headers` would change anything (two searches, not one per header)."""
    if _secret_names("\n".join([name for name, _ in headers])):
        return True
    return holds_secret("\n".join([value for _, value in headers]))


def raw_headers_may_hold_secrets(raw: list[tuple[bytes, bytes]]) -> bool:
    """A quick test of headers as sent, before they are decoded: ``False`` only when
    `headers_hold_secrets` says ``False`` of them decoded (as ASCII, UTF-8 or Latin-1).

    Lowercased as bytes, ASCII names hold no secret word and the values no token
    prefix: the letters of both match nothing but ASCII ones in the decoded text, and
    each encoding reads ASCII bytes alike (other names go to the exact test).
    """
    names = b"\n".join([name for name, _ in raw]).lower()
    if not names.isascii() or _SECRET_WORD_BYTES.search(names):
        return True
    values = b"\n".join([value for _, value in raw]).lower()
    return any(mark.encode() in values for mark in TOKEN_MARKS)

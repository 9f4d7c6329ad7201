"""Redaction of secrets from any text the SDK prints, logs or puts in an error (the
one implementation lives in ``nemovideo._secret``, below the errors that use it)."""

from __future__ import annotations

from .._secret import redact, redact_json

__all__ = ["redact", "redact_json"]

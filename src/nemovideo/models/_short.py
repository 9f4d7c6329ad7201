"""Short reprs: a model printed in a loop shows a line, not its whole payload."""

from __future__ import annotations

from typing import Any

TEXT_LIMIT = 60
"""Characters of text a repr shows before ``…``."""


def short_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """``repr`` of ``text``, cut to ``limit`` characters with ``…``."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def short_value(value: Any, limit: int = TEXT_LIMIT) -> str:
    """``repr`` of any value, cut to ``limit`` characters with ``…``."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def call(name: str, *args: str, **fields: str | None) -> str:
    """``Name(arg, key=value, ...)``, leaving out the fields that are ``None``."""
    parts = [*args, *(f"{key}={value}" for key, value in fields.items() if value is not None)]
    return f"{name}({', '.join(parts)})"

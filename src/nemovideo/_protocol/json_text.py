"""One JSON text to one value, with the standard library's parser, for hot paths.

``json.loads`` wraps its C scanner in three Python calls and two regex matches,
which cost more than the scan itself for the small objects a conversation stream
carries (one per frame). :func:`parse_json` calls the scanner directly and keeps
the same answers: the same values, and an error wherever ``json.loads`` has one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["parse_json"]

# The scanner json.loads itself uses (the C one when the accelerator is built).
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_JSON_SPACE = " \t\n\r"


def parse_json(text: str) -> Any:
    """The value of one JSON text, as ``json.loads(text)`` gives it.

    Raises :class:`ValueError` for anything ``json.loads`` rejects, and also for
    nesting too deep to parse (where ``json.loads`` raises ``RecursionError``).
    """
    try:
        return _parse(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _parse(text: str) -> Any:
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        # Empty, or not a value at index 0: leading whitespace is the one case
        # json.loads still accepts, and it says why the rest is wrong.
        return json.loads(text)
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        return json.loads(text)  # extra data: json.loads raises the error
    return value

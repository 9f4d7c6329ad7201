"""JSON text from the network read into bounded Python values (pure).

Every JSON body and event the SDK reads goes through `loads`, so whatever walks a
decoded value afterwards (redaction, copies of ``raw``, the models' readers, pickling,
``json.dumps`` on the way back) meets at most `MAX_DEPTH` levels of nesting and no
integer longer than `MAX_INT_DIGITS` digits, and no ``NaN`` or infinity (which Python's
``json`` accepts, though JSON has neither, and cannot write back: a draft is sent back
on export).
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "JSONRefused", "depth_problem", "loads"]

MAX_DEPTH = 100
"""Levels of nesting (arrays and objects) a JSON value may have."""
MAX_INT_DIGITS = 100
"""Digits an integer of a JSON value may have (ids and timestamps have about 20)."""


class JSONRefused(ValueError):
    """JSON text that parses but is outside the SDK's bounds (or too deep to parse)."""


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JSONRefused(f"a number of {digits} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRefused(f"a number beyond a float's range ({text[:20]})")
    return value


def _constant(name: str) -> Any:
    raise JSONRefused(f"{name}, which is not JSON")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)
"""Made once: ``json.loads`` with hooks would build a decoder and its scanner per call."""
_SHORT_INTS = json.JSONDecoder(parse_float=_float, parse_constant=_constant)
"""`_DECODER` without the integer hook, for text whose integers cannot be too long."""
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * (MAX_INT_DIGITS + 1)


def _long_digit_run(data: bytes) -> bool:
    """Whether ``data`` has more than `MAX_INT_DIGITS` ASCII digits in a row (the only
    digits a JSON number has), in a number or not: two quick passes in C."""
    return _LONG_RUN in data.translate(_DIGITS_AS_ZERO)


def loads(text: str | bytes) -> Any:
    """``json.loads`` within the bounds.

    Raises:
        JSONRefused: nested deeper than `MAX_DEPTH`, an integer longer than
            `MAX_INT_DIGITS` digits, ``NaN``, ``Infinity`` or a number beyond a float.
        ValueError: not JSON at all (``json.JSONDecodeError``, or bytes that are not text).
    """
    if isinstance(text, str):
        brackets = text.count("[") + text.count("{")
        decoder = _DECODER
    else:
        brackets = text.count(b"[") + text.count(b"{")
        # Without a long run of digits, no integer can be too long: most answers parse
        # without a call to the integer hook for each of their numbers.
        decoder = _DECODER if _long_digit_run(text) else _SHORT_INTS
        # UTF-8, a leading byte-order mark dropped (as json.loads does with bytes); a
        # UnicodeDecodeError is a ValueError: not JSON.
        text = text.decode("utf-8-sig")
    try:
        value = decoder.decode(text)
    except RecursionError:
        raise JSONRefused(f"nested too deeply to read (at most {MAX_DEPTH} levels)") from None
    # Fewer brackets than the limit cannot nest deeper than it (brackets in strings only
    # add to the count), so most answers and events skip the walk.
    if brackets > MAX_DEPTH:
        problem = depth_problem(value)
        if problem is not None:
            raise JSONRefused(problem)
    return value


def depth_problem(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """Why ``value`` is nested too deeply, or ``None``: an iterative walk, never a
    recursion, so it cannot fail on the depth it measures."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return f"nested more than {limit} levels deep"
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return None

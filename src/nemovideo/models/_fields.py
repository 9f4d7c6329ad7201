"""Lenient readers for JSON fields: wrong types become ``None``, never an exception.

They are the primitive hooks of the models' converter (`nemovideo.models._converter`)
and the readers the protocol code uses where a decision depends on a value.
"""

from __future__ import annotations

from typing import Any


def opt_str(value: Any) -> str | None:
    """A string, a number as a string, or ``None``."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def opt_float(value: Any) -> float | None:
    """A number (or a numeric string) as float, else ``None`` (also for an int too
    large for a float)."""
    if isinstance(value, float):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def opt_int(value: Any) -> int | None:
    """A whole number (or a numeric string) as int, else ``None`` (also for NaN and
    infinities). An int is kept exactly; a float is truncated."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = opt_float(value)
    if number is None or number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number)


def opt_number(value: Any) -> int | float | None:
    """A number as int when it is whole (``100.0`` -> ``100``), else as float; ``None``
    when it is not a number. An int is kept exactly."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = opt_float(value)
    if number is None:
        return None
    return int(number) if number.is_integer() else number

"""An answer's headers picked by name in one pass (each ``headers[name]`` of httpx is a
pass over them all)."""

from __future__ import annotations

from collections.abc import Collection

import httpx

__all__ = ["content_length", "pick"]


def pick(response: httpx.Response, names: Collection[str]) -> dict[str, str]:
    """The headers of ``names`` (lowercase ASCII) that ``response`` has, each as
    ``response.headers[name]`` reads it (a repeated header's values joined by ``", "``)."""
    found: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        # The names asked for are ASCII, and each encoding httpx reads headers in
        # (ASCII, UTF-8, Latin-1) reads ASCII bytes alike and no other bytes as ASCII.
        name = raw_name.lower().decode("latin-1")
        if name in names:
            value = raw_value.decode(response.headers.encoding)
            found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def content_length(value: str | None) -> int | None:
    """A ``Content-Length`` value as a number of bytes, or ``None`` when absent or not a
    plain number: ASCII digits only (``"²".isdigit()`` is true) and few enough for any
    size (a 5,000-digit number is not even an ``int`` Python will read)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 20 else None

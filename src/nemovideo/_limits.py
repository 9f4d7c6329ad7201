"""How much the SDK reads from the network: the limits of every answer, in one class.

Anything that comes from the network has a limit, so a broken or hostile server (or a
proxy or CDN before it) cannot run a client out of memory, disk or time. The defaults
are far beyond what the service sends; a limit passed ends the call with a typed error
(see the Reliability page).
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["ResponseLimits"]

MiB = 1024 * 1024
GiB = 1024 * MiB


def _count(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a whole number > 0, not {value!r}")


def _seconds(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{attribute.name} must be a number of seconds > 0, not {value!r}")


@attrs.frozen
class ResponseLimits:
    """The limits on what the SDK reads from the network (``response_limits=`` of the
    clients, `Settings.response_limits`).

    The defaults are far beyond any answer of the service; lower them to protect a
    small machine, raise them for a very large download.

    Attributes:
        max_sse_line_bytes: the longest line of the conversation stream, in bytes
            (default 8,388,608: 8 MiB).
        max_sse_event_bytes: the most ``data`` one event of the conversation stream may
            carry, counted in decoded characters (at most its bytes; default
            16,777,216: 16 MiB).
        max_turn_events: the events a turn keeps for its
            [Reply][nemovideo.Reply] (default 10,000). Heartbeats and comments are
            counted (`AsyncTurn.heartbeats`), not kept.
        max_json_bytes: the largest JSON answer, in bytes once decoded (default
            67,108,864: 64 MiB). A ``Content-Length`` above it fails before the body
            is read.
        max_download_bytes: the largest download whose size the server does not
            announce, in bytes (default 21,474,836,480: 20 GiB). When it announces one
            (``Content-Length``), exactly that many bytes must come.
        max_download_seconds: the longest a download may take, in seconds (default
            7,200: 2 h); checked as each chunk arrives (a server that sends nothing
            is cut off sooner, by the read timeout).

    Raises:
        ValueError: a limit that is not a number above zero (or, for a count of bytes
            or events, not a whole number).
    """

    max_sse_line_bytes: int = attrs.field(default=8 * MiB, validator=_count)
    max_sse_event_bytes: int = attrs.field(default=16 * MiB, validator=_count)
    max_turn_events: int = attrs.field(default=10_000, validator=_count)
    max_json_bytes: int = attrs.field(default=64 * MiB, validator=_count)
    max_download_bytes: int = attrs.field(default=20 * GiB, validator=_count)
    max_download_seconds: float = attrs.field(default=7200.0, validator=_seconds)

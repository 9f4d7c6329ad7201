"""How many requests a client runs at once, and the size of its own connection pool.

A client runs at most ``max_concurrency`` requests at once (64 by default). Each
request holds a *permit* while it is sent and its answer read; a conversation turn
holds one from the moment its message is posted until its stream is closed. Past
about a hundred requests in flight on one pool, httpx spends more time choosing
connections than sending, and requests past the pool's size fail with a pool timeout;
the permits keep both away. Waiting for a permit is not part of a request's timeout.
"""

from __future__ import annotations

import attrs
import httpx

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "PERMIT_PATIENCE",
    "Concurrency",
    "permit_wait_message",
    "resolve",
]

DEFAULT_MAX_CONCURRENCY = 64
"""Requests in flight per client, turns included, unless told otherwise."""

PERMIT_PATIENCE = 30.0
"""Seconds a request waits for a permit before the client logs a warning saying why."""

_HTTPX_MAX_CONNECTIONS = 100
_HTTPX_MAX_KEEPALIVE = 20


@attrs.frozen
class Concurrency:
    """The checked options.

    Attributes:
        max_concurrency: requests in flight at once, turns included.
        limits: the limits of the SDK's own pool, or ``None`` with the caller's client.
    """

    max_concurrency: int
    limits: httpx.Limits | None


def _check_count(max_concurrency: object) -> int:
    if (
        isinstance(max_concurrency, bool)
        or not isinstance(max_concurrency, int)
        or max_concurrency < 1
    ):
        raise ValueError(
            f"max_concurrency must be a whole number of at least 1, not {max_concurrency!r}"
        )
    return max_concurrency


def resolve(
    max_concurrency: int | None, limits: httpx.Limits | None, *, own_pool: bool
) -> Concurrency:
    """Check ``max_concurrency`` and ``limits`` and fill in their defaults.

    Without ``limits``, the SDK's pool allows ``max(100, max_concurrency)`` connections
    and keeps httpx's 20 idle ones alive (httpx checks every idle connection on each
    request, so more idle ones cost more than their reconnections save). With
    ``limits`` and no ``max_concurrency``, the permits follow the pool's
    ``max_connections`` when it is below 64.

    Raises:
        ValueError: ``max_concurrency`` below 1; ``limits`` with the caller's client;
            a pool smaller than ``max_concurrency``.
        TypeError: ``limits`` is not an ``httpx.Limits``.
    """
    if limits is not None and not isinstance(limits, httpx.Limits):
        raise TypeError(f"limits must be an httpx.Limits, not {type(limits).__name__}")
    if limits is not None and not own_pool:
        raise ValueError(
            "limits= sets the SDK's own connection pool, but http_client= replaces that "
            "pool: set the limits on your client instead (httpx.Client(limits=...) or "
            "httpx.AsyncClient(limits=...))"
        )
    if max_concurrency is not None:
        count = _check_count(max_concurrency)
    elif limits is not None and limits.max_connections is not None:
        count = max(1, min(DEFAULT_MAX_CONCURRENCY, limits.max_connections))
    else:
        count = DEFAULT_MAX_CONCURRENCY
    if not own_pool:
        return Concurrency(count, None)
    if limits is None:
        limits = httpx.Limits(
            max_connections=max(_HTTPX_MAX_CONNECTIONS, count),
            max_keepalive_connections=_HTTPX_MAX_KEEPALIVE,
        )
    elif limits.max_connections is not None and limits.max_connections < count:
        raise ValueError(
            f"limits.max_connections ({limits.max_connections}) is below max_concurrency "
            f"({count}): requests past the pool's size would wait for a connection and fail "
            "with a pool timeout; raise max_connections or lower max_concurrency"
        )
    return Concurrency(count, limits)


def permit_wait_message(waited: float, total: int, open_streams: int) -> str:
    """The warning logged when a request has waited ``waited`` seconds for a permit."""
    head = (
        f"a request has waited {waited:g} s for one of this client's {total} request "
        "permits (max_concurrency)"
    )
    if open_streams:
        return (
            f"{head}; {open_streams} held by conversation turns whose streams are still "
            "open: read each turn to its end or close it (use turns as context managers)"
        )
    return f"{head}; all are held by requests still running (uploads, downloads, calls)"

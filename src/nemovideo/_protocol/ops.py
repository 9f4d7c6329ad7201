"""The operations a flow asks its driver to perform.

A *flow* is a generator that yields these operations and receives their results
(or has the I/O error thrown into it). All decisions live in flows; the sync and
async clients only perform operations, so each decision is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import attrs

from .._secret import Secret
from .requests import RequestSpec

T = TypeVar("T")


@attrs.frozen
class Send:
    """Send a request and return the ``httpx.Response`` read whole (at most
    ``ResponseLimits.max_json_bytes`` of body, else
    [ResponseTooLargeError][nemovideo.ResponseTooLargeError])."""

    spec: RequestSpec


@attrs.frozen
class OpenStream:
    """Send a request and return the ``httpx.Response`` with its body still unread.

    If the answer is not an event stream (``is_event_stream``),
    the driver reads it (as a `Send` does) and closes it first, so the flow can map it
    to an error.
    """

    spec: RequestSpec


@attrs.frozen
class Sleep:
    """Wait this many seconds (the driver's injectable sleep)."""

    seconds: float


@attrs.frozen
class GetToken:
    """Return a usable bearer token, fetching an anonymous one if needed.

    ``stale`` is a token that just failed: if it is still the current one, a new
    token is fetched. The driver runs this under a lock, so concurrent first calls
    cause one token request.
    """

    stale: Secret | None = None


@attrs.frozen
class Download:
    """Stream a GET into ``target`` through a temporary file beside it.

    The driver returns a ``DownloadOutcome``;
    the target is replaced only when the body is complete. The bytes are written as
    sent (never decompressed), within the limits of ``transfer.DownloadMeter``.
    """

    spec: RequestSpec
    target: Path
    on_progress: Callable[[int, int | None], None] | None = None


Op: TypeAlias = Send | OpenStream | Sleep | GetToken | Download
Flow: TypeAlias = Generator[Op, Any, T]

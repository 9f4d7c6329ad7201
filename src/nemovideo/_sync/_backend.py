"""What the sync shell does differently from the async one, behind a few named helpers.

Written by hand (``scripts/unasync.py`` does not generate it): waiting, locks, the
request permits, blocking file work, bounded fan-out on threads, and streamed upload
bodies. The
async twin is ``nemovideo._async._backend``.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, ParamSpec, TypeVar

import httpx

from .._io import iter_multipart
from .._protocol import responses
from .._protocol.requests import MultipartPlan
from .._protocol.timing import Timing
from .._transport import http_client_options
from ..models.response import APIResponse

__all__ = [
    "Limiter",
    "Lock",
    "entered",
    "iter_body",
    "map_bounded",
    "new_http_client",
    "raw_chunks",
    "raw_method",
    "run_blocking",
    "sleeper",
]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

Lock = threading.Lock
"""A lock for threads."""


class Limiter:
    """At most ``total`` permits out at once, for threads.

    A permit is not tied to the thread that took it: a turn's stream may be closed by
    another thread than the one that opened it.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self._semaphore = threading.BoundedSemaphore(total)

    def acquire(self, patience: float, on_slow: Callable[[float], None]) -> None:
        """Take a permit, waiting as long as needed; ``on_slow(patience)`` is called once
        when the wait passes ``patience`` seconds."""
        if self._semaphore.acquire(timeout=patience):
            return
        on_slow(patience)
        self._semaphore.acquire()

    def release(self) -> None:
        """Give a permit back (giving back more than were taken raises ``ValueError``)."""
        self._semaphore.release()


def sleeper(timing: Timing) -> Callable[[float], None]:
    """How to wait: the timing's own (tests), else ``time.sleep``."""
    return timing.sleep or time.sleep


def new_http_client(limits: httpx.Limits | None = None) -> httpx.Client:
    """The default connection pool: keepalive on, proxies from the environment kept,
    ``limits`` on every transport (httpx's defaults when ``None``)."""
    return httpx.Client(**http_client_options(asynchronous=False, limits=limits))


def run_blocking(function: Callable[..., T], *args: Any) -> T:
    """Run blocking file work (here, in the calling thread)."""
    return function(*args)


def map_bounded(function: Callable[[T], R], items: Sequence[T], limit: int) -> list[R | Exception]:
    """``function`` over ``items``, at most ``limit`` at once in threads; results in
    order, each failure in place of its result."""

    def one(item: T) -> R | Exception:
        try:
            return function(item)
        except Exception as exc:
            return exc

    if len(items) <= 1:
        return [one(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor  # loaded on first fan-out only

    with ThreadPoolExecutor(max_workers=max(1, min(limit, len(items)))) as pool:
        return list(pool.map(one, items))


def iter_body(plan: MultipartPlan) -> Iterator[bytes]:
    """The multipart body of ``plan``, read from disk chunk by chunk, reporting progress
    when the plan has a tracker."""
    if plan.progress is not None:
        plan.progress.restart(plan.boundary)
    chunks = iter_multipart(plan)
    try:
        for chunk in chunks:
            yield chunk
            if plan.progress is not None:
                plan.progress.advance(plan.boundary, len(chunk))
    finally:
        chunks.close()


def raw_chunks(response: httpx.Response) -> Iterator[bytes]:
    """The body's bytes as sent, never decompressed; an answer made already read (by a
    mock transport) has only its content to give."""
    if response.is_stream_consumed:
        yield response.content
        return
    yield from response.iter_raw()


def entered(manager: AbstractContextManager[T]) -> AbstractContextManager[T]:
    """Hold a blocking context manager (a file lock), here in the calling thread."""
    return manager


def raw_method(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """``method``, returning its result with the last answer it read."""

    @functools.wraps(method)
    def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        with responses.capture() as log:
            result = method(*args, **kwargs)
        return responses.raw_response(result, log)

    return raw

"""What the async shell does differently from the sync one, behind a few named helpers.

Written by hand (``scripts/unasync.py`` does not generate it): waiting, locks, the
request permits, blocking file work in worker threads, bounded fan-out, and streamed
upload bodies.
The sync twin is ``nemovideo._sync._backend``.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread
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

Lock = anyio.Lock
"""A lock for tasks (asyncio or trio)."""


class Limiter:
    """At most ``total`` permits out at once, for tasks on asyncio or trio.

    A permit is not tied to the task that took it: a turn's stream may be closed by
    another task than the one that opened it.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self._semaphore = anyio.Semaphore(total, max_value=total)

    async def acquire(self, patience: float, on_slow: Callable[[float], None]) -> None:
        """Take a permit, waiting as long as needed; ``on_slow(patience)`` is called once
        when the wait passes ``patience`` seconds."""
        try:
            self._semaphore.acquire_nowait()
            return
        except anyio.WouldBlock:
            pass
        with anyio.move_on_after(patience):
            await self._semaphore.acquire()
            return
        on_slow(patience)
        await self._semaphore.acquire()

    def release(self) -> None:
        """Give a permit back (giving back more than were taken raises ``ValueError``)."""
        self._semaphore.release()


def sleeper(timing: Timing) -> Callable[[float], Awaitable[None]]:
    """How to wait: the timing's own (tests), else ``anyio.sleep``."""
    return timing.async_sleep or anyio.sleep


def new_http_client(limits: httpx.Limits | None = None) -> httpx.AsyncClient:
    """The default connection pool: keepalive on, proxies from the environment kept,
    ``limits`` on every transport (httpx's defaults when ``None``)."""
    return httpx.AsyncClient(**http_client_options(asynchronous=True, limits=limits))


async def run_blocking(function: Callable[..., T], *args: Any) -> T:
    """Run blocking file work in a worker thread."""
    return await anyio.to_thread.run_sync(function, *args)


async def map_bounded(
    function: Callable[[T], Awaitable[R]], items: Sequence[T], limit: int
) -> list[R | Exception]:
    """``function`` over ``items``, at most ``limit`` at once; results in order, each
    failure in place of its result (cancellation is not caught)."""
    results: list[R | Exception] = [ValueError("not run")] * len(items)
    limiter = anyio.CapacityLimiter(max(1, limit))

    async def one(index: int, item: T) -> None:
        async with limiter:
            try:
                results[index] = await function(item)
            except Exception as exc:
                results[index] = exc

    async with anyio.create_task_group() as group:
        for index, item in enumerate(items):
            group.start_soon(one, index, item)
    return results


async def iter_body(plan: MultipartPlan) -> AsyncIterator[bytes]:
    """The multipart body of ``plan``, read from disk in a worker thread, chunk by chunk,
    reporting progress when the plan has a tracker."""
    if plan.progress is not None:
        plan.progress.restart(plan.boundary)
    chunks = iter_multipart(plan)
    try:
        while True:
            chunk = await anyio.to_thread.run_sync(next, chunks, None)
            if chunk is None:
                return
            yield chunk
            if plan.progress is not None:
                plan.progress.advance(plan.boundary, len(chunk))
    finally:
        chunks.close()


async def raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's bytes as sent, never decompressed; an answer made already read (by a
    mock transport) has only its content to give."""
    if response.is_stream_consumed:
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


@asynccontextmanager
async def entered(manager: AbstractContextManager[T]) -> AsyncIterator[T]:
    """Hold a blocking context manager (a file lock): enter and leave it in a worker
    thread, so the event loop never waits on another process."""
    value = await anyio.to_thread.run_sync(manager.__enter__)
    try:
        yield value
    except BaseException as error:
        exited = await anyio.to_thread.run_sync(
            manager.__exit__, type(error), error, error.__traceback__
        )
        if not exited:
            raise
    else:
        await anyio.to_thread.run_sync(manager.__exit__, None, None, None)


def raw_method(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    """``method``, returning its result with the last answer it read."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        with responses.capture() as log:
            result = await method(*args, **kwargs)
        return responses.raw_response(result, log)

    return raw

"""Shorter waits for clients that talk to the live emulator.

The SDK waits between render polls (2 s, growing), between settle reads and before
retries; the emulator answers in milliseconds. ``short_waits`` scales every wait of
the clients created inside it. Unlike ``nemovideo.testing.no_waiting()`` the waits
stay real, so a render or a second stage still happens between two polls instead
of the client polling in a busy loop, and the clock stays real, so overall
timeouts still hold.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import anyio

from nemovideo.testing import timing


@contextmanager
def short_waits(factor: float = 0.1) -> Iterator[None]:
    """Clients created inside the block wait ``factor`` times each wait they ask for."""

    def sleep(seconds: float) -> None:
        time.sleep(seconds * factor)

    async def async_sleep(seconds: float) -> None:
        await anyio.sleep(seconds * factor)

    with timing(sleep=sleep, async_sleep=async_sleep):
        yield

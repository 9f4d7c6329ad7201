"""How clients measure time and wait: the real clock, unless the testing kit says otherwise.

Clients read `current_timing` once, when they are created. The testing kit
(`nemovideo.testing`) swaps it for a block of code, so tests can make waits
instant or drive a fake clock; the public constructors take no such knob.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

__all__ = ["Timing", "current_timing", "timing_override"]


@attrs.frozen
class Timing:
    """A clock and the ways to wait; ``None`` means the real one of each kind.

    Attributes:
        clock: a monotonic clock in seconds.
        sleep: how a sync client waits.
        async_sleep: how an async client waits.
    """

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] | None = None
    async_sleep: Callable[[float], Awaitable[None]] | None = None


_REAL = Timing()
_current: ContextVar[Timing] = ContextVar("nemovideo_timing", default=_REAL)


def current_timing() -> Timing:
    """The timing a client created now will use."""
    return _current.get()


@contextmanager
def timing_override(timing: Timing) -> Iterator[Timing]:
    """Clients created inside the block use ``timing``."""
    token = _current.set(timing)
    try:
        yield timing
    finally:
        _current.reset(token)

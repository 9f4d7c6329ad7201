"""The render workers: a bounded pool of threads that real renders wait in line for.

Renders used to start a thread each; every thread left its own memory arena behind
(glibc keeps one per thread that allocated), and the emulator's memory grew with every
job and never came back. A fixed set of threads reuses its arenas, and after each render the
freed memory is handed back to the system (``malloc_trim`` where the C library has it):
the memory of a hundred renders is that of the first few.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

__all__ = ["MAX_WAITING", "RenderWorkers", "Stopped", "release_memory"]

MAX_WAITING = 256
"""Renders that may wait for a worker; more are refused (HTTP 429)."""


@cache
def _trim() -> Any:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (macOS, musl)."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


def release_memory() -> None:
    """Hand the memory freed by a render back to the system, where the C library can."""
    trim = _trim()
    if trim is not None:
        trim(0)


class Stopped(Exception):
    """Raised inside a render when the workers are shut down (the render ends)."""


class RenderWorkers:
    """``size`` threads (default: one per CPU core) that run renders in the order they
    came; at most ``MAX_WAITING`` wait for one."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="render")
        self._lock = threading.Lock()
        self._waiting = 0
        self.stopping = threading.Event()

    def submit(self, work: Callable[[], None]) -> bool:
        """Queue ``work``; ``False`` when ``MAX_WAITING`` renders already wait or the
        workers are shut down."""
        with self._lock:
            if self._waiting >= MAX_WAITING or self.stopping.is_set():
                return False
            self._waiting += 1

        def run() -> None:
            with self._lock:
                self._waiting -= 1
            if self.stopping.is_set():
                return
            try:
                work()
            finally:
                release_memory()

        self._pool.submit(run)
        return True

    def check(self) -> None:
        """Raise ``Stopped`` once the workers are shut down (renders call it per frame)."""
        if self.stopping.is_set():
            raise Stopped("the emulator is closing")

    def shutdown(self) -> None:
        """Stop taking renders, end the running ones at their next frame, and wait for
        the threads."""
        self.stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

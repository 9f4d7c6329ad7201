"""Which sessions have a turn running: one turn at a time per session, per client."""

from __future__ import annotations

import threading

from ..errors import TurnInProgressError

__all__ = ["TurnRegistry"]


class TurnRegistry:
    """The sessions of one client with a turn still running (thread-safe).

    A second message while a turn runs would run twice and be charged twice, so
    `claim` refuses it before anything is sent.
    """

    def __init__(self) -> None:
        self._running: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, session_id: str) -> None:
        """Mark a turn as running on ``session_id``, or raise `TurnInProgressError`."""
        with self._lock:
            if session_id in self._running:
                raise TurnInProgressError(
                    f"a turn is still running on session {session_id}; the message was not "
                    "sent (it would run twice and be charged twice)"
                )
            self._running.add(session_id)

    def release(self, session_id: str) -> None:
        """The turn on ``session_id`` is over (or its connection closed)."""
        with self._lock:
            self._running.discard(session_id)

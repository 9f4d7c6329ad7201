"""The limits and recovery schedule of a conversation turn."""

from __future__ import annotations

import attrs

__all__ = ["TurnPolicy"]


@attrs.frozen
class TurnPolicy:
    """Limits and schedules of a turn; the defaults are the vendor's.

    Attributes:
        idle_timeout: seconds without a single byte before the turn times out.
        heartbeat_timeout: seconds of heartbeats only (no real event) before it times out.
        turn_timeout: the whole turn's limit.
        still_working_every: how often ``on_still_working`` is called.
        recovery_first_wait: after a drop, wait this long before the first state read.
        recovery_interval: then read the state this often.
        recovery_reads: unchanged reads before the turn is reported lost.
    """

    idle_timeout: float = 180.0
    heartbeat_timeout: float = 600.0
    turn_timeout: float = 900.0
    still_working_every: float = 120.0
    recovery_first_wait: float = 30.0
    recovery_interval: float = 60.0
    recovery_reads: int = 5

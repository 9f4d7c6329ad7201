"""The limits and recovery schedule of a conversation turn."""

from __future__ import annotations

import attrs

__all__ = ["TurnPolicy"]


@attrs.frozen
class TurnPolicy:
    """Limits and recovery schedule of a conversation turn; the defaults are the vendor's.

    Pass one to the client (``NemoVideo(turn_policy=TurnPolicy(turn_timeout=1800))``)
    or to a single message (``session.send(text, policy=...)``). All times are in
    seconds.

    Attributes:
        idle_timeout: no byte at all for this long ends the turn (default 180).
        heartbeat_timeout: only heartbeats, no real event, for this long ends the turn
            (default 600).
        turn_timeout: the whole turn's limit (default 900).
        still_working_every: how often ``on_still_working`` is called (default 120).
        recovery_first_wait: after a dropped stream, wait this long before the first
            state read (default 30).
        recovery_interval: then read the state this often (default 60).
        recovery_reads: unchanged reads before the turn is reported lost (default 5).
    """

    idle_timeout: float = 180.0
    heartbeat_timeout: float = 600.0
    turn_timeout: float = 900.0
    still_working_every: float = 120.0
    recovery_first_wait: float = 30.0
    recovery_interval: float = 60.0
    recovery_reads: int = 5

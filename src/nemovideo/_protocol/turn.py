"""One conversation turn (``POST /run_sse``) as pure code: open, read, time out, recover, report.

The drivers feed the stream's bytes to a ``TurnMachine`` and run the flows of
this module; every rule lives here once:

- the message POST is sent once; only a connection that provably never reached the
  server, a 429 or an expired anonymous token (rejected before the agent ran) is
  retried;
- limits: idle (no byte), heartbeats only, whole turn; each its own
  ``TurnTimeoutError`` kind;
- sizes (``ResponseLimits``): the longest line, the largest event, the events a turn
  keeps (heartbeats and comments are counted, never kept); past one, the turn ends
  with ``ResponseTooLargeError``;
- a dropped stream is recovered by reading state (30 s, then every 60 s, five
  unchanged reads = ``TurnLostError``), never by re-sending;
- every turn ends by reading the state and listing what changed.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs
import httpx

from .._limits import ResponseLimits
from ..errors import (
    AgentError,
    APIError,
    NotSettledError,
    ResponseTooLargeError,
    TurnError,
    TurnInProgressError,
    TurnLostError,
    TurnTimeoutError,
)
from ..models.changes import Change
from ..models.events import AgentCrash, AgentEvent, Heartbeat
from ..models.reply import Reply
from ..models.state import SessionState
from . import endpoints
from .calls import Call, CallContext, call_flow
from .changes import draft_changes
from .error_table import Endpoint
from .events import decode_frame
from .ops import Flow, Sleep
from .sse import SSEDecoder, SSELimitError
from .turn_policy import TurnPolicy

logger = logging.getLogger("nemovideo")

RUN_PATH = "/run_sse"

StillWorkingHook = Callable[[float], None]
StreamError = httpx.TransportError | httpx.DecodingError
"""What reading a stream can raise: the network's errors, or a body its
``Content-Encoding`` does not describe. Either ends the stream as a drop."""
"""Called with the seconds elapsed, every ``still_working_every`` during a long turn."""


def run_body(session_id: str, text: str) -> dict[str, Any]:
    """The body of the conversation request (``POST /run_sse``)."""
    return {
        "app_name": endpoints.APP_NAME,
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
    }


def open_flow(
    ctx: CallContext, session_id: str, text: str, policy: TurnPolicy
) -> Flow[tuple[SessionState, Any]]:
    """Read the state before the turn, then POST the message once; returns both."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a message needs some text")
    before = yield from endpoints.state(ctx, session_id)
    call = Call(
        "POST",
        RUN_PATH,
        json=run_body(session_id, text),
        stream=True,
        read_timeout=policy.idle_timeout,
        extra_headers=(("Accept", "text/event-stream"),),
        name=Endpoint.CONVERSATION,
    )
    try:
        response = yield from call_flow(ctx, call)
    except APIError as exc:
        if exc.status_code == 409:
            # Another client (or process) has a turn running on this session.
            raise TurnInProgressError(
                f"the service refused the message, a turn is already running on this "
                f"session; nothing ran ({exc})"
            ) from exc
        raise
    return before, response


TurnEnd = TurnError | ResponseTooLargeError
"""What can end a turn other than its reply."""

_SSE_LIMITS = {"line": "max_sse_line_bytes", "event": "max_sse_event_bytes"}


@attrs.define
class TurnMachine:
    """Bytes of the stream in, events out; tracks the limits and the crash frame.

    ``events`` keeps every event but heartbeats (at most ``max_turn_events``), which
    are counted in ``heartbeats``; ``pending`` holds those not yet handed out,
    heartbeats included (at most the events of one chunk).
    """

    policy: TurnPolicy
    started: float
    on_still_working: StillWorkingHook | None = None
    limits: ResponseLimits = attrs.field(factory=ResponseLimits)
    events: list[AgentEvent] = attrs.field(factory=list)
    heartbeats: int = 0
    crash: AgentCrash | None = None
    pending: deque[AgentEvent] = attrs.field(factory=deque)
    dropped: bool = False
    ended: bool = False
    reply: Reply | None = None
    error: TurnEnd | None = None
    _decoder: SSEDecoder = attrs.field(init=False)
    _last_real: float = attrs.field(default=0.0, alias="_last_real")
    _last_notice: float = attrs.field(default=0.0, alias="_last_notice")

    def __attrs_post_init__(self) -> None:
        self._last_real = self._last_notice = self.started
        self._decoder = SSEDecoder(
            max_line=self.limits.max_sse_line_bytes, max_data=self.limits.max_sse_event_bytes
        )

    def take(self, read: bytes | StreamError | None, now: float) -> bool:
        """Take what one read of the stream gave: a chunk, ``None`` at the end of the
        body, or the transport (or decoding) error it raised, a drop. Events go to
        ``pending``.

        Returns whether the stream is over (its end, a crash frame, or a drop). A
        read timeout is the idle limit; it and the other limits end the turn with a
        [TurnTimeoutError][nemovideo.TurnTimeoutError], which is raised; a size limit
        ends it with [ResponseTooLargeError][nemovideo.ResponseTooLargeError].
        """
        try:
            if isinstance(read, httpx.TransportError | httpx.DecodingError):
                if isinstance(read, httpx.TimeoutException):
                    raise self.timeout("idle", now) from None
                logger.info("turn stream broke: %s", type(read).__name__)
                self.dropped = True
                return True
            if read is None:
                self.pending.extend(self.close(now))
                return True
            self.pending.extend(self.feed(read, now))
            return self.crash is not None
        except (TurnError, ResponseTooLargeError) as error:
            self.end(error=error)
            raise

    def finish(self, ctx: CallContext, session_id: str, before: SessionState) -> Flow[Reply]:
        """The flow that ends the turn once the stream is over (see ``finish_flow``)."""
        return finish_flow(ctx, session_id, self, before, dropped=self.dropped)

    def done(self, reply: Reply | None, error: TurnEnd | None) -> None:
        """Record how the finishing flow ended."""
        self.end(reply=reply, error=error)

    def end(self, reply: Reply | None = None, error: TurnEnd | None = None) -> None:
        """The turn is over, with its reply or the error that ended it."""
        self.ended, self.reply, self.error = True, reply, error

    def next_event(self) -> AgentEvent | None:
        """The next event to hand out, or ``None`` when there is none pending."""
        return self.pending.popleft() if self.pending else None

    def outcome(self) -> Reply:
        """The reply of an ended turn, or the error that ended it."""
        if self.error is not None:
            raise self.error
        assert self.reply is not None, "outcome() before the turn ended"
        return self.reply

    def feed(self, chunk: bytes, now: float) -> list[AgentEvent]:
        """Decode a chunk; raises [TurnTimeoutError][nemovideo.TurnTimeoutError] when a
        time limit is passed, [ResponseTooLargeError][nemovideo.ResponseTooLargeError]
        when a size limit is."""
        try:
            frames = self._decoder.feed(chunk)
        except SSELimitError as error:
            raise self.too_large(_SSE_LIMITS[error.kind], error.limit) from None
        return self._take([e for f in frames for e in decode_frame(f)], now)

    def close(self, now: float) -> list[AgentEvent]:
        """The body ended: the events of a last unterminated frame."""
        return self._take([e for f in self._decoder.close() for e in decode_frame(f)], now)

    def _take(self, events: list[AgentEvent], now: float) -> list[AgentEvent]:
        kept = [event for event in events if not isinstance(event, Heartbeat)]
        self.heartbeats += len(events) - len(kept)
        if kept:
            limit = self.limits.max_turn_events
            if len(self.events) + len(kept) > limit:
                raise self.too_large("max_turn_events", limit)
            self.events.extend(kept)
            for event in kept:
                if isinstance(event, AgentCrash):
                    self.crash = event
            self._last_real = now
        self.tick(now)
        return events

    def too_large(self, limit: str, value: int) -> ResponseTooLargeError:
        """The error of size limit ``limit`` (a field of ``ResponseLimits``)."""
        what = {
            "max_sse_line_bytes": f"a line longer than {value} bytes",
            "max_sse_event_bytes": f"an event with more than {value} characters of data",
            "max_turn_events": f"more than {value} events",
        }[limit]
        return ResponseTooLargeError(
            f"the conversation stream sent {what} (ResponseLimits.{limit}); the turn may "
            "still be running on the server, so read the state before sending anything else",
            limit=limit,
            value=value,
        )

    def tick(self, now: float) -> None:
        """Check the limits and call the still-working hook when it is due."""
        elapsed = now - self.started
        if elapsed > self.policy.turn_timeout:
            raise self.timeout("turn", now)
        if now - self._last_real > self.policy.heartbeat_timeout:
            raise self.timeout("heartbeats_only", now)
        self.notice(now)

    def notice(self, now: float) -> None:
        """Call ``on_still_working`` if ``still_working_every`` has passed since the last."""
        if self.on_still_working is None:
            return
        if now - self._last_notice >= self.policy.still_working_every:
            self._last_notice = now
            self.on_still_working(now - self.started)

    def timeout(self, kind: str, now: float) -> TurnTimeoutError:
        """The error for limit ``kind``, carrying what arrived so far."""
        limits = {
            "idle": ("no data for", self.policy.idle_timeout),
            "heartbeats_only": ("only heartbeats for", self.policy.heartbeat_timeout),
            "turn": ("the turn took longer than", self.policy.turn_timeout),
        }
        words, seconds = limits[kind]
        return TurnTimeoutError(
            f"turn timed out: {words} {seconds:g} s; it may still be running on the "
            "server, so read the state before sending anything else",
            kind=kind,
            elapsed=now - self.started,
            reply=Reply.from_events(self.events),
        )


def finish_flow(
    ctx: CallContext,
    session_id: str,
    machine: TurnMachine,
    before: SessionState,
    *,
    dropped: bool,
) -> Flow[Reply]:
    """After the stream: read the state (recovering first if it dropped) and report.

    A crash frame raises [AgentError][nemovideo.AgentError] carrying the partial reply.
    """
    if dropped:
        after = yield from recover_flow(ctx, session_id, machine, before)
    else:
        after = yield from endpoints.state(ctx, session_id)
    reply = Reply.from_events(
        machine.events,
        changes=draft_changes(before.draft, after.draft),
        state_before=before,
        state_after=after,
        recovered=dropped,
    )
    if machine.crash is not None:
        crash = machine.crash
        raise AgentError(
            f"the agent crashed: {crash.error}",
            error=crash.error,
            details=crash.details,
            reply=reply,
        )
    return reply


def _changed(before: SessionState, after: SessionState) -> bool:
    old: Any = before.raw.get("state", before.raw)
    new: Any = after.raw.get("state", after.raw)
    return bool(old != new)


def recover_flow(
    ctx: CallContext, session_id: str, machine: TurnMachine, before: SessionState
) -> Flow[SessionState]:
    """The stream dropped: read state on the vendor's schedule until it changes.

    Never re-sends the message. Raises [TurnLostError][nemovideo.TurnLostError] after
    ``recovery_reads`` unchanged reads.
    """
    policy = machine.policy
    logger.info("turn stream dropped; recovering by reading state, not re-sending")
    wait = policy.recovery_first_wait
    for read in range(1, policy.recovery_reads + 1):
        yield Sleep(wait)
        machine.notice(ctx.clock())
        after = yield from endpoints.state(ctx, session_id)
        if _changed(before, after):
            logger.info("turn recovered after %d state read(s)", read)
            return after
        wait = policy.recovery_interval
    raise TurnLostError(
        f"the stream dropped and the state did not change in {policy.recovery_reads} reads; "
        "the message was not sent again",
        reads=policy.recovery_reads,
        reply=Reply.from_events(machine.events, state_before=before, recovered=True),
    )


def settle_flow(
    ctx: CallContext,
    session_id: str,
    *,
    since: SessionState | None,
    interval: float,
    stable_reads: int,
    timeout: float,
) -> Flow[list[Change]]:
    """Poll the state until the draft is the same for ``stable_reads`` reads in a row.

    Returns what changed since ``since`` (or since the first read). Raises
    [NotSettledError][nemovideo.NotSettledError] when ``timeout`` passes first.
    """
    if stable_reads < 1 or interval < 0 or timeout < 0:
        raise ValueError("stable_reads must be >= 1, interval and timeout >= 0")
    started = ctx.clock()
    first = yield from endpoints.state(ctx, session_id)
    base = since if since is not None else first
    last, same = first, 0
    while same < stable_reads:
        if ctx.clock() - started + interval > timeout:
            raise NotSettledError(
                f"the draft was still changing after {timeout:g} s",
                changes=draft_changes(base.draft, last.draft),
            )
        yield Sleep(interval)
        current = yield from endpoints.state(ctx, session_id)
        same = same + 1 if current.draft_dict == last.draft_dict else 0
        last = current
    return draft_changes(base.draft, last.draft)

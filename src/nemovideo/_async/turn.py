"""A running conversation turn: a thin shell over ``nemovideo._protocol.turn``.

A turn is an iterator of events and a context manager that closes the connection
when left early. ``result()`` reads what is left and gives the
[Reply][nemovideo.Reply]. Breaking out of a loop does not close the stream;
leaving the ``with`` block does.

An open stream holds one of the client's request permits (``max_concurrency``): it is
given back when the stream ends (its end, a crash frame, a drop, a timeout, before the
state is read) or when the turn is closed, whichever comes first, and only once.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import httpx

from .._protocol.options import CallOptions
from .._protocol.turn import StreamError, TurnMachine
from ..errors import TurnError
from ..models.events import AgentEvent
from ..models.reply import Reply, TextJoiner
from ..models.state import SessionState
from .driver import AsyncDriver

__all__ = ["AsyncTurn"]


class AsyncTurn:
    """A running conversation turn. Get one from
    [AsyncSession.send][nemovideo.AsyncSession.send].

    Iterate it for [AgentEvent][nemovideo.AgentEvent]s as they arrive; partial text
    events come first and the final one repeats the whole text. When the stream
    ends (or drops, or the agent crashes) the turn reads the state and lists what
    changed.

    Until its stream ends or it is closed, a turn holds one of the client's
    ``max_concurrency`` request permits: read every turn to its end or close it
    (use it as a context manager), or other requests of the client wait.

    Attributes:
        session_id: the session the turn runs on.
        state_before: the session's state read just before the message was sent.
    """

    def __init__(
        self,
        driver: AsyncDriver,
        session_id: str,
        before: SessionState,
        response: httpx.Response,
        machine: TurnMachine,
        options: CallOptions | None = None,
    ) -> None:
        self._driver = driver
        self._options = options or CallOptions()
        self.session_id = session_id
        self.state_before = before
        self._response = response
        self._chunks = response.aiter_bytes()
        self._machine = machine
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(session_id={self.session_id!r}, ended={self.ended})"

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError(
            "a running turn cannot be pickled (it is an open stream); pickle its session, "
            "or the reply of turn.result()"
        )

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            warnings.warn(
                f"a turn on session {self.session_id} was never closed: its stream keeps a "
                "connection and one of the client's request permits; read turns to their "
                "end or close them (use them as context managers)",
                ResourceWarning,
                stacklevel=2,
            )

    @property
    def heartbeats(self) -> int:
        """The heartbeats and comments received so far: handed out as they come, but
        counted rather than kept in the [Reply][nemovideo.Reply]'s ``events``."""
        return self._machine.heartbeats

    @property
    def ended(self) -> bool:
        """Whether the turn is over (its reply or its error is known)."""
        return self._machine.ended

    async def __aenter__(self) -> AsyncTurn:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncTurn:
        return self

    async def __anext__(self) -> AgentEvent:
        machine = self._machine
        while True:
            event = machine.next_event()
            if event is not None:
                return event
            if machine.ended:
                if machine.error is not None:
                    raise machine.error
                raise StopAsyncIteration
            await self._pull()

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The agent's text as it arrives: partial pieces at once, then what the final
        text adds, a newline between messages; joined, the pieces are ``reply.text``.

        It reads the turn's events from where the turn is (as iterating the turn does,
        sharing the same stream): use it *instead of* iterating the events, then call
        `result` for the [Reply][nemovideo.Reply]. A turn that ends in an error raises
        it from the loop, as iterating the events does.

            async with await session.send("rank these clips") as turn:
                async for text in turn.text_stream:
                    print(text, end="", flush=True)
                reply = await turn.result()
        """
        return self._texts()

    async def _texts(self) -> AsyncIterator[str]:
        joiner = TextJoiner()
        async for event in self:
            shown = joiner.feed(event)
            if shown:
                yield shown

    async def result(self) -> Reply:
        """Read the rest of the turn and return its [Reply][nemovideo.Reply].

        Raises the [TurnError][nemovideo.TurnError] that ended the turn, if one did
        ([AgentError][nemovideo.AgentError], [TurnTimeoutError][nemovideo.TurnTimeoutError],
        [TurnLostError][nemovideo.TurnLostError]); each carries the partial reply.
        """
        async for _ in self:
            pass
        return self._machine.outcome()

    async def aclose(self) -> None:
        """Close the connection (the turn may go on on the server), give its request
        permit back and free the session."""
        if not self._closed:
            self._closed = True
            try:
                await self._driver.close_stream(self._response)
            finally:
                self._driver.turns.release(self.session_id)

    async def _pull(self) -> None:
        read: bytes | StreamError | None
        try:
            read = await anext(self._chunks, None)
        except (httpx.TransportError, httpx.DecodingError) as error:
            read = error
        try:
            over = self._machine.take(read, self._driver.clock())
        except BaseException:
            await self.aclose()
            raise
        del read  # the stream's bytes may echo a token: not kept in this frame's locals
        if over:
            await self._driver.close_stream(self._response)  # the permit, before state reads
            try:
                context = self._driver.context.with_options(self._options)
                flow = self._machine.finish(context, self.session_id, self.state_before)
                self._machine.done(await self._driver.run(flow), None)
            except TurnError as error:
                self._machine.done(None, error)
            finally:
                await self.aclose()

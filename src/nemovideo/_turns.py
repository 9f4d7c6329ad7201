"""Turn handles of both clients: thin shells over :mod:`nemovideo._protocol.turn`.

A turn is an iterator of events (``for`` / ``async for``) and a context manager that
closes the connection when left early. ``result()`` reads what is left and gives
the :class:`~nemovideo.Reply`. Breaking out of a loop does not close the stream;
leaving the ``with`` block does.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._protocol.turn import TurnMachine
from .errors import TurnError
from .models.events import AgentEvent
from .models.reply import Reply
from .models.state import SessionState

if TYPE_CHECKING:
    from ._async_client import AsyncNemoVideo
    from ._client import NemoVideo

__all__ = ["AsyncTurn", "Turn"]


class Turn:
    """A running conversation turn (sync). Get one from :meth:`Session.send`."""

    def __init__(
        self,
        client: NemoVideo,
        session_id: str,
        before: SessionState,
        response: httpx.Response,
        machine: TurnMachine,
    ) -> None:
        self._client = client
        self.session_id = session_id
        self.state_before = before
        self._response = response
        self._chunks = response.iter_bytes()
        self._machine = machine
        self._closed = False

    def __repr__(self) -> str:
        return f"Turn(session_id={self.session_id!r}, ended={self._machine.ended})"

    def __enter__(self) -> Turn:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[AgentEvent]:
        return self

    def __next__(self) -> AgentEvent:
        machine = self._machine
        while True:
            event = machine.next_event()
            if event is not None:
                return event
            if machine.ended:
                if machine.error is not None:
                    raise machine.error
                raise StopIteration
            self._pull()

    def result(self) -> Reply:
        """Read the rest of the turn and return its reply (raises what ended it)."""
        for _ in self:
            pass
        return self._machine.outcome()

    def close(self) -> None:
        """Close the connection (the turn may go on on the server) and free the session."""
        if not self._closed:
            self._closed = True
            self._response.close()
            self._client._release_turn(self.session_id)

    def _pull(self) -> None:
        read: bytes | httpx.TransportError | None
        try:
            read = next(self._chunks, None)
        except httpx.TransportError as error:
            read = error
        try:
            over = self._machine.take(read, self._client._ctx.clock())
        except BaseException:
            self.close()
            raise
        if over:
            self._response.close()
            try:
                flow = self._machine.finish(self._client._ctx, self.session_id, self.state_before)
                self._machine.done(self._client._run(flow), None)
            except TurnError as error:
                self._machine.done(None, error)
            finally:
                self.close()


class AsyncTurn:
    """A running conversation turn (async). Get one from :meth:`AsyncSession.send`."""

    def __init__(
        self,
        client: AsyncNemoVideo,
        session_id: str,
        before: SessionState,
        response: httpx.Response,
        machine: TurnMachine,
    ) -> None:
        self._client = client
        self.session_id = session_id
        self.state_before = before
        self._response = response
        self._chunks = response.aiter_bytes()
        self._machine = machine
        self._closed = False

    def __repr__(self) -> str:
        return f"AsyncTurn(session_id={self.session_id!r}, ended={self._machine.ended})"

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

    async def result(self) -> Reply:
        """Read the rest of the turn and return its reply (raises what ended it)."""
        async for _ in self:
            pass
        return self._machine.outcome()

    async def aclose(self) -> None:
        """Close the connection (the turn may go on on the server) and free the session."""
        if not self._closed:
            self._closed = True
            await self._response.aclose()
            self._client._release_turn(self.session_id)

    async def _pull(self) -> None:
        read: bytes | httpx.TransportError | None
        try:
            read = await anext(self._chunks, None)
        except httpx.TransportError as error:
            read = error
        try:
            over = self._machine.take(read, self._client._ctx.clock())
        except BaseException:
            await self.aclose()
            raise
        if over:
            await self._response.aclose()
            try:
                flow = self._machine.finish(self._client._ctx, self.session_id, self.state_before)
                self._machine.done(await self._client._run(flow), None)
            except TurnError as error:
                self._machine.done(None, error)
            finally:
                await self.aclose()


class AsyncTurnOpener:
    """What :meth:`AsyncSession.send` returns: ``await`` it or use ``async with``."""

    def __init__(self, opening: Callable[[], Coroutine[Any, Any, AsyncTurn]]) -> None:
        self._opening = opening
        self._turn: AsyncTurn | None = None

    def __await__(self) -> Generator[Any, None, AsyncTurn]:
        return self._opening().__await__()

    async def __aenter__(self) -> AsyncTurn:
        self._turn = await self._opening()
        return self._turn

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._turn is not None:
            await self._turn.aclose()

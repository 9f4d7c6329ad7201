"""A testing kit for code built on nemovideo: fixtures, fault switches, no network.

Installed as a pytest plugin (entry point ``nemovideo``), it gives every test suite
these fixtures once ``nemovideo[emulator]`` is installed:

- ``nemovideo_emulator``: a :class:`~nemovideo.emulator.RunningEmulator` on a free
  127.0.0.1 port (one per session, reset before each test);
- ``nemovideo_client`` / ``nemovideo_async_client``: a ``NemoVideo`` /
  ``AsyncNemoVideo`` bound to it, with no real sleeping between retries;
- ``nemovideo_faults``: a :class:`Faults` handle to make the next calls fail the
  way the service does, and to read what the emulator received.

For tests that must not open sockets, :func:`in_process_client` runs the emulator
inside the test's own HTTP client (Starlette's test transport), with no port at all.

Example::

    def test_my_report(nemovideo_client, nemovideo_faults):
        nemovideo_faults.out_of_credits()
        with pytest.raises(nemovideo.InsufficientCreditsError):
            my_app.make_report(nemovideo_client)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs
import httpx
import pytest

from ._async_client import AsyncNemoVideo
from ._client import NemoVideo

if TYPE_CHECKING:
    from .emulator import Emulator, ReceivedRequest, RunningEmulator

__all__ = ["Faults", "InProcessTransport", "in_process_client"]


def _no_sleep(seconds: float) -> None:
    return None


async def _no_async_sleep(seconds: float) -> None:
    return None


@attrs.frozen
class Faults:
    """Switches for the failures a real service produces, on one emulator."""

    emulator: Emulator

    def expired_token(self) -> None:
        """Every token now gets code 1001 (anonymous ones are renewed by the SDK)."""
        self.emulator.expire_tokens()

    def out_of_credits(self) -> None:
        """The current user has no credits left (code 2001 on the next paid call)."""
        self.emulator.set_credits(available=0)

    def rate_limited(self, path: str = ".", *, retry_after: int | None = 1, times: int = 1) -> None:
        """The next ``times`` calls whose path matches ``path`` get HTTP 429."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        self.emulator.arm_fault(path, status=429, headers=headers, times=times)

    def server_error(self, path: str = ".", *, status: int = 503, times: int = 1) -> None:
        """The next ``times`` calls matching ``path`` fail with a 5xx status."""
        self.emulator.arm_fault(path, status=status, times=times)

    def render_failure(self, times: int = 1) -> None:
        """The next ``times`` renders end as failed."""
        self.emulator.fail_next_renders(times)

    def dropped_stream(self) -> None:
        """The next turn's connection is cut after its first event (the edit finishes)."""
        self.emulator.script_next_turn(drop=True)

    def silent_turn(self) -> None:
        """The next turn answers with tool calls only, no text."""
        self.emulator.script_next_turn(silent=True)

    def agent_crash(self, error: str = "RuntimeError: the agent crashed") -> None:
        """The next turn ends with a crash frame."""
        self.emulator.script_next_turn(crash=error)

    def clear(self) -> None:
        """Disarm every fault."""
        self.emulator.clear_faults()

    def fault(self, path: str, **options: Any) -> None:
        """Any other fault: see :meth:`nemovideo.emulator.Emulator.arm_fault`."""
        self.emulator.arm_fault(path, **options)

    @property
    def requests(self) -> list[ReceivedRequest]:
        """What the emulator received, oldest first (authorization redacted)."""
        return self.emulator.requests

    def paths(self, method: str | None = None) -> list[str]:
        """The paths received (of one method, if given)."""
        return [r.path for r in self.requests if method is None or r.method == method]


class InProcessTransport(httpx.BaseTransport):
    """An ``httpx`` transport that hands each request to an ASGI app in this process.

    The app runs on an event loop in a helper thread (an anyio blocking portal), so
    its background work (renders, turns) goes on between requests. Answers arrive
    whole: a turn's events come all at once at its end.
    """

    def __init__(self, app: Any, portal: Any) -> None:
        self._portal = portal
        self._client = portal.call(self._open, app)

    @staticmethod
    async def _open(app: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))

    async def _send(self, request: httpx.Request, body: bytes) -> httpx.Response:
        forwarded = self._client.build_request(
            request.method, request.url, headers=request.headers, content=body
        )
        answer = await self._client.send(forwarded)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the app and return its complete answer."""
        body = request.read()
        answer: httpx.Response = self._portal.call(self._send, request, body)
        return answer

    def close(self) -> None:
        """Close the in-process connection."""
        self._portal.call(self._client.aclose)


@contextmanager
def in_process_client(emulator: Emulator | None = None, **kwargs: Any) -> Iterator[NemoVideo]:
    """A sync client whose requests go straight into an in-process emulator: no socket.

    Turn streams arrive whole rather than piece by piece, and a dropped connection
    cannot be emulated this way; use the ``nemovideo_emulator`` fixture for those.
    """
    from anyio.from_thread import start_blocking_portal

    from .emulator import Emulator
    from .emulator.app import create_app

    world = emulator or Emulator()
    kwargs.setdefault("client_id", "in-process")
    kwargs.setdefault("sleep", _no_sleep)
    base = "http://127.0.0.1"
    try:
        with start_blocking_portal() as portal:
            transport = InProcessTransport(create_app(world), portal)
            with (
                httpx.Client(transport=transport) as http,
                NemoVideo(base_url=base, http_client=http, **kwargs) as client,
            ):
                yield client
    finally:
        if emulator is None:
            world.close()


@pytest.fixture(scope="session")
def _nemovideo_server() -> Iterator[RunningEmulator]:
    from .emulator import serve

    with serve() as running:
        yield running


@pytest.fixture
def nemovideo_emulator(_nemovideo_server: RunningEmulator) -> Iterator[RunningEmulator]:
    """A running emulator on 127.0.0.1 (``.url``, ``.emulator``), reset for each test."""
    _nemovideo_server.emulator.reset()
    yield _nemovideo_server
    _nemovideo_server.emulator.reset()


@pytest.fixture
def nemovideo_client(nemovideo_emulator: RunningEmulator) -> Iterator[NemoVideo]:
    """A ``NemoVideo`` bound to the emulator (anonymous token, no real sleeping)."""
    with NemoVideo(
        base_url=nemovideo_emulator.url, client_id="nemovideo-testing", sleep=_no_sleep
    ) as client:
        yield client


@pytest.fixture
async def nemovideo_async_client(
    nemovideo_emulator: RunningEmulator,
) -> AsyncIterator[AsyncNemoVideo]:
    """An ``AsyncNemoVideo`` bound to the emulator (use with an async test plugin)."""
    async with AsyncNemoVideo(
        base_url=nemovideo_emulator.url, client_id="nemovideo-testing", sleep=_no_async_sleep
    ) as client:
        yield client


@pytest.fixture
def nemovideo_faults(nemovideo_emulator: RunningEmulator) -> Faults:
    """Fault switches and the request log of the emulator."""
    return Faults(nemovideo_emulator.emulator)

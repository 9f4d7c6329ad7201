"""A testing kit for code built on nemovideo: fault switches, fake time, no network.

The pytest plugin (``nemovideo.pytest_plugin``, registered when nemovideo is
installed) gives these fixtures once ``nemovideo[emulator]`` is installed:

- [nemovideo_emulator][nemovideo.pytest_plugin.nemovideo_emulator]: a running
  emulator on a free 127.0.0.1 port (one per test session, reset before each test);
  its ``control_headers`` carry the control token its HTTP control routes need;
- [nemovideo_client][nemovideo.pytest_plugin.nemovideo_client] /
  [nemovideo_async_client][nemovideo.pytest_plugin.nemovideo_async_client]: a
  [NemoVideo][nemovideo.NemoVideo] / [AsyncNemoVideo][nemovideo.AsyncNemoVideo] bound
  to it, that never really waits between retries and polls;
- [nemovideo_faults][nemovideo.pytest_plugin.nemovideo_faults]: a
  [Faults][nemovideo.testing.Faults] handle to make the next calls fail the way the
  service does, and to read what the emulator received.

For tests that must not open sockets,
[in_process_client][nemovideo.testing.in_process_client] runs the emulator inside
the test's own HTTP client, with no port at all.
[no_waiting][nemovideo.testing.no_waiting], [fake_clock][nemovideo.testing.fake_clock]
and [timing][nemovideo.testing.timing] control how clients created inside a block
measure time and wait.

Example:

```python
def test_my_report(nemovideo_client, nemovideo_faults):
    nemovideo_faults.out_of_credits()
    with pytest.raises(nemovideo.InsufficientCreditsError):
        my_app.make_report(nemovideo_client)
```
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import anyio.lowlevel
import httpx

from ._protocol.timing import Timing, timing_override
from ._sync.client import NemoVideo

if TYPE_CHECKING:
    from .emulator import Emulator, ReceivedRequest

__all__ = [
    "FakeClock",
    "Faults",
    "InProcessTransport",
    "fake_clock",
    "in_process_client",
    "no_waiting",
    "timing",
]


@contextmanager
def timing(
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
    async_sleep: Callable[[float], Awaitable[None]] | None = None,
) -> Iterator[None]:
    """Clients created inside the block measure time with ``clock`` and wait with
    ``sleep`` (sync clients) or ``async_sleep`` (async clients); ``None`` is the real one.
    """
    with timing_override(Timing(clock=clock, sleep=sleep, async_sleep=async_sleep)):
        yield


def _skip(seconds: float) -> None:
    return None


async def _skip_async(seconds: float) -> None:
    await anyio.lowlevel.checkpoint()


@contextmanager
def no_waiting() -> Iterator[None]:
    """Clients created inside the block never wait between retries or polls (the clock
    stays real, so overall timeouts still hold)."""
    with timing(sleep=_skip, async_sleep=_skip_async):
        yield


class FakeClock:
    """A clock that moves only when a client waits, or when you
    [advance][nemovideo.testing.FakeClock.advance] it.

    Attributes:
        now: the current time, in seconds.
        waits: every wait the clients asked for, in order.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """A sync client's wait: recorded, and the clock moves at once."""
        self.waits.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        """An async client's wait: recorded, and the clock moves at once."""
        self.sleep(seconds)
        await anyio.lowlevel.checkpoint()


@contextmanager
def fake_clock(clock: FakeClock | None = None) -> Iterator[FakeClock]:
    """Clients created inside the block run on ``clock`` (a new
    [FakeClock][nemovideo.testing.FakeClock] by default):
    their waits take no real time and move the clock instead."""
    chosen = clock or FakeClock()
    with timing(clock=chosen, sleep=chosen.sleep, async_sleep=chosen.async_sleep):
        yield chosen


class Faults:
    """Switches for the failures a real service produces, on one
    [Emulator][nemovideo.emulator.Emulator]. The
    [nemovideo_faults][nemovideo.pytest_plugin.nemovideo_faults] fixture gives one."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._anonymous_credits: int | None = None

    def expired_token(self) -> None:
        """Every token now gets code 1001 (anonymous ones are renewed by the SDK)."""
        self.emulator.expire_tokens()

    def out_of_credits(self) -> None:
        """No user has credits left, including anonymous users made from now on (code
        2001 on the next paid call), until [clear][nemovideo.testing.Faults.clear]."""
        if self._anonymous_credits is None:
            self._anonymous_credits = self.emulator.config.anonymous_credits
        self.emulator.configure(anonymous_credits=0)
        for token in list(self.emulator.store.tokens):
            self.emulator.set_credits(token, available=0)

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
        """Disarm every fault (new anonymous users get credits again)."""
        self.emulator.clear_faults()
        if self._anonymous_credits is not None:
            self.emulator.configure(anonymous_credits=self._anonymous_credits)
            self._anonymous_credits = None

    def fault(self, path: str, **options: Any) -> None:
        """Any other fault: see
        [Emulator.arm_fault][nemovideo.emulator.Emulator.arm_fault]."""
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
    base = "http://127.0.0.1"
    try:
        with start_blocking_portal() as portal:
            transport = InProcessTransport(create_app(world), portal)
            with httpx.Client(transport=transport) as http:
                with no_waiting():
                    client = NemoVideo(base_url=base, http_client=http, **kwargs)
                with client:
                    yield client
    finally:
        if emulator is None:
            world.close()

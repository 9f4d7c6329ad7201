"""The driver: performs what the pure flows of ``nemovideo._protocol`` decide.

Sessions, renders and turns reach the service only through the driver, `AsyncDriver`: it
runs flows (`AsyncDriver.call`), holds the settings, the token and the default turn
policy, keeps the registry of running turns, and owns the HTTP connections.

Its connections open on first use. In a child process made by ``fork``, every driver
drops the connections and locks it inherited (a worker must never read an answer meant
for its parent), and opens its own on first use. Handles unpickled in a process share
one driver per set of settings (`AsyncDriver.shared`).

It also holds the client's request permits (``max_concurrency``, see
``nemovideo._protocol.concurrency``): a `Send` or a `Download` holds one while its
request is sent and its answer read; an `OpenStream` takes one before its request, and
when the answer is an event stream the permit stays with the stream until
`AsyncDriver.close_stream` (a turn's end or close) gives it back, once. Sleeps and
token look-ups hold none (a token request is a `Send` of its own).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

import httpx

from .._config import Settings
from .._credentials import ConfigFolder, SavedTokens
from .._io import TempFileSink
from .._protocol import bodies, concurrency, transfer
from .._protocol.auth import TokenSource, TokenState, choose_saved
from .._protocol.calls import CallContext, anonymous_token_flow, is_event_stream
from .._protocol.ops import Download, Flow, GetToken, Op, OpenStream, Send, Sleep, T
from .._protocol.options import CallOptions
from .._protocol.registry import TurnRegistry
from .._protocol.retry import RetryHook
from .._protocol.timing import current_timing
from .._protocol.turn_policy import TurnPolicy
from .._secret import Secret
from .._transport import request_options
from ..errors import AuthenticationError
from ..models.token import TokenStatus
from . import _backend as backend

__all__ = ["AsyncDriver"]

logger = logging.getLogger("nemovideo")

P = ParamSpec("P")


class AsyncDriver:
    """The one object a client's sessions, renders and turns use to reach the service.

    Args:
        settings: the resolved settings.
        http_client: the caller's ``httpx.AsyncClient``, or ``None`` for the SDK's own.
        on_retry: called before each retry.
        turn_policy: the default limits of conversation turns.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: httpx.AsyncClient | None,
        on_retry: RetryHook | None,
        turn_policy: TurnPolicy,
        max_concurrency: int | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        pool = concurrency.resolve(max_concurrency, limits, own_pool=http_client is None)
        timing = current_timing()
        tokens = TokenState.given(settings.token, settings.token_origin)
        self.context = CallContext(
            settings=settings, tokens=tokens, on_retry=on_retry, clock=timing.clock
        )
        self.turn_policy = turn_policy
        self.turns = TurnRegistry()
        self._given_http = http_client
        self._own_http: httpx.AsyncClient | None = None
        self._limits = pool.limits
        self._permits = backend.Limiter(pool.max_concurrency)
        self._streams: set[httpx.Response] = set()
        self._warned_at = float("-inf")
        self._sleep = backend.sleeper(timing)
        self._token_lock = backend.Lock()
        self._client_id = settings.client_id
        self._client_id_lock = threading.Lock()
        self._http_lock = threading.Lock()
        self._folder = ConfigFolder(settings.config_dir)
        _LIVE.add(self)
        _SHARED.setdefault(settings.identity(), self)

    @classmethod
    def shared(cls, settings: Settings) -> AsyncDriver:
        """The driver of this process for ``settings`` (made on first need): unpickled
        handles use it, so a worker keeps one connection pool per set of settings."""
        key = settings.identity()
        driver = _SHARED.get(key)
        if driver is None:
            driver = cls(settings, http_client=None, on_retry=None, turn_policy=TurnPolicy())
            _SHARED[key] = driver
        return driver

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._given_http is not None:
            return self._given_http
        own = self._own_http
        if own is not None:  # made already: no lock needed to read it
            return own
        with self._http_lock:
            if self._own_http is None:
                self._own_http = backend.new_http_client(self._limits)
            return self._own_http

    def after_fork(self) -> None:
        """In a child process: forget the parent's connections (never close them: they
        are the parent's) and remake every lock, which another thread may have held."""
        self._own_http = None
        self._token_lock = backend.Lock()
        self._client_id_lock = threading.Lock()
        self._http_lock = threading.Lock()
        self.turns = TurnRegistry()
        self.context.tokens.after_fork()
        # Permits held by the parent's threads and streams are not this process's.
        self._permits = backend.Limiter(self._permits.total)
        self._streams = set()

    @property
    def settings(self) -> Settings:
        """The resolved settings (never shows the token)."""
        return self.context.settings

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at once, turns included."""
        return self._permits.total

    @property
    def pool_limits(self) -> httpx.Limits | None:
        """The limits of the SDK's own pool (``None`` with the caller's ``http_client``)."""
        return self._limits if self._given_http is None else None

    def clock(self) -> float:
        """The monotonic clock that timeouts are measured with."""
        return self.context.clock()

    def client_id(self) -> str:
        """The ``X-Client-Id``: argument, ``NEMO_CLIENT_ID``, or the client-id file."""
        with self._client_id_lock:
            if self._client_id is None:
                self._client_id = self._folder.client_id()
            return self._client_id

    async def aclose(self) -> None:
        """Close the connections (not those of an ``http_client`` the caller passed); a
        later call opens new ones."""
        if _SHARED.get(self.settings.identity()) is self:
            del _SHARED[self.settings.identity()]
        own, self._own_http = self._own_http, None
        if own is not None:
            await own.aclose()

    async def call(
        self,
        flow: Callable[Concatenate[CallContext, P], Flow[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``flow(context, *args, **kwargs)`` to its end and return its value."""
        return await self.run(flow(self.context, *args, **kwargs))

    async def call_with(
        self,
        options: CallOptions,
        flow: Callable[Concatenate[CallContext, P], Flow[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`call` with per-request ``options`` (same token, connections and permits)."""
        return await self.run(flow(self.context.with_options(options), *args, **kwargs))

    async def run(self, flow: Flow[T]) -> T:
        """Perform the operations of ``flow`` until it returns."""
        try:
            op = next(flow)
            while True:
                try:
                    result = await self._perform(op)
                except Exception as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(result)
        except StopIteration as stop:
            value: T = stop.value
            return value
        finally:
            flow.close()

    async def _perform(self, op: Op) -> Any:
        if isinstance(op, Send):
            plan = op.spec.multipart
            body = backend.iter_body(plan) if plan is not None else None
            await self._acquire()
            try:
                response = await self._http.send(
                    self._request(op, body), stream=True, follow_redirects=False
                )
                return await self._read_whole(response)
            finally:
                self._permits.release()
        if isinstance(op, OpenStream):
            return await self._open_stream(op)
        if isinstance(op, Sleep):
            return await self._sleep(op.seconds)
        if isinstance(op, GetToken):
            return await self._token(op.stale)
        await self._acquire()
        try:
            return await self._download(op)
        finally:
            self._permits.release()

    async def _acquire(self) -> None:
        await self._permits.acquire(concurrency.PERMIT_PATIENCE, self._waited)

    def _waited(self, seconds: float) -> None:
        now = time.monotonic()
        if now - self._warned_at < seconds:
            return  # one warning per patience period, however many requests wait
        self._warned_at = now
        message = concurrency.permit_wait_message(seconds, self._permits.total, len(self._streams))
        logger.warning("%s", message)

    async def _open_stream(self, op: OpenStream) -> httpx.Response:
        await self._acquire()
        handed_over = False
        try:
            response = await self._http.send(
                self._request(op, None), stream=True, follow_redirects=False
            )
            if is_event_stream(response):
                self._streams.add(response)  # the permit stays with the open stream
                handed_over = True
                return response
            return await self._read_whole(response)
        finally:
            if not handed_over:
                self._permits.release()

    async def _read_whole(self, response: httpx.Response) -> httpx.Response:
        """Read an answer opened as a stream, at most ``max_json_bytes`` of it (see
        ``nemovideo._protocol.bodies``), close it, and return it read."""
        limit = self.settings.response_limits.max_json_bytes
        body = bytearray()
        try:
            announced, exact = bodies.sizes(response)
            bodies.check_size(response, announced, limit)
            if exact:
                # Its bytes are its announced size (HTTP/1.1 framing holds a server to
                # it), within the limit: read as it is.
                await response.aread()
                return response
            async for chunk in response.aiter_bytes():
                body += chunk
                bodies.check_size(response, len(body), limit)
        finally:
            await response.aclose()
        return bodies.answer_with(response, bytes(body))

    async def close_stream(self, response: httpx.Response) -> None:
        """Close a response opened by an `OpenStream` and give its permit back (once,
        however many times it is closed)."""
        try:
            await response.aclose()
        finally:
            try:
                self._streams.remove(response)
            except KeyError:
                pass
            else:
                self._permits.release()

    def _request(self, op: Send | OpenStream | Download, body: Any) -> httpx.Request:
        options = request_options(op.spec, body, self.context.settings.timeout)
        request = self._http.build_request(**options)
        if op.spec.bearer is not None:
            # The one place the token is read: straight into the header (httpx masks
            # it in the repr of requests and headers), never into a local variable.
            request.headers["Authorization"] = f"Bearer {op.spec.bearer.get_secret_value()}"
        return request

    async def _token(self, stale: Secret | None) -> Secret:
        tokens = self.context.tokens
        known = tokens.usable(stale)
        if known is not None:  # the common case needs no lock
            return known
        async with self._token_lock:  # one fetch in this process...
            known = tokens.usable(stale)
            if known is not None:
                return known
            if not tokens.can_renew():
                raise AuthenticationError("the token was rejected and cannot be renewed by the SDK")
            client_id = await backend.run_blocking(self.client_id)
            if not self.settings.token_store:
                issued = await self.run(anonymous_token_flow(self.context, client_id))
                return tokens.adopt(issued, TokenSource.NEW_ANONYMOUS)
            async with backend.entered(self._folder.locked()) as saved:  # ...and in all
                base_url = self.settings.base_url
                user, anonymous = await backend.run_blocking(saved.for_client, base_url, client_id)
                choice = choose_saved(user, anonymous, stale=stale, now=time.time())
                if choice is not None:
                    return tokens.adopt(*choice)
                issued = await self.run(anonymous_token_flow(self.context, client_id))
                await backend.run_blocking(saved.save_anonymous, base_url, client_id, issued)
                return tokens.adopt(issued, TokenSource.NEW_ANONYMOUS)

    async def token_status(self) -> TokenStatus:
        """Which token the client uses, reading saved tokens if it has none yet (no
        request is made)."""
        tokens = self.context.tokens
        if tokens.usable(None) is None and tokens.can_renew() and self.settings.token_store:
            client_id = await backend.run_blocking(self.client_id)
            saved = SavedTokens(self._folder.tokens_path)
            base_url = self.settings.base_url
            user, anonymous = await backend.run_blocking(saved.for_client, base_url, client_id)
            choice = choose_saved(user, anonymous, stale=None, now=time.time())
            if choice is not None:
                tokens.adopt(*choice)
        return tokens.status()

    async def _download(self, op: Download) -> transfer.DownloadOutcome:
        started = self.clock()
        response = await self._http.send(
            self._request(op, None), stream=True, follow_redirects=False
        )
        try:
            if response.status_code >= 300:
                response = await self._read_whole(response)
            outcome = transfer.inspect_response(response)
            if outcome is not None:
                return outcome
            meter = transfer.DownloadMeter(
                transfer.expected_size(response), self.settings.response_limits, started
            )
            sink = await backend.run_blocking(TempFileSink, op.target, meter.expected)
            try:
                # The bytes as sent: never decompressed, so a compressed body cannot grow.
                async for chunk in backend.raw_chunks(response):
                    meter.check(sink.written + len(chunk), self.clock())
                    await backend.run_blocking(sink.write, chunk)
                    if op.on_progress is not None:
                        op.on_progress(sink.written, sink.expected)
                await backend.run_blocking(sink.commit)
            except BaseException:
                sink.abort()
                raise
        finally:
            await response.aclose()
        return transfer.DownloadOutcome(path=op.target, size=sink.written)


_LIVE: weakref.WeakSet[AsyncDriver] = weakref.WeakSet()
_SHARED: weakref.WeakValueDictionary[tuple[Any, ...], AsyncDriver] = weakref.WeakValueDictionary()


def _after_fork_in_child() -> None:
    for driver in list(_LIVE):
        driver.after_fork()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)

"""The client: settings in, sessions, renders and the leaderboard out.

Only the driver is imported with the client; sessions, renders, the leaderboard and
the models load on first use, so ``from nemovideo import NemoVideo`` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Unpack

import attrs
import httpx

from .._config import Settings, resolve_settings
from .._limits import ResponseLimits
from .._logging import configure_from_env
from .._protocol.options import CallOptions, RequestOptions
from .._protocol.retry import RetryEvent
from .._protocol.turn_policy import TurnPolicy
from .._secret import Secret, optional_secret
from . import _backend as backend
from .driver import AsyncDriver

if TYPE_CHECKING:
    from .._protocol.leaderboard import Layout, Orientation
    from .._protocol.uploads import FileInput
    from ..models.credits import Credits
    from ..models.leaderboard import Leaderboard
    from ..models.progress import WorkflowProgress
    from ..models.token import TokenStatus
    from .render import AsyncRender
    from .session import AsyncSession

__all__ = ["AsyncNemoVideo", "AsyncNemoVideoWithRawResponse"]


class AsyncNemoVideo:
    """The asynchronous NemoVideo client (asyncio or trio, through anyio).

    Every argument has a default from the environment or the service's documentation;
    `AsyncNemoVideo()` with nothing set talks to the production API with an anonymous
    token fetched on first need.

    Args:
        token: bearer token (``nmv_usr_...``, a ``str`` or a
            [Secret][nemovideo.Secret]); default ``NEMO_TOKEN``, else an anonymous
            token (100 credits, 7 days) is fetched on first need. It is kept as a
            `Secret` and sent only to the API host.
        base_url: API base URL; default ``NEMO_API_URL``, else
            ``https://mega-api-prod.nemovideo.ai``.
        web_url: web app URL for browser links; default ``NEMO_WEB_URL``, else
            ``https://nemovideo.com``.
        client_id: the ``X-Client-Id`` header; default ``NEMO_CLIENT_ID``, else the
            id kept in ``~/.config/nemovideo/client_id``.
        skill_source: the ``X-Skill-Source`` header: name your integration (default
            ``nemovideo-python``).
        skill_version: the ``X-Skill-Version`` header (default this SDK's version).
        skill_platform: the ``X-Skill-Platform`` header (default ``SKILL_SOURCE``, else
            detected from where the SDK is installed, else ``unknown``).
        http_client: your own ``httpx.AsyncClient`` (proxies, transports, mocks); used
            for every call, uploads and downloads included. You close it. Give it a
            pool of at least ``max_concurrency`` connections (httpx's default: 100).
        max_retries: retries of transient failures (default 2).
        timeout: seconds (or an ``httpx.Timeout``) per request (default 60 s, 10 s to
            connect).
        on_retry: called with a [RetryEvent][nemovideo.RetryEvent] before each retry.
        allow_insecure_http: allow plain ``http://`` to a host other than this machine
            (the token would travel in clear).
        turn_policy: limits and recovery schedule of conversation turns (default: the
            vendor's, see [TurnPolicy][nemovideo.TurnPolicy]).
        token_store: keep the anonymous token in the config folder, beside the client
            id, so that every process on this machine reuses it until it expires, and
            use a user token saved by ``nemovideo auth login`` (default on;
            ``NEMOVIDEO_TOKEN_STORE=0`` turns it off). A ``token=`` or ``NEMO_TOKEN``
            always wins.
        max_concurrency: requests in flight at once (default 64, or the pool's
            ``max_connections`` when ``limits`` sets fewer). A turn counts as one from
            its message until its stream ends or it is closed. Past that, requests wait
            for their turn; the wait is not part of ``timeout``.
        limits: an ``httpx.Limits`` for the SDK's own connection pool (keepalive and
            proxy settings are kept). Default: ``max(100, max_concurrency)``
            connections, as many kept alive as ``max_concurrency``. Its
            ``max_connections`` may not be below ``max_concurrency``. Not with
            ``http_client``: set the limits on your own client then.
        response_limits: the limits on what is read from the network: stream lines
            and events, the events a turn keeps, JSON answers, downloads (default:
            [ResponseLimits()][nemovideo.ResponseLimits], far beyond any answer of
            the service).

    Raises:
        ValueError: ``max_concurrency`` below 1, ``limits`` with ``http_client``, or a
            pool smaller than ``max_concurrency``.
    """

    def __init__(
        self,
        *,
        token: str | Secret | None = None,
        base_url: str | None = None,
        web_url: str | None = None,
        client_id: str | None = None,
        skill_source: str | None = None,
        skill_version: str | None = None,
        skill_platform: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        max_retries: int = 2,
        timeout: float | httpx.Timeout | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        allow_insecure_http: bool = False,
        turn_policy: TurnPolicy | None = None,
        token_store: bool | None = None,
        max_concurrency: int | None = None,
        limits: httpx.Limits | None = None,
        response_limits: ResponseLimits | None = None,
    ) -> None:
        token = optional_secret(token)  # never a plain str in this frame's locals
        configure_from_env()
        settings = resolve_settings(
            token=token,
            base_url=base_url,
            web_url=web_url,
            client_id=client_id,
            skill_source=skill_source,
            skill_version=skill_version,
            skill_platform=skill_platform,
            max_retries=max_retries,
            timeout=timeout,
            allow_insecure_http=allow_insecure_http,
            token_store=token_store,
            response_limits=response_limits,
        )
        self._start(
            settings,
            http_client=http_client,
            on_retry=on_retry,
            turn_policy=turn_policy,
            max_concurrency=max_concurrency,
            limits=limits,
        )

    def _start(
        self,
        settings: Settings,
        *,
        http_client: httpx.AsyncClient | None,
        on_retry: Callable[[RetryEvent], None] | None,
        turn_policy: TurnPolicy | None,
        max_concurrency: int | None,
        limits: httpx.Limits | None,
    ) -> None:
        """Become a client of ``settings`` with a driver of its own (no options, no parent)."""
        self._driver = AsyncDriver(
            settings,
            http_client=http_client,
            on_retry=on_retry,
            turn_policy=turn_policy or TurnPolicy(),
            max_concurrency=max_concurrency,
            limits=limits,
        )
        self._options = CallOptions()
        self._parent: AsyncNemoVideo | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        http_client: httpx.AsyncClient | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        turn_policy: TurnPolicy | None = None,
        max_concurrency: int | None = None,
        limits: httpx.Limits | None = None,
    ) -> AsyncNemoVideo:
        """A client made from another's settings, e.g. in a worker process.

        Settings that were pickled arrive without the token unless the sender asked
        (`worker_settings(include_token=True)`); such a client finds its token as any
        client does: ``NEMO_TOKEN``, a saved token, or a new anonymous one.
        """
        configure_from_env()
        client = cls.__new__(cls)
        client._start(
            settings.for_this_process(),
            http_client=http_client,
            on_retry=on_retry,
            turn_policy=turn_policy,
            max_concurrency=max_concurrency,
            limits=limits,
        )
        return client

    def with_options(self, **options: Unpack[RequestOptions]) -> AsyncNemoVideo:
        """A client whose every request gets these options (see
        [RequestOptions][nemovideo.RequestOptions]), merged over this client's.

        It shares this client's connection pool, token, request permits and running
        turns: no new connection or token request. Closing it closes nothing (the pool
        is this client's); close this client when done. Sessions and renders it makes
        carry its options.

            fast = client.with_options(timeout=5, max_retries=0)
            balance = await fast.credits()

        Raises:
            ValueError: a bad value, or ``extra_headers`` naming a header set by the
                client (``Authorization``, ``X-Client-Id``, ``X-Skill-*``).
        """
        child = type(self).__new__(type(self))
        child._driver = self._driver
        child._options = self._options.merged(options)
        child._parent = self._parent or self
        return child

    @property
    def with_raw_response(self) -> AsyncNemoVideoWithRawResponse:
        """The same methods, returning an [APIResponse][nemovideo.APIResponse] (status,
        headers, request id and the result) instead of the result alone:

            raw = await client.with_raw_response.credits()
            print(raw.status_code, raw.request_id, raw.headers.get("x-ratelimit-remaining"))
            balance = raw.parse()
        """

        return AsyncNemoVideoWithRawResponse(self)

    def __copy__(self) -> NoReturn:
        raise TypeError(
            f"a {type(self).__name__} cannot be copied: use client.with_options(...) for a "
            "client that shares its connections and token, or pickle it for an independent one"
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> NoReturn:
        self.__copy__()

    def worker_settings(self, *, include_token: bool = False) -> Settings:
        """These settings, to make the same client in another process with
        [from_settings][nemovideo.AsyncNemoVideo.from_settings].

        Pickled, they carry the token only with ``include_token=True``; otherwise the
        other process uses its own ``NEMO_TOKEN`` or saved token (on the same machine,
        the anonymous token this client saved).
        """
        return attrs.evolve(self._driver.settings, token_in_pickles=include_token)

    def __reduce__(self) -> tuple[Any, ...]:
        # As its settings (no token unless asked for), its turn policy and its limits,
        # and nothing live: the other process opens its own connections on first use.
        driver = self._driver
        return (
            _restore,
            (
                type(self),
                driver.settings,
                driver.turn_policy,
                driver.max_concurrency,
                driver.pool_limits,
                self._options,
            ),
        )

    @property
    def settings(self) -> Settings:
        """The resolved settings: ``base_url``, ``web_url``, ``client_id``, ``attribution``
        (the ``X-Skill-*`` headers, as ``attribution.headers()``), ``max_retries`` and
        ``timeout``; ``token`` is a [Secret][nemovideo.Secret] (its ``repr`` and ``str``
        are masked; ``settings.token.get_secret_value()`` gives the text). Its ``repr``
        never shows the token."""
        return self._driver.settings

    @property
    def base_url(self) -> str:
        """The API base URL."""
        return self._driver.settings.base_url

    @property
    def turn_policy(self) -> TurnPolicy:
        """The default limits and recovery schedule of conversation turns."""
        return self._driver.turn_policy

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at once, turns included (see the ``max_concurrency``
        argument)."""
        return self._driver.max_concurrency

    def client_id(self) -> str:
        """The ``X-Client-Id``: argument, ``NEMO_CLIENT_ID``, or the client-id file."""
        return self._driver.client_id()

    async def token_status(self) -> TokenStatus:
        """Which token the client uses and where it came from (masked; no request is
        made). Before the first call, a client without a token reads the saved ones."""
        return await self._driver.token_status()

    def __repr__(self) -> str:
        if "_driver" not in vars(self):  # its __init__ failed (a traceback shows it)
            return f"{type(self).__name__}(not set up)"
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    async def aclose(self) -> None:
        """Close the HTTP connections (not those of an ``http_client`` you passed). On a
        client made by `with_options`, nothing: the connections are its parent's."""
        if self._parent is None:
            await self._driver.aclose()

    async def __aenter__(self) -> AsyncNemoVideo:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def credits(self, **options: Unpack[RequestOptions]) -> Credits:
        """The account's credit balance: available, frozen by running work, total
        (``options``: see [RequestOptions][nemovideo.RequestOptions])."""
        from .._protocol import endpoints

        return await self._driver.call_with(self._options.merged(options), endpoints.credits)

    async def create_session(
        self,
        language: str | None = "en",
        task_name: str = "project",
        **options: Unpack[RequestOptions],
    ) -> AsyncSession:
        """Start a new editing session.

        Args:
            language: the agent's language, e.g. ``"en"`` or ``"zh-CN"`` (``None``: the
                service's default).
            task_name: the project's name on the service.
            **options: per-request options of this request (see
                [RequestOptions][nemovideo.RequestOptions]); the session keeps the
                client's.
        """
        from .session import AsyncSession

        return await AsyncSession.create(
            self._driver,
            language=language,
            task_name=task_name,
            options=self._options,
            call_options=self._options.merged(options),
        )

    def session(self, session_id: str, task_id: str | None = None) -> AsyncSession:
        """Re-attach to an existing session by id (no request is made).

        Raises:
            ValueError: an id is empty, ``.`` or ``..``, too long, or has a ``/``, ``?``,
                ``#``, ``%``, space or control character.
        """
        from .._protocol.ids import checked_id
        from .session import AsyncSession

        task = None if task_id is None else checked_id(task_id, "task_id")
        return AsyncSession(self._driver, checked_id(session_id, "session_id"), task, self._options)

    def render(self, render_id: str, *, session_id: str | None = None) -> AsyncRender:
        """Re-attach to a render by id, e.g. after a restart (no request is made).

        Status, wait and download need only the id. Give ``session_id`` too if the
        render may still fail: resubmitting it reads the draft from its session, so
        without one a failure raises [RenderFailedError][nemovideo.RenderFailedError]
        at once.

        Raises:
            ValueError: an id is empty, ``.`` or ``..``, too long, or has a ``/``, ``?``,
                ``#``, ``%``, space or control character.
        """
        from .._protocol.ids import checked_id
        from .._protocol.render import RenderJob
        from .render import AsyncRender

        session = None if session_id is None else checked_id(session_id, "session_id")
        job = RenderJob(id=checked_id(render_id, "render_id"), session_id=session)
        return AsyncRender(self._driver, job, self._options)

    async def leaderboard(
        self,
        clips: FileInput | Sequence[FileInput],
        *,
        prompt: str | None = None,
        top: int = 5,
        layout: Layout = "sequence",
        orientation: Orientation = "landscape",
        output: str | os.PathLike[str] = "leaderboard.mp4",
        concurrency: int = 4,
        on_progress: Callable[[WorkflowProgress], None] | None = None,
        on_text: Callable[[str], None] | None = None,
        poll_interval: float | None = None,
        progress: bool = False,
        **options: Unpack[RequestOptions],
    ) -> Leaderboard:
        """Rank ``clips`` by engagement and render the top ones into a 1080p MP4.

        Checks the credit balance first (a ranking turn costs about 50 credits),
        creates a session, uploads the clips, asks the agent, reads the ranking,
        exports at 1920x1080 (1080x1920 for portrait) and downloads to ``output``.

        Args:
            clips: the videos to rank: anything
                [upload][nemovideo.AsyncSession.upload] takes (paths, a folder of
                videos, URLs, ``(filename, bytes or file)`` tuples, binary files).
            prompt: what to ask (default: rank by engagement score and show the top
                performers).
            top: how many clips the video shows (default 5).
            layout: ``"sequence"`` (one after another) or ``"grid"`` (the top four
                side by side).
            orientation: ``"landscape"`` (1920x1080) or ``"portrait"`` (1080x1920).
            output: the MP4 to write, or an existing folder.
            concurrency: how many clips upload at once (default 4).
            on_progress: called with one stream of
                [WorkflowProgress][nemovideo.WorkflowProgress] (upload, ranking,
                rendering, downloading).
            on_text: called with the agent's text as it streams.
            poll_interval: seconds between render status reads (default: the
                growing schedule of [wait][nemovideo.AsyncRender.wait]).
            progress: draw one live bar over the stages (in a notebook or a
                terminal); needs the ``progress`` extra.
            **options: per-request options of every request it makes (see
                [RequestOptions][nemovideo.RequestOptions]); ``extra_body`` is refused
                (the clips go up as multipart bodies).

        Raises:
            InsufficientCreditsError: the balance cannot cover the ranking turn
                (nothing was spent).
            RankingNotFoundError: the agent's answer held no ranking.
        """
        from .. import _bars as bars
        from .._protocol.leaderboard import LeaderboardPlan
        from .._protocol.render import poll_intervals
        from .leaderboard import run_leaderboard

        plan = LeaderboardPlan.make(
            clips, prompt=prompt, top=top, layout=layout, orientation=orientation, output=output
        )
        poll_intervals(poll_interval)  # checked before anything is spent
        with bars.workflow_bar(progress) as bar:
            return await run_leaderboard(
                self._driver,
                plan,
                concurrency=concurrency,
                on_progress=bars.chain(on_progress, bar),
                on_text=on_text,
                poll_interval=poll_interval,
                options=self._options.merged(options),
            )


class AsyncNemoVideoWithRawResponse:
    """``client.with_raw_response``: ``credits`` and ``create_session``, each returning
    an [APIResponse][nemovideo.APIResponse]."""

    def __init__(self, client: AsyncNemoVideo) -> None:
        self.credits = backend.raw_method(client.credits)
        self.create_session = backend.raw_method(client.create_session)


def _restore(
    cls: type[AsyncNemoVideo],
    settings: Settings,
    policy: TurnPolicy,
    max_concurrency: int,
    limits: httpx.Limits | None,
    options: CallOptions | None = None,
) -> AsyncNemoVideo:
    """A client as it was pickled."""
    client = cls.from_settings(
        settings, turn_policy=policy, max_concurrency=max_concurrency, limits=limits
    )
    client._options = options or CallOptions()
    return client

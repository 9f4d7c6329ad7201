"""An editing session handle: uploads, state, conversation, export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Unpack

from .. import _bars as bars
from .._config import Settings
from .._protocol import endpoints, uploads
from .._protocol import render as rendering
from .._protocol import turn as turns
from .._protocol.options import CallOptions, PollOptions, RequestOptions
from .._protocol.turn_policy import TurnPolicy
from .._protocol.uploads import FileInput
from ..models.changes import Change
from ..models.state import SessionState
from ..models.upload import Upload
from . import _backend as backend
from .driver import AsyncDriver
from .render import AsyncRender
from .turn import AsyncTurn

__all__ = ["AsyncSession", "AsyncSessionWithRawResponse"]


class AsyncSession:
    """An editing session on the service: its media, its timeline, its conversation.

    Make one with [AsyncNemoVideo.create_session][nemovideo.AsyncNemoVideo.create_session]
    or re-attach to one by id with [AsyncNemoVideo.session][nemovideo.AsyncNemoVideo.session].

    Attributes:
        session_id: the session's id.
        task_id: the project (task) it belongs to, when known.
    """

    def __init__(
        self,
        driver: AsyncDriver,
        session_id: str,
        task_id: str | None,
        options: CallOptions | None = None,
    ) -> None:
        self._driver = driver
        self.session_id = session_id
        self.task_id = task_id
        self._options = options or CallOptions()

    @classmethod
    async def create(
        cls,
        driver: AsyncDriver,
        *,
        language: str | None,
        task_name: str,
        options: CallOptions | None = None,
        call_options: CallOptions | None = None,
    ) -> AsyncSession:
        """Start a new session on the service (``call_options`` for this request,
        ``options`` for the session's own)."""
        ids = await driver.call_with(
            call_options or options or CallOptions(),
            endpoints.create_session,
            task_name=task_name,
            language=language,
        )
        return cls(driver, ids["session_id"], ids["task_id"] or None, options)

    def with_options(self, **options: Unpack[RequestOptions]) -> AsyncSession:
        """This session with per-request options for every request it makes (see
        [RequestOptions][nemovideo.RequestOptions])."""
        return type(self)(
            self._driver, self.session_id, self.task_id, self._options.merged(options)
        )

    @property
    def with_raw_response(self) -> AsyncSessionWithRawResponse:
        """The same methods, returning an [APIResponse][nemovideo.APIResponse] (status,
        headers, request id and the result) instead of the result alone."""

        return AsyncSessionWithRawResponse(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(session_id={self.session_id!r}, task_id={self.task_id!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Its ids and its client's settings (no token unless asked for): unpickled, it
        # uses the one client of that process for those settings.
        driver = self._driver
        return (
            _restore,
            (type(self), driver.settings, self.session_id, self.task_id, self._options),
        )

    async def state(self, **options: Unpack[RequestOptions]) -> SessionState:
        """The session's latest state: the timeline draft, the media, the canvas
        (``options``: see [RequestOptions][nemovideo.RequestOptions])."""
        return await self._driver.call_with(
            self._options.merged(options), endpoints.state, self.session_id
        )

    async def upload(
        self,
        files: FileInput | Iterable[FileInput],
        on_progress: Callable[[int, int], None] | None = None,
        *,
        concurrency: int = 4,
        progress: bool = False,
        **options: Unpack[RequestOptions],
    ) -> list[Upload]:
        """Upload files, streamed in chunks (never read whole), up to ``concurrency`` at once.

        Takes one input or several, of any of these kinds:

        - a path (``str`` or ``pathlib.Path``) to a file;
        - a path to a folder: its media files, sorted by name (not recursive);
        - an ``http(s)://`` URL: the service fetches it (as
          [upload_urls][nemovideo.AsyncSession.upload_urls]);
        - a ``(filename, bytes)`` or ``(filename, file)`` tuple, with an optional media
          type third: ``("clip.mp4", data, "video/mp4")``;
        - a binary file object, with its name (``open(path, "rb")``).

        A file object is read from where it is, in chunks, and must be seekable (a
        retry sends it again); a pipe or socket is refused with a ``TypeError``.

        Every input is checked first (type, size, existence); if one is bad nothing is
        sent. When some files of a batch fail, [UploadError][nemovideo.UploadError]
        names them and carries the uploads that went through.

        Args:
            files: a file, or several.
            on_progress: called with ``(bytes sent, total bytes)`` of the whole batch.
            concurrency: how many files go up at once (default 4).
            progress: draw a live bar (in a notebook or a terminal); needs the
                ``progress`` extra.
            **options: per-request options of each file's request (see
                [RequestOptions][nemovideo.RequestOptions]); ``extra_body`` is refused
                (a multipart body has no JSON to merge it into).

        Raises:
            ValueError: ``extra_body`` was given (nothing is sent).
        """
        chosen = self._options.merged(options)
        if chosen.extra_body:
            raise ValueError(
                "upload sends a multipart body, which takes no extra_body; "
                "use upload_urls or another call with a JSON body for extra fields"
            )
        items = uploads.plan_batch(files)
        with bars.upload_bar(progress) as bar:
            items = uploads.with_progress(items, bars.chain(on_progress, bar))

            async def one(item: uploads.UploadItem) -> list[Upload]:
                return await self._driver.call_with(chosen, endpoints.upload, self.session_id, item)

            results = await backend.map_bounded(one, items, concurrency)
        return uploads.combine([item.source.label for item in items], results)

    async def upload_urls(self, urls: list[str], **options: Unpack[RequestOptions]) -> list[Upload]:
        """Have the service fetch media from ``http(s)`` URLs (``options``: see
        [RequestOptions][nemovideo.RequestOptions])."""
        return await self._driver.call_with(
            self._options.merged(options), endpoints.upload_urls, self.session_id, urls
        )

    async def export(
        self, quality: str = "high", format: str = "mp4", **options: Unpack[RequestOptions]
    ) -> AsyncRender:
        """Start a render of the current timeline and return its handle.

        Reads the state first and refuses, sending nothing, when no track has a
        segment yet ([NotReadyError][nemovideo.NotReadyError]). Export costs no credits.
        ``options`` (see [RequestOptions][nemovideo.RequestOptions]) go to both
        requests; the render handle keeps this session's options, not these.
        """
        output = {"format": format, "quality": quality}
        job = await self._driver.call_with(
            self._options.merged(options), rendering.export, self.session_id, output
        )
        return AsyncRender(self._driver, job, self._options)

    async def send(
        self,
        text: str,
        *,
        policy: TurnPolicy | None = None,
        on_still_working: Callable[[float], None] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncTurn:
        """Send ``text`` to the agent, once, and return the running turn.

        The message is sent before this returns and is never sent again by the SDK:
        a dropped stream is recovered by reading the state. Use the turn as a context
        manager; iterate it for events as they arrive, or call ``result()`` for the
        [Reply][nemovideo.Reply]:

            async with await session.send("add a title 'Summer Sale'") as turn:
                async for event in turn:
                    print(event)
                reply = await turn.result()

        Args:
            text: the message.
            policy: limits and recovery schedule of this turn (default: the client's).
            on_still_working: called with the seconds elapsed, every
                ``policy.still_working_every`` seconds of a long turn.
            **options: per-request options of the turn's requests: the state reads and
                the message's POST (see [RequestOptions][nemovideo.RequestOptions]);
                ``extra_body`` goes into the message's body. A ``timeout`` replaces the policy's
                ``idle_timeout`` as the stream's read limit too.

        Raises:
            TurnInProgressError: another turn on this session is still running
                (nothing was sent).
        """
        chosen = policy or self._driver.turn_policy
        given = self._options.merged(options)
        self._driver.turns.claim(self.session_id)
        try:
            before, response = await self._driver.call_with(
                given, turns.open_flow, self.session_id, text, chosen
            )
        except BaseException:
            self._driver.turns.release(self.session_id)
            raise
        machine = turns.TurnMachine(
            chosen,
            self._driver.clock(),
            on_still_working,
            limits=self._driver.settings.response_limits,
        )
        return AsyncTurn(self._driver, self.session_id, before, response, machine, given)

    async def wait_until_settled(
        self,
        *,
        since: SessionState | None = None,
        interval: float = 5.0,
        stable_reads: int = 2,
        timeout: float = 180.0,
        **options: Unpack[PollOptions],
    ) -> list[Change]:
        """Poll the state until the draft stops changing; returns what changed.

        After a generation turn the service keeps adding music and a title for a
        while (two-stage generation). Pass ``since=reply.state_after`` to get what
        the second stage added.

        Args:
            since: the state to compare with (default: the first state read).
            interval: seconds between reads (default 5).
            stable_reads: reads in a row with the same draft that count as settled (default 2).
            timeout: seconds before giving up (default 180).
            **options: per-request options of each read (see
                [PollOptions][nemovideo.PollOptions]).

        Raises:
            NotSettledError: the draft was still changing after ``timeout`` seconds.
        """
        return await self._driver.call_with(
            self._options.merged(options),
            turns.settle_flow,
            self.session_id,
            since=since,
            interval=interval,
            stable_reads=stable_reads,
            timeout=timeout,
        )

    async def browser_url(self, **options: Unpack[RequestOptions]) -> str:
        """A link that opens this project in the web app (``options``: see
        [RequestOptions][nemovideo.RequestOptions]).

        It carries a short-lived claim token, never the bearer token. Treat it as a
        secret all the same: whoever has it can open the project.
        """
        claim = await self._driver.call_with(
            self._options.merged(options),
            endpoints.claim_token,
            session_id=self.session_id,
            task_id=self.task_id,
        )
        return endpoints.browser_url(self._driver.context, claim)


class AsyncSessionWithRawResponse:
    """``session.with_raw_response``: ``state``, ``upload_urls``, ``export``, ``send``
    (the message's answer) and ``browser_url``, each returning an
    [APIResponse][nemovideo.APIResponse]. Each [Upload][nemovideo.Upload] of
    ``upload`` carries its own answer as ``response_info``."""

    def __init__(self, session: AsyncSession) -> None:
        self.state = backend.raw_method(session.state)
        self.upload_urls = backend.raw_method(session.upload_urls)
        self.export = backend.raw_method(session.export)
        self.send = backend.raw_method(session.send)
        self.browser_url = backend.raw_method(session.browser_url)


def _restore(
    cls: type[AsyncSession],
    settings: Settings,
    session_id: str,
    task_id: str | None,
    options: CallOptions | None = None,
) -> AsyncSession:
    """A session as it was pickled."""
    return cls(AsyncDriver.shared(settings), session_id, task_id, options)

"""A render job handle: status, wait, download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Unpack

from .. import _bars as bars
from .._config import Settings
from .._protocol import download as dl
from .._protocol import render as rendering
from .._protocol.options import CallOptions, PollOptions, RequestOptions
from ..models.render import RenderStatus
from . import _backend as backend
from .driver import AsyncDriver

__all__ = ["AsyncRender", "AsyncRenderWithRawResponse"]


class AsyncRender:
    """A render of a session's timeline. Get one from
    [AsyncSession.export][nemovideo.AsyncSession.export], or re-attach to one by id
    with [AsyncNemoVideo.render][nemovideo.AsyncNemoVideo.render].

    Its ``id`` changes if a failed render is resubmitted.
    """

    def __init__(
        self, driver: AsyncDriver, job: rendering.RenderJob, options: CallOptions | None = None
    ) -> None:
        self._driver = driver
        self._job = job
        self._options = options or CallOptions()

    def with_options(self, **options: Unpack[RequestOptions]) -> AsyncRender:
        """This render with per-request options for every request it makes (see
        [RequestOptions][nemovideo.RequestOptions]); both follow the same render.
        A ``timeout`` here is per request, unlike the ``timeout`` of `wait`."""
        return type(self)(self._driver, self._job, self._options.merged(options))

    @property
    def with_raw_response(self) -> AsyncRenderWithRawResponse:
        """The same methods, returning an [APIResponse][nemovideo.APIResponse] (status,
        headers, request id and the result) instead of the result alone."""

        return AsyncRenderWithRawResponse(self)

    @property
    def id(self) -> str:
        """The current render id."""
        return self._job.id

    @property
    def session_id(self) -> str | None:
        """The session it renders (``None`` when re-attached by render id alone)."""
        return self._job.session_id

    @property
    def last_status(self) -> RenderStatus | None:
        """The last status read, if any."""
        return self._job.last_status

    @property
    def video_path(self) -> Path | None:
        """Where [download][nemovideo.AsyncRender.download] wrote the video, once it has."""
        return self._job.downloaded

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, session_id={self.session_id!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Its render (ids, status) and its client's settings (no token unless asked
        # for): unpickled, it uses the one client of that process for those settings.
        return (_restore, (type(self), self._driver.settings, self._job, self._options))

    def _repr_html_(self) -> str:
        return self._job.html()

    async def status(self, **options: Unpack[RequestOptions]) -> RenderStatus:
        """Read the render's status once.

        ``options``: see [RequestOptions][nemovideo.RequestOptions].
        """
        return await self._driver.call_with(
            self._options.merged(options), rendering.status, self._job
        )

    async def wait(
        self,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        on_progress: Callable[[RenderStatus], None] | None = None,
        *,
        progress: bool = False,
        **options: Unpack[PollOptions],
    ) -> RenderStatus:
        """Poll until the render completes; a failed render is resubmitted once.

        Args:
            timeout: seconds to wait in all (default 600).
            poll_interval: seconds between polls; default 1 s growing 1.5x to 5 s.
            on_progress: called with each [RenderStatus][nemovideo.RenderStatus] read.
            progress: draw a live bar of the render's percentage (in a notebook or a
                terminal); needs the ``progress`` extra.
            **options: per-request options of each poll (see
                [PollOptions][nemovideo.PollOptions]).

        Raises:
            RenderFailedError: it failed twice, or failed once when re-attached without
                a session id, which resubmitting needs (the render id and last status
                attached).
            RenderTimeoutError: ``timeout`` passed first; resume later by id.
        """
        with bars.render_bar(progress) as bar:
            return await self._driver.call_with(
                self._options.merged(options),
                rendering.wait,
                self._job,
                timeout=timeout,
                poll_interval=poll_interval,
                on_progress=bars.chain(on_progress, bar),
            )

    async def download(
        self,
        path: str | Path,
        on_progress: Callable[[int, int | None], None] | None = None,
        *,
        timeout: float = 600.0,
        progress: bool = False,
        **options: Unpack[PollOptions],
    ) -> Path:
        """Wait if needed, then download the video to ``path`` (a file, or a folder for
        ``<render id>.mp4``).

        The file appears only when complete; on failure nothing is left behind. The
        bearer token never goes to the storage host the video is served from.

        Args:
            path: the file to write, or an existing folder.
            on_progress: called with ``(bytes written, total bytes or None)``.
            timeout: seconds to wait for the render first, if it is not done (default 600).
            progress: draw a live bar of the bytes written (in a notebook or a
                terminal); needs the ``progress`` extra.
            **options: per-request options (see [PollOptions][nemovideo.PollOptions]);
                the storage host the video may come from gets none of the extras.
        """
        target = dl.target_path(path, self._job.id)
        with bars.download_bar(progress) as bar:
            return await self._driver.call_with(
                self._options.merged(options),
                rendering.fetch,
                self._job,
                target,
                bars.chain(on_progress, bar),
                timeout=timeout,
            )


class AsyncRenderWithRawResponse:
    """``render.with_raw_response``: ``status`` and ``wait`` (the last status read),
    each returning an [APIResponse][nemovideo.APIResponse]."""

    def __init__(self, render: AsyncRender) -> None:
        self.status = backend.raw_method(render.status)
        self.wait = backend.raw_method(render.wait)


def _restore(
    cls: type[AsyncRender],
    settings: Settings,
    job: rendering.RenderJob,
    options: CallOptions | None = None,
) -> AsyncRender:
    """A render as it was pickled."""
    return cls(AsyncDriver.shared(settings), job, options)

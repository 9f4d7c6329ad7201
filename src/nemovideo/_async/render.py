"""A render job handle: status, wait, download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import _bars as bars
from .._config import Settings
from .._protocol import download as dl
from .._protocol import render as rendering
from ..models.render import RenderStatus
from .driver import AsyncDriver

__all__ = ["AsyncRender"]


class AsyncRender:
    """A render of a session's timeline. Get one from
    [AsyncSession.export][nemovideo.AsyncSession.export], or re-attach to one by id
    with [AsyncNemoVideo.render][nemovideo.AsyncNemoVideo.render].

    Its ``id`` changes if a failed render is resubmitted.
    """

    def __init__(self, driver: AsyncDriver, job: rendering.RenderJob) -> None:
        self._driver = driver
        self._job = job

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
        return (_restore, (type(self), self._driver.settings, self._job))

    def _repr_html_(self) -> str:
        return self._job.html()

    async def status(self) -> RenderStatus:
        """Read the render's status once."""
        return await self._driver.call(rendering.status, self._job)

    async def wait(
        self,
        timeout: float = 600.0,
        poll_interval: float | None = None,
        on_progress: Callable[[RenderStatus], None] | None = None,
        *,
        progress: bool = False,
    ) -> RenderStatus:
        """Poll until the render completes; a failed render is resubmitted once.

        Args:
            timeout: seconds to wait in all (default 600).
            poll_interval: seconds between polls; default 1 s growing 1.5x to 5 s.
            on_progress: called with each [RenderStatus][nemovideo.RenderStatus] read.
            progress: draw a live bar of the render's percentage (in a notebook or a
                terminal); needs the ``progress`` extra.

        Raises:
            RenderFailedError: it failed twice, or failed once when re-attached without
                a session id, which resubmitting needs (the render id and last status
                attached).
            RenderTimeoutError: ``timeout`` passed first; resume later by id.
        """
        with bars.render_bar(progress) as bar:
            return await self._driver.call(
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
        """
        target = dl.target_path(path, self._job.id)
        with bars.download_bar(progress) as bar:
            return await self._driver.call(
                rendering.fetch, self._job, target, bars.chain(on_progress, bar), timeout=timeout
            )


def _restore(cls: type[AsyncRender], settings: Settings, job: rendering.RenderJob) -> AsyncRender:
    """A render as it was pickled."""
    return cls(AsyncDriver.shared(settings), job)

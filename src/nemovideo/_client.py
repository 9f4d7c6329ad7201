"""The synchronous client: a thin shell that performs what the pure flows decide."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._base import BaseClient
from ._io import TempFileSink, iter_multipart
from ._protocol import download as dl
from ._protocol import endpoints, uploads
from ._protocol import render as rendering
from ._protocol import turn as turns
from ._protocol.calls import is_event_stream
from ._protocol.ops import Download, Flow, GetToken, Op, OpenStream, Send, Sleep, T
from ._protocol.requests import MultipartPlan
from ._protocol.retry import RetryHook
from ._turns import Turn
from .models.changes import Change
from .models.credits import Credits
from .models.render import RenderStatus
from .models.state import SessionState
from .models.upload import Upload

if TYPE_CHECKING:
    from .models.leaderboard import Leaderboard
    from .workflows.progress import WorkflowProgress


class NemoVideo(BaseClient):
    """The synchronous NemoVideo client.

    Args:
        token: bearer token (``nmv_usr_...``); default ``NEMO_TOKEN``, else an
            anonymous token is fetched on first need.
        base_url: API base URL; default ``NEMO_API_URL``, else the production API.
        web_url: web app URL for browser links; default ``NEMO_WEB_URL``.
        client_id: ``X-Client-Id``; default ``NEMO_CLIENT_ID``, else the client-id file.
        skill_source: ``X-Skill-Source`` (name your integration; default this SDK).
        skill_version: ``X-Skill-Version`` (default this SDK's version).
        skill_platform: ``X-Skill-Platform`` (default ``SKILL_SOURCE`` or detected).
        http_client: your own ``httpx.Client`` (proxies, transports, mocks); used for
            every call, uploads and downloads included. You close it.
        max_retries: retries of transient failures (default 2).
        timeout: seconds (or an ``httpx.Timeout``) per request.
        on_retry: called with a :class:`~nemovideo.RetryEvent` before each retry.
        allow_insecure_http: allow ``http://`` to a non-loopback host.
        sleep: how to wait between retries and polls (tests pass a fake).
        clock: the monotonic clock that timeouts are measured with (tests pass a fake).
        turn_policy: limits and recovery schedule of conversation turns
            (:class:`~nemovideo.TurnPolicy`; the vendor's defaults).
    """

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        token: str | None = None,
        base_url: str | None = None,
        web_url: str | None = None,
        client_id: str | None = None,
        skill_source: str | None = None,
        skill_version: str | None = None,
        skill_platform: str | None = None,
        max_retries: int = 2,
        timeout: float | httpx.Timeout | None = None,
        on_retry: RetryHook | None = None,
        allow_insecure_http: bool = False,
        clock: Callable[[], float] = time.monotonic,
        turn_policy: turns.TurnPolicy | None = None,
    ) -> None:
        super().__init__(
            token=token,
            base_url=base_url,
            web_url=web_url,
            client_id=client_id,
            skill_source=skill_source,
            skill_version=skill_version,
            skill_platform=skill_platform,
            max_retries=max_retries,
            timeout=timeout,
            on_retry=on_retry,
            allow_insecure_http=allow_insecure_http,
            clock=clock,
            turn_policy=turn_policy,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(**self._default_http_kwargs())
        self._sleep = sleep
        self._token_lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connections (not those of an ``http_client`` you passed)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> NemoVideo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the driver -------------------------------------------------------------

    def _run(self, flow: Flow[T]) -> T:
        """Perform the operations of ``flow`` until it returns."""
        try:
            op = next(flow)
            while True:
                try:
                    result = self._perform(op)
                except Exception as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        finally:
            flow.close()

    def _perform(self, op: Op) -> Any:
        if isinstance(op, Send):
            plan = op.spec.multipart
            body = self._body(plan) if plan is not None else None
            request = self._http.build_request(**self._request_kwargs(op.spec, body))
            return self._http.send(request, follow_redirects=False)
        if isinstance(op, OpenStream):
            request = self._http.build_request(**self._request_kwargs(op.spec, None))
            response = self._http.send(request, stream=True, follow_redirects=False)
            if not is_event_stream(response):
                try:
                    response.read()
                finally:
                    response.close()
            return response
        if isinstance(op, Sleep):
            return self._sleep(op.seconds)
        if isinstance(op, GetToken):
            known = self._ctx.tokens.usable(op.stale)
            if known is not None:  # the common case needs no lock
                return known
            with self._token_lock:
                step = self._token_step(op.stale)
                return step if isinstance(step, str) else self._run(step)
        return self._download(op)

    @staticmethod
    def _body(plan: MultipartPlan) -> Iterator[bytes]:
        if plan.progress is not None:
            plan.progress.restart(plan.boundary)
        for chunk in iter_multipart(plan):
            yield chunk
            if plan.progress is not None:
                plan.progress.advance(plan.boundary, len(chunk))

    def _download(self, op: Download) -> dl.DownloadOutcome:
        request = self._http.build_request(**self._request_kwargs(op.spec, None))
        response = self._http.send(request, stream=True, follow_redirects=False)
        try:
            if response.status_code >= 300:
                response.read()
            outcome = dl.inspect_response(response)
            if outcome is not None:
                return outcome
            sink = TempFileSink(op.target, dl.expected_size(response))
            try:
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                    if op.on_progress is not None:
                        op.on_progress(sink.written, sink.expected)
                sink.commit()
            except BaseException:
                sink.abort()
                raise
        finally:
            response.close()
        return dl.DownloadOutcome(path=op.target, size=sink.written)

    # -- the API ----------------------------------------------------------------

    def credits(self) -> Credits:
        """The account's credit balance (E6)."""
        return self._run(endpoints.credits(self._ctx))

    def create_session(self, language: str | None = "en", task_name: str = "project") -> Session:
        """Start a new editing session (E3)."""
        ids = self._run(endpoints.create_session(self._ctx, task_name=task_name, language=language))
        return Session(self, ids["session_id"], ids["task_id"] or None)

    def session(self, session_id: str, task_id: str | None = None) -> Session:
        """Re-attach to an existing session by id (no request is made)."""
        return Session(self, session_id, task_id)

    def leaderboard(
        self,
        clips: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        *,
        prompt: str | None = None,
        top: int = 5,
        layout: str = "sequence",
        orientation: str = "landscape",
        output: str | os.PathLike[str] = "leaderboard.mp4",
        concurrency: int = 4,
        on_progress: Callable[[WorkflowProgress], None] | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Leaderboard:
        """Rank ``clips`` by engagement and render the top ones into a 1080p MP4.

        Checks the credit balance first, creates a session, uploads the clips
        (``concurrency`` at a time), asks the agent (``prompt``, default: rank by
        engagement score), reads the ranking, exports at 1920x1080 (1080x1920 for
        ``orientation="portrait"``), and downloads to ``output``. ``layout="grid"``
        shows the top four side by side. ``on_progress`` receives one stream of
        :class:`~nemovideo.workflows.WorkflowProgress` (upload, ranking, rendering,
        downloading); ``on_text`` the agent's text as it streams.
        """
        from .workflows import leaderboard as workflow

        plan = workflow.LeaderboardPlan.make(
            clips, prompt=prompt, top=top, layout=layout, orientation=orientation, output=output
        )
        return workflow.run(
            self, plan, concurrency=concurrency, on_progress=on_progress, on_text=on_text
        )

    def render(self, render_id: str, *, session_id: str) -> Render:
        """Re-attach to a render by id, e.g. after a restart (no request is made)."""
        return Render(self, rendering.RenderJob(id=render_id, session_id=session_id))


class Session:
    """An editing session: uploads, state, export. Make one with
    :meth:`NemoVideo.create_session` or re-attach with :meth:`NemoVideo.session`."""

    def __init__(self, client: NemoVideo, session_id: str, task_id: str | None) -> None:
        self._client = client
        self.session_id = session_id
        self.task_id = task_id

    def __repr__(self) -> str:
        return f"Session(session_id={self.session_id!r}, task_id={self.task_id!r})"

    def state(self) -> SessionState:
        """The session's latest state (E7): draft, media, canvas."""
        return self._client._run(endpoints.state(self._client._ctx, self.session_id))

    def upload(
        self,
        paths: uploads.PathLike | Iterable[uploads.PathLike],
        on_progress: Callable[[int, int], None] | None = None,
        *,
        concurrency: int = 4,
    ) -> list[Upload]:
        """Upload local files (E5), streamed from disk, up to ``concurrency`` at once.

        Every file is checked first (type, size, existence); if one is bad nothing is
        sent. ``on_progress(sent_bytes, total_bytes)`` follows the whole batch.
        """
        plans = uploads.with_progress(self._client._plan_uploads(paths), on_progress)

        def one(plan: MultipartPlan) -> list[Upload] | Exception:
            try:
                return self._client._run(
                    endpoints.upload_files(self._client._ctx, self.session_id, plan)
                )
            except Exception as exc:
                return exc

        with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(plans)))) as pool:
            results = list(pool.map(one, plans))
        return uploads.batch_result(plans, results)

    def upload_urls(self, urls: list[str]) -> list[Upload]:
        """Have the service fetch media from URLs (E5)."""
        return self._client._run(endpoints.upload_urls(self._client._ctx, self.session_id, urls))

    def export(self, quality: str = "high", format: str = "mp4") -> Render:
        """Start a render of the current timeline (E8). Refuses, sending nothing, when
        no track has a segment yet (:class:`~nemovideo.NotReadyError`)."""
        output = {"format": format, "quality": quality}
        job = self._client._run(rendering.export(self._client._ctx, self.session_id, output))
        return Render(self._client, job)

    def send(
        self,
        text: str,
        *,
        policy: turns.TurnPolicy | None = None,
        on_still_working: turns.StillWorkingHook | None = None,
    ) -> Turn:
        """Send a message to the agent (E4), once, and return the running turn.

        Use it as a context manager; iterate it for events as they arrive, or call
        ``result()`` for the :class:`~nemovideo.Reply`. The message is never sent
        again by the SDK: a dropped stream is recovered by reading state. Raises
        :class:`~nemovideo.TurnInProgressError` (nothing runs) while another turn on
        this session runs. ``on_still_working(elapsed)`` is called every
        ``policy.still_working_every`` seconds of a long turn.
        """
        client = self._client
        policy = policy or client.turn_policy
        client._claim_turn(self.session_id)
        try:
            before, response = client._run(
                turns.open_flow(client._ctx, self.session_id, text, policy)
            )
        except BaseException:
            client._release_turn(self.session_id)
            raise
        started = client._ctx.clock()
        machine = turns.TurnMachine(policy, started, on_still_working)
        return Turn(client, self.session_id, before, response, machine)

    def wait_until_settled(
        self,
        *,
        since: SessionState | None = None,
        interval: float = 5.0,
        stable_reads: int = 2,
        timeout: float = 180.0,
    ) -> list[Change]:
        """Poll the state until the draft stops changing; returns what changed.

        After a generation turn the service keeps adding music and a title for a
        while (two-stage generation). Pass ``since=reply.state_after`` to get what
        the second stage added. Raises :class:`~nemovideo.NotSettledError` after
        ``timeout`` seconds of changes.
        """
        flow = turns.settle_flow(
            self._client._ctx,
            self.session_id,
            since=since,
            interval=interval,
            stable_reads=stable_reads,
            timeout=timeout,
        )
        return self._client._run(flow)

    def browser_url(self) -> str:
        """A link that opens this project in the web app (E2 claim token, never the
        bearer token). Treat it as a secret: whoever has it can open the project."""
        ctx = self._client._ctx
        claim = self._client._run(
            endpoints.claim_token(ctx, session_id=self.session_id, task_id=self.task_id)
        )
        return endpoints.browser_url(ctx, claim)


class Render:
    """A render job. ``id`` changes if a failed render is resubmitted."""

    def __init__(self, client: NemoVideo, job: rendering.RenderJob) -> None:
        self._client = client
        self._job = job

    @property
    def id(self) -> str:
        """The current render id."""
        return self._job.id

    @property
    def session_id(self) -> str:
        """The session it renders."""
        return self._job.session_id

    @property
    def last_status(self) -> RenderStatus | None:
        """The last status read, if any."""
        return self._job.last_status

    def __repr__(self) -> str:
        return f"Render(id={self.id!r}, session_id={self.session_id!r})"

    @property
    def video_path(self) -> Path | None:
        """Where :meth:`download` wrote the video, once it has."""
        return self._job.downloaded

    def _repr_html_(self) -> str:
        return self._job.html()

    def status(self) -> RenderStatus:
        """Read the render's status once (E9)."""
        return self._client._run(rendering.status(self._client._ctx, self._job))

    def wait(
        self,
        timeout: float = rendering.DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_progress: Callable[[RenderStatus], None] | None = None,
    ) -> RenderStatus:
        """Poll until the render completes; resubmits a failed render once.

        Raises :class:`~nemovideo.RenderFailedError` or
        :class:`~nemovideo.RenderTimeoutError` (with the last status).
        """
        flow = rendering.wait(
            self._client._ctx,
            self._job,
            timeout=timeout,
            poll_interval=poll_interval,
            on_progress=on_progress,
        )
        return self._client._run(flow)

    def download(
        self,
        path: str | Path,
        on_progress: Callable[[int, int | None], None] | None = None,
        *,
        timeout: float = rendering.DEFAULT_WAIT_TIMEOUT,
    ) -> Path:
        """Wait if needed, then download the video to ``path`` (a file or a folder).

        The file appears only when complete; on failure nothing is left behind.
        """
        target = dl.target_path(path, self._job.id)
        flow = rendering.fetch(self._client._ctx, self._job, target, on_progress, timeout=timeout)
        return self._client._run(flow)

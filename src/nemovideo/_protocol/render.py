"""The render lifecycle (see the Protocol page of the docs): export, poll, resubmit once,
time out."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ..errors import (
    APIConnectionError,
    NotReadyError,
    RateLimitError,
    RenderFailedError,
    RenderTimeoutError,
    ServerError,
)
from ..models.render import RenderStatus
from ..models.video import video_html
from . import answers, endpoints
from .calls import Call, CallContext, answer_flow
from .download import download
from .error_table import Endpoint
from .ops import Flow, Sleep
from .responses import with_info

# The wait before each status read: 1 s, growing 1.5x up to 5 s. A render is seen done
# at most 5 s late (2.5 s on average once the waits reach 5 s); the vendor CLI's 2 s
# growing to 15 s saw a 28 s render 13.6 s late. A 28 s render is read 9 times
# instead of 7 (figures: `python benchmarks/run.py --only polling`).
FIRST_POLL = 1.0
POLL_GROWTH = 1.5
MAX_POLL = 5.0
MAX_FAILED_POLLS = 5
_GROWTH_STEPS = math.ceil(math.log(MAX_POLL / FIRST_POLL, POLL_GROWTH))
"""Polls after which the wait no longer grows (it has reached ``MAX_POLL``)."""


def new_render_id() -> str:
    """A fresh client-chosen render id: ``render_<ms timestamp>_<random>``."""
    return f"render_{int(time.time() * 1000)}_{uuid.uuid4().hex[:8]}"


@attrs.define
class RenderJob:
    """A render being tracked: its current id (it changes on resubmission), its
    session (``None`` when re-attached by id alone), the draft it was submitted with
    (``None`` after a resume), and the output options."""

    id: str
    session_id: str | None
    draft: dict[str, Any] | None = None
    output: dict[str, Any] = attrs.field(factory=lambda: {"format": "mp4", "quality": "high"})
    last_status: RenderStatus | None = None
    resubmitted: bool = False
    downloaded: Path | None = None

    def html(self) -> str:
        """A notebook view: the status, and a video player once downloaded (see
        ``nemovideo.models.video``)."""
        from html import escape

        status = self.last_status
        state = (
            f"{status.status} {status.progress or 0:.0f}%" if status is not None else "submitted"
        )
        head = f"<p>Render <code>{escape(self.id)}</code>: {escape(state)}</p>"
        if self.downloaded is None:
            return head
        return head + video_html(self.downloaded)


def submit(ctx: CallContext, job: RenderJob) -> Flow[RenderStatus]:
    """Submit ``job`` with its current id (``POST /api/render/proxy/lambda``)."""
    body = {"id": job.id, "sessionId": job.session_id, "draft": job.draft, "output": job.output}
    answer = yield from answer_flow(
        ctx, Call("POST", endpoints.RENDER_PATH, json=body, kind="render", name=Endpoint.EXPORT)
    )
    status = with_info(answers.render_status(answer.data, job.id), answer.info)
    job.last_status = status
    return status


def export(ctx: CallContext, session_id: str, output: dict[str, Any]) -> Flow[RenderJob]:
    """Read state, refuse an unready draft (nothing submitted), then submit it."""
    current = yield from endpoints.state(ctx, session_id)
    if current.draft is None or not current.draft.is_exportable:
        raise NotReadyError(
            "the timeline has no track with a segment yet, so there is nothing to export; "
            "ask the agent to build the edit first"
        )
    job = RenderJob(
        id=new_render_id(), session_id=session_id, draft=current.draft_dict, output=output
    )
    yield from submit(ctx, job)
    return job


def status(ctx: CallContext, job: RenderJob) -> Flow[RenderStatus]:
    """One status reading (``GET /api/render/proxy/lambda/{id}``); transient errors are
    retried on the same id."""
    call = Call(
        "GET",
        endpoints.render_status_path(job.id),
        idempotent=True,
        kind="render",
        name=Endpoint.RENDER_STATUS,
    )
    answer = yield from answer_flow(ctx, call)
    reading = with_info(answers.render_status(answer.data, job.id), answer.info)
    job.last_status = reading
    return reading


def _resubmit(ctx: CallContext, job: RenderJob, failed: RenderStatus) -> Flow[RenderStatus]:
    if job.session_id is None:
        # A resubmission sends the session's draft and id: nothing to send without one.
        raise RenderFailedError(
            f"render {job.id} failed ({failed.error or 'no reason given'}) and cannot be "
            "resubmitted: that needs its session's draft, and it was re-attached without a "
            f"session id; use client.render({job.id!r}, session_id=...)",
            render_id=job.id,
            status=failed,
        )
    if job.draft is None:
        current = yield from endpoints.state(ctx, job.session_id)
        job.draft = current.draft_dict
    job.id = new_render_id()
    job.resubmitted = True
    return (yield from submit(ctx, job))


def resume_hint(job: RenderJob) -> str:
    """How to re-attach to ``job`` later, as code."""
    if job.session_id is None:
        return f"client.render({job.id!r})"
    return f"client.render({job.id!r}, session_id={job.session_id!r})"


def poll_intervals(fixed: float | None) -> Callable[[int], float]:
    """The wait before poll ``n`` (0-based): fixed, or 1 s growing 1.5x up to 5 s.

    Raises:
        ValueError: ``fixed`` is negative or not a number.
    """
    if fixed is not None:
        if isinstance(fixed, bool) or not isinstance(fixed, int | float) or not fixed >= 0:
            raise ValueError(f"poll_interval must be a number of seconds >= 0, not {fixed!r}")
        return lambda n: fixed
    # The step is capped before the power is taken: 1.5**n overflows a float past n=1750.
    return lambda n: min(MAX_POLL, FIRST_POLL * POLL_GROWTH ** min(n, _GROWTH_STEPS))


def wait(
    ctx: CallContext,
    job: RenderJob,
    *,
    timeout: float,
    poll_interval: float | None,
    on_progress: Callable[[RenderStatus], None] | None,
) -> Flow[RenderStatus]:
    """Poll until completed. A failed render is resubmitted once with a new id; a
    second failure raises [RenderFailedError][nemovideo.RenderFailedError]. Transient
    poll errors keep polling the same id (up to 5 in a row). Past ``timeout`` seconds,
    [RenderTimeoutError][nemovideo.RenderTimeoutError] carries the last status."""
    deadline = ctx.clock() + timeout
    interval = poll_intervals(poll_interval)
    polls = failed_polls = 0
    while True:
        try:
            reading = yield from status(ctx, job)
        except (ServerError, APIConnectionError, RateLimitError):
            failed_polls += 1
            if failed_polls >= MAX_FAILED_POLLS:
                raise
        else:
            failed_polls = 0
            if on_progress is not None:
                on_progress(reading)
            if reading.is_completed:
                return reading
            if reading.is_failed:
                if job.resubmitted:
                    raise RenderFailedError(
                        f"render {job.id} failed twice: {reading.error or 'no reason given'}",
                        render_id=job.id,
                        status=reading,
                    )
                yield from _resubmit(ctx, job, reading)
                polls = 0
                continue
        remaining = deadline - ctx.clock()
        if remaining <= 0:
            raise RenderTimeoutError(
                f"render {job.id} not finished after {timeout:g} s; resume it later with "
                f"{resume_hint(job)}",
                render_id=job.id,
                status=job.last_status,
            )
        yield Sleep(min(interval(polls), remaining))
        polls += 1


def fetch(
    ctx: CallContext,
    job: RenderJob,
    target: Path,
    on_progress: Callable[[int, int | None], None] | None,
    *,
    timeout: float,
) -> Flow[Path]:
    """Wait for the render when it is not known to be complete, then download it."""
    reading = job.last_status
    if reading is None or not reading.is_completed:
        reading = yield from wait(ctx, job, timeout=timeout, poll_interval=None, on_progress=None)
    job.downloaded = yield from download(ctx, reading, target, on_progress)
    return job.downloaded

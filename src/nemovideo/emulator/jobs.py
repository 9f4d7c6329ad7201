"""Render jobs: a submitted draft on its way to an MP4, its progress, and the wait for it.

A job is made by one of two renderers (``EmulatorConfig.video_renderer``):

- ``real``: ``render_in_background`` renders the draft with
  ``render_draft`` (``nemovideo.emulator.render``) on the emulator's render workers (a
  bounded pool; the job is ``pending`` while it waits for one); the progress is the
  frames done, and the job's ``finished`` event is set when the file is written or the
  render failed.
- ``placeholder``: the job completes ``seconds`` after its submission, and
  ``output_file`` writes a short valid MP4 the first time the file is asked for.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import attrs

from .media import safe_name, write_placeholder_mp4
from .render import render_draft
from .workers import RenderWorkers, Stopped

__all__ = ["ARMED_FAILURE", "FINISHED", "RenderJob", "output_file", "render_in_background"]

FINISHED = frozenset({"completed", "failed"})
"""The statuses a render does not leave."""

ARMED_FAILURE = "render failed in the emulator (as armed)"
"""The error of a render that fails because a test asked for it."""


@attrs.define(eq=False)
class RenderJob:
    """A submitted render.

    Attributes:
        id: the client's render id.
        session_id: the session it was submitted for.
        draft: a copy of the submitted draft.
        output: the submitted ``output`` options.
        submitted: ``time.monotonic()`` at submission.
        duration_s: the draft's length in seconds.
        seconds: placeholder renderer: the time from submission to the end;
            ``None``: the real renderer.
        fail: the render ends as ``failed`` (armed by a test).
        scale: real renderer: the fraction of the draft's size to render at.
        path: the finished MP4, once written.
        completed_at: when the MP4 was written (``time.time()``).
        frames_done: real renderer: frames encoded so far.
        frames_total: real renderer: frames to encode (0 until known).
        error: why a real render failed.
        finished: set when a real render has written its file or failed.
        cancelled: the emulator forgot the job (a reset): a real render that has not
            started never does, a running one ends at its next frame.
    """

    id: str
    session_id: str
    draft: dict[str, Any]
    output: dict[str, Any]
    submitted: float
    duration_s: float
    seconds: float | None = None
    fail: bool = False
    scale: float = 1.0
    path: Path | None = None
    completed_at: float | None = None
    frames_done: int = 0
    frames_total: int = 0
    error: str | None = None
    finished: threading.Event = attrs.field(factory=threading.Event, repr=False)
    cancelled: bool = False

    @property
    def real(self) -> bool:
        """Whether the real renderer makes this job's file."""
        return self.seconds is None

    def status(self) -> tuple[str, int]:
        """``(status, progress)``: ``pending``, ``processing``, ``completed`` or ``failed``,
        and a percentage."""
        if self.seconds is None:
            if self.fail or self.error:
                return "failed", 0
            if self.path is not None:
                return "completed", 100
            if not self.frames_total:
                return "pending", 0
            return "processing", min(99, self.frames_done * 100 // self.frames_total)
        total = max(self.seconds, 0.0)
        elapsed = time.monotonic() - self.submitted
        if total == 0 or elapsed >= total:
            return ("failed" if self.fail else "completed"), 100
        fraction = elapsed / total
        if fraction < 0.1:
            return "pending", 0
        return "processing", min(99, int(fraction * 100))

    def wait(self, timeout: float) -> bool:
        """Block until the job is completed or failed, at most ``timeout`` seconds;
        whether it is."""
        deadline = time.monotonic() + timeout
        while self.status()[0] not in FINISHED:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.seconds is None:
                self.finished.wait(left)
            else:  # a placeholder ends at a known time: sleep until then
                time.sleep(max(0.0, min(left, self.submitted + self.seconds - time.monotonic())))
        return True


def _target(folder: Path, job: RenderJob) -> tuple[Path, Path]:
    """Where the job's MP4 goes in ``folder``, and a fresh partial file beside it."""
    renders = folder / "renders"
    renders.mkdir(parents=True, exist_ok=True)
    return renders / f"{safe_name(job.id)}.mp4", renders / f".{uuid.uuid4().hex}.mp4"


def render_in_background(job: RenderJob, folder: Path, workers: RenderWorkers) -> bool:
    """Queue ``job`` on ``workers`` to render it for real; sources come from
    ``folder/uploads`` and the MP4 goes to ``folder/renders``. ``False`` when the workers
    take no more renders (too many wait)."""
    if job.fail:
        job.finished.set()
        return True

    def progress(done: int, total: int) -> None:
        workers.check()
        if job.cancelled:
            raise Stopped("the emulator forgot this render")
        job.frames_done, job.frames_total = done, total

    def work() -> None:
        if job.cancelled:
            job.error = "render failed: the emulator forgot this render"
            job.finished.set()
            return
        target, partial = _target(folder, job)
        try:
            render_draft(job.draft, partial, folder / "uploads", on_frame=progress, scale=job.scale)
            partial.replace(target)
            job.path, job.completed_at = target, time.time()
        except Exception as exc:  # a bad draft fails the render, as on the service
            partial.unlink(missing_ok=True)
            job.error = f"render failed: {type(exc).__name__}: {exc}"
        finally:
            job.finished.set()

    return workers.submit(work)


def output_file(job: RenderJob, folder: Path) -> Path:
    """The finished job's MP4; for a placeholder job, written (to ``folder/renders``) the
    first time it is asked for."""
    if job.path is None or not job.path.exists():
        target, partial = _target(folder, job)
        write_placeholder_mp4(partial, seconds=min(max(job.duration_s, 0.5), 2.0))
        partial.replace(target)
        job.path, job.completed_at = target, time.time()
    return job.path

"""Many leaderboards on any ``concurrent.futures.Executor``: process pools, Dask, Ray.

Each job runs in a worker as one task, `run_job`, on one client per worker process
(`worker_client`, cached by settings). A task returns a `JobResult` whatever happens:
the leaderboard, or the error that stopped it. `run_leaderboards` submits the jobs,
reports each result as it comes, and gives them back in job order; what goes wrong
outside a task (a worker that dies, a job or a result that cannot be pickled, an
executor that refuses work) becomes that job's error, so no result is ever lost.

Nothing here imports an executor library: the executor is the caller's.
"""

from __future__ import annotations

import os
import pickle
import socket
import threading
import time
import traceback as tracebacks
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, wait
from typing import Any

import attrs
import httpx

from .._config import Settings, resolve_settings
from .._protocol import concurrency as permits
from .._protocol.leaderboard import Layout, Orientation, check_options
from .._protocol.render import poll_intervals
from .._sync.client import NemoVideo
from ..errors import WorkerError
from ..models.leaderboard import Leaderboard

__all__ = ["JobResult", "LeaderboardJob", "run_job", "run_leaderboards", "worker_client"]


def _clip_paths(
    clips: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
) -> tuple[str, ...]:
    if isinstance(clips, str | os.PathLike):
        return (os.fspath(clips),)
    return tuple(os.fspath(clip) for clip in clips)


def _output_path(output: str | os.PathLike[str]) -> str:
    return os.fspath(output)


@attrs.frozen
class LeaderboardJob:
    """One leaderboard to run in a worker: its clips and options, as for
    [NemoVideo.leaderboard][nemovideo.NemoVideo.leaderboard].

    Paths are strings, read and written by the worker that runs the job: give paths
    that every worker sees (relative ones are taken from the worker's current
    folder). The options are checked when the job is made; the files, by the worker.

    Attributes:
        clips: the video files to rank.
        prompt: what to ask (``None``: rank by engagement score).
        top: how many clips the video shows.
        layout: ``"sequence"`` or ``"grid"``.
        orientation: ``"landscape"`` (1920x1080) or ``"portrait"`` (1080x1920).
        output: the MP4 to write; give each job its own.
        name: your name for the job, for logs and progress (not sent anywhere).
    """

    clips: tuple[str, ...] = attrs.field(converter=_clip_paths)
    prompt: str | None = None
    top: int = 5
    layout: Layout = "sequence"
    orientation: Orientation = "landscape"
    output: str = attrs.field(default="leaderboard.mp4", converter=_output_path)
    name: str | None = None

    def __attrs_post_init__(self) -> None:
        check_options(top=self.top, layout=self.layout, orientation=self.orientation)
        if not self.clips:
            raise ValueError("a job needs at least one clip")


@attrs.frozen
class JobResult:
    """What became of one [LeaderboardJob][nemovideo.workflows.LeaderboardJob]: its
    [Leaderboard][nemovideo.Leaderboard], or the error that stopped it.

    Attributes:
        job: the job.
        leaderboard: the result (ids, not live handles), or ``None`` when it failed.
        error: why it failed, or ``None``: the error the SDK raised in the worker (a
            [NemoVideoError][nemovideo.NemoVideoError], or a ``ValueError`` or
            ``OSError`` for a bad clip path); an exception that could not travel
            back, as a [WorkerError][nemovideo.WorkerError]; or what the executor
            raised for the job (a dead worker's ``BrokenProcessPool``, Dask's
            ``KilledWorker``, a ``PicklingError``, ``CancelledError``).
        seconds: how long the job ran in its worker; for a job whose worker never
            answered, from its submission until its failure was known.
        traceback: the error's traceback as the worker formatted it (empty when the
            job succeeded or never ran).
        worker: ``host:pid`` of the process that ran the job (empty when it never ran).
    """

    job: LeaderboardJob
    leaderboard: Leaderboard | None = None
    error: Exception | None = None
    seconds: float = 0.0
    traceback: str = attrs.field(default="", repr=False)
    worker: str = ""

    @property
    def ok(self) -> bool:
        """Whether the job gave a leaderboard."""
        return self.error is None and self.leaderboard is not None

    def unwrap(self) -> Leaderboard:
        """The leaderboard, or raise the job's error."""
        if self.error is not None:
            raise self.error
        if self.leaderboard is None:
            raise WorkerError("the job gave no leaderboard", error_type="")
        return self.leaderboard


# -- one client per worker process --------------------------------------------------------

_SWEEP = 0.5
"""Seconds between looks for futures that ended without notice."""

_CLIENTS: dict[tuple[Any, ...], NemoVideo] = {}
_CLIENTS_LOCK = threading.Lock()


def _limits_key(limits: httpx.Limits | None) -> tuple[Any, ...] | None:
    if limits is None:
        return None
    return (limits.max_connections, limits.max_keepalive_connections, limits.keepalive_expiry)


def worker_client(
    settings: Settings | None = None,
    *,
    max_concurrency: int | None = None,
    limits: httpx.Limits | None = None,
) -> NemoVideo:
    """This process's client for ``settings``: made on first need, then reused by every
    task of the process (and its threads) that asks with the same settings and limits.

    Made with [from_settings][nemovideo.NemoVideo.from_settings], so a token not sent
    along comes from this process's ``NEMO_TOKEN`` or the saved tokens. Do not close
    it: the next task uses it. A child made by ``fork`` keeps the cache, and each
    client in it opens its own connections there.

    Args:
        settings: `client.worker_settings()` of the caller's client; ``None``: this
            process's environment and the defaults, as ``NemoVideo()``.
        max_concurrency: requests in flight at once on this client (default 64).
        limits: an ``httpx.Limits`` for its connection pool.
    """
    resolved = (settings if settings is not None else resolve_settings()).for_this_process()
    key = (resolved.identity(), max_concurrency, _limits_key(limits))
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = NemoVideo.from_settings(
                resolved, max_concurrency=max_concurrency, limits=limits
            )
            _CLIENTS[key] = client
        return client


def _after_fork_in_child() -> None:
    # Another thread of the parent may have held the lock at the fork.
    global _CLIENTS_LOCK
    _CLIENTS_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)


# -- one job, in a worker -----------------------------------------------------------------


def _qualified_name(error: BaseException) -> str:
    cls = type(error)
    return f"{cls.__module__}.{cls.__qualname__}"


def _portable(error: BaseException, text: str) -> Exception:
    """``error`` if it survives a pickle round trip and is an ``Exception``, else a
    [WorkerError][nemovideo.WorkerError] that says what it was."""
    if isinstance(error, Exception):
        try:
            pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
        except Exception:  # noqa: S110 - any failure means it cannot travel
            pass
        else:
            return error
    return WorkerError(
        f"{_qualified_name(error)}: {error}", error_type=_qualified_name(error), traceback=text
    )


def run_job(
    job: LeaderboardJob,
    settings: Settings | None = None,
    *,
    poll_interval: float | None = None,
    concurrency: int = 4,
    max_concurrency: int | None = None,
    limits: httpx.Limits | None = None,
) -> JobResult:
    """Run one job on this process's client (see
    [worker_client][nemovideo.workflows.worker_client]) and return its result; an
    error is returned in it, never raised.

    This is the task [run_leaderboards][nemovideo.workflows.run_leaderboards] submits;
    submit it yourself to an executor, a Dask client or a Ray task the same way.

    Args:
        job: the leaderboard to run.
        settings: `client.worker_settings()` of the caller's client, or ``None`` for
            this process's environment.
        poll_interval: seconds between render status reads (default: the growing
            schedule of [Render.wait][nemovideo.Render.wait]).
        concurrency: how many clips upload at once.
        max_concurrency: requests in flight at once on the worker's client.
        limits: an ``httpx.Limits`` for the worker's connection pool.
    """
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        client = worker_client(settings, max_concurrency=max_concurrency, limits=limits)
        board = client.leaderboard(
            job.clips,
            prompt=job.prompt,
            top=job.top,
            layout=job.layout,
            orientation=job.orientation,
            output=job.output,
            concurrency=concurrency,
            poll_interval=poll_interval,
        )
    except Exception as error:
        text = "".join(tracebacks.format_exception(error))
        return JobResult(
            job=job,
            error=_portable(error, text),
            seconds=time.perf_counter() - started,
            traceback=text,
            worker=worker,
        )
    return JobResult(
        job=job, leaderboard=board, seconds=time.perf_counter() - started, worker=worker
    )


@attrs.frozen
class _Options:
    """What every task of a batch gets besides its job (one object, passed by position,
    so no executor mistakes a name for one of its own options)."""

    poll_interval: float | None
    concurrency: int
    max_concurrency: int | None
    limits: httpx.Limits | None


def _task(job: LeaderboardJob, settings: Settings | None, options: _Options) -> JobResult:
    """The function sent to the executor."""
    return run_job(
        job,
        settings,
        poll_interval=options.poll_interval,
        concurrency=options.concurrency,
        max_concurrency=options.max_concurrency,
        limits=options.limits,
    )


# -- many jobs, from the caller -------------------------------------------------------------


def _collected(future: Future[JobResult], job: LeaderboardJob, seconds: float) -> JobResult:
    """A finished future as a result: the task's own, or the job's error."""
    try:
        error = future.exception(timeout=0)
    except CancelledError as cancelled:
        error = cancelled
    if error is None:
        value = future.result(timeout=0)
        if isinstance(value, JobResult):
            return attrs.evolve(value, job=job)
        error = WorkerError(
            f"the task returned {type(value).__name__}, not a JobResult",
            error_type=_qualified_name(TypeError()),
        )
    if not isinstance(error, Exception):  # SystemExit and the like, from the worker
        error = WorkerError(f"{_qualified_name(error)}: {error}", error_type=_qualified_name(error))
    return JobResult(job=job, error=error, seconds=seconds)


def _check_outputs(jobs: Sequence[LeaderboardJob]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if not isinstance(job, LeaderboardJob):
            raise TypeError(f"jobs must be LeaderboardJob objects, not {type(job).__name__}")
        target = os.path.normpath(job.output)
        if target in seen:
            raise ValueError(f"two jobs write the same output: {job.output!r}")
        seen.add(target)


def run_leaderboards(
    executor: Executor,
    jobs: Iterable[LeaderboardJob],
    *,
    settings: Settings | None = None,
    on_result: Callable[[JobResult], None] | None = None,
    poll_interval: float | None = None,
    concurrency: int = 4,
    max_concurrency: int | None = None,
    limits: httpx.Limits | None = None,
) -> list[JobResult]:
    """Run many leaderboards on ``executor``, one task per job, and return a
    [JobResult][nemovideo.workflows.JobResult] per job, in job order.

    Each worker process makes one client from ``settings`` on its first job and keeps
    it for the next (see [worker_client][nemovideo.workflows.worker_client]). A job
    that fails does not stop the others: its result carries the error, whether the
    SDK raised it in the worker or the executor raised it for the job (a worker that
    died, a job that could not be pickled, an executor that refused it).

    Each job checks the credit balance before it starts, as
    [NemoVideo.leaderboard][nemovideo.NemoVideo.leaderboard] does; that check reserves
    nothing, so workers that start together may each see enough credits and then run
    out (those jobs fail with
    [InsufficientCreditsError][nemovideo.InsufficientCreditsError]).

    Args:
        executor: any ``concurrent.futures.Executor``: a ``ProcessPoolExecutor``, Dask's
            `client.get_executor(pure=False)`, a thread pool. It is not shut down.
        jobs: the leaderboards, each with its own ``output``.
        settings: `client.worker_settings()` of your client (add
            ``include_token=True`` to send its token along); ``None``: each worker's
            own environment (``NEMO_API_URL``, ``NEMO_TOKEN``, the saved token).
        on_result: called in this thread with each result as its job ends, in the
            order they end. An exception it raises (or an interruption) ends the
            wait: the jobs not yet started are cancelled and the exception propagates.
        poll_interval: seconds between render status reads in each job.
        concurrency: how many clips of a job upload at once.
        max_concurrency: requests in flight at once on each worker's client.
        limits: an ``httpx.Limits`` for each worker's connection pool.

    Raises:
        ValueError: two jobs with the same output, or a bad option (nothing was
            submitted).
        TypeError: a job that is not a [LeaderboardJob][nemovideo.workflows.LeaderboardJob].
    """
    batch = list(jobs)
    _check_outputs(batch)
    poll_intervals(poll_interval)  # checked before anything is submitted
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a whole number of at least 1, not {concurrency!r}")
    permits.resolve(max_concurrency, limits, own_pool=True)
    options = _Options(poll_interval, concurrency, max_concurrency, limits)

    results: dict[int, JobResult] = {}
    submitted: dict[Future[JobResult], tuple[int, float]] = {}

    def done(index: int, result: JobResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(result)

    try:
        for index, job in enumerate(batch):
            started = time.perf_counter()
            try:
                future = executor.submit(_task, job, settings, options)
            except Exception as refused:  # this job's error; the others go on
                done(index, JobResult(job=job, error=refused))
                continue
            submitted[future] = (index, started)
        waiting = set(submitted)
        while waiting:
            # ``wait`` wakes when a job ends; the sweep also catches futures cancelled
            # without notice (an executor shut down with ``cancel_futures=True``).
            wait(waiting, timeout=_SWEEP, return_when=FIRST_COMPLETED)
            ended = sorted((f for f in waiting if f.done()), key=lambda f: submitted[f][0])
            for future in ended:
                waiting.discard(future)
                index, started = submitted[future]
                done(index, _collected(future, batch[index], time.perf_counter() - started))
    finally:
        for future in submitted:  # after an interruption: do not start what is left
            future.cancel()
    return [results[index] for index in range(len(batch))]

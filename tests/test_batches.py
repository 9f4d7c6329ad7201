"""Many leaderboards on an executor: process pools (spawn and fork) and a Dask cluster
against one emulator, one client per worker process, and every way a job can fail
coming back as that job's result."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from nemovideo import (
    Leaderboard,
    NemoVideo,
    NemoVideoError,
    RenderState,
    Settings,
    UnsupportedFileTypeError,
    WorkerError,
)
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import make_clips
from nemovideo.workflows import (
    JobResult,
    LeaderboardJob,
    batches,
    run_job,
    run_leaderboards,
    worker_client,
)

from .test_architecture import loaded_of, modules_after

TOKEN_PATH = "/api/auth/anonymous-token"
TURN_PATH = "/run_sse"


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_clips(tmp_path_factory.mktemp("clips"), n=4, seconds=1, seed=5, size=(160, 96))


def batch_of(clips: list[Path], folder: Path, bad: LeaderboardJob) -> list[LeaderboardJob]:
    """Three good jobs of two clips each, and ``bad`` third of four."""
    good = [
        LeaderboardJob(clips[i : i + 2], top=2, output=str(folder / f"board{i}.mp4"), name=f"b{i}")
        for i in range(3)
    ]
    return [*good[:2], bad, good[2]]


def check_batch(
    jobs: list[LeaderboardJob],
    results: list[JobResult],
    seen: list[JobResult],
    emulator: RunningEmulator,
) -> None:
    """Results in job order, each reported once as it ended; the bad third job failed
    alone and spent nothing; the others rendered; no anonymous token was fetched."""
    assert [r.job for r in results] == jobs
    assert sorted(map(id, seen)) == sorted(map(id, results)), "each reported once"
    assert [r.ok for r in results] == [True, True, False, True]
    for result in results:
        assert result.seconds > 0
        assert re.fullmatch(r".+:\d+", result.worker), result.worker
        assert result.worker != f"{socket.gethostname()}:{os.getpid()}", "ran elsewhere"
    for result in (results[0], results[1], results[3]):
        board = result.unwrap()
        assert isinstance(board, Leaderboard)
        assert board.video_path == Path(result.job.output)
        assert Path(result.job.output).read_bytes()[4:8] == b"ftyp"
        assert sorted(e.clip for e in board.entries) == sorted(
            Path(c).name for c in result.job.clips
        )
        assert board.render_id is not None
        assert result.error is None
        assert result.traceback == ""
    assert results[2].leaderboard is None
    assert "Traceback" in results[2].traceback
    failure = results[2].error
    assert failure is not None
    with pytest.raises(type(failure)):
        results[2].unwrap()
    requests = emulator.emulator.requests
    assert sum(r.path == TURN_PATH for r in requests) == 3, "the bad job sent nothing"
    assert not any(r.path == TOKEN_PATH for r in requests)


# -- one client per worker process: what each worker holds --------------------------------

_BARRIER: list[Any] = []


def keep_barrier(barrier: Any) -> None:
    """A pool initializer: keep the barrier every probe waits on."""
    _BARRIER[:] = [barrier]


def cached_clients() -> tuple[int, int]:
    """This process's id and how many clients its cache holds."""
    return os.getpid(), len(batches._CLIENTS)


def probe_once_everywhere() -> tuple[int, int]:
    """Wait until every worker of the pool runs a probe, so each answers once."""
    _BARRIER[0].wait(timeout=30)
    return cached_clients()


def pids_of(results: list[JobResult]) -> set[int]:
    return {int(r.worker.rpartition(":")[2]) for r in results}


def check_one_client_per_worker(probes: dict[int, int], results: list[JobResult]) -> None:
    ran = pids_of(results)
    assert ran <= set(probes), "every worker that ran a job was probed"
    assert probes == {pid: 1 if pid in ran else 0 for pid in probes}


# -- process pools ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_leaderboards_on_a_process_pool(
    method: str,
    emulator: RunningEmulator,
    clips: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The workers inherit the token through their environment; the settings they get
    # carry none. With fork, no settings at all: each worker's own environment.
    monkeypatch.setenv("NEMO_TOKEN", emulator.emulator.create_user_token(credits=5000))
    monkeypatch.setenv("NEMO_API_URL", emulator.url)
    with NemoVideo() as client:
        settings = client.worker_settings() if method == "spawn" else None
        assert client.settings.token is not None
        if settings is not None:
            assert client.settings.token.get_secret_value().encode() not in pickle.dumps(settings)
    bad = LeaderboardJob([tmp_path / "missing.mp4"], output=str(tmp_path / "x.mp4"), name="bad")
    jobs = batch_of(clips, tmp_path, bad)
    seen: list[JobResult] = []
    context = multiprocessing.get_context(method)
    barrier = context.Barrier(2)
    with ProcessPoolExecutor(
        2, mp_context=context, initializer=keep_barrier, initargs=(barrier,)
    ) as pool:
        results = run_leaderboards(
            pool, jobs, settings=settings, on_result=seen.append, poll_interval=0.05
        )
        probes = dict(
            f.result(timeout=60) for f in [pool.submit(probe_once_everywhere) for _ in range(2)]
        )
    check_batch(jobs, results, seen, emulator)
    assert isinstance(results[2].error, FileNotFoundError)
    assert "missing.mp4" in str(results[2].error)
    check_one_client_per_worker(probes, results)
    # A result holds ids, not handles: the render resumes here, by its id alone.
    with NemoVideo() as client:
        render_id = results[0].unwrap().render_id
        assert render_id is not None
        assert client.render(render_id).status().state is RenderState.COMPLETED


def crash_on(name: str, pool: Executor) -> Executor:
    """An executor that sends the job called ``name`` to a task that kills its worker."""

    class Crashing(Executor):
        def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            job = args[0]
            if isinstance(job, LeaderboardJob) and job.name == name:
                return pool.submit(os._exit, 3)
            return pool.submit(fn, *args, **kwargs)

    return Crashing()


def test_a_worker_that_dies_fails_its_job_and_loses_no_result(tmp_path: Path) -> None:
    jobs = [
        LeaderboardJob(
            [tmp_path / f"{name}.mp4"], output=str(tmp_path / f"{name}-out.mp4"), name=name
        )
        for name in ("first", "crash", "after")
    ]
    seen: list[JobResult] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        first = run_leaderboards(pool, jobs[:1])  # the worker is up and has run a job
        results = run_leaderboards(crash_on("crash", pool), jobs[1:], on_result=seen.append)
    assert isinstance(first[0].error, FileNotFoundError)
    assert [r.job.name for r in results] == ["crash", "after"]
    assert len(seen) == 2
    assert isinstance(results[0].error, BrokenProcessPool)
    assert results[0].worker == "", "its worker never answered"
    assert results[0].seconds > 0
    assert isinstance(results[1].error, BrokenProcessPool | FileNotFoundError)


# -- Dask ----------------------------------------------------------------------------------------


def test_leaderboards_on_a_dask_cluster(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    token = emulator.emulator.create_user_token(credits=5000)
    # No NEMO_TOKEN in the workers' environment: the settings carry the token.
    with NemoVideo(base_url=emulator.url, token=token) as client:
        settings = client.worker_settings(include_token=True)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    bad = LeaderboardJob([clips[0], notes], output=str(tmp_path / "x.mp4"), name="bad")
    jobs = batch_of(clips, tmp_path, bad)
    seen: list[JobResult] = []
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        executor = dask_client.get_executor(pure=False)
        results = run_leaderboards(
            executor, jobs, settings=settings, on_result=seen.append, poll_interval=0.05
        )
        probes = dict(dask_client.run(cached_clients).values())
    check_batch(jobs, results, seen, emulator)
    error = results[2].error
    assert isinstance(error, UnsupportedFileTypeError)
    assert error.path is not None
    assert error.path.endswith("notes.txt")
    check_one_client_per_worker(probes, results)


# -- what goes wrong outside a task --------------------------------------------------------------


class Scripted(Executor):
    """An executor whose futures end the way the test says, without running anything."""

    def __init__(
        self, outcomes: Mapping[str, Callable[[Future[Any], LeaderboardJob], None]]
    ) -> None:
        self.outcomes = outcomes
        self.submitted: list[LeaderboardJob] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        job = args[0]
        self.submitted.append(job)
        future: Future[Any] = Future()
        self.outcomes[job.name or ""](future, job)
        return future


def refused(future: Future[Any], job: LeaderboardJob) -> None:
    raise pickle.PicklingError("cannot pickle this job")


def broken(future: Future[Any], job: LeaderboardJob) -> None:
    future.set_exception(BrokenProcessPool("a worker died"))


def cancelled(future: Future[Any], job: LeaderboardJob) -> None:
    future.cancel()


def exited(future: Future[Any], job: LeaderboardJob) -> None:
    future.set_exception(SystemExit(2))


def odd_value(future: Future[Any], job: LeaderboardJob) -> None:
    future.set_result("not a result")


def succeeded(future: Future[Any], job: LeaderboardJob) -> None:
    future.set_result(JobResult(job=job, seconds=1.5, worker="elsewhere:1"))


def later(future: Future[Any], job: LeaderboardJob) -> None:
    threading.Timer(0.05, succeeded, (future, job)).start()


def test_every_failure_outside_a_task_becomes_that_jobs_error(tmp_path: Path) -> None:
    outcomes = {
        "refused": refused,
        "broken": broken,
        "cancelled": cancelled,
        "exited": exited,
        "odd": odd_value,
        "later": later,
        "ok": succeeded,
    }
    jobs = [
        LeaderboardJob(["a.mp4"], output=str(tmp_path / f"{name}.mp4"), name=name)
        for name in outcomes
    ]
    seen: list[JobResult] = []
    results = run_leaderboards(Scripted(outcomes), jobs, on_result=seen.append)
    assert [r.job for r in results] == jobs
    assert len(seen) == len(jobs)
    assert seen[-1].job.name == "later", "reported as it ends"
    errors = {r.job.name: r.error for r in results}
    assert isinstance(errors["refused"], pickle.PicklingError)
    assert isinstance(errors["broken"], BrokenProcessPool)
    assert isinstance(errors["cancelled"], CancelledError)
    exited_error = errors["exited"]
    assert isinstance(exited_error, WorkerError)
    assert exited_error.error_type == "builtins.SystemExit"
    assert isinstance(errors["odd"], WorkerError)
    assert "str" in str(errors["odd"])
    assert errors["later"] is None
    assert errors["ok"] is None
    assert results[-1].worker == "elsewhere:1"
    assert results[-1].seconds == 1.5, "the worker's own time"


def test_an_exception_in_on_result_ends_the_wait_and_cancels_what_is_left(
    tmp_path: Path,
) -> None:
    waiting: list[Future[Any]] = []

    def never(future: Future[Any], job: LeaderboardJob) -> None:
        waiting.append(future)

    def stop(result: JobResult) -> None:
        raise RuntimeError(f"stop after {result.job.name}")

    jobs = [
        LeaderboardJob(["a.mp4"], output=str(tmp_path / f"{name}.mp4"), name=name)
        for name in ("ok", "never")
    ]
    with pytest.raises(RuntimeError, match="stop after ok"):
        run_leaderboards(Scripted({"ok": succeeded, "never": never}), jobs, on_result=stop)
    assert len(waiting) == 1
    assert waiting[0].cancelled()


class Odd(Exception):
    """An exception that cannot be pickled: it holds a lock."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()


def test_an_error_that_cannot_travel_comes_back_as_a_worker_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fail(self: NemoVideo, *args: Any, **kwargs: Any) -> Leaderboard:
        raise Odd("the odd one")

    monkeypatch.setattr(NemoVideo, "leaderboard", fail)
    job = LeaderboardJob(["a.mp4"], output=str(tmp_path / "a-out.mp4"))
    result = run_job(job, NemoVideo(base_url="http://127.0.0.1:9", token="nmv_usr_x").settings)
    error = result.error
    assert isinstance(error, WorkerError)
    assert isinstance(error, NemoVideoError)
    assert error.error_type == f"{__name__}.Odd"
    assert "the odd one" in str(error)
    assert "raise Odd" in error.traceback
    assert result.traceback == error.traceback
    again = pickle.loads(pickle.dumps(result))
    assert again.job == job
    assert isinstance(again.error, WorkerError)
    assert again.error.error_type == error.error_type


# -- the per-process cache -------------------------------------------------------------------


def settings_for(token: str, url: str = "http://127.0.0.1:9") -> Settings:
    with NemoVideo(base_url=url, token=token, client_id="cache-test") as client:
        return client.worker_settings(include_token=True)


@pytest.fixture
def empty_cache() -> Iterator[None]:
    saved = dict(batches._CLIENTS)
    batches._CLIENTS.clear()
    yield
    batches._CLIENTS.clear()
    batches._CLIENTS.update(saved)


@pytest.mark.usefixtures("empty_cache")
def test_one_client_per_process_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    first = settings_for("nmv_usr_one")
    client = worker_client(first)
    assert worker_client(first) is client
    assert worker_client(pickle.loads(pickle.dumps(first))) is client, "as a task gets them"
    assert worker_client(settings_for("nmv_usr_two")) is not client
    assert worker_client(first, max_concurrency=8) is not client
    assert worker_client(first, max_concurrency=8) is worker_client(first, max_concurrency=8)
    # No settings: this process's environment, as NemoVideo() reads it.
    monkeypatch.setenv("NEMO_API_URL", "http://127.0.0.1:8")
    default = worker_client()
    assert default.base_url == "http://127.0.0.1:8"
    assert worker_client() is default
    assert len(batches._CLIENTS) == 4


@pytest.mark.usefixtures("empty_cache")
def test_threads_of_one_worker_share_its_client() -> None:
    settings = settings_for("nmv_usr_threads")
    got: list[NemoVideo] = []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait(timeout=10)
        got.append(worker_client(pickle.loads(pickle.dumps(settings))))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(got) == 8
    assert len({id(c) for c in got}) == 1


# -- checks before anything is submitted ----------------------------------------------------


def test_jobs_and_options_are_checked_before_anything_is_submitted(tmp_path: Path) -> None:
    executor = Scripted({})
    one = LeaderboardJob(["a.mp4"], output=str(tmp_path / "same.mp4"))
    two = LeaderboardJob(["b.mp4"], output=str(tmp_path / "." / "same.mp4"))
    with pytest.raises(ValueError, match="same output"):
        run_leaderboards(executor, [one, two])
    with pytest.raises(ValueError, match="poll_interval"):
        run_leaderboards(executor, [one], poll_interval=-1)
    with pytest.raises(ValueError, match="concurrency"):
        run_leaderboards(executor, [one], concurrency=0)
    with pytest.raises(ValueError, match="max_concurrency"):
        run_leaderboards(executor, [one], max_concurrency=0)
    with pytest.raises(TypeError, match="LeaderboardJob"):
        run_leaderboards(executor, ["a.mp4"])  # type: ignore[list-item]
    assert executor.submitted == []
    assert run_leaderboards(executor, []) == []
    with pytest.raises(ValueError, match="top"):
        LeaderboardJob(["a.mp4"], top=0)
    with pytest.raises(ValueError, match="layout"):
        LeaderboardJob(["a.mp4"], layout="diagonal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one clip"):
        LeaderboardJob([])
    job = LeaderboardJob(tmp_path / "a.mp4", output=tmp_path / "out.mp4", name="one")
    assert job.clips == (str(tmp_path / "a.mp4"),)
    assert job.output == str(tmp_path / "out.mp4")
    assert pickle.loads(pickle.dumps(job)) == job


def test_the_workflows_load_no_executor_library() -> None:
    loaded = modules_after("import nemovideo.workflows")
    assert "nemovideo.workflows.batches" in loaded
    assert not loaded_of(loaded, "dask", "distributed", "ray", "concurrent.futures.process")

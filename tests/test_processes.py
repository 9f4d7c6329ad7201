"""Clients and handles across processes: pickled into workers (spawn and fork), and
inherited through fork."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from nemovideo import (
    AsyncNemoVideo,
    Leaderboard,
    LeaderboardEntry,
    NemoVideo,
    Render,
    Reply,
    Session,
)
from nemovideo.emulator import RunningEmulator

TOKEN_PATH = "/api/auth/anonymous-token"


def credits_in_worker(client: NemoVideo) -> float:
    with client:
        return client.credits().available


def state_in_worker(session: Session) -> str | None:
    return session.state().session_id


def download_in_worker(render: Render, folder: str) -> str:
    render.wait(timeout=60, poll_interval=0.05)
    return str(render.download(Path(folder) / "out.mp4"))


@pytest.fixture(params=["fork", "spawn"])
def pool(request: pytest.FixtureRequest) -> Any:
    context = multiprocessing.get_context(request.param)
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as executor:
        yield executor


def test_a_client_travels_as_its_settings_without_the_token(
    emulator: RunningEmulator, pool: ProcessPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = emulator.emulator.create_user_token(credits=321)
    client = NemoVideo(base_url=emulator.url, token=secret, client_id="pickled")
    shipped = pickle.dumps(client)
    assert secret.encode() not in shipped
    monkeypatch.setenv("NEMO_TOKEN", emulator.emulator.create_user_token(credits=654))
    assert pool.submit(credits_in_worker, client).result(timeout=60) == 654, "the worker's own"
    shared = NemoVideo.from_settings(client.worker_settings(include_token=True))
    assert pool.submit(credits_in_worker, shared).result(timeout=60) == 321, "the one sent"
    client.close()


def test_workers_reuse_the_anonymous_token_the_parent_saved(
    emulator: RunningEmulator, pool: ProcessPoolExecutor
) -> None:
    with NemoVideo(base_url=emulator.url) as client:
        session = client.create_session()
        futures = [pool.submit(state_in_worker, session) for _ in range(4)]
        assert [f.result(timeout=60) for f in futures] == [session.session_id] * 4
    assert sum(r.path == TOKEN_PATH for r in emulator.emulator.requests) == 1


def test_a_render_resumes_in_a_worker(
    emulator: RunningEmulator, pool: ProcessPoolExecutor, tmp_path: Path
) -> None:
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.2)
    with NemoVideo(base_url=emulator.url) as client:
        session = client.create_session()
        session.send("add a title 'Across'").result()
        render = session.export()
        path = pool.submit(download_in_worker, render, str(tmp_path)).result(timeout=60)
    assert Path(path).read_bytes()[4:8] == b"ftyp"


def test_handles_and_results_round_trip_in_one_process(emulator: RunningEmulator) -> None:
    with NemoVideo(base_url=emulator.url) as client:
        session = client.create_session()
        again = pickle.loads(pickle.dumps(session))
        assert (again.session_id, again.task_id) == (session.session_id, session.task_id)
        assert again.state().session_id == session.session_id
        assert copy.deepcopy(session).state().session_id == session.session_id
        render = client.render("render_1", session_id=session.session_id)
        assert pickle.loads(pickle.dumps(render)).id == "render_1"
        with session.send("add a title 'Kept'") as turn:
            with pytest.raises(TypeError, match="cannot be pickled"):
                pickle.dumps(turn)
            reply = turn.result()
        assert pickle.loads(pickle.dumps(reply)) == reply
    board = Leaderboard(
        entries=(LeaderboardEntry(rank=1, clip="a.mp4", score=91.5),),
        top=1,
        source="text",
        reply=Reply(text="1. a.mp4 - 91.5"),
        render_id="render_7",
        session_id="s1",
    )
    assert pickle.loads(pickle.dumps(board)) == board
    assert Leaderboard.from_dict(board.to_dict()) == board


def test_an_async_client_pickles_too(emulator: RunningEmulator) -> None:
    client = AsyncNemoVideo(base_url=emulator.url, max_retries=4)
    again = pickle.loads(pickle.dumps(client))
    assert isinstance(again, AsyncNemoVideo)
    assert again.settings.max_retries == 4
    assert again.base_url == emulator.url


_INHERITED: list[NemoVideo] = []


def read_states(session_id: str) -> list[str | None]:
    client = _INHERITED[0]
    return [client.session(session_id).state().session_id for _ in range(10)]


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this system"
)
def test_a_client_used_before_fork_gives_each_child_its_own_connections(
    emulator: RunningEmulator,
) -> None:
    client = NemoVideo(base_url=emulator.url)
    sessions = [client.create_session().session_id for _ in range(4)]
    for session_id in sessions:
        client.session(session_id).state()  # the pool now holds live connections
    _INHERITED[:] = [client]
    try:
        with multiprocessing.get_context("fork").Pool(4) as workers:
            results = workers.map(read_states, sessions * 2)
    finally:
        _INHERITED.clear()
        client.close()
    assert results == [[session_id] * 10 for session_id in sessions * 2]


def test_what_travels_by_pickle_travels_by_cloudpickle_too(emulator: RunningEmulator) -> None:
    cloudpickle = pytest.importorskip("cloudpickle")  # what Dask and Ray use
    from nemovideo import RenderFailedError

    with NemoVideo(base_url=emulator.url) as client:
        session = client.create_session()
        again = cloudpickle.loads(cloudpickle.dumps(session))
        assert again.state().session_id == session.session_id
        render = cloudpickle.loads(cloudpickle.dumps(client.render("render_9")))
        assert render.id == "render_9"
        copied = cloudpickle.loads(cloudpickle.dumps(client))
        assert copied.credits().available == client.credits().available
    error = cloudpickle.loads(cloudpickle.dumps(RenderFailedError("x", render_id="render_9")))
    assert error.render_id == "render_9"

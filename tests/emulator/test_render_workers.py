"""Renders wait in line for a bounded set of workers, and memory comes back after them."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nemovideo.emulator import Emulator, RunningEmulator, serve
from nemovideo.emulator.workers import MAX_WAITING, RenderWorkers

ROOT = Path(__file__).resolve().parents[2]
SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}
DRAFT = {
    "d": 500,
    "m": {"width": 1280, "height": 720},
    "t": [{"tt": 7, "sg": [{"s": 0, "d": 500, "tx": "Hi"}]}],
}


@pytest.fixture
def running() -> Iterator[RunningEmulator]:
    world = Emulator()
    world.configure(render_workers=1, render_scale=0.2)
    with serve(world) as served:
        yield served
    world.close()


def _blocker(workers: RenderWorkers) -> tuple[threading.Event, threading.Event]:
    """Occupy the (one) worker until the returned ``release`` is set."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(30)

    assert workers.submit(hold)
    assert started.wait(30)
    return started, release


def test_work_beyond_the_pool_size_waits_its_turn() -> None:
    workers = RenderWorkers(2)
    gates = [threading.Event() for _ in range(3)]
    began = [threading.Event() for _ in range(3)]

    def job(index: int) -> None:
        began[index].set()
        gates[index].wait(30)

    try:
        for index in range(3):
            assert workers.submit(lambda index=index: job(index))  # type: ignore[misc]
        assert began[0].wait(30)
        assert began[1].wait(30)
        assert not began[2].is_set(), "two workers: the third job waits"
        gates[0].set()
        assert began[2].wait(30)
    finally:
        for gate in gates:
            gate.set()
        workers.shutdown()


def test_a_queued_render_is_pending_then_completes(running: RunningEmulator) -> None:
    world = running.emulator
    auth = {"Authorization": f"Bearer {world.create_user_token()}", **SKILL}
    _, release = _blocker(world.workers)
    with httpx.Client(base_url=running.url, timeout=30) as api:
        made = api.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth)
        session_id = made.json()["data"]["session_id"]
        body = {"id": "queued", "sessionId": session_id, "draft": DRAFT}
        assert api.post("/api/render/proxy/lambda", json=body, headers=auth).status_code == 200
        status = api.get("/api/render/proxy/lambda/queued", headers=auth).json()["data"]
        assert (status["status"], status["progress"]) == ("pending", 0)
        release.set()
        assert world.wait_for_render("queued", timeout=60) == "completed"


def test_too_many_waiting_renders_are_refused_with_429(running: RunningEmulator) -> None:
    world = running.emulator
    auth = {"Authorization": f"Bearer {world.create_user_token()}", **SKILL}
    _, release = _blocker(world.workers)
    try:
        for _ in range(MAX_WAITING):
            assert world.workers.submit(lambda: None)
        with httpx.Client(base_url=running.url, timeout=30) as api:
            made = api.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth)
            session_id = made.json()["data"]["session_id"]
            body = {"id": "one-too-many", "sessionId": session_id, "draft": DRAFT}
            refused = api.post("/api/render/proxy/lambda", json=body, headers=auth)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "5"
        assert "one-too-many" not in world.store.renders
    finally:
        release.set()


def test_shut_down_workers_drop_waiting_work_and_take_no_more() -> None:
    workers = RenderWorkers(1)
    _, release = _blocker(workers)
    ran = threading.Event()
    assert workers.submit(ran.set)
    closing = threading.Thread(target=workers.shutdown)
    closing.start()
    release.set()
    closing.join(30)
    assert not ran.is_set(), "the waiting work never ran"
    assert not workers.submit(ran.set)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_memory_comes_back_after_a_hundred_renders() -> None:
    """RSS after 100 small renders is within 20% of RSS after the first (it was 2.5x with a
    thread per render); ``benchmarks/emulator_memory.py`` in a process of its own."""
    script = str(ROOT / "benchmarks/emulator_memory.py")
    done = subprocess.run(
        [sys.executable, script, "--renders", "100", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(figures)
    assert figures["after_all_mib"] <= 1.2 * figures["after_first_mib"], figures


def test_a_reset_drops_the_renders_waiting_for_a_worker(running: RunningEmulator) -> None:
    world = running.emulator
    auth = {"Authorization": f"Bearer {world.create_user_token()}", **SKILL}
    _, release = _blocker(world.workers)
    with httpx.Client(base_url=running.url, timeout=30) as api:
        made = api.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth)
        session_id = made.json()["data"]["session_id"]
        body = {"id": "forgotten", "sessionId": session_id, "draft": DRAFT}
        assert api.post("/api/render/proxy/lambda", json=body, headers=auth).status_code == 200
    job = world.store.renders["forgotten"]
    world.reset()
    release.set()
    assert job.finished.wait(30)
    assert job.path is None
    assert job.frames_done == 0, "it never started"

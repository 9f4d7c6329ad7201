"""No secret in any log line, and load on the live emulator (bounded in time)."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from nemovideo import AsyncNemoVideo, NemoVideo
from nemovideo._transport import http_client_options
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import ClipStyle, make_clip

pytestmark = pytest.mark.anyio

SECRET = re.compile(r"(nmv_usr_|clm_)[A-Za-z0-9_-]{6,}")


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return make_clip(
        tmp_path / "clip.mp4", ClipStyle(0.5, 0.5, 0.5, 0.5, 1, 0.2), seconds=1, size=(96, 64)
    )


def test_debug_logs_of_every_endpoint_hold_no_token(
    emulator: RunningEmulator,
    clip: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEMOVIDEO_LOG", "debug")
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.1)
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "nemovideo", "uvicorn", "uvicorn.error"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    errors: list[str] = []
    with NemoVideo(base_url=emulator.url, client_id="secret-test") as client:
        client.credits()
        session = client.create_session()
        session.upload(clip)
        session.upload_urls(["https://media.test/a.mp4"])
        reply = session.send("add a title 'Secret'").result()
        state = session.state()
        link = session.browser_url()
        render = session.export()
        render.wait(poll_interval=0.05)
        render.download(tmp_path / "out.mp4")
        emulator.emulator.expire_tokens()
        client.credits()  # renews the anonymous token
        try:
            client.session("1").state()
        except Exception as exc:
            errors.append(f"{exc!s} {exc!r}")
        shown = " ".join(map(repr, (client, session, reply, state, render))) + str(state.draft)
    tokens = list(emulator.emulator.store.tokens)
    assert len(tokens) == 2
    claim = link.split("ct=", 1)[1]
    everything = caplog.text + " ".join(errors) + shown
    assert "GET /api/credits/balance/simple" in caplog.text, "debug logging was on"
    for secret in [*tokens, claim]:
        assert secret not in everything
    assert not SECRET.search(everything)


async def test_fifty_sessions_on_one_async_client(emulator: RunningEmulator, clip: Path) -> None:
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.2)
    token = emulator.emulator.create_user_token(credits=100_000)
    finished: list[str] = []
    connections: dict[int, Any] = {}

    async def count(response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        connections[id(stream)] = stream  # kept, so ids stay unique

    # The SDK's own pool options, with a hook that sees which connection each answer used.
    http = httpx.AsyncClient(
        **http_client_options(asynchronous=True), event_hooks={"response": [count]}
    )
    async with http, AsyncNemoVideo(base_url=emulator.url, token=token, http_client=http) as client:

        async def one() -> None:
            session = await client.create_session()
            await session.upload(clip)
            reply = await (await session.send("add a title 'Load'")).result()
            assert reply.changes
            render = await session.export()
            status = await render.wait(poll_interval=0.1)
            assert status.is_completed
            finished.append(session.session_id)

        with anyio.fail_after(90):
            async with anyio.create_task_group() as group:
                for _ in range(50):
                    group.start_soon(one)
        is_open = [s.get_extra_info("socket").fileno() != -1 for s in connections.values()]
    assert any(is_open), "the pool keeps connections alive between calls"
    assert sum(is_open) <= 100, "the pool never holds more than its 100 connections"
    assert not any(s.get_extra_info("socket").fileno() != -1 for s in connections.values())
    assert len(set(finished)) == 50


def test_one_sync_client_shared_by_eight_threads(emulator: RunningEmulator, clip: Path) -> None:
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.2)
    token = emulator.emulator.create_user_token(credits=100_000)
    finished: list[str] = []
    failures: list[BaseException] = []
    with NemoVideo(base_url=emulator.url, token=token) as client:

        def one() -> None:
            try:
                for _ in range(2):
                    session = client.create_session()
                    session.upload(clip)
                    assert session.send("add a title 'Threads'").result().changes
                    assert session.export().wait(poll_interval=0.1).is_completed
                    finished.append(session.session_id)
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        threads = [threading.Thread(target=one) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    assert failures == []
    assert len(set(finished)) == 16


def test_a_hostile_render_id_cannot_escape_the_folder(tmp_path: Path) -> None:
    from nemovideo._protocol.download import target_path

    folder = tmp_path / "videos"
    folder.mkdir()
    for hostile in ("../../etc/passwd", "..", "/abs/path", "a/../../b"):
        target = target_path(folder, hostile)
        assert target.parent == folder
        assert target.resolve().is_relative_to(folder.resolve())


def test_the_emulator_warns_when_bound_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from contextlib import contextmanager

    import nemovideo.emulator.server as server
    from nemovideo.emulator.__main__ import main

    seen: list[str] = []

    @contextmanager
    def fake_serve(emulator: object, host: str, port: int):  # type: ignore[no-untyped-def]
        seen.append(host)
        yield type("Running", (), {"url": f"http://{host}:{port}"})()

    def interrupted(self: threading.Event, timeout: float | None = None) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(server, "serve", fake_serve)
    monkeypatch.setattr(threading.Event, "wait", interrupted)
    assert main(["--host", "0.0.0.0", "--port", "9"]) == 0  # noqa: S104 - the point of the test
    assert "not loopback" in capsys.readouterr().err
    assert main(["--port", "9"]) == 0
    assert "not loopback" not in capsys.readouterr().err
    assert seen == ["0.0.0.0", "127.0.0.1"]  # noqa: S104

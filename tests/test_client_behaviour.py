"""Client behaviour on both clients over httpx.MockTransport: auth, attribution,
retries, uploads, renders and downloads (no sockets, no real sleeping)."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import trio

from nemovideo import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    DownloadError,
    ExportBlockedError,
    FileTooLargeError,
    InsufficientCreditsError,
    NotReadyError,
    RateLimitError,
    RenderFailedError,
    RenderTimeoutError,
    RetryEvent,
    ServerError,
    SessionNotFoundError,
    UnsupportedFileTypeError,
    UploadError,
    __version__,
)
from nemovideo.testing import FakeClock

from .fake_service import API, CDN, TOKEN, FakeService, make_client, ok
from .recorded import done

pytestmark = pytest.mark.anyio


@pytest.fixture
def service() -> FakeService:
    return FakeService()


# -- auth and attribution -------------------------------------------------------------


async def test_first_call_fetches_one_anonymous_token(kind: str, service: FakeService) -> None:
    client = make_client(kind, service)
    await done(client.credits())
    await done(client.credits())
    token_call, first, second = service.seen
    assert token_call.path == "/api/auth/anonymous-token"
    assert token_call.headers["x-client-id"] == "fake-client"
    assert "authorization" not in token_call.headers
    assert first.headers["authorization"] == f"Bearer {TOKEN}1"
    assert second.headers["authorization"] == f"Bearer {TOKEN}1"


def test_ten_threads_cause_one_token_request(service: FakeService) -> None:
    gate = threading.Event()
    service.token_delay = gate
    client = make_client("sync", service)
    errors: list[BaseException] = []

    def first_call() -> None:
        try:
            client.credits()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_call) for _ in range(10)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert errors == []
    assert service.count("anonymous-token") == 1
    assert service.count("credits") == 10


async def test_async_tests_run_on_the_event_loop_they_are_named_after(anyio_backend: str) -> None:
    try:
        asyncio.get_running_loop()
        running = "asyncio"
    except RuntimeError:
        trio.lowlevel.current_task()  # raises outside trio too
        running = "trio"
    assert running == anyio_backend


async def test_ten_tasks_cause_one_token_request(service: FakeService) -> None:
    client = make_client("async", service)
    async with anyio.create_task_group() as group:
        for _ in range(10):
            group.start_soon(client.credits)
    assert service.count("anonymous-token") == 1
    assert service.count("credits") == 10


async def test_expired_anonymous_token_is_renewed_once_with_the_same_client_id(
    kind: str, service: FakeService
) -> None:
    service.script("credits", ok({"available": 1}), httpx.Response(401, json={"code": 1001}))
    client = make_client(kind, service)
    await done(client.credits())
    credits = await done(client.credits())
    assert credits.available == 90
    tokens = [s for s in service.seen if s.path.endswith("anonymous-token")]
    assert [t.headers["x-client-id"] for t in tokens] == ["fake-client", "fake-client"]
    assert service.seen[-1].headers["authorization"] == f"Bearer {TOKEN}2"

    service.script("credits", *[httpx.Response(401, json={"code": 1001})] * 2)
    with pytest.raises(AuthenticationError):
        await done(client.credits())


async def test_a_callers_token_is_never_renewed(kind: str, service: FakeService) -> None:
    service.script("credits", httpx.Response(200, json={"code": 1001, "message": "expired"}))
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(AuthenticationError) as caught:
        await done(client.credits())
    assert service.count("anonymous-token") == 0
    assert TOKEN not in str(caught.value) + repr(caught.value) + repr(client)


async def test_attribution_headers_on_every_call_and_overridable(
    kind: str, service: FakeService
) -> None:
    client = make_client(kind, service)
    await done(client.credits())
    for seen in service.seen:
        assert seen.headers["x-skill-source"] == "nemovideo-python"
        assert seen.headers["x-skill-version"] == __version__
        assert seen.headers["x-skill-platform"]
    service.seen.clear()
    custom = make_client(
        kind, service, skill_source="my-tool", skill_version="9.9", skill_platform="cursor"
    )
    await done(custom.credits())
    for seen in service.seen:
        assert (seen.headers["x-skill-source"], seen.headers["x-skill-version"]) == (
            "my-tool",
            "9.9",
        )
        assert seen.headers["x-skill-platform"] == "cursor"


async def test_2001_carries_the_registration_link(kind: str, service: FakeService) -> None:
    service.script("credits", httpx.Response(200, json={"code": 2001, "message": "no credits"}))
    client = make_client(kind, service)
    with pytest.raises(InsufficientCreditsError) as caught:
        await done(client.credits())
    assert caught.value.register_url == "https://nemovideo.com/register?bind=anon_abc"


# -- retries -----------------------------------------------------------------------------


async def test_get_retries_server_errors_with_backoff_and_tells_the_hook(
    kind: str, service: FakeService
) -> None:
    events: list[RetryEvent] = []
    clock = FakeClock()
    service.script("credits", httpx.Response(503), httpx.Response(502, text="<html>bad</html>"))
    client = make_client(kind, service, token=TOKEN, on_retry=events.append, clock=clock)
    credits = await done(client.credits())
    assert credits.available == 90
    assert service.count("credits") == 3
    assert [e.attempt for e in events] == [1, 2]
    assert isinstance(events[1].error, ServerError)
    assert events[1].error.status_code == 502
    assert clock.waits == [e.wait for e in events]
    assert all(0 < s <= 8.5 for s in clock.waits)


async def test_retries_stop_at_max_retries(kind: str, service: FakeService) -> None:
    service.script("credits", *[httpx.Response(500)] * 5)
    client = make_client(kind, service, token=TOKEN, max_retries=1)
    with pytest.raises(ServerError):
        await done(client.credits())
    assert service.count("credits") == 2


async def test_429_waits_retry_after_and_retries_once(kind: str, service: FakeService) -> None:
    events: list[RetryEvent] = []
    limited = httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "slow"})
    service.script("credits", limited, limited)
    client = make_client(kind, service, token=TOKEN, on_retry=events.append)
    with pytest.raises(RateLimitError):
        await done(client.credits())
    assert service.count("credits") == 2
    assert [e.wait for e in events] == [3]
    service.script("credits", httpx.Response(429))
    await done(client.credits())
    assert events[-1].wait == 30


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (402, {"success": False, "error": "plan"}),
        (200, {"code": 2001}),
        (200, {"code": 1002}),
        (200, {"code": 4001}),
        (200, {"code": 4002}),
    ],
)
async def test_refusals_are_never_retried(
    kind: str, service: FakeService, status: int, body: dict[str, Any]
) -> None:
    service.script("credits", httpx.Response(status, json=body))
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(APIError):
        await done(client.credits())
    assert service.count("credits") == 1


async def test_a_post_is_retried_only_when_it_never_left(kind: str, service: FakeService) -> None:
    service.script("with-session", httpx.Response(503))
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(ServerError):
        await done(client.create_session())
    assert service.count("with-session") == 1
    service.script("with-session", httpx.ConnectError("refused"))
    session = await done(client.create_session())
    assert session.session_id == "1234567890123456789"
    assert service.count("with-session") == 3
    service.script("with-session", httpx.ReadTimeout("slow"))
    with pytest.raises(APIConnectionError):
        await done(client.create_session())
    assert service.count("with-session") == 4


async def test_unknown_session_by_404_detail(kind: str, service: FakeService) -> None:
    service.script("/api/state/", httpx.Response(404, json={"detail": "Session not found: 9"}))
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(SessionNotFoundError):
        await done(client.session("9").state())


# -- uploads -------------------------------------------------------------------------------


async def test_bad_files_are_refused_before_anything_is_sent(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    good = tmp_path / "ok.mp4"
    good.write_bytes(b"video")
    text = tmp_path / "notes.txt"
    text.write_text("hi")
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as handle:
        handle.truncate(500 * 1024 * 1024 + 1)
    session = make_client(kind, service, token=TOKEN).session("1")
    with pytest.raises(UnsupportedFileTypeError):
        await done(session.upload([good, text]))
    with pytest.raises(FileTooLargeError):
        await done(session.upload([good, huge]))
    with pytest.raises(FileNotFoundError, match=r"missing\.mp4"):
        await done(session.upload([good, tmp_path / "missing.mp4"]))
    folder = tmp_path / "folder.mp4"
    folder.mkdir()
    with pytest.raises(FileNotFoundError, match=r"no .* files in the folder .*folder\.mp4"):
        await done(session.upload(folder))  # a folder is its media files: none here
    with pytest.raises(UnsupportedFileTypeError, match=r"notes\.txt"):
        await done(session.upload(("notes.txt", b"hi")))
    with pytest.raises(TypeError, match="need a file name"):
        await done(session.upload(b"bytes alone"))
    with pytest.raises(UnsupportedFileTypeError):
        await done(session.upload(tmp_path / "missing.docx"))  # the type needs no disk
    assert service.seen == []


async def test_uploads_stream_whole_files_with_progress(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.mp4", tmp_path / "b.mov"
    first.write_bytes(b"A" * 700_000)
    second.write_bytes(b"B" * 300_000)
    progress: list[tuple[int, int]] = []
    session = make_client(kind, service, token=TOKEN).session("1")
    uploads = await done(
        session.upload([first, second], on_progress=lambda s, t: progress.append((s, t)))
    )
    assert sorted(u.filename for u in uploads) == ["a.mp4", "b.mov"]
    bodies = [s.body for s in service.seen if "upload-video" in s.path]
    assert any(b"A" * 700_000 in body for body in bodies)
    assert any(b"B" * 300_000 in body for body in bodies)
    totals = {total for _, total in progress}
    assert len(totals) == 1
    assert progress[-1][0] == progress[-1][1] == totals.pop()
    assert len(progress) > 4
    assert all(b"files" in body for body in bodies)


async def test_a_retried_upload_sends_the_whole_file_again(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"C" * 400_000)
    service.script("upload-video", httpx.ConnectError("refused"))
    session = make_client(kind, service, token=TOKEN).session("1")
    await done(session.upload(clip))
    attempts = [s.body for s in service.seen if "upload-video" in s.path]
    assert len(attempts) == 2
    assert attempts[0] == attempts[1]
    assert b"C" * 400_000 in attempts[1]


async def test_one_failed_file_loses_nothing_else(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    files = []
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (tmp_path / name).write_bytes(name.encode() * 10)
        files.append(tmp_path / name)

    def refuse_b(request: httpx.Request) -> httpx.Response:
        if b'filename="b.mp4"' in request.content:
            return httpx.Response(200, json={"code": 4001, "message": "bad"})
        return service.route(request, request.content)

    service.script("upload-video", refuse_b, refuse_b, refuse_b)
    session = make_client(kind, service, token=TOKEN).session("1")
    with pytest.raises(UploadError) as caught:
        await done(session.upload(files, concurrency=1))
    assert sorted(u.filename for u in caught.value.uploaded) == ["a.mp4", "c.mp4"]
    ((failed, error),) = caught.value.failures
    assert failed.endswith("b.mp4")
    assert isinstance(error, UnsupportedFileTypeError)


async def test_async_uploads_read_files_off_the_event_loop(
    service: FakeService, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x" * 1000)
    reads: list[str] = []

    class Spy:
        def __init__(self, path: Any, mode: str) -> None:
            self.handle = Path(path).open(mode)  # noqa: SIM115 - closed in __exit__

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int) -> bytes:
            reads.append(threading.current_thread().name)
            data: bytes = self.handle.read(size)
            return data

    loop_thread = threading.current_thread().name
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("nemovideo._io.open", Spy, raising=False)
        await make_client("async", service, token=TOKEN).session("1").upload(clip)
    assert reads
    assert loop_thread not in reads


# -- renders ---------------------------------------------------------------------------------


async def test_export_refuses_an_empty_timeline_and_sends_nothing(
    kind: str, service: FakeService
) -> None:
    service.draft = {"t": [{"tt": 0, "sg": []}], "d": 0}
    session = make_client(kind, service, token=TOKEN).session("1")
    with pytest.raises(NotReadyError):
        await done(session.export())
    service.draft = None
    with pytest.raises(NotReadyError):
        await done(session.export())
    assert "/api/render/proxy/lambda" not in service.paths("POST")


async def test_export_sends_the_draft_exactly(kind: str, service: FakeService) -> None:
    import json

    service.draft = {"t": [{"tt": 0, "sg": [{"n": "a", "zz": [1, {"k": None}]}]}], "x": True}
    session = make_client(kind, service, token=TOKEN).session("77")
    render = await done(session.export(quality="high"))
    (submit,) = [s for s in service.seen if s.path == "/api/render/proxy/lambda"]
    body = json.loads(submit.body)
    assert body == {
        "id": render.id,
        "sessionId": "77",
        "draft": service.draft,
        "output": {"format": "mp4", "quality": "high"},
    }
    assert render.id.startswith("render_")


async def test_a_failed_render_is_resubmitted_once_with_a_new_id(
    kind: str, service: FakeService
) -> None:
    service.statuses = [{"status": "processing", "progress": 10}, {"status": "failed"}]
    client = make_client(kind, service, token=TOKEN)
    render = await done(client.session("1").export())
    first = render.id
    status = await done(render.wait(poll_interval=0))
    assert status.is_completed
    assert render.id != first
    submitted = [s for s in service.seen if s.path == "/api/render/proxy/lambda"]
    assert len(submitted) == 2

    service.statuses = [{"status": "failed"}, {"status": "failed", "error": "codec"}]
    again = await done(client.session("1").export())
    with pytest.raises(RenderFailedError) as caught:
        await done(again.wait(poll_interval=0))
    assert caught.value.render_id == again.id


async def test_transient_poll_errors_keep_the_same_id(kind: str, service: FakeService) -> None:
    service.script("/lambda/", httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(429))
    client = make_client(kind, service, token=TOKEN, max_retries=0)
    render = await done(client.session("1").export())
    status = await done(render.wait(poll_interval=0))
    assert status.is_completed
    polled = {s.path for s in service.seen if "/lambda/" in s.path}
    assert polled == {f"/api/render/proxy/lambda/{render.id}"}


async def test_wait_has_an_overall_timeout(kind: str, service: FakeService) -> None:
    clock = FakeClock()
    service.statuses = [{"status": "processing", "progress": p} for p in range(0, 100, 5)]
    client = make_client(kind, service, token=TOKEN, clock=clock)
    render = await done(client.session("1").export())
    with pytest.raises(RenderTimeoutError) as caught:
        await done(render.wait(timeout=20))
    assert caught.value.status is not None
    assert caught.value.status.progress > 0
    assert caught.value.render_id == render.id
    assert clock.now == pytest.approx(20)


async def test_a_render_re_attached_by_id_alone_waits_and_downloads(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    service.statuses = [{"status": "processing", "progress": 40}]
    render = make_client(kind, service, token=TOKEN).render("render_1")
    assert render.session_id is None
    assert "session_id=None" in repr(render)
    assert (await done(render.status())).progress == 40
    assert (await done(render.wait(poll_interval=0))).is_completed
    path = await done(render.download(tmp_path))
    assert path.read_bytes() == service.video
    assert all("/state/" not in seen.path for seen in service.seen)


async def test_a_failed_render_without_its_session_id_is_not_resubmitted(
    kind: str, service: FakeService
) -> None:
    service.statuses = [{"status": "processing"}, {"status": "failed", "error": "codec"}]
    render = make_client(kind, service, token=TOKEN).render("render_1")
    with pytest.raises(RenderFailedError, match=r"needs its session's draft") as caught:
        await done(render.wait(poll_interval=0))
    assert caught.value.render_id == "render_1"
    assert caught.value.status is not None
    assert caught.value.status.error == "codec"
    assert "session_id=..." in str(caught.value)
    assert render.id == "render_1"
    assert service.paths() == ["/api/render/proxy/lambda/render_1"] * 2, "nothing submitted"


async def test_a_failed_render_with_its_session_id_is_resubmitted_from_the_state(
    kind: str, service: FakeService
) -> None:
    service.statuses = [{"status": "failed"}]
    render = make_client(kind, service, token=TOKEN).render("render_1", session_id="77")
    assert (await done(render.wait(poll_interval=0))).is_completed
    assert render.id != "render_1"
    submitted = [s for s in service.seen if s.path == "/api/render/proxy/lambda"]
    assert len(submitted) == 1
    body = json.loads(submitted[0].body)
    assert (body["sessionId"], body["draft"]) == ("77", service.draft)
    assert service.count("/api/state/") == 1


async def test_the_timeout_says_how_to_re_attach(kind: str, service: FakeService) -> None:
    service.statuses = [{"status": "processing", "progress": p} for p in range(0, 100, 5)]
    for session_id, hint in (
        (None, "client.render('render_1')"),
        ("77", "client.render('render_1', session_id='77')"),
    ):
        client = make_client(kind, service, token=TOKEN, clock=FakeClock())
        render = client.render("render_1", session_id=session_id)
        with pytest.raises(RenderTimeoutError) as caught:
            await done(render.wait(timeout=5))
        assert str(caught.value).endswith(f"resume it later with {hint}")


@pytest.mark.parametrize("interval", [-1, float("nan"), "2", True])
async def test_poll_interval_is_a_number_of_seconds(
    kind: str, service: FakeService, interval: Any
) -> None:
    render = make_client(kind, service, token=TOKEN).render("render_1")
    with pytest.raises(ValueError, match="poll_interval must be a number"):
        await done(render.wait(poll_interval=interval))
    assert service.seen == []


async def test_export_blocked_402(kind: str, service: FakeService) -> None:
    service.script(
        "/render/proxy/lambda$", httpx.Response(402, json={"success": False, "error": "plan"})
    )
    with pytest.raises(ExportBlockedError):
        await done(make_client(kind, service, token=TOKEN).session("1").export())


# -- downloads ---------------------------------------------------------------------------------


async def test_cdn_download_carries_no_token_and_api_calls_do(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    render = await done(make_client(kind, service, token=TOKEN).render("render_1", session_id="1"))
    path = await done(render.download(tmp_path))
    assert path == tmp_path / "render_1.mp4"
    assert path.read_bytes() == service.video
    for seen in service.seen:
        if seen.url.host == "cdn.test":
            assert "authorization" not in seen.headers
            assert not any(name.startswith("x-skill") for name in seen.headers)
        else:
            assert seen.headers["authorization"] == f"Bearer {TOKEN}"


async def test_cdn_failure_falls_back_to_the_api(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    service.script("render_1.mp4", httpx.Response(404))
    render = make_client(kind, service, token=TOKEN).render("render_1", session_id="1")
    path = await done(render.download(tmp_path / "out.mp4"))
    assert path.read_bytes() == service.video
    fallback = service.seen[-1]
    assert fallback.path == "/api/render/proxy/render_1/download"
    assert fallback.headers["authorization"] == f"Bearer {TOKEN}"


async def test_redirects_off_the_api_host_drop_the_token(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    service.script("render_1.mp4", httpx.Response(404))
    service.script(
        "/download$", httpx.Response(302, headers={"Location": "https://elsewhere.test/file.mp4"})
    )
    render = make_client(kind, service, token=TOKEN).render("render_1", session_id="1")
    await done(render.download(tmp_path / "out.mp4"))
    moved = service.seen[-1]
    assert moved.url.host == "elsewhere.test"
    assert "authorization" not in moved.headers


async def test_a_cut_short_download_leaves_nothing_behind(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    target = tmp_path / "out.mp4"
    target.write_bytes(b"the old file")
    short = httpx.Response(200, headers={"Content-Length": "9999"}, content=b"only a little")
    service.script("render_1.mp4", short)
    service.script(
        "/download$", httpx.Response(200, headers={"Content-Length": "9999"}, content=b"x")
    )
    render = make_client(kind, service, token=TOKEN).render("render_1", session_id="1")
    with pytest.raises(DownloadError):
        await done(render.download(target))
    assert target.read_bytes() == b"the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]


async def test_browser_link_uses_a_claim_token(kind: str, service: FakeService) -> None:
    client = make_client(kind, service, token=TOKEN)
    url = await done(client.session("1", task_id="t").browser_url())
    assert url == "https://nemovideo.com/workspace/claim?ct=clm_abc"
    assert TOKEN not in url


async def test_the_callers_http_client_is_used_for_everything(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"a")
    client = make_client(kind, service)
    session = await done(client.create_session())
    await done(session.upload(clip))
    render = await done(session.export())
    await done(render.download(tmp_path / "out.mp4"))
    hosts = {s.url.host for s in service.seen}
    assert hosts == {"api.test", "cdn.test"}
    assert API.endswith("api.test")
    assert CDN.endswith("cdn.test")

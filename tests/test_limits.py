"""ResponseLimits: every limit hit through the whole client, on both clients, against a
hostile server on loopback (or a mock transport where a real socket cannot lie)."""

from __future__ import annotations

import contextlib
import gzip
import json
import pickle
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

import nemovideo
from nemovideo import (
    AsyncNemoVideo,
    DownloadLimitError,
    NemoVideo,
    ResponseLimits,
    ResponseTooLargeError,
    TurnPolicy,
    TurnTimeoutError,
)
from nemovideo._config import resolve_settings
from nemovideo.testing import FakeClock, fake_clock

from .fault_matrix import LIMITS
from .hostile_server import (
    HostileServer,
    announced,
    compressed,
    endless,
    gzip_bomb,
    json_answer,
    ok,
    service,
)
from .recorded import done

pytestmark = pytest.mark.anyio

TOKEN = "nmv_usr_hostiletoken0123456789abcdef"
KiB = 1024
MiB = 1024 * KiB


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        service(running)
        yield running


def client(kind: str, base_url: str, limits: ResponseLimits | None = None, **kwargs: Any) -> Any:
    cls = NemoVideo if kind == "sync" else AsyncNemoVideo
    return cls(
        base_url=base_url,
        token=TOKEN,
        client_id="hostile-test",
        token_store=False,
        response_limits=limits,
        **kwargs,
    )


async def closed(made: Any) -> None:
    if isinstance(made, NemoVideo):
        made.close()
    else:
        await made.aclose()


async def turn_of(made: Any) -> Any:
    return await done(made.session("1", task_id="t").send("make a video"))


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# The settings.


def test_the_defaults_are_the_documented_numbers() -> None:
    limits = ResponseLimits()
    assert limits.max_sse_line_bytes == 8_388_608
    assert limits.max_sse_event_bytes == 16_777_216
    assert limits.max_turn_events == 10_000
    assert limits.max_json_bytes == 67_108_864
    assert limits.max_download_bytes == 21_474_836_480
    assert limits.max_download_seconds == 7200
    doc = ResponseLimits.__doc__ or ""
    for number in ("8,388,608", "16,777,216", "10,000", "67,108,864", "21,474,836,480", "7,200"):
        assert number in doc


@pytest.mark.parametrize(
    "field", ["max_sse_line_bytes", "max_turn_events", "max_json_bytes", "max_download_bytes"]
)
@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_a_count_must_be_a_whole_number_above_zero(field: str, bad: Any) -> None:
    with pytest.raises(ValueError, match=field):
        ResponseLimits(**{field: bad})


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), True])
def test_a_duration_must_be_above_zero(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_download_seconds"):
        ResponseLimits(max_download_seconds=bad)
    assert ResponseLimits(max_download_seconds=0.5).max_download_seconds == 0.5


def test_settings_carry_the_limits_tell_clients_apart_and_pickle() -> None:
    small = ResponseLimits(max_json_bytes=1000)
    settings = resolve_settings(response_limits=small, env={})
    assert settings.response_limits == small
    assert resolve_settings(env={}).response_limits == ResponseLimits()
    assert settings.identity() != resolve_settings(env={}).identity()
    assert pickle.loads(pickle.dumps(settings)).response_limits == small
    with pytest.raises(TypeError):
        resolve_settings(response_limits={"max_json_bytes": 1}, env={})  # type: ignore[arg-type]


async def test_both_clients_take_the_limits_and_keep_them_in_a_pickle(kind: str) -> None:
    small = ResponseLimits(max_turn_events=5)
    made = client(kind, "http://127.0.0.1:9", small)
    try:
        assert made.settings.response_limits == small
        assert pickle.loads(pickle.dumps(made)).settings.response_limits == small
        assert made.from_settings(made.worker_settings()).settings.response_limits == small
    finally:
        await closed(made)


def test_the_errors_name_the_limit_and_pickle() -> None:
    error = ResponseTooLargeError("too big", limit="max_json_bytes", value=10, status_code=200)
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, ResponseTooLargeError)
    assert isinstance(again, nemovideo.InvalidResponseError)
    assert (again.limit, again.value, again.status_code) == ("max_json_bytes", 10, 200)
    download = pickle.loads(pickle.dumps(DownloadLimitError("x", limit="Content-Length", value=3)))
    assert isinstance(download, DownloadLimitError)
    assert isinstance(download, nemovideo.DownloadError)
    assert (download.limit, download.value) == ("Content-Length", 3)


# Conversation streams.


async def test_an_endless_line_ends_the_turn(kind: str, server: HostileServer) -> None:
    server.route("^/run_sse", endless("text/event-stream", b"data: ", b"x"))
    made = client(kind, server.url, ResponseLimits(max_sse_line_bytes=256 * KiB))
    try:
        turn = await turn_of(made)
        with pytest.raises(ResponseTooLargeError) as caught:
            await done(turn.result())
        assert caught.value.limit == "max_sse_line_bytes"
        assert caught.value.value == 256 * KiB
        assert "read the state" in str(caught.value)
        assert turn.ended
        with pytest.raises(ResponseTooLargeError):  # the turn stays ended with its error
            await done(turn.result())
        assert TOKEN not in str(caught.value) + repr(caught.value)
    finally:
        await closed(made)


async def test_an_endless_event_ends_the_turn(kind: str, server: HostileServer) -> None:
    server.route("^/run_sse", endless("text/event-stream", b"", b"data: xxxxxxxxxxxxxx\n"))
    made = client(kind, server.url, ResponseLimits(max_sse_event_bytes=256 * KiB))
    try:
        turn = await turn_of(made)
        with pytest.raises(ResponseTooLargeError) as caught:
            await done(turn.result())
        assert caught.value.limit == "max_sse_event_bytes"
    finally:
        await closed(made)


async def test_endless_empty_data_lines_end_the_turn(kind: str, server: HostileServer) -> None:
    server.route("^/run_sse", endless("text/event-stream", b"", b"data:\n"))
    made = client(kind, server.url, ResponseLimits(max_sse_event_bytes=64 * KiB))
    try:
        turn = await turn_of(made)
        with pytest.raises(ResponseTooLargeError) as caught:
            await done(turn.result())
        assert caught.value.limit == "max_sse_event_bytes"
    finally:
        await closed(made)


async def test_endless_events_end_the_turn_at_the_events_kept(
    kind: str, server: HostileServer
) -> None:
    event = b'data: {"content": {"parts": [{"text": "a"}]}, "partial": true}\n\n'
    server.route("^/run_sse", endless("text/event-stream", b"", event))
    made = client(kind, server.url, ResponseLimits(max_turn_events=500))
    try:
        turn = await turn_of(made)
        with pytest.raises(ResponseTooLargeError) as caught:
            await done(turn.result())
        assert caught.value.limit == "max_turn_events"
        assert caught.value.value == 500
    finally:
        await closed(made)


@pytest.mark.parametrize("beat", [b": ping\n\n", b'data: {"type": "heartbeat"}\n\n', b"\n"])
async def test_endless_heartbeats_are_counted_not_kept(
    kind: str, server: HostileServer, beat: bytes
) -> None:
    server.route("^/run_sse", endless("text/event-stream", b"", beat))
    policy = TurnPolicy(heartbeat_timeout=0.3, idle_timeout=5)
    made = client(kind, server.url, ResponseLimits(max_turn_events=10), turn_policy=policy)
    try:
        turn = await turn_of(made)
        with pytest.raises(TurnTimeoutError) as caught:
            await done(turn.result())
        assert caught.value.kind == "heartbeats_only"
        assert caught.value.reply is not None
        assert caught.value.reply.events == ()
        if beat != b"\n":  # blank lines alone dispatch nothing
            assert turn.heartbeats > 10
    finally:
        await closed(made)


# JSON answers.


async def test_an_announced_answer_over_the_cap_fails_before_reading(
    kind: str, server: HostileServer
) -> None:
    server.route("^/api/credits", announced(10 * 1024**3))
    made = client(kind, server.url, max_retries=2)
    try:
        with pytest.raises(ResponseTooLargeError) as caught:
            await done(made.credits())
        assert caught.value.limit == "max_json_bytes"
        assert caught.value.status_code == 200
        assert server.count("^/api/credits") == 1  # not retried
    finally:
        await closed(made)


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
async def test_an_endless_answer_stops_at_the_cap(
    kind: str, server: HostileServer, gzipped: bool
) -> None:
    if gzipped:
        server.route("^/api/credits", compressed(gzip_bomb(64 * MiB), "application/json"))
    else:
        server.route("^/api/credits", endless("application/json", b'{"code": 0, "x": "', b"a"))
    made = client(kind, server.url, ResponseLimits(max_json_bytes=MiB), max_retries=2)
    try:
        with pytest.raises(ResponseTooLargeError) as caught:
            await done(made.credits())
        assert caught.value.limit == "max_json_bytes"
        assert caught.value.value == MiB
        assert server.count("^/api/credits") == 1
    finally:
        await closed(made)


async def test_an_answer_within_the_cap_is_read(kind: str, server: HostileServer) -> None:
    server.route("^/api/credits", ok({"available": 1, "frozen": 0, "total": 1}))
    made = client(kind, server.url, ResponseLimits(max_json_bytes=200))
    try:
        assert (await done(made.credits())).available == 1
    finally:
        await closed(made)


async def test_an_endless_error_answer_to_a_conversation_stops_at_the_cap(
    kind: str, server: HostileServer
) -> None:
    def answer(handler: Any) -> None:
        endless("application/json", b'{"detail": "', b"a")(handler)

    server.route("^/run_sse", answer)
    made = client(kind, server.url, ResponseLimits(max_json_bytes=MiB))
    try:
        with pytest.raises(ResponseTooLargeError):
            await turn_of(made)
    finally:
        await closed(made)


# Downloads.


async def test_a_gzip_bomb_is_written_as_sent(
    kind: str, server: HostileServer, tmp_path: Path
) -> None:
    bomb = gzip_bomb(64 * MiB)
    server.route("^/cdn/", compressed(bomb))
    made = client(kind, server.url)
    try:
        path = await done(made.render("render_1").download(tmp_path / "out.mp4"))
        assert path.stat().st_size == len(bomb) < MiB
        assert path.read_bytes() == bomb
        downloads = [headers for _, p, headers in server.seen if p.startswith("/cdn/")]
        assert [h.get("Accept-Encoding") for h in downloads] == ["identity"]
        assert files_in(tmp_path) == ["out.mp4"]
    finally:
        await closed(made)


async def test_a_download_of_unknown_size_stops_at_the_ceiling(
    kind: str, server: HostileServer, tmp_path: Path
) -> None:
    server.route("^/cdn/", endless("video/mp4", b"", b"\0"))
    made = client(kind, server.url, ResponseLimits(max_download_bytes=2 * MiB))
    try:
        with pytest.raises(DownloadLimitError) as caught:
            await done(made.render("render_1").download(tmp_path / "out.mp4"))
        assert (caught.value.limit, caught.value.value) == ("max_download_bytes", 2 * MiB)
        assert files_in(tmp_path) == []  # no file at the target, no temporary file
        assert server.count("^/cdn/") == 1
        assert server.count("/download") == 0  # not tried again elsewhere
    finally:
        await closed(made)


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body streamed as it is made, for both clients."""

    def __init__(self, chunks: list[bytes], clock: FakeClock | None = None) -> None:
        self.chunks = chunks
        self.clock = clock

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            if self.clock is not None:
                self.clock.advance(60)  # a minute per chunk
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def mock_client(kind: str, answer: Any, limits: ResponseLimits) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/render/proxy/lambda/"):
            status = {"id": "render_1", "status": "completed", "outputUrl": "https://cdn.test/a"}
            return httpx.Response(200, json={"success": True, "data": status})
        made: httpx.Response = answer(request)
        return made

    async def ahandle(request: httpx.Request) -> httpx.Response:
        return handle(request)

    if kind == "sync":
        http: Any = httpx.Client(transport=httpx.MockTransport(handle))
        return NemoVideo(base_url="https://api.test", token=TOKEN, http_client=http,
                         client_id="m", token_store=False, response_limits=limits)  # fmt: skip
    ahttp = httpx.AsyncClient(transport=httpx.MockTransport(ahandle))
    return AsyncNemoVideo(base_url="https://api.test", token=TOKEN, http_client=ahttp,
                          client_id="m", token_store=False, response_limits=limits)  # fmt: skip


async def test_more_bytes_than_announced_fail(kind: str, tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Length": "1000"}, stream=Body([bytes(600), bytes(600)])
        )

    made = mock_client(kind, answer, ResponseLimits())
    try:
        with pytest.raises(DownloadLimitError) as caught:
            await done(made.render("render_1").download(tmp_path / "out.mp4"))
        assert (caught.value.limit, caught.value.value) == ("Content-Length", 1000)
        assert files_in(tmp_path) == []
    finally:
        await closed(made)


async def test_a_slow_download_stops_at_its_duration(kind: str, tmp_path: Path) -> None:
    with fake_clock() as clock:

        def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, stream=Body([b"v"] * 10_000, clock))

        made = mock_client(kind, answer, ResponseLimits(max_download_seconds=3600))
    try:
        with pytest.raises(DownloadLimitError) as caught:
            await done(made.render("render_1").download(tmp_path / "out.mp4"))
        assert (caught.value.limit, caught.value.value) == ("max_download_seconds", 3600)
        assert 3600 < clock.now <= 3600 + 120  # cut off at the first chunk past the limit
        assert files_in(tmp_path) == []
    finally:
        await closed(made)


async def test_an_endless_error_body_of_a_download_stops_at_the_cap(
    kind: str, server: HostileServer, tmp_path: Path
) -> None:
    def answer(handler: Any) -> None:
        handler.head(500, ("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"))
        while not handler.server.owner.stopped.is_set():
            handler.chunk(b"<p>" * 20_000)

    server.route("^/cdn/", answer)
    made = client(kind, server.url, ResponseLimits(max_json_bytes=MiB))
    try:
        with pytest.raises(ResponseTooLargeError):
            await done(made.render("render_1").download(tmp_path / "out.mp4"))
        assert files_in(tmp_path) == []
    finally:
        await closed(made)


def test_json_answer_helper_sends_what_it_says() -> None:
    # The fixture's own answers are well formed (a broken helper would fake the tests).
    with HostileServer() as running:
        running.route("^/x", json_answer(200, {"a": 1}))
        running.route("^/z", compressed(gzip.compress(b'{"b": 2}'), "application/json"))
        with httpx.Client() as http:
            assert http.get(running.url + "/x").json() == {"a": 1}
            assert http.get(running.url + "/z").json() == {"b": 2}


# Memory: the limits at their defaults, in a process that may not use more than 1 GiB.

CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from pathlib import Path
from nemovideo import NemoVideo, NemoVideoError, TurnPolicy

urls, folder = json.loads(sys.argv[1]), Path(sys.argv[2])
out = {}

def client(url):
    return NemoVideo(base_url=url, token="nmv_usr_child0123456789abcdefghij", client_id="c",
                     token_store=False, turn_policy=TurnPolicy(heartbeat_timeout=1.0))

def run(name, call):
    try:
        with client(urls[name]) as made:
            out[name] = ["returned", repr(call(made))[:60]]
    except NemoVideoError as error:
        out[name] = [type(error).__name__, getattr(error, "limit", getattr(error, "kind", None))]
    except BaseException as error:
        out[name] = ["not a NemoVideoError", type(error).__name__]

turn = lambda made: made.session("1", task_id="t").send("go").result()
for name in ("heartbeats", "heartbeat_events", "line", "event"):
    run(name, turn)
run("json", lambda made: made.credits())
run("bomb", lambda made: made.render("render_1").download(folder / "out.mp4").stat().st_size)
out["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(out))
"""


def test_endless_answers_end_in_typed_errors_within_one_gib(tmp_path: Path) -> None:
    sse = "text/event-stream"
    answers = {
        "heartbeats": ("^/run_sse", endless(sse, b"", b": ping\n\n")),
        "heartbeat_events": ("^/run_sse", endless(sse, b"", b'data: {"type": "ping"}\n\n')),
        "line": ("^/run_sse", endless(sse, b"data: ", b"x")),
        "event": ("^/run_sse", endless(sse, b"", b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n")),
        "json": ("^/api/credits", endless("application/json", b'{"code": 0, "x": "', b"a")),
        "bomb": ("^/cdn/", compressed(gzip_bomb(256 * MiB))),
    }
    with contextlib.ExitStack() as stack:
        urls = {}
        for name, (path, answer) in answers.items():
            running = stack.enter_context(HostileServer())
            service(running)
            running.route(path, answer)
            urls[name] = running.url
        done_ = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(urls), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done_.returncode == 0, done_.stderr
    out = json.loads(done_.stdout)
    print(out)  # the peak memory, for the record
    assert out["heartbeats"] == ["TurnTimeoutError", "heartbeats_only"]
    assert out["heartbeat_events"] == ["TurnTimeoutError", "heartbeats_only"]
    assert out["line"] == ["ResponseTooLargeError", "max_sse_line_bytes"]
    assert out["event"] == ["ResponseTooLargeError", "max_sse_event_bytes"]
    assert out["json"] == ["ResponseTooLargeError", "max_json_bytes"]
    assert out["bomb"] == ["returned", str(len(gzip_bomb(256 * MiB)))]


def test_the_reliability_page_lists_every_limit() -> None:
    assert [name for name, _, _ in LIMITS] == [f.name for f in attrs.fields(ResponseLimits)]

"""Per-request options, ``with_options`` and raw responses, on every call of both clients
over httpx.MockTransport (no sockets, no real sleeping)."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from nemovideo import (
    APIConnectionError,
    APIResponse,
    Credits,
    RetryEvent,
    SessionNotFoundError,
)
from nemovideo._protocol.options import CallOptions
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import make_clips

from .fake_service import API, FakeService, make_client
from .recorded import done
from .waits import short_waits

pytestmark = pytest.mark.anyio

SESSION_ID = "1234567890123456789"
TIMEOUT = {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}
SSE = {"content-type": "text/event-stream", "x-request-id": "req-sse"}


@attrs.define
class Service(FakeService):
    """The fake API, also noting the timeout each request was sent with."""

    timeouts: list[tuple[str, dict[str, Any]]] = attrs.field(factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.timeouts.append((request.url.path, dict(request.extensions.get("timeout", {}))))
        return super().handle(request)


@pytest.fixture
def service() -> Service:
    service = Service()
    service.script("/run_sse", *[httpx.Response(200, headers=SSE, content=b"")] * 10)
    return service


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"v" * 100)
    return path


async def close_turn(turn: Any) -> Any:
    await done(turn.aclose() if hasattr(turn, "aclose") else turn.close())
    return turn


@attrs.frozen
class Case:
    """One method: how to call it with options, the path it hits, whether it sends JSON."""

    name: str
    call: Callable[[Any, Path, dict[str, Any]], Any]
    path: str
    json: bool = True
    timeout: bool = True

    async def run(self, client: Any, clip: Path, **options: Any) -> Any:
        result = await done(self.call(client, clip, options))
        if self.name == "session.send":
            await close_turn(result)
        return result


def session(client: Any) -> Any:
    return client.session(SESSION_ID, "task-1")


def render(client: Any) -> Any:
    return client.render("render_1", session_id=SESSION_ID)


CASES = [
    Case("credits", lambda c, _, o: c.credits(**o), r"/credits/", json=False),
    Case("create_session", lambda c, _, o: c.create_session(**o), r"/with-session/"),
    Case("session.state", lambda c, _, o: session(c).state(**o), r"/api/state/", json=False),
    Case(
        "session.upload",
        lambda c, clip, o: session(c).upload(clip, **o),
        r"/upload-video/",
        json=False,
    ),
    Case(
        "session.upload_urls",
        lambda c, _, o: session(c).upload_urls(["https://media.test/a.mp4"], **o),
        r"/upload-video/",
    ),
    Case("session.export", lambda c, _, o: session(c).export(**o), r"/proxy/lambda$"),
    Case("session.send", lambda c, _, o: session(c).send("add a title", **o), r"/run_sse"),
    Case("session.browser_url", lambda c, _, o: session(c).browser_url(**o), r"/claim-token"),
    Case(
        "session.wait_until_settled",
        lambda c, _, o: session(c).wait_until_settled(interval=0, **o),
        r"/api/state/",
        json=False,
        timeout=False,
    ),
    Case("render.status", lambda c, _, o: render(c).status(**o), r"/lambda/render_1", json=False),
    Case(
        "render.wait",
        lambda c, _, o: render(c).wait(**o),
        r"/lambda/render_1",
        json=False,
        timeout=False,
    ),
    Case(
        "render.download",
        lambda c, clip, o: render(c).download(clip.parent / "out.mp4", **o),
        r"/lambda/render_1",
        json=False,
        timeout=False,
    ),
]
IDS = [case.name for case in CASES]


def api_requests(service: Service) -> list[Any]:
    """What reached the API host, the token request left out."""
    return [s for s in service.seen if s.url.host == "api.test" and "anonymous-token" not in s.path]


# -- the options reach every request -----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_extra_headers_query_and_body_reach_every_request(
    kind: str, service: Service, clip: Path, case: Case
) -> None:
    client = make_client(kind, service)
    options: dict[str, Any] = {
        "extra_headers": {"X-Trace": "t-1"},
        "extra_query": {"trace": "1"},
    }
    if case.name != "session.upload":
        options["extra_body"] = {"beta_flag": True}
    await case.run(client, clip, **options)
    sent = api_requests(service)
    assert sent
    assert any(pattern_in(case.path, s.path) for s in sent)
    for request in sent:
        assert request.headers["x-trace"] == "t-1", request.path
        assert request.url.params["trace"] == "1", request.path
        assert request.headers["x-skill-source"] == "nemovideo-python"
        if request.body and request.headers.get("content-type") == "application/json":
            assert json.loads(request.body)["beta_flag"] is True, request.path
    assert any(request.body for request in sent) is (case.json or case.name == "session.upload")
    for request in service.seen:
        if request.url.host != "api.test":  # the video's storage host gets no extras
            assert "x-trace" not in request.headers
            assert "trace" not in request.url.params


def pattern_in(pattern: str, path: str) -> bool:
    import re

    return re.search(pattern, path) is not None


@pytest.mark.parametrize("case", [c for c in CASES if c.timeout], ids=lambda c: c.name)
async def test_the_timeout_reaches_httpx(
    kind: str, service: Service, clip: Path, case: Case
) -> None:
    client = make_client(kind, service, timeout=30)
    await case.run(client, clip, timeout=7)
    seen = [(p, t) for p, t in service.timeouts if "anonymous-token" not in p]
    assert seen
    for path, timeout in seen:
        assert timeout == TIMEOUT, path
    token_timeouts = [t for p, t in service.timeouts if "anonymous-token" in p]
    assert all(t["read"] == 30.0 for t in token_timeouts), "the token request keeps the client's"


@pytest.mark.parametrize("case", [c for c in CASES if not c.timeout], ids=lambda c: c.name)
async def test_a_handle_with_options_times_each_request_of_a_wait(
    kind: str, service: Service, clip: Path, case: Case
) -> None:
    client = make_client(kind, service, timeout=30).with_options(timeout=7)
    await case.run(client, clip)
    assert {json.dumps(t) for p, t in service.timeouts if "anonymous" not in p} == {
        json.dumps(TIMEOUT)
    }


async def test_a_turn_keeps_the_policy_idle_limit_unless_a_timeout_is_given(
    kind: str, service: Service
) -> None:
    client = make_client(kind, service, timeout=30)
    await close_turn(await done(session(client).send("hello")))
    await close_turn(await done(session(client).send("hello", timeout=7)))
    default, given = [t for p, t in service.timeouts if p == "/run_sse"]
    assert default["read"] == client.turn_policy.idle_timeout
    assert default["connect"] == 30.0  # the client's
    assert given == TIMEOUT


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_max_retries_zero_stops_retries(
    kind: str, service: Service, clip: Path, case: Case
) -> None:
    never_sent = httpx.ConnectError("refused")  # retried for any call, POSTs included
    retries: list[RetryEvent] = []
    client = make_client(kind, service, on_retry=retries.append)
    service.scripts.insert(0, (case.path, [never_sent]))
    if case.name in ("render.wait", "render.download"):
        await case.run(client, clip, max_retries=0)  # a failed poll: the next poll goes on
    else:
        with pytest.raises(APIConnectionError):
            await case.run(client, clip, max_retries=0)
        assert service.count(case.path) == 1
    assert retries == []

    service.scripts.insert(0, (case.path, [never_sent]))
    await case.run(client, clip)  # the client's budget: one retry is enough
    assert [event.attempt for event in retries] == [1]


async def test_a_retry_budget_of_a_call_wins_over_the_client(kind: str, service: Service) -> None:
    service.script("/credits/", *[httpx.Response(503)] * 4)
    client = make_client(kind, service, max_retries=0)
    credits = await done(client.credits(max_retries=4))
    assert credits.available == 90
    assert service.count("/credits/") == 5


# -- refused options ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["Authorization", "authorization", "X-Client-Id", "X-Skill-Source", "x-skill-platform"],
)
async def test_headers_the_client_sets_are_refused(
    kind: str, service: Service, header: str
) -> None:
    client = make_client(kind, service)
    with pytest.raises(
        ValueError, match=f"may not set '{header}'.*pass .*=\\.\\.\\. to the client"
    ):
        await done(client.credits(extra_headers={header: "nmv_usr_someone_else"}))
    with pytest.raises(ValueError, match=header):
        client.with_options(extra_headers={header: "x"})
    assert service.seen == []


async def test_an_upload_refuses_extra_body_before_sending(
    kind: str, service: Service, clip: Path
) -> None:
    client = make_client(kind, service)
    with pytest.raises(ValueError, match="multipart"):
        await done(session(client).upload(clip, extra_body={"a": 1}))
    with pytest.raises(ValueError, match="multipart"):
        await done(session(client.with_options(extra_body={"a": 1})).upload(clip))
    assert service.seen == []


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timeout": 0}, ValueError),
        ({"timeout": "5"}, ValueError),
        ({"max_retries": -1}, ValueError),
        ({"max_retries": True}, ValueError),
        ({"extra_headers": {"X-A": 1}}, TypeError),
        ({"extra_query": ["a"]}, TypeError),
        ({"extra_body": {1: "a"}}, TypeError),
        ({"retries": 1}, TypeError),
    ],
)
async def test_bad_options_are_refused_before_sending(
    kind: str, service: Service, options: dict[str, Any], error: type[Exception]
) -> None:
    client = make_client(kind, service)
    with pytest.raises(error):
        await done(client.credits(**options))
    assert service.seen == []


def test_the_repr_of_options_shows_header_names_not_values() -> None:
    options = CallOptions.make({"extra_headers": {"X-Api-Key": "s3cret-value"}})
    assert "X-Api-Key" in repr(options)
    assert "s3cret-value" not in repr(options)


def test_options_merge_key_by_key_and_later_wins() -> None:
    base = CallOptions.make({"extra_headers": {"X-A": "1", "X-B": "1"}, "max_retries": 3})
    merged = base.merged({"extra_headers": {"x-a": "2"}, "extra_query": {"q": 1}})
    assert merged.extra_headers == (("X-B", "1"), ("x-a", "2"))
    assert merged.max_retries == 3
    assert merged.extra_query == (("q", 1),)
    assert merged.timeout is None
    assert merged.merged({"timeout": httpx.Timeout(5.0, connect=1.0)}).timeout == httpx.Timeout(
        5.0, connect=1.0
    )


# -- with_options ------------------------------------------------------------------------


async def test_with_options_shares_the_token_and_the_connections(
    kind: str, service: Service
) -> None:
    parent = make_client(kind, service)
    child = parent.with_options(extra_headers={"X-Team": "video"}, max_retries=0)
    grandchild = child.with_options(extra_query={"trace": "1"})
    await done(parent.credits())
    await done(child.credits())
    await done(grandchild.credits())
    assert service.tokens_issued == 1
    _token_call, first, second, third = service.seen
    assert "x-team" not in first.headers
    assert second.headers["x-team"] == "video"
    assert "trace" not in second.url.params
    assert third.headers["x-team"] == "video"
    assert third.url.params["trace"] == "1"
    assert len({first.headers["authorization"], third.headers["authorization"]}) == 1
    assert child.settings is parent.settings
    assert child.max_concurrency == parent.max_concurrency


async def test_closing_a_child_leaves_the_parent_pool_open(kind: str, service: Service) -> None:
    parent = make_client(kind, service)
    child = parent.with_options(timeout=5)
    await done(child.credits())
    await done(child.aclose() if kind == "async" else child.close())
    await done(parent.credits())
    await done(child.credits())  # still usable: nothing was closed
    assert service.tokens_issued == 1


def test_closing_a_child_keeps_the_parents_own_pool() -> None:
    from nemovideo import NemoVideo

    parent = NemoVideo(base_url=API, token="nmv_usr_x", client_id="c")
    pool = parent._driver._http  # the SDK's own pool, opened on first use
    child = parent.with_options(timeout=5)
    child.close()
    assert parent._driver._http is pool
    assert not pool.is_closed
    parent.close()
    assert pool.is_closed


async def test_handles_carry_the_options_of_their_client(kind: str, service: Service) -> None:
    client = make_client(kind, service).with_options(extra_headers={"X-Team": "video"})
    made = await done(client.create_session())
    render_handle = await done(made.export())
    await done(render_handle.status())
    await done(client.session(SESSION_ID).with_options(extra_query={"q": "1"}).state())
    sent = api_requests(service)
    assert [s.headers.get("x-team") for s in sent] == ["video"] * len(sent)
    assert sent[-1].url.params["q"] == "1"


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
async def test_copying_a_client_points_at_with_options(
    kind: str, service: Service, copier: Callable[[Any], Any]
) -> None:
    client = make_client(kind, service)
    with pytest.raises(TypeError, match=r"with_options"):
        copier(client)


async def test_options_travel_with_pickled_clients_and_handles(kind: str, service: Service) -> None:
    client = make_client(kind, service).with_options(timeout=9, extra_headers={"X-A": "b"})
    expected = CallOptions.make({"timeout": 9, "extra_headers": {"X-A": "b"}})
    for thing in (client, client.session(SESSION_ID), client.render("render_1")):
        assert pickle.loads(pickle.dumps(thing))._options == expected


# -- raw responses -----------------------------------------------------------------------

HEADERS = {
    "x-request-id": "req-42",
    "x-ratelimit-remaining": "99",
    "set-cookie": "session=abc123",
    "x-api-token": "opaque",
    "x-note": "see Bearer nmv_usr_leaked_value",
}


def answer(data: Any, *, envelope: str = "code", status: int = 200) -> httpx.Response:
    body = {"code": 0, "data": data} if envelope == "code" else {"success": True, "data": data}
    return httpx.Response(status, json=body, headers=HEADERS)


def assert_safe(headers: Any) -> None:
    assert headers["x-ratelimit-remaining"] == "99"
    assert headers["set-cookie"] == "***"
    assert headers["x-api-token"] == "***"
    assert headers["x-note"] == "see Bearer ***"


RAW = [
    ("credits", lambda c: c.with_raw_response.credits(), "/credits/", {"available": 5}),
    (
        "create_session",
        lambda c: c.with_raw_response.create_session(),
        "/with-session/",
        {"session_id": "1", "task_id": "t"},
    ),
    ("state", lambda c: session(c).with_raw_response.state(), "/api/state/", None),
    (
        "upload_urls",
        lambda c: session(c).with_raw_response.upload_urls(["https://media.test/a.mp4"]),
        "/upload-video/",
        {"files": [{"filename": "a.mp4"}]},
    ),
    (
        "browser_url",
        lambda c: session(c).with_raw_response.browser_url(),
        "/claim-token",
        {"claim_token": "clm_x"},
    ),
    ("export", lambda c: session(c).with_raw_response.export(), "/proxy/lambda$", "render"),
    ("status", lambda c: render(c).with_raw_response.status(), "/lambda/render_1", "render"),
    ("wait", lambda c: render(c).with_raw_response.wait(), "/lambda/render_1", "render"),
]


@pytest.mark.parametrize(("name", "call", "path", "data"), RAW, ids=[r[0] for r in RAW])
async def test_raw_responses_give_status_headers_request_id_and_the_result(
    kind: str, service: Service, name: str, call: Any, path: str, data: Any
) -> None:
    if data == "render":
        done_status = {**service.done("render_1"), "id": "render_1"}
        service.script(path, lambda r: answer(done_status, envelope="render"))
    elif data is not None:
        service.script(path, answer(data))
    else:
        service.script(path, answer({"state": {"draft": service.draft}}))
    client = make_client(kind, service)
    raw = await done(call(client))
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.request_id == "req-42"
    assert raw.info.method in ("GET", "POST")
    assert raw.info.url.startswith(API)
    assert_safe(raw.headers)
    assert raw.parse() is not None
    info = getattr(raw.parse(), "response_info", None)
    if info is not None:
        assert info == raw.info


async def test_raw_send_reports_the_message_answer(kind: str, service: Service) -> None:
    client = make_client(kind, service)
    raw = await done(session(client).with_raw_response.send("hello"))
    await close_turn(raw.parse())
    assert (raw.status_code, raw.request_id, raw.info.url) == (200, "req-sse", f"{API}/run_sse")


async def test_results_carry_their_answer_outside_their_value(kind: str, service: Service) -> None:
    service.script("/credits/", answer({"available": 5, "frozen": 1, "total": 6}))
    client = make_client(kind, service)
    credits = await done(client.credits())
    info = credits.response_info
    assert (info.status_code, info.request_id, info.method) == (200, "req-42", "GET")
    assert_safe(info.headers)
    plain = Credits(available=5, frozen=1, total=6)
    assert credits == plain
    assert hash(credits) == hash(plain)
    assert credits.to_dict() == plain.to_dict() == {"available": 5, "frozen": 1, "total": 6}
    again = pickle.loads(pickle.dumps(credits))
    assert again.response_info == info
    assert again.response_info.headers == info.headers
    assert Credits.from_dict(credits.to_dict()).response_info is None
    service.script("/upload-video/", answer({"files": [{"filename": "a.mp4"}]}))
    uploads = await done(session(client).upload_urls(["https://media.test/a.mp4"]))
    assert uploads[0].response_info.url.endswith(f"/upload-video/nemo_agent/me/{SESSION_ID}")


async def test_errors_carry_the_answer_headers_masked_and_pickle_with_them(
    kind: str, service: Service
) -> None:
    service.script(
        "/api/state/", httpx.Response(404, json={"detail": "Session not found"}, headers=HEADERS)
    )
    client = make_client(kind, service)
    with pytest.raises(SessionNotFoundError) as caught:
        await done(session(client).state())
    error = caught.value
    assert error.request_id == "req-42"
    assert_safe(error.headers)
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert again.headers == error.headers
        assert_safe(again.headers)
    assert "abc123" not in repr(error.headers)
    assert b"leaked_value" not in pickle.dumps(error)


# -- the leaderboard, against the emulator -------------------------------------------------


async def test_the_leaderboard_sends_its_options_with_every_api_request(
    kind: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    from nemovideo import AsyncNemoVideo, NemoVideo

    clips = make_clips(tmp_path, n=2, seconds=1, seed=3, size=(160, 96))
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.1)
    cls: Any = NemoVideo if kind == "sync" else AsyncNemoVideo
    with short_waits():
        client = cls(base_url=emulator.url, client_id=f"options-{kind}")
    with pytest.raises(ValueError, match="extra_body"):
        await done(client.leaderboard(clips, output=tmp_path, extra_body={"a": 1}))
    assert emulator.emulator.requests == [], "refused before anything is sent"
    board = await done(
        client.leaderboard(clips, top=2, output=tmp_path, extra_headers={"X-Trace": "board"})
    )
    await done(client.close() if kind == "sync" else client.aclose())
    assert board.video_path is not None
    api = [
        r
        for r in emulator.emulator.requests
        if (r.path.startswith("/api/") or r.path == "/run_sse")
        and "anonymous-token" not in r.path
        and not r.path.endswith("/download")
    ]
    for part in ("/api/credits/", "/api/tasks/", "/api/upload-video/", "/run_sse", "/render/"):
        assert any(part in r.path for r in api), part
    assert [r.headers.get("x-trace") for r in api] == ["board"] * len(api)

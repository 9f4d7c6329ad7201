"""Bad input gets a 4xx: drafts past the limits, deep or huge bodies, wrong types."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemovideo.emulator import Emulator, RunningEmulator
from nemovideo.emulator.samples import make_clips
from nemovideo.emulator.validation import (
    MAX_DRAFT_MS,
    MAX_JSON_BYTES,
    InvalidInput,
    check_draft,
    check_json,
)

SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}
SEGMENT = {"s": 0, "d": 1000, "tx": "Hello"}


def draft(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"d": 1000, "m": {"width": 640, "height": 360}}
    base["t"] = [{"tt": 7, "sg": [dict(SEGMENT)]}]
    base.update(changes)
    return base


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=30) as client:
        yield client


@pytest.fixture
def auth(emulator: RunningEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.emulator.create_user_token()}", **SKILL}


@pytest.fixture
def session_id(api: httpx.Client, auth: dict[str, str]) -> str:
    made = api.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth)
    value: str = made.json()["data"]["session_id"]
    return value


BAD_DRAFTS: dict[str, Any] = {
    "a length of 10**12 ms": draft(d=10**12),
    "a segment that ends after 30 minutes": draft(
        t=[{"tt": 7, "sg": [{"s": MAX_DRAFT_MS - 10, "d": 1000, "tx": "x"}]}]
    ),
    "a negative start": draft(t=[{"tt": 0, "sg": [{"s": -5, "d": 1000}]}]),
    "a width of 10**9": draft(m={"width": 10**9, "height": 360}),
    "a text width": draft(m={"width": "wide", "height": 360}),
    "too many tracks": draft(t=[{"tt": 7, "sg": [dict(SEGMENT)]}] * 65),
    "too many segments": draft(t=[{"tt": 7, "sg": [dict(SEGMENT)] * 2001}]),
    "a 30,000-character title": draft(t=[{"tt": 7, "sg": [{**SEGMENT, "tx": "x" * 30_000}]}]),
    "a number past 2**53": draft(t=[{"tt": 1, "sg": [{**SEGMENT, "v": 2**60}]}]),
    "not an object": [1, 2],
}


@pytest.mark.parametrize("bad", BAD_DRAFTS.values(), ids=BAD_DRAFTS.keys())
def test_check_draft_refuses(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        check_draft(bad)


def test_check_draft_takes_a_draft_within_the_limits() -> None:
    check_draft(draft())
    check_draft({"t": [], "d": 0, "m": {"width": 1920, "height": 1080}})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"a": [float("-inf")]}])
def test_numbers_must_be_finite(value: Any) -> None:
    with pytest.raises(InvalidInput, match="finite"):
        check_json(value)


def test_an_export_of_a_huge_draft_is_refused_and_no_render_starts(
    api: httpx.Client, auth: dict[str, str], session_id: str, emulator: RunningEmulator
) -> None:
    body = {"id": "huge", "sessionId": session_id, "draft": BAD_DRAFTS["a length of 10**12 ms"]}
    answer = api.post("/api/render/proxy/lambda", json=body, headers=auth)
    assert answer.status_code == 422
    assert answer.json()["success"] is False
    assert "huge" not in emulator.emulator.store.renders


def test_a_draft_with_nan_is_refused(
    api: httpx.Client, auth: dict[str, str], session_id: str
) -> None:
    raw = '{"id": "nan", "sessionId": "' + session_id + '", "draft": {"d": NaN, "t": []}}'
    answer = api.post(
        "/api/render/proxy/lambda",
        content=raw.encode(),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400


def test_the_control_draft_is_checked(
    api: httpx.Client, session_id: str, emulator: RunningEmulator
) -> None:
    body = {"session_id": session_id, "draft": BAD_DRAFTS["a length of 10**12 ms"]}
    answer = api.post("/_emulator/draft", json=body, headers=emulator.control_headers)
    assert answer.status_code == 400
    with pytest.raises(ValueError, match="draft d"):
        emulator.emulator.set_draft(session_id, BAD_DRAFTS["a length of 10**12 ms"])
    assert emulator.emulator.state_of(session_id)["draft"]["d"] == 0


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/tasks/me/with-session/nemo_agent"),
        ("POST", "/run_sse"),
        ("POST", "/api/render/proxy/lambda"),
        ("POST", "/api/auth/claim-token"),
        ("POST", "/api/upload-video/nemo_agent/me/{session}"),
    ],
)
@pytest.mark.parametrize(
    "body", [DEEP, b'{"a": ' * 5000 + b"1" + b"}" * 5000, b"\xff\xfe{\x00", b"1" * 5000]
)
def test_deep_or_undecodable_json_bodies_get_a_4xx(
    api: httpx.Client, auth: dict[str, str], session_id: str, method: str, path: str, body: bytes
) -> None:
    answer = api.request(
        method,
        path.format(session=session_id),
        content=body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert 400 <= answer.status_code < 500, answer.text


def test_a_json_body_past_its_limit_gets_413(api: httpx.Client, auth: dict[str, str]) -> None:
    body = b'{"task_name": "' + b"x" * (MAX_JSON_BYTES + 10) + b'"}'
    answer = api.post(
        "/api/tasks/me/with-session/nemo_agent",
        content=body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert answer.status_code == 413


def test_a_prompt_with_a_5000_digit_number_is_answered(
    api: httpx.Client,
    auth: dict[str, str],
    session_id: str,
    emulator: RunningEmulator,
    tmp_path: Path,
) -> None:
    clip = make_clips(tmp_path, n=1, seconds=1, size=(96, 64))[0]
    files = [("files", (clip.name, clip.read_bytes(), "video/mp4"))]
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    assert api.post(path, files=files, headers=auth).status_code == 200
    text = "rank these videos and show the top " + "9" * 5000
    body = {"session_id": session_id, "new_message": {"parts": [{"text": text}]}}
    emulator.emulator.configure(second_stage_seconds=0)
    answer = api.post("/run_sse", json=body, headers=auth)
    assert answer.status_code == 200
    assert "data:" in answer.text
    too_long = {"session_id": session_id, "new_message": {"parts": [{"text": "x" * 30_000}]}}
    assert api.post("/run_sse", json=too_long, headers=auth).status_code == 422


@pytest.mark.parametrize(
    "settings",
    [
        {"render_seconds": "slow"},
        {"render_shape": 5},
        {"max_upload_bytes": -1},
        {"heartbeat_seconds": 1e308},
        {"export_blocked": "yes"},
        {"render_workers": 0},
    ],
)
def test_settings_of_the_wrong_type_are_refused(
    api: httpx.Client, emulator: RunningEmulator, settings: dict[str, Any]
) -> None:
    before = emulator.emulator.config
    answer = api.post("/_emulator/config", json=settings, headers=emulator.control_headers)
    assert answer.status_code == 400
    assert emulator.emulator.config == before


@pytest.mark.parametrize(
    "fault",
    [
        {"path": "(unclosed"},
        {"path": ".", "status": 99},
        {"path": ".", "headers": {"X-Bad": "a\r\nInjected: 1"}},
        {"path": ".", "delay": -1},
        {"path": ".", "times": "many"},
        {"path": ".", "body": [1, 2]},
    ],
)
def test_faults_of_the_wrong_shape_are_refused(
    api: httpx.Client, emulator: RunningEmulator, fault: dict[str, Any]
) -> None:
    answer = api.post("/_emulator/faults", json=fault, headers=emulator.control_headers)
    assert answer.status_code == 400
    assert emulator.emulator.faults.armed == []


@pytest.mark.parametrize(
    "turn", [{"think_seconds": "long"}, {"crash": 5}, {"drop": "yes"}, {"pause": 10**9}]
)
def test_scripted_turns_of_the_wrong_shape_are_refused(
    api: httpx.Client, emulator: RunningEmulator, turn: dict[str, Any]
) -> None:
    answer = api.post("/_emulator/turn", json=turn, headers=emulator.control_headers)
    assert answer.status_code == 400


def test_credits_out_of_range_are_refused(api: httpx.Client, emulator: RunningEmulator) -> None:
    world: Emulator = emulator.emulator
    world.create_user_token()
    for available in ("1e999", [1], None):
        answer = api.post(
            "/_emulator/credits", json={"available": available}, headers=emulator.control_headers
        )
        assert answer.status_code == 400


@pytest.mark.parametrize("declared", ["²", "1" * 5000, "-5"])
def test_an_odd_content_length_is_read_as_none_never_a_500(declared: str) -> None:
    """What a socket never lets through (h11 checks the header) still cannot fail a
    handler when the app is called in-process."""
    import anyio

    from nemovideo.emulator.app import create_app
    from nemovideo.emulator.http import declared_length

    assert declared_length(declared) is None
    world = Emulator()
    token = world.create_user_token()
    app = create_app(world)

    async def post() -> int:
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b'{"task_name":"project"}', "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/tasks/me/with-session/nemo_agent",
            "raw_path": b"/api/tasks/me/with-session/nemo_agent",
            "query_string": b"",
            "root_path": "",
            "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 1),
            "headers": [
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-type", b"application/json"),
                (b"content-length", declared.encode("latin-1")),
                *((k.lower().encode(), v.encode()) for k, v in SKILL.items()),
            ],
        }
        await app(scope, receive, send)
        return status

    try:
        assert anyio.run(post) < 500
    finally:
        world.close()

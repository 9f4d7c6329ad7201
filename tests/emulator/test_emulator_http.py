"""The emulator over plain HTTP: tokens, sessions, uploads, renders, dialects, faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import pytest

from nemovideo.emulator import Emulator, RunningEmulator
from nemovideo.emulator.__main__ import main

SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=10) as client:
        yield client


@pytest.fixture
def control(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """A client of the control routes, with the control token."""
    headers = emulator.control_headers
    with httpx.Client(base_url=emulator.url, timeout=10, headers=headers) as client:
        yield client


@pytest.fixture
def world(emulator: RunningEmulator) -> Emulator:
    return emulator.emulator


def token(api: httpx.Client, client_id: str = "c1") -> dict[str, str]:
    answer = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['data']['token']}", **SKILL}


def new_session(api: httpx.Client, auth: dict[str, str]) -> str:
    answer = api.post(
        "/api/tasks/me/with-session/nemo_agent", json={"task_name": "project"}, headers=auth
    )
    session_id: str = answer.json()["data"]["session_id"]
    return session_id


def clip(path: Path, frames: int = 10) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        for i in range(frames):
            image = np.full((64, 96, 3), i * 20, dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def test_anonymous_tokens_per_client_id(api: httpx.Client, world: Emulator) -> None:
    assert api.post("/api/auth/anonymous-token").status_code == 400
    first = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"})
    data = first.json()["data"]
    assert data["token"].startswith("nmv_usr_")
    assert data["credits"] == 100
    assert data["user_id"].startswith("anon_")
    assert data["expires_at"].endswith("Z")
    again = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"})
    assert again.status_code == 429
    assert int(again.headers["retry-after"]) > 60
    world.expire_tokens()
    renewed = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "a"})
    assert renewed.status_code == 200
    assert renewed.json()["data"]["token"] != data["token"]


def test_ip_limit(api: httpx.Client, world: Emulator) -> None:
    world.configure(ip_token_limit=2)
    for client_id in ("x", "y"):
        assert api.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id}).is_success
    assert api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "z"}).status_code == 429


@pytest.mark.parametrize(("style", "status"), [("http", 401), ("ok", 200)])
def test_bad_tokens_get_1001(api: httpx.Client, world: Emulator, style: str, status: int) -> None:
    world.configure(error_style=style)
    answer = api.get("/api/credits/balance/simple", headers={"Authorization": "Bearer nmv_usr_x"})
    assert (answer.status_code, answer.json()["code"]) == (status, 1001)


def test_sessions_state_credits_and_claims(api: httpx.Client, world: Emulator) -> None:
    auth = token(api)
    session_id = new_session(api, auth)
    assert len(session_id) == 19
    assert session_id.isdigit()
    state = api.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=auth).json()["data"]
    assert state["state"]["draft"] == {"t": [], "d": 0, "m": {"width": 1920, "height": 1080}}
    assert state["task_name"] == "project"
    credits = api.get("/api/credits/balance/simple", headers=auth).json()["data"]
    assert credits == {"available": 100, "frozen": 0, "total": 100}
    world.set_credits(available=7, frozen=3)
    assert api.get("/api/credits/balance/simple", headers=auth).json()["data"]["total"] == 10
    claim = api.post(
        "/api/auth/claim-token", json={"task_id": "t", "session_id": session_id}, headers=auth
    ).json()["data"]
    assert claim["claim_token"].startswith("clm_")
    assert claim["expires_in"] == 604800


@pytest.mark.parametrize("style", ["code", "adk"])
def test_unknown_or_foreign_session(api: httpx.Client, world: Emulator, style: str) -> None:
    world.configure(session_not_found_style=style)
    owner = token(api, "owner")
    session_id = new_session(api, owner)
    other = {"Authorization": f"Bearer {world.create_user_token()}"}
    answer = api.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=other)
    assert answer.status_code == 404
    if style == "adk":
        assert answer.json() == {"detail": f"Session not found: {session_id}"}
    else:
        assert answer.json()["code"] == 1002


def test_uploads_are_probed_kept_and_served(
    api: httpx.Client, world: Emulator, tmp_path: Path
) -> None:
    auth = token(api)
    session_id = new_session(api, auth)
    path = clip(tmp_path / "my clip.mp4")
    with path.open("rb") as handle:
        answer = api.post(
            f"/api/upload-video/nemo_agent/me/{session_id}",
            files=[("files", ("my clip.mp4", handle, "video/mp4"))],
            headers=auth,
        )
    (entry,) = answer.json()["data"]["files"]
    assert (entry["width"], entry["height"], entry["file_type"]) == (96, 64, "video")
    assert entry["duration"] == pytest.approx(1.0, abs=0.15)
    assert entry["size"] == path.stat().st_size
    assert httpx.URL(entry["cdn_url"]).host == "localhost"
    served = api.get(httpx.URL(entry["cdn_url"]).path)
    assert served.content == path.read_bytes()
    state = api.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=auth).json()["data"]
    assert state["state"]["video_infos"] == [entry]


def test_upload_rules_4001_4002_and_urls(
    api: httpx.Client, world: Emulator, tmp_path: Path
) -> None:
    auth = token(api)
    session_id = new_session(api, auth)
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    bad = api.post(path, files=[("files", ("notes.txt", b"hello", "text/plain"))], headers=auth)
    assert (bad.status_code, bad.json()["code"]) == (400, 4001)
    world.configure(max_upload_bytes=1000)
    big = api.post(path, files=[("files", ("big.mp4", b"x" * 5000, "video/mp4"))], headers=auth)
    assert (big.status_code, big.json()["code"]) == (413, 4002)
    urls = api.post(
        path, json={"urls": ["https://cdn.example/a/clip.mov"], "source_type": "url"}, headers=auth
    )
    (entry,) = urls.json()["data"]["files"]
    assert (entry["filename"], entry["file_type"]) == ("clip.mov", "video")


READY = {"t": [{"tt": 0, "sg": [{"n": "a", "s": 0, "d": 1000}]}], "d": 1000}


def submit(
    api: httpx.Client, auth: dict[str, str], session_id: str, render_id: str
) -> httpx.Response:
    body = {"id": render_id, "sessionId": session_id, "draft": READY, "output": {"format": "mp4"}}
    return api.post("/api/render/proxy/lambda", json=body, headers=auth)


def finished_render(
    api: httpx.Client, world: Emulator, auth: dict[str, str], render_id: str
) -> dict[str, Any]:
    """The E9 answer of a render, read once after the emulator says it is finished."""
    status = world.wait_for_render(render_id, timeout=120)
    answer: dict[str, Any] = api.get(f"/api/render/proxy/lambda/{render_id}", headers=auth).json()
    assert answer.get("data", answer)["status"] == status
    return answer


@pytest.mark.parametrize("shape", ["a", "b", "c"])
def test_render_lifecycle_in_each_shape(api: httpx.Client, world: Emulator, shape: str) -> None:
    world.configure(render_shape=shape, render_seconds=0.3)
    auth = token(api)
    session_id = new_session(api, auth)
    accepted = submit(api, auth, session_id, f"render_{shape}")
    assert accepted.json() == {
        "success": True,
        "data": {"id": f"render_{shape}", "status": "pending", "progress": 0},
    }
    answer = finished_render(api, world, auth, f"render_{shape}")
    if shape == "a":
        url = answer["data"]["outputUrl"]
        assert answer["data"]["progress"] == 100
    elif shape == "b":
        assert answer["id"] == "render_b"
        url = answer["output"]["url"]
    else:
        assert answer["taskId"] == "render_c"
        url = answer["output"]["url"]
        assert answer["output"]["size"] > 0
    assert httpx.URL(url).host == "localhost"
    video = api.get(httpx.URL(url).path).content
    assert video[4:8] == b"ftyp"
    fallback = api.get(f"/api/render/proxy/render_{shape}/download", headers=auth)
    assert fallback.content == video
    assert api.get(f"/api/render/proxy/render_{shape}/download").json()["code"] == 1001


@pytest.mark.full_size
def test_render_is_a_real_mp4(api: httpx.Client, world: Emulator, tmp_path: Path) -> None:
    world.configure(render_seconds=0)
    auth = token(api)
    submit(api, auth, new_session(api, auth), "render_real")
    finished_render(api, world, auth, "render_real")
    out = tmp_path / "out.mp4"
    out.write_bytes(api.get("/api/render/proxy/render_real/download", headers=auth).content)
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        video = container.streams.video[0].codec_context
        assert (video.width, video.height) == (1920, 1080)
        assert container.streams.video[0].frames == 30


def rendered(
    api: httpx.Client, world: Emulator, auth: dict[str, str], render_id: str, draft: Any
) -> bytes:
    """The MP4 of ``draft``, rendered for a new session of ``auth``'s user."""
    body = {"id": render_id, "sessionId": new_session(api, auth), "draft": draft}
    assert api.post("/api/render/proxy/lambda", json=body, headers=auth).is_success
    assert world.wait_for_render(render_id, timeout=120) == "completed"
    return api.get(f"/api/render/proxy/{render_id}/download", headers=auth).content


@pytest.mark.full_size
def test_render_scale_shrinks_the_mp4_not_the_draft(
    api: httpx.Client, world: Emulator, tmp_path: Path
) -> None:
    assert world.config.render_scale == 1.0
    auth = token(api)
    portrait = {**READY, "m": {"width": 1080, "height": 1920}}
    full = rendered(api, world, auth, "full", portrait)
    world.configure(render_scale=0.25)
    small = rendered(api, world, auth, "small", portrait)
    assert len(small) < len(full)
    sizes = []
    for name, content in (("full.mp4", full), ("small.mp4", small)):
        (tmp_path / name).write_bytes(content)
        with av.open(str(tmp_path / name)) as container:
            video = container.streams.video[0]
            assert video.codec_context.name == "h264"
            assert container.streams.audio[0].codec_context.name == "aac"
            assert len(list(container.decode(video))) == 30
            sizes.append((video.codec_context.width, video.codec_context.height))
    assert sizes == [(1080, 1920), (270, 480)]
    status = api.get("/api/render/proxy/lambda/small", headers=auth).json()["data"]
    assert status["status"] == "completed"
    assert world.store.renders["small"].draft == portrait, "the draft keeps the asked size"


@pytest.mark.parametrize("scale", [0, -0.5, 1.5, float("nan"), True, "half"])
def test_render_scale_must_be_a_fraction(world: Emulator, scale: Any) -> None:
    before = world.config.render_scale
    with pytest.raises(ValueError, match="render_scale"):
        world.configure(render_scale=scale)
    assert world.config.render_scale == before


def test_render_refusals_and_failures(api: httpx.Client, world: Emulator) -> None:
    world.configure(render_seconds=10, video_renderer="placeholder")
    auth = token(api)
    session_id = new_session(api, auth)
    no_skill = {"Authorization": auth["Authorization"]}
    assert submit(api, no_skill, session_id, "r1").status_code == 402
    empty = {"id": "r2", "sessionId": session_id, "draft": {"t": []}}
    refused = api.post("/api/render/proxy/lambda", json=empty, headers=auth)
    assert refused.json() == {"success": False, "error": "draft has no segments"}
    submit(api, auth, session_id, "r3")
    assert api.get("/api/render/proxy/r3/download", headers=auth).status_code == 409
    assert api.get("/api/render/proxy/lambda/nope", headers=auth).status_code == 404
    world.configure(export_blocked=True)
    assert submit(api, auth, session_id, "r4").status_code == 402
    world.configure(export_blocked=False, render_seconds=0)
    world.fail_next_renders(1)
    submit(api, auth, session_id, "r5")
    assert finished_render(api, world, auth, "r5")["data"]["status"] == "failed"
    submit(api, auth, session_id, "r6")
    assert finished_render(api, world, auth, "r6")["data"]["status"] == "completed"


def test_waiting_for_a_render(api: httpx.Client, world: Emulator) -> None:
    auth = token(api)
    session_id = new_session(api, auth)
    with pytest.raises(KeyError):
        world.wait_for_render("never-submitted", timeout=0)
    world.configure(video_renderer="placeholder", render_seconds=3600)
    submit(api, auth, session_id, "slow")
    with pytest.raises(TimeoutError):
        world.wait_for_render("slow", timeout=0)
    slow = api.get("/api/render/proxy/lambda/slow", headers=auth).json()["data"]
    assert slow["status"] in {"pending", "processing"}
    world.configure(render_seconds=0.2)
    submit(api, auth, session_id, "placeholder")
    assert world.wait_for_render("placeholder") == "completed"
    assert finished_render(api, world, auth, "placeholder")["data"]["progress"] == 100
    world.configure(video_renderer="real", render_scale=0.1)
    world.fail_next_renders(1)
    submit(api, auth, session_id, "real-failed")
    assert world.wait_for_render("real-failed") == "failed"
    submit(api, auth, session_id, "real")
    assert world.wait_for_render("real", timeout=120) == "completed"
    assert api.get("/api/render/proxy/real/download", headers=auth).content[4:8] == b"ftyp"


def test_faults_status_code_body_times_and_delay(api: httpx.Client, world: Emulator) -> None:
    auth = token(api)
    world.arm_fault("/credits", status=503, times=2, headers={"Retry-After": "1"})
    first = api.get("/api/credits/balance/simple", headers=auth)
    assert (first.status_code, first.headers["retry-after"]) == (503, "1")
    assert api.get("/api/credits/balance/simple", headers=auth).status_code == 503
    assert api.get("/api/credits/balance/simple", headers=auth).status_code == 200
    world.arm_fault("/credits", code=2001, message="no credits")
    assert api.get("/api/credits/balance/simple", headers=auth).json() == {
        "code": 2001,
        "message": "no credits",
    }
    world.arm_fault(
        "/credits", status=502, body="<html>bad gateway</html>", content_type="text/html"
    )
    html = api.get("/api/credits/balance/simple", headers=auth)
    assert (html.status_code, html.text) == (502, "<html>bad gateway</html>")
    world.arm_fault("/credits", method="POST", status=500)
    assert api.get("/api/credits/balance/simple", headers=auth).status_code == 200
    world.clear_faults()
    world.arm_fault("/credits", delay=0.3)
    started = time.monotonic()
    assert api.get("/api/credits/balance/simple", headers=auth).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_cuts_the_body_short(api: httpx.Client, world: Emulator) -> None:
    auth = token(api)
    world.arm_fault("/credits", status=200, body='{"code": 0, "data": {"available": 1}}', drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/api/credits/balance/simple", headers=auth)
    assert api.get("/api/credits/balance/simple", headers=auth).status_code == 200


def test_request_log_redacts_the_token(
    api: httpx.Client, control: httpx.Client, world: Emulator
) -> None:
    auth = token(api)
    api.get("/api/credits/balance/simple", headers=auth)
    logged = world.requests[-1]
    assert logged.path == "/api/credits/balance/simple"
    assert logged.had_authorization
    assert logged.header("authorization") == "<redacted>"
    assert auth["Authorization"].split()[1] not in repr(world.requests)
    over_http = control.get("/_emulator/requests").json()
    assert over_http[-1]["headers"]["authorization"] == "<redacted>"


def test_control_routes(api: httpx.Client, control: httpx.Client, world: Emulator) -> None:
    assert control.post("/_emulator/config", json={"render_shape": "c"}).json() == {"ok": True}
    assert world.config.render_shape == "c"
    assert control.post("/_emulator/config", json={"nope": 1}).status_code == 400
    assert control.post("/_emulator/config", json={"render_scale": 0}).status_code == 400
    control.post("/_emulator/faults", json={"path": "/credits", "status": 500})
    assert world.faults.armed
    control.delete("/_emulator/faults")
    assert not world.faults.armed
    user = control.post("/_emulator/user-token", json={"credits": 5}).json()["token"]
    balance = api.get("/api/credits/balance/simple", headers={"Authorization": f"Bearer {user}"})
    assert balance.json()["data"]["available"] == 5
    assert control.post("/_emulator/reset").status_code == 200
    assert world.store.tokens == {}


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "--port" in capsys.readouterr().out

"""Every REST endpoint and error code, both clients, replayed from cassettes.

Record again with ``pytest tests/test_api_recorded.py --record-mode=rewrite``:
the emulator then starts on loopback and shapes the answers through ``steer``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import nemovideo
from nemovideo import errors

from .recorded import Api, done

pytestmark = [pytest.mark.vcr, pytest.mark.anyio]

READY_DRAFT: dict[str, Any] = {
    "t": [
        {"tt": 0, "n": "Clips", "sg": [{"id": "s1", "n": "clip one", "s": 0, "d": 1000}]},
        {"tt": 7, "sg": [{"id": "t1", "tx": "Top clips", "s": 0, "d": 1000}]},
    ],
    "d": 1000,
    "m": {"title": "Leaderboard", "width": 1920, "height": 1080},
    "x_unknown": {"kept": [1, 2, 3]},
}


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A tiny real MP4 (two frames) to upload."""
    import av
    import numpy as np

    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(2):
            frame = av.VideoFrame.from_ndarray(
                np.full((64, 64, 3), 40 * i, dtype=np.uint8), format="rgb24"
            )
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


async def test_credits_for_an_anonymous_token(api: Api) -> None:
    async with api.client() as client:
        credits = await done(client.credits())
    assert isinstance(credits, nemovideo.Credits)
    assert credits.available == 100
    assert credits.total == credits.available + credits.frozen


async def test_session_upload_state_export_download(api: Api, clip: Path, tmp_path: Path) -> None:
    async with api.client() as client:
        session = await done(client.create_session(language="en"))
        assert session.session_id.isdigit()
        assert session.task_id
        uploads = await done(session.upload(clip))
        assert [u.filename for u in uploads] == ["clip.mp4"]
        assert uploads[0].file_type == "video"
        assert uploads[0].width == 64
        assert uploads[0].height == 64
        api.steer.set_draft(session.session_id, READY_DRAFT)
        state = await done(session.state())
        assert state.draft is not None
        assert state.draft.is_exportable
        assert state.draft.to_dict() == READY_DRAFT
        assert [v["filename"] for v in state.video_infos] == ["clip.mp4"]
        render = await done(session.export())
        assert render.id.startswith("render_")
        status = await done(render.wait(poll_interval=0.05))
        assert status.is_completed
        assert status.output_url
        out = await done(render.download(tmp_path / "out.mp4"))
    assert out == tmp_path / "out.mp4"
    assert out.read_bytes()[4:8] == b"ftyp"
    assert not list(tmp_path.glob(".*.part"))


async def test_reattach_to_a_session_and_resume_a_render(api: Api, tmp_path: Path) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        api.steer.set_draft(session.session_id, READY_DRAFT)
        render = await done(session.export())
        again = client.session(session.session_id, task_id=session.task_id)
        assert (await done(again.state())).draft.is_exportable
        resumed = client.render(render.id, session_id=session.session_id)
        status = await done(resumed.wait(poll_interval=0.05))
        assert status.is_completed
        path = await done(resumed.download(tmp_path))
    assert path.parent == tmp_path
    assert path.name.endswith(".mp4")


@pytest.mark.parametrize("shape", ["b", "c"])
async def test_render_answer_shapes(api: Api, shape: str) -> None:
    api.steer.configure(render_shape=shape)
    async with api.client() as client:
        session = await done(client.create_session())
        api.steer.set_draft(session.session_id, READY_DRAFT)
        render = await done(session.export())
        status = await done(render.wait(poll_interval=0.05))
    assert status.is_completed
    assert status.output_url.endswith(".mp4")


async def test_export_refused_when_nothing_is_on_the_timeline(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        with pytest.raises(errors.NotReadyError):
            await done(session.export())


async def test_browser_url_uses_a_claim_token(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        url = await done(session.browser_url())
    assert url.startswith("https://nemovideo.com/workspace/claim?ct=clm_")
    assert "nmv_usr_" not in url


async def test_upload_urls(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        uploads = await done(session.upload_urls(["https://media.example/intro.mp4"]))
    assert [u.filename for u in uploads] == ["intro.mp4"]
    assert uploads[0].cdn_url == "https://media.example/intro.mp4"


async def test_unsupported_type_from_the_server_4001(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        with pytest.raises(errors.UnsupportedFileTypeError) as info:
            await done(session.upload_urls(["https://media.example/notes.txt"]))
    assert info.value.code == 4001


async def test_file_too_large_from_the_server_4002(api: Api, clip: Path) -> None:
    api.steer.configure(max_upload_bytes=16)
    async with api.client() as client:
        session = await done(client.create_session())
        with pytest.raises(errors.FileTooLargeError) as info:
            await done(session.upload(clip))
    assert info.value.code == 4002


@pytest.mark.parametrize("style", ["code", "adk"])
async def test_session_not_found_1002(api: Api, style: str) -> None:
    api.steer.configure(session_not_found_style=style)
    async with api.client() as client:
        await done(client.credits())
        with pytest.raises(errors.SessionNotFoundError):
            await done(client.session("1111111111111111111").state())


async def test_expired_user_token_is_an_authentication_error_1001(api: Api) -> None:
    token = api.steer.user_token()
    api.steer.expire_tokens(token)
    async with api.client(token=token) as client:
        with pytest.raises(errors.AuthenticationError) as info:
            await done(client.credits())
    assert info.value.code == 1001
    assert token not in str(info.value)


async def test_expired_anonymous_token_is_renewed_once(api: Api) -> None:
    async with api.client() as client:
        await done(client.credits())
        api.steer.expire_tokens()
        credits = await done(client.credits())
    assert credits.available == 100


async def test_out_of_credits_2001_carries_the_registration_link(api: Api) -> None:
    api.steer.arm_fault(r"/api/tasks/me/with-session", code=2001, message="out of credits")
    async with api.client() as client:
        await done(client.credits())
        with pytest.raises(errors.InsufficientCreditsError) as info:
            await done(client.create_session())
    assert info.value.register_url is not None
    assert info.value.register_url.startswith("https://nemovideo.com/register?bind=anon_")


async def test_export_blocked_by_plan_402(api: Api) -> None:
    api.steer.configure(export_blocked=True)
    async with api.client() as client:
        session = await done(client.create_session())
        api.steer.set_draft(session.session_id, READY_DRAFT)
        with pytest.raises(errors.ExportBlockedError) as info:
            await done(session.export())
    assert info.value.status_code == 402


async def test_second_anonymous_token_for_one_client_id_is_rate_limited_429(api: Api) -> None:
    async with api.client(token_store=False) as first:
        await done(first.credits())
    async with api.client(token_store=False) as second:  # forgets the first one's token
        with pytest.raises(errors.RateLimitError) as info:
            await done(second.credits())
    assert info.value.status_code == 429


async def test_server_errors_on_a_get_are_retried(api: Api) -> None:
    api.steer.arm_fault(r"/api/credits/", status=503, times=2, message="busy")
    seen: list[Any] = []
    async with api.client(on_retry=seen.append) as client:
        credits = await done(client.credits())
    assert credits.available == 100
    assert [event.attempt for event in seen] == [1, 2]
    assert all(isinstance(event.error, errors.ServerError) for event in seen)

"""The leaderboard workflow on both clients against the emulator, its ranking reader,
its checks, and the ``nemovideo`` command."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import av
import pytest
from typer.testing import CliRunner

from nemovideo import (
    InsufficientCreditsError,
    Leaderboard,
    NemoVideo,
    RankingNotFoundError,
    ToolResult,
    UnsupportedFileTypeError,
    UploadError,
    WorkflowProgress,
)
from nemovideo._protocol import answers
from nemovideo.cli import app
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import make_clips
from nemovideo.models.reply import Reply
from nemovideo.models.upload import Upload
from nemovideo.testing import timing
from nemovideo.workflows import LeaderboardPlan, read_ranking

from .recorded import done
from .waits import short_waits

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    return make_clips(folder, n=4, seconds=1, seed=11, size=(160, 96))


def client_for(kind: str, emulator: RunningEmulator, **kwargs: Any) -> Any:
    from nemovideo import AsyncNemoVideo, NemoVideo

    kwargs.setdefault("client_id", f"board-{kind}")
    cls = NemoVideo if kind == "sync" else AsyncNemoVideo
    with short_waits():
        return cls(base_url=emulator.url, **kwargs)


@asynccontextmanager
async def opened(kind: str, emulator: RunningEmulator, **kwargs: Any) -> AsyncIterator[Any]:
    """A client of ``kind`` for the emulator, closed when the block ends."""
    client = client_for(kind, emulator, **kwargs)
    try:
        yield client
    finally:
        await done(client.close() if kind == "sync" else client.aclose())


@pytest.mark.full_size("sync")  # the async client's renders are checked small
async def test_the_leaderboard_end_to_end(
    kind: str, emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    events: list[WorkflowProgress] = []
    async with opened(kind, emulator) as client:
        board: Leaderboard = await done(
            client.leaderboard(
                clips, top=3, output=tmp_path / "board.mp4", on_progress=events.append
            )
        )
    assert sorted(e.clip for e in board.entries) == sorted(p.name for p in clips)
    assert [e.rank for e in board.entries] == [1, 2, 3, 4]
    scores = [e.score for e in board.entries]
    assert scores == sorted(scores, reverse=True)
    assert all(e.upload is not None and e.upload.filename == e.clip for e in board.entries)
    assert all("motion" in e.metrics for e in board.entries)
    assert board.source == "tool_result"
    assert board.top == 3
    assert len(board.winners) == 3
    assert board.reply.text.startswith("Here is the ranking")
    assert board.render_id is not None
    assert board.render_id.startswith("render_")
    with av.open(str(board.video_path)) as container:
        video = container.streams.video[0]
        size = (video.codec_context.width, video.codec_context.height)
    assert size == ((1920, 1080) if kind == "sync" else (192, 108))
    assert board.state is not None
    assert board.state.draft is not None
    meta = board.state.draft.metadata or {}
    assert (meta.get("width"), meta.get("height")) == (1920, 1080), "the draft keeps its size"
    overall = [e.overall for e in events]
    assert overall == sorted(overall)
    assert overall[-1] == 1.0
    assert [s for s in dict.fromkeys(e.stage for e in events)] == [
        "upload",
        "ranking",
        "rendering",
        "downloading",
    ]
    assert {e.file for e in events if e.stage == "upload"} == {p.name for p in clips}
    assert all(0 <= e.fraction <= 1 for e in events)
    payload = json.loads(board.to_json())
    assert [e["rank"] for e in payload["entries"]] == [1, 2, 3, 4]
    assert "<table>" in board._repr_html_()
    assert board.entries[0].clip in board.table()


@pytest.mark.full_size
def test_portrait_grid(emulator: RunningEmulator, clips: list[Path], tmp_path: Path) -> None:
    with client_for("sync", emulator) as client:
        board = client.leaderboard(
            clips, layout="grid", orientation="portrait", output=tmp_path, top=4
        )
    assert board.video_path == tmp_path / "leaderboard.mp4"
    assert board.state.draft.metadata["layout"] == "grid"
    with av.open(str(board.video_path)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1080, 1920)


def test_the_render_is_polled_every_poll_interval(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.3)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with timing(sleep=sleep), NemoVideo(base_url=emulator.url, client_id="board-poll") as client:
        with pytest.raises(ValueError, match="poll_interval"):
            client.leaderboard(clips, output=tmp_path, poll_interval=-1)
        assert emulator.emulator.requests == [], "checked before anything is sent"
        board = client.leaderboard(clips, top=2, output=tmp_path, poll_interval=0.05)
    assert board.video_path is not None
    assert len(waits) >= 3, "a render of 0.3 s is read every 0.05 s"
    assert set(waits) == {0.05}, "every wait of the leaderboard is a render poll here"


async def test_out_of_credits_stops_before_anything_is_spent(
    kind: str, emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    token = emulator.emulator.create_user_token(credits=20)
    async with opened(kind, emulator, token=token) as client:
        with pytest.raises(InsufficientCreditsError, match="needs about 50 credits"):
            await done(client.leaderboard(clips, output=tmp_path / "x.mp4"))
    paths = [r.path for r in emulator.emulator.requests]
    assert paths == ["/api/credits/balance/simple"]


async def test_bad_files_fail_first_and_clearly(
    kind: str, emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("x")
    async with opened(kind, emulator) as client:
        with pytest.raises(UnsupportedFileTypeError, match=r"notes\.txt"):
            await done(client.leaderboard([*clips, notes], output=tmp_path / "x.mp4"))
        with pytest.raises(FileNotFoundError):
            await done(client.leaderboard([tmp_path / "gone.mp4"], output=tmp_path / "x.mp4"))
        assert emulator.emulator.requests == []
        emulator.emulator.arm_fault("/upload-video/", code=4001, message="refused", times=1)
        with pytest.raises(UploadError) as caught:
            await done(client.leaderboard(clips, output=tmp_path / "x.mp4", concurrency=1))
    assert len(caught.value.uploaded) == len(clips) - 1
    assert len(caught.value.failures) == 1


def test_plan_checks_and_warnings(clips: list[Path], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="top"):
        LeaderboardPlan.make(
            clips, prompt=None, top=0, layout="sequence", orientation="landscape", output=tmp_path
        )
    with pytest.raises(ValueError, match="layout"):
        LeaderboardPlan.make(
            clips, prompt=None, top=1, layout="spiral", orientation="landscape", output=tmp_path
        )
    plan = LeaderboardPlan.make(
        clips, prompt="rank them", top=2, layout="grid", orientation="portrait", output=tmp_path
    )
    assert (
        plan.message() == "rank them. Show the top 2 as a grid, side by side, portrait 1080x1920."
    )
    short, long = Upload("a.mp4", duration=3.0), Upload("b.mp4", duration=9.0)
    assert any("differ by more than 2x" in w for w in plan.warnings([short, long], None))
    assert plan.warnings([short, Upload("c.mp4", duration=5.0)], None) == []


def _reply(*results: Any, text: str = "") -> Reply:
    from nemovideo.models.events import TextEvent

    events: list[Any] = [ToolResult(name="rank", response=r) for r in results]
    if text:
        events.append(TextEvent(text=text))
    return Reply.from_events(events)


def test_ranking_is_read_from_tools_then_state_then_text() -> None:
    uploads = [Upload("a.mp4"), Upload("b.mp4")]
    tool = _reply(
        {
            "rankings": [
                {"name": "a.mp4", "engagement_score": 0.4},
                {"name": "b.mp4", "engagement_score": 0.9},
            ]
        }
    )
    found = read_ranking(tool, None, uploads)
    assert found is not None
    entries, source, raw = found
    assert source == "tool_result"
    assert [(e.rank, e.clip, e.score) for e in entries] == [(1, "b.mp4", 90.0), (2, "a.mp4", 40.0)]
    assert entries[0].upload == uploads[1]
    assert raw["rankings"][0]["name"] == "a.mp4"

    state = answers.session_state(
        {"state": {"video_analyses": [{"clip": "a.mp4", "score": 70, "rank": 1, "fps": 30}]}}
    )
    entries, source, _ = read_ranking(_reply(), state, uploads) or ([], "", None)
    assert source == "video_analyses"
    assert entries[0].metrics == {"fps": 30}

    text = _reply(text="Ranking:\n1. b.mp4 - score 88\n2. a.mp4 (61.5)\nThanks")
    entries, source, _ = read_ranking(text, None, uploads) or ([], "", None)
    assert source == "text"
    assert [(e.clip, e.score) for e in entries] == [("b.mp4", 88.0), ("a.mp4", 61.5)]
    assert read_ranking(_reply(text="Nice clips!"), None, uploads) is None


def test_no_ranking_in_the_answer_is_a_clear_error(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    with client_for("sync", emulator) as client, pytest.raises(RankingNotFoundError) as caught:
        client.leaderboard(clips[:1], prompt="hello there", output=tmp_path / "x.mp4")
    assert caught.value.reply is not None
    assert "I can add a title" in caught.value.reply.text


def test_the_command_prints_json(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"NEMO_API_URL": emulator.url, "NEMO_CLIENT_ID": "cli-test"}
    out = str(tmp_path / "cli.mp4")
    args = ["leaderboard", *map(str, clips), "--top", "2", "-o", out, "--json"]
    with short_waits():
        result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    names = [e["clip"] for e in payload["entries"]]
    assert sorted(names) == sorted(p.name for p in clips)
    assert [e["rank"] for e in payload["entries"]] == list(range(1, len(clips) + 1))
    scores = [e["score"] for e in payload["entries"]]
    assert scores == sorted(scores, reverse=True)
    assert Path(payload["video"]).is_file()
    assert f"`nemovideo export {payload['session_id']}`" in payload["reply"]
    assert "Export" in payload["agent_reply"]


def test_the_command_takes_a_folder_of_clips(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for clip in clips:
        shutil.copy(clip, folder / clip.name)
    (folder / "notes.txt").write_text("not a clip")
    (folder / "sub").mkdir()
    runner = CliRunner()
    env = {"NEMO_API_URL": emulator.url, "NEMO_CLIENT_ID": "cli-test"}
    args = ["leaderboard", str(folder), "--top", "2", "-o", str(tmp_path / "f.mp4"), "--json"]
    with short_waits():
        result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    names = [e["clip"] for e in json.loads(result.stdout)["entries"]]
    assert sorted(names) == sorted(p.name for p in clips)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["leaderboard", str(empty)], env=env)
    assert result.exit_code == 1
    assert "no avi/mkv/mov/mp4/webm files in the folder" in result.stderr


def test_the_command_fails_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["leaderboard", str(tmp_path / "missing.mp4")])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "missing.mp4" in result.stderr
    assert runner.invoke(app, ["leaderboard", "--layout", "spiral", "x.mp4"]).exit_code == 1


def test_the_everyday_commands(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    token = emulator.emulator.create_user_token(credits=500)
    env = {"NEMO_API_URL": emulator.url, "NEMO_TOKEN": token}

    def run(*args: str) -> Any:
        with short_waits():
            result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result

    assert json.loads(run("credits", "--json").stdout)["available"] == 500
    session_id = run("session", "new").stdout.strip()
    assert session_id.isdigit()
    uploaded = json.loads(run("upload", session_id, str(clips[0]), "--json").stdout)
    assert uploaded["files"][0]["filename"] == clips[0].name
    sent = json.loads(run("send", session_id, "add a title 'Hello'", "--json").stdout)
    name = clips[0].name
    assert sent["changes"] == [
        f"Clips added: {name} (0-1s)",
        f"Clip audio added: {name} (0-1s, 100%)",
        'Title added: "Hello" (0-3s)',
    ], "the uploaded clip is put on the timeline with the title"
    shown = run("state", session_id, "--svg", str(tmp_path / "t.svg")).stdout
    assert " ".join(shown.split()) == (
        f"Timeline (3 tracks): 1. Clips: {name} (0-1s) 2. Clip audio: {name} (0-1s, 100%) "
        '3. Title: "Hello" (0-3s)'
    )
    assert "Hello" in (tmp_path / "t.svg").read_text()
    exported = json.loads(run("export", session_id, "-o", str(tmp_path / "e.mp4"), "--json").stdout)
    assert Path(exported["video"]).stat().st_size > 0
    link = run("open", session_id).stdout.strip()
    assert "/workspace/claim?ct=clm_" in link
    assert token not in link
    assert all(token not in r.stdout for r in [runner.invoke(app, ["credits"], env=env)])

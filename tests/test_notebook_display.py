"""Renders and leaderboards play their video in a notebook: a small file embedded as
base64 data, a big one linked relative to the notebook's folder, a note when it is
outside that folder (no IPython needed)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from nemovideo import Leaderboard, LeaderboardEntry, NemoVideo, Reply
from nemovideo._protocol.render import RenderJob
from nemovideo.emulator import Emulator
from nemovideo.models import video
from nemovideo.testing import in_process_client


def sources(page: str) -> list[str]:
    return re.findall(r'<video src="([^"]*)"', page)


def board(path: Path | None) -> Leaderboard:
    entry = LeaderboardEntry(rank=1, clip="a.mp4", score=90.0)
    return Leaderboard(entries=(entry,), top=1, source="text", reply=Reply(), video_path=path)


def test_a_small_video_is_embedded_as_data(tmp_path: Path) -> None:
    clip = tmp_path / "board.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42 a small mp4")
    for page in (board(clip)._repr_html_(), RenderJob("render_1", "s", downloaded=clip).html()):
        (src,) = sources(page)
        assert src.startswith("data:video/mp4;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == clip.read_bytes()
        assert "<table>" in page or "render_1" in page


def test_a_big_video_is_linked_relative_to_the_notebook_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video, "EMBED_LIMIT", 10)
    monkeypatch.chdir(tmp_path)
    clip = tmp_path / "out put" / "board.mp4"
    clip.parent.mkdir()
    clip.write_bytes(b"more than ten bytes of video")
    (src,) = sources(board(clip)._repr_html_())
    assert src == "out%20put/board.mp4"
    (src,) = sources(RenderJob("render_1", "s", downloaded=clip.resolve()).html())
    assert src == "out%20put/board.mp4"


def test_a_big_video_outside_the_notebook_folder_gets_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video, "EMBED_LIMIT", 10)
    notebook = tmp_path / "notebooks"
    notebook.mkdir()
    monkeypatch.chdir(notebook)
    clip = tmp_path / "board.mp4"
    clip.write_bytes(b"more than ten bytes of video")
    page = board(clip)._repr_html_()
    assert sources(page) == []
    assert "outside the notebook's folder" in page
    assert "EMBED_LIMIT" in page
    assert str(clip) in page


def test_a_missing_file_and_no_video_show_no_player(tmp_path: Path) -> None:
    assert "(not found)" in board(tmp_path / "gone.mp4")._repr_html_()
    assert "<video" not in board(None)._repr_html_()
    assert "<video" not in RenderJob("render_1", "s").html()


def test_a_downloaded_render_handle_plays_its_video(tmp_path: Path) -> None:
    world = Emulator()
    world.configure(video_renderer="placeholder")
    try:
        with in_process_client(world) as client:
            assert isinstance(client, NemoVideo)
            session = client.create_session()
            session.send("generate a video of city lights").result()
            render = session.export()
            assert "<video" not in render._repr_html_()
            path = render.download(tmp_path / "out.mp4")
            (src,) = sources(render._repr_html_())
    finally:
        world.close()
    assert base64.b64decode(src.split(",", 1)[1]) == path.read_bytes()


def test_a_long_wait_polls_at_the_cap_without_overflow() -> None:
    # A render polled with no waiting between reads (in_process_client) makes
    # thousands of polls: the growing interval must stay at its cap, not overflow.
    from nemovideo._protocol import render

    interval = render.poll_intervals(None)
    assert [interval(n) for n in (0, 1)] == [render.FIRST_POLL, render.FIRST_POLL * 1.5]
    assert interval(5000) == render.MAX_POLL

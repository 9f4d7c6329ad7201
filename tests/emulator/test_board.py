"""The leaderboard video: it ends on a board of every ranked clip, each clip keeps a
caption with a score bar, and an edit of uploaded clips exports the clips. Checked on
real pixels of decoded MP4s (and of the board picture at full size)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from nemovideo import NemoVideo
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.analysis import analyse
from nemovideo.emulator.board import board_picture, medal, row_boxes
from nemovideo.emulator.leaderboard import BOARD_MS, TITLE_MS, leaderboard_draft, rank_clips
from nemovideo.emulator.render import FPS, render_draft
from nemovideo.emulator.samples import make_clips

from ..waits import short_waits

SMALL = (160, 96)


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """Four measured sample clips of 1 s in an uploads folder, ranked."""
    folder = tmp_path_factory.mktemp("board")
    uploads = folder / "uploads"
    infos: list[dict[str, Any]] = []
    analyses: dict[str, dict[str, Any]] = {}
    for path in make_clips(folder / "clips", n=4, seconds=1, seed=5, size=SMALL):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        (uploads / digest).mkdir(parents=True)
        shutil.copy(path, uploads / digest / path.name)
        url = f"http://localhost:1/cdn/uploads/{digest}/{path.name}"
        infos.append({"filename": path.name, "file_type": "video", "cdn_url": url})
        found = analyse(path)
        analyses[url] = {**found.metrics(), "score": found.score, "points": found.points()}
    return uploads, rank_clips(infos, analyses)


def frames_of(path: Path) -> list[Any]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(container.streams.video[0])]


def badges(picture: Any, boxes: list[tuple[int, int, int, int]]) -> int:
    """How many bright rank badges a band through the badges crosses (below the
    heading): a line of the band is bright where any of its pixels is (the dark rank
    text never fills it)."""
    x, y, _, h = boxes[0]
    band = picture[y:, x + h // 10 + 1 : x + h // 2]
    bright = (band.max(axis=2) > 120).any(axis=1)
    return int(np.count_nonzero(bright[1:] & ~bright[:-1]) + bright[0])


def near(picture: Any, colour: tuple[int, int, int], tolerance: float = 40) -> int:
    """How many pixels are within ``tolerance`` of ``colour``."""
    distance = np.linalg.norm(picture.astype(np.float32) - np.array(colour), axis=2)
    return int(np.count_nonzero(distance < tolerance))


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)])
def test_the_board_of_ten_is_legible_at_1080p_both_ways(width: int, height: int) -> None:
    rows = [
        {"rank": r, "clip": f"{r:02d}-clip.mp4", "score": 100 - 9 * r, "why": ["motion 20"]}
        for r in range(1, 11)
    ]
    picture = board_picture({"title": "Top performers", "rows": rows}, width, height)
    assert picture.shape == (height, width, 3)
    boxes = row_boxes(10, width, height)
    assert badges(picture, boxes) == 10
    assert all(y >= 0 and y + h <= height and x + w <= width for x, y, w, h in boxes)
    assert min(h for *_, h in boxes) >= 0.08 * min(width, height), "rows tall enough to read"
    x, y, w, h = boxes[0]
    name = picture[y : y + h, x + w // 6 : x + w // 2].min(axis=2) > 200
    lines = np.flatnonzero(name.any(axis=1))
    assert lines.size > 0
    assert lines[-1] - lines[0] >= 0.02 * height, "the name is large enough"
    bars = [
        near(picture[y : y + h, x : x + w], medal(r)) for r, (x, y, w, h) in enumerate(boxes, 1)
    ]
    assert bars[0] > bars[4] > bars[9] > 0, "score bars shrink with the score"


def test_a_board_of_past_ten_rows_takes_two_columns_and_strange_rows_still_draw() -> None:
    boxes = row_boxes(14, 1920, 1080)
    assert len({x for x, *_ in boxes}) == 2
    rows = [{"score": float("nan"), "why": ["x" * 10**6]}, "junk", {"clip": 3, "rank": True}]
    picture = board_picture({"rows": rows, "title": "y" * 10**6}, 320, 180)
    assert badges(picture, row_boxes(2, 320, 180)) == 2
    assert board_picture(None, 64, 36).shape == (36, 64, 3)


@pytest.mark.parametrize(
    ("layout", "size"), [("sequence", (1920, 1080)), ("grid", (1080, 1920))], ids=str
)
def test_the_leaderboard_video_ends_on_a_board_of_every_ranked_clip(
    uploaded: tuple[Path, list[dict[str, Any]]],
    tmp_path: Path,
    layout: str,
    size: tuple[int, int],
) -> None:
    uploads, ranked = uploaded
    draft = leaderboard_draft(ranked, 2, size[0], size[1], layout=layout)
    pictures = frames_of(render_draft(draft, tmp_path / "out.mp4", uploads, scale=0.25))
    height, width = pictures[0].shape[:2]
    assert len(pictures) == round(draft["d"] / 1000 * FPS)
    board_frames = round(BOARD_MS / 1000 * FPS)
    board, last_clip = pictures[-board_frames // 2], pictures[-board_frames - 3]
    assert np.abs(board.astype(int) - last_clip.astype(int)).mean() > 20
    assert np.abs(board.astype(int) - pictures[-1].astype(int)).mean() < 3, "the board holds"
    assert badges(board, row_boxes(len(ranked), width, height)) == len(ranked) == 4
    expected = board_picture(draft["t"][3]["sg"][0]["board"], width, height)
    assert np.abs(board.astype(int) - expected.astype(int)).mean() < 6


def test_each_clip_keeps_its_caption_with_a_score_bar(
    uploaded: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    uploads, ranked = uploaded
    draft = leaderboard_draft(ranked, 4, 1920, 1080)
    pictures = frames_of(render_draft(draft, tmp_path / "out.mp4", uploads, scale=0.25))
    ranks = draft["t"][2]["sg"]
    assert [s["rank"] for s in ranks] == [1, 2, 3, 4]
    assert [s["tx"] for s in ranks] == [
        f"#{i['rank']} {i['clip']} - {i['score']:g}" for i in ranked
    ]
    assert [s["score"] for s in ranks] == [item["score"] for item in ranked]
    for segment in (s for s in ranks if s["score"] >= 10):  # a bar long enough to see
        middle = pictures[round((segment["s"] + segment["d"] / 2) / 1000 * FPS)]
        bottom, top = middle[middle.shape[0] * 3 // 4 :], middle[: middle.shape[0] // 4]
        colour = medal(segment["rank"])
        assert near(bottom, colour, 30) > 20, f"rank {segment['rank']}: a bar in its colour"
        assert near(bottom, colour, 30) > 4 * near(top, colour, 30)


def test_the_grid_shows_a_score_bar_in_each_cell(
    uploaded: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    uploads, ranked = uploaded
    draft = leaderboard_draft(ranked, 4, 1920, 1080, layout="grid")
    pictures = frames_of(render_draft(draft, tmp_path / "out.mp4", uploads, scale=0.25))
    grid = pictures[round((TITLE_MS + 500) / 1000 * FPS)]
    height, width = grid.shape[:2]
    cells = [grid[: height // 2, : width // 2], grid[: height // 2, width // 2 :]]
    cells += [grid[height // 2 :, : width // 2], grid[height // 2 :, width // 2 :]]
    scores = [item["score"] for item in ranked]
    for rank, cell in enumerate(cells, 1):
        if scores[rank - 1] < 10:  # a bar too short to see
            continue
        lower, upper = cell[cell.shape[0] * 2 // 3 :], cell[: cell.shape[0] // 3]
        assert near(lower, medal(rank), 30) > 8, f"cell {rank}: a bar in the colour of #{rank}"
        assert near(upper, medal(rank), 30) < near(lower, medal(rank), 30)


def test_three_uploaded_clips_and_a_title_export_the_clips(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    clips = make_clips(tmp_path / "clips", n=3, seconds=2, seed=2, size=SMALL)
    with short_waits(), NemoVideo(base_url=emulator.url, client_id="three-clips") as client:
        session = client.create_session()
        session.upload(clips, concurrency=1)  # in order: the timeline follows it
        reply = session.send("add a title 'Summer Sale'").result()
        draft = session.state().draft
        path = session.export().download(tmp_path / "out.mp4")
    assert "3 clips" in reply.text
    assert draft is not None
    assert [s.name for s in draft.tracks[0].segments] == [p.name for p in clips]
    with av.open(str(path)) as container:
        assert (container.duration or 0) / 1_000_000 == pytest.approx(6.0, abs=0.2)
    pictures = frames_of(path)
    title, late = pictures[FPS], pictures[round(3.5 * FPS)]
    assert late.mean() > 40, "the second clip plays after the title, not a black frame"
    band = title[: title.shape[0] // 4]
    assert band.min(axis=2).max() > 200, "the title is drawn over the first clip"
    assert title[title.shape[0] // 3 :].mean() > 40, "under the title, the clip plays"

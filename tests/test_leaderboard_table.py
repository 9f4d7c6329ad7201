"""``Leaderboard.table()``: a header for every column, no unexplained marks."""

from __future__ import annotations

from pathlib import Path

from nemovideo import Leaderboard, LeaderboardEntry, Reply


def test_the_table_says_which_clips_the_video_shows() -> None:
    board = Leaderboard(
        entries=(
            LeaderboardEntry(rank=1, clip="a.mp4", score=91.0),
            LeaderboardEntry(rank=2, clip="long-name.mp4", score=50.5),
        ),
        top=1,
        source="text",
        reply=Reply(),
        video_path=Path("board.mp4"),
    )
    lines = board.table().splitlines()
    assert lines[0].split() == ["Rank", "Clip", "Score", "In", "video"]
    assert lines[2].split() == ["1", "a.mp4", "91.0", "yes"]
    assert lines[3].split() == ["2", "long-name.mp4", "50.5"]
    assert "*" not in board.table()
    assert all(line == line.rstrip() for line in lines)
    assert lines[-1] == "video: board.mp4"

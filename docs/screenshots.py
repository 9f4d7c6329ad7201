"""Docs build step: draw the notebook views in headless Chromium, and frames of the
emulator's leaderboard video, and keep the pictures.

    python docs/screenshots.py      # needs Debian's chromium and the emulator extra

Writes ``docs/images/timeline.png`` (a Draft's SVG timeline with its summary) and
``docs/images/leaderboard-notebook.png`` (a Leaderboard's notebook table), the way
a notebook shows them; ``tests/test_pictures.py`` checks the same drawing. Then
renders leaderboards of ten sample clips with the emulator at half size and keeps
frames: ``leaderboard-sequence.png`` (a ranked clip with its caption),
``leaderboard-grid.png`` (the grid), ``leaderboard-board.png`` and
``leaderboard-board-portrait.png`` (the closing board, landscape and portrait);
``tests/emulator/test_board.py`` checks the same pictures. Last,
``leaderboard-player.png``: a leaderboard of four clips made on the emulator, as a
notebook shows it (the ranking, then the embedded video player).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from nemovideo import Draft, Leaderboard, LeaderboardEntry
from nemovideo.models.reply import Reply

IMAGES = Path(__file__).parent / "images"

DRAFT = Draft.from_dict(
    {
        "t": [
            {
                "tt": 0,
                "n": "Clips",
                "sg": [
                    {"n": "07-how-to.mp4", "s": 3000, "d": 5000},
                    {"n": "01-summer-sale.mp4", "s": 8000, "d": 5000},
                    {"n": "05-behind-the-scenes.mp4", "s": 13000, "d": 5000},
                ],
            },
            {"tt": 7, "n": "Title", "sg": [{"tx": "Top performers", "s": 0, "d": 3000}]},
            {
                "tt": 7,
                "n": "Ranks",
                "sg": [
                    {"tx": "#1 07-how-to.mp4 - 64.7", "s": 3000, "d": 5000},
                    {"tx": "#2 01-summer-sale.mp4 - 56.2", "s": 8000, "d": 5000},
                    {"tx": "#3 05-behind-the-scenes.mp4 - 45.2", "s": 13000, "d": 5000},
                ],
            },
            {"tt": 7, "n": "Board", "sg": [{"tx": "Leaderboard: 10 clips", "s": 18000, "d": 5000}]},
            {"tt": 1, "n": "Clip audio", "sg": [{"n": "mix", "s": 3000, "d": 15000, "v": 1.0}]},
        ],
        "d": 23000,
    }
)

BOARD = Leaderboard(
    entries=tuple(
        LeaderboardEntry(rank, clip, score)
        for rank, (clip, score) in enumerate(
            [
                ("07-how-to.mp4", 64.7),
                ("01-summer-sale.mp4", 56.2),
                ("05-behind-the-scenes.mp4", 45.2),
                ("08-brand-story.mp4", 35.6),
                ("02-unboxing.mp4", 20.2),
            ],
            1,
        )
    ),
    top=3,
    source="tool_result",
    reply=Reply(),
    video_path=Path("leaderboard.mp4"),
)


def notebook_player(target: Path) -> None:
    """A leaderboard made on the emulator, shown as a notebook shows it: the ranking
    and the video player (embedded, so it plays wherever the notebook goes)."""
    from nemovideo.emulator import Emulator
    from nemovideo.emulator.samples import make_clips
    from nemovideo.testing import in_process_client

    target = target.resolve()  # the shot is taken from the clips' folder
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        clips = make_clips(work / "clips", n=4, seconds=2, seed=7, size=(480, 270))
        world = Emulator()
        world.configure(render_scale=0.25)
        home = Path.cwd()
        try:
            os.chdir(work)  # as in a notebook's folder: the video is shown by its name
            with in_process_client(world, token_store=False) as client:
                board = client.leaderboard(clips, top=3, output=Path("leaderboard.mp4"))
            shoot(board._repr_html_(), target, "520,440", wait_ms=4000)
        finally:
            os.chdir(home)
            world.close()


def shoot(html: str, target: Path, size: str, wait_ms: int = 0) -> None:
    """Render ``html`` in headless Chromium into ``target``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("install Debian's chromium first (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        page.write_text(
            f"<html><body style='margin:8px;font-family:sans-serif'>{html}</body></html>"
        )
        subprocess.run(  # noqa: S603 - our own page, our own arguments
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--screenshot={target}",
                f"--window-size={size}",
                f"--virtual-time-budget={wait_ms}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )


def video_frames(target: Path) -> None:
    """Frames of the emulator's leaderboard videos of ten sample clips, at half size."""
    import hashlib

    import av

    from nemovideo.emulator.analysis import analyse
    from nemovideo.emulator.leaderboard import TITLE_MS, leaderboard_draft, rank_clips
    from nemovideo.emulator.render import FPS, render_draft
    from nemovideo.emulator.samples import make_clips

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        infos, analyses = [], {}
        for path in make_clips(work / "clips", n=10, seconds=2, seed=7, size=(480, 270)):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            (work / "uploads" / digest).mkdir(parents=True)
            shutil.copy(path, work / "uploads" / digest / path.name)
            url = f"http://127.0.0.1/cdn/uploads/{digest}/{path.name}"
            infos.append({"filename": path.name, "file_type": "video", "cdn_url": url})
            found = analyse(path)
            analyses[url] = {**found.metrics(), "score": found.score, "points": found.points()}
        ranked = rank_clips(infos, analyses)
        shots = [
            ("sequence", (1920, 1080), {"sequence": TITLE_MS + 1000, "board": -1}),
            ("grid", (1920, 1080), {"grid": TITLE_MS + 1000}),
            ("sequence", (1080, 1920), {"board-portrait": -1}),
        ]
        for layout, size, wanted in shots:
            draft = leaderboard_draft(ranked, 5, *size, layout=layout)
            video = render_draft(draft, work / "out.mp4", work / "uploads", scale=0.5)
            with av.open(str(video)) as container:
                frames = [f.to_image() for f in container.decode(container.streams.video[0])]
            for name, at in wanted.items():
                frame = frames[at * FPS // 1000 if at >= 0 else at]
                frame.save(target / f"leaderboard-{name}.png")


if __name__ == "__main__":
    IMAGES.mkdir(exist_ok=True)
    shoot(DRAFT._repr_html_(), IMAGES / "timeline.png", "780,260")
    shoot(BOARD._repr_html_(), IMAGES / "leaderboard-notebook.png", "520,240")
    video_frames(IMAGES)
    notebook_player(IMAGES / "leaderboard-player.png")
    print("written:", *sorted(p.name for p in IMAGES.glob("*.png")))

"""Benchmark: the leaderboard demo end to end, stage by stage (not a test).

Ten 8-second 1280x720 sample clips, top 5, a 1080p video, on the embedded emulator.
Prints the time of each stage and writes ``benchmarks/results/leaderboard.json``.
The target: from the first upload to the downloaded MP4 in at most 45 s.

    python benchmarks/leaderboard_demo.py
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

from nemovideo import NemoVideo, WorkflowProgress
from nemovideo.emulator import serve
from nemovideo.emulator.samples import make_clips

TARGET_SECONDS = 45.0


def main() -> dict[str, object]:
    """Run the demo once and report."""
    with tempfile.TemporaryDirectory(prefix="nemovideo-bench-") as folder:
        started = time.perf_counter()
        clips = make_clips(Path(folder) / "clips", n=10, seconds=8, size=(1280, 720))
        made = time.perf_counter() - started
        marks: dict[str, float] = {}

        def progress(event: WorkflowProgress) -> None:
            marks.setdefault(event.stage, time.perf_counter())

        with serve() as running, NemoVideo(base_url=running.url, client_id="bench") as client:
            begin = time.perf_counter()
            board = client.leaderboard(
                clips, top=5, output=Path(folder) / "leaderboard.mp4", on_progress=progress
            )
            end = time.perf_counter()
    order = ["upload", "ranking", "rendering", "downloading"]
    starts = [marks[s] for s in order] + [end]
    stages = {s: round(starts[i + 1] - starts[i], 2) for i, s in enumerate(order)}
    total = round(end - marks["upload"], 2)
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "clips": "10 x 8 s, 1280x720, 30 fps",
        "output": "1920x1080, 30 fps, top 5",
        "making_clips_s": round(made, 2),
        "setup_s": round(marks["upload"] - begin, 2),
        "stages_s": stages,
        "upload_to_download_s": total,
        "target_s": TARGET_SECONDS,
        "met": total <= TARGET_SECONDS,
        "winner": board.entries[0].clip,
    }
    print(f"{'stage':<14}{'seconds':>8}")
    for stage, seconds in stages.items():
        print(f"{stage:<14}{seconds:>8.2f}")
    verdict = "met" if report["met"] else "MISSED"
    print(f"{'total':<14}{total:>8.2f}   (target <= {TARGET_SECONDS:g} s: {verdict})")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "leaderboard.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()

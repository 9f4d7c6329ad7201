"""The emulator's memory over many renders: RSS after the first render and after ``n`` more.

Runs an emulator in this process (so it measures this process's RSS, from
``/proc/self/status``), uploads two short clips, and submits renders of a draft that
shows both with a title and music, four at a time, at a small ``render_scale``.
Prints the figures; ``--json`` prints them as one JSON object (the test suite reads it).

    python benchmarks/emulator_memory.py --renders 100
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

SKILL = {"X-Skill-Source": "benchmark", "X-Skill-Version": "1", "X-Skill-Platform": "python"}


def rss_mib() -> float:
    """This process's resident memory (VmRSS) in MiB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(renders: int = 100, scale: float = 0.1, at_once: int = 4) -> dict[str, Any]:
    """RSS (MiB) after the first render and after ``renders`` more, and the seconds taken."""
    from nemovideo.emulator import serve
    from nemovideo.emulator.samples import make_clips

    with tempfile.TemporaryDirectory() as folder, serve() as running:
        world = running.emulator
        world.configure(render_scale=scale)
        auth = {"Authorization": f"Bearer {world.create_user_token()}", **SKILL}
        clips = make_clips(Path(folder), n=2, seconds=1, size=(320, 180))
        with httpx.Client(base_url=running.url, timeout=60) as api:
            made = api.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth)
            session_id = made.json()["data"]["session_id"]
            files = [("files", (c.name, c.read_bytes(), "video/mp4")) for c in clips]
            path = f"/api/upload-video/nemo_agent/me/{session_id}"
            sent = api.post(path, files=files, headers=auth).json()["data"]["files"]
            first, second = (item["cdn_url"] for item in sent)
            draft = {
                "d": 1000,
                "m": {"width": 1920, "height": 1080},
                "t": [
                    {"tt": 0, "sg": [{"s": 0, "d": 1000, "src": first}]},
                    {"tt": 0, "sg": [{"s": 0, "d": 1000, "src": second}]},
                    {"tt": 7, "sg": [{"s": 0, "d": 1000, "tx": "Memory"}]},
                    {"tt": 1, "sg": [{"s": 0, "d": 1000, "src": first}]},
                ],
            }

            def submit(index: int) -> str:
                body = {"id": f"m{index}", "sessionId": session_id, "draft": draft}
                answer = api.post("/api/render/proxy/lambda", json=body, headers=auth)
                answer.raise_for_status()
                return f"m{index}"

            def finish(render_ids: list[str]) -> None:
                for render_id in render_ids:
                    if world.wait_for_render(render_id, timeout=120) != "completed":
                        raise RuntimeError(f"render {render_id} failed")

            finish([submit(0)])
            gc.collect()
            after_first = rss_mib()
            started = time.perf_counter()
            for start in range(1, renders + 1, at_once):
                finish([submit(i) for i in range(start, min(start + at_once, renders + 1))])
            seconds = time.perf_counter() - started
            gc.collect()
            after_all = rss_mib()
    return {
        "renders": renders,
        "after_first_mib": round(after_first, 1),
        "after_all_mib": round(after_all, 1),
        "growth": round(after_all / after_first - 1, 3) if after_first else 0.0,
        "seconds": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    figures = measure(args.renders, args.scale)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"RSS after the first render {figures['after_first_mib']} MiB, after "
            f"{figures['renders']} more {figures['after_all_mib']} MiB "
            f"({figures['growth']:+.1%}), {figures['seconds']} s"
        )
    return figures


if __name__ == "__main__":
    main()

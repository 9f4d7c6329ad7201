"""The benchmark runner still runs: small sizes, no timing asserted (figures are its output)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

RUNNER = Path(__file__).parent.parent / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nemovideo_benchmarks", RUNNER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def emulator(emulator: Any, runner: ModuleType) -> Any:
    """The live emulator, its control token known to the runner (as for its own processes)."""
    runner.CONTROL_TOKENS[emulator.url] = emulator.control_token
    return emulator


def test_sse_figures_cover_every_side(runner: ModuleType) -> None:
    # Each side asserts inside the runner that it decoded every frame.
    figures = runner.sse(500)
    assert set(figures) == {
        "sdk",
        "httpx_sse_json",
        "httpx_sse",
        "sdk_frames",
        "json_only",
        "httpx_sse_crlf",
        "sdk_frames_crlf",
    }
    assert all(seconds > 0 for seconds in figures.values())


def test_sse_long_line_figures(runner: ModuleType) -> None:
    # The runner asserts that each feed gave the one long frame.
    figures = runner.sse_long_line(1)
    assert set(figures) == {
        "whole_ms_per_mb",
        "kib_chunks_ms_per_mb",
        "byte_chunks_ms_per_mb",
        "byte_chunks_quarter_ms_per_mb",
    }
    assert all(seconds > 0 for seconds in figures.values())


def test_only_runs_the_sections_asked_for(
    runner: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "sse", lambda frames: dict.fromkeys(SSE_SIDES, 1.0))
    monkeypatch.setattr(runner, "sse_long_line", lambda megabytes: LONG_LINE)
    report = runner.main(["--quick", "--only", "sse"])
    assert all(row["figure"].startswith("SSE:") for row in report["rows"])
    assert "SSE:" in capsys.readouterr().out


SSE_SIDES = (
    "sdk",
    "httpx_sse_json",
    "httpx_sse",
    "sdk_frames",
    "json_only",
    "httpx_sse_crlf",
    "sdk_frames_crlf",
)
LONG_LINE = {
    "whole_ms_per_mb": 0.5,
    "kib_chunks_ms_per_mb": 1.5,
    "byte_chunks_ms_per_mb": 0.3,
    "byte_chunks_quarter_ms_per_mb": 0.3,
}


def test_overhead_sends_the_sdk_and_the_bare_client_the_same_requests(
    runner: ModuleType, emulator: Any
) -> None:
    figures = runner.overhead(emulator.url, 50)
    assert set(figures) == {"sync", "async"}
    assert all(sdk > 0 and bare > 0 for sdk, bare in figures.values())
    seen = [
        request
        for request in emulator.emulator.requests
        if request.path == "/api/credits/balance/simple"
    ]
    skill = {
        tuple(sorted((k, v) for k, v in request.headers.items() if k.startswith("x-skill-")))
        for request in seen
    }
    assert len(seen) >= 2 * 3 * 50
    assert len(skill) == 1
    assert len(next(iter(skill))) == 3


def test_import_time_sums_only_top_level_imports(runner: ModuleType) -> None:
    report = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       100 |        100 |   _io\n"
        "import time:       200 |        300 | site\n"
        "import time:        50 |         50 |     re._parser\n"
        "import time:      1000 |       4000 | nemovideo\n"
        "some other line\n"
    )
    assert runner._top_level_import_seconds(report) == pytest.approx(0.0043)
    assert runner._top_level_import_seconds(report, "site") == pytest.approx(0.004)
    assert runner._top_level_import_seconds(report, "nemovideo") == 0


def test_upload_figures_cover_both_clients_and_their_baselines(runner: ModuleType) -> None:
    with runner.sink_server() as sink:
        figures = runner.big_upload(sink, 2)
    assert figures["bytes"] == 2 * 2**20
    for side in ("bare", "sdk_sync", "bare_async", "sdk_async"):
        assert figures[side]["seconds"] > 0
    assert 0 <= figures["ticks_kept"] <= 1


def test_turn_figures_cover_both_sides(runner: ModuleType, emulator: Any) -> None:
    rates = runner.turn_throughput(emulator.url, (3,), ("asyncio",), 1)
    assert set(rates) == {"asyncio_3_limited", "asyncio_3_unlimited"}
    assert all(rate > 0 for rate in rates.values())
    assert sum(r.path == "/run_sse" for r in emulator.emulator.requests) == 2 * 3


def test_polling_figures_read_the_render_and_restore_the_schedule(
    runner: ModuleType, emulator: Any, tmp_path: Path
) -> None:
    from nemovideo._protocol import render
    from nemovideo.emulator.samples import make_clips

    clips = make_clips(tmp_path / "clips", n=2, seconds=1, size=(160, 96))
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.2)
    saved = render.FIRST_POLL, render.POLL_GROWTH, render.MAX_POLL
    job = runner.leaderboard_jobs(emulator.url, clips, tmp_path, (0.05, 1.0, 0.05), 2)
    assert job["seconds"] > 0.2
    assert job["polls"] >= 2, "a 0.2 s render read every 0.05 s"
    assert saved == (render.FIRST_POLL, render.POLL_GROWTH, render.MAX_POLL)


def test_scale_figures_time_batches_on_worker_processes(
    runner: ModuleType, emulator: Any, tmp_path: Path
) -> None:
    from nemovideo.emulator.samples import make_clips

    clips = make_clips(tmp_path / "clips", n=2, seconds=1, size=(160, 96))
    figures = runner.scale_batches(emulator.url, clips, tmp_path, 1, 2, poll_interval=0.05)
    assert figures["batches"] == 2
    assert figures["batches_per_hour"] == pytest.approx(3600 * 2 / figures["seconds"])
    assert 0 < figures["median_batch_s"] <= figures["seconds"]
    turns = sum(r.path == "/run_sse" for r in emulator.emulator.requests)
    assert turns == 1 + 2, "one untimed batch, then the timed ones"

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

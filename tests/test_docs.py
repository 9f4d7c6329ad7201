"""The docs cannot rot: every Python example in them is a file, and every file runs
against the emulator here (the downstream test example runs under pytest)."""

from __future__ import annotations

import logging
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import ClipStyle, make_clip

from .waits import short_waits

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.py"))
FENCE = re.compile(r"```python[^\n]*\n(.*?)```", re.S)
INCLUDE = re.compile(r'^--8<-- "(docs/examples/[\w.]+\.py)(?::([\w-]+))?"$')


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_every_python_example_in_the_docs_is_an_included_file() -> None:
    included: set[str] = set()
    for page in pages():
        for block in FENCE.findall(page.read_text(encoding="utf-8")):
            match = INCLUDE.match(block.strip())
            assert match, f"{page.relative_to(ROOT)} has an inline Python example: {block[:60]!r}"
            example = ROOT / match.group(1)
            assert example.is_file(), match.group(1)
            section = match.group(2)
            if section is not None:
                assert f"# --8<-- [start:{section}]" in example.read_text(encoding="utf-8")
            included.add(match.group(1))
    assert included == {str(p.relative_to(ROOT)) for p in EXAMPLES}, "every example is shown"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: RunningEmulator) -> Path:
    for index, liveliness in enumerate((0.9, 0.2, 0.5), 1):
        style = ClipStyle(liveliness * 0.8, liveliness, liveliness, liveliness, 1, 0.1 * index)
        make_clip(tmp_path / f"clip{index}.mp4", style, seconds=1, size=(160, 96))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEMO_API_URL", emulator.url)
    monkeypatch.setenv("NEMO_TOKEN", emulator.emulator.create_user_token(credits=5000))
    emulator.emulator.configure(second_stage_seconds=0.3)
    return tmp_path


@pytest.mark.parametrize(
    "example", [p for p in EXAMPLES if not p.name.startswith("test_")], ids=lambda p: p.stem
)
def test_the_example_runs(example: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    saved = (root.handlers[:], root.level, httpx_logger.level)
    try:
        # A quarter of each wait: the settling example reads the draft every 0.5 s
        # instead of 2 s, still longer than its second stage takes (0.3 s, above).
        with short_waits(0.25):
            runpy.run_path(str(example), run_name="__main__")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        httpx_logger.setLevel(saved[2])
    shown = capsys.readouterr()
    assert (shown.out + shown.err).strip(), "an example shows something"


def test_the_downstream_testing_example_passes(tmp_path: Path) -> None:
    example = DOCS / "examples" / "test_with_nemovideo.py"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(example),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            "/dev/null",
            "-p",
            "anyio",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout

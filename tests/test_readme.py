"""The README's Python blocks run, in order, as a reader would paste them (against the
emulator, in a folder holding the clips they name)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import ClipStyle, make_clip

from .waits import short_waits

README = Path(__file__).parent.parent / "README.md"
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
CLIPS = ("intro.mp4", "teaser.mov", "a.mp4", "b.mp4", "c.mp4")


def blocks() -> list[str]:
    return FENCE.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks() -> None:
    assert len(blocks()) >= 4


def test_the_readme_blocks_run_in_order(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    emulator: RunningEmulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for index, name in enumerate(CLIPS, 1):
        liveliness = 0.15 * index
        style = ClipStyle(liveliness * 0.8, liveliness, liveliness, liveliness, 1, 0.1 * index)
        make_clip(tmp_path / name, style, seconds=1, size=(160, 96))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEMO_API_URL", emulator.url)
    monkeypatch.setenv("NEMO_TOKEN", emulator.emulator.create_user_token(credits=5000))
    emulator.emulator.configure(second_stage_seconds=0.3)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    with short_waits(0.05):
        for number, code in enumerate(blocks(), 1):
            exec(compile(code, f"README.md block {number}", "exec"), namespace)  # noqa: S102
    shown = capsys.readouterr().out
    assert "Credits(available=5000" in shown
    assert 'Title added: "Paradise Found"' in shown
    assert (tmp_path / "out.mp4").stat().st_size > 0
    assert (tmp_path / "top.mp4").stat().st_size > 0

"""The README's first command runs: the quick start example, end to end."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import av
import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "quickstart.py"


@pytest.mark.full_size  # the example serves its own emulator, with the default settings
def test_quickstart_downloads_a_real_video(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), str(tmp_path / "out")])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "Here is the ranking by engagement score:" in out
    assert "Timeline (5 tracks)" in out
    video = tmp_path / "out" / "quickstart.mp4"
    with av.open(str(video)) as container:
        assert container.streams.video[0].frames > 0
    assert sorted(p.name for p in video.parent.iterdir()) == [
        "clip0.mp4",
        "clip1.mp4",
        "clip2.mp4",
        "quickstart.mp4",
    ]

"""Pictures: the Draft's SVG timeline, notebook views, and a look in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nemovideo import Draft
from nemovideo._protocol.render import RenderJob

SVG = "{http://www.w3.org/2000/svg}"
DRAFT = Draft.from_dict(
    {
        "t": [
            {
                "tt": 0,
                "n": "Clips",
                "sg": [
                    {"n": "how-to.mp4", "s": 3000, "d": 5000},
                    {"n": "sale.mp4", "s": 8000, "d": 5000},
                ],
            },
            {"tt": 7, "n": "Title", "sg": [{"tx": "Top <performers> & co", "s": 0, "d": 3000}]},
            {"tt": 1, "n": "BGM", "sg": [{"n": "Lo-fi", "s": 0, "d": 13000, "v": 0.35}]},
        ],
        "d": 13000,
    }
)


def test_the_svg_has_a_lane_per_track_and_a_bar_per_segment() -> None:
    root = ET.fromstring(DRAFT.to_svg())
    bars = root.findall(f"{SVG}g/{SVG}rect")
    assert len(bars) == 4
    widths = sorted(float(bar.get("width", 0)) for bar in bars)
    assert widths[-1] > 2 * widths[0], "the 13 s bar is much longer than the 3 s one"
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert {"Clips", "Title", "BGM"} <= set(texts)
    assert "0s" in texts
    assert any(t.endswith("s") and t != "0s" for t in texts)
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert '"Top <performers> & co" (0-3s)' in titles
    assert DRAFT._repr_svg_() == DRAFT.to_svg()
    assert "Timeline (3 tracks)" in DRAFT._repr_html_()


def test_an_empty_timeline_still_draws() -> None:
    root = ET.fromstring(Draft.from_dict({}).to_svg())
    assert "empty timeline" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_downloaded_render_shows_a_player(tmp_path: Path) -> None:
    job = RenderJob(id="render_1", session_id="1")
    assert "<video" not in job.html()
    job.downloaded = tmp_path / "out.mp4"
    job.downloaded.write_bytes(b"a small mp4")
    assert '<video src="data:video/mp4;base64,' in job.html()  # see test_notebook_display


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_chromium_draws_the_timeline(tmp_path: Path) -> None:
    from PIL import Image

    page = tmp_path / "timeline.html"
    page.write_text(f"<html><body style='margin:0'>{DRAFT._repr_html_()}</body></html>")
    shot = tmp_path / "shot.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=800,220",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    image = Image.open(shot).convert("RGB")
    colours = {image.getpixel((x, y)) for x in range(0, 800, 4) for y in range(0, 200, 4)}

    def seen(hex_colour: str) -> bool:
        """Whether a bar of this colour (at 0.9 opacity on white) is on the screenshot."""
        want = [0.9 * int(hex_colour[i : i + 2], 16) + 25.5 for i in (1, 3, 5)]
        return any(
            isinstance(c, tuple) and all(abs(a - b) < 12 for a, b in zip(c, want, strict=False))
            for c in colours
        )

    assert seen("#4c6ef5"), "video bars drawn"
    assert seen("#f59f00"), "title bar drawn"
    assert seen("#12b886"), "music bar drawn"

"""Clip analysis, sample clips and the renderer, on small real videos."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import av
import pytest

from nemovideo.emulator.analysis import WEIGHTS, analyse
from nemovideo.emulator.leaderboard import leaderboard_draft, rank_clips
from nemovideo.emulator.render import render_draft
from nemovideo.emulator.samples import ClipStyle, make_clip, make_clips

SMALL = (160, 96)
DULL = ClipStyle(brightness=0.1, motion=0.0, colour=0.0, loudness=0.0, cuts=0, hue=0.3)
LIVELY = ClipStyle(brightness=0.75, motion=1.0, colour=1.0, loudness=1.0, cuts=4, hue=0.6)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    return {
        "dull": make_clip(folder / "dull.mp4", DULL, seconds=2, size=SMALL),
        "lively": make_clip(folder / "lively.mp4", LIVELY, seconds=2, size=SMALL),
    }


def test_a_dark_still_silent_clip_ranks_below_a_bright_moving_loud_one(
    clips: dict[str, Path],
) -> None:
    dull, lively = analyse(clips["dull"]), analyse(clips["lively"])
    assert dull.score < lively.score
    assert dull.motion < lively.motion
    assert dull.brightness < lively.brightness
    assert dull.colourfulness < lively.colourfulness
    assert dull.loudness_dbfs < lively.loudness_dbfs
    assert dull.silence_ratio > lively.silence_ratio
    assert lively.cuts_per_minute > 0 == dull.cuts_per_minute
    assert (lively.width, lively.height, lively.fps) == (160, 96, 30.0)
    assert lively.duration_s == pytest.approx(2.0, abs=0.1)
    assert 0 <= dull.score <= 100
    assert 0 <= lively.score <= 100
    assert 0 <= lively.hook <= 100


def test_analysis_is_deterministic_and_total(clips: dict[str, Path], tmp_path: Path) -> None:
    assert analyse(clips["lively"]) == analyse(clips["lively"])
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    assert analyse(junk).score == 0.0
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_sample_clips_differ_and_rank_apart(tmp_path: Path) -> None:
    paths = make_clips(tmp_path / "samples", n=4, seconds=1, seed=3, size=SMALL)
    assert [p.name for p in paths] == [
        "01-summer-sale.mp4",
        "02-unboxing.mp4",
        "03-testimonial.mp4",
        "04-product-demo.mp4",
    ]
    scores = [analyse(p).score for p in paths]
    assert len(set(scores)) == 4
    assert max(scores) - min(scores) > 20
    again = make_clips(tmp_path / "again", n=4, seconds=1, seed=3, size=SMALL)
    assert [analyse(p).score for p in again] == scores


def _uploaded(clips: dict[str, Path], folder: Path) -> list[dict[str, object]]:
    infos: list[dict[str, object]] = []
    for name, path in clips.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        (folder / digest).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / digest / path.name)
        infos.append(
            {
                "filename": path.name,
                "file_type": "video",
                "cdn_url": f"http://localhost:1/cdn/uploads/{digest}/{path.name}",
                "name": name,
            }
        )
    return infos


@pytest.mark.parametrize(
    ("layout", "size", "rendered"),
    [("sequence", (1920, 1080), (192, 108)), ("grid", (1080, 1920), (108, 192))],
    ids=["sequence", "grid"],
)
def test_a_leaderboard_renders_at_its_size_and_length(
    clips: dict[str, Path],
    tmp_path: Path,
    layout: str,
    size: tuple[int, int],
    rendered: tuple[int, int],
) -> None:
    """At a tenth of the size (``scale=0.1``): the full sizes are rendered end to end
    in ``tests/test_leaderboard.py`` and ``tests/emulator/test_emulator_http.py``."""
    uploads = tmp_path / "uploads"
    infos = _uploaded(clips, uploads)
    analyses = {
        str(i["cdn_url"]): {
            **analyse(clips[str(i["name"])]).metrics(),
            "score": analyse(clips[str(i["name"])]).score,
        }
        for i in infos
    }
    ranked = rank_clips(infos, analyses)
    assert [r["clip"] for r in ranked] == ["lively.mp4", "dull.mp4"]
    draft = leaderboard_draft(ranked, 2, *size, layout=layout)
    frames: list[tuple[int, int]] = []
    assert (draft["m"]["width"], draft["m"]["height"]) == size
    target = render_draft(
        draft,
        tmp_path / "out.mp4",
        uploads,
        on_frame=lambda d, t: frames.append((d, t)),
        scale=0.1,
    )
    expected_frames = round(draft["d"] / 1000 * 30)
    assert frames[-1] == (expected_frames, expected_frames)
    assert [d for d, _ in frames] == list(range(1, expected_frames + 1))
    with av.open(str(target)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == rendered
        assert video.average_rate == 30
        assert video.frames == expected_frames
        assert container.streams.audio[0].codec_context.name == "aac"
        assert (container.duration or 0) / 1_000_000 == pytest.approx(draft["d"] / 1000, abs=0.1)
        pictures = [f.to_ndarray(format="rgb24") for f in container.decode(video)]
    title, clip, board = pictures[15], pictures[round(3.5 * 30)], pictures[-5]
    assert title.mean() < clip.mean(), "a dark title card, then the clips"
    assert abs(board.astype(int) - clip.astype(int)).mean() > 20, "then the board"


@pytest.mark.parametrize("scale", [0, 1.01])
def test_the_renderer_refuses_a_scale_outside_0_to_1(tmp_path: Path, scale: float) -> None:
    draft = {"t": [{"tt": 7, "sg": [{"tx": "x", "s": 0, "d": 100}]}], "d": 100}
    with pytest.raises(ValueError, match="scale"):
        render_draft(draft, tmp_path / "out.mp4", tmp_path, scale=scale)
    assert not (tmp_path / "out.mp4").exists()

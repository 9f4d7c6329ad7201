"""Clip analysis and the engagement score: a documented heuristic, not the service's AI.

Every uploaded video is decoded with PyAV at a small size and measured:

| Metric | How |
|---|---|
| ``duration_s``, ``width``, ``height``, ``fps`` | from the container and video stream |
| ``motion`` | mean absolute difference of consecutive grey frames, 0-255 |
| ``cuts_per_minute`` | frames whose difference jumps above ``CUT_THRESHOLD`` |
| ``brightness`` | mean luma, 0-255 |
| ``contrast`` | standard deviation of luma, 0-255 |
| ``colourfulness`` | Hasler and Süsstrunk's colourfulness of the RGB frames |
| ``loudness_dbfs`` | RMS level of the audio in dBFS (-90 for silence or none) |
| ``silence_ratio`` | share of 50 ms audio windows below -45 dBFS (1.0 with no audio) |
| ``hook`` | the same measures over the first 3 seconds, scored 0-100 |

The engagement score (0-100) is a fixed weighting of those figures, each first mapped
to 0-1 by ``_unit`` over a range that marketing clips usually span:

    score = 100 * (0.22 motion + 0.10 cuts + 0.12 brightness + 0.10 contrast
                   + 0.14 colourfulness + 0.12 loudness + 0.08 (1 - silence)
                   + 0.12 hook)

Brightness scores best in the middle (a well-exposed picture), the others grow
with their figure. It is deterministic: the same file always gets the same score.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import attrs

from .media import Broken, decoded_frames

__all__ = ["WEIGHTS", "ClipAnalysis", "analyse", "score"]

ANALYSIS_WIDTH = 160
ANALYSIS_HEIGHT = 90
SAMPLE_FPS = 10.0
CUT_THRESHOLD = 40.0
HOOK_SECONDS = 3.0
SILENCE_DBFS = -45.0

WEIGHTS = {
    "motion": 0.22,
    "cuts": 0.10,
    "brightness": 0.12,
    "contrast": 0.10,
    "colourfulness": 0.14,
    "loudness": 0.12,
    "sound": 0.08,
    "hook": 0.12,
}
"""How much each figure counts in the engagement score (they add up to 1)."""


@attrs.frozen
class ClipAnalysis:
    """The measured figures of one clip and its engagement score."""

    duration_s: float
    width: int
    height: int
    fps: float
    motion: float
    cuts_per_minute: float
    brightness: float
    contrast: float
    colourfulness: float
    loudness_dbfs: float
    silence_ratio: float
    hook: float
    score: float

    def metrics(self) -> dict[str, Any]:
        """The figures as a JSON object (what the agent's tool result carries)."""
        return {
            name: round(value, 3) if isinstance(value, float) else value
            for name, value in attrs.asdict(self).items()
            if name != "score"
        }

    def points(self) -> dict[str, float]:
        """The score points each figure earned (``WEIGHTS`` names; they add up to
        ``score``, give or take rounding): what a board shows as why a clip ranks."""
        parts = {
            **_picture_parts(
                self.motion,
                self.cuts_per_minute,
                self.brightness,
                self.contrast,
                self.colourfulness,
            ),
            **_sound_parts(self.loudness_dbfs, self.silence_ratio),
            "hook": self.hook / 100.0,
        }
        return {name: round(100.0 * WEIGHTS[name] * parts[name], 1) for name in WEIGHTS}


def _unit(value: float, low: float, high: float) -> float:
    """``value`` mapped to 0-1 over ``low``-``high``, clipped."""
    if high <= low:
        return 0.0
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _brightness_unit(brightness: float) -> float:
    """Best (1.0) around mid-grey-to-bright, worse when dark or blown out."""
    return max(0.0, 1.0 - abs(brightness - 140.0) / 110.0)


def _picture_parts(
    motion: float, cuts: float, brightness: float, contrast: float, colour: float
) -> dict[str, float]:
    return {
        "motion": _unit(motion, 0.0, 30.0),
        "cuts": _unit(cuts, 0.0, 30.0),
        "brightness": _brightness_unit(brightness),
        "contrast": _unit(contrast, 10.0, 70.0),
        "colourfulness": _unit(colour, 5.0, 80.0),
    }


def _sound_parts(loudness: float, silence: float) -> dict[str, float]:
    return {"loudness": _unit(loudness, -45.0, -12.0), "sound": 1.0 - silence}


def score(parts: dict[str, float]) -> float:
    """The weighted score, 0-100, of figures already mapped to 0-1."""
    total = sum(WEIGHTS[name] * parts.get(name, 0.0) for name in WEIGHTS)
    return round(100.0 * total / sum(WEIGHTS.values()), 1)


def _colourfulness(rgb: Any) -> float:
    import numpy as np

    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    rg, yb = np.abs(r - g), np.abs(0.5 * (r + g) - b)
    return float(
        math.sqrt(float(rg.std()) ** 2 + float(yb.std()) ** 2)
        + 0.3 * math.sqrt(float(rg.mean()) ** 2 + float(yb.mean()) ** 2)
    )


@attrs.define
class _Pictures:
    """Running figures of the sampled frames (whole clip, and the hook)."""

    diffs: list[float] = attrs.field(factory=list)
    times: list[float] = attrs.field(factory=list)
    lumas: list[float] = attrs.field(factory=list)
    contrasts: list[float] = attrs.field(factory=list)
    colours: list[float] = attrs.field(factory=list)

    def figures(self, until: float | None, duration: float) -> tuple[float, ...]:
        keep = [i for i, t in enumerate(self.times) if until is None or t < until]
        diffs = [self.diffs[i] for i in keep if i > 0]
        motion = sum(diffs) / len(diffs) if diffs else 0.0
        cuts = sum(1 for d in diffs if d > CUT_THRESHOLD)
        span = min(duration, until) if until is not None else duration
        per_minute = cuts * 60.0 / span if span > 0 else 0.0

        def mean(values: list[float]) -> float:
            chosen = [values[i] for i in keep]
            return sum(chosen) / len(chosen) if chosen else 0.0

        return motion, per_minute, mean(self.lumas), mean(self.contrasts), mean(self.colours)


def _read_pictures(container: Any) -> _Pictures:
    import numpy as np

    out = _Pictures()
    stream = next(iter(container.streams.video), None)
    if stream is None:
        return out
    stream.thread_type = "AUTO"
    last_time, previous = -1.0, None
    for frame in decoded_frames(container, stream):
        if isinstance(frame, Broken):
            continue  # a frame that fails to decode is not measured
        when = float(frame.time) if frame.time is not None else last_time + 1 / SAMPLE_FPS
        if when - last_time < 1 / SAMPLE_FPS - 1e-6:
            continue
        last_time = when
        rgb = frame.to_ndarray(width=ANALYSIS_WIDTH, height=ANALYSIS_HEIGHT, format="rgb24")
        grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        out.diffs.append(float(np.abs(grey - previous).mean()) if previous is not None else 0.0)
        previous = grey
        out.times.append(when)
        out.lumas.append(float(grey.mean()))
        out.contrasts.append(float(grey.std()))
        out.colours.append(_colourfulness(rgb))
    return out


def _read_sound(path: Path) -> tuple[list[float], float]:
    """RMS levels (dBFS) of 50 ms windows of the audio, and the window length (s)."""
    import av
    import numpy as np

    levels: list[float] = []
    with av.open(str(path)) as container:
        stream = next(iter(container.streams.audio), None)
        if stream is None:
            return levels, 0.0
        resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
        buffer = np.zeros(0, dtype=np.float32)
        window = 800  # 50 ms at 16 kHz
        for frame in container.decode(stream):
            for converted in resampler.resample(frame):
                buffer = np.concatenate([buffer, converted.to_ndarray().reshape(-1)])
                while buffer.size >= window:
                    chunk, buffer = buffer[:window], buffer[window:]
                    rms = float(np.sqrt(np.mean(chunk.astype(np.float64) ** 2)))
                    levels.append(20 * math.log10(rms) if rms > 1e-6 else -90.0)
    return levels, 0.05


def _sound_figures(levels: list[float]) -> tuple[float, float]:
    if not levels:
        return -90.0, 1.0
    power = sum(10 ** (level / 10) for level in levels) / len(levels)
    loudness = 10 * math.log10(power) if power > 1e-9 else -90.0
    silence = sum(1 for level in levels if level < SILENCE_DBFS) / len(levels)
    return loudness, silence


def analyse(path: Path) -> ClipAnalysis:
    """Decode ``path`` and measure it; an unreadable file scores 0 with zero figures."""
    import av

    try:
        with av.open(str(path)) as container:
            duration = container.duration / 1_000_000 if container.duration else 0.0
            video = next(iter(container.streams.video), None)
            width = int(video.codec_context.width) if video is not None else 0
            height = int(video.codec_context.height) if video is not None else 0
            rate = (video.average_rate or video.guessed_rate) if video is not None else None
            fps = float(rate) if rate else 0.0
            pictures = _read_pictures(container)
        levels, step = _read_sound(path)
    except (av.FFmpegError, OSError, ValueError):
        return ClipAnalysis(0.0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -90.0, 1.0, 0.0, 0.0)
    if not duration and pictures.times:
        duration = pictures.times[-1] + 1 / SAMPLE_FPS
    motion, cuts, luma, contrast, colour = pictures.figures(None, duration)
    loudness, silence = _sound_figures(levels)
    hook_levels = levels[: int(HOOK_SECONDS / step)] if step else []
    hook_picture = _picture_parts(*pictures.figures(HOOK_SECONDS, duration))
    hook_sound = _sound_parts(*_sound_figures(hook_levels))
    hook = score({**hook_picture, **hook_sound, "hook": 0.0}) / (1 - WEIGHTS["hook"])
    parts = {
        **_picture_parts(motion, cuts, luma, contrast, colour),
        **_sound_parts(loudness, silence),
        "hook": hook / 100.0,
    }
    return ClipAnalysis(
        duration_s=round(duration, 3),
        width=width,
        height=height,
        fps=round(fps, 3),
        motion=motion,
        cuts_per_minute=cuts,
        brightness=luma,
        contrast=contrast,
        colourfulness=colour,
        loudness_dbfs=loudness,
        silence_ratio=silence,
        hook=round(min(100.0, hook), 1),
        score=score(parts),
    )

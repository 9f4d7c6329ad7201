"""Synthetic "marketing" clips that really differ, so a ranking means something.

Each clip gets a liveliness between dull (dark, still, grey, quiet, no cuts) and
lively (bright, fast motion, saturated colour, loud sound, several cuts); the seed
shuffles which name gets which, so the ranking is not the file order.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path

import attrs

from .media import add_streams, mux_sound

__all__ = ["ClipStyle", "make_clip", "make_clips"]

NAMES = (
    "summer-sale",
    "unboxing",
    "testimonial",
    "product-demo",
    "behind-the-scenes",
    "flash-deal",
    "how-to",
    "brand-story",
    "teaser",
    "launch-day",
)


@attrs.frozen
class ClipStyle:
    """How a synthetic clip looks and sounds (all figures 0-1)."""

    brightness: float
    motion: float
    colour: float
    loudness: float
    cuts: int
    hue: float


def style_for(liveliness: float, rng: random.Random) -> ClipStyle:
    """A style whose every figure follows ``liveliness``, with a little noise."""

    def jitter(value: float) -> float:
        return min(1.0, max(0.0, value + rng.uniform(-0.08, 0.08)))

    return ClipStyle(
        brightness=jitter(0.15 + 0.7 * liveliness),
        motion=jitter(liveliness),
        colour=jitter(liveliness),
        loudness=jitter(liveliness),
        cuts=round(liveliness * 5),
        hue=rng.random(),
    )


def _palette(hue: float, colour: float, brightness: float) -> tuple[float, float, float]:
    r, g, b = (0.5 + 0.5 * math.cos(2 * math.pi * (hue + k / 3)) for k in range(3))
    grey = (r + g + b) / 3
    r, g, b = (grey + colour * (c - grey) for c in (r, g, b))
    return (255 * brightness * r, 255 * brightness * g, 255 * brightness * b)


def make_clip(
    path: Path,
    style: ClipStyle,
    *,
    seconds: float = 8.0,
    size: tuple[int, int] = (1280, 720),
    fps: int = 30,
) -> Path:
    """Write one H.264/AAC clip in ``style``."""
    import av
    import numpy as np

    width, height = size
    frames = max(1, round(seconds * fps))
    cut_at = {round(frames * (k + 1) / (style.cuts + 1)) for k in range(style.cuts)}
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    gradient = (xs / width * 0.6 + ys / height * 0.4)[..., None]
    with av.open(str(path), "w", format="mp4") as container:
        video, audio = add_streams(container, width, height, fps, crf=28)
        hue, side = style.hue, max(8, height // 4)
        background = accent = None
        for index in range(frames):
            if index in cut_at or background is None:
                hue = (hue + 0.37) % 1.0 if index in cut_at else hue
                base = np.array(_palette(hue, style.colour, style.brightness), dtype=np.float32)
                background = np.clip(base * (0.7 + 0.6 * gradient), 0, 255).astype(np.uint8)
                bright = min(1.0, style.brightness + 0.3)
                accent = np.array(_palette(hue + 0.5, style.colour, bright)).astype(np.uint8)
            image = background.copy()
            speed = style.motion * width / fps * 1.5
            x = int((index * speed) % max(1, width - side))
            y = int((height - side) * (0.5 + 0.4 * math.sin(index * style.motion * 0.2)))
            image[y : y + side, x : x + side] = accent
            frame = av.VideoFrame.from_ndarray(image, "rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        rate = 44100
        total = int(seconds * rate)
        t = np.arange(total, dtype=np.float32) / rate
        amplitude = 0.6 * style.loudness**2
        pitch = 220 + 440 * style.hue
        tone = amplitude * np.sin(2 * np.pi * pitch * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))
        if style.loudness < 0.5:  # quiet clips also have long silent stretches
            tone[(t % 2.0) > 2.0 * style.loudness * 2] = 0.0
        mux_sound(container, audio, tone, rate)
    return path


def make_clips(
    folder: str | Path,
    n: int = 10,
    seconds: float = 8.0,
    seed: int = 7,
    *,
    size: tuple[int, int] = (1280, 720),
    fps: int = 30,
) -> list[Path]:
    """Write ``n`` clips into ``folder`` (created if needed) and return their paths."""
    if n < 1:
        raise ValueError("n must be at least 1")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    levels = [i / max(1, n - 1) for i in range(n)]
    rng.shuffle(levels)
    paths = []
    for index, level in enumerate(levels):
        name = NAMES[index % len(NAMES)] + (
            f"-{index // len(NAMES) + 1}" if index >= len(NAMES) else ""
        )
        path = target / f"{index + 1:02d}-{name}.mp4"
        paths.append(make_clip(path, style_for(level, rng), seconds=seconds, size=size, fps=fps))
    return paths

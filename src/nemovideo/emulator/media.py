"""Media work of the emulator with PyAV (no system ffmpeg): probing and placeholder MP4s."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

__all__ = [
    "ACCEPTED_TYPES",
    "MAX_SOURCE_PIXELS",
    "Broken",
    "add_streams",
    "decoded_frames",
    "file_type",
    "mux_sound",
    "probe",
    "safe_name",
    "write_placeholder_mp4",
]

ACCEPTED_TYPES = {
    "mp4": "video",
    "mov": "video",
    "avi": "video",
    "webm": "video",
    "mkv": "video",
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "gif": "image",
    "webp": "image",
    "mp3": "audio",
    "wav": "audio",
    "m4a": "audio",
    "aac": "audio",
}
"""Accepted extensions and the kind of media each holds (the upload endpoint's list)."""


MAX_SOURCE_PIXELS = 8192 * 4320
"""The largest picture (width x height) the emulator decodes from a client's file; a file
that declares more is not decoded (a decompression bomb), and its frames are placeholders."""


class Broken:
    """A frame that could not be decoded, at ``time`` seconds (``None``: unknown)."""

    def __init__(self, time: float | None) -> None:
        self.time = time


def decoded_frames(container: Any, stream: Any) -> Iterator[Any]:
    """The video frames of ``stream``, decoded packet by packet: a packet that fails to
    decode gives a [Broken][nemovideo.emulator.media.Broken] in its place instead of ending
    the stream. Raises ``ValueError`` before decoding anything when the stream declares a
    picture over ``MAX_SOURCE_PIXELS``; the decoder refuses larger pictures inside it too."""
    width, height = stream.codec_context.width or 0, stream.codec_context.height or 0
    if width * height > MAX_SOURCE_PIXELS:
        raise ValueError(f"a {width}x{height} picture is over the decoding limit")
    stream.codec_context.options = {"max_pixels": str(MAX_SOURCE_PIXELS)}
    return _each_packet(container.demux(stream))


def _each_packet(packets: Iterator[Any]) -> Iterator[Any]:
    import av

    while True:
        try:
            packet = next(packets, None)
        except av.FFmpegError:
            return  # the container cannot be read further: the clip ends here
        if packet is None:
            return
        try:
            frames = packet.decode()
        except av.FFmpegError:
            when = packet.pts * packet.time_base if packet.pts is not None else None
            yield Broken(float(when) if when is not None and packet.time_base else None)
            continue
        yield from frames


def file_type(name: str) -> str | None:
    """``video``, ``image`` or ``audio`` for an accepted file name, else ``None``."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ACCEPTED_TYPES.get(extension)


MAX_NAME = 60
"""The longest file name kept (word characters, each at most 4 bytes: under 255 bytes)."""


def safe_name(name: str) -> str:
    """The last part of a client's file name, with only word characters, dots, dashes
    and spaces (so it is safe as a file name on disk and in a URL path), at most
    ``MAX_NAME`` characters long (a longer name is cut before its extension)."""
    base = Path(name.replace("\\", "/")).name
    safe = re.sub(r"[^\w.\- ]", "_", base) or "file"
    if len(safe) > MAX_NAME:  # keep the extension; file systems take 255 bytes at most
        _, dot, extension = safe.rpartition(".")
        tail = f"{dot}{extension}" if dot and len(extension) <= 16 else ""
        safe = safe[: MAX_NAME - len(tail)] + tail
    return safe


def probe(path: Path) -> dict[str, Any]:
    """Duration (s), width, height and fps of a media file; zeros when it cannot be read."""
    import av

    info: dict[str, Any] = {"duration": 0.0, "width": 0, "height": 0, "fps": 0.0}
    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                info["duration"] = round(container.duration / 1_000_000, 3)
            video = next(iter(container.streams.video), None)
            if video is not None:
                info["width"] = int(video.codec_context.width or 0)
                info["height"] = int(video.codec_context.height or 0)
                rate = video.average_rate or video.guessed_rate
                info["fps"] = round(float(rate), 3) if rate else 0.0
                if not info["duration"] and video.duration and video.time_base:
                    info["duration"] = round(float(video.duration * video.time_base), 3)
    except (av.FFmpegError, OSError, ValueError):
        return {"duration": 0.0, "width": 0, "height": 0, "fps": 0.0}
    return info


def add_streams(
    container: Any, width: int, height: int, fps: int, *, crf: int = 23, rate: int = 44100
) -> tuple[Any, Any]:
    """An H.264 video stream (``ultrafast``) and a mono AAC stream on ``container``."""
    video = container.add_stream("libx264", rate=fps)
    video.width, video.height, video.pix_fmt = width, height, "yuv420p"
    video.options = {"preset": "ultrafast", "crf": str(crf)}
    audio = container.add_stream("aac", rate=rate)
    audio.layout = "mono"
    return video, audio


def mux_sound(container: Any, audio: Any, samples: Any, rate: int = 44100) -> None:
    """Encode mono float ``samples`` into ``audio`` and flush it."""
    import av
    import numpy as np

    for start in range(0, len(samples), 1024):
        chunk = np.ascontiguousarray(samples[start : start + 1024], dtype=np.float32)
        piece = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
        piece.sample_rate, piece.pts, piece.time_base = rate, start, Fraction(1, rate)
        container.mux(audio.encode(piece))
    container.mux(audio.encode(None))


def write_placeholder_mp4(
    path: Path, *, seconds: float = 1.0, width: int = 320, height: int = 180, fps: int = 30
) -> Path:
    """Write a short valid H.264 + AAC MP4: a moving colour gradient and a tone."""
    import av
    import numpy as np

    frames = max(1, round(seconds * fps))
    with av.open(str(path), "w", format="mp4") as container:
        video, audio = add_streams(container, width, height, fps, crf=30)
        x = np.linspace(0, 255, width, dtype=np.float32)
        for index in range(frames):
            shade = (x[None, :] + index * 8) % 256
            image = np.repeat(shade[:, :, None], 3, axis=2).astype(np.uint8)
            image = np.broadcast_to(image, (height, width, 3)).copy()
            image[:, :, 2] = 255 - image[:, :, 0]
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        t = np.arange(int(seconds * 44100), dtype=np.float32) / 44100
        mux_sound(container, audio, 0.2 * np.sin(2 * math.pi * 440 * t))
    return path

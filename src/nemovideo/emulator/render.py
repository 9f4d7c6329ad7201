"""The emulator's renderer: a draft becomes a real H.264/AAC MP4 (PyAV, Pillow).

What it draws, frame by frame at the draft's size (``m.width`` x ``m.height``, or a
fraction of it with ``scale``) and 30 fps:

- video segments (``tt`` 0) active at that time, read from their source (an uploaded
  file, or a generated pattern when the source is not a local upload), trimmed to
  the segment and scaled to fit with letterboxing; several at once are laid out in
  a grid, in track order (``layout="grid"``);
- text segments (``tt`` 7): on their own as a centred title card; over video, a
  caption (a segment with a ``rank`` or ``score``) as a banner at the bottom with a
  score bar (of the segment's grid cell when it has a ``slot``), any other text (a
  title) as a banner at the top;
- a text segment with a ``board`` (a ranking) as the whole picture, drawn by
  ``nemovideo.emulator.board``, with any other text over it;
- audio segments (``tt`` 1) mixed at their volume (``v``), from their source's sound.

Progress is real: ``on_frame(done, total)`` is called as frames are encoded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from .media import Broken, add_streams, decoded_frames, mux_sound
from .overlays import Texts, draw_segment_text

__all__ = ["FPS", "render_draft", "source_path"]

FPS = 30
AUDIO_RATE = 44100
MAX_SIDE = 1920
_UPLOAD_URL = re.compile(r"/cdn/uploads/([0-9a-f]{64})/([^/?#]+)")


def source_path(src: Any, uploads: Path) -> Path | None:
    """The local file of a segment source (an emulator CDN upload URL), if any."""
    if not isinstance(src, str):
        return None
    match = _UPLOAD_URL.search(src)
    if match is None:
        return None
    if len(match.group(2).encode()) > 255:  # longer than any file name can be
        return None
    path = (uploads / match.group(1) / match.group(2)).resolve()
    return path if uploads.resolve() in path.parents and path.is_file() else None


def _number(value: Any, default: float = 0.0) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default


@attrs.define
class _Segment:
    kind: int
    start: float
    end: float
    raw: dict[str, Any]
    order: int

    def active(self, t: float) -> bool:
        return self.start <= t < self.end


def _segments(draft: dict[str, Any]) -> list[_Segment]:
    out: list[_Segment] = []
    found = draft.get("t")
    tracks: list[Any] = found if isinstance(found, list) else []
    for track in tracks:
        if not isinstance(track, dict) or not isinstance(track.get("sg"), list):
            continue
        kind = track.get("tt")
        for segment in track["sg"]:
            if not isinstance(segment, dict):
                continue
            start = _number(segment.get("s")) / 1000
            length = _number(segment.get("d"), -1)
            end = start + length / 1000 if length >= 0 else _number(segment.get("e")) / 1000
            if end > start:
                out.append(
                    _Segment(
                        int(kind) if isinstance(kind, int) else -1, start, end, segment, len(out)
                    )
                )
    return out


def _size(draft: dict[str, Any], scale: float = 1.0) -> tuple[int, int]:
    """The picture size: the draft's (``m.width`` x ``m.height``, at most ``MAX_SIDE``)
    times ``scale``, in even numbers."""
    found = draft.get("m")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    width = int(_number(meta.get("width"), 1920)) or 1920
    height = int(_number(meta.get("height"), 1080)) or 1080
    factor = min(1.0, MAX_SIDE / max(width, height)) * scale
    return max(2, int(width * factor) // 2 * 2), max(2, int(height * factor) // 2 * 2)


# -- pictures ------------------------------------------------------------------------------


class _Reader:
    """Frames of one source, read forward only, scaled to fit a box (letterboxed)."""

    def __init__(self, path: Path | None, label: str, box: tuple[int, int]) -> None:
        import av

        self.box, self.label = box, label
        self.container: Any = None
        self.frames: Any = None
        self.current: Any = None
        self.next_frame: Any = None
        if path is not None:
            try:
                self.container = av.open(str(path))
                stream = self.container.streams.video[0]
                stream.thread_type = "AUTO"
                self.frames = decoded_frames(self.container, stream)
            except (av.FFmpegError, IndexError, OSError, ValueError):
                self.close()

    def picture(self, t: float) -> Any:
        """The picture at ``t`` seconds into the source, fitted into the box."""
        if self.frames is None:
            return _pattern(self.box, t, self.label)
        while True:
            if self.next_frame is None:
                self.next_frame = next(self.frames, None)
                if self.next_frame is None:
                    break
            when = float(self.next_frame.time or 0.0)
            if when > t + 1e-6 and self.current is not None:
                break
            self.current, self.next_frame = self.next_frame, None
        if self.current is None or isinstance(self.current, Broken):
            return _pattern(self.box, t, self.label)  # a frame that failed to decode
        return _fit(self.current, self.box)

    def close(self) -> None:
        if self.container is not None:
            self.container.close()
        self.container = self.frames = self.current = self.next_frame = None


def _fit(frame: Any, box: tuple[int, int]) -> Any:
    import numpy as np

    width, height = box
    scale = min(width / frame.width, height / frame.height)
    w, h = max(2, int(frame.width * scale) // 2 * 2), max(2, int(frame.height * scale) // 2 * 2)
    picture = frame.to_ndarray(width=w, height=h, format="rgb24")
    out = np.zeros((height, width, 3), dtype=np.uint8)
    y, x = (height - h) // 2, (width - w) // 2
    out[y : y + h, x : x + w] = picture
    return out


def _pattern(box: tuple[int, int], t: float, label: str) -> Any:
    """A moving colour pattern for sources that are not local files (generated media)."""
    import numpy as np

    width, height = box
    hue = (sum(map(ord, label)) % 360) / 360
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    phase = np.array([0, 2.1, 4.2], dtype=np.float32)
    image = 128 + 100 * np.sin(2 * math.pi * (xs + ys * 0.5 + t * 0.2 + hue) + phase)
    return image.astype(np.uint8)


def _cells(count: int, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """``count`` grid cells (x, y, w, h): 2 columns, as many rows as needed."""
    columns = 1 if count == 1 else 2
    rows = math.ceil(count / columns)
    w, h = width // columns // 2 * 2, height // rows // 2 * 2
    return [((i % columns) * w, (i // columns) * h, w, h) for i in range(count)]


# -- sound ----------------------------------------------------------------------------------


def _sound(path: Path | None, seconds: float) -> Any:
    """Mono float samples of a source's sound (silence when it has none)."""
    import av
    import numpy as np

    total = max(0, int(seconds * AUDIO_RATE))
    if path is None:
        return np.zeros(total, dtype=np.float32)
    pieces = []
    try:
        with av.open(str(path)) as container:
            stream = next(iter(container.streams.audio), None)
            if stream is not None:
                resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
                count = 0
                for frame in container.decode(stream):
                    for converted in resampler.resample(frame):
                        piece = converted.to_ndarray().reshape(-1)
                        pieces.append(piece)
                        count += piece.size
                    if count >= total:
                        break
    except (av.FFmpegError, OSError):
        pieces = []
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    out = np.zeros(total, dtype=np.float32)
    out[: min(total, samples.size)] = samples[:total]
    return out


def _mix(segments: list[_Segment], uploads: Path, seconds: float) -> Any:
    import numpy as np

    mix = np.zeros(int(seconds * AUDIO_RATE) + 1, dtype=np.float32)
    for segment in segments:
        if segment.kind != 1:
            continue
        volume = _number(segment.raw.get("v"), 1.0)
        volume = volume / 100 if volume > 1 else volume
        offset = _number(segment.raw.get("ss")) / 1000
        path = source_path(segment.raw.get("src"), uploads)
        samples = _sound(path, offset + segment.end - segment.start)[int(offset * AUDIO_RATE) :]
        start = int(segment.start * AUDIO_RATE)
        length = min(samples.size, mix.size - start)
        mix[start : start + length] += volume * samples[:length]
    return np.clip(mix, -1.0, 1.0)


# -- the whole render ------------------------------------------------------------------------


def render_draft(
    draft: dict[str, Any],
    target: Path,
    uploads: Path,
    *,
    on_frame: Callable[[int, int], None] | None = None,
    scale: float = 1.0,
) -> Path:
    """Render ``draft`` to ``target`` (an MP4); sources are looked up in ``uploads``.

    ``scale`` (0 < scale <= 1) renders at that fraction of the draft's size.
    """
    import av
    import numpy as np

    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], not {scale!r}")
    width, height = _size(draft, scale)
    segments = _segments(draft)
    end = max([s.end for s in segments] + [_number(draft.get("d")) / 1000, 0.5])
    total = max(1, round(end * FPS))
    texts, readers = Texts(), {}
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    try:
        with av.open(str(target), "w", format="mp4") as container:
            video, audio = add_streams(container, width, height, FPS, rate=AUDIO_RATE)
            video.thread_type = "AUTO"
            for index in range(total):
                t = index / FPS
                active = [s for s in segments if s.active(t)]
                pictures = [s for s in active if s.kind == 0]
                canvas[:] = 0
                cells = _cells(len(pictures), width, height) if pictures else []
                for segment, (x, y, w, h) in zip(pictures, cells, strict=True):
                    key = segment.order
                    if key not in readers:
                        label = str(segment.raw.get("n") or segment.raw.get("id") or "clip")
                        path = source_path(segment.raw.get("src"), uploads)
                        readers[key] = _Reader(path, label, (w, h))
                    offset = _number(segment.raw.get("ss")) / 1000
                    canvas[y : y + h, x : x + w] = readers[key].picture(t - segment.start + offset)
                texts_now = [s for s in active if s.kind == 7]
                boards = [s for s in texts_now if isinstance(s.raw.get("board"), dict)]
                for segment in boards[-1:]:
                    canvas[:] = texts.board(segment.order, segment.raw["board"], width, height)
                for segment in texts_now:
                    if not any(segment is board for board in boards):
                        draw_segment_text(canvas, segment.raw, texts, cells, bool(boards))
                frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
                frame.pts, frame.time_base = index, Fraction(1, FPS)
                container.mux(video.encode(frame))
                if on_frame is not None:
                    on_frame(index + 1, total)
            container.mux(video.encode(None))
            sound = _mix(segments, uploads, total / FPS)
            mux_sound(container, audio, sound, AUDIO_RATE)
    finally:
        for reader in readers.values():
            reader.close()
    return target

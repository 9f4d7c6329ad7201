"""Renders survive bad sources: a frame that fails to decode, a picture too large to decode."""

from __future__ import annotations

import hashlib
import shutil
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from nemovideo.emulator.analysis import analyse
from nemovideo.emulator.media import MAX_SOURCE_PIXELS, Broken, decoded_frames
from nemovideo.emulator.render import render_draft


def broken_clip(path: Path, bad: int = 3, frames: int = 6) -> Path:
    """A 10 fps MJPEG clip of flat grey frames whose frame ``bad`` holds garbage."""
    with av.open(str(path), "w", format="mov") as container:
        stream = container.add_stream("mjpeg", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuvj420p"
        for index in range(frames):
            image = np.full((48, 64, 3), 40 + index * 30, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuvj420p")
            frame.pts, frame.time_base = index, Fraction(1, 10)
            for packet in stream.encode(frame):
                if index == bad:
                    garbage = av.Packet(b"not a jpeg picture" * 8)
                    garbage.pts, garbage.dts = packet.pts, packet.dts
                    garbage.time_base, garbage.stream = packet.time_base, stream
                    garbage.is_keyframe = True
                    packet = garbage
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def bomb(path: Path, width: int = 9000, height: int = 4000) -> Path:
    """A black PNG of ``width`` x ``height`` (over ``MAX_SOURCE_PIXELS``) in ~100 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    rows = b"\0" * ((1 + width * 3) * 500)
    data = b"".join(compressor.compress(rows) for _ in range(height // 500)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path


def uploaded(source: Path, uploads: Path) -> str:
    """``source`` kept as the emulator keeps an upload; its CDN URL."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    (uploads / digest).mkdir(parents=True, exist_ok=True)
    shutil.copy(source, uploads / digest / source.name)
    return f"http://localhost/cdn/uploads/{digest}/{source.name}"


def one_clip_draft(url: str, ms: int) -> dict[str, object]:
    segment = {"s": 0, "d": ms, "src": url}
    return {"d": ms, "m": {"width": 64, "height": 48}, "t": [{"tt": 0, "sg": [segment]}]}


def test_a_frame_that_fails_to_decode_is_marked_and_the_rest_decode(tmp_path: Path) -> None:
    clip = broken_clip(tmp_path / "clip.mov")
    with av.open(str(clip)) as container, pytest.raises(av.FFmpegError):
        list(container.decode(container.streams.video[0]))
    with av.open(str(clip)) as container:
        frames = list(decoded_frames(container, container.streams.video[0]))
    assert [isinstance(f, Broken) for f in frames] == [False, False, False, True, False, False]
    assert frames[3].time == pytest.approx(0.3)


def test_one_undecodable_frame_gets_a_placeholder_and_the_render_completes(
    tmp_path: Path,
) -> None:
    uploads = tmp_path / "uploads"
    url = uploaded(broken_clip(tmp_path / "clip.mov"), uploads)
    target = render_draft(one_clip_draft(url, 600), tmp_path / "out.mp4", uploads)
    with av.open(str(target)) as container:
        pictures = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(pictures) == 18
    spread = [float(p.std()) for p in pictures]
    # frames 9-11 show the broken source frame (0.3-0.4 s): the moving placeholder pattern;
    # the others show the flat grey of the clip
    assert min(spread[9:12]) > 20
    assert max(spread[:9] + spread[12:]) < 10
    assert analyse(tmp_path / "clip.mov").width == 64, "analysis skips the broken frame"


def test_a_source_over_the_pixel_limit_is_not_decoded(tmp_path: Path) -> None:
    picture = bomb(tmp_path / "huge.png")
    assert picture.stat().st_size < 200_000
    with av.open(str(picture)) as container:
        stream = container.streams.video[0]
        declared = stream.codec_context.width * stream.codec_context.height
        assert declared > MAX_SOURCE_PIXELS
        with pytest.raises(ValueError, match="decoding limit"):
            decoded_frames(container, stream)
    uploads = tmp_path / "uploads"
    url = uploaded(picture, uploads)
    target = render_draft(one_clip_draft(url, 200), tmp_path / "out.mp4", uploads)
    with av.open(str(target)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert first.std() > 20, "the placeholder pattern, not the (black) huge picture"


@pytest.mark.parametrize("scale", [0.02, 0.05])
def test_a_leaderboard_renders_at_a_tiny_scale(tmp_path: Path, scale: float) -> None:
    """Captions and the board bigger than a tiny frame are cut to it, not a failure."""
    from nemovideo.emulator import Emulator
    from nemovideo.emulator.samples import ClipStyle, make_clip
    from nemovideo.testing import in_process_client

    clips = [
        make_clip(tmp_path / f"{name}.mp4", ClipStyle(level, 0.5, level, 0.5, 1, 0.1), seconds=1)
        for name, level in (("a", 0.8), ("b", 0.3))
    ]
    world = Emulator()
    world.configure(render_scale=scale)
    try:
        with in_process_client(world, token_store=False) as client:
            board = client.leaderboard(clips, output=tmp_path / "board.mp4")
        assert board.video_path is not None
        with av.open(str(board.video_path)) as container:
            assert container.streams.video[0].frames > 0
    finally:
        world.close()

"""Quick start: the whole REST round trip against the embedded emulator.

Run it with ``python examples/quickstart.py`` after ``pip install -e '.[emulator]'``.
It starts the emulator on 127.0.0.1, then: creates a session, uploads three clips,
asks the agent to rank them (streaming its answer), reads the timeline, exports it
and downloads the MP4. Point ``NEMO_API_URL`` at the real
service (and drop the emulator) to do the same for real.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import av
import numpy as np

from nemovideo import NemoVideo, ToolCall
from nemovideo.emulator import serve
from nemovideo.intents import translate_gui


def make_clip(path: Path, seconds: int = 2, size: tuple[int, int] = (320, 180)) -> Path:
    """Write a small H.264 clip: a colour sweep, so there is something to look at."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(seconds * 30):
            pixels = np.zeros((height, width, 3), dtype=np.uint8)
            pixels[..., 0] = (i * 4) % 256
            pixels[..., 2] = np.linspace(0, 255, width, dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def main(out_dir: Path) -> Path:
    """Run the round trip and return the downloaded video's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with serve() as emulator, NemoVideo(base_url=emulator.url) as client:
        print(f"Connecting... (emulator at {emulator.url})")
        print(f"Ready! Credits: {client.credits().available}")

        session = client.create_session(language="en")
        print(f"Session {session.session_id}")

        clips = [make_clip(out_dir / f"clip{i}.mp4", seconds=2 + i) for i in range(3)]
        uploads = session.upload(clips, on_progress=lambda sent, total: None)
        for upload in uploads:
            size = f"{upload.width}x{upload.height}"
            print(f"Uploaded {upload.filename}: {size}, {upload.duration:.1f}s")

        with session.send("rank these videos by engagement score") as turn:
            for event in turn:  # events stream in as the agent works
                if isinstance(event, ToolCall):
                    print(f"  [agent calls {event.name}]")
            reply = turn.result()
        print(translate_gui(reply.text))  # "Click the Export button" -> session.export()
        for change in reply.changes[:3]:
            print(f"  {change}")

        state = session.state()
        assert state.draft is not None
        print(state.draft.summary())

        render = session.export()
        status = render.wait(
            poll_interval=0.2, on_progress=lambda s: print(f"  render {s.status} {s.progress:.0f}%")
        )
        path = render.download(out_dir / "quickstart.mp4")
        print(f"Downloaded {path} ({path.stat().st_size} bytes, {status.status})")
        return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="nemovideo-"))
    main(target)

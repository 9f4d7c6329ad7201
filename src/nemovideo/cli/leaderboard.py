"""``nemovideo leaderboard``: rank clips and render the leaderboard video."""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from .. import NemoVideo, NemoVideoError
from .._protocol.uploads import VIDEO_EXTENSIONS, expand_folders
from ..intents import translate_gui
from ..models.leaderboard import Leaderboard
from .clients import client_for
from .output import err, fail, out, print_json, reported, table
from .progress import progress_for

__all__ = ["leaderboard", "video_seconds"]


def _file_seconds(path: Path) -> float | None:
    """The MP4's length read with PyAV (the emulator extra), else ``None``."""
    try:
        import av
    except ImportError:
        return None
    try:
        with av.open(str(path)) as container:
            if container.duration is None:
                return None
            return float(container.duration / av.time_base)
    except (OSError, ValueError, av.FFmpegError):
        return None


def video_seconds(client: NemoVideo, board: Leaderboard) -> float | None:
    """How long the video is: as the render status says, else the timeline's end,
    else read from the file; ``None`` when nothing knows."""
    if board.render_id is not None:
        with contextlib.suppress(NemoVideoError):
            status = client.render(board.render_id, session_id=board.session_id).status()
            if status.duration:
                return float(status.duration)
    draft = board.state.draft if board.state is not None else None
    if draft is not None and draft.end_ms:
        return float(draft.end_ms) / 1000
    return _file_seconds(board.video_path) if board.video_path is not None else None


def _demo_clips(stack: contextlib.ExitStack) -> list[Path]:
    try:
        from ..emulator.samples import make_clips
    except ImportError:
        fail("--demo needs the emulator extra: pip install 'nemovideo[emulator]'")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nemovideo-")))
    err.print(f"making 10 sample clips in {folder} ...")
    return make_clips(folder, n=10, seconds=8)


def _show(board: Leaderboard, seconds: float | None, took: float) -> None:
    rows = [
        [str(e.rank), e.clip, f"{e.score:.1f}", "yes" if e.rank <= board.top else ""]
        for e in board.entries
    ]
    table("Leaderboard", ["Rank", "Clip", "Score", "In video"], rows, right=(0, 2))
    for warning in board.warnings:
        err.print(f"warning: {warning}")
    length = f" ({seconds:.1f} s of video)" if seconds is not None else ""
    out.print(f"video: {board.video_path}{length}")
    err.print(f"took {took:.1f} s")


def leaderboard(
    clips: Annotated[
        list[Path] | None, typer.Argument(help="Video clips to rank, or folders of them.")
    ] = None,
    prompt: Annotated[str | None, typer.Option(help="What to ask the agent.")] = None,
    top: Annotated[int, typer.Option(min=1, help="How many clips the video shows.")] = 5,
    layout: Annotated[
        str, typer.Option(help="sequence or grid (top 4 side by side).")
    ] = "sequence",
    portrait: Annotated[bool, typer.Option(help="1080x1920 instead of 1920x1080.")] = False,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the MP4.")] = Path(
        "leaderboard.mp4"
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON on stdout.")
    ] = False,
    emulator: Annotated[
        bool, typer.Option(help="Use an embedded emulator instead of the service.")
    ] = False,
    demo: Annotated[
        bool, typer.Option(help="Make ten sample clips first (once the server answers).")
    ] = False,
) -> None:
    """Rank clips by engagement and render a 1080p leaderboard video."""
    if layout not in ("sequence", "grid"):
        fail("--layout must be sequence or grid")
    with reported(emulator_flag=True), contextlib.ExitStack() as stack:
        paths = expand_folders(list(clips or []), VIDEO_EXTENSIONS)
        if not paths and not demo:
            fail("give some clips, or --demo")
        started = time.monotonic()
        client = stack.enter_context(client_for(emulator))
        if demo:
            client.credits()  # the server answers: worth making the clips
            paths += _demo_clips(stack)
        display = progress_for(err)
        with display.shown():
            board = client.leaderboard(
                paths,
                prompt=prompt,
                top=top,
                layout="grid" if layout == "grid" else "sequence",
                orientation="portrait" if portrait else "landscape",
                output=output,
                on_progress=display,
                on_text=display.on_text,
            )
        seconds = video_seconds(client, board)
        took = time.monotonic() - started
    if as_json:
        result = board.to_dict()
        result["reply"] = translate_gui(board.reply.text, cli=True, session_id=board.session_id)
        result["agent_reply"] = board.reply.text
        result["video_seconds"] = None if seconds is None else round(seconds, 1)
        result["took_seconds"] = round(took, 1)
        print_json(result)
        return
    _show(board, seconds, took)

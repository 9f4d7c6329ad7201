"""The ``nemovideo`` command: the leaderboard and the everyday calls, from a shell.

Live progress on a terminal (rich); plain lines when not on one; ``NO_COLOR``
honoured; ``--json`` for scripts. Errors are one line on stderr and exit code 1.
The token comes from ``NEMO_TOKEN`` only (a flag would show in the process list).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .. import NemoVideo
from .._protocol.uploads import ACCEPTED_EXTENSIONS, VIDEO_EXTENSIONS, expand_folders
from .._version import __version__
from ..intents import translate_gui
from ..models.progress import WorkflowProgress
from .auth import auth_app
from .output import AsJson, err, fail, json_or, out, reported

app = typer.Typer(
    name="nemovideo",
    help="The NemoVideo agent API from a shell: rank clips into a leaderboard video, and more.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
session_app = typer.Typer(help="Editing sessions.", no_args_is_help=True)
app.add_typer(session_app, name="session")
app.add_typer(auth_app, name="auth")


def show_version(value: bool) -> None:
    """``--version``: print the version and stop."""
    if value:
        out.print(f"nemovideo {__version__}", highlight=False)
        raise typer.Exit


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=show_version),
    ] = False,
) -> None:
    """The NemoVideo agent API from a shell."""


@contextlib.contextmanager
def client_for(emulator: bool) -> Iterator[NemoVideo]:
    """A client: on the embedded emulator, or as the environment says."""
    if not emulator:
        with NemoVideo() as client:
            yield client
        return
    try:
        from ..emulator import serve
    except ImportError:
        fail("--emulator needs the emulator extra: pip install 'nemovideo[emulator]'")
    with serve() as running, NemoVideo(base_url=running.url) as client:
        yield client


# -- leaderboard ------------------------------------------------------------------------------


class LiveProgress:
    """Progress bars per upload, a spinner with the agent's text, render and download bars."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.agent: TaskID | None = None
        self.text = ""

    def _task(self, key: str, description: str, total: float = 1.0) -> TaskID:
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(description, total=total)
        return self.tasks[key]

    def __call__(self, event: WorkflowProgress) -> None:
        if event.stage == "upload" and event.file is not None:
            task = self._task(f"upload:{event.file}", f"upload {event.file}")
            self.progress.update(task, completed=event.file_fraction or 0.0)
        elif event.stage == "ranking":
            task = self._task("ranking", "agent ranking")
            detail = self.text[-60:].replace("\n", " ") or (event.detail or "")
            self.progress.update(task, completed=event.fraction, description=f"agent: {detail}")
        elif event.stage in ("rendering", "downloading"):
            task = self._task(event.stage, event.stage)
            self.progress.update(task, completed=event.fraction)

    def on_text(self, piece: str) -> None:
        self.text += piece
        task = self._task("ranking", "agent ranking")
        self.progress.update(task, description=f"agent: {self.text[-60:]!s}".replace("\n", " "))


class PlainProgress:
    """One line per stage when not on a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.stage = ""

    def __call__(self, event: WorkflowProgress) -> None:
        if event.stage != self.stage:
            self.stage = event.stage
            self.console.print(f"{event.stage}...", highlight=False)

    def on_text(self, piece: str) -> None:
        """Plain output shows the final text only."""


def ranking_table(board: Any) -> Table:
    """The ranking as a rich table."""
    table = Table(title="Leaderboard")
    table.add_column("Rank", justify="right")
    table.add_column("Clip")
    table.add_column("Score", justify="right")
    table.add_column("")
    for entry in board.entries:
        shown = "in video" if entry.rank <= board.top else ""
        table.add_row(str(entry.rank), entry.clip, f"{entry.score:.1f}", shown)
    return table


@app.command()
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
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    emulator: Annotated[bool, typer.Option(help="Use the embedded emulator.")] = False,
    demo: Annotated[bool, typer.Option(help="Make ten sample clips first and rank them.")] = False,
) -> None:
    """Rank clips by engagement and render a 1080p leaderboard video."""
    if layout not in ("sequence", "grid"):
        fail("--layout must be sequence or grid")
    with reported(), contextlib.ExitStack() as stack:
        paths = expand_folders(list(clips or []), VIDEO_EXTENSIONS)
        if demo:
            try:
                from ..emulator.samples import make_clips
            except ImportError:
                fail("--demo needs the emulator extra: pip install 'nemovideo[emulator]'")
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nemovideo-")))
            if not as_json:
                err.print(f"making 10 sample clips in {folder} ...", highlight=False)
            paths += make_clips(folder, n=10, seconds=8)
        if not paths:
            fail("give some clips, or --demo")
        live = out.is_terminal and not as_json
        display: LiveProgress | PlainProgress = (
            LiveProgress(out) if live else PlainProgress(err if as_json else out)
        )
        started = time.monotonic()
        with client_for(emulator) as client:
            context = (
                display.progress if isinstance(display, LiveProgress) else contextlib.nullcontext()
            )
            with context:
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
        if as_json:
            result = board.to_dict()
            result["reply"] = translate_gui(board.reply.text)
            result["seconds"] = round(time.monotonic() - started, 1)
            print(json.dumps(result, indent=2, ensure_ascii=False))
            return
        out.print(ranking_table(board))
        for warning in board.warnings:
            err.print(f"[yellow]warning:[/] {warning}", highlight=False)
        out.print(
            f"video: {board.video_path}  ({time.monotonic() - started:.1f} s)", highlight=False
        )


# -- everyday calls ---------------------------------------------------------------------------


@app.command()
def credits(as_json: AsJson = False) -> None:
    """Show the credit balance."""
    with reported(), NemoVideo() as client:
        balance = client.credits()
    json_or(
        as_json,
        {"available": balance.available, "frozen": balance.frozen, "total": balance.total},
        f"credits: {balance.available} available, {balance.frozen} frozen, {balance.total} total",
    )


@session_app.command("new")
def session_new(
    language: Annotated[str, typer.Option(help="Language of the session.")] = "en",
    as_json: AsJson = False,
) -> None:
    """Create a session and print its id."""
    with reported(), NemoVideo() as client:
        session = client.create_session(language=language)
    json_or(
        as_json,
        {"session_id": session.session_id, "task_id": session.task_id},
        session.session_id,
    )


@app.command()
def upload(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    files: Annotated[list[Path], typer.Argument(help="Files to upload, or folders of them.")],
    as_json: AsJson = False,
) -> None:
    """Upload files into a session."""
    with reported(), NemoVideo() as client:
        files = expand_folders(files, ACCEPTED_EXTENSIONS)
        uploads = client.session(session_id).upload(files)
    json_or(
        as_json,
        {"files": [u.raw for u in uploads]},
        "\n".join(f"{u.filename}: {u.file_type}, {u.duration or 0:.1f}s" for u in uploads),
    )


@app.command()
def send(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    message: Annotated[str, typer.Argument(help="What to ask the agent.")],
    as_json: AsJson = False,
) -> None:
    """Send a message to the agent and stream its answer."""
    from ..models.events import TextEvent, ToolCall

    with reported(), NemoVideo() as client, client.session(session_id).send(message) as turn:
        for event in turn:
            if as_json:
                continue
            if isinstance(event, TextEvent) and event.partial:
                out.print(event.text, end="", highlight=False, markup=False)
            elif isinstance(event, ToolCall):
                err.print(f"[dim][{event.name}][/]")
        reply = turn.result()
    if as_json:
        print(
            json.dumps(
                {"text": reply.text, "changes": [c.summary for c in reply.changes]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    out.print()
    if reply.silent or not any(isinstance(e, TextEvent) and e.partial for e in reply.events):
        out.print(translate_gui(reply.describe()), highlight=False, markup=False)
    for change in reply.changes:
        err.print(f"  {change}", highlight=False, markup=False)


@app.command()
def state(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    svg: Annotated[
        Path | None, typer.Option(help="Also draw the timeline into this SVG file.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Show a session's timeline (and draw it with --svg)."""
    with reported(), NemoVideo() as client:
        current = client.session(session_id).state()
        if svg is not None:
            from ..models.draft import Draft

            drawn = current.draft or Draft.from_dict({"t": []})
            svg.write_text(drawn.to_svg(), encoding="utf-8")
    summary = current.draft.summary() if current.draft is not None else "no timeline yet"
    json_or(as_json, current.raw, summary)


@app.command()
def export(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the MP4.")] = Path(
        "export.mp4"
    ),
    as_json: AsJson = False,
) -> None:
    """Render a session's timeline and download it."""
    with reported(), NemoVideo() as client:
        render = client.session(session_id).export()
        show: Callable[[Any], None] = (
            (lambda s: None)
            if as_json
            else (lambda s: err.print(f"render {s.status} {s.progress or 0:.0f}%", highlight=False))
        )
        render.wait(on_progress=show)
        path = render.download(output)
    json_or(as_json, {"render_id": render.id, "video": str(path)}, f"video: {path}")


@app.command("open")
def open_(session_id: Annotated[str, typer.Argument(help="The session.")]) -> None:
    """Print a link that opens the session in the web app (treat it as a secret)."""
    with reported(), NemoVideo() as client:
        out.print(client.session(session_id).browser_url(), highlight=False)


@app.command("emulator")
def emulator_command(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8765,
) -> None:
    """Serve the local emulator of the backend."""
    try:
        from ..emulator.__main__ import main as serve_main
    except ImportError:
        fail("needs the emulator extra: pip install 'nemovideo[emulator]'")
    raise typer.Exit(serve_main(["--host", host, "--port", str(port)]))


def main() -> None:
    """Entry point of the ``nemovideo`` command."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

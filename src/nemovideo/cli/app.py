"""The ``nemovideo`` command: the leaderboard and the everyday calls, from a shell.

Results on stdout; progress, notes and errors on stderr, with or without ``--json``.
Rich output on a terminal; plain lines (no colour, no wrapping) otherwise; ``NO_COLOR``
honoured. Errors are one line on stderr (and a hint) and exit code 1. The token comes
from ``NEMO_TOKEN`` or the saved ones only (a flag would show in the process list).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._protocol.uploads import ACCEPTED_EXTENSIONS, expand_folders
from .._version import __version__
from ..intents import translate_gui
from ..models.render import RenderStatus
from .auth import auth_app
from .clients import new_client, options
from .doctor import doctor
from .leaderboard import leaderboard
from .output import AsJson, err, fail, json_or, out, print_json, reported

__all__ = ["app", "main"]

app = typer.Typer(
    name="nemovideo",
    help="The NemoVideo agent API from a shell: rank clips into a leaderboard video, and more."
    "\n\nResults go to stdout; progress, notes and errors to stderr. The exit code is 0 on "
    "success, 1 on an error, 2 on a usage error and 130 when interrupted.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
session_app = typer.Typer(help="Editing sessions.", no_args_is_help=True)
app.command()(leaderboard)
app.command()(doctor)
app.add_typer(session_app, name="session")
app.add_typer(auth_app, name="auth")


def show_version(value: bool) -> None:
    """``--version``: print the version and stop."""
    if value:
        out.print(f"nemovideo {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=show_version),
    ] = False,
    allow_insecure_http: Annotated[
        bool,
        typer.Option(
            "--allow-insecure-http",
            help="Allow a plain http:// NEMO_API_URL on a host other than this machine "
            "(the token then travels unencrypted).",
        ),
    ] = False,
) -> None:
    """The options given before any command."""
    options.allow_insecure_http = allow_insecure_http


# -- everyday calls ---------------------------------------------------------------------------


@app.command()
def credits(as_json: AsJson = False) -> None:
    """Show the credit balance."""
    with reported(), new_client() as client:
        balance = client.credits()
    json_or(
        as_json,
        balance.to_dict(),
        f"credits: {balance.available} available, {balance.frozen} frozen, {balance.total} total",
    )


@session_app.command("new")
def session_new(
    language: Annotated[str, typer.Option(help="Language of the session.")] = "en",
    as_json: AsJson = False,
) -> None:
    """Create a session and print its id."""
    with reported(), new_client() as client:
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
    with reported(), new_client() as client:
        files = expand_folders(files, ACCEPTED_EXTENSIONS)
        uploads = client.session(session_id).upload(files)
    json_or(
        as_json,
        {"files": [u.to_dict() for u in uploads]},
        "\n".join(f"{u.filename}: {u.file_type}, {u.duration or 0:.1f} s" for u in uploads),
    )


class _Lines:
    """The agent's streamed text, printed a whole line at a time with its GUI talk
    turned into commands (a phrase never spans a line)."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.pending = ""
        self.printed = False

    def add(self, piece: str) -> None:
        self.pending += piece
        done, newline, self.pending = self.pending.rpartition("\n")
        if newline:
            self._print(done)

    def finish(self) -> None:
        if self.pending:
            self._print(self.pending)
            self.pending = ""

    def _print(self, text: str) -> None:
        out.print(translate_gui(text, cli=True, session_id=self.session_id))
        self.printed = True


@app.command()
def send(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    message: Annotated[str, typer.Argument(help="What to ask the agent.")],
    as_json: AsJson = False,
) -> None:
    """Send a message to the agent and print its answer as it comes."""
    from ..models.events import TextEvent, ToolCall

    lines = _Lines(session_id)
    with reported(), new_client() as client, client.session(session_id).send(message) as turn:
        for event in turn:
            if isinstance(event, TextEvent) and event.partial and not as_json:
                lines.add(event.text)
            elif isinstance(event, ToolCall):
                err.print(f"[{event.name}]")
        reply = turn.result()
    text = translate_gui(reply.text, cli=True, session_id=session_id)
    if as_json:
        print_json(
            {
                "text": text,
                "agent_text": reply.text,
                "changes": [c.summary for c in reply.changes],
            }
        )
        return
    lines.finish()
    if not lines.printed:
        out.print(translate_gui(reply.describe(), cli=True, session_id=session_id))
    for change in reply.changes:
        err.print(f"  {change}")


@app.command()
def state(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    svg: Annotated[
        Path | None, typer.Option(help="Also draw the timeline into this SVG file.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Show a session's timeline (and draw it with --svg)."""
    with reported(), new_client() as client:
        current = client.session(session_id).state()
        if svg is not None:
            from ..models.draft import Draft

            drawn = current.draft or Draft.from_dict({"t": []})
            svg.write_text(drawn.to_svg(), encoding="utf-8")
    summary = current.draft.summary() if current.draft is not None else "no timeline yet"
    json_or(as_json, current.to_dict(), summary)


@app.command()
def export(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the MP4.")] = Path(
        "export.mp4"
    ),
    as_json: AsJson = False,
) -> None:
    """Render a session's timeline and download it."""

    def show(status: RenderStatus) -> None:
        err.print(f"render {status.status} {status.progress or 0:.0f}%")

    with reported(), new_client() as client:
        render = client.session(session_id).export()
        final = render.wait(on_progress=show)
        path = render.download(output)
    length = f" ({final.duration:.1f} s of video)" if final.duration else ""
    json_or(
        as_json,
        {"render_id": render.id, "video": str(path), "render": final.to_dict()},
        f"video: {path}{length}",
    )


@app.command("open")
def open_(session_id: Annotated[str, typer.Argument(help="The session.")]) -> None:
    """Print a link that opens the session in the web app (treat it as a secret)."""
    with reported(), new_client() as client:
        out.print(client.session(session_id).browser_url())


@app.command("emulator")
def emulator_command(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0 picks a free one).")] = 8765,
) -> None:
    """Serve the local emulator of the backend until interrupted."""
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

"""Progress of a long command, always on standard error: live bars on a terminal,
one plain line per stage otherwise."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ..intents import translate_gui
from ..models.progress import WorkflowProgress
from .output import Stream

__all__ = ["LiveProgress", "PlainProgress", "progress_for"]


class LiveProgress:
    """Progress bars per upload, a spinner with the agent's text, render and download bars."""

    def __init__(self, stream: Stream) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=stream.console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.text = ""

    def _task(self, key: str, description: str, total: float = 1.0) -> TaskID:
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(description, total=total)
        return self.tasks[key]

    def _agent(self) -> str:
        shown = translate_gui(self.text, cli=True)[-60:]
        return "agent: " + escape(shown.replace("\n", " "))

    def __call__(self, event: WorkflowProgress) -> None:
        if event.stage == "upload" and event.file is not None:
            task = self._task(f"upload:{event.file}", f"upload {event.file}")
            self.progress.update(task, completed=event.file_fraction or 0.0)
        elif event.stage == "ranking":
            task = self._task("ranking", "agent ranking")
            description = self._agent() if self.text else f"agent: {escape(event.detail or '')}"
            self.progress.update(task, completed=event.fraction, description=description)
        elif event.stage in ("rendering", "downloading"):
            task = self._task(event.stage, event.stage)
            self.progress.update(task, completed=event.fraction)

    def on_text(self, piece: str) -> None:
        """The agent's text as it streams, its GUI talk as CLI commands."""
        self.text += piece
        self.progress.update(self._task("ranking", "agent ranking"), description=self._agent())

    def shown(self) -> AbstractContextManager[object]:
        """The block during which the bars are drawn."""
        return self.progress


class PlainProgress:
    """One line per stage when standard error is not a terminal."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.stage = ""

    def __call__(self, event: WorkflowProgress) -> None:
        if event.stage != self.stage:
            self.stage = event.stage
            self.stream.print(f"{event.stage}...")

    def on_text(self, piece: str) -> None:
        """Plain output shows no partial text."""

    def shown(self) -> AbstractContextManager[object]:
        """Nothing to draw."""
        return nullcontext()


def progress_for(stream: Stream) -> LiveProgress | PlainProgress:
    """Live bars when ``stream`` is a terminal, else plain lines."""
    return LiveProgress(stream) if stream.is_terminal else PlainProgress(stream)

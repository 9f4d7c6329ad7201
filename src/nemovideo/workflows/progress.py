"""One progress stream for a whole workflow: stages with fractions, never going back."""

from __future__ import annotations

import threading
from collections.abc import Callable

import attrs

from ..models._converter import Model

__all__ = ["STAGES", "ProgressTracker", "WorkflowProgress"]

STAGES: dict[str, tuple[float, float]] = {
    "upload": (0.0, 0.35),
    "ranking": (0.35, 0.6),
    "rendering": (0.6, 0.92),
    "downloading": (0.92, 1.0),
}
"""Each stage's share of the whole bar (start, end)."""


@attrs.frozen
class WorkflowProgress(Model):
    """Where a workflow is.

    `to_dict` gives every field.

    Attributes:
        stage: ``upload``, ``ranking``, ``rendering`` or ``downloading``.
        fraction: how far the stage is, 0-1.
        overall: how far the whole workflow is, 0-1 (only grows; 1.0 at the end).
        detail: a few words (a file name, the agent's latest text, a render status).
        file: for uploads, the file this report is about.
        file_fraction: for uploads, how far that file is.
    """

    stage: str
    fraction: float
    overall: float
    detail: str | None = None
    file: str | None = None
    file_fraction: float | None = None


@attrs.define
class ProgressTracker:
    """Turns stage reports into :class:`WorkflowProgress` for one callback (thread-safe)."""

    callback: Callable[[WorkflowProgress], None] | None = None
    overall: float = 0.0
    _files: dict[str, tuple[int, int]] = attrs.field(factory=dict, alias="_files")
    _lock: threading.Lock = attrs.field(factory=threading.Lock, alias="_lock")

    def report(
        self,
        stage: str,
        fraction: float,
        detail: str | None = None,
        *,
        file: str | None = None,
        file_fraction: float | None = None,
    ) -> None:
        """Report ``fraction`` (0-1) of ``stage``."""
        start, end = STAGES[stage]
        fraction = min(1.0, max(0.0, fraction))
        with self._lock:
            self.overall = max(self.overall, start + fraction * (end - start))
            event = WorkflowProgress(stage, fraction, self.overall, detail, file, file_fraction)
        if self.callback is not None:
            self.callback(event)

    def file_sent(self, name: str, sent: int, total: int) -> None:
        """An upload's bytes: the stage fraction is all files' bytes together."""
        with self._lock:
            self._files[name] = (sent, total)
            done = sum(s for s, _ in self._files.values())
            whole = sum(t for _, t in self._files.values()) or 1
        self.report("upload", done / whole, name, file=name, file_fraction=sent / (total or 1))

    def expect_files(self, sizes: dict[str, int]) -> None:
        """Declare every file of the batch first, so the fraction is over all of them."""
        with self._lock:
            for name, size in sizes.items():
                self._files.setdefault(name, (0, size))

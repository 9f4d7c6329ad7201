"""One progress stream for a whole workflow: stages with fractions, never going back."""

from __future__ import annotations

import threading
from collections.abc import Callable

import attrs

from ..models.progress import WorkflowProgress
from ..models.render import RenderStatus

__all__ = ["STAGES", "ProgressTracker"]

STAGES: dict[str, tuple[float, float]] = {
    "upload": (0.0, 0.35),
    "ranking": (0.35, 0.6),
    "rendering": (0.6, 0.92),
    "downloading": (0.92, 1.0),
}
"""The stages of the leaderboard, in order, and each one's share of the whole bar
(``overall`` runs from ``start`` to ``end`` during the stage)."""

_RANKING_EXPECTED_SECONDS = 120.0


@attrs.define
class ProgressTracker:
    """Turns stage reports into `WorkflowProgress` for one callback (thread-safe)."""

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

    def upload_reporter(self, name: str) -> Callable[[int, int], None]:
        """An ``on_progress`` for the upload of the file ``name``."""

        def report(sent: int, total: int) -> None:
            self.file_sent(name, sent, total)

        return report

    def turn_reporter(self) -> Callable[[float], None]:
        """An ``on_still_working`` for the ranking turn."""

        def report(elapsed: float) -> None:
            fraction = min(0.9, elapsed / _RANKING_EXPECTED_SECONDS)
            self.report("ranking", fraction, f"still working ({elapsed:.0f} s)")

        return report

    def render_reporter(self) -> Callable[[RenderStatus], None]:
        """An ``on_progress`` for the render's wait."""

        def report(status: RenderStatus) -> None:
            self.report("rendering", (status.progress or 0.0) / 100, status.status)

        return report

    def download_reporter(self) -> Callable[[int, int | None], None]:
        """An ``on_progress`` for the video's download."""

        def report(done: int, total: int | None) -> None:
            self.report("downloading", done / total if total else 0.0)

        return report

"""Where a workflow (the leaderboard) is: one progress report."""

from __future__ import annotations

import attrs

from ._converter import Model

__all__ = ["WorkflowProgress"]


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

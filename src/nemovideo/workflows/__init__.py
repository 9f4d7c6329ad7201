"""High-level recipes built on the clients: the leaderboard's building blocks, and many
leaderboards at once on an executor.

``client.leaderboard(...)`` runs the whole recipe; `LeaderboardPlan` and `read_ranking`
are its parts, for code that wants to check a request before running it or read a
ranking from a reply. `run_leaderboards` runs many
[LeaderboardJob][nemovideo.workflows.LeaderboardJob]s on any
``concurrent.futures.Executor`` (a process pool, Dask, Ray), one client per worker
process, and returns one [JobResult][nemovideo.workflows.JobResult] per job.
"""

from __future__ import annotations

from .._protocol.leaderboard import (
    DEFAULT_PROMPT,
    LEADERBOARD_CREDITS,
    Layout,
    LeaderboardPlan,
    Orientation,
)
from .._protocol.progress import STAGES
from .._protocol.ranking import read_ranking
from ..models.progress import WorkflowProgress
from .batches import JobResult, LeaderboardJob, run_job, run_leaderboards, worker_client

__all__ = [
    "DEFAULT_PROMPT",
    "LEADERBOARD_CREDITS",
    "STAGES",
    "JobResult",
    "Layout",
    "LeaderboardJob",
    "LeaderboardPlan",
    "Orientation",
    "WorkflowProgress",
    "read_ranking",
    "run_job",
    "run_leaderboards",
    "worker_client",
]

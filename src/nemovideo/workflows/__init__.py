"""High-level recipes built on the clients: the leaderboard.

Imported on first use by ``client.leaderboard(...)``; ``import nemovideo`` does not
load this package.
"""

from __future__ import annotations

from .leaderboard import DEFAULT_PROMPT, LEADERBOARD_CREDITS, LeaderboardPlan, arun, run
from .progress import STAGES, WorkflowProgress
from .ranking import read_ranking

__all__ = [
    "DEFAULT_PROMPT",
    "LEADERBOARD_CREDITS",
    "STAGES",
    "LeaderboardPlan",
    "WorkflowProgress",
    "arun",
    "read_ranking",
    "run",
]

"""High-level recipes built on the clients: the leaderboard's building blocks.

``client.leaderboard(...)`` runs the whole recipe; these are its parts, for code
that wants to check a request before running it or read a ranking from a reply.
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

__all__ = [
    "DEFAULT_PROMPT",
    "LEADERBOARD_CREDITS",
    "STAGES",
    "Layout",
    "LeaderboardPlan",
    "Orientation",
    "WorkflowProgress",
    "read_ranking",
]

"""nemovideo: the Python SDK for the NemoVideo agent API.

Public names are imported lazily, so ``import nemovideo`` stays light::

    from nemovideo import NemoVideo

    with NemoVideo() as client:
        print(client.credits())
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._async_client import AsyncNemoVideo, AsyncRender, AsyncSession
    from ._client import NemoVideo, Render, Session
    from ._logging import RedactingFilter
    from ._protocol.retry import RetryEvent
    from ._protocol.turn import TurnPolicy
    from ._turns import AsyncTurn, Turn
    from .errors import (
        AgentError,
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        DownloadError,
        ExportBlockedError,
        FileTooLargeError,
        InsufficientCreditsError,
        InvalidResponseError,
        MissingClientIdError,
        NemoVideoError,
        NotFoundError,
        NotReadyError,
        NotSettledError,
        RankingNotFoundError,
        RateLimitError,
        RenderFailedError,
        RenderTimeoutError,
        ServerError,
        SessionNotFoundError,
        TurnError,
        TurnInProgressError,
        TurnLostError,
        TurnTimeoutError,
        UnsupportedFileTypeError,
        UploadError,
    )
    from .models.changes import Change
    from .models.credits import Credits
    from .models.draft import Draft, Segment, Track, TrackType
    from .models.events import (
        AgentCrash,
        AgentErrorEvent,
        AgentEvent,
        Heartbeat,
        StateDelta,
        TextEvent,
        ToolCall,
        ToolResult,
        UnknownEvent,
    )
    from .models.leaderboard import Leaderboard, LeaderboardEntry
    from .models.render import RenderState, RenderStatus
    from .models.reply import Reply
    from .models.state import SessionState
    from .models.upload import Upload
    from .workflows.progress import WorkflowProgress

_LAZY = {
    "NemoVideo": "._client",
    "Session": "._client",
    "Render": "._client",
    "AsyncNemoVideo": "._async_client",
    "AsyncSession": "._async_client",
    "AsyncRender": "._async_client",
    "Turn": "._turns",
    "AsyncTurn": "._turns",
    "RedactingFilter": "._logging",
    "RetryEvent": "._protocol.retry",
    "TurnPolicy": "._protocol.turn",
    "Credits": ".models.credits",
    "Draft": ".models.draft",
    "Segment": ".models.draft",
    "Track": ".models.draft",
    "TrackType": ".models.draft",
    "RenderState": ".models.render",
    "RenderStatus": ".models.render",
    "SessionState": ".models.state",
    "Upload": ".models.upload",
    "Reply": ".models.reply",
    "Change": ".models.changes",
    "Leaderboard": ".models.leaderboard",
    "LeaderboardEntry": ".models.leaderboard",
    "WorkflowProgress": ".workflows.progress",
    "AgentEvent": ".models.events",
    "TextEvent": ".models.events",
    "ToolCall": ".models.events",
    "ToolResult": ".models.events",
    "StateDelta": ".models.events",
    "AgentErrorEvent": ".models.events",
    "AgentCrash": ".models.events",
    "Heartbeat": ".models.events",
    "UnknownEvent": ".models.events",
    "APIConnectionError": ".errors",
    "APIError": ".errors",
    "APITimeoutError": ".errors",
    "AgentError": ".errors",
    "AuthenticationError": ".errors",
    "BadRequestError": ".errors",
    "DownloadError": ".errors",
    "ExportBlockedError": ".errors",
    "FileTooLargeError": ".errors",
    "InsufficientCreditsError": ".errors",
    "InvalidResponseError": ".errors",
    "MissingClientIdError": ".errors",
    "NemoVideoError": ".errors",
    "NotFoundError": ".errors",
    "NotReadyError": ".errors",
    "NotSettledError": ".errors",
    "RankingNotFoundError": ".errors",
    "RateLimitError": ".errors",
    "RenderFailedError": ".errors",
    "RenderTimeoutError": ".errors",
    "ServerError": ".errors",
    "SessionNotFoundError": ".errors",
    "TurnError": ".errors",
    "TurnInProgressError": ".errors",
    "TurnLostError": ".errors",
    "TurnTimeoutError": ".errors",
    "UnsupportedFileTypeError": ".errors",
    "UploadError": ".errors",
}

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AgentCrash",
    "AgentError",
    "AgentErrorEvent",
    "AgentEvent",
    "AsyncNemoVideo",
    "AsyncRender",
    "AsyncSession",
    "AsyncTurn",
    "AuthenticationError",
    "BadRequestError",
    "Change",
    "Credits",
    "DownloadError",
    "Draft",
    "ExportBlockedError",
    "FileTooLargeError",
    "Heartbeat",
    "InsufficientCreditsError",
    "InvalidResponseError",
    "Leaderboard",
    "LeaderboardEntry",
    "MissingClientIdError",
    "NemoVideo",
    "NemoVideoError",
    "NotFoundError",
    "NotReadyError",
    "NotSettledError",
    "RankingNotFoundError",
    "RateLimitError",
    "RedactingFilter",
    "Render",
    "RenderFailedError",
    "RenderState",
    "RenderStatus",
    "RenderTimeoutError",
    "Reply",
    "RetryEvent",
    "Segment",
    "ServerError",
    "Session",
    "SessionNotFoundError",
    "SessionState",
    "StateDelta",
    "TextEvent",
    "ToolCall",
    "ToolResult",
    "Track",
    "TrackType",
    "Turn",
    "TurnError",
    "TurnInProgressError",
    "TurnLostError",
    "TurnPolicy",
    "TurnTimeoutError",
    "UnknownEvent",
    "UnsupportedFileTypeError",
    "Upload",
    "UploadError",
    "WorkflowProgress",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nemovideo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

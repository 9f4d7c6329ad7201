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
    from .errors import (
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
        RateLimitError,
        RenderFailedError,
        RenderTimeoutError,
        ServerError,
        SessionNotFoundError,
        UnsupportedFileTypeError,
        UploadError,
    )
    from .models.credits import Credits
    from .models.draft import Draft, Segment, Track, TrackType
    from .models.render import RenderState, RenderStatus
    from .models.state import SessionState
    from .models.upload import Upload

_LAZY = {
    "NemoVideo": "._client",
    "Session": "._client",
    "Render": "._client",
    "AsyncNemoVideo": "._async_client",
    "AsyncSession": "._async_client",
    "AsyncRender": "._async_client",
    "RedactingFilter": "._logging",
    "RetryEvent": "._protocol.retry",
    "Credits": ".models.credits",
    "Draft": ".models.draft",
    "Segment": ".models.draft",
    "Track": ".models.draft",
    "TrackType": ".models.draft",
    "RenderState": ".models.render",
    "RenderStatus": ".models.render",
    "SessionState": ".models.state",
    "Upload": ".models.upload",
}
_ERRORS = (
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "DownloadError",
    "ExportBlockedError",
    "FileTooLargeError",
    "InsufficientCreditsError",
    "InvalidResponseError",
    "MissingClientIdError",
    "NemoVideoError",
    "NotFoundError",
    "NotReadyError",
    "RateLimitError",
    "RenderFailedError",
    "RenderTimeoutError",
    "ServerError",
    "SessionNotFoundError",
    "UnsupportedFileTypeError",
    "UploadError",
)
_LAZY.update({name: ".errors" for name in _ERRORS})

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncNemoVideo",
    "AsyncRender",
    "AsyncSession",
    "AuthenticationError",
    "BadRequestError",
    "Credits",
    "DownloadError",
    "Draft",
    "ExportBlockedError",
    "FileTooLargeError",
    "InsufficientCreditsError",
    "InvalidResponseError",
    "MissingClientIdError",
    "NemoVideo",
    "NemoVideoError",
    "NotFoundError",
    "NotReadyError",
    "RateLimitError",
    "RedactingFilter",
    "Render",
    "RenderFailedError",
    "RenderState",
    "RenderStatus",
    "RenderTimeoutError",
    "RetryEvent",
    "Segment",
    "ServerError",
    "Session",
    "SessionNotFoundError",
    "SessionState",
    "Track",
    "TrackType",
    "UnsupportedFileTypeError",
    "Upload",
    "UploadError",
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

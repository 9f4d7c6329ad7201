"""One download answer, read by the drivers: a redirect, an error, or a body to keep.

The drivers write a body to a temporary file beside the target and rename it into
place only when it is complete, so no partial file is ever left at the target. They
write the bytes as sent (a download asks for ``Accept-Encoding: identity`` and is never
decompressed), within the limits a `DownloadMeter` checks as each chunk arrives.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urljoin

import attrs
import httpx

from .._limits import ResponseLimits
from ..errors import DownloadError, DownloadLimitError
from .envelope import decode_body, error_for_response
from .error_table import Endpoint
from .headers import content_length

__all__ = [
    "DownloadMeter",
    "DownloadOutcome",
    "check_complete",
    "expected_size",
    "inspect_response",
    "temp_path",
]


@attrs.frozen
class DownloadOutcome:
    """What the driver saw: the finished file, or a redirect to follow."""

    path: Path | None = None
    location: str | None = None
    size: int = 0


def temp_path(target: Path) -> Path:
    """A hidden temporary file beside ``target`` (same folder, so the rename is atomic)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")


def inspect_response(response: httpx.Response) -> DownloadOutcome | None:
    """Decide on a response before its body is written: a redirect to follow, an
    error to raise, or ``None`` to write the body. Error bodies must be read first."""
    if response.is_redirect and "location" in response.headers:
        try:
            location = urljoin(str(response.url), response.headers["location"])
        except ValueError:
            raise DownloadError("redirect refused: its Location cannot be parsed") from None
        return DownloadOutcome(location=location)
    if response.status_code >= 300:
        # The answer may echo a token: no variable here keeps it, only the redacted error.
        error = error_for_response(response, decode_body(response.content), Endpoint.DOWNLOAD)
        raise DownloadError(f"download failed: {error}") from error
    return None


def check_complete(expected: int | None, written: int) -> None:
    """Raise when fewer (or more) bytes arrived than announced, or none at all."""
    if expected is not None and written != expected:
        raise DownloadError(f"download incomplete: got {written} of {expected} bytes")
    if written == 0:
        raise DownloadError("download returned an empty file")


def expected_size(response: httpx.Response) -> int | None:
    """``Content-Length``, else ``None``: the bytes as sent, which are what is written."""
    return content_length(response.headers.get("content-length"))


@attrs.define
class DownloadMeter:
    """The limits of one download, checked before each chunk is written.

    Attributes:
        expected: the announced size (``Content-Length``), or ``None``.
        limits: the client's [ResponseLimits][nemovideo.ResponseLimits].
        started: when the request was sent (the driver's clock).
    """

    expected: int | None
    limits: ResponseLimits
    started: float

    def check(self, size: int, now: float) -> None:
        """Raise [DownloadLimitError][nemovideo.DownloadLimitError] when ``size`` bytes
        are more than announced (or, with no size announced, than
        ``max_download_bytes``), or when the download has taken too long."""
        if self.expected is not None and size > self.expected:
            raise DownloadLimitError(
                f"the server sent more than the {self.expected} bytes it announced "
                "(Content-Length)",
                limit="Content-Length",
                value=self.expected,
            )
        ceiling = self.limits.max_download_bytes
        if self.expected is None and size > ceiling:
            raise DownloadLimitError(
                f"the download is larger than {ceiling} bytes and its size was not "
                "announced (ResponseLimits.max_download_bytes)",
                limit="max_download_bytes",
                value=ceiling,
            )
        seconds = self.limits.max_download_seconds
        if now - self.started > seconds:
            raise DownloadLimitError(
                f"the download took longer than {seconds:g} s "
                "(ResponseLimits.max_download_seconds)",
                limit="max_download_seconds",
                value=seconds,
            )

"""One download answer, read by the drivers: a redirect, an error, or a body to keep.

The drivers write a body to a temporary file beside the target and rename it into
place only when it is complete, so no partial file is ever left at the target.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urljoin

import attrs
import httpx

from ..errors import DownloadError
from .envelope import decode_body, error_for_response
from .error_table import Endpoint

__all__ = ["DownloadOutcome", "check_complete", "expected_size", "inspect_response", "temp_path"]


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
        body = decode_body(response.content)
        error = error_for_response(response, body, Endpoint.DOWNLOAD)
        raise DownloadError(f"download failed: {error}") from error
    return None


def check_complete(expected: int | None, written: int) -> None:
    """Raise when fewer (or more) bytes arrived than announced, or none at all."""
    if expected is not None and written != expected:
        raise DownloadError(f"download incomplete: got {written} of {expected} bytes")
    if written == 0:
        raise DownloadError("download returned an empty file")


def expected_size(response: httpx.Response) -> int | None:
    """``Content-Length`` of an uncompressed body, else ``None``."""
    if response.headers.get("content-encoding", "identity") != "identity":
        return None
    value = response.headers.get("content-length", "")
    # ASCII digits only ("²".isdigit() is true), and few enough for any file size.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 20 else None

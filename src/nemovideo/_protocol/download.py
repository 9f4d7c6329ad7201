"""Downloads: where the file goes, which host gets the token, and when a file is complete.

The output URL is usually on a CDN host: it is fetched with no token and no
attribution headers. When it fails, the download falls back to E10 on the API
host. A redirect keeps the token only while it stays on the API host. The file is
written to a temporary file beside the target and renamed into place only when
complete, so no partial file is ever left at the target.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import attrs
import httpx

from .._config import origin
from ..errors import DownloadError, NemoVideoError
from ..models.render import RenderStatus
from . import endpoints
from .calls import CallContext
from .envelope import connection_error, decode_body, error_for_response
from .ops import Download, Flow, GetToken
from .requests import RequestSpec

MAX_REDIRECTS = 5
PathLike = str | os.PathLike[str]


@attrs.frozen
class DownloadOutcome:
    """What the driver saw: the finished file, or a redirect to follow."""

    path: Path | None = None
    location: str | None = None
    size: int = 0


def target_path(path: PathLike, render_id: str) -> Path:
    """The file to write: ``path`` itself, or ``<path>/<render id>.mp4`` for a folder.

    The name never comes from the server, so a hostile name cannot escape the folder.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in render_id).strip(".")
        target = target / f"{safe or 'render'}.mp4"
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder to download into does not exist: {str(target.parent)!r}")
    return target


def temp_path(target: Path) -> Path:
    """A hidden temporary file beside ``target`` (same folder, so the rename is atomic)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")


def inspect_response(response: httpx.Response) -> DownloadOutcome | None:
    """Decide on a response before its body is written: a redirect to follow, an
    error to raise, or ``None`` to write the body. Error bodies must be read first."""
    if response.is_redirect and "location" in response.headers:
        return DownloadOutcome(location=urljoin(str(response.url), response.headers["location"]))
    if response.status_code >= 300:
        body = decode_body(response.content)
        error = error_for_response(response, body)
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
    return int(value) if value.isdigit() else None


def _spec_for(ctx: CallContext, url: str, token: str | None) -> RequestSpec:
    """A GET of ``url``; the token and attribution go only to the API's own host."""
    spec = RequestSpec("GET", url, label="GET download")
    if origin(url) != ctx.settings.api_host:
        return spec
    headers = dict(ctx.settings.attribution.headers())
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return attrs.evolve(spec, headers=tuple(headers.items()))


def download(
    ctx: CallContext,
    status: RenderStatus,
    target: Path,
    on_progress: Callable[[int, int | None], None] | None,
) -> Flow[Path]:
    """Fetch a completed render to ``target``: output URL first, then E10."""
    sources: list[str] = []
    if status.output_url:
        sources.append(status.output_url)
    sources.append(ctx.settings.base_url + endpoints.render_download_path(status.id))
    failures: list[NemoVideoError] = []
    for source in sources:
        url = source
        for _hop in range(MAX_REDIRECTS + 1):
            needs_token = origin(url) == ctx.settings.api_host
            token = (yield GetToken()) if needs_token else None
            try:
                outcome: DownloadOutcome = yield Download(
                    _spec_for(ctx, url, token), target, on_progress
                )
            except httpx.TransportError as exc:
                failures.append(connection_error(exc))
                break
            except DownloadError as exc:
                failures.append(exc)
                break
            if outcome.location is None:
                return target
            url = outcome.location
        else:
            failures.append(DownloadError("too many redirects"))
    reasons = "; ".join(str(f) for f in failures)
    raise DownloadError(f"could not download render {status.id}: {reasons}") from failures[-1]

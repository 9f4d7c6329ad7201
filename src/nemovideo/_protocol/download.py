"""Downloads: where the file goes, which host gets the token, and when a file is complete.

The output URL is usually on a CDN host: it is fetched with no token and no
attribution headers. When it fails, the download falls back to the download endpoint
on the API host. A redirect keeps the token only while it stays on the API host. The file is
written to a temporary file beside the target and renamed into place only when
complete, so no partial file is ever left at the target.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import attrs
import httpx

from .._config import origin
from .._secret import Secret
from ..errors import APIConnectionError, DownloadError, DownloadLimitError, NemoVideoError
from ..models.render import RenderStatus
from . import endpoints
from .calls import CallContext
from .envelope import exchange_error
from .ops import Download, Flow, GetToken
from .requests import RequestSpec
from .transfer import DownloadOutcome
from .urls import url_problem

logger = logging.getLogger("nemovideo")

MAX_REDIRECTS = 5
_IDENTITY = (("Accept-Encoding", "identity"),)
PathLike = str | os.PathLike[str]


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


def _spec_for(ctx: CallContext, url: str, token: Secret | None) -> RequestSpec:
    """A GET of ``url``; the token and attribution go only to the API's own host."""
    # The bytes as stored: a compressed answer would be decoded to any size.
    spec = RequestSpec(
        "GET", url, headers=_IDENTITY, label="GET download", timeout=ctx.options.timeout
    )
    if origin(url) != ctx.settings.api_host:
        return spec
    headers = dict(_IDENTITY) | ctx.settings.attribution.headers()
    return attrs.evolve(spec, headers=tuple(headers.items()), bearer=token)


def download(
    ctx: CallContext,
    status: RenderStatus,
    target: Path,
    on_progress: Callable[[int, int | None], None] | None,
) -> Flow[Path]:
    """Fetch a completed render to ``target``: output URL first, then the API host's
    download endpoint.

    The output URL and every redirect are checked by `url_problem` before they are
    fetched: an output URL refused is skipped (the reason joins the error if the
    fallback fails too), a redirect refused ends that source.
    """
    api = httpx.URL(ctx.settings.base_url)
    sources: list[str] = []
    failures: list[NemoVideoError] = []
    if status.output_url:
        problem = url_problem(status.output_url, api_origin=api)
        if problem is None:
            sources.append(status.output_url)
        else:
            logger.warning("render %s: output URL skipped: %s", status.id, problem)
            failures.append(DownloadError(f"output URL skipped: {problem}"))
    sources.append(ctx.settings.base_url + endpoints.render_download_path(status.id))
    for source in sources:
        url = source
        for hop in range(MAX_REDIRECTS + 1):
            if hop:
                problem = url_problem(url, api_origin=api)
                if problem is not None:
                    failures.append(DownloadError(f"redirect refused: {problem}"))
                    break
            needs_token = origin(url) == ctx.settings.api_host
            token = (yield GetToken()) if needs_token else None
            try:
                outcome: DownloadOutcome = yield Download(
                    _spec_for(ctx, url, token), target, on_progress
                )
            except DownloadLimitError:
                raise  # a limit passed: another source would send the same
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:
                error = exchange_error(exc)
                if error is None:
                    raise
                # A connection error stays one; an answer that cannot be read ends this source.
                failures.append(
                    error if isinstance(error, APIConnectionError) else DownloadError(str(error))
                )
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

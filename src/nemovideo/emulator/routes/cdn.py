"""The CDN: rendered and uploaded files, on another host name than the API's (no auth)."""

from __future__ import annotations

import re

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..http import emulator_of
from ..jobs import output_file
from ..media import safe_name

__all__ = ["cdn_render", "cdn_upload"]


def _not_found() -> Response:
    return Response("not found", status_code=404)


async def cdn_render(request: Request) -> Response:
    """A rendered file on the CDN (no auth)."""
    emulator = emulator_of(request)
    job = emulator.store.renders.get(request.path_params["render_id"])
    if job is None or job.status()[0] != "completed":
        return _not_found()
    path = await anyio.to_thread.run_sync(output_file, job, emulator.folder)
    return FileResponse(path, media_type="video/mp4")


async def cdn_upload(request: Request) -> Response:
    """An uploaded file on the CDN (no auth)."""
    emulator = emulator_of(request)
    folder = (emulator.folder / "uploads").resolve()
    hash_hex = request.path_params["hash"]
    if not re.fullmatch(r"[0-9a-f]{64}", hash_hex):
        return _not_found()
    name = safe_name(request.path_params["name"])
    if len(name.encode()) > 255:  # no such file can exist (and the system refuses the name)
        return _not_found()
    path = (folder / hash_hex / name).resolve()
    if folder not in path.parents or not path.is_file():
        return _not_found()
    return FileResponse(path)

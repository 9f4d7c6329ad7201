"""Renders: submitting one, its status in three published shapes, and the fallback
download from the API host."""

from __future__ import annotations

import copy
import time
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from ..emulator import Emulator
from ..http import authorize, cdn_base, emulator_of, json_body, render_fail
from ..jobs import ARMED_FAILURE, RenderJob, output_file, render_in_background
from ..validation import InvalidInput, check_draft

__all__ = ["known_render", "render_download", "render_status", "submit_render"]

ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")
"""Headers without which the service refuses an export (HTTP 402)."""


def _has_segments(draft: Any) -> bool:
    tracks = draft.get("t") if isinstance(draft, dict) else None
    return isinstance(tracks, list) and any(
        isinstance(t, dict) and isinstance(t.get("sg"), list) and t["sg"] for t in tracks
    )


async def submit_render(request: Request) -> Response:
    """``POST /api/render/proxy/lambda``: accept a render (free of credits; 402 when
    blocked or attribution is missing)."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = emulator_of(request)
    missing = [name for name in ATTRIBUTION if not request.headers.get(name)]
    if missing:
        return render_fail(402, f"export refused: missing {', '.join(missing)}")
    if emulator.config.export_blocked:
        return render_fail(402, "export is not available on your plan")
    body = await json_body(request)
    if body is None:
        return render_fail(400, "the body must be a JSON object")
    render_id, session_id, draft = body.get("id"), body.get("sessionId"), body.get("draft")
    if not isinstance(render_id, str) or not render_id or not isinstance(session_id, str):
        return render_fail(400, "id and sessionId are required")
    if emulator.store.session(session_id, auth.user) is None:
        return render_fail(404, f"session {session_id} not found")
    try:
        check_draft(draft)
    except InvalidInput as error:
        return render_fail(422, f"invalid draft: {error}")
    if not _has_segments(draft):
        return render_fail(400, "draft has no segments")
    assert isinstance(draft, dict)
    end = draft.get("d")
    seconds = float(end) / 1000 if isinstance(end, int | float) and end > 0 else 1.0
    output = body.get("output") if isinstance(body.get("output"), dict) else {}
    config = emulator.config
    with emulator.store.lock:
        fail_it = emulator.store.fail_renders > 0
        emulator.store.fail_renders -= 1 if fail_it else 0
        job = RenderJob(
            render_id,
            session_id,
            copy.deepcopy(draft),
            dict(output or {}),
            time.monotonic(),
            seconds,
            seconds=config.render_seconds if config.video_renderer == "placeholder" else None,
            fail=fail_it,
            scale=config.render_scale,
        )
        emulator.store.renders[render_id] = job
    if job.real and not render_in_background(job, emulator.folder, emulator.workers):
        with emulator.store.lock:
            emulator.store.renders.pop(render_id, None)
        return JSONResponse(
            {"success": False, "error": "too many renders are waiting; try again later"},
            status_code=429,
            headers={"Retry-After": "5"},
        )
    return JSONResponse(
        {"success": True, "data": {"id": render_id, "status": "pending", "progress": 0}}
    )


def known_render(request: Request) -> tuple[Emulator, RenderJob] | Response:
    """The render of the path for an authorized caller, or the error answer."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = emulator_of(request)
    job = emulator.store.renders.get(request.path_params["render_id"])
    if job is None:
        return render_fail(404, "render not found")
    return emulator, job


async def render_status(request: Request) -> Response:
    """``GET /api/render/proxy/lambda/{id}``: the status in the configured answer shape."""
    found = known_render(request)
    if isinstance(found, Response):
        return found
    emulator, job = found
    status, progress = job.status()
    url = size = None
    if status == "completed":
        path = await anyio.to_thread.run_sync(output_file, job, emulator.folder)
        url, size = f"{cdn_base(request)}/cdn/renders/{job.id}.mp4", path.stat().st_size
    shape = emulator.config.render_shape
    created = int((time.time() - (time.monotonic() - job.submitted)) * 1000)
    error = job.error or ARMED_FAILURE
    if shape == "a":
        data: dict[str, Any] = {"id": job.id, "status": status, "progress": progress}
        data["createdAt"] = created
        if url:
            data["outputUrl"] = url
            data["completedAt"] = int((job.completed_at or time.time()) * 1000)
        if status == "failed":
            data["error"] = error
        return JSONResponse({"success": True, "data": data})
    answer: dict[str, Any] = {"status": status, "progress": progress}
    answer["id" if shape == "b" else "taskId"] = job.id
    if url:
        answer["output"] = {"url": url}
        if shape == "c":
            answer["output"].update({"duration": job.duration_s, "size": size})
    if status == "failed":
        answer["error"] = error
    return JSONResponse(answer)


async def render_download(request: Request) -> Response:
    """``GET /api/render/proxy/{id}/download``: the file itself, from the API host."""
    found = known_render(request)
    if isinstance(found, Response):
        return found
    emulator, job = found
    if job.status()[0] != "completed":
        return render_fail(409, "render not ready")
    path = await anyio.to_thread.run_sync(output_file, job, emulator.folder)
    return FileResponse(path, media_type="video/mp4", filename=f"{job.id}.mp4")

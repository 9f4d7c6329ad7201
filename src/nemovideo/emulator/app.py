"""The emulated API as a Starlette app: E1-E3, E5-E10, a CDN, and the control routes."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import media
from .config import HTTP_STATUS_FOR_CODE
from .conversation import run_sse
from .emulator import Emulator, ReceivedRequest
from .faults import Fault
from .state import RenderJob, SessionRecord, TokenRecord

__all__ = ["DroppedConnection", "create_app"]

CONTROL_PREFIX = "/_emulator"


class DroppedConnection(Exception):
    """Raised inside a response to make the server cut the connection (a fault)."""


# -- answers -------------------------------------------------------------------------------


def ok(data: Any) -> JSONResponse:
    """``{"code": 0, "data": ...}``."""
    return JSONResponse({"code": 0, "data": data})


def fail(emulator: Emulator, code: int, message: str) -> JSONResponse:
    """A non-zero body code, with HTTP 200 or a 4xx status per ``error_style``."""
    status = HTTP_STATUS_FOR_CODE.get(code, 400) if emulator.config.error_style == "http" else 200
    return JSONResponse({"code": code, "message": message}, status_code=status)


def render_fail(status: int, message: str) -> JSONResponse:
    """The render calls' failure envelope."""
    return JSONResponse({"success": False, "error": message}, status_code=status)


def session_missing(emulator: Emulator, session_id: str) -> JSONResponse:
    """An unknown session in the configured dialect."""
    if emulator.config.session_not_found_style == "adk":
        return JSONResponse({"detail": f"Session not found: {session_id}"}, status_code=404)
    return fail(emulator, 1002, f"session {session_id} not found")


def _emulator(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def authorize(request: Request) -> TokenRecord | JSONResponse:
    """The caller's valid token, or the 1001 answer."""
    emulator = _emulator(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    record = emulator.store.token(value.strip()) if scheme.lower() == "bearer" else None
    if record is None:
        return fail(emulator, 1001, "token invalid or expired")
    return record


async def json_body(request: Request) -> dict[str, Any] | None:
    """The JSON object of the body, or ``None``."""
    try:
        value = json.loads(await request.body() or b"null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def cdn_base(request: Request) -> str:
    """Where files are served: another host name than the API's, same server."""
    emulator = _emulator(request)
    host = request.url.hostname or "127.0.0.1"
    port = request.url.port
    cdn_host = emulator.config.cdn_host
    if cdn_host is None:
        cdn_host = "localhost" if host == "127.0.0.1" else host
    return f"{request.url.scheme}://{cdn_host}{f':{port}' if port else ''}"


# -- E1, E2: tokens ------------------------------------------------------------------------


async def anonymous_token(request: Request) -> Response:
    """E1: one anonymous token per client id (429 while one is valid)."""
    emulator = _emulator(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        return JSONResponse(
            {"code": 400, "message": "X-Client-Id header is required"}, status_code=400
        )
    store, config = emulator.store, emulator.config
    with store.lock:
        current = store.client_tokens.get(client_id)
        if current is not None and store.token(current) is not None:
            return JSONResponse(
                {"code": 429, "message": "one anonymous token per client id per 7 days"},
                status_code=429,
                headers={"Retry-After": str(int(config.token_ttl_seconds))},
            )
        address = request.client.host if request.client else "unknown"
        if store.ip_tokens.get(address, 0) >= config.ip_token_limit:
            return JSONResponse(
                {"code": 429, "message": "too many anonymous tokens from this address"},
                status_code=429,
                headers={"Retry-After": str(int(config.token_ttl_seconds))},
            )
        store.ip_tokens[address] = store.ip_tokens.get(address, 0) + 1
        user = store.new_user(config.anonymous_credits, anonymous=True)
        record = store.add_token(
            user, config.token_ttl_seconds, ("read", "write", "upload"), client_id
        )
    return ok(
        {
            "token": record.token,
            "credits": user.available,
            "user_id": user.id,
            "expires_at": record.expires_iso(),
        }
    )


async def claim_token(request: Request) -> Response:
    """E2: a claim token for the web app."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = _emulator(request)
    body = await json_body(request) or {}
    session_id = str(body.get("session_id") or "")
    if emulator.store.session(session_id, auth.user) is None:
        return session_missing(emulator, session_id)
    claim = "clm_" + uuid.uuid4().hex
    with emulator.store.lock:
        emulator.store.claims[claim] = session_id
    return ok({"claim_token": claim, "expires_in": 604800})


# -- E3, E6, E7: sessions, credits, state ------------------------------------------------


async def create_session(request: Request) -> Response:
    """E3: a new session with an empty draft."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    body = await json_body(request) or {}
    task_name = body.get("task_name") if isinstance(body.get("task_name"), str) else "project"
    language = body.get("language") if isinstance(body.get("language"), str) else None
    record = _emulator(request).store.new_session(auth.user, task_name or "project", language)
    return ok({"task_id": record.task_id, "session_id": record.session_id, "user_id": auth.user.id})


async def credits(request: Request) -> Response:
    """E6: the balance."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    user = auth.user
    return ok(
        {"available": user.available, "frozen": user.frozen, "total": user.available + user.frozen}
    )


def owned_session(request: Request) -> tuple[TokenRecord, SessionRecord] | Response:
    """The caller and the session of the path, or the error answer."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = _emulator(request)
    session_id = request.path_params["session_id"]
    record = emulator.store.session(session_id, auth.user)
    if record is None:
        return session_missing(emulator, session_id)
    return auth, record


async def state(request: Request) -> Response:
    """E7: the latest state."""
    found = owned_session(request)
    if isinstance(found, Response):
        return found
    _, record = found
    with _emulator(request).store.lock:
        data = {
            "session_id": record.session_id,
            "task_id": record.task_id,
            "task_name": record.task_name,
            "state": copy.deepcopy(record.state()),
        }
    return ok(data)


# -- E5: uploads -----------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ]", "_", base) or "file"


def _store_upload(folder: Path, upload: UploadFile, limit: int) -> tuple[Path, str, int] | int:
    """Copy an uploaded part into the upload folder; the size, or 4002 when over the limit."""
    digest, size = hashlib.sha256(), 0
    temporary = folder / f".incoming-{uuid.uuid4().hex}"
    with temporary.open("wb") as out:
        upload.file.seek(0)
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                temporary.unlink(missing_ok=True)
                return 4002
            digest.update(chunk)
            out.write(chunk)
    hash_hex = digest.hexdigest()
    target = folder / hash_hex / _safe_name(upload.filename or "file")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(temporary), target)
    return target, hash_hex, size


def _file_entry(
    request: Request, name: str, kind: str, hash_hex: str, **fields: Any
) -> dict[str, Any]:
    url = f"{cdn_base(request)}/cdn/uploads/{hash_hex}/{name}"
    entry: dict[str, Any] = {"filename": name, "file_type": kind, "cdn_url": url}
    entry["hash"] = hash_hex
    entry.update({"duration": 0.0, "width": 0, "height": 0, "fps": 0.0, "size": 0})
    entry.update(fields)
    return entry


async def upload(request: Request) -> Response:
    """E5: multipart ``files`` (kept on disk) or a JSON list of URLs."""
    found = owned_session(request)
    if isinstance(found, Response):
        return found
    _, record = found
    emulator = _emulator(request)
    limit = emulator.config.max_upload_bytes
    content_type = request.headers.get("content-type", "")
    entries: list[dict[str, Any]] = []
    if content_type.startswith("application/json"):
        body = await json_body(request) or {}
        urls = body.get("urls")
        if not isinstance(urls, list) or not urls:
            return fail(emulator, 4001, "no urls given")
        for url in urls:
            name = _safe_name(unquote(urlsplit(str(url)).path)) if isinstance(url, str) else ""
            kind = media.file_type(name)
            if kind is None:
                return fail(emulator, 4001, f"unsupported file type: {name}")
            digest = hashlib.sha256(str(url).encode()).hexdigest()
            entries.append(_file_entry(request, name, kind, digest, cdn_url=url, source_url=url))
    else:
        declared = int(request.headers.get("content-length") or 0)
        if declared > limit + 1024 * 1024:
            return fail(emulator, 4002, f"file too large: the limit is {limit} bytes")
        form = await request.form(max_files=100, max_fields=100)
        files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        if not files:
            await form.close()
            return fail(emulator, 4001, "no files in field 'files'")
        folder = emulator.folder / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            for part in files:
                name = _safe_name(part.filename or "file")
                kind = media.file_type(name)
                if kind is None:
                    return fail(emulator, 4001, f"unsupported file type: {name}")
                stored = await anyio.to_thread.run_sync(_store_upload, folder, part, limit)
                if isinstance(stored, int):
                    return fail(emulator, 4002, f"file too large: the limit is {limit} bytes")
                path, hash_hex, size = stored
                info = await anyio.to_thread.run_sync(media.probe, path) if kind != "image" else {}
                entries.append(_file_entry(request, name, kind, hash_hex, size=size, **info))
        finally:
            await form.close()
    with emulator.store.lock:
        record.video_infos.extend(copy.deepcopy(entries))
    return ok({"files": entries, "session_state_applied": True})


# -- E8, E9, E10: renders ------------------------------------------------------------------


def _segments(draft: Any) -> bool:
    tracks = draft.get("t") if isinstance(draft, dict) else None
    return isinstance(tracks, list) and any(
        isinstance(t, dict) and isinstance(t.get("sg"), list) and t["sg"] for t in tracks
    )


async def submit_render(request: Request) -> Response:
    """E8: accept a render (free of credits; 402 when blocked or attribution is missing)."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = _emulator(request)
    missing = [
        name
        for name in ("x-skill-source", "x-skill-version", "x-skill-platform")
        if not request.headers.get(name)
    ]
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
    if not _segments(draft):
        return render_fail(400, "draft has no segments")
    assert isinstance(draft, dict)
    end = draft.get("d")
    seconds = float(end) / 1000 if isinstance(end, int | float) and end > 0 else 1.0
    output = body.get("output") if isinstance(body.get("output"), dict) else {}
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
            fail=fail_it,
            real=emulator.config.video_renderer == "real",
        )
        emulator.store.renders[render_id] = job
    if job.real and not job.fail:
        _render_in_background(emulator, job)
    return JSONResponse(
        {"success": True, "data": {"id": render_id, "status": "pending", "progress": 0}}
    )


def _render_in_background(emulator: Emulator, job: RenderJob) -> None:
    """Render ``job`` for real in a thread; its progress is the frames done."""
    from .render import render_draft

    folder = emulator.folder / "renders"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_safe_name(job.id)}.mp4"
    partial = folder / f".{uuid.uuid4().hex}.mp4"

    def progress(done: int, total: int) -> None:
        job.frames_done, job.frames_total = done, total

    def work() -> None:
        try:
            render_draft(job.draft, partial, emulator.folder / "uploads", on_frame=progress)
            partial.replace(target)
            job.path, job.completed_at = target, time.time()
        except Exception as exc:  # a bad draft fails the render, as on the service
            partial.unlink(missing_ok=True)
            job.error = f"render failed: {type(exc).__name__}: {exc}"

    threading.Thread(target=work, name=f"render-{job.id}", daemon=True).start()


def _progress(emulator: Emulator, job: RenderJob) -> tuple[str, int]:
    if job.real:
        if job.fail or job.error:
            return "failed", 0
        if job.path is not None:
            return "completed", 100
        if not job.frames_total:
            return "pending", 0
        return "processing", min(99, job.frames_done * 100 // job.frames_total)
    total = max(emulator.config.render_seconds, 0.0)
    elapsed = time.monotonic() - job.submitted
    if total == 0 or elapsed >= total:
        return ("failed" if job.fail else "completed"), 100
    fraction = elapsed / total
    if fraction < 0.1:
        return "pending", 0
    return "processing", min(99, int(fraction * 100))


async def _ensure_output(emulator: Emulator, job: RenderJob) -> Path:
    if job.path is None or not job.path.exists():
        folder = emulator.folder / "renders"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_safe_name(job.id)}.mp4"
        partial = folder / f".{uuid.uuid4().hex}.mp4"
        seconds = min(max(job.duration_s, 0.5), 2.0)
        await anyio.to_thread.run_sync(
            lambda: media.write_placeholder_mp4(partial, seconds=seconds)
        )
        partial.replace(path)
        job.path, job.completed_at = path, time.time()
    return job.path


def known_render(request: Request) -> tuple[Emulator, RenderJob] | Response:
    """The render of the path for an authorized caller, or the error answer."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = _emulator(request)
    job = emulator.store.renders.get(request.path_params["render_id"])
    if job is None:
        return render_fail(404, "render not found")
    return emulator, job


async def render_status(request: Request) -> Response:
    """E9: the status in the configured answer shape."""
    found = known_render(request)
    if isinstance(found, Response):
        return found
    emulator, job = found
    status, progress = _progress(emulator, job)
    url = size = None
    if status == "completed":
        path = await _ensure_output(emulator, job)
        url, size = f"{cdn_base(request)}/cdn/renders/{job.id}.mp4", path.stat().st_size
    shape = emulator.config.render_shape
    created = int((time.time() - (time.monotonic() - job.submitted)) * 1000)
    if shape == "a":
        data: dict[str, Any] = {"id": job.id, "status": status, "progress": progress}
        data["createdAt"] = created
        if url:
            data["outputUrl"] = url
            data["completedAt"] = int((job.completed_at or time.time()) * 1000)
        if status == "failed":
            data["error"] = job.error or "render failed in the emulator (as armed)"
        return JSONResponse({"success": True, "data": data})
    answer: dict[str, Any] = {"status": status, "progress": progress}
    answer["id" if shape == "b" else "taskId"] = job.id
    if url:
        answer["output"] = {"url": url}
        if shape == "c":
            answer["output"].update({"duration": job.duration_s, "size": size})
    if status == "failed":
        answer["error"] = job.error or "render failed in the emulator (as armed)"
    return JSONResponse(answer)


async def render_download(request: Request) -> Response:
    """E10: the file itself, from the API host."""
    found = known_render(request)
    if isinstance(found, Response):
        return found
    emulator, job = found
    if _progress(emulator, job)[0] != "completed":
        return render_fail(409, "render not ready")
    path = await _ensure_output(emulator, job)
    return FileResponse(path, media_type="video/mp4", filename=f"{job.id}.mp4")


# -- the CDN ----------------------------------------------------------------------------------


async def cdn_render(request: Request) -> Response:
    """A rendered file on the CDN (no auth)."""
    emulator = _emulator(request)
    job = emulator.store.renders.get(request.path_params["render_id"])
    if job is None or _progress(emulator, job)[0] != "completed":
        return Response("not found", status_code=404)
    path = await _ensure_output(emulator, job)
    return FileResponse(path, media_type="video/mp4")


async def cdn_upload(request: Request) -> Response:
    """An uploaded file on the CDN (no auth)."""
    emulator = _emulator(request)
    folder = (emulator.folder / "uploads").resolve()
    hash_hex = request.path_params["hash"]
    if not re.fullmatch(r"[0-9a-f]{64}", hash_hex):
        return Response("not found", status_code=404)
    path = (folder / hash_hex / _safe_name(request.path_params["name"])).resolve()
    if folder not in path.parents or not path.is_file():
        return Response("not found", status_code=404)
    return FileResponse(path)


# -- control routes ---------------------------------------------------------------------------


async def control(request: Request) -> Response:
    """``/_emulator/...``: reset, settings, faults, state, credits and the request log."""
    emulator = _emulator(request)
    action = request.path_params["action"]
    body = await json_body(request) or {}
    try:
        if action == "reset" and request.method == "POST":
            emulator.reset()
        elif action == "config" and request.method in {"POST", "PUT"}:
            emulator.configure(**body)
        elif action == "faults" and request.method == "POST":
            emulator.arm_fault(**body)
        elif action == "faults" and request.method == "DELETE":
            emulator.clear_faults()
        elif action == "requests":
            return JSONResponse([_request_json(r) for r in emulator.requests])
        elif action == "draft" and request.method in {"POST", "PUT"}:
            emulator.set_draft(str(body["session_id"]), body["draft"])
        elif action == "credits" and request.method in {"POST", "PUT"}:
            emulator.set_credits(body.get("token"), available=int(body["available"]))
        elif action == "turn" and request.method == "POST":
            emulator.script_next_turn(**body)
        elif action == "user-token" and request.method == "POST":
            return JSONResponse(
                {"token": emulator.create_user_token(int(body.get("credits", 1000)))}
            )
        else:
            return JSONResponse({"error": f"unknown control {request.method} {action}"}, 404)
    except (TypeError, KeyError, ValueError, LookupError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"ok": True})


def _request_json(request: ReceivedRequest) -> dict[str, Any]:
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "host": request.host,
        "headers": request.headers,
        "had_authorization": request.had_authorization,
        "content_length": request.content_length,
    }


# -- middleware: the request log and faults ---------------------------------------------------


class Instrumentation:
    """Logs every API and CDN request (token redacted) and plays armed faults."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        had_auth = "authorization" in headers
        if had_auth:
            headers["authorization"] = "<redacted>"
        length = headers.get("content-length")
        self.emulator.record(
            ReceivedRequest(
                method=scope["method"],
                path=path,
                query=scope.get("query_string", b"").decode("latin-1"),
                host=headers.get("host", ""),
                headers=headers,
                had_authorization=had_auth,
                content_length=int(length) if length and length.isdigit() else None,
            )
        )
        fault = self.emulator.faults.take(scope["method"], path)
        if fault is not None:
            if fault.delay:
                await anyio.sleep(fault.delay)
            if fault.answers:
                await self._play(fault, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _play(fault: Fault, send: Send) -> None:
        status, headers, body = fault.response_parts()
        if fault.drop:
            full = body if len(body) > 16 else body + b" " * 64
            raw = [(k.encode(), v.encode()) for k, v in headers.items()]
            raw.append((b"content-length", str(len(full)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": raw})
            message: Message = {"type": "http.response.body", "body": full[: len(full) // 2]}
            message["more_body"] = True
            await send(message)
            raise DroppedConnection("fault: body cut short")
        response = Response(body, status_code=status, headers=headers)
        await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:  # pragma: no cover - responses never read the request
    return {"type": "http.disconnect"}


def create_app(emulator: Emulator) -> Starlette:
    """The emulated API, CDN and control routes for ``emulator``."""
    routes = [
        Route("/api/auth/anonymous-token", anonymous_token, methods=["POST"]),
        Route("/api/auth/claim-token", claim_token, methods=["POST"]),
        Route("/api/tasks/me/with-session/nemo_agent", create_session, methods=["POST"]),
        Route("/run_sse", run_sse, methods=["POST"]),
        Route("/api/upload-video/nemo_agent/me/{session_id}", upload, methods=["POST"]),
        Route("/api/credits/balance/simple", credits, methods=["GET"]),
        Route("/api/state/nemo_agent/me/{session_id}/latest", state, methods=["GET"]),
        Route("/api/render/proxy/lambda", submit_render, methods=["POST"]),
        Route("/api/render/proxy/lambda/{render_id}", render_status, methods=["GET"]),
        Route("/api/render/proxy/{render_id}/download", render_download, methods=["GET"]),
        Route("/cdn/renders/{render_id}.mp4", cdn_render, methods=["GET"]),
        Route("/cdn/uploads/{hash}/{name}", cdn_upload, methods=["GET"]),
        Route(CONTROL_PREFIX + "/{action}", control, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = emulator
    app.add_middleware(Instrumentation, emulator=emulator)
    return app

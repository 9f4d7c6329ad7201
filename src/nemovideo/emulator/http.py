"""What every route of the emulated API shares: its answers, the caller's token, the body.

The routes find their ``Emulator`` in ``request.app.state``
(put there by ``create_app`` of ``nemovideo.emulator.app``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from .config import HTTP_STATUS_FOR_CODE
from .emulator import Emulator
from .state import SessionRecord, TokenRecord
from .validation import MAX_JSON_BYTES, InvalidInput, check_json

__all__ = [
    "CONTROL_HEADER",
    "DroppedConnection",
    "Refused",
    "authorize",
    "cdn_base",
    "declared_length",
    "emulator_of",
    "fail",
    "json_body",
    "json_object",
    "ok",
    "owned_session",
    "read_body",
    "refused",
    "render_fail",
    "session_missing",
]


CONTROL_HEADER = "X-Emulator-Control"
"""The header that carries the control token (the request log redacts it)."""


class DroppedConnection(Exception):
    """Raised inside a response to make the server cut the connection (a fault)."""


class Refused(Exception):
    """Raised by a route to answer ``{"detail": message}`` with a 4xx ``status`` (the app
    turns it into that answer)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def emulator_of(request: Request) -> Emulator:
    """The emulator that serves ``request``."""
    emulator: Emulator = request.app.state.emulator
    return emulator


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


# -- the caller and the request --------------------------------------------------------------


def authorize(request: Request) -> TokenRecord | JSONResponse:
    """The caller's valid token, or the 1001 answer."""
    emulator = emulator_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    record = emulator.store.token(value.strip()) if scheme.lower() == "bearer" else None
    if record is None:
        return fail(emulator, 1001, "token invalid or expired")
    return record


def owned_session(request: Request) -> tuple[TokenRecord, SessionRecord] | Response:
    """The caller and the session of the path, or the error answer."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = emulator_of(request)
    session_id = request.path_params["session_id"]
    record = emulator.store.session(session_id, auth.user)
    if record is None:
        return session_missing(emulator, session_id)
    return auth, record


def declared_length(value: str | None) -> int | None:
    """A request's ``Content-Length`` as a number, or ``None`` when absent or not a plain
    number (ASCII digits only: ``"²".isdigit()`` is true; at most 20 of them)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 20 else None


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, read while it streams in; [Refused][nemovideo.emulator.http.Refused]
    (413) as soon as it passes ``limit`` bytes, without reading the rest."""
    declared = declared_length(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise Refused(413, f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refused(413, f"the body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise Refused(400, "the client went away before the end of the body") from None
    return b"".join(chunks)


async def json_object(request: Request) -> dict[str, Any] | None:
    """The JSON object of the body; ``None`` for an empty body. Raises
    [Refused][nemovideo.emulator.http.Refused]: 400 for a body that is not a JSON object
    (not JSON, not UTF-8, nested too deeply, numbers out of range), 413 past
    ``MAX_JSON_BYTES``."""
    raw = await read_body(request, MAX_JSON_BYTES)
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
        check_json(value)
    except InvalidInput as error:
        raise Refused(400, str(error)) from None
    except (ValueError, RecursionError):  # UnicodeDecodeError included
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, "the body must be a JSON object")
    return value


async def json_body(request: Request) -> dict[str, Any] | None:
    """The JSON object of the body, or ``None`` when there is none or it is not one (the
    route then gives its own answer); 413 past ``MAX_JSON_BYTES``."""
    try:
        return await json_object(request)
    except Refused as refusal:
        if refusal.status == 413:
            raise
        return None


def refused(request: Request, error: Exception) -> Response:
    """The answer to a [Refused][nemovideo.emulator.http.Refused] or an
    [InvalidInput][nemovideo.emulator.validation.InvalidInput] raised by a route."""
    if isinstance(error, Refused):
        return JSONResponse({"detail": error.message}, status_code=error.status)
    return JSONResponse(
        {"detail": str(error)}, status_code=422 if isinstance(error, InvalidInput) else 400
    )


def cdn_base(request: Request) -> str:
    """Where files are served: another host name than the API's, same server."""
    emulator = emulator_of(request)
    host = request.url.hostname or "127.0.0.1"
    port = request.url.port
    cdn_host = emulator.config.cdn_host
    if cdn_host is None:
        cdn_host = "localhost" if host == "127.0.0.1" else host
    return f"{request.url.scheme}://{cdn_host}{f':{port}' if port else ''}"

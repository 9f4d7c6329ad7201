"""``/_emulator/...``: the emulator's controls over HTTP, for one in another process.

Every call needs the emulator's control token in the ``X-Emulator-Control`` header
(401 without it, 403 with another value), and a body, if any, must be
``application/json`` (415 otherwise). A web page in a local browser can therefore not
steer the emulator: it cannot read the token, and a cross-site request with a custom
header or a JSON body needs a preflight the emulator never grants.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..emulator import ReceivedRequest
from ..http import CONTROL_HEADER, emulator_of, json_object

__all__ = ["CONTROL_HEADER", "CONTROL_PREFIX", "control"]

CONTROL_PREFIX = "/_emulator"
"""The path prefix of the control routes (they are not logged and take no faults)."""


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


def _refusal(request: Request, token: str) -> Response | None:
    """401 without the control token, 403 with a wrong one, 415 for a body not JSON."""
    given = request.headers.get(CONTROL_HEADER)
    if given is None:
        return JSONResponse({"error": f"the {CONTROL_HEADER} header is required"}, 401)
    if not secrets.compare_digest(given.encode("latin-1"), token.encode("latin-1")):
        return JSONResponse({"error": "wrong control token"}, 403)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    has_body = request.method in {"POST", "PUT"} or "content-length" in request.headers
    if (has_body or media_type) and media_type != "application/json":
        return JSONResponse({"error": "control calls take application/json bodies"}, 415)
    return None


async def control(request: Request) -> Response:
    """``/_emulator/{action}``: reset, settings, faults, state, credits and the request log
    (with the control token; see the module's notes)."""
    emulator = emulator_of(request)
    refusal = _refusal(request, emulator.control_token)
    if refusal is not None:
        return refusal
    action = request.path_params["action"]
    body = await json_object(request) or {}
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
    except (TypeError, KeyError, ValueError, LookupError, OverflowError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"ok": True})

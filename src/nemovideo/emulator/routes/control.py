"""``/_emulator/...``: the emulator's controls over HTTP, for one in another process."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..emulator import ReceivedRequest
from ..http import emulator_of, json_body

__all__ = ["CONTROL_PREFIX", "control"]

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


async def control(request: Request) -> Response:
    """``/_emulator/{action}``: reset, settings, faults, state, credits and the request log."""
    emulator = emulator_of(request)
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

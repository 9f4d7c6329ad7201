"""Sessions: creating one and reading its latest state."""

from __future__ import annotations

import copy

from starlette.requests import Request
from starlette.responses import Response

from ..http import authorize, emulator_of, json_object, ok, owned_session

__all__ = ["create_session", "state"]


async def create_session(request: Request) -> Response:
    """``POST /api/tasks/me/with-session/nemo_agent``: a new session with an empty draft."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    body = await json_object(request) or {}
    task_name = body.get("task_name") if isinstance(body.get("task_name"), str) else "project"
    language = body.get("language") if isinstance(body.get("language"), str) else None
    record = emulator_of(request).store.new_session(auth.user, task_name or "project", language)
    return ok({"task_id": record.task_id, "session_id": record.session_id, "user_id": auth.user.id})


async def state(request: Request) -> Response:
    """``GET /api/state/nemo_agent/me/{session_id}/latest``: the latest state."""
    found = owned_session(request)
    if isinstance(found, Response):
        return found
    _, record = found
    with emulator_of(request).store.lock:
        data = {
            "session_id": record.session_id,
            "task_id": record.task_id,
            "task_name": record.task_name,
            "state": copy.deepcopy(record.state()),
        }
    return ok(data)

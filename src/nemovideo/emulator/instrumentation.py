"""The ASGI middleware in front of every route: the request log, and armed faults played."""

from __future__ import annotations

import anyio
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .emulator import Emulator, ReceivedRequest
from .faults import Fault
from .http import CONTROL_HEADER, DroppedConnection, declared_length

__all__ = ["Instrumentation"]


class Instrumentation:
    """Logs every API and CDN request (token redacted) and plays armed faults.

    Requests whose path starts with one of ``unlogged`` (the control routes) pass
    through untouched.
    """

    def __init__(self, app: ASGIApp, emulator: Emulator, unlogged: tuple[str, ...] = ()) -> None:
        self.app = app
        self.emulator = emulator
        self.unlogged = unlogged

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Log the request and play a matching fault, else pass it on."""
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(self.unlogged):
            await self.app(scope, receive, send)
            return
        self.emulator.record(_received(scope))
        fault = self.emulator.faults.take(scope["method"], path)
        if fault is not None:
            if fault.delay:
                await anyio.sleep(fault.delay)
            if fault.answers:
                await _play(fault, send)
                return
        await self.app(scope, receive, send)


def _received(scope: Scope) -> ReceivedRequest:
    """The log entry of a request, its ``Authorization`` and control token redacted."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    had_auth = "authorization" in headers
    for secret in ("authorization", CONTROL_HEADER.lower()):
        if secret in headers:
            headers[secret] = "<redacted>"
    length = headers.get("content-length")
    return ReceivedRequest(
        method=scope["method"],
        path=scope.get("path", ""),
        query=scope.get("query_string", b"").decode("latin-1"),
        host=headers.get("host", ""),
        headers=headers,
        had_authorization=had_auth,
        content_length=declared_length(length),
    )


async def _play(fault: Fault, send: Send) -> None:
    """Send the fault's answer; with ``drop``, half of it and then cut the connection."""
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

"""Frames of the conversation stream decoded into typed events (pure, total).

Two shapes are read: ADK's ``Event`` (camelCase, ``content.parts``) and the older
``{"type": "text" | "tool_call" | "tool_result" | "heartbeat", ...}``. Anything else,
JSON or not, becomes an [UnknownEvent][nemovideo.UnknownEvent]; decoding
never raises.
"""

from __future__ import annotations

import re
from typing import Any

from ..models._fields import opt_float, opt_str
from ..models.events import (
    AgentCrash,
    AgentErrorEvent,
    AgentEvent,
    Heartbeat,
    StateDelta,
    TextEvent,
    ToolCall,
    ToolResult,
    UnknownEvent,
)
from .jsontext import loads
from .redact import redact, redact_json
from .sse import SSEComment, SSEFrame

__all__ = ["decode_frame", "decode_json"]

_HEARTBEATS = {"heartbeat", "ping", "keepalive", "keep_alive"}


def decode_frame(frame: SSEFrame) -> list[AgentEvent]:
    """The events one SSE frame carries (at least one; comments are heartbeats)."""
    if isinstance(frame, SSEComment):
        return [Heartbeat()]
    data = frame.data
    try:
        value = loads(data)
    except ValueError:  # not JSON, or outside the bounds of `jsontext` (too deep...)
        if not data.strip():
            return [Heartbeat()]
        crash = _unescaped_crash(data)
        if crash is not None:
            return [crash]
        return [UnknownEvent(raw=data, event=frame.event)]
    return decode_json(value, event=frame.event)


_CRASH_START = re.compile(r'\s*\{\s*"error"\s*:\s*"')


def _unescaped_crash(data: str) -> AgentCrash | None:
    """The crash frame of older ADK servers, which write ``{"error": "<message>"}``
    with an f-string: a quote or backslash in the message makes it invalid JSON, and
    a line break ends the ``data:`` line early (the rest of the message is lost)."""
    start = _CRASH_START.match(data)
    if start is None:
        return None
    message = data[start.end() :].rstrip()
    if message.endswith('"}'):
        message = message[:-2]
    return AgentCrash(error=redact(message), details=None, raw=redact(data))


def decode_json(value: Any, *, event: str = "message") -> list[AgentEvent]:
    """The events of one decoded JSON value."""
    if not isinstance(value, dict):
        return [UnknownEvent(raw=value, event=event)]
    if "error" in value and "content" not in value and "type" not in value:
        # A crash is an error report: token-like text in it is masked, as in any error.
        return [
            AgentCrash(
                error=redact(str(value.get("error"))),
                details=redact_json(value.get("error_details")),
                raw=redact_json(value),
            )
        ]
    content = value.get("content")
    kind = value.get("type")
    if isinstance(kind, str) and not isinstance(content, dict):
        return [_legacy(kind, value, event)]
    return _adk(value, content, event)


def _fields(value: dict[str, Any]) -> tuple[str | None, str | None, str | None, float | None, bool]:
    """The id, author, invocation id, timestamp and partial flag of a wire event: the
    fields all the events it decodes into share."""
    # Hot: runs once per frame. Strings and floats, the usual types, skip the readers.
    ident, author = value.get("id"), value.get("author")
    invocation, stamp = value.get("invocationId"), value.get("timestamp")
    return (
        ident if type(ident) is str else opt_str(ident),
        author if type(author) is str else opt_str(author),
        invocation if type(invocation) is str else opt_str(invocation),
        stamp if type(stamp) is float else opt_float(stamp),
        value.get("partial") is True,
    )


def _common(value: dict[str, Any]) -> dict[str, Any]:
    """The shared fields of a wire event as keyword arguments (for the rarer events)."""
    ident, author, invocation, stamp, partial = _fields(value)
    return {
        "id": ident,
        "author": author,
        "invocation_id": invocation,
        "timestamp": stamp,
        "partial": partial,
        "raw": value,
    }


def _args(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _adk(value: dict[str, Any], content: Any, event: str) -> list[AgentEvent]:
    # Hot: runs once per frame, and most frames carry one text part, built here from
    # the shared fields without a dict of them; the rarer events take _common's dict.
    ident, author, invocation, stamp, partial = _fields(value)
    out: list[AgentEvent] = []
    parts = content.get("parts") if isinstance(content, dict) else None
    if isinstance(parts, list):
        for part in parts:
            text = part.get("text") if isinstance(part, dict) else None
            if isinstance(text, str):
                out.append(
                    TextEvent(
                        id=ident,
                        author=author,
                        invocation_id=invocation,
                        timestamp=stamp,
                        partial=partial,
                        raw=value,
                        text=text,
                        thought=part.get("thought") is True,
                    )
                )
            else:
                out.append(_part(part, _common(value), event))
    actions = value.get("actions")
    delta = actions.get("stateDelta") if isinstance(actions, dict) else None
    if isinstance(delta, dict) and delta:
        out.append(StateDelta(delta=delta, **_common(value)))
    code, message = value.get("errorCode"), value.get("errorMessage")
    if code is not None or message is not None:
        out.append(AgentErrorEvent(code=opt_str(code), message=opt_str(message), **_common(value)))
    return out or [UnknownEvent(event=event, **_common(value))]


def _part(part: Any, common: dict[str, Any], event: str) -> AgentEvent:
    """An ADK part that is not text: a tool call, a tool result, or unknown."""
    if not isinstance(part, dict):
        return UnknownEvent(event=event, **common)
    call = part.get("functionCall")
    if isinstance(call, dict):
        return ToolCall(
            call_id=opt_str(call.get("id")),
            name=opt_str(call.get("name")) or "",
            args=_args(call.get("args")),
            **common,
        )
    result = part.get("functionResponse")
    if isinstance(result, dict):
        return ToolResult(
            call_id=opt_str(result.get("id")),
            name=opt_str(result.get("name")) or "",
            response=result.get("response"),
            **common,
        )
    return UnknownEvent(event=event, **common)


def _first(value: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in value:
            return value[key]
    return None


def _legacy(kind: str, value: dict[str, Any], event: str) -> AgentEvent:
    common = _common(value)
    kind = kind.lower()
    if kind in {"text", "message", "delta"}:
        text = _first(value, "content", "text", "delta")
        if isinstance(text, str):
            return TextEvent(text=text, **common)
    elif kind in {"tool_call", "function_call"}:
        return ToolCall(
            call_id=opt_str(_first(value, "call_id", "id")),
            name=opt_str(_first(value, "name", "tool")) or "",
            args=_args(_first(value, "args", "arguments", "input", "parameters")),
            **common,
        )
    elif kind in {"tool_result", "function_response", "tool_response"}:
        return ToolResult(
            call_id=opt_str(_first(value, "call_id", "id")),
            name=opt_str(_first(value, "name", "tool")) or "",
            response=_first(value, "response", "result", "output", "content"),
            **common,
        )
    elif kind in _HEARTBEATS:
        return Heartbeat(**common)
    elif kind == "error":
        return AgentErrorEvent(
            code=opt_str(_first(value, "code", "error_code", "errorCode")),
            message=opt_str(_first(value, "message", "error", "content")),
            **common,
        )
    elif kind in {"state_delta", "state"}:
        return StateDelta(delta=_args(_first(value, "delta", "state", "state_delta")), **common)
    return UnknownEvent(event=event, **common)

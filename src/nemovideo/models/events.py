"""What the agent sends during a turn, as small frozen classes.

One ADK event on the wire may hold several things (text, tool calls, a state
delta); it decodes into one typed event per thing, each keeping the whole raw JSON
of the event it came from (``raw``) and its ``id``. In the dict form (`to_dict`)
every event names its class under ``type`` (``{"type": "TextEvent", ...}``), so
`AgentEvent.from_dict` gives back the right class; ``raw`` is left out.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._converter import Model, tagged_union

__all__ = [
    "AgentCrash",
    "AgentErrorEvent",
    "AgentEvent",
    "Heartbeat",
    "StateDelta",
    "TextEvent",
    "ToolCall",
    "ToolResult",
    "UnknownEvent",
]


@tagged_union
@attrs.frozen(kw_only=True)
class AgentEvent(Model):
    """Base of every event.

    Attributes:
        id: the wire event's id (a final text shares it with its partials).
        author: who wrote it (the agent's name, or ``user``).
        invocation_id: the agent invocation it belongs to.
        timestamp: seconds since the epoch, as sent.
        partial: ``True`` for streamed pieces that a later event replaces.
        raw: the whole JSON object of the wire event (``None`` for comments, and
            when made by `from_dict`).
    """

    id: str | None = None
    author: str | None = None
    invocation_id: str | None = None
    timestamp: float | None = None
    partial: bool = False
    raw: Any = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class TextEvent(AgentEvent):
    """Text from the agent; show ``partial`` pieces live, keep the final one.

    ``thought`` marks the model's reasoning parts, which are not part of the reply.
    """

    text: str
    thought: bool = False


@attrs.frozen(kw_only=True)
class ToolCall(AgentEvent):
    """The agent calls a tool (``functionCall``)."""

    call_id: str | None = None
    name: str = ""
    args: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class ToolResult(AgentEvent):
    """A tool's answer (``functionResponse``)."""

    call_id: str | None = None
    name: str = ""
    response: Any = None


@attrs.frozen(kw_only=True)
class StateDelta(AgentEvent):
    """Keys of the session state that the agent changed (``actions.stateDelta``)."""

    delta: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class AgentErrorEvent(AgentEvent):
    """An error the agent reported (``errorCode``/``errorMessage``); the turn goes on."""

    code: str | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
class AgentCrash(AgentEvent):
    """The last frame of a crashed agent (``{"error": ..., "error_details": ...}``)."""

    error: str = ""
    details: Any = None


@attrs.frozen(kw_only=True)
class Heartbeat(AgentEvent):
    """ "Still working": an empty ``data:`` line, a comment, or a heartbeat event."""


@attrs.frozen(kw_only=True)
class UnknownEvent(AgentEvent):
    """Anything else, kept as it came (``raw`` is the JSON, or the text if not JSON)."""

    event: str = "message"

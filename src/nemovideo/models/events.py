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
from ._short import call, short_text, short_value

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
@attrs.frozen(kw_only=True, repr=False)
class AgentEvent(Model):
    """Base of every event: these fields are on all of them.

    `AgentEvent.from_dict` reads any event's dict form back into its own class.

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

    def __repr__(self) -> str:
        # One short line (``TextEvent('Ranking your clips…')``); the data is on the fields.
        return call(
            type(self).__name__, *self._repr_args(), partial="True" if self.partial else None
        )

    def _repr_args(self) -> list[str]:
        return []


@attrs.frozen(kw_only=True, repr=False)
class TextEvent(AgentEvent):
    """Text from the agent; show ``partial`` pieces live, keep the final one.

    Attributes:
        text: the text (a piece of it when ``partial``).
        thought: the model's reasoning, not part of the reply.
    """

    text: str
    thought: bool = False

    def _repr_args(self) -> list[str]:
        return [short_text(self.text), *(["thought=True"] if self.thought else [])]


@attrs.frozen(kw_only=True, repr=False)
class ToolCall(AgentEvent):
    """The agent calls a tool (``functionCall``).

    Attributes:
        call_id: the call's id; its [ToolResult][nemovideo.ToolResult] carries the same.
        name: the tool's name.
        args: the arguments, in the service's own casing.
    """

    call_id: str | None = None
    name: str = ""
    args: dict[str, Any] = attrs.field(factory=dict)

    def _repr_args(self) -> list[str]:
        return [f"name={self.name!r}", f"args={short_value(self.args, 40)}"]


@attrs.frozen(kw_only=True, repr=False)
class ToolResult(AgentEvent):
    """A tool's answer (``functionResponse``).

    Attributes:
        call_id: the id of the [ToolCall][nemovideo.ToolCall] it answers.
        name: the tool's name.
        response: the answer, as the service sent it.
    """

    call_id: str | None = None
    name: str = ""
    response: Any = None

    def _repr_args(self) -> list[str]:
        return [f"name={self.name!r}", f"response={short_value(self.response, 40)}"]


@attrs.frozen(kw_only=True, repr=False)
class StateDelta(AgentEvent):
    """Keys of the session state that the agent changed (``actions.stateDelta``).

    Attributes:
        delta: the changed keys and their new values.
    """

    delta: dict[str, Any] = attrs.field(factory=dict)

    def _repr_args(self) -> list[str]:
        return [f"keys={short_value(sorted(self.delta), 50)}"]


@attrs.frozen(kw_only=True, repr=False)
class AgentErrorEvent(AgentEvent):
    """An error the agent reported (``errorCode``/``errorMessage``); the turn goes on.

    Attributes:
        code: the error code, as text.
        message: the error message.
    """

    code: str | None = None
    message: str | None = None

    def _repr_args(self) -> list[str]:
        message = None if self.message is None else short_text(self.message, 50)
        return [f"code={self.code!r}", *([f"message={message}"] if message else [])]


@attrs.frozen(kw_only=True, repr=False)
class AgentCrash(AgentEvent):
    """The last frame of a crashed agent (``{"error": ..., "error_details": ...}``).

    The turn then ends with [AgentError][nemovideo.AgentError].

    Attributes:
        error: the error text (``"<Type>: <message>"``).
        details: its ``error_details``, when sent.
    """

    error: str = ""
    details: Any = None

    def _repr_args(self) -> list[str]:
        return [short_text(self.error)]


@attrs.frozen(kw_only=True, repr=False)
class Heartbeat(AgentEvent):
    """ "Still working": an empty ``data:`` line, a comment, or a heartbeat event."""


@attrs.frozen(kw_only=True, repr=False)
class UnknownEvent(AgentEvent):
    """Anything else, kept as it came (``raw`` is the JSON, or the text if not JSON).

    Attributes:
        event: the SSE event name (``message`` unless the stream named another).
    """

    event: str = "message"

    def _repr_args(self) -> list[str]:
        return [f"event={self.event!r}"]

"""The outcome of one conversation turn."""

from __future__ import annotations

import attrs

from ._converter import Model
from .changes import Change
from .events import AgentErrorEvent, AgentEvent, TextEvent, ToolCall, ToolResult
from .state import SessionState

__all__ = ["Reply"]

_NOISE = "encountered a temporary issue"


@attrs.frozen
class Reply(Model):
    """What a turn produced.

    `to_dict` gives every field; each event is tagged with its class (``type``), so
    `from_dict` gives back the same events.

    Attributes:
        text: the text of the non-partial text events, in order (partials are only
            for live display; a trailing "I encountered a temporary issue" after
            normal output is dropped as the noise it is).
        tool_calls: tool calls from non-partial events.
        tool_results: tool results from non-partial events.
        errors: errors the agent reported while the turn went on.
        events: every event, in order; a turn keeps no heartbeats (it counts them:
            [AsyncTurn.heartbeats][nemovideo.AsyncTurn.heartbeats]) and at most
            ``ResponseLimits.max_turn_events`` events.
        changes: what changed in the draft between the state before and after.
        state_before: the state read before the message was sent.
        state_after: the state read after the turn (``None`` if it could not be read).
        recovered: the stream dropped and the outcome was read from the state.
    """

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_results: tuple[ToolResult, ...] = ()
    errors: tuple[AgentErrorEvent, ...] = ()
    events: tuple[AgentEvent, ...] = attrs.field(default=(), repr=False)
    changes: tuple[Change, ...] = ()
    state_before: SessionState | None = attrs.field(default=None, repr=False)
    state_after: SessionState | None = attrs.field(default=None, repr=False)
    recovered: bool = False

    @classmethod
    def from_events(
        cls,
        events: list[AgentEvent] | tuple[AgentEvent, ...],
        *,
        changes: list[Change] | tuple[Change, ...] = (),
        state_before: SessionState | None = None,
        state_after: SessionState | None = None,
        recovered: bool = False,
    ) -> Reply:
        """Assemble a reply from the events of a turn."""
        final = [event for event in events if not event.partial]
        texts = [e.text for e in final if isinstance(e, TextEvent) and not e.thought and e.text]
        if len(texts) > 1 and _NOISE in texts[-1].lower():
            texts.pop()
        return cls(
            text="\n".join(texts),
            tool_calls=tuple(e for e in final if isinstance(e, ToolCall)),
            tool_results=tuple(e for e in final if isinstance(e, ToolResult)),
            errors=tuple(e for e in events if isinstance(e, AgentErrorEvent)),
            events=tuple(events),
            changes=tuple(changes),
            state_before=state_before,
            state_after=state_after,
            recovered=recovered,
        )

    @property
    def silent(self) -> bool:
        """The agent said nothing (it only called tools): read ``changes``."""
        return not self.text

    def describe(self) -> str:
        """The text, or for a silent turn the list of changes, one per line."""
        if self.text:
            return self.text
        if self.changes:
            return "\n".join(change.summary for change in self.changes)
        return "(no text and no change to the timeline)"

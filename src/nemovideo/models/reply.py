"""The outcome of one conversation turn."""

from __future__ import annotations

import attrs

from ._converter import Model
from ._short import call, short_text
from .changes import Change
from .events import AgentErrorEvent, AgentEvent, TextEvent, ToolCall, ToolResult
from .state import SessionState

__all__ = ["Reply", "TextJoiner"]

_NOISE = "encountered a temporary issue"


@attrs.define
class TextJoiner:
    """The one rule for a turn's text, fed event by event.

    The reply text is the non-partial, non-thought texts joined by newlines, with a
    trailing "I encountered a temporary issue" after other text dropped as noise.
    `feed` gives, as events arrive, the part of that text to show now: partial pieces
    at once, the rest of a final text that its pieces did not cover, a newline between
    messages. Such a noise text is held back until more text follows it. Joined, the
    pieces are the reply text (when the pieces of a message begin its final text, as
    the service sends them).
    """

    finals: list[str] = attrs.field(factory=list)
    _live: str = attrs.field(default="", alias="_live")
    _held: bool = attrs.field(default=False, alias="_held")

    @property
    def text(self) -> str:
        """The reply text of the events fed so far."""
        texts = list(self.finals)
        if len(texts) > 1 and _NOISE in texts[-1].lower():
            texts.pop()
        return "\n".join(texts)

    def feed(self, event: AgentEvent) -> str:
        """Take one event; return the text to show now (``""`` for none)."""
        if not isinstance(event, TextEvent) or event.thought or not event.text:
            return ""
        shown = self._release()
        if not event.partial and self.finals and not self._live and _NOISE in event.text.lower():
            self.finals.append(event.text)
            self._held = True
            return shown
        if self.finals and not self._live:
            shown += "\n"
        if event.partial:
            self._live += event.text
            return shown + event.text
        if event.text.startswith(self._live):
            shown += event.text[len(self._live) :]
        self.finals.append(event.text)
        self._live = ""
        return shown

    def _release(self) -> str:
        if not self._held:
            return ""
        self._held = False
        return "\n" + self.finals[-1]


@attrs.frozen(repr=False)
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
        joiner = TextJoiner()
        for event in events:
            joiner.feed(event)
        return cls(
            text=joiner.text,
            tool_calls=tuple(e for e in final if isinstance(e, ToolCall)),
            tool_results=tuple(e for e in final if isinstance(e, ToolResult)),
            errors=tuple(e for e in events if isinstance(e, AgentErrorEvent)),
            events=tuple(events),
            changes=tuple(changes),
            state_before=state_before,
            state_after=state_after,
            recovered=recovered,
        )

    def __repr__(self) -> str:
        # One line: the text cut short and how many of each; the data is on the fields.
        return call(
            "Reply",
            short_text(self.text),
            tool_calls=str(len(self.tool_calls)),
            changes=str(len(self.changes)),
            errors=str(len(self.errors)) if self.errors else None,
            recovered="True" if self.recovered else None,
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

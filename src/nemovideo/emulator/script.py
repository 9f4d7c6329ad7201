"""A turn of the agent as a script: the steps the ``/run_sse`` route plays, the options
that make a turn misbehave, and the ADK events it sends. Nothing here does I/O."""

from __future__ import annotations

import time
import uuid
from typing import Any

import attrs

__all__ = [
    "AGENT_NAME",
    "Apply",
    "Beat",
    "Crash",
    "Drop",
    "Emit",
    "Events",
    "Pause",
    "Step",
    "TurnOptions",
    "TurnScript",
]

AGENT_NAME = "nemo_agent"
"""The ``author`` of the agent's events."""


@attrs.frozen
class Emit:
    """Send one event (a dict in ADK's camelCase shape)."""

    event: dict[str, Any]


@attrs.frozen
class Beat:
    """Send a heartbeat (an empty ``data:`` line)."""


@attrs.frozen
class Pause:
    """Wait this many seconds before the next step."""

    seconds: float


@attrs.frozen
class Apply:
    """Set the session's draft (and other state keys) to these values."""

    draft: dict[str, Any] | None = None
    state: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Drop:
    """Cut the connection here; the steps after it still run (the edit finishes)."""


@attrs.frozen
class Crash:
    """Send the crash frame ``{"error": ..., "error_details": ...}`` and end."""

    error: str = "RuntimeError: the agent crashed"


Step = Emit | Beat | Pause | Apply | Drop | Crash
"""One step of a turn's script."""


@attrs.frozen
class TurnOptions:
    """How the next turn misbehaves (tests arm these through the emulator).

    Attributes:
        silent: tool calls only, no text.
        heartbeat_every: seconds between heartbeats while the turn "thinks"
            (``None``: no heartbeats).
        think_seconds: how long the turn thinks before answering.
        pause: an extra pause (seconds) before the last event.
        drop: cut the connection after the first event, but finish the edit.
        crash: end with a crash frame carrying this text.
        error_event: send an ``errorCode``/``errorMessage`` event mid-turn.
        second_stage_seconds: delay of the second stage of a generation.
    """

    silent: bool = False
    heartbeat_every: float | None = None
    think_seconds: float = 0.0
    pause: float = 0.0
    drop: bool = False
    crash: str | None = None
    error_event: bool = False
    second_stage_seconds: float = 3.0


@attrs.frozen
class TurnScript:
    """What a turn does: its steps, its cost, and a later second stage (if any)."""

    steps: tuple[Step, ...]
    credits: int
    second_stage: tuple[float, Apply] | None = None


@attrs.define
class Events:
    """The ADK events of one turn (one invocation id), written as ``Emit`` steps."""

    invocation: str = attrs.field(factory=lambda: f"e-{uuid.uuid4()}")
    steps: list[Step] = attrs.field(factory=list)

    def _base(self) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "invocationId": self.invocation,
            "author": AGENT_NAME,
            "timestamp": time.time(),
        }

    def text(self, words: str, *, pieces: int = 3) -> None:
        """A streamed text: ``pieces`` partial events, then the whole text with the same id."""
        base = self._base()
        size = max(1, -(-len(words) // pieces))
        for start in range(0, len(words), size):
            piece = {**base, "partial": True}
            piece["content"] = {"role": "model", "parts": [{"text": words[start : start + size]}]}
            self.steps.append(Emit(piece))
        self.steps.append(Emit({**base, "content": {"role": "model", "parts": [{"text": words}]}}))

    def tool(self, name: str, args: dict[str, Any], response: Any, delta: dict[str, Any]) -> None:
        """A function call and its response (with ``stateDelta`` when ``delta`` is given)."""
        call_id = f"adk-{uuid.uuid4()}"
        call = {"functionCall": {"id": call_id, "name": name, "args": args}}
        self.steps.append(Emit({**self._base(), "content": {"role": "model", "parts": [call]}}))
        result = {"functionResponse": {"id": call_id, "name": name, "response": response}}
        event: dict[str, Any] = {**self._base(), "content": {"role": "user", "parts": [result]}}
        if delta:
            event["actions"] = {"stateDelta": delta}
        self.steps.append(Emit(event))

    def error(self, code: str, message: str) -> None:
        """An ``errorCode``/``errorMessage`` event (the stream goes on)."""
        self.steps.append(Emit({**self._base(), "errorCode": code, "errorMessage": message}))

"""Render status (E8/E9), read from any of the three published answer shapes."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ..errors import InvalidResponseError
from ._converter import Model
from ._fields import opt_dict, opt_float, opt_int, opt_str


class RenderState(enum.Enum):
    """Where a render is in its life: pending -> processing -> completed | failed."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


_STATE_WORDS = {
    RenderState.PENDING: {"pending", "queued", "waiting", "submitted", "created"},
    RenderState.PROCESSING: {"processing", "running", "rendering", "in_progress", "started"},
    RenderState.COMPLETED: {"completed", "complete", "succeeded", "success", "done", "finished"},
    RenderState.FAILED: {"failed", "failure", "error", "errored", "cancelled", "canceled"},
}


def _state(word: str) -> RenderState:
    word = word.strip().lower().replace("-", "_").replace(" ", "_")
    for state, words in _STATE_WORDS.items():
        if word in words:
            return state
    return RenderState.PROCESSING


@attrs.frozen
class RenderStatus(Model):
    """One reading of a render's status.

    `to_dict` gives every field but ``raw``, ``state`` as its value (``"completed"``).

    Attributes:
        id: the render id.
        state: a `RenderState` (`from_dict` reads an unknown one as ``PROCESSING``).
        status: the status word exactly as the service sent it.
        progress: 0-100.
        output_url: where the finished file is, once completed.
        error: why it failed, when it failed.
        created_at: milliseconds since the epoch, when given.
        completed_at: milliseconds since the epoch, when given.
        duration: seconds of output video, when given.
        size: bytes of the output file, when given.
        raw: the JSON the service sent (empty when made by `from_dict`).
    """

    id: str
    state: RenderState
    status: str = ""
    progress: float = 0.0
    output_url: str | None = None
    error: str | None = None
    created_at: int | None = None
    completed_at: int | None = None
    duration: float | None = None
    size: int | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def is_completed(self) -> bool:
        """Completed means a completed status *and* an output URL (protocol.md section 7)."""
        return self.state is RenderState.COMPLETED and bool(self.output_url)

    @property
    def is_failed(self) -> bool:
        """The render failed."""
        return self.state is RenderState.FAILED

    @property
    def is_done(self) -> bool:
        """Completed or failed: polling can stop."""
        return self.is_completed or self.is_failed

    @classmethod
    def from_answer(cls, body: dict[str, Any], render_id: str = "") -> RenderStatus:
        """Read any published shape: ``{"success", "data": {...}}``, a top-level
        ``status`` with ``output.url``, or ``{"taskId", "status", "output": {...}}``."""
        inner = body.get("data") if isinstance(body.get("data"), dict) else body
        assert isinstance(inner, dict)
        status_word = opt_str(inner.get("status"))
        if status_word is None:
            raise InvalidResponseError("render answer without a status", body=body)
        output = inner.get("output")
        output_obj = opt_dict(output) or {}
        url = (
            opt_str(inner.get("outputUrl"))
            or opt_str(inner.get("output_url"))
            or opt_str(output_obj.get("url"))
            or (output if isinstance(output, str) else None)
        )
        progress = opt_float(inner.get("progress"))
        error = inner.get("error") or inner.get("errorMessage") or inner.get("message")
        return cls(
            id=opt_str(inner.get("id")) or opt_str(inner.get("taskId")) or render_id,
            state=_state(status_word),
            status=status_word,
            progress=min(100.0, max(0.0, progress)) if progress is not None else 0.0,
            output_url=url or None,
            error=error if isinstance(error, str) else None,
            created_at=opt_int(inner.get("createdAt")),
            completed_at=opt_int(inner.get("completedAt")),
            duration=opt_float(output_obj.get("duration")),
            size=opt_int(output_obj.get("size")),
            raw=body,
        )

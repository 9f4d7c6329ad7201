"""A render's status, as the export and render-status answers give it (the readers of
the service's several shapes are in ``nemovideo._protocol.answers``)."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ._converter import Model
from .response import ResponseInfo


class RenderState(enum.Enum):
    """Where a render is in its life: pending -> processing -> completed | failed.

    A value it does not know reads as `PROCESSING`: the render is not finished as far
    as anyone can tell, so waiting goes on (and its overall timeout still holds).
    """

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @classmethod
    def _missing_(cls, value: object) -> RenderState:
        return cls.PROCESSING


@attrs.frozen
class RenderStatus(Model):
    """One reading of a render's status.

    `to_dict` gives every field but ``raw``, ``state`` as its value (``"completed"``).

    Attributes:
        id: the render id.
        state: a [RenderState][nemovideo.RenderState] (`from_dict` reads an unknown one
            as ``PROCESSING``).
        status: the status word exactly as the service sent it.
        progress: 0-100.
        output_url: where the finished file is, once completed.
        error: why it failed, when it failed.
        created_at: milliseconds since the epoch, when given.
        completed_at: milliseconds since the epoch, when given.
        duration: seconds of output video, when given.
        size: bytes of the output file, when given.
        raw: the JSON the service sent (empty when made by `from_dict`).
        response_info: the HTTP answer it was read from (status, headers, request
            id); ``None`` when made by `from_dict`. Not compared, not in `to_dict`.
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
    response_info: ResponseInfo | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def is_completed(self) -> bool:
        """Completed means a completed status *and* an output URL (see
        [the render lifecycle][protocol-renders])."""
        return self.state is RenderState.COMPLETED and bool(self.output_url)

    @property
    def is_failed(self) -> bool:
        """The render failed."""
        return self.state is RenderState.FAILED

    @property
    def is_done(self) -> bool:
        """Completed or failed: polling can stop."""
        return self.is_completed or self.is_failed

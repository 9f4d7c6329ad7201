"""A session's state (the state endpoint's answer): the timeline draft and the media around it."""

from __future__ import annotations

from typing import Any

import attrs

from ._converter import Model
from ._short import call
from .draft import Draft
from .response import ResponseInfo


@attrs.frozen(repr=False)
class SessionState(Model):
    """What the service holds for a session.

    `to_dict` gives every field but ``raw``, the draft in its own exact form.

    Attributes:
        session_id: the session.
        task_id: its task, when the service says.
        task_name: the task's name.
        draft: the timeline, or ``None`` when there is none yet.
        video_infos: the media in the session (dicts as the service sent them).
        canvas_config: the canvas (size, frame rate), when present.
        generated_media: media the agent generated.
        video_analyses: per-clip analyses, when the agent made some.
        raw: the whole ``data`` object as sent (empty when made by `from_dict`).
        response_info: the HTTP answer it was read from (status, headers, request
            id); ``None`` when made by `from_dict`. Not compared, not in `to_dict`.
    """

    session_id: str
    task_id: str | None = None
    task_name: str | None = None
    draft: Draft | None = None
    video_infos: list[Any] = attrs.field(factory=list)
    canvas_config: dict[str, Any] | None = None
    generated_media: list[Any] = attrs.field(factory=list)
    video_analyses: list[Any] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    response_info: ResponseInfo | None = attrs.field(default=None, eq=False, repr=False)

    def __repr__(self) -> str:
        # One line: the ids, the draft's own short repr and how many media; not the dicts.
        return call(
            "SessionState",
            f"session_id={self.session_id!r}",
            draft=repr(self.draft),
            media=str(len(self.video_infos)),
            analyses=str(len(self.video_analyses)) if self.video_analyses else None,
        )

    @property
    def draft_dict(self) -> dict[str, Any] | None:
        """The draft exactly as the service sent it, key order included (what an
        export sends back), or ``None`` when there is none."""
        return self.draft.to_dict() if self.draft is not None else None

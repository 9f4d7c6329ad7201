"""A session's state (E7): the timeline draft and the media around it."""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import InvalidResponseError
from ._converter import Model
from ._fields import as_list, opt_dict, opt_str
from .draft import Draft


@attrs.frozen
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

    @property
    def draft_dict(self) -> dict[str, Any] | None:
        """The draft exactly as the service sent it, key order included (what an
        export sends back), or ``None`` when there is none."""
        return self.draft.to_dict() if self.draft is not None else None

    @staticmethod
    def _state_object(data: dict[str, Any]) -> dict[str, Any]:
        state = data.get("state")
        if isinstance(state, dict):
            return state
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any], session_id: str = "") -> SessionState:
        """Read the ``data`` of E7; unexpected shapes keep their raw JSON reachable."""
        state = cls._state_object(data)
        draft_value = state.get("draft")
        if draft_value is not None and not isinstance(draft_value, dict):
            raise InvalidResponseError("state.draft is not a JSON object", body=data)
        return cls(
            session_id=opt_str(data.get("session_id")) or session_id,
            task_id=opt_str(data.get("task_id")),
            task_name=opt_str(data.get("task_name")),
            draft=Draft.from_dict(draft_value) if isinstance(draft_value, dict) else None,
            video_infos=as_list(state.get("video_infos")),
            canvas_config=opt_dict(state.get("canvas_config")),
            generated_media=as_list(state.get("generated_media")),
            video_analyses=as_list(state.get("video_analyses")),
            raw=data,
        )

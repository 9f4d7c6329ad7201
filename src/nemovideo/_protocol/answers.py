"""The answers of the REST endpoints read into models (pure): one reader per answer.

The protocol's decisions live here: which object of an answer holds the fields
(``data`` or ``data.state``; any of the three published render shapes), which
spelling of a field wins when the service has used several (``filename``/``name``,
``cdn_url``/``url``, ``outputUrl``/``output_url``/``output.url``...), and which
answers are too broken to read (`InvalidResponseError`). The models' converter does
the rest: the service's key names, lenient types, and ``raw`` kept as sent.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import InvalidResponseError
from ..models._converter import read_wire
from ..models._fields import opt_float, opt_str
from ..models.credits import Credits
from ..models.render import RenderState, RenderStatus
from ..models.state import SessionState
from ..models.upload import Upload
from .ids import server_id

__all__ = ["credits", "render_state", "render_status", "session_state", "upload", "uploads"]


def credits(data: dict[str, Any]) -> Credits:
    """The credits answer's ``data``. A missing ``frozen`` is 0 and a missing ``total`` is
    ``available + frozen``; a missing ``available``, or a figure that is not finite
    (``NaN``, ``Infinity``, beyond a float's range), is an `InvalidResponseError`."""
    figures = {key: opt_float(data.get(key)) for key in ("available", "frozen", "total")}
    available = figures["available"]
    if available is None:
        raise InvalidResponseError("credit balance without 'available'", body=data)
    for key, value in figures.items():
        if value is not None and not math.isfinite(value):
            raise InvalidResponseError(f"credit balance with a {key!r} of {value}", body=data)
    fields = dict(data)
    if figures["total"] is None:
        fields["total"] = available + (figures["frozen"] or 0.0)
    return read_wire(Credits, fields, raw=data)


def session_state(data: dict[str, Any], session_id: str = "") -> SessionState:
    """The state answer's ``data``: ids at the top, the rest in ``state`` (or at the top as well).

    ``session_id`` is used when the answer has none. A ``draft`` that is not a JSON
    object, or a ``session_id`` that is not a valid id (`ids.id_problem`), is an
    `InvalidResponseError`; other unexpected shapes read as empty.
    """
    state = data.get("state")
    if not isinstance(state, dict):
        state = data
    draft = state.get("draft")
    if draft is not None and not isinstance(draft, dict):
        raise InvalidResponseError("state.draft is not a JSON object", body=data)
    fields = dict(state)
    given = opt_str(data.get("session_id"))
    fields["session_id"] = server_id(given, "session_id", body=data) if given else session_id
    fields["task_id"] = data.get("task_id")
    fields["task_name"] = data.get("task_name")
    return read_wire(SessionState, fields, raw=data)


def upload(data: dict[str, Any], fallback_name: str = "") -> Upload:
    """One entry of the upload answer's ``files``: the name from ``filename``, ``name`` or
    ``fallback_name``; the URL from ``cdn_url`` or ``url``."""
    fields = dict(data)
    fields["filename"] = opt_str(data.get("filename")) or opt_str(data.get("name")) or fallback_name
    fields["cdn_url"] = opt_str(data.get("cdn_url")) or opt_str(data.get("url"))
    return read_wire(Upload, fields, raw=data)


def uploads(data: dict[str, Any], names: list[str]) -> list[Upload]:
    """The upload answer's ``data``: its ``files``, each named from ``names`` (by position) when the
    service gives no name. No ``files`` list of objects is an `InvalidResponseError`."""
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise InvalidResponseError("the upload answer has no 'files' list", body=data)
    return [upload(f, names[i] if i < len(names) else "") for i, f in enumerate(files)]


_STATE_WORDS = {
    RenderState.PENDING: {"pending", "queued", "waiting", "submitted", "created"},
    RenderState.PROCESSING: {"processing", "running", "rendering", "in_progress", "started"},
    RenderState.COMPLETED: {"completed", "complete", "succeeded", "success", "done", "finished"},
    RenderState.FAILED: {"failed", "failure", "error", "errored", "cancelled", "canceled"},
}


def render_state(word: str) -> RenderState:
    """The `RenderState` a status word means; a word not known is still processing."""
    word = word.strip().lower().replace("-", "_").replace(" ", "_")
    for state, words in _STATE_WORDS.items():
        if word in words:
            return state
    return RenderState.PROCESSING


def render_status(body: dict[str, Any], render_id: str = "") -> RenderStatus:
    """An export or render-status answer in any published shape: ``{"success", "data": {...}}``, a
    top-level ``status`` with ``output.url``, or ``{"taskId", "status", "output": {...}}``.

    ``render_id`` is used when the answer names no id. An answer without a status, or
    with an id that is not a valid id (`ids.id_problem`), is an `InvalidResponseError`.
    ``raw`` is the whole body.
    """
    inner = body.get("data")
    if not isinstance(inner, dict):
        inner = body
    word = opt_str(inner.get("status"))
    if word is None:
        raise InvalidResponseError("render answer without a status", body=body)
    output = inner.get("output")
    output_obj: dict[str, Any] = output if isinstance(output, dict) else {}
    progress = opt_float(inner.get("progress"))
    error = inner.get("error") or inner.get("errorMessage") or inner.get("message")
    fields = dict(inner)
    given = opt_str(inner.get("id")) or opt_str(inner.get("taskId"))
    fields["id"] = server_id(given, "render id", body=body) if given else render_id
    fields["state"] = render_state(word)
    fields["status"] = word
    fields["progress"] = min(100.0, max(0.0, progress)) if progress is not None else 0.0
    fields["outputUrl"] = (
        opt_str(inner.get("outputUrl"))
        or opt_str(inner.get("output_url"))
        or opt_str(output_obj.get("url"))
        or (output if isinstance(output, str) else None)
        or None
    )
    fields["error"] = error if isinstance(error, str) else None
    fields["duration"] = output_obj.get("duration")
    fields["size"] = output_obj.get("size")
    return read_wire(RenderStatus, fields, raw=body)

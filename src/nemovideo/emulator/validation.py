"""Checks on what clients send the emulator: JSON bodies and drafts, with their limits.

A value that fails a check raises [InvalidInput][nemovideo.emulator.validation.InvalidInput]
(a ``ValueError``), which the routes answer with a 4xx status. Every draft that enters the
emulator (a render's ``draft``, the control route ``draft``, ``Emulator.set_draft``) goes
through [check_draft][nemovideo.emulator.validation.check_draft] first.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_DRAFT_MS",
    "MAX_JSON_BYTES",
    "MAX_PROMPT_CHARS",
    "InvalidInput",
    "check_draft",
    "check_json",
    "check_turn",
]

MAX_JSON_BYTES = 8 * 1024 * 1024
"""The largest JSON body a route reads (HTTP 413 beyond)."""

MAX_DEPTH = 32
"""How deeply arrays and objects of a JSON body may nest."""

MAX_NODES = 200_000
"""How many values (numbers, strings, arrays, objects...) a JSON body may hold."""

MAX_NUMBER = 2**53
"""The largest magnitude of a number in a body (beyond it a float loses integers)."""

MAX_STRING = 20_000
"""The longest string in a draft (a title, a source URL, a name)."""

MAX_PROMPT_CHARS = 20_000
"""The longest message text of a turn."""

MAX_DRAFT_MS = 30 * 60 * 1000
"""The longest draft, and the latest time a segment may start or end: 30 minutes."""

MAX_SIDE = 8192
"""The largest width or height a draft may ask for (the renderer draws at most 1920)."""

MAX_TRACKS = 64
"""Tracks in a draft."""

MAX_SEGMENTS = 2_000
"""Segments in a draft, all tracks together."""

_TIMES = ("s", "d", "e", "ss")
"""Segment fields that are times in milliseconds."""


class InvalidInput(ValueError):
    """A body or draft that breaks a rule; its message says which (no value is echoed)."""


def check_json(value: Any) -> None:
    """Depth, size and numbers of a parsed JSON value: nesting at most ``MAX_DEPTH``,
    at most ``MAX_NODES`` values, every number finite and at most ``MAX_NUMBER`` in size."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise InvalidInput(f"the body holds more than {MAX_NODES} values")
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidInput(f"the body nests deeper than {MAX_DEPTH} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InvalidInput("numbers must be finite")
        elif (
            isinstance(item, int | float) and not isinstance(item, bool) and abs(item) > MAX_NUMBER
        ):
            raise InvalidInput(f"numbers must be at most {MAX_NUMBER} in size")


def _number(value: Any, name: str, low: float, high: float) -> None:
    """A missing value, or a number in ``[low, high]``."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{name} must be a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low:g} and {high:g}")


def _strings(value: Any) -> None:
    """Every string (key or value) inside ``value`` is at most ``MAX_STRING`` long."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and len(item) > MAX_STRING:
            raise InvalidInput(f"strings in a draft must be at most {MAX_STRING} characters")
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_draft(draft: Any) -> None:
    """Raise [InvalidInput][nemovideo.emulator.validation.InvalidInput] unless ``draft``
    is a JSON object within the limits: its length ``d`` and every segment's times
    (``s``, ``d``, ``e``, ``ss``) between 0 and ``MAX_DRAFT_MS``, ``m.width`` and
    ``m.height`` between 0 and ``MAX_SIDE``, at most ``MAX_TRACKS`` tracks and
    ``MAX_SEGMENTS`` segments, numbers finite, strings at most ``MAX_STRING`` long."""
    if not isinstance(draft, dict):
        raise InvalidInput("the draft must be a JSON object")
    check_json(draft)
    _strings(draft)
    _number(draft.get("d"), "draft d", 0, MAX_DRAFT_MS)
    meta = draft.get("m")
    if meta is not None and not isinstance(meta, dict):
        raise InvalidInput("draft m must be an object")
    for side in ("width", "height"):
        _number((meta or {}).get(side), f"m.{side}", 0, MAX_SIDE)
    tracks = draft.get("t")
    if tracks is None:
        return
    if not isinstance(tracks, list) or len(tracks) > MAX_TRACKS:
        raise InvalidInput(f"draft t must be a list of at most {MAX_TRACKS} tracks")
    count = 0
    for track in tracks:
        segments = track.get("sg") if isinstance(track, dict) else None
        if not isinstance(segments, list):
            continue
        count += len(segments)
        if count > MAX_SEGMENTS:
            raise InvalidInput(f"a draft holds at most {MAX_SEGMENTS} segments")
        for segment in segments:
            if not isinstance(segment, dict):
                continue
            for name in _TIMES:
                _number(segment.get(name), f"segment {name}", 0, MAX_DRAFT_MS)
            start, length = segment.get("s") or 0, segment.get("d")
            if isinstance(length, int | float) and start + length > MAX_DRAFT_MS:
                raise InvalidInput(f"a segment must end by {MAX_DRAFT_MS} ms")


_TURN_FLAGS = ("silent", "drop", "error_event")
_TURN_SECONDS = ("think_seconds", "pause", "second_stage_seconds")


def check_turn(options: dict[str, Any]) -> None:
    """Raise [InvalidInput][nemovideo.emulator.validation.InvalidInput] unless the options
    of a scripted turn have their types: flags true or false, waits in seconds between 0
    and 3600 (``heartbeat_every`` above 0 or ``None``), ``crash`` a bounded text or ``None``."""
    for name in _TURN_FLAGS:
        if name in options and not isinstance(options[name], bool):
            raise InvalidInput(f"{name} must be true or false")
    for name in _TURN_SECONDS:
        if name in options:
            if options[name] is None:
                raise InvalidInput(f"{name} must be a number")
            _number(options[name], name, 0, 3600)
    if options.get("heartbeat_every") is not None:
        _number(options["heartbeat_every"], "heartbeat_every", 0.001, 3600)
    crash = options.get("crash")
    if crash is not None and (not isinstance(crash, str) or len(crash) > MAX_STRING):
        raise InvalidInput(f"crash must be a text of at most {MAX_STRING} characters")

"""Compare two drafts and say what changed, one line per change (pure).

Tracks are matched by their ``id`` when they have one, else by type, name and
order among tracks of that type and name; segments by ``id``, else by position.
A new duration is reported unless the timeline was empty (duration 0 or absent).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from ..models.changes import Change
from ..models.draft import Draft, Segment, Track, seconds_text

__all__ = ["draft_changes"]


def _track_keys(tracks: Iterable[Track]) -> dict[Hashable, Track]:
    keys: dict[Hashable, Track] = {}
    seen: dict[Hashable, int] = {}
    for track in tracks:
        own = track.extra.get("id")
        if isinstance(own, str | int) and not isinstance(own, bool):
            key: Hashable = ("id", own)
        else:
            kind = (int(track.type) if track.type is not None else None, track.name)
            seen[kind] = seen.get(kind, 0) + 1
            key = ("kind", *kind, seen[kind])
        keys[key] = track
    return keys


def _segment_keys(segments: Iterable[Segment]) -> dict[Hashable, Segment]:
    keys: dict[Hashable, Segment] = {}
    for position, segment in enumerate(segments):
        key: Hashable = ("id", segment.id) if segment.id is not None else ("at", position)
        keys.setdefault(key, segment)
    return keys


def _segment_changes(before: Track | None, after: Track | None) -> list[Change]:
    track = after or before
    assert track is not None
    old = _segment_keys(before.segments if before else ())
    new = _segment_keys(after.segments if after else ())
    out: list[Change] = []
    for key, segment in old.items():
        if key not in new:
            text = f"{track.label} removed: {segment.describe(track.type)}"
            out.append(Change("removed", "segment", text, track, before=segment))
    for key, segment in new.items():
        previous = old.get(key)
        if previous is None:
            text = f"{track.label} added: {segment.describe(track.type)}"
            out.append(Change("added", "segment", text, track, after=segment))
        elif previous.raw != segment.raw:
            was, now = previous.describe(track.type), segment.describe(track.type)
            text = (
                f"{track.label} changed: {was} -> {now}"
                if was != now
                else (f"{track.label} changed: {now}")
            )
            out.append(Change("changed", "segment", text, track, previous, segment))
    return out


def draft_changes(before: Draft | None, after: Draft | None) -> list[Change]:
    """Every change from ``before`` to ``after`` (either may be ``None``), in track order."""
    old = _track_keys(before.tracks if before else ())
    new = _track_keys(after.tracks if after else ())
    out: list[Change] = []
    for key, track in old.items():
        if key not in new:
            if not track.segments:
                out.append(Change("removed", "track", f"{track.label} track removed", track))
            out.extend(_segment_changes(track, None))
    for key, track in new.items():
        previous = old.get(key)
        if previous is None and not track.segments:
            out.append(Change("added", "track", f"{track.label} track added", track))
        elif previous is None or previous.to_dict() != track.to_dict():
            segment_changes = _segment_changes(previous, track)
            if segment_changes:
                out.extend(segment_changes)
            elif previous is not None:
                out.append(Change("changed", "track", f"{track.label} track changed", track))
    old_end = before.duration_ms if before else None
    new_end = after.duration_ms if after else None
    if old_end != new_end and old_end and new_end is not None:
        text = f"Duration changed: {seconds_text(old_end)}s -> {seconds_text(new_end)}s"
        out.append(Change("changed", "draft", text))
    return out

"""The timeline draft (``state.draft``): tracks of segments, kept losslessly.

The service writes the draft in short keys (``t`` tracks, ``tt`` track type, ``sg``
segments, ``d`` duration in ms, ``m`` metadata) and sends it back on export, so the
decoder keeps every key it does not know and every value it cannot read as it came:
``Draft.from_dict(x).to_dict() == x`` for any JSON object ``x``. These exact forms
are also the converter's hooks, so a draft inside any other model's `to_dict` is
the service's own JSON.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping
from typing import Any, Self

import attrs

from ._converter import ExactModel

__all__ = ["Draft", "Segment", "Track", "TrackType"]

_SUMMARY_SEGMENTS = 4


class TrackType(enum.IntEnum):
    """The documented track types (``tt``); other numbers are kept as plain ints."""

    VIDEO = 0
    AUDIO = 1
    TEXT = 7


_KNOWN_TYPES = frozenset(member.value for member in TrackType)
_TYPE_LABELS = {TrackType.VIDEO: "Video", TrackType.AUDIO: "Audio", TrackType.TEXT: "Title"}


_MAX_NUMBER = 1e15
"""Timeline numbers (ms, volumes) beyond this read as absent: about 31,700 years of
milliseconds, far past any real timeline, and small enough that sums and scales of
them stay finite."""


def _is_number(value: Any) -> bool:
    """A number a timeline reader uses: finite and at most `_MAX_NUMBER` either way."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return -_MAX_NUMBER <= value <= _MAX_NUMBER  # False for NaN as well


def _is_object_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _first(raw: Mapping[str, Any], keys: tuple[str, ...], kind: str) -> Any:
    for key in keys:
        value = raw.get(key)
        if kind == "number" and _is_number(value):
            return value
        if kind == "text" and isinstance(value, str):
            return value
    return None


def _in_order(fields: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """``fields`` with the keys of ``order`` first, as they came, then the rest."""
    out = {key: fields[key] for key in order if key in fields}
    out.update((key, value) for key, value in fields.items() if key not in out)
    return out


def seconds_text(ms: float) -> str:
    seconds = ms / 1000
    text = f"{seconds:.1f}".rstrip("0").rstrip(".")
    return text or "0"


@attrs.frozen(repr=False)
class Segment(ExactModel):
    """One piece of a track: a clip, a sound, a caption.

    Segment fields are undocumented, so a segment is its raw JSON object plus
    readers that try the spellings seen in the wild (``s``/``start``, ``d``/``dur``...).
    """

    raw: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """A segment from its JSON object (deep-copied)."""
        return cls(copy.deepcopy(dict(data)))

    def to_dict(self) -> dict[str, Any]:
        """The segment's JSON object, exactly as it came."""
        return copy.deepcopy(self.raw)

    @property
    def id(self) -> str | None:
        """The segment's id, when it has one."""
        value = self.raw.get("id")
        return str(value) if _is_number(value) or isinstance(value, str) else None

    @property
    def name(self) -> str | None:
        """Its name (``n``, ``name``, ``title`` or ``label``)."""
        value: str | None = _first(self.raw, ("n", "name", "title", "label"), "text")
        return value

    @property
    def text(self) -> str | None:
        """The words of a text segment (``tx``, ``text`` or ``content``)."""
        value: str | None = _first(self.raw, ("tx", "text", "content"), "text")
        return value

    @property
    def start_ms(self) -> float | None:
        """Where it starts on the timeline, in ms."""
        value: float | None = _first(
            self.raw, ("s", "st", "start", "start_ms", "startTime"), "number"
        )
        return value

    @property
    def duration_ms(self) -> float | None:
        """How long it lasts, in ms (read, or end minus start)."""
        value: float | None = _first(self.raw, ("d", "dur", "duration", "duration_ms"), "number")
        if value is not None:
            return value
        end: float | None = _first(self.raw, ("e", "end", "end_ms", "endTime"), "number")
        start = self.start_ms
        return end - start if end is not None and start is not None else None

    @property
    def end_ms(self) -> float | None:
        """Where it ends on the timeline, in ms (read, or start plus duration)."""
        value: float | None = _first(self.raw, ("e", "end", "end_ms", "endTime"), "number")
        if value is not None:
            return value
        duration: float | None = _first(self.raw, ("d", "dur", "duration", "duration_ms"), "number")
        if duration is None:
            return None
        return (self.start_ms or 0) + duration

    @property
    def volume(self) -> float | None:
        """Its volume as a fraction (``35`` and ``0.35`` both read as 0.35)."""
        value: float | None = _first(self.raw, ("v", "vol", "volume"), "number")
        if value is None:
            return None
        return value / 100 if value > 1 else float(value)

    @property
    def source(self) -> str | None:
        """The media it plays (``src``, ``url`` or ``source``)."""
        value: str | None = _first(self.raw, ("src", "url", "source"), "text")
        return value

    def describe(self, track_type: TrackType | int | None) -> str:
        """A few words for the timeline summary: name or quoted text, span, volume."""
        if track_type == TrackType.TEXT and self.text is not None:
            label = f'"{self.text}"'
        else:
            source = self.source.rsplit("/", 1)[-1] if self.source else None
            label = self.name or self.text or source or self.id or "segment"
        details = []
        start, end = self.start_ms, self.end_ms
        if end is not None:
            details.append(f"{seconds_text(start or 0)}-{seconds_text(end)}s")
        if track_type == TrackType.AUDIO and self.volume is not None:
            details.append(f"{round(self.volume * 100)}%")
        return f"{label} ({', '.join(details)})" if details else label

    def __repr__(self) -> str:
        return f"Segment({self.describe(None)!r})"


@attrs.frozen(repr=False)
class Track(ExactModel):
    """A lane of the timeline: its type (``tt``), segments (``sg``) and other keys.

    Attributes:
        type: a [TrackType][nemovideo.TrackType], another number as it came, or ``None``
            when absent or not a number (the raw value then stays in ``extra``).
        segments: the segments, in order.
        extra: every other key of the track's JSON object, untouched.
    """

    type: TrackType | int | None = None
    segments: tuple[Segment, ...] = ()
    extra: dict[str, Any] = attrs.field(factory=dict)
    _omit_segments: bool = attrs.field(default=False, alias="_omit_segments", eq=False)
    _order: tuple[str, ...] = attrs.field(default=("tt", "sg"), alias="_order", eq=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """A track from its JSON object; unreadable values are kept in ``extra``."""
        extra = copy.deepcopy(dict(data))
        track_type: TrackType | int | None = None
        raw_type = extra.get("tt")
        if isinstance(raw_type, int) and not isinstance(raw_type, bool):
            del extra["tt"]
            track_type = TrackType(raw_type) if raw_type in _KNOWN_TYPES else raw_type
        segments: tuple[Segment, ...] = ()
        has_segments = _is_object_list(extra.get("sg"))
        if has_segments:
            segments = tuple(Segment(item) for item in extra.pop("sg"))
        return cls(track_type, segments, extra, _omit_segments=not has_segments, _order=tuple(data))

    def to_dict(self) -> dict[str, Any]:
        """The track's JSON object, exactly as it came."""
        out = copy.deepcopy(self.extra)
        if self.type is not None:
            out["tt"] = int(self.type)
        if self.segments or not self._omit_segments:
            out["sg"] = [segment.to_dict() for segment in self.segments]
        return _in_order(out, self._order)

    @property
    def name(self) -> str | None:
        """The track's own name (``n`` or ``name``), when it has one."""
        value: str | None = _first(self.extra, ("n", "name"), "text")
        return value

    @property
    def label(self) -> str:
        """Its name, else its kind: ``Video``, ``Audio``, ``Title`` or ``Track``."""
        if self.name:
            return self.name
        if isinstance(self.type, TrackType):
            return _TYPE_LABELS[self.type]
        return "Track"

    @property
    def end_ms(self) -> float | None:
        """Where its last segment ends, in ms."""
        ends = [end for end in (segment.end_ms for segment in self.segments) if end is not None]
        return max(ends) if ends else None

    def describe(self) -> str:
        """The track as one item of the timeline summary."""
        shown = [segment.describe(self.type) for segment in self.segments[:_SUMMARY_SEGMENTS]]
        hidden = len(self.segments) - len(shown)
        if hidden > 0:
            shown.append(f"(+{hidden} more)")
        return f"{self.label}: {', '.join(shown) if shown else 'empty'}"

    def __repr__(self) -> str:
        return f"Track({self.label!r}, type={self.type!r}, segments={len(self.segments)})"


@attrs.frozen(repr=False)
class Draft(ExactModel):
    """The timeline of a session, as ``state.draft`` holds it.

    ``to_dict`` gives back the decoded object exactly, key order included.

    Attributes:
        tracks: the tracks (``t``), in order.
        duration_ms: the duration (``d``) as sent, or ``None`` when absent.
        metadata: the metadata object (``m``: title, width, height...), or ``None``.
        extra: every other top-level key, and known keys whose values could not be
            read (a ``t`` that is not a list of objects, say), untouched.
    """

    tracks: tuple[Track, ...] = ()
    duration_ms: int | float | None = None
    metadata: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
    _omit_tracks: bool = attrs.field(default=False, alias="_omit_tracks", eq=False)
    _order: tuple[str, ...] = attrs.field(default=("t", "d", "m"), alias="_order", eq=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Decode a draft; never raises for a JSON object, whatever it holds."""
        extra = copy.deepcopy(dict(data))
        tracks: tuple[Track, ...] = ()
        has_tracks = _is_object_list(extra.get("t"))
        if has_tracks:
            tracks = tuple(Track.from_dict(item) for item in extra.pop("t"))
        duration = extra.pop("d") if _is_number(extra.get("d")) else None
        metadata = extra.pop("m") if isinstance(extra.get("m"), dict) else None
        return cls(
            tracks, duration, metadata, extra, _omit_tracks=not has_tracks, _order=tuple(data)
        )

    def to_dict(self) -> dict[str, Any]:
        """The draft's JSON object, exactly as it came (what an export sends)."""
        out = copy.deepcopy(self.extra)
        if self.tracks or not self._omit_tracks:
            out["t"] = [track.to_dict() for track in self.tracks]
        if self.duration_ms is not None:
            out["d"] = self.duration_ms
        if self.metadata is not None:
            out["m"] = copy.deepcopy(self.metadata)
        return _in_order(out, self._order)

    @property
    def is_exportable(self) -> bool:
        """Ready for export: at least one track with at least one segment."""
        return any(track.segments for track in self.tracks)

    @property
    def end_ms(self) -> float | None:
        """Where the timeline ends: the declared duration, else the last segment's end."""
        if self.duration_ms is not None:
            return self.duration_ms
        ends = [end for end in (track.end_ms for track in self.tracks) if end is not None]
        return max(ends) if ends else None

    @property
    def title(self) -> str | None:
        """The metadata's title, when there is one."""
        value = (self.metadata or {}).get("title")
        return value if isinstance(value, str) else None

    def summary(self) -> str:
        """The service's one-line timeline text.

        ``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)
        3. Title: "Urban Dreams" (0-3s)``
        """
        count = len(self.tracks)
        head = f"Timeline ({count} track{'' if count == 1 else 's'}):"
        if not self.tracks:
            return f"{head} empty"
        items = [f"{index}. {track.describe()}" for index, track in enumerate(self.tracks, 1)]
        return f"{head} {' '.join(items)}"

    def to_svg(self) -> str:
        """The timeline drawn as SVG: tracks as lanes, segments as bars, seconds below."""
        from .timeline_svg import draft_svg

        return draft_svg(self)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_html_(self) -> str:
        from html import escape

        return f"<div>{self.to_svg()}<p><code>{escape(self.summary())}</code></p></div>"

    def __repr__(self) -> str:
        segments = sum(len(track.segments) for track in self.tracks)
        duration = self.duration_ms
        return f"Draft(tracks={len(self.tracks)}, segments={segments}, duration_ms={duration!r})"

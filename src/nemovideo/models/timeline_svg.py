"""A draft drawn as an SVG timeline: tracks as lanes, segments as labelled bars."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol
from xml.sax.saxutils import escape

__all__ = ["draft_svg"]


class _Bar(Protocol):
    """What is drawn of a segment."""

    @property
    def start_ms(self) -> float | None: ...

    @property
    def end_ms(self) -> float | None: ...

    def describe(self, track_type: int | None) -> str: ...


class _Lane(Protocol):
    """What is drawn of a track."""

    @property
    def type(self) -> int | None: ...

    @property
    def label(self) -> str: ...

    @property
    def segments(self) -> Sequence[_Bar]: ...


class _Timeline(Protocol):
    """What is drawn of a draft (the `Draft` has it; the drawing needs nothing else)."""

    @property
    def end_ms(self) -> float | None: ...

    @property
    def tracks(self) -> Sequence[_Lane]: ...

    def summary(self) -> str: ...


WIDTH = 760
LABEL_WIDTH = 110
LANE_HEIGHT = 34
AXIS_HEIGHT = 26
COLOURS = {0: "#4c6ef5", 1: "#12b886", 7: "#f59f00"}
OTHER_COLOUR = "#868e96"


def _ticks(seconds: float) -> list[float]:
    """Round tick positions (in seconds) for an axis of this length."""
    if seconds <= 0:
        return [0.0]
    raw = seconds / 8
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(seconds / step) + 1)]


def draft_svg(draft: _Timeline) -> str:
    """The timeline as a standalone SVG document."""
    end_ms = max(draft.end_ms or 0, 1000)
    seconds = end_ms / 1000
    lanes = max(1, len(draft.tracks))
    height = AXIS_HEIGHT + lanes * LANE_HEIGHT + 8
    span = WIDTH - LABEL_WIDTH - 10

    def x(ms: float) -> float:
        return LABEL_WIDTH + span * max(0.0, min(ms, end_ms)) / end_ms

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="12" role="img">',
        f"<title>{escape(draft.summary())}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for tick in _ticks(seconds):
        tx = x(tick * 1000)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{tx:.1f}" y2="{height - 4}" '
            'stroke="#dee2e6"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{AXIS_HEIGHT - 10}" text-anchor="middle" fill="#495057">'
            f"{tick:g}s</text>"
        )
    if not draft.tracks:
        parts.append(
            f'<text x="{LABEL_WIDTH}" y="{AXIS_HEIGHT + 22}" fill="#868e96">empty timeline</text>'
        )
    for lane, track in enumerate(draft.tracks):
        top = AXIS_HEIGHT + lane * LANE_HEIGHT
        colour = (
            COLOURS.get(int(track.type), OTHER_COLOUR) if track.type is not None else OTHER_COLOUR
        )
        parts.append(
            f'<text x="6" y="{top + LANE_HEIGHT / 2 + 4:.1f}" fill="#212529" '
            f'font-weight="bold">{escape(track.label[:14])}</text>'
        )
        for segment in track.segments:
            start, stop = segment.start_ms or 0, segment.end_ms
            if stop is None or stop <= start:
                continue
            left, right = x(start), x(stop)
            width = max(2.0, right - left - 2)
            label = segment.describe(track.type)
            shown = escape(label[: max(0, int(width / 7))])
            parts.append(
                f'<g><title>{escape(label)}</title><rect x="{left + 1:.1f}" y="{top + 4}" '
                f'width="{width:.1f}" height="{LANE_HEIGHT - 8}" rx="4" fill="{colour}" '
                'opacity="0.9"/>'
                f'<text x="{left + 6:.1f}" y="{top + LANE_HEIGHT / 2 + 4:.1f}" fill="#ffffff">'
                f"{shown}</text></g>"
            )
    parts.append("</svg>")
    return "".join(parts)

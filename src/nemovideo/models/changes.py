"""What changed in a timeline between two reads of the state."""

from __future__ import annotations

from typing import Literal

import attrs

from ._converter import Model
from .draft import Segment, Track

__all__ = ["Change"]

ChangeKind = Literal["added", "removed", "changed"]


@attrs.frozen
class Change(Model):
    """One change to the draft, with a one-line human summary.

    `to_dict` gives every field, the track and segments in their own exact form.

    Attributes:
        kind: ``added``, ``removed`` or ``changed``.
        target: ``track``, ``segment`` or ``draft`` (the duration or metadata).
        summary: e.g. ``Title added: "Paradise Found" (0-3s)``.
        track: the track concerned (after the change; before it for a removal).
        before: the segment before the change (``None`` when added).
        after: the segment after the change (``None`` when removed).
    """

    kind: ChangeKind
    target: Literal["track", "segment", "draft"]
    summary: str
    track: Track | None = attrs.field(default=None, eq=False, repr=False)
    before: Segment | None = attrs.field(default=None, eq=False, repr=False)
    after: Segment | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        return self.summary

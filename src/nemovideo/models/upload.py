"""An uploaded file (E5)."""

from __future__ import annotations

from typing import Any

import attrs

from ._converter import Model
from ._fields import opt_float, opt_int, opt_str


@attrs.frozen
class Upload(Model):
    """A file the service holds for a session.

    `to_dict` gives every field but ``raw``.

    Attributes:
        filename: its name.
        file_type: ``"video"``, ``"image"`` or ``"audio"``.
        cdn_url: where the service keeps it.
        duration: seconds, for video and audio.
        width: pixels, for video and images.
        height: pixels, for video and images.
        fps: frames per second, for video.
        hash: the service's content hash.
        size: bytes, when the service says.
        raw: the JSON the service sent (empty when made by `from_dict`).
    """

    filename: str
    file_type: str | None = None
    cdn_url: str | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    hash: str | None = None
    size: int | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def from_data(cls, data: dict[str, Any], fallback_name: str = "") -> Upload:
        """Read one entry of E5's ``files``; wrong-typed fields become ``None``."""
        return cls(
            filename=opt_str(data.get("filename")) or opt_str(data.get("name")) or fallback_name,
            file_type=opt_str(data.get("file_type")),
            cdn_url=opt_str(data.get("cdn_url")) or opt_str(data.get("url")),
            duration=opt_float(data.get("duration")),
            width=opt_int(data.get("width")),
            height=opt_int(data.get("height")),
            fps=opt_float(data.get("fps")),
            hash=opt_str(data.get("hash")),
            size=opt_int(data.get("size")),
            raw=data,
        )

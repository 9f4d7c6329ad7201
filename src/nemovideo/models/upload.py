"""An uploaded file, as the upload endpoint describes it."""

from __future__ import annotations

from typing import Any

import attrs

from ._converter import Model
from .response import ResponseInfo


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
        response_info: the HTTP answer it was read from (status, headers, request
            id); ``None`` when made by `from_dict`. Not compared, not in `to_dict`.
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
    response_info: ResponseInfo | None = attrs.field(default=None, eq=False, repr=False)

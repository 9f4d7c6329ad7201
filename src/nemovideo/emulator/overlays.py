"""Text drawn over the emulator's frames: title cards, banners and captions with their
score bars, blended into a frame (the board itself is ``nemovideo.emulator.board``)."""

from __future__ import annotations

import math
from typing import Any

import attrs

from .board import TRACK, board_picture, font, medal

__all__ = ["Texts", "blend", "draw_segment_text", "draw_text"]


@attrs.define
class Texts:
    """Pre-drawn text images (RGBA) and boards (RGB), made once per text and size."""

    cache: dict[tuple[Any, ...], Any] = attrs.field(factory=dict)

    def image(
        self,
        text: str,
        width: int,
        size: int,
        card: bool,
        score: float | None = None,
        rank: int = 0,
    ) -> Any:
        """The image of ``text`` (see `draw_text`), drawn once per text and size."""
        key = (text, width, size, card, score, rank)
        if key not in self.cache:
            self.cache[key] = draw_text(text, width, size, card, score, rank)
        return self.cache[key]

    def board(self, order: int, board: dict[str, Any], width: int, height: int) -> Any:
        """The picture of a ranking board, drawn once per board and size."""
        key = ("board", order, width, height)
        if key not in self.cache:
            self.cache[key] = board_picture(board, width, height)
        return self.cache[key]


def draw_text(
    text: str, width: int, size: int, card: bool, score: float | None = None, rank: int = 0
) -> Any:
    """White text centred on a band ``width`` wide (see-through for a card, dark for a
    banner); with a ``score`` (0-100), a score bar of that length under the text, in
    the colour of the ``rank``."""
    import numpy as np
    from PIL import Image, ImageDraw

    face = font(size)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=face)
    while right - left > width * 0.92 and size > 10:
        size = int(size * 0.85)
        face = font(size)
        left, top, right, bottom = probe.textbbox((0, 0), text, font=face)
    pad = size // 2
    bar = max(2, size // 3) if score is not None else 0
    height = int(bottom - top) + 2 * pad + (bar + pad // 2 if bar else 0)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0 if card else 170))
    draw = ImageDraw.Draw(image)
    x = (width - (right - left)) // 2 - left
    draw.text((x, pad - top), text, font=face, fill=(255, 255, 255, 255))
    if score is not None:
        span = int(width * 0.8)
        x0, y0 = (width - span) // 2, height - pad - bar
        draw.rectangle((x0, y0, x0 + span, y0 + bar), fill=(*TRACK, 255))
        filled = int(span * min(100.0, max(0.0, score)) / 100)
        if filled > 0:
            draw.rectangle((x0, y0, x0 + filled, y0 + bar), fill=(*medal(rank), 255))
    return np.asarray(image)


def blend(canvas: Any, overlay: Any, x: int, y: int) -> None:
    """Lay the RGBA ``overlay`` over the RGB ``canvas`` at ``(x, y)``, in place, cut to
    the canvas."""
    import numpy as np

    if x < 0 or y < 0:  # an overlay bigger than a tiny frame: its part inside the frame
        overlay = overlay[max(0, -y) :, max(0, -x) :]
        x, y = max(0, x), max(0, y)
    h = min(overlay.shape[0], canvas.shape[0] - y)
    w = min(overlay.shape[1], canvas.shape[1] - x)
    if h <= 0 or w <= 0:
        return
    region = canvas[y : y + h, x : x + w].astype(np.float32)
    alpha = overlay[:h, :w, 3:4].astype(np.float32) / 255
    mixed = region * (1 - alpha) + overlay[:h, :w, :3].astype(np.float32) * alpha
    canvas[y : y + h, x : x + w] = mixed.astype(np.uint8)


def draw_segment_text(
    canvas: Any, raw: dict[str, Any], texts: Texts, cells: list[Any], covered: bool
) -> None:
    """A text segment: a centred title card on an empty frame; over a picture, a
    caption (a segment with a ``rank`` or ``score``) as a banner at the bottom (of its
    grid cell when it has a ``slot``), with a score bar; any other text at the top."""
    text = raw.get("tx") or raw.get("text")
    if not isinstance(text, str) or not text:
        return
    height, width = canvas.shape[:2]
    banner_size = max(10, min(width, height) // 24, height // 36)
    found = raw.get("score")
    score = float(found) if isinstance(found, int | float) and not isinstance(found, bool) else None
    if score is not None and not math.isfinite(score):
        score = None
    slot = raw.get("slot")
    found = raw.get("rank")
    rank = found if isinstance(found, int) and not isinstance(found, bool) else 0
    caption = score is not None or "rank" in raw
    if not cells and not covered:
        image = texts.image(text, width, max(16, min(width, height) // 12), True)
        blend(canvas, image, 0, (height - image.shape[0]) // 2)
    elif isinstance(slot, int) and not isinstance(slot, bool) and 0 <= slot < len(cells):
        x, y, w, h = cells[slot]
        image = texts.image(text, w, banner_size, False, score, rank)
        blend(canvas, image, x, y + h - image.shape[0])
    elif caption:
        image = texts.image(text, width, banner_size, False, score, rank)
        blend(canvas, image, 0, height - image.shape[0] - height // 20)
    else:
        image = texts.image(text, width, round(banner_size * 1.4), False)
        blend(canvas, image, 0, height // 20)

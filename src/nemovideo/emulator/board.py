"""The leaderboard's board: one picture of every ranked clip (rank, name, score bar,
the figures behind the score), drawn with Pillow at the video's size.

The board is a text segment of the draft with a ``board`` object (see
``nemovideo.emulator.leaderboard.board_segment``)::

    {"title": "Top performers",
     "rows": [{"rank": 1, "clip": "a.mp4", "score": 64.7, "why": ["motion 23", ...]}]}

Anything else in it is drawn as well as it can be (a row without a name is "clip",
a score is clipped to 0-100, at most ``MAX_ROWS`` rows are drawn). Sizes follow the
frame's short side, so the board reads the same at 1920x1080 and 1080x1920.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["MAX_CHARS", "MAX_ROWS", "board_picture", "font", "medal", "row_boxes", "text_fitted"]

MAX_ROWS = 30
"""Most rows drawn on a board, whatever the draft says."""

MAX_CHARS = 200
"""Most characters of one text drawn on a board (no row holds more)."""

BACKGROUND = (16, 20, 36)
TRACK = (58, 64, 92)
MEDALS = ((255, 196, 0), (200, 204, 216), (214, 134, 58))
BAR = (64, 160, 255)
MUTED = (170, 178, 204)


def medal(rank: int) -> tuple[int, int, int]:
    """The colour of a rank: gold, silver and bronze for the first three, then blue."""
    return MEDALS[rank - 1] if 1 <= rank <= len(MEDALS) else BAR


def font(size: int, bold: bool = True) -> Any:
    """A TrueType sans font of ``size`` pixels (DejaVu, Arial or Liberation; Pillow's
    own scalable font when none is installed)."""
    from PIL import ImageFont

    weight = ("-Bold", " Bold") if bold else ("", "")
    names = (f"DejaVuSans{weight[0]}.ttf", f"Arial{weight[1]}.ttf")
    for name in (*names, f"LiberationSans{'-Bold' if bold else '-Regular'}.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def text_fitted(draw: Any, text: str, face: Any, width: int) -> str:
    """``text`` (its first ``MAX_CHARS``), shortened with "..." until it is at most
    ``width`` pixels wide."""
    text = text[:MAX_CHARS]
    if draw.textlength(text, font=face) <= width:
        return text
    low, high = 0, len(text)  # the longest start that fits with "..."
    while low < high:
        middle = (low + high + 1) // 2
        if draw.textlength(text[:middle] + "...", font=face) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "..." if low else ""


def _unit(height: int, width: int) -> int:
    return min(width, height)


def _columns(count: int, width: int, height: int) -> int:
    most = 10 if width > height else 16
    return 1 if count <= most else 2


def _heading(width: int, height: int) -> tuple[int, int]:
    """The margin around the board and the heading's font size."""
    unit = _unit(height, width)
    return max(2, round(unit * 0.04)), max(8, round(unit * 0.06))


def row_boxes(count: int, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The (x, y, w, h) of each of ``count`` rows, by rank, on a board of this size:
    one column (two past 10 rows in landscape, 16 in portrait), under the heading."""
    count = min(count, MAX_ROWS)
    if count <= 0:
        return []
    margin, heading = _heading(width, height)
    columns = _columns(count, width, height)
    per_column = math.ceil(count / columns)
    top = margin + round(heading * 1.6)
    row_h = max(2, min((height - top - margin) // per_column, round(_unit(height, width) * 0.16)))
    column_w = (width - 2 * margin - (columns - 1) * margin) // columns
    boxes = []
    for i in range(count):
        column, line = divmod(i, per_column)
        boxes.append((margin + column * (column_w + margin), top + line * row_h, column_w, row_h))
    return boxes


def _number(value: Any, default: float = 0.0) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return default


def _rows(board: Any) -> list[dict[str, Any]]:
    found = board.get("rows") if isinstance(board, dict) else None
    rows = [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []
    return rows[:MAX_ROWS]


def board_picture(board: Any, width: int, height: int) -> Any:
    """The board as an RGB array of ``height`` x ``width``."""
    import numpy as np
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin, heading = _heading(width, height)
    title = board.get("title") if isinstance(board, dict) else None
    face = font(heading)
    shown = title if isinstance(title, str) else "Leaderboard"
    text = text_fitted(draw, shown, face, width - 2 * margin)
    draw.text((margin, margin), text, font=face, fill=(255, 255, 255))
    rows = _rows(board)
    for place, (row, box) in enumerate(zip(rows, row_boxes(len(rows), width, height), strict=True)):
        _row(draw, row, box, place)
    return np.asarray(image)


def _row(draw: Any, row: dict[str, Any], box: tuple[int, int, int, int], place: int) -> None:
    x, y, w, h = box
    rank = int(_number(row.get("rank"), place + 1))
    score = min(100.0, max(0.0, _number(row.get("score"))))
    clip = row.get("clip")
    name = clip if isinstance(clip, str) and clip else "clip"
    found = row.get("why")
    why = " · ".join(str(v)[:MAX_CHARS] for v in found[:3]) if isinstance(found, list) else ""
    colour = medal(rank)
    if place % 2 == 0:
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=(24, 29, 50))
    pad = max(1, h // 10)
    badge = min(round(h * 1.25), round(w * 0.16))
    draw.rounded_rectangle(
        (x + pad, y + pad, x + badge - pad, y + h - pad), radius=max(1, h // 6), fill=colour
    )
    size = max(6, round(min(h, badge) * 0.45))
    rank_face = font(size)
    widest = f"#{rank}" if rank >= 100 else "#88"  # one size for ranks up to 99
    while size > 6 and draw.textlength(widest, font=rank_face) > badge - 3 * pad:
        size = max(6, int(size * 0.85))
        rank_face = font(size)
    draw.text((x + badge / 2, y + h / 2), f"#{rank}", font=rank_face, fill=BACKGROUND, anchor="mm")
    left = x + badge + pad * 2
    if w - badge > h * 7:  # wide: name and figures, then the bar and the score at the right
        name_face, why_face = font(max(6, round(h * 0.4))), font(max(5, round(h * 0.28)), False)
        bar_x, bar_w = x + round(w * 0.55), round(w * 0.33)
        bar_y, bar_h = y + h // 2 - h // 7, max(2, round(h * 0.28))
        score_x = bar_x + bar_w + pad * 2
        text_w = bar_x - left - pad * 2
        draw.text((left, y + pad), text_fitted(draw, name, name_face, text_w), font=name_face)
        draw.text(
            (left, y + h - pad),
            text_fitted(draw, why, why_face, text_w),
            font=why_face,
            fill=MUTED,
            anchor="ld",
        )
    else:  # narrow: name and score, the bar, then the figures, one under the other
        name_face, why_face = font(max(6, round(h * 0.27))), font(max(5, round(h * 0.19)), False)
        score_w = round(draw.textlength("100.0", font=name_face)) + pad
        bar_x, bar_w = left, x + w - left - pad
        bar_y, bar_h = y + round(h * 0.45), max(2, round(h * 0.16))
        score_x = x + w - score_w
        shown = text_fitted(draw, name, name_face, score_x - left - pad)
        draw.text((left, y + pad), shown, font=name_face)
        draw.text(
            (left, y + h - pad),
            text_fitted(draw, why, why_face, bar_w),
            font=why_face,
            fill=MUTED,
            anchor="ld",
        )
    draw.rectangle((bar_x, bar_y, bar_x + bar_w, bar_y + bar_h), fill=TRACK)
    filled = round(bar_w * score / 100)
    if filled > 0:
        draw.rectangle((bar_x, bar_y, bar_x + filled, bar_y + bar_h), fill=colour)
    if w - badge > h * 7:
        draw.text((score_x, y + h / 2), f"{score:.1f}", font=name_face, anchor="lm")
    else:
        draw.text((x + w - pad, y + pad), f"{score:.1f}", font=name_face, anchor="ra")

"""The agent's ranking: clips scored by engagement, and the leaderboard draft built
from the ranking (a title card, the top clips in order or side by side, each with its
rank, name and score, then a board of every ranked clip)."""

from __future__ import annotations

import re
from typing import Any

from .edits import is_ranking
from .script import Events

__all__ = [
    "BOARD_MS",
    "BOARD_ROWS",
    "CLIP_MS",
    "GRID_MS",
    "GRID_SIZE",
    "TITLE_MS",
    "board_segment",
    "leaderboard_draft",
    "rank",
    "rank_clips",
]

TITLE_MS = 3000
"""Length of the leaderboard's title card."""

CLIP_MS = 5000
"""Longest a clip plays in the ``sequence`` layout."""

GRID_MS = 6000
"""Longest the clips play together in the ``grid`` layout."""

GRID_SIZE = 4
"""How many clips the ``grid`` layout shows."""

BOARD_MS = 5000
"""Length of the board of every ranked clip that ends the leaderboard."""

BOARD_ROWS = 20
"""Most rows on the board (the best ``BOARD_ROWS`` clips of a longer ranking)."""

_SHOWN = {
    "motion": lambda m: f"motion {_figure(m, 'motion'):.0f}",
    "cuts": lambda m: f"{_figure(m, 'cuts_per_minute'):.0f} cuts/min",
    "brightness": lambda m: f"brightness {_figure(m, 'brightness'):.0f}",
    "contrast": lambda m: f"contrast {_figure(m, 'contrast'):.0f}",
    "colourfulness": lambda m: f"colour {_figure(m, 'colourfulness'):.0f}",
    "loudness": lambda m: f"loudness {_figure(m, 'loudness_dbfs'):.0f} dB",
    "sound": lambda m: f"sound {100 * (1 - _figure(m, 'silence_ratio')):.0f}%",
    "hook": lambda m: f"hook {_figure(m, 'hook'):.0f}",
    "length": lambda m: f"{_figure(m, 'duration_s'):g} s long",
    "resolution": lambda m: f"{_figure(m, 'width'):.0f} px wide",
    "frame rate": lambda m: f"{_figure(m, 'fps'):g} fps",
}
"""How a board shows the figure behind each kind of score points."""


def _figure(metrics: dict[str, Any], name: str) -> float:
    value = metrics.get(name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _metadata_points(info: dict[str, Any]) -> tuple[dict[str, float], dict[str, Any]]:
    """Score points from upload metadata alone, and the figures behind them."""
    duration = float(info.get("duration") or 0)
    pixels = float(info.get("width") or 0) * float(info.get("height") or 0)
    fps = float(info.get("fps") or 0)
    points = {
        "length": max(0.0, 60 - abs(duration - 15) * 4) if duration > 0 else 0.0,
        "resolution": 25 * min(1.0, pixels / (1920 * 1080)),
        "frame rate": 15 * min(1.0, fps / 30),
    }
    return points, {"duration_s": duration, "width": info.get("width"), "fps": fps}


def _clip_name(info: dict[str, Any], index: int) -> str:
    name = info.get("filename")
    return name if isinstance(name, str) and name else f"clip {index + 1}"


def rank_clips(
    video_infos: list[Any], analyses: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Rank the session's videos by engagement score, best first.

    ``analyses`` maps a clip's ``cdn_url`` to its measured figures and ``score`` (see
    ``nemovideo.emulator.analysis``), maybe with the ``points`` each figure earned. A
    clip without one (not a local upload) is scored from its upload metadata instead:
    60 points for a length near 15 s, 25 for resolution, 15 for frame rate. Each item
    keeps its ``points`` and ``index`` (the ranking that is sent leaves them out).
    """
    ranked: list[dict[str, Any]] = []
    for index, info in enumerate(video_infos):
        if not isinstance(info, dict) or info.get("file_type", "video") != "video":
            continue
        measured = (analyses or {}).get(str(info.get("cdn_url")))
        if measured is not None:
            metrics = {k: v for k, v in measured.items() if k not in ("score", "points")}
            score = float(measured["score"])
            found = measured.get("points")
            points = dict(found) if isinstance(found, dict) else {}
        else:
            points, metrics = _metadata_points(info)
            score = sum(points.values())
        ranked.append(
            {
                "clip": _clip_name(info, index),
                "score": round(score, 1),
                "metrics": metrics,
                "cdn_url": info.get("cdn_url"),
                "index": index,
                "points": points,
            }
        )
    ranked.sort(key=lambda item: (-item["score"], item["index"]))
    for place, item in enumerate(ranked, 1):
        item["rank"] = place
    return ranked


def _clip_ms(item: dict[str, Any], limit: int) -> int:
    seconds = float(item["metrics"].get("duration_s") or 0)
    return int(min(limit, seconds * 1000)) if seconds > 0 else limit


def _why(item: dict[str, Any], most: int = 3) -> list[str]:
    """The figures that earned the clip most of its score (a point or more each), best
    first, at most ``most``."""
    points = item.get("points")
    earned = points if isinstance(points, dict) else {}
    chosen = sorted(
        (name for name in earned if name in _SHOWN and _figure(earned, name) >= 1),
        key=lambda name: -_figure(earned, name),
    )[:most]
    return [_SHOWN[name](item["metrics"]) for name in chosen]


def board_segment(ranked: list[dict[str, Any]], start: int, title: str) -> dict[str, Any]:
    """The board that ends a leaderboard: a text segment (``tt`` 7) whose ``board``
    lists every ranked clip (at most ``BOARD_ROWS``) with its rank, name, score and the
    figures that drove the score; the renderer draws it, ``tx`` names it in summaries."""
    rows = [
        {"rank": item["rank"], "clip": item["clip"], "score": item["score"], "why": _why(item)}
        for item in ranked[:BOARD_ROWS]
    ]
    return {
        "id": "board",
        "tx": f"Leaderboard: {len(rows)} clips",
        "s": start,
        "d": BOARD_MS,
        "board": {"title": title, "rows": rows},
    }


def leaderboard_draft(
    ranked: list[dict[str, Any]],
    top: int,
    width: int,
    height: int,
    layout: str = "sequence",
    title: str = "Top performers",
) -> dict[str, Any]:
    """A timeline built from a ranking: a title card, then the top clips in order with
    a rank, name and score caption each and their audio (``sequence``), or the top four
    side by side for ``GRID_MS`` with theirs (``grid``); then, for ``BOARD_MS``, the
    board of every ranked clip (``board_segment``)."""
    video: list[dict[str, Any]] = []
    overlays: list[dict[str, Any]] = []
    audio: list[dict[str, Any]] = []
    at = TITLE_MS
    chosen = ranked[: min(top, GRID_SIZE) if layout == "grid" else top]
    for slot, item in enumerate(chosen):
        length = _clip_ms(item, GRID_MS if layout == "grid" else CLIP_MS)
        base = {"s": at, "d": length}
        label = f"#{item['rank']} {item['clip']} - {item['score']:g}"
        place = item["rank"]
        video.append({"id": f"clip-{place}", "n": item["clip"], "src": item["cdn_url"], **base})
        overlay = {"id": f"rank-{place}", "tx": label, "rank": place, "score": item["score"]}
        overlay.update(base)
        volume = 1.0 if layout != "grid" or slot == 0 else 0.25
        audio.append(
            {"id": f"audio-{place}", "n": item["clip"], "src": item["cdn_url"], "v": volume, **base}
        )
        if layout == "grid":
            overlay["slot"] = slot
        else:
            at += length
        overlays.append(overlay)
    end = at + max((v["d"] for v in video), default=0) if layout == "grid" else at
    meta = {"title": title, "width": width, "height": height, "layout": layout}
    return {
        "t": [
            {"tt": 0, "n": "Clips", "sg": video},
            {"tt": 7, "n": "Title", "sg": [{"id": "title", "tx": title, "s": 0, "d": TITLE_MS}]},
            {"tt": 7, "n": "Ranks", "sg": overlays},
            {"tt": 7, "n": "Board", "sg": [board_segment(ranked, end, title)]},
            {"tt": 1, "n": "Clip audio", "sg": audio},
        ],
        "d": end + BOARD_MS,
        "m": meta,
    }


def _canvas(message: str, draft: dict[str, Any]) -> tuple[int, int]:
    """The leaderboard's size: the draft's, turned when the message asks for portrait
    or landscape."""
    found = draft.get("m")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    width, height = int(meta.get("width") or 1920), int(meta.get("height") or 1080)
    if re.search(r"\b(portrait|vertical|9:16|1080x1920)\b|竖屏", message, re.I):
        return min(width, height), max(width, height)
    if re.search(r"\b(landscape|horizontal|16:9|1920x1080)\b|横屏", message, re.I):
        return max(width, height), min(width, height)
    return width, height


def _title(draft: dict[str, Any]) -> str | None:
    """The text of the draft's title (a text track that is not a ranking's), if any."""
    found = draft.get("t")
    for track in found if isinstance(found, list) else []:
        if isinstance(track, dict) and track.get("tt") == 7 and not is_ranking(track):
            for segment in track.get("sg") or []:
                text = segment.get("tx") if isinstance(segment, dict) else None
                if isinstance(text, str) and text.strip():
                    return text.strip()
    return None


def rank(message: str, draft: dict[str, Any], out: Events, state: dict[str, Any]) -> str:
    """Rank the session's videos (``state["_analyses"]``: measured figures by URL),
    replace the draft with a leaderboard (under the draft's title, if it has one), and
    put the ranking in ``video_analyses``."""
    ranked = rank_clips(state.get("video_infos") or [], state.get("_analyses"))
    if not ranked:
        return "Please upload some videos first, then ask me to rank them."
    top_match = re.search(r"top\s+(\d+)", message, re.I)
    # at most 9 digits: a longer number means "all of them" and must not reach int()
    top = max(1, int(top_match.group(1)[:9])) if top_match else min(5, len(ranked))
    layout = "grid" if re.search(r"\bgrid\b|side by side|网格", message, re.I) else "sequence"
    width, height = _canvas(message, draft)
    title = _title(draft) or "Top performers"
    draft.clear()
    draft.update(leaderboard_draft(ranked, top, width, height, layout, title))
    scores = [{k: v for k, v in item.items() if k not in ("index", "points")} for item in ranked]
    out.tool(
        "rank_videos",
        {"criteria": "engagement", "top_n": top, "layout": layout},
        {"status": "success", "rankings": scores},
        {"video_analyses": scores},
    )
    state["video_analyses"] = scores
    lines = [f"{item['rank']}. {item['clip']} - score {item['score']:g}" for item in ranked]
    shown = min(top, GRID_SIZE) if layout == "grid" else min(top, len(ranked))
    return (
        "Here is the ranking by engagement score:\n"
        + "\n".join(lines)
        + f"\nI built a leaderboard video of the top {shown}, ending on a board of all "
        f"{min(len(ranked), BOARD_ROWS)} with their scores. Click the Export button to download it."
    )

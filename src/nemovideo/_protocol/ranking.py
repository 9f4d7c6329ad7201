"""Reading a ranking out of the agent's answer (pure).

The structured shape we read, first found wins:

1. a tool result (any tool) whose ``response`` holds a list under ``rankings``,
   ``ranking``, ``results``, ``scores`` or ``videos`` (or is such a list itself);
2. the state's ``video_analyses`` list;
3. a numbered list in the reply text: ``1. clip.mp4 - score 87.5``.

Each item of a list is an object with a clip name (``clip``, ``name``, ``filename``,
``file_name``, ``file`` or ``video``), a score (``score``, ``engagement_score``,
``engagement`` or ``total``; when every score of a list is within 0-1 they are read
as fractions of 100), and maybe
``rank`` and ``metrics`` (any other keys are kept as metrics). The raw JSON is kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import attrs

from ..models.leaderboard import LeaderboardEntry
from ..models.reply import Reply
from ..models.state import SessionState
from ..models.upload import Upload

__all__ = ["read_ranking"]

_LIST_KEYS = ("rankings", "ranking", "results", "scores", "videos")
_NAME_KEYS = ("clip", "name", "filename", "file_name", "file", "video")
_SCORE_KEYS = ("score", "engagement_score", "engagement", "total")
_LINE = re.compile(
    r"^\s*#?(\d{1,9})[.):]?\s+(.+?)\s*(?:[-–—:|(]\s*)+(?:score\s*[:=]?\s*)?(\d+(?:\.\d+)?)\s*(?:/\s*100)?\)?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _first(item: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        if key in item:
            return item[key]
    return None


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):  # NaN, or a score past a float's range
        return None
    return number


def _scaled(entries: list[LeaderboardEntry]) -> list[LeaderboardEntry]:
    """Scores given as fractions (every one of them 0-1) become 0-100."""
    if entries and all(0 <= e.score <= 1 for e in entries) and any(e.score > 0 for e in entries):
        return [attrs.evolve(e, score=round(e.score * 100, 1)) for e in entries]
    return entries


def _entries(items: list[Any]) -> list[LeaderboardEntry]:
    out = []
    for item in items:
        if not isinstance(item, dict):
            return []
        name, score = _first(item, _NAME_KEYS), _score(_first(item, _SCORE_KEYS))
        if not isinstance(name, str) or score is None:
            return []
        metrics = item.get("metrics")
        if not isinstance(metrics, dict):
            skip = {*_NAME_KEYS, *_SCORE_KEYS, "rank"}
            metrics = {k: v for k, v in item.items() if k not in skip}
        rank = item.get("rank")
        out.append(
            LeaderboardEntry(
                rank=rank if isinstance(rank, int) and not isinstance(rank, bool) else 0,
                clip=name,
                score=round(max(0.0, min(100.0, score)), 3),
                metrics=metrics,
                raw=item,
            )
        )
    return _scaled(out)


def _ranked(entries: list[LeaderboardEntry]) -> list[LeaderboardEntry]:
    """Best first; ranks 1..N by the order given when complete, else by score."""
    ranks = sorted(e.rank for e in entries)
    if ranks != list(range(1, len(entries) + 1)):
        entries = sorted(entries, key=lambda e: -e.score)
        return [
            LeaderboardEntry(i, e.clip, e.score, e.metrics, e.upload, e.raw)
            for i, e in enumerate(entries, 1)
        ]
    return sorted(entries, key=lambda e: e.rank)


def _from_tools(reply: Reply) -> tuple[list[LeaderboardEntry], Any]:
    for result in reversed(reply.tool_results):
        response = result.response
        candidates = [response] if isinstance(response, list) else []
        if isinstance(response, dict):
            candidates += [response[k] for k in _LIST_KEYS if isinstance(response.get(k), list)]
        for candidate in candidates:
            entries = _entries(candidate)
            if entries:
                return entries, response
    return [], None


def _from_text(text: str) -> list[LeaderboardEntry]:
    out = []
    for match in _LINE.finditer(text):
        score = _score(match.group(3))
        if score is not None:
            out.append(LeaderboardEntry(int(match.group(1)), match.group(2).strip(), score))
    return _scaled(out)


def _match(entries: list[LeaderboardEntry], uploads: list[Upload]) -> list[LeaderboardEntry]:
    by_name = {u.filename: u for u in uploads}
    by_url = {str(u.cdn_url): u for u in uploads if u.cdn_url}
    out = []
    for entry in entries:
        raw = entry.raw if isinstance(entry.raw, dict) else {}
        upload = by_name.get(entry.clip) or by_url.get(str(raw.get("cdn_url")))
        out.append(attrs.evolve(entry, upload=upload))
    return out


def read_ranking(
    reply: Reply, state: SessionState | None, uploads: list[Upload]
) -> tuple[list[LeaderboardEntry], str, Any] | None:
    """The ranking (best first), where it was read, and its raw JSON; ``None`` if none."""
    entries, raw = _from_tools(reply)
    source = "tool_result"
    if not entries and state is not None:
        entries, raw, source = (
            _entries(state.video_analyses),
            state.video_analyses,
            "video_analyses",
        )
    if not entries:
        entries, raw, source = _from_text(reply.text), reply.text, "text"
    if not entries:
        return None
    return _match(_ranked(entries), uploads), source, raw

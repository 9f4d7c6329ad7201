"""The agent's edits of a draft: add a title or music, remove the title, shorten,
generate, and put the uploaded clips on an empty timeline.

Each edit changes the draft it is given in place, records its tool call on the turn's
``Events`` (``nemovideo.emulator.script``), and returns the agent's answer text. Edits
keep a ranking (``nemovideo.emulator.leaderboard``): its rank captions and board are
not titles, and the clips' own sound is not background music.
"""

from __future__ import annotations

import copy
import math
import re
import uuid
from typing import Any

from .script import Events

__all__ = [
    "UPLOAD_CLIP_MS",
    "add_music",
    "add_title",
    "duration_ms",
    "generate",
    "is_ranking",
    "place_uploads",
    "remove_title",
    "second_stage",
    "shorten",
    "tracks",
]


UPLOAD_CLIP_MS = 60_000
"""Longest an uploaded clip plays when the agent puts it on the timeline."""


def tracks(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """The draft's track list (made empty when missing or not a list)."""
    found = draft.get("t")
    if not isinstance(found, list):
        found = draft["t"] = []
    return found


def duration_ms(draft: dict[str, Any], fallback: int = 10_000) -> int:
    """The draft's length in milliseconds, or ``fallback`` when it has none."""
    value = draft.get("d")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return int(value)
    return fallback


def _number(value: Any) -> float:
    """A finite number, or 0."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return 0.0


def _segments(track: dict[str, Any]) -> list[dict[str, Any]]:
    found = track.get("sg")
    return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else []


def is_ranking(track: dict[str, Any]) -> bool:
    """Whether a text track belongs to a ranking (rank captions, or the board)."""
    return any("rank" in s or "board" in s for s in _segments(track))


def _is_title(track: dict[str, Any]) -> bool:
    return track.get("tt") == 7 and not is_ranking(track)


def _is_music(track: dict[str, Any], draft: dict[str, Any]) -> bool:
    """An audio track that is not the clips' own sound (same source as a video segment)."""
    if track.get("tt") != 1:
        return False
    videos = {s.get("src") for t in tracks(draft) if t.get("tt") == 0 for s in _segments(t)}
    return not any(s.get("src") in videos for s in _segments(track) if s.get("src"))


def place_uploads(draft: dict[str, Any], video_infos: Any, out: Events) -> str:
    """The session's uploaded videos, one after another with their sound, on a timeline
    that has no video yet (each at most ``UPLOAD_CLIP_MS``); the words for the answer
    ("" when nothing was placed)."""
    if any(t.get("tt") == 0 and _segments(t) for t in tracks(draft)):
        return ""
    infos = video_infos if isinstance(video_infos, list) else []
    videos = [
        i
        for i in infos
        if isinstance(i, dict)
        and i.get("file_type", "video") == "video"
        and isinstance(i.get("cdn_url"), str)
    ]
    if not videos:
        return ""
    clips: list[dict[str, Any]] = []
    sound: list[dict[str, Any]] = []
    at = 0
    for place, info in enumerate(videos, 1):
        seconds = _number(info.get("duration"))
        length = min(UPLOAD_CLIP_MS, int(seconds * 1000)) if seconds > 0 else 5000
        name = info.get("filename") if isinstance(info.get("filename"), str) else f"clip {place}"
        base = {"n": name, "src": info["cdn_url"], "s": at, "d": length}
        clips.append({"id": f"clip-{place}", **base})
        sound.append({"id": f"audio-{place}", **base, "v": 1.0})
        at += length
    all_tracks = tracks(draft)
    all_tracks[:] = [t for t in all_tracks if t.get("tt") != 0]
    all_tracks.insert(0, {"tt": 0, "n": "Clips", "sg": clips})
    all_tracks.append({"tt": 1, "n": "Clip audio", "sg": sound})
    draft["d"] = max(at, duration_ms(draft, 0))
    out.tool(
        "add_clips",
        {"count": len(clips)},
        {"status": "success", "duration_ms": at},
        {"draft_updated": True},
    )
    return f"I put your {len(clips)} clips on the timeline ({at / 1000:g}s). "


def _title_track(text: str, length_ms: int = 3000) -> dict[str, Any]:
    segment = {"id": f"title-{uuid.uuid4().hex[:8]}", "tx": text, "s": 0, "d": length_ms}
    return {"tt": 7, "n": "Title", "sg": [segment]}


def _music_track(length_ms: int) -> dict[str, Any]:
    segment = {
        "id": f"bgm-{uuid.uuid4().hex[:8]}",
        "n": "Lo-fi Chill",
        "s": 0,
        "d": length_ms,
        "v": 0.35,
        "src": "emulator://music/lofi-chill.mp3",
    }
    return {"tt": 1, "n": "BGM", "sg": [segment]}


def _quoted(text: str) -> str | None:
    match = re.search(r"[\"“'‘「]([^\"”'’」]+)[\"”'’」]", text)
    return match.group(1).strip() if match else None


def add_title(message: str, draft: dict[str, Any], out: Events) -> str:
    """A title track (the quoted text, or the words after "title"), in the place of any
    other title (a ranking's captions and board stay)."""
    title = _quoted(message)
    if title is None:
        match = re.search(r"title\s*(?:saying|that says|:|called|of)?\s*(.+)$", message, re.I)
        title = match.group(1).strip(" .!") if match and match.group(1).strip(" .!") else "Title"
    all_tracks = tracks(draft)
    where = next((i for i, t in enumerate(all_tracks) if _is_title(t)), len(all_tracks))
    kept = [t for t in all_tracks[:where] if not _is_title(t)]
    all_tracks[:] = [*kept, _title_track(title)] + [
        t for t in all_tracks[where:] if not _is_title(t)
    ]
    out.tool(
        "add_text",
        {"text_content": title, "start_ms": 0, "duration_ms": 3000},
        {"status": "success", "track_index": len(all_tracks) - 1},
        {"draft_updated": True},
    )
    return f'I added the title "{title}" at the start of your video (0-3s).'


def add_music(message: str, draft: dict[str, Any], out: Events) -> str:
    """A background music track under the whole draft, replacing any other music (the
    clips' own sound stays)."""
    all_tracks = tracks(draft)
    all_tracks[:] = [t for t in all_tracks if not _is_music(t, draft)]
    all_tracks.append(_music_track(duration_ms(draft)))
    out.tool(
        "add_background_music",
        {"style": "lo-fi", "volume": 0.35},
        {"status": "success", "track": "Lo-fi Chill"},
        {"draft_updated": True},
    )
    return "I added some background music (Lo-fi Chill at 35% volume) under the whole video."


def remove_title(message: str, draft: dict[str, Any], out: Events) -> str:
    """Every title removed (a ranking's captions and board stay)."""
    all_tracks = tracks(draft)
    before = len(all_tracks)
    all_tracks[:] = [t for t in all_tracks if not _is_title(t)]
    out.tool(
        "remove_text", {"all": True}, {"status": "success", "removed": before - len(all_tracks)}, {}
    )
    return "I removed the title." if before != len(all_tracks) else "There was no title to remove."


def _board(draft: dict[str, Any]) -> dict[str, Any] | None:
    """A ranking's board segment, if the draft has one."""
    boards = (s for t in tracks(draft) if t.get("tt") == 7 for s in _segments(t) if "board" in s)
    return next(boards, None)


def shorten(message: str, draft: dict[str, Any], out: Events) -> str:
    """The draft cut to half its length (at least one second); a ranking's board stays
    whole at the end, after the rest cut to half."""
    if not any(isinstance(t.get("sg"), list) and t["sg"] for t in tracks(draft)):
        return "There is nothing on the timeline to shorten yet."
    board = _board(draft)
    body = int(_number(board.get("s"))) if board is not None else duration_ms(draft)
    new_end = max(1000, body // 2)
    for track in tracks(draft):
        segments = track.get("sg")
        if not isinstance(segments, list):
            continue
        kept = []
        for segment in segments:
            if board is not None and segment is board:
                board["s"] = new_end
                kept.append(segment)
                continue
            start = segment.get("s", 0) if isinstance(segment.get("s"), int | float) else 0
            if start >= new_end:
                continue
            length = segment.get("d")
            if isinstance(length, int | float) and start + length > new_end:
                segment["d"] = new_end - start
            kept.append(segment)
        track["sg"] = kept
    total = new_end + int(_number(board.get("d"))) if board is not None else new_end
    draft["d"] = total
    out.tool(
        "trim_timeline", {"duration_ms": total}, {"status": "success"}, {"draft_updated": True}
    )
    return f"I trimmed the video to {total / 1000:g} seconds."


def generate(message: str, draft: dict[str, Any], out: Events) -> str:
    """A generated 10-second video of the subject after "video of", replacing the video
    track (its post-production comes later, see ``second_stage``)."""
    match = re.search(r"(?:video|clip)\s+(?:of|about|showing)\s+(.+)$", message, re.I)
    subject = match.group(1).strip(" .!") if match else "your idea"
    segment = {
        "id": f"gen-{uuid.uuid4().hex[:8]}",
        "n": subject,
        "s": 0,
        "d": 10_000,
        "src": f"emulator://generated/{uuid.uuid4().hex[:12]}.mp4",
    }
    all_tracks = tracks(draft)
    all_tracks[:] = [t for t in all_tracks if t.get("tt") != 0]
    all_tracks.insert(0, {"tt": 0, "n": "Video", "sg": [segment]})
    draft["d"] = 10_000
    out.tool(
        "generate_video",
        {"prompt": subject, "duration_s": 10},
        {"status": "success", "url": segment["src"]},
        {"draft_updated": True},
    )
    return (
        f"I generated a 10-second video of {subject}. Post-production (music and a "
        "title) is being added automatically."
    )


def second_stage(draft: dict[str, Any], subject: str) -> dict[str, Any]:
    """The automatic post-production after a generation: music and a title."""
    after = copy.deepcopy(draft)
    all_tracks = tracks(after)
    if not any(t.get("tt") == 1 for t in all_tracks):
        all_tracks.append(_music_track(duration_ms(after)))
    if not any(t.get("tt") == 7 for t in all_tracks):
        all_tracks.append(_title_track(subject.title()))
    return after

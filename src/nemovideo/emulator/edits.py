"""The agent's edits of a draft: add a title or music, remove the title, shorten, generate.

Each edit changes the draft it is given in place, records its tool call on the turn's
``Events`` (``nemovideo.emulator.script``), and returns the agent's answer text.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from .script import Events

__all__ = [
    "add_music",
    "add_title",
    "duration_ms",
    "generate",
    "remove_title",
    "second_stage",
    "shorten",
    "tracks",
]


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
    """A title track (the quoted text, or the words after "title"), replacing any other."""
    title = _quoted(message)
    if title is None:
        match = re.search(r"title\s*(?:saying|that says|:|called|of)?\s*(.+)$", message, re.I)
        title = match.group(1).strip(" .!") if match and match.group(1).strip(" .!") else "Title"
    all_tracks = tracks(draft)
    all_tracks[:] = [t for t in all_tracks if t.get("tt") != 7]
    all_tracks.append(_title_track(title))
    out.tool(
        "add_text",
        {"text_content": title, "start_ms": 0, "duration_ms": 3000},
        {"status": "success", "track_index": len(all_tracks) - 1},
        {"draft_updated": True},
    )
    return f'I added the title "{title}" at the start of your video (0-3s).'


def add_music(message: str, draft: dict[str, Any], out: Events) -> str:
    """A background music track under the whole draft, replacing any other."""
    all_tracks = tracks(draft)
    all_tracks[:] = [t for t in all_tracks if t.get("tt") != 1]
    all_tracks.append(_music_track(duration_ms(draft)))
    out.tool(
        "add_background_music",
        {"style": "lo-fi", "volume": 0.35},
        {"status": "success", "track": "Lo-fi Chill"},
        {"draft_updated": True},
    )
    return "I added some background music (Lo-fi Chill at 35% volume) under the whole video."


def remove_title(message: str, draft: dict[str, Any], out: Events) -> str:
    """Every text track removed."""
    all_tracks = tracks(draft)
    before = len(all_tracks)
    all_tracks[:] = [t for t in all_tracks if t.get("tt") != 7]
    out.tool(
        "remove_text", {"all": True}, {"status": "success", "removed": before - len(all_tracks)}, {}
    )
    return "I removed the title." if before != len(all_tracks) else "There was no title to remove."


def shorten(message: str, draft: dict[str, Any], out: Events) -> str:
    """The draft cut to half its length (at least one second)."""
    if not any(isinstance(t.get("sg"), list) and t["sg"] for t in tracks(draft)):
        return "There is nothing on the timeline to shorten yet."
    new_end = max(1000, duration_ms(draft) // 2)
    for track in tracks(draft):
        segments = track.get("sg")
        if not isinstance(segments, list):
            continue
        kept = []
        for segment in segments:
            start = segment.get("s", 0) if isinstance(segment.get("s"), int | float) else 0
            if start >= new_end:
                continue
            length = segment.get("d")
            if isinstance(length, int | float) and start + length > new_end:
                segment["d"] = new_end - start
            kept.append(segment)
        track["sg"] = kept
    draft["d"] = new_end
    out.tool(
        "trim_timeline", {"duration_ms": new_end}, {"status": "success"}, {"draft_updated": True}
    )
    return f"I trimmed the video to {new_end / 1000:g} seconds."


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

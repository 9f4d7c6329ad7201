"""The emulator's agent: a small deterministic, rule-based editor of the session draft.

It understands a handful of requests ("add a title ...", "add background music",
"remove the title", "make it shorter", "generate a video of ...", "rank these
videos by ...") and answers them as the service does, as a script of steps that
the ``/run_sse`` route plays: ADK events to send, heartbeats, pauses, and the
draft changes to apply. Nothing here does I/O.
"""

from __future__ import annotations

import copy
import re
import time
import uuid
from typing import Any

import attrs

__all__ = [
    "EDIT_CREDITS",
    "Apply",
    "Beat",
    "Crash",
    "Drop",
    "Emit",
    "Pause",
    "TurnOptions",
    "TurnScript",
    "plan_turn",
]

EDIT_CREDITS = 50
"""What an edit costs, like the service's typical edit."""

TEXT_CREDITS = 5
"""What a turn without an edit costs."""

AGENT_NAME = "nemo_agent"


@attrs.frozen
class Emit:
    """Send one event (a dict in ADK's camelCase shape)."""

    event: dict[str, Any]


@attrs.frozen
class Beat:
    """Send a heartbeat (an empty ``data:`` line)."""


@attrs.frozen
class Pause:
    """Wait this many seconds before the next step."""

    seconds: float


@attrs.frozen
class Apply:
    """Set the session's draft (and other state keys) to these values."""

    draft: dict[str, Any] | None = None
    state: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Drop:
    """Cut the connection here; the steps after it still run (the edit finishes)."""


@attrs.frozen
class Crash:
    """Send the crash frame ``{"error": ..., "error_details": ...}`` and end."""

    error: str = "RuntimeError: the agent crashed"


Step = Emit | Beat | Pause | Apply | Drop | Crash


@attrs.frozen
class TurnOptions:
    """How the next turn misbehaves (tests arm these through the emulator).

    Attributes:
        silent: tool calls only, no text.
        heartbeat_every: seconds between heartbeats while the turn "thinks"
            (``None``: no heartbeats).
        think_seconds: how long the turn thinks before answering.
        pause: an extra pause (seconds) before the last event.
        drop: cut the connection after the first event, but finish the edit.
        crash: end with a crash frame carrying this text.
        error_event: send an ``errorCode``/``errorMessage`` event mid-turn.
        second_stage_seconds: delay of the second stage of a generation.
    """

    silent: bool = False
    heartbeat_every: float | None = None
    think_seconds: float = 0.0
    pause: float = 0.0
    drop: bool = False
    crash: str | None = None
    error_event: bool = False
    second_stage_seconds: float = 3.0


@attrs.frozen
class TurnScript:
    """What a turn does: its steps, its cost, and a later second stage (if any)."""

    steps: tuple[Step, ...]
    credits: int
    second_stage: tuple[float, Apply] | None = None


# -- building events -----------------------------------------------------------------


@attrs.define
class _Events:
    invocation: str = attrs.field(factory=lambda: f"e-{uuid.uuid4()}")
    steps: list[Step] = attrs.field(factory=list)

    def _base(self) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "invocationId": self.invocation,
            "author": AGENT_NAME,
            "timestamp": time.time(),
        }

    def text(self, words: str, *, pieces: int = 3) -> None:
        base = self._base()
        size = max(1, -(-len(words) // pieces))
        for start in range(0, len(words), size):
            piece = {**base, "partial": True}
            piece["content"] = {"role": "model", "parts": [{"text": words[start : start + size]}]}
            self.steps.append(Emit(piece))
        self.steps.append(Emit({**base, "content": {"role": "model", "parts": [{"text": words}]}}))

    def tool(self, name: str, args: dict[str, Any], response: Any, delta: dict[str, Any]) -> None:
        call_id = f"adk-{uuid.uuid4()}"
        call = {"functionCall": {"id": call_id, "name": name, "args": args}}
        self.steps.append(Emit({**self._base(), "content": {"role": "model", "parts": [call]}}))
        result = {"functionResponse": {"id": call_id, "name": name, "response": response}}
        event: dict[str, Any] = {**self._base(), "content": {"role": "user", "parts": [result]}}
        if delta:
            event["actions"] = {"stateDelta": delta}
        self.steps.append(Emit(event))

    def error(self, code: str, message: str) -> None:
        self.steps.append(Emit({**self._base(), "errorCode": code, "errorMessage": message}))


# -- the draft -----------------------------------------------------------------------


def _tracks(draft: dict[str, Any]) -> list[dict[str, Any]]:
    tracks = draft.get("t")
    if not isinstance(tracks, list):
        tracks = draft["t"] = []
    return tracks


def _duration(draft: dict[str, Any], fallback: int = 10_000) -> int:
    value = draft.get("d")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return int(value)
    return fallback


def _title_track(text: str, duration_ms: int = 3000) -> dict[str, Any]:
    segment = {"id": f"title-{uuid.uuid4().hex[:8]}", "tx": text, "s": 0, "d": duration_ms}
    return {"tt": 7, "n": "Title", "sg": [segment]}


def _music_track(duration_ms: int) -> dict[str, Any]:
    segment = {
        "id": f"bgm-{uuid.uuid4().hex[:8]}",
        "n": "Lo-fi Chill",
        "s": 0,
        "d": duration_ms,
        "v": 0.35,
        "src": "emulator://music/lofi-chill.mp3",
    }
    return {"tt": 1, "n": "BGM", "sg": [segment]}


def _quoted(text: str) -> str | None:
    match = re.search(r"[\"“'‘「]([^\"”'’」]+)[\"”'’」]", text)
    return match.group(1).strip() if match else None


# -- the rules -----------------------------------------------------------------------


def _add_title(message: str, draft: dict[str, Any], out: _Events) -> str:
    title = _quoted(message)
    if title is None:
        match = re.search(r"title\s*(?:saying|that says|:|called|of)?\s*(.+)$", message, re.I)
        title = match.group(1).strip(" .!") if match and match.group(1).strip(" .!") else "Title"
    tracks = _tracks(draft)
    tracks[:] = [t for t in tracks if t.get("tt") != 7]
    tracks.append(_title_track(title))
    out.tool(
        "add_text",
        {"text_content": title, "start_ms": 0, "duration_ms": 3000},
        {"status": "success", "track_index": len(tracks) - 1},
        {"draft_updated": True},
    )
    return f'I added the title "{title}" at the start of your video (0-3s).'


def _add_music(message: str, draft: dict[str, Any], out: _Events) -> str:
    tracks = _tracks(draft)
    tracks[:] = [t for t in tracks if t.get("tt") != 1]
    tracks.append(_music_track(_duration(draft)))
    out.tool(
        "add_background_music",
        {"style": "lo-fi", "volume": 0.35},
        {"status": "success", "track": "Lo-fi Chill"},
        {"draft_updated": True},
    )
    return "I added some background music (Lo-fi Chill at 35% volume) under the whole video."


def _remove_title(message: str, draft: dict[str, Any], out: _Events) -> str:
    tracks = _tracks(draft)
    before = len(tracks)
    tracks[:] = [t for t in tracks if t.get("tt") != 7]
    out.tool(
        "remove_text", {"all": True}, {"status": "success", "removed": before - len(tracks)}, {}
    )
    return "I removed the title." if before != len(tracks) else "There was no title to remove."


def _shorten(message: str, draft: dict[str, Any], out: _Events) -> str:
    if not any(isinstance(t.get("sg"), list) and t["sg"] for t in _tracks(draft)):
        return "There is nothing on the timeline to shorten yet."
    new_end = max(1000, _duration(draft) // 2)
    for track in _tracks(draft):
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


def _generate(message: str, draft: dict[str, Any], out: _Events) -> str:
    match = re.search(r"(?:video|clip)\s+(?:of|about|showing)\s+(.+)$", message, re.I)
    subject = match.group(1).strip(" .!") if match else "your idea"
    segment = {
        "id": f"gen-{uuid.uuid4().hex[:8]}",
        "n": subject,
        "s": 0,
        "d": 10_000,
        "src": f"emulator://generated/{uuid.uuid4().hex[:12]}.mp4",
    }
    tracks = _tracks(draft)
    tracks[:] = [t for t in tracks if t.get("tt") != 0]
    tracks.insert(0, {"tt": 0, "n": "Video", "sg": [segment]})
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
    tracks = _tracks(after)
    if not any(t.get("tt") == 1 for t in tracks):
        tracks.append(_music_track(_duration(after)))
    if not any(t.get("tt") == 7 for t in tracks):
        tracks.append(_title_track(subject.title()))
    return after


def _clip_name(info: dict[str, Any], index: int) -> str:
    name = info.get("filename")
    return name if isinstance(name, str) and name else f"clip {index + 1}"


def rank_clips(
    video_infos: list[Any], analyses: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Rank the session's videos by engagement score, best first.

    ``analyses`` maps a clip's ``cdn_url`` to its measured figures and ``score`` (see
    :mod:`nemovideo.emulator.analysis`). A clip without one (not a local upload) is
    scored from its upload metadata instead: 60 points for a length near 15 s, 25 for
    resolution, 15 for frame rate.
    """
    ranked: list[dict[str, Any]] = []
    for index, info in enumerate(video_infos):
        if not isinstance(info, dict) or info.get("file_type", "video") != "video":
            continue
        measured = (analyses or {}).get(str(info.get("cdn_url")))
        if measured is not None:
            metrics = {k: v for k, v in measured.items() if k != "score"}
            score = float(measured["score"])
        else:
            duration = float(info.get("duration") or 0)
            pixels = float(info.get("width") or 0) * float(info.get("height") or 0)
            fps = float(info.get("fps") or 0)
            length_score = max(0.0, 60 - abs(duration - 15) * 4) if duration > 0 else 0.0
            score = length_score + 25 * min(1.0, pixels / (1920 * 1080)) + 15 * min(1.0, fps / 30)
            metrics = {"duration_s": duration, "width": info.get("width"), "fps": fps}
        ranked.append(
            {
                "clip": _clip_name(info, index),
                "score": round(score, 1),
                "metrics": metrics,
                "cdn_url": info.get("cdn_url"),
                "index": index,
            }
        )
    ranked.sort(key=lambda item: (-item["score"], item["index"]))
    for rank, item in enumerate(ranked, 1):
        item["rank"] = rank
    return ranked


TITLE_MS = 3000
CLIP_MS = 5000
GRID_MS = 6000
GRID_SIZE = 4


def _clip_ms(item: dict[str, Any], limit: int) -> int:
    seconds = float(item["metrics"].get("duration_s") or 0)
    return int(min(limit, seconds * 1000)) if seconds > 0 else limit


def leaderboard_draft(
    ranked: list[dict[str, Any]],
    top: int,
    width: int,
    height: int,
    layout: str = "sequence",
) -> dict[str, Any]:
    """A timeline built from a ranking: a title card, then the top clips in order with
    a rank and score overlay each and their audio (``sequence``), or the top four side
    by side for ``GRID_MS`` with their scores (``grid``)."""
    video: list[dict[str, Any]] = []
    overlays: list[dict[str, Any]] = []
    audio: list[dict[str, Any]] = []
    at = TITLE_MS
    chosen = ranked[: min(top, GRID_SIZE) if layout == "grid" else top]
    for slot, item in enumerate(chosen):
        length = _clip_ms(item, GRID_MS if layout == "grid" else CLIP_MS)
        base = {"s": at, "d": length}
        label = f"#{item['rank']} {item['clip']} - {item['score']:g}"
        rank = item["rank"]
        video.append({"id": f"clip-{rank}", "n": item["clip"], "src": item["cdn_url"], **base})
        overlay = {"id": f"rank-{rank}", "tx": label, **base}
        volume = 1.0 if layout != "grid" or slot == 0 else 0.25
        audio.append(
            {"id": f"audio-{rank}", "n": item["clip"], "src": item["cdn_url"], "v": volume, **base}
        )
        if layout == "grid":
            overlay["slot"] = slot
        else:
            at += length
        overlays.append(overlay)
    end = at + max((v["d"] for v in video), default=0) if layout == "grid" else at
    title = {"id": "title", "tx": "Top performers", "s": 0, "d": TITLE_MS}
    meta = {"title": "Top performers", "width": width, "height": height, "layout": layout}
    return {
        "t": [
            {"tt": 0, "n": "Clips", "sg": video},
            {"tt": 7, "n": "Title", "sg": [title]},
            {"tt": 7, "n": "Ranks", "sg": overlays},
            {"tt": 1, "n": "Clip audio", "sg": audio},
        ],
        "d": end,
        "m": meta,
    }


def _canvas(message: str, draft: dict[str, Any]) -> tuple[int, int]:
    found = draft.get("m")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    width, height = int(meta.get("width") or 1920), int(meta.get("height") or 1080)
    if re.search(r"\b(portrait|vertical|9:16|1080x1920)\b|竖屏", message, re.I):
        return min(width, height), max(width, height)
    if re.search(r"\b(landscape|horizontal|16:9|1920x1080)\b|横屏", message, re.I):
        return max(width, height), min(width, height)
    return width, height


def _rank(message: str, draft: dict[str, Any], out: _Events, state: dict[str, Any]) -> str:
    ranked = rank_clips(state.get("video_infos") or [], state.get("_analyses"))
    if not ranked:
        return "Please upload some videos first, then ask me to rank them."
    top_match = re.search(r"top\s+(\d+)", message, re.I)
    top = max(1, int(top_match.group(1))) if top_match else min(5, len(ranked))
    layout = "grid" if re.search(r"\bgrid\b|side by side|网格", message, re.I) else "sequence"
    width, height = _canvas(message, draft)
    draft.clear()
    draft.update(leaderboard_draft(ranked, top, width, height, layout))
    scores = [{k: v for k, v in item.items() if k != "index"} for item in ranked]
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
        + f"\nI built a leaderboard video of the top {shown}. "
        "Click the Export button to download it."
    )


_RULES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"\b(rank|score|leaderboard)\b|排名|排序", re.I), _rank),
    (re.compile(r"\b(generate|create)\b.*\b(video|clip)\b|生成", re.I), _generate),
    (re.compile(r"\b(remove|delete)\b.*\btitle\b|删除标题", re.I), _remove_title),
    (re.compile(r"\btitle\b|标题", re.I), _add_title),
    (re.compile(r"\b(music|bgm|soundtrack)\b|音乐", re.I), _add_music),
    (re.compile(r"\b(shorter|shorten|trim)\b|缩短", re.I), _shorten),
)

HELP_TEXT = (
    "I can add a title, add background music, remove the title, make the video "
    "shorter, generate a video of something, or rank your uploaded videos."
)


def needs_analysis(message: str) -> bool:
    """Whether answering ``message`` means measuring the uploaded clips (a ranking)."""
    rule = next((rule for pattern, rule in _RULES if pattern.search(message)), None)
    return rule is _rank


def plan_turn(
    message: str, state: dict[str, Any], options: TurnOptions | None = None
) -> TurnScript:
    """Plan the agent's answer to ``message`` on a session ``state`` (not modified).

    For a ranking, ``state["_analyses"]`` may map clip URLs to measured figures.
    """
    options = options or TurnOptions()
    working = copy.deepcopy(state)
    found = working.get("draft")
    draft: dict[str, Any] = found if isinstance(found, dict) else {}
    working["draft"] = draft
    out = _Events()
    rule = next((rule for pattern, rule in _RULES if pattern.search(message)), None)
    if rule is None:
        reply, edited = HELP_TEXT, False
    else:
        before = copy.deepcopy(draft)
        reply = rule(message, draft, out, working) if rule is _rank else rule(message, draft, out)
        edited = draft != before or "video_analyses" in working
    tool_steps, out.steps = out.steps, []
    steps: list[Step] = []
    if options.heartbeat_every and options.think_seconds > 0:
        waited = 0.0
        while waited < options.think_seconds:
            step = min(options.heartbeat_every, options.think_seconds - waited)
            steps += [Pause(step), Beat()]
            waited += step
    elif options.think_seconds > 0:
        steps.append(Pause(options.think_seconds))
    steps += tool_steps[:1]
    if options.drop:
        steps.append(Drop())
    steps += tool_steps[1:]
    extra_state = {k: working[k] for k in ("video_analyses",) if k in working}
    working.pop("_analyses", None)
    steps.append(Apply(draft=draft, state=extra_state))
    if options.error_event:
        out.error("TOOL_WARNING", "a tool reported a recoverable problem")
    if not options.silent:
        out.text(reply)
    if options.pause:
        steps.append(Pause(options.pause))
    steps += out.steps
    if options.crash:
        steps.append(Crash(options.crash))
    second = None
    if rule is _generate:
        subject = draft["t"][0]["sg"][0]["n"] if draft.get("t") else "video"
        second = (options.second_stage_seconds, Apply(draft=second_stage(draft, subject)))
    return TurnScript(tuple(steps), EDIT_CREDITS if edited else TEXT_CREDITS, second_stage=second)

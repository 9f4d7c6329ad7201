"""The emulator's agent: a small deterministic, rule-based editor of the session draft.

It understands a handful of requests ("add a title ...", "add background music",
"remove the title", "make it shorter", "generate a video of ...", "rank these
videos by ...") and answers them as the service does, as a
``TurnScript`` (``nemovideo.emulator.script``) that the ``/run_sse`` route plays: ADK
events to send, heartbeats, pauses, and the draft changes to apply. The edits are in
``nemovideo.emulator.edits``, the ranking in ``nemovideo.emulator.leaderboard``
(``rank_clips`` and ``leaderboard_draft`` stay importable from here). Nothing here
does I/O.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from .edits import (
    add_music,
    add_title,
    generate,
    place_uploads,
    remove_title,
    second_stage,
    shorten,
)
from .leaderboard import leaderboard_draft, rank, rank_clips
from .script import Apply, Beat, Crash, Drop, Events, Pause, Step, TurnOptions, TurnScript

__all__ = [
    "EDIT_CREDITS",
    "HELP_TEXT",
    "TEXT_CREDITS",
    "leaderboard_draft",
    "needs_analysis",
    "plan_turn",
    "rank_clips",
]

EDIT_CREDITS = 50
"""What an edit costs, like the service's typical edit."""

TEXT_CREDITS = 5
"""What a turn without an edit costs."""

HELP_TEXT = (
    "I can add a title, add background music, remove the title, make the video "
    "shorter, generate a video of something, or rank your uploaded videos."
)
"""The answer to anything the rules do not understand."""

_RULES: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (re.compile(r"\b(rank|score|leaderboard)\b|排名|排序", re.I), rank),
    (re.compile(r"\b(generate|create)\b.*\b(video|clip)\b|生成", re.I), generate),
    (re.compile(r"\b(remove|delete)\b.*\btitle\b|删除标题", re.I), remove_title),
    (re.compile(r"\btitle\b|标题", re.I), add_title),
    (re.compile(r"\b(music|bgm|soundtrack)\b|音乐", re.I), add_music),
    (re.compile(r"\b(shorter|shorten|trim)\b|缩短", re.I), shorten),
)


_PLACES_UPLOADS = (add_title, add_music, shorten)
"""The edits that first put the uploaded clips on a timeline without video."""


def _rule(message: str) -> Callable[..., str] | None:
    return next((rule for pattern, rule in _RULES if pattern.search(message)), None)


def needs_analysis(message: str) -> bool:
    """Whether answering ``message`` means measuring the uploaded clips (a ranking)."""
    return _rule(message) is rank


def _thinking(options: TurnOptions) -> list[Step]:
    """Pauses for the thinking time, with a heartbeat after each when asked for."""
    if options.heartbeat_every and options.think_seconds > 0:
        steps: list[Step] = []
        waited = 0.0
        while waited < options.think_seconds:
            step = min(options.heartbeat_every, options.think_seconds - waited)
            steps += [Pause(step), Beat()]
            waited += step
        return steps
    return [Pause(options.think_seconds)] if options.think_seconds > 0 else []


def plan_turn(
    message: str, state: dict[str, Any], options: TurnOptions | None = None
) -> TurnScript:
    """Plan the agent's answer to ``message`` on a session ``state`` (not modified).

    For a ranking, ``state["_analyses"]`` may map clip URLs to measured figures. An
    edit of a timeline without video (add a title or music, shorten) first puts the
    session's uploaded clips on it.
    """
    options = options or TurnOptions()
    working = copy.deepcopy(state)
    found = working.get("draft")
    draft: dict[str, Any] = found if isinstance(found, dict) else {}
    working["draft"] = draft
    out = Events()
    rule = _rule(message)
    if rule is None:
        reply, edited = HELP_TEXT, False
    else:
        before = copy.deepcopy(draft)
        placed = ""
        if rule in _PLACES_UPLOADS:
            placed = place_uploads(draft, working.get("video_infos"), out)
        if rule is rank:
            reply = rule(message, draft, out, working)
        else:
            reply = placed + rule(message, draft, out)
        edited = draft != before or "video_analyses" in working
    tool_steps, out.steps = out.steps, []
    steps = _thinking(options)
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
    if rule is generate:
        subject = draft["t"][0]["sg"][0]["n"] if draft.get("t") else "video"
        second = (options.second_stage_seconds, Apply(draft=second_stage(draft, subject)))
    return TurnScript(tuple(steps), EDIT_CREDITS if edited else TEXT_CREDITS, second_stage=second)

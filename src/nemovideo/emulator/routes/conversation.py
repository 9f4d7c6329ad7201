"""``POST /run_sse``: the agent's turn as an ADK event stream.

A turn runs as a task of its own, so it finishes (and edits the draft) even when
the client goes away or the connection is cut on purpose; the response only relays
its frames: ``data: <compact JSON>`` and a blank line, LF, and the end of the body
ends the stream.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ..agent import needs_analysis, plan_turn
from ..analysis import analyse
from ..emulator import Emulator
from ..http import DroppedConnection, authorize, emulator_of, fail, json_body, session_missing
from ..render import source_path
from ..script import Apply, Beat, Crash, Drop, Emit, Pause, TurnScript
from ..state import SessionRecord, User
from ..validation import MAX_PROMPT_CHARS

__all__ = ["run_sse"]

_END = object()
_DROP = object()
_TASKS: set[asyncio.Task[None]] = set()


def frame(value: Any) -> bytes:
    """One SSE frame of compact JSON."""
    return (
        b"data: " + json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"
    )


HEARTBEAT = b"data: \n\n"


def crash_frame(error: str, style: Literal["json", "adk-legacy"]) -> bytes:
    """The last frame of a crashed turn, in the configured ``crash_frame_style``."""
    if style == "adk-legacy":
        return f'data: {{"error": "{error}"}}\n\n'.encode()
    return frame({"error": error, "error_details": {"emulated": True}})


def _message_text(body: dict[str, Any]) -> str | None:
    message = body.get("new_message")
    parts = message.get("parts") if isinstance(message, dict) else None
    if not isinstance(parts, list):
        return None
    texts = [p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)]
    return "\n".join(texts) if texts else None


def _apply(emulator: Emulator, record: SessionRecord, step: Apply) -> None:
    with emulator.store.lock:
        if step.draft is not None:
            record.draft = step.draft
        for name, value in step.state.items():
            setattr(record, name, value)


async def _play(
    emulator: Emulator,
    record: SessionRecord,
    user: User,
    script: TurnScript,
    out: asyncio.Queue[object],
) -> None:
    connected = True
    try:
        for step in script.steps:
            if isinstance(step, Emit) and connected:
                await out.put(frame(step.event))
            elif isinstance(step, Beat) and connected:
                await out.put(HEARTBEAT)
            elif isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Apply):
                _apply(emulator, record, step)
            elif isinstance(step, Drop) and connected:
                connected = False
                await out.put(_DROP)
            elif isinstance(step, Crash):
                if connected:
                    await out.put(crash_frame(step.error, emulator.config.crash_frame_style))
                break
    finally:
        with emulator.store.lock:
            record.turn_running = False
            user.frozen = max(0, user.frozen - script.credits)
        await out.put(_END)
    if script.second_stage is not None:
        delay, later = script.second_stage
        await asyncio.sleep(delay)
        _apply(emulator, record, later)


async def _relay(queue: asyncio.Queue[object]) -> AsyncIterator[bytes]:
    while True:
        item = await queue.get()
        if item is _END:
            return
        if item is _DROP:
            raise DroppedConnection("the turn's connection is cut on purpose")
        assert isinstance(item, bytes)
        yield item


async def _measure(emulator: Emulator, record: SessionRecord) -> dict[str, dict[str, Any]]:
    """Analyse every uploaded video of the session (in a worker thread), by URL."""
    with emulator.store.lock:
        urls = [str(i.get("cdn_url")) for i in record.video_infos if i.get("file_type") == "video"]
    uploads = emulator.folder / "uploads"

    def work() -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for url in urls:
            path = source_path(url, uploads)
            if path is not None:
                result = analyse(path)
                out[url] = {**result.metrics(), "score": result.score, "points": result.points()}
        return out

    return await anyio.to_thread.run_sync(work)


async def run_sse(request: Request) -> Response:
    """Run one turn of the rule-based agent and stream its events."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = emulator_of(request)
    body = await json_body(request)
    text = _message_text(body) if body is not None else None
    session_id = body.get("session_id") if body is not None else None
    if body is None or text is None or not isinstance(session_id, str):
        return JSONResponse({"detail": "session_id and new_message.parts[].text are required"}, 422)
    if len(text) > MAX_PROMPT_CHARS:
        return JSONResponse({"detail": f"the message is over {MAX_PROMPT_CHARS} characters"}, 422)
    record = emulator.store.session(session_id, auth.user)
    if record is None:
        return session_missing(emulator, session_id)
    user = auth.user
    analyses = await _measure(emulator, record) if needs_analysis(text) else {}
    with emulator.store.lock:
        if record.turn_running:
            return JSONResponse(
                {"detail": "a turn is already running on this session"}, status_code=409
            )
        options = emulator.next_turn_options()
        script = plan_turn(text, {**record.state(), "_analyses": analyses}, options)
        if user.available < script.credits:
            return fail(emulator, 2001, "insufficient credits")
        record.turn_running = True
        record.messages.append(text)
        user.available -= script.credits
        user.frozen += script.credits
    queue: asyncio.Queue[object] = asyncio.Queue()
    task = asyncio.get_running_loop().create_task(_play(emulator, record, user, script, queue))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(_relay(queue), media_type="text/event-stream", headers=headers)

"""Deterministic conversations, replayed from cassettes (both clients).

Record again with ``pytest tests/test_conversation_recorded.py --record-mode=rewrite``.
"""

from __future__ import annotations

from typing import Any

import pytest

from nemovideo import TextEvent, ToolCall, ToolResult

from .recorded import Api, done

pytestmark = [pytest.mark.vcr, pytest.mark.anyio]


async def talk(api: Api, session: Any, text: str) -> Any:
    opened = session.send(text)
    turn = await done(opened) if api.kind == "async" else opened
    return await done(turn.result())


async def test_edits_in_a_row_report_their_changes(api: Api) -> None:
    async with api.client(token=api.steer.user_token(credits=1000)) as client:
        session = await done(client.create_session())
        generated = await talk(api, session, "generate a video of city lights")
        titled = await talk(api, session, "add a title 'Night Drive'")
        shorter = await talk(api, session, "make it shorter")
        untitled = await talk(api, session, "remove the title")
        state = await done(session.state())
    assert [c.summary for c in generated.changes] == ["Video added: city lights (0-10s)"]
    assert [c.summary for c in titled.changes] == ['Title added: "Night Drive" (0-3s)']
    assert [c.summary for c in shorter.changes] == [
        "Video changed: city lights (0-10s) -> city lights (0-5s)",
        "Duration changed: 10s -> 5s",
    ]
    assert [c.summary for c in untitled.changes] == ['Title removed: "Night Drive" (0-3s)']
    assert state.draft is not None
    assert state.draft.summary() == "Timeline (1 track): 1. Video: city lights (0-5s)"


async def test_event_kinds_of_an_edit(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        reply = await talk(api, session, "add background music")
    kinds = [type(event).__name__ for event in reply.events]
    assert kinds[:2] == [ToolCall.__name__, ToolResult.__name__]
    assert TextEvent.__name__ in kinds
    assert all(e.raw["author"] == "nemo_agent" for e in reply.events)
    assert reply.tool_results[0].response == {"status": "success", "track": "Lo-fi Chill"}
    assert reply.text.startswith("I added some background music")


async def test_a_message_the_agent_cannot_act_on_changes_nothing(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        reply = await talk(api, session, "hello there")
        credits = await done(client.credits())
    assert reply.changes == ()
    assert reply.tool_calls == ()
    assert "I can add a title" in reply.text
    assert credits.available == 95


async def test_the_text_stream_of_an_edit(api: Api) -> None:
    async with api.client() as client:
        session = await done(client.create_session())
        opened = session.send("add a title 'Night Drive'")
        turn = await done(opened) if api.kind == "async" else opened
        if api.kind == "async":
            pieces = [text async for text in turn.text_stream]
        else:
            pieces = list(turn.text_stream)
        reply = await done(turn.result())
    assert len(pieces) >= 2
    assert "".join(pieces) == reply.text
    assert reply.text.startswith('I added the title "Night Drive"')

"""``turn.text_stream``: the agent's text as it arrives, joined by the one rule that
gives ``reply.text`` (live emulator on both clients, and event sequences fed to the
rule), and the short reprs that make ``print(event)`` readable."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemovideo import (
    AgentCrash,
    AgentError,
    AgentErrorEvent,
    AgentEvent,
    Heartbeat,
    Reply,
    SessionState,
    StateDelta,
    TextEvent,
    ToolCall,
    ToolResult,
    TurnPolicy,
    UnknownEvent,
)
from nemovideo.emulator import RunningEmulator
from nemovideo.models.reply import TextJoiner

from .recorded import done

pytestmark = pytest.mark.anyio

NOISE = "I encountered a temporary issue. Please try again."


def client_for(kind: str, emulator: RunningEmulator) -> Any:
    from nemovideo import AsyncNemoVideo, NemoVideo

    cls = NemoVideo if kind == "sync" else AsyncNemoVideo
    policy = TurnPolicy(recovery_first_wait=0.2, recovery_interval=0.2, recovery_reads=5)
    return cls(base_url=emulator.url, client_id=f"text-{kind}", turn_policy=policy)


async def closing(client: Any) -> None:
    await done(client.aclose() if hasattr(client, "aclose") else client.close())


async def opened(kind: str, session: Any, text: str) -> Any:
    sent = session.send(text)
    return await done(sent) if kind == "async" else sent


async def texts(turn: Any) -> list[str]:
    if kind_of(turn) == "async":
        return [text async for text in turn.text_stream]
    return list(turn.text_stream)


def kind_of(turn: Any) -> str:
    return "async" if hasattr(turn, "__aiter__") else "sync"


# -- against the emulator --------------------------------------------------------------


async def test_the_text_streams_in_pieces_that_join_into_the_reply(
    kind: str, emulator: RunningEmulator
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        turn = await opened(kind, session, "add a title 'Paradise Found'")
        pieces = await texts(turn)
        reply = await done(turn.result())
        await done(turn.aclose() if kind == "async" else turn.close())
    finally:
        await closing(client)
    assert len(pieces) >= 2, "partial pieces come as they arrive"
    assert "".join(pieces) == reply.text
    assert reply.text.startswith("I added the title")
    assert [c.summary for c in reply.changes] == ['Title added: "Paradise Found" (0-3s)']


async def test_events_read_first_are_not_streamed_again(
    kind: str, emulator: RunningEmulator
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        turn = await opened(kind, session, "add a title 'Sunrise'")
        if kind == "async":
            first = await turn.__anext__()
        else:
            first = next(turn)
        rest = await texts(turn)
        reply = await done(turn.result())
    finally:
        await closing(client)
    assert isinstance(first, AgentEvent)
    shown = first.text if isinstance(first, TextEvent) and first.partial else ""
    assert shown + "".join(rest) == reply.text, "the stream goes on from where the turn is"


async def test_a_crash_is_raised_from_the_text_loop(kind: str, emulator: RunningEmulator) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(crash="ValueError: emulated crash")
        turn = await opened(kind, session, "add a title 'Boom'")
        with pytest.raises(AgentError):
            await texts(turn)
        await done(turn.aclose() if kind == "async" else turn.close())
    finally:
        await closing(client)


# -- the one rule ----------------------------------------------------------------------


def text(value: str, *, id: str = "1", partial: bool = False, thought: bool = False) -> TextEvent:
    return TextEvent(id=id, text=value, partial=partial, thought=thought)


def streamed(events: list[AgentEvent]) -> str:
    joiner = TextJoiner()
    return "".join(joiner.feed(event) for event in events)


def test_pieces_then_finals_join_with_newlines_and_skip_thoughts() -> None:
    events: list[AgentEvent] = [
        Heartbeat(),
        text("Let me ", partial=True),
        text("think", partial=True, thought=True),
        text("look.", partial=True),
        text("Let me look."),
        ToolCall(name="analyze"),
        text("Done: ", id="2", partial=True),
        text("Done: 3 clips.", id="2"),
        text("", id="3"),
    ]
    assert streamed(events) == "Let me look.\nDone: 3 clips."
    assert Reply.from_events(events).text == "Let me look.\nDone: 3 clips."


def test_trailing_noise_is_held_back_and_dropped_but_shown_when_more_follows() -> None:
    answer: list[AgentEvent] = [text("Ranked."), text(NOISE, id="2")]
    assert streamed(answer) == "Ranked."
    assert Reply.from_events(answer).text == "Ranked."
    more = [*answer, text("Here is more.", id="3")]
    assert streamed(more) == f"Ranked.\n{NOISE}\nHere is more."
    assert Reply.from_events(more).text == f"Ranked.\n{NOISE}\nHere is more."
    alone: list[AgentEvent] = [text(NOISE)]
    assert streamed(alone) == Reply.from_events(alone).text == NOISE


messages = st.lists(
    st.tuples(
        st.lists(st.text(min_size=1, max_size=8), max_size=4),
        st.text(max_size=8),
        st.booleans(),
    ),
    max_size=5,
)


@given(messages)
def test_the_stream_always_joins_into_the_reply_text(
    shapes: list[tuple[list[str], str, bool]],
) -> None:
    events: list[AgentEvent] = []
    for index, (pieces, tail, noisy) in enumerate(shapes):
        whole = NOISE if noisy and not pieces else "".join(pieces) + tail
        events += [text(piece, id=str(index), partial=True) for piece in pieces]
        events.append(text(whole, id=str(index)))
        events.append(Heartbeat())
    assert streamed(events) == Reply.from_events(events).text


# -- short reprs -------------------------------------------------------------------------


def test_events_print_as_one_short_line_and_keep_their_data() -> None:
    long = "Ranking your 10 clips by engagement score, then the top five, side by side. " * 5
    event = TextEvent(text=long, partial=True)
    assert repr(event).startswith("TextEvent('Ranking your 10 clips")
    assert repr(event).endswith("…', partial=True)")
    assert len(repr(event)) <= 90
    assert event.text == long
    call = ToolCall(name="analyze_video", args={"files": [f"clip{i}.mp4" for i in range(50)]})
    assert repr(call).startswith("ToolCall(name='analyze_video', args={'files': ['clip0.mp4'")
    assert len(repr(call)) <= 90
    assert len(call.args["files"]) == 50
    assert repr(Heartbeat()) == "Heartbeat()"
    assert repr(TextEvent(text="hm", thought=True)) == "TextEvent('hm', thought=True)"
    assert (
        repr(ToolResult(name="x", response={"ok": 1})) == "ToolResult(name='x', response={'ok': 1})"
    )
    assert repr(StateDelta(delta={"b": 1, "a": 2})) == "StateDelta(keys=['a', 'b'])"
    assert repr(AgentErrorEvent(code="500", message="boom")) == (
        "AgentErrorEvent(code='500', message='boom')"
    )
    assert repr(AgentCrash(error="ValueError: x")) == "AgentCrash('ValueError: x')"
    assert repr(UnknownEvent(event="ping")) == "UnknownEvent(event='ping')"


def test_a_reply_and_a_state_print_short() -> None:
    events: list[AgentEvent] = [text("word " * 200), ToolCall(name="a"), ToolCall(name="b")]
    reply = Reply.from_events(events)
    shown = repr(reply)
    assert shown.startswith("Reply('word word")
    assert shown.endswith("…', tool_calls=2, changes=0)")
    assert len(shown) <= 100
    state = SessionState(session_id="s1", video_infos=[{"url": "x" * 1000}] * 10)
    assert repr(state) == "SessionState(session_id='s1', draft=None, media=10)"

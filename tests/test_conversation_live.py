"""Conversations with the live emulator: both clients, real streams, real timing (short)."""

from __future__ import annotations

from typing import Any

import pytest

from nemovideo import (
    AgentError,
    APIError,
    AsyncNemoVideo,
    InsufficientCreditsError,
    NemoVideo,
    SessionNotFoundError,
    TextEvent,
    TurnInProgressError,
    TurnPolicy,
    TurnTimeoutError,
)
from nemovideo.emulator import RunningEmulator

from .recorded import done

pytestmark = pytest.mark.anyio

FAST = TurnPolicy(recovery_first_wait=0.2, recovery_interval=0.2, recovery_reads=5)


def client_for(kind: str, emulator: RunningEmulator, **kwargs: Any) -> Any:
    kwargs.setdefault("turn_policy", FAST)
    kwargs.setdefault("client_id", f"live-{kind}")
    if kind == "sync":
        return NemoVideo(base_url=emulator.url, **kwargs)
    return AsyncNemoVideo(base_url=emulator.url, **kwargs)


async def closing(client: Any) -> None:
    await done(client.aclose() if hasattr(client, "aclose") else client.close())


async def send(kind: str, session: Any, text: str, **kwargs: Any) -> Any:
    opened = session.send(text, **kwargs)
    return await done(opened) if kind == "async" else opened


async def events(turn: Any) -> list[Any]:
    if hasattr(turn, "__aiter__"):
        return [event async for event in turn]
    return list(turn)


async def test_an_edit_streams_partials_then_the_reply_and_its_changes(
    kind: str, emulator: RunningEmulator
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        turn = await send(kind, session, "add a title 'Paradise Found'")
        seen = await events(turn)
        reply = await done(turn.result())
    finally:
        await closing(client)
    partial = [e for e in seen if isinstance(e, TextEvent) and e.partial]
    assert len(partial) >= 2
    assert "".join(e.text for e in partial) == reply.text
    assert reply.text == 'I added the title "Paradise Found" at the start of your video (0-3s).'
    assert [call.name for call in reply.tool_calls] == ["add_text"]
    assert [result.response["status"] for result in reply.tool_results] == ["success"]
    assert [c.summary for c in reply.changes] == ['Title added: "Paradise Found" (0-3s)']
    assert [r.path for r in emulator.emulator.requests].count("/run_sse") == 1


async def test_a_silent_turn_still_reports_its_changes(
    kind: str, emulator: RunningEmulator
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(silent=True)
        reply = await done((await send(kind, session, "add background music")).result())
    finally:
        await closing(client)
    assert reply.silent
    assert reply.describe() == "BGM added: Lo-fi Chill (0-10s, 35%)"


async def test_heartbeats_keep_a_turn_alive_past_the_idle_timeout(
    kind: str, emulator: RunningEmulator
) -> None:
    policy = TurnPolicy(idle_timeout=0.4)
    client = client_for(kind, emulator, turn_policy=policy)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(heartbeat_every=0.1, think_seconds=1.0)
        reply = await done((await send(kind, session, "add a title 'Hi'")).result())
        assert reply.text
        emulator.emulator.script_next_turn(think_seconds=1.5)
        turn = await send(kind, session, "add a title 'Again'")
        with pytest.raises(TurnTimeoutError) as caught:
            await done(turn.result())
        assert caught.value.kind == "idle"
    finally:
        await closing(client)


async def test_a_dropped_stream_is_recovered_from_state_and_not_resent(
    kind: str, emulator: RunningEmulator
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(drop=True, pause=0.3)
        reply = await done((await send(kind, session, "add a title 'Dropped'")).result())
    finally:
        await closing(client)
    assert reply.recovered
    assert [c.summary for c in reply.changes] == ['Title added: "Dropped" (0-3s)']
    assert [r.path for r in emulator.emulator.requests].count("/run_sse") == 1


async def test_a_crash_ends_the_turn_with_agent_error(kind: str, emulator: RunningEmulator) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(crash="ValueError: emulated crash")
        turn = await send(kind, session, "add a title 'Boom'")
        with pytest.raises(AgentError) as caught:
            await done(turn.result())
    finally:
        await closing(client)
    assert caught.value.error == "ValueError: emulated crash"
    assert caught.value.reply is not None
    assert caught.value.reply.text.startswith("I added the title")


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ('KeyError: "clip_7"', 'KeyError: "clip_7"'),
        ("1 validation error for Clip\nduration\n  Field required", "1 validation error for Clip"),
    ],
)
async def test_an_unescaped_crash_frame_still_ends_the_turn_with_agent_error(
    kind: str, emulator: RunningEmulator, message: str, error: str
) -> None:
    emulator.emulator.configure(crash_frame_style="adk-legacy")
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(crash=message)
        turn = await send(kind, session, "add a title 'Boom'")
        with pytest.raises(AgentError) as caught:
            await done(turn.result())
    finally:
        await closing(client)
    assert caught.value.error == error


async def test_one_turn_at_a_time(kind: str, emulator: RunningEmulator) -> None:
    client = client_for(kind, emulator)
    other = client_for(kind, emulator, client_id=f"other-{kind}", token=None)
    try:
        session = await done(client.create_session())
        emulator.emulator.script_next_turn(think_seconds=0.5)
        turn = await send(kind, session, "add a title 'One'")
        with pytest.raises(TurnInProgressError):
            await send(kind, session, "add a title 'Two'")
        assert [r.path for r in emulator.emulator.requests].count("/run_sse") == 1
        await done(turn.result())
    finally:
        await closing(client)
        await closing(other)


async def test_out_of_credits_is_refused_before_the_turn(
    kind: str, emulator: RunningEmulator
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        emulator.emulator.set_credits(available=10)
        with pytest.raises(InsufficientCreditsError) as caught:
            await send(kind, session, "add a title 'Pricey'")
        assert caught.value.register_url is not None
        assert "/register?bind=anon_" in caught.value.register_url
        credits = await done(client.credits())
        assert credits.available == 10
    finally:
        await closing(client)


async def test_two_stage_generation_settles(kind: str, emulator: RunningEmulator) -> None:
    # The second stage lands 0.2 s after the turn: well after the reply's state is read,
    # well before three reads 0.15 s apart find the draft settled.
    emulator.emulator.configure(second_stage_seconds=0.2)
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        reply = await done((await send(kind, session, "generate a video of a beach")).result())
        assert [c.summary for c in reply.changes] == ["Video added: a beach (0-10s)"]
        added = await done(
            session.wait_until_settled(
                since=reply.state_after, interval=0.15, stable_reads=3, timeout=5
            )
        )
    finally:
        await closing(client)
    assert [c.summary for c in added] == [
        "BGM added: Lo-fi Chill (0-10s, 35%)",
        'Title added: "A Beach" (0-3s)',
    ]


@pytest.mark.parametrize("style", ["code", "adk"])
async def test_unknown_session(kind: str, emulator: RunningEmulator, style: str) -> None:
    emulator.emulator.configure(session_not_found_style=style)
    client = client_for(kind, emulator)
    try:
        await done(client.credits())
        with pytest.raises(SessionNotFoundError):
            await send(kind, client.session("1234567890123456789"), "hello")
    finally:
        await closing(client)


async def test_another_client_is_refused_by_the_server_while_a_turn_runs(
    kind: str, emulator: RunningEmulator
) -> None:
    user = emulator.emulator.create_user_token()
    first = client_for(kind, emulator, token=user)
    second = client_for(kind, emulator, token=user)
    try:
        session = await done(first.create_session())
        emulator.emulator.script_next_turn(think_seconds=0.5)
        turn = await send(kind, session, "add a title 'One'")
        with pytest.raises(TurnInProgressError, match="nothing ran") as caught:
            await send(kind, second.session(session.session_id), "add a title 'Two'")
        assert isinstance(caught.value.__cause__, APIError)
        assert caught.value.__cause__.status_code == 409
        assert [r.path for r in emulator.emulator.requests].count("/run_sse") == 2
        await done(turn.result())
    finally:
        await closing(first)
        await closing(second)

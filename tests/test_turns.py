"""Conversation turns on both clients over httpx.MockTransport, with a fake clock.

The stream is scripted chunk by chunk; a step may move the clock, change the
session's state (as the agent does), or break the connection.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import anyio
import anyio.to_thread
import attrs
import httpx
import pytest

from nemovideo import (
    AgentError,
    AsyncNemoVideo,
    NemoVideo,
    SessionNotFoundError,
    TextEvent,
    ToolCall,
    TurnInProgressError,
    TurnLostError,
    TurnPolicy,
    TurnTimeoutError,
)
from nemovideo._protocol import concurrency
from nemovideo.models.reply import Reply
from nemovideo.testing import timing

from .recorded import done

pytestmark = pytest.mark.anyio

API = "https://api.test"
TOKEN = "nmv_usr_turntesttoken000000000000000"
EMPTY: dict[str, Any] = {"t": [], "d": 0}
TITLED: dict[str, Any] = {
    "t": [{"tt": 7, "sg": [{"id": "t1", "tx": "Paradise Found", "s": 0, "d": 3000}]}],
    "d": 3000,
}


@attrs.define
class Clock:
    """A monotonic clock that only moves when told (sleeps move it too)."""

    now: float = 1000.0
    slept: list[float] = attrs.field(factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def frame(value: Any) -> bytes:
    return b"data: " + json.dumps(value, separators=(",", ":")).encode() + b"\n\n"


def text(event_id: str, words: str, *, partial: bool = False) -> bytes:
    value: dict[str, Any] = {"id": event_id, "author": "nemo_agent"}
    if partial:
        value["partial"] = True
    value["content"] = {"role": "model", "parts": [{"text": words}]}
    return frame(value)


def call(name: str, args: dict[str, Any]) -> bytes:
    part = {"functionCall": {"id": "c1", "name": name, "args": args}}
    return frame({"id": "e-call", "content": {"role": "model", "parts": [part]}})


Step = bytes | Callable[[], None] | BaseException


class Script(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that plays steps: bytes are sent, callables run, errors raised."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.closed = False

    def _play(self) -> Iterator[bytes]:
        for step in self.steps:
            if isinstance(step, BaseException):
                raise step
            if callable(step):
                step()
                continue
            yield step

    def __iter__(self) -> Iterator[bytes]:
        yield from self._play()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._play():
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


@attrs.define
class Agent:
    """The fake API: state reads, the message POST, and what it received."""

    steps: list[Step] = attrs.field(factory=list)
    draft: dict[str, Any] = attrs.field(factory=lambda: dict(EMPTY))
    run_response: httpx.Response | None = None
    posts: list[dict[str, Any]] = attrs.field(factory=list)
    state_reads: int = 0
    stream: Script | None = None
    change_at_read: int | None = None
    change_to: dict[str, Any] | None = None

    def set_draft(self, draft: dict[str, Any]) -> Callable[[], None]:
        def change() -> None:
            self.draft = draft

        return change

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        if request.url.path.startswith("/api/state/"):
            self.state_reads += 1
            if self.state_reads == self.change_at_read and self.change_to is not None:
                self.draft = self.change_to
            state = {"draft": self.draft, "video_infos": []}
            return httpx.Response(200, json={"code": 0, "data": {"state": state}})
        assert request.url.path == "/run_sse"
        assert request.headers["accept"] == "text/event-stream"
        self.posts.append(json.loads(request.content))
        if self.run_response is not None:
            return self.run_response
        self.stream = Script(self.steps)
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=self.stream
        )

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.handle(request)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_client(kind: str, agent: Agent, clock: Clock, **kwargs: Any) -> Any:
    common: dict[str, Any] = {"token": TOKEN, "base_url": API, **kwargs}
    with timing(clock=clock, sleep=clock.sleep, async_sleep=clock.asleep):
        if kind == "sync":
            http = httpx.Client(transport=httpx.MockTransport(agent.handle))
            return NemoVideo(http_client=http, **common)
        ahttp = httpx.AsyncClient(transport=httpx.MockTransport(agent.ahandle))
        return AsyncNemoVideo(http_client=ahttp, **common)


async def events_of(turn: Any) -> list[Any]:
    if hasattr(turn, "__aiter__"):
        return [event async for event in turn]
    return list(turn)


async def enter(kind: str, session: Any, message: str, **kwargs: Any) -> Any:
    opened = session.send(message, **kwargs)
    return await done(opened) if kind == "async" else opened


async def close(kind: str, turn: Any) -> None:
    await done(turn.aclose() if kind == "async" else turn.close())


async def test_a_streamed_reply_keeps_final_text_and_reads_the_changes(
    kind: str, clock: Clock
) -> None:
    agent = Agent()
    agent.steps = [
        text("e1", "Adding ", partial=True),
        text("e1", "a title.", partial=True),
        call("add_title", {"text": "Paradise Found"}),
        agent.set_draft(TITLED),
        text("e1", "Adding a title."),
    ]
    client = make_client(kind, agent, clock)
    session = client.session("123")
    turn = await enter(kind, session, "add a title Paradise Found")
    events = await events_of(turn)
    reply: Reply = await done(turn.result())
    assert [type(e) for e in events] == [TextEvent, TextEvent, ToolCall, TextEvent]
    assert reply.text == "Adding a title."
    assert [c.name for c in reply.tool_calls] == ["add_title"]
    assert [c.summary for c in reply.changes] == ['Title added: "Paradise Found" (0-3s)']
    assert not reply.recovered
    assert agent.posts == [
        {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": "123",
            "new_message": {"parts": [{"text": "add a title Paradise Found"}]},
        }
    ]
    assert agent.state_reads == 2


async def test_a_silent_turn_reports_what_changed(kind: str, clock: Clock) -> None:
    agent = Agent()
    agent.steps = [call("add_title", {}), agent.set_draft(TITLED)]
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "add a title")
    reply = await done(turn.result())
    assert reply.silent
    assert reply.describe() == 'Title added: "Paradise Found" (0-3s)'


async def test_a_dropped_stream_is_recovered_by_reading_state_never_resent(
    kind: str, clock: Clock
) -> None:
    agent = Agent()
    agent.steps = [text("e1", "Working", partial=True), httpx.RemoteProtocolError("peer closed")]
    agent.change_at_read, agent.change_to = 4, TITLED  # the third read after the drop
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "add a title")
    reply = await done(turn.result())
    assert reply.recovered
    assert [c.summary for c in reply.changes] == ['Title added: "Paradise Found" (0-3s)']
    assert clock.slept == [30.0, 60.0, 60.0]
    assert len(agent.posts) == 1


async def test_a_lost_turn_after_five_unchanged_reads(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[httpx.ReadError("reset")])
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "hello")
    with pytest.raises(TurnLostError) as caught:
        await done(turn.result())
    assert caught.value.reads == 5
    assert clock.slept == [30.0, 60.0, 60.0, 60.0, 60.0]
    assert len(agent.posts) == 1
    assert agent.state_reads == 1 + 5


async def test_recovery_schedule_is_configurable(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[httpx.ReadError("reset")])
    policy = TurnPolicy(recovery_first_wait=1, recovery_interval=2, recovery_reads=2)
    client = make_client(kind, agent, clock, turn_policy=policy)
    turn = await enter(kind, client.session("1"), "hello")
    with pytest.raises(TurnLostError):
        await done(turn.result())
    assert clock.slept == [1, 2]


async def test_a_crash_frame_raises_agent_error_with_the_partial_reply(
    kind: str, clock: Clock
) -> None:
    agent = Agent()
    agent.steps = [
        text("e1", "Ranking your clips."),
        frame({"error": "ValueError: no clips", "error_details": {"tool": "rank"}}),
        text("e2", "never read"),
    ]
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "rank")
    with pytest.raises(AgentError) as caught:
        await done(turn.result())
    assert caught.value.error == "ValueError: no clips"
    assert caught.value.details == {"tool": "rank"}
    assert caught.value.reply is not None
    assert caught.value.reply.text == "Ranking your clips."
    assert agent.stream is not None
    assert agent.stream.closed


async def test_heartbeats_only_and_turn_limits(kind: str, clock: Clock) -> None:
    def tick(seconds: float) -> Callable[[], None]:
        def move() -> None:
            clock.now += seconds

        return move

    agent = Agent(steps=[b":\n\n", tick(400), b"data:\n\n", tick(400), b": ping\n\n"])
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "generate a video")
    with pytest.raises(TurnTimeoutError) as caught:
        await events_of(turn)
    assert caught.value.kind == "heartbeats_only"
    with pytest.raises(TurnTimeoutError):
        await done(turn.result())

    agent.steps = [text("a", "x"), tick(500), text("b", "y"), tick(500), text("c", "z")]
    turn = await enter(kind, client.session("2"), "generate a video")
    with pytest.raises(TurnTimeoutError) as caught:
        await done(turn.result())
    assert caught.value.kind == "turn"
    assert caught.value.reply is not None
    assert caught.value.reply.text == "x\ny\nz", "what arrived is kept"


async def test_idle_timeout_is_its_own_kind(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[text("a", "x"), httpx.ReadTimeout("no data")])
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "hello")
    with pytest.raises(TurnTimeoutError) as caught:
        await done(turn.result())
    assert caught.value.kind == "idle"
    assert agent.state_reads == 1, "an idle stream is not recovered by polling"


async def test_still_working_is_called_every_interval(kind: str, clock: Clock) -> None:
    def tick() -> None:
        clock.now += 50

    beats: list[Step] = [b":\n\n", tick]
    agent = Agent(steps=[*beats * 6, text("a", "done")])
    notices: list[float] = []
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "generate", on_still_working=notices.append)
    await done(turn.result())
    assert notices == [150.0, 300.0]


async def test_a_second_message_during_a_turn_is_refused_unsent(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[text("a", "one"), text("b", "two")])
    client = make_client(kind, agent, clock)
    session = client.session("1")
    turn = await enter(kind, session, "first")
    with pytest.raises(TurnInProgressError):
        await enter(kind, session, "second")
    assert len(agent.posts) == 1
    await done(turn.result())
    await close(kind, await enter(kind, session, "third"))
    assert len(agent.posts) == 2


async def test_leaving_the_context_early_closes_the_stream(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[text("a", "one"), text("b", "two"), text("c", "three")])
    client = make_client(kind, agent, clock)
    session = client.session("1")
    if kind == "sync":
        with session.send("hello") as turn:
            for _event in turn:
                break
    else:
        async with await session.send("hello") as turn:
            async for _event in turn:
                break
    assert agent.stream is not None
    assert agent.stream.closed
    await close(kind, await enter(kind, session, "again"))  # the session is free again


async def test_breaking_a_loop_keeps_the_stream_for_result(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[text("a", "one"), text("b", "two")])
    client = make_client(kind, agent, clock)
    turn = await enter(kind, client.session("1"), "hello")
    if kind == "sync":
        first = next(iter(turn))
    else:
        first = await anext(aiter(turn))
    assert first.text == "one"
    reply = await done(turn.result())
    assert reply.text == "one\ntwo"


async def test_unknown_session_before_the_stream(kind: str, clock: Clock) -> None:
    agent = Agent(run_response=httpx.Response(404, json={"detail": "Session not found: 9"}))
    client = make_client(kind, agent, clock)
    with pytest.raises(SessionNotFoundError):
        await enter(kind, client.session("9"), "hello")
    agent.run_response = httpx.Response(200, json={"code": 1002, "message": "no session"})
    with pytest.raises(SessionNotFoundError):
        await enter(kind, client.session("9"), "hello")


async def test_the_message_post_is_not_retried_after_a_server_error(
    kind: str, clock: Clock
) -> None:
    agent = Agent(run_response=httpx.Response(503, text="<html>busy</html>"))
    client = make_client(kind, agent, clock)
    with pytest.raises(Exception, match="503"):
        await enter(kind, client.session("1"), "hello")
    assert len(agent.posts) == 1


# -- request permits: a turn holds one from its message until its stream is closed ------------


async def within(kind: str, scenario: Callable[[], Awaitable[None]], seconds: float = 10.0) -> None:
    """Run ``scenario``, failing after ``seconds``: a permit never given back makes the next
    request wait forever. The sync client blocks its thread, so it runs in one of its own."""
    with anyio.fail_after(seconds):
        if kind == "async":
            await scenario()
        else:
            await anyio.to_thread.run_sync(anyio.run, scenario, abandon_on_cancel=True)


ENDINGS: dict[str, tuple[list[Step], type[Exception] | None]] = {
    "stream over": ([text("a", "done")], None),
    "closed early": ([text("a", "one"), text("b", "two")], None),
    "refused before the stream": ([], SessionNotFoundError),
    "agent crash": ([text("a", "x"), frame({"error": "ValueError: boom"})], AgentError),
    "dropped, recovered": ([text("a", "x", partial=True), httpx.ReadError("cut")], None),
    "dropped, lost": ([httpx.ReadError("cut")], TurnLostError),
    "idle timeout": ([text("a", "x"), httpx.ReadTimeout("quiet")], TurnTimeoutError),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
async def test_every_ending_gives_the_turns_permit_back_once(
    kind: str, clock: Clock, ending: str
) -> None:
    steps, error = ENDINGS[ending]
    agent = Agent(steps=list(steps))
    if ending == "refused before the stream":
        agent.run_response = httpx.Response(404, json={"detail": "Session not found: 1"})
    if ending == "dropped, recovered":
        agent.change_at_read, agent.change_to = 3, TITLED
    # One permit: the state reads after the stream and the next call need the turn's.
    client = make_client(kind, agent, clock, max_concurrency=1)
    session = client.session("1")

    async def scenario() -> None:
        if error is SessionNotFoundError:
            with pytest.raises(SessionNotFoundError):
                await enter(kind, session, "hello")
            agent.run_response = None
        else:
            turn = await enter(kind, session, "hello")
            if ending == "closed early":
                assert (await events_until(turn, 1))[0].text == "one"
                await close(kind, turn)
            elif error is None:
                await done(turn.result())
            else:
                with pytest.raises(error):
                    await done(turn.result())
            await close(kind, turn)  # closing again gives nothing back twice
        await done(session.state())
        await close(kind, await enter(kind, client.session("2"), "again"))
        await done(session.state())

    await within(kind, scenario)
    assert len(agent.posts) == 2


async def events_until(turn: Any, count: int) -> list[Any]:
    seen = []
    if hasattr(turn, "__aiter__"):
        async for event in turn:
            seen.append(event)
            if len(seen) == count:
                break
    else:
        for event in turn:
            seen.append(event)
            if len(seen) == count:
                break
    return seen


async def test_an_open_turn_holds_its_permit_until_it_is_closed(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[text("a", "one")])
    client = make_client(kind, agent, clock, max_concurrency=1)
    turn = await enter(kind, client.session("1"), "hello")
    finished = threading.Event()

    def read_state() -> None:
        client.session("2").state()
        finished.set()

    if kind == "sync":
        reader = threading.Thread(target=read_state, daemon=True)
        reader.start()
        assert not finished.wait(0.3), "the state read waits for the turn's permit"
        turn.close()
        reader.join(5)
    else:
        async with anyio.create_task_group() as group:

            async def read_state_async() -> None:
                await client.session("2").state()
                finished.set()

            group.start_soon(read_state_async)
            await anyio.sleep(0.3)
            assert not finished.is_set(), "the state read waits for the turn's permit"
            with anyio.fail_after(5):
                await turn.aclose()
    assert finished.is_set()


async def test_a_long_wait_for_a_permit_says_which_turns_hold_them(
    kind: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(concurrency, "PERMIT_PATIENCE", 0.05)
    agent = Agent(steps=[text("a", "one")])
    client = make_client(kind, agent, clock, max_concurrency=1)
    turn = await enter(kind, client.session("1"), "hello")
    with caplog.at_level(logging.WARNING, logger="nemovideo"):
        if kind == "sync":
            reader = threading.Thread(target=client.session("2").state, daemon=True)
            reader.start()
            reader.join(0.5)
            assert reader.is_alive()
            turn.close()
            reader.join(5)
            assert not reader.is_alive()
        else:
            async with anyio.create_task_group() as group:
                group.start_soon(client.session("2").state)
                await anyio.sleep(0.5)
                await turn.aclose()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "1 held by conversation turns whose streams are still open" in warnings[0]
    assert "max_concurrency" in warnings[0]


async def test_a_turn_dropped_unclosed_warns(kind: str, clock: Clock) -> None:
    agent = Agent(steps=[text("a", "one")])
    client = make_client(kind, agent, clock)
    held = [await enter(kind, client.session("1"), "hello")]
    with pytest.warns(ResourceWarning, match="never closed"):
        forget(held)


def forget(held: list[Any]) -> None:
    held.clear()
    gc.collect()

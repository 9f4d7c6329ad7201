"""Frames to typed events, replies, draft changes and the turn machine (pure code)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo import Draft, errors
from nemovideo._protocol.changes import draft_changes
from nemovideo._protocol.events import decode_frame, decode_json
from nemovideo._protocol.sse import ServerSentEvent, SSEComment, SSEDecoder
from nemovideo._protocol.turn import TurnMachine
from nemovideo._protocol.turn_policy import TurnPolicy
from nemovideo.models.events import (
    AgentCrash,
    AgentErrorEvent,
    AgentEvent,
    Heartbeat,
    StateDelta,
    TextEvent,
    ToolCall,
    ToolResult,
    UnknownEvent,
)
from nemovideo.models.reply import Reply


def frame(value: Any) -> ServerSentEvent:
    return ServerSentEvent(json.dumps(value, separators=(",", ":")))


ADK_TOOL_EVENT = {
    "id": "e2",
    "invocationId": "inv-1",
    "author": "nemo_agent",
    "timestamp": 1732400000.5,
    "content": {
        "role": "model",
        "parts": [
            {"functionCall": {"id": "c1", "name": "add_title", "args": {"text_content": "Hi"}}},
        ],
    },
    "actions": {"stateDelta": {"draft_version": 3}},
}


def test_adk_event_with_a_call_and_a_state_delta() -> None:
    events = decode_frame(frame(ADK_TOOL_EVENT))
    assert [type(e) for e in events] == [ToolCall, StateDelta]
    call = events[0]
    assert isinstance(call, ToolCall)
    assert (call.call_id, call.name, call.args) == ("c1", "add_title", {"text_content": "Hi"})
    assert (call.id, call.author, call.invocation_id) == ("e2", "nemo_agent", "inv-1")
    assert call.timestamp == 1732400000.5
    assert call.raw == ADK_TOOL_EVENT
    assert isinstance(events[1], StateDelta)
    assert events[1].delta == {"draft_version": 3}


def test_adk_text_partial_result_and_error_code() -> None:
    text = decode_frame(
        frame({"id": "e1", "partial": True, "content": {"parts": [{"text": "Hel"}]}})
    )
    assert text == [TextEvent(id="e1", partial=True, text="Hel")]
    result = decode_frame(
        frame(
            {
                "content": {
                    "parts": [{"functionResponse": {"id": "c1", "name": "x", "response": [1]}}]
                }
            }
        )
    )
    assert isinstance(result[0], ToolResult)
    assert result[0].response == [1]
    error = decode_frame(frame({"id": "e9", "errorCode": "RATE", "errorMessage": "slow down"}))
    assert error == [AgentErrorEvent(id="e9", code="RATE", message="slow down")]


def test_crash_frame_heartbeats_and_unknowns() -> None:
    crash = decode_frame(frame({"error": "ValueError: boom", "error_details": {"at": "tool"}}))
    assert crash == [AgentCrash(error="ValueError: boom", details={"at": "tool"})]
    assert decode_frame(ServerSentEvent("")) == [Heartbeat()]
    assert decode_frame(SSEComment("ping")) == [Heartbeat()]
    not_json = decode_frame(ServerSentEvent("hello", event="note"))
    assert not_json == [UnknownEvent(event="note")]
    assert not_json[0].raw == "hello"
    assert isinstance(decode_frame(frame([1, 2]))[0], UnknownEvent)
    turn_complete = decode_frame(frame({"id": "e5", "turnComplete": True}))
    assert isinstance(turn_complete[0], UnknownEvent)
    assert turn_complete[0].raw == {"id": "e5", "turnComplete": True}


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ('KeyError: "clip_7"', 'KeyError: "clip_7"'),
        ("OSError: C:\\media\\a.mp4", "OSError: C:\\media\\a.mp4"),
        ("1 validation error for Clip\nduration\n  Field required", "1 validation error for Clip"),
        ("plain message", "plain message"),
    ],
)
def test_the_unescaped_crash_frame_of_older_adk_servers(message: str, error: str) -> None:
    # What `yield f'data: {{"error": "{str(e)}"}}\n\n'` puts on the wire.
    body = f'data: {{"error": "{message}"}}\n\n'.encode()
    decoder = SSEDecoder()
    events = [e for f in [*decoder.feed(body), *decoder.close()] for e in decode_frame(f)]
    assert len(events) == 1
    assert isinstance(events[0], AgentCrash)
    assert events[0].error == error


def test_invalid_json_that_is_not_a_crash_stays_unknown() -> None:
    for data in ('{"errors": "x', '{"text": "a "quoted" word"}', '["error", "x'):
        (event,) = decode_frame(ServerSentEvent(data))
        assert isinstance(event, UnknownEvent)
        assert event.raw == data


def test_older_type_shape() -> None:
    assert decode_json({"type": "text", "content": "hi"}) == [TextEvent(text="hi")]
    call = decode_json({"type": "tool_call", "name": "trim", "arguments": {"to": 5}, "id": "t"})
    assert call == [ToolCall(id="t", call_id="t", name="trim", args={"to": 5})]
    result = decode_json({"type": "tool_result", "name": "trim", "result": {"ok": True}})
    assert isinstance(result[0], ToolResult)
    assert result[0].response == {"ok": True}
    assert decode_json({"type": "heartbeat"}) == [Heartbeat()]
    assert isinstance(decode_json({"type": "mystery"})[0], UnknownEvent)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["id", "content", "parts", "text", "type", "error", "functionCall", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=300)
@given(JSON)
def test_any_json_decodes_to_events(value: Any) -> None:
    events = decode_frame(frame(value))
    assert events
    assert all(isinstance(event, AgentEvent) for event in events)


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_any_text_decodes_to_events(data: str) -> None:
    assert decode_frame(ServerSentEvent(data))


@settings(max_examples=300)
@given(st.text(alphabet=' \t\n\r{}[]",:0123456789.eE+-truefalsnul\\ux', max_size=24))
def test_a_frame_is_json_exactly_when_json_loads_accepts_it(data: str) -> None:
    events = decode_frame(ServerSentEvent(data))
    try:
        value = json.loads(data)
    except ValueError:
        # Text stays text: a heartbeat when blank, else kept as it came.
        assert all(isinstance(e, Heartbeat) or e.raw == data for e in events)
    else:
        assert all(_same(e.raw, value) for e in events)


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types (NaN equal to NaN)."""
    if isinstance(a, float) and isinstance(b, float) and a != a:
        return b != b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(
    "data", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000]
)
def test_a_frame_nested_too_deeply_decodes_to_an_unknown_event(data: str) -> None:
    # json.loads raises RecursionError for these; decoding still ends in an event.
    (event,) = decode_frame(ServerSentEvent(data))
    assert isinstance(event, UnknownEvent)
    assert event.raw == data


def test_a_padded_frame_still_decodes() -> None:
    data = ' {"content": {"parts": [{"text": "hi"}]}} \n'
    (event,) = decode_frame(ServerSentEvent(data))
    assert isinstance(event, TextEvent)
    assert event.text == "hi"


def test_one_frame_with_every_kind_of_part() -> None:
    value = {
        "id": 7,
        "author": None,
        "timestamp": "1.5",
        "content": {
            "parts": [
                {"text": "a", "thought": True},
                {"functionCall": {"id": "c", "name": "trim", "args": [1]}},
                {"functionResponse": {"id": "c", "name": "trim", "response": None}},
                {"other": 1},
                "not a part",
            ]
        },
        "actions": {"stateDelta": {"k": 1}},
        "errorCode": 3,
    }
    events = decode_frame(frame(value))
    assert [type(e) for e in events] == [
        TextEvent,
        ToolCall,
        ToolResult,
        UnknownEvent,
        UnknownEvent,
        StateDelta,
        AgentErrorEvent,
    ]
    assert all((e.id, e.author, e.timestamp, e.raw) == ("7", None, 1.5, value) for e in events)
    assert events[0] == TextEvent(id="7", timestamp=1.5, text="a", thought=True)
    assert events[1] == ToolCall(id="7", timestamp=1.5, call_id="c", name="trim", args={})
    assert events[6] == AgentErrorEvent(id="7", timestamp=1.5, code="3", message=None)


def test_reply_keeps_final_text_only_and_drops_trailing_noise() -> None:
    events: list[AgentEvent] = [
        TextEvent(id="a", partial=True, text="Ranking"),
        TextEvent(id="a", partial=True, text=" done"),
        TextEvent(id="a", text="Ranking done."),
        ToolCall(id="b", partial=True, name="ignored"),
        ToolCall(id="b", name="rank_videos", call_id="c"),
        ToolResult(id="c", name="rank_videos", response={"ok": 1}),
        TextEvent(id="t", text="thinking", thought=True),
        Heartbeat(),
        TextEvent(id="z", text="I encountered a temporary issue."),
    ]
    reply = Reply.from_events(events)
    assert reply.text == "Ranking done."
    assert [call.name for call in reply.tool_calls] == ["rank_videos"]
    assert len(reply.tool_results) == 1
    assert len(reply.events) == len(events)
    assert not reply.silent
    assert Reply.from_events([TextEvent(text="I encountered a temporary issue.")]).text


BEFORE = Draft.from_dict(
    {
        "t": [{"tt": 0, "sg": [{"id": "v1", "n": "beach", "s": 0, "d": 10000}]}],
        "d": 10000,
    }
)


def test_changes_name_what_was_added_removed_and_changed() -> None:
    after = Draft.from_dict(
        {
            "t": [
                {"tt": 0, "sg": [{"id": "v1", "n": "beach", "s": 0, "d": 5000}]},
                {"tt": 7, "sg": [{"id": "t1", "tx": "Paradise Found", "s": 0, "d": 3000}]},
                {"tt": 1, "n": "BGM"},
            ],
            "d": 5000,
        }
    )
    summaries = [change.summary for change in draft_changes(BEFORE, after)]
    assert summaries == [
        "Video changed: beach (0-10s) -> beach (0-5s)",
        'Title added: "Paradise Found" (0-3s)',
        "BGM track added",
        "Duration changed: 10s -> 5s",
    ]
    removed = [change.summary for change in draft_changes(after, BEFORE)]
    assert 'Title removed: "Paradise Found" (0-3s)' in removed
    assert "BGM track removed" in removed
    assert draft_changes(BEFORE, BEFORE) == []
    assert [c.summary for c in draft_changes(None, BEFORE)] == ["Video added: beach (0-10s)"]


def test_turn_machine_decodes_across_chunks_and_checks_limits() -> None:
    policy = TurnPolicy(heartbeat_timeout=10, turn_timeout=100, still_working_every=5)
    notices: list[float] = []
    machine = TurnMachine(policy, started=0.0, on_still_working=notices.append)
    assert machine.feed(b'data: {"id":"e1","content":{"parts":[{"te', 1.0) == []
    events = machine.feed(b'xt":"hi"}]}}\n\n:\n\n', 2.0)
    assert [type(e) for e in events] == [TextEvent, Heartbeat]
    machine.feed(b":\n\n", 6.0)
    assert notices == [6.0]
    with pytest.raises(errors.TurnTimeoutError) as caught:
        machine.feed(b":\n\n", 12.5)
    assert caught.value.kind == "heartbeats_only"
    assert caught.value.reply is not None
    assert caught.value.reply.text == "hi"


def test_turn_machine_whole_turn_limit_and_crash() -> None:
    machine = TurnMachine(TurnPolicy(turn_timeout=30), started=0.0)
    machine.feed(b'data: {"error":"KeyError: x","error_details":{}}\n\n', 1.0)
    assert machine.crash is not None
    with pytest.raises(errors.TurnTimeoutError) as caught:
        machine.feed(b'data: {"content":{"parts":[{"text":"late"}]}}\n\n', 31.0)
    assert caught.value.kind == "turn"

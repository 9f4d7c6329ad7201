"""The pure side of the limits: the SSE decoder's caps however the bytes are chunked,
the turn machine's counting, and a render wait that never overflows."""

from __future__ import annotations

import math

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo import RenderTimeoutError, ResponseLimits, ResponseTooLargeError, Secret, TurnPolicy
from nemovideo._config import resolve_settings
from nemovideo._protocol import render
from nemovideo._protocol.auth import TokenState
from nemovideo._protocol.calls import CallContext
from nemovideo._protocol.ops import Flow, GetToken, Send, Sleep
from nemovideo._protocol.sse import ServerSentEvent, SSEDecoder, SSEFrame, SSELimitError
from nemovideo._protocol.turn import TurnMachine
from nemovideo.models.events import TextEvent
from nemovideo.models.render import RenderStatus
from nemovideo.testing import FakeClock


def feed_all(decoder: SSEDecoder, chunks: list[bytes]) -> list[SSEFrame]:
    frames: list[SSEFrame] = []
    for chunk in chunks:
        frames.extend(decoder.feed(chunk))
    frames.extend(decoder.close())
    return frames


def split(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(body)) for c in cuts})
    return [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]


@settings(max_examples=200)
@given(
    length=st.integers(0, 300),
    limit=st.integers(1, 200),
    end=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    cuts=st.lists(st.integers(0, 400), max_size=8),
)
def test_the_line_limit_holds_however_the_bytes_are_chunked(
    length: int, limit: int, end: bytes, cuts: list[int]
) -> None:
    line = b"data: " + b"x" * length
    body = b": ok" + end + line + end + end
    decoder = SSEDecoder(max_line=limit)
    if len(line) > limit:
        with pytest.raises(SSELimitError) as caught:
            feed_all(decoder, split(body, cuts))
        assert (caught.value.kind, caught.value.limit) == ("line", limit)
    else:
        frames = feed_all(decoder, split(body, cuts))
        assert frames[-1] == ServerSentEvent("x" * length)


@settings(max_examples=200)
@given(
    lines=st.lists(st.text(alphabet="ab€", max_size=20), min_size=1, max_size=10),
    limit=st.integers(1, 120),
    cuts=st.lists(st.integers(0, 300), max_size=8),
)
def test_the_event_limit_counts_data_and_line_breaks(
    lines: list[str], limit: int, cuts: list[int]
) -> None:
    body = b"".join(b"data: " + line.encode() + b"\n" for line in lines) + b"\n"
    size = sum(len(line) + 1 for line in lines)
    decoder = SSEDecoder(max_data=limit)
    if size > limit:
        with pytest.raises(SSELimitError) as caught:
            feed_all(decoder, split(body, cuts))
        assert caught.value.kind == "event"
    else:
        assert feed_all(decoder, split(body, cuts)) == [ServerSentEvent("\n".join(lines))]


def test_the_event_count_starts_again_with_each_event() -> None:
    decoder = SSEDecoder(max_data=10)
    body = b"data: 123456789\n\n" * 1000
    assert len(feed_all(decoder, [body])) == 1000


def test_an_unfinished_line_is_held_only_up_to_the_limit() -> None:
    decoder = SSEDecoder(max_line=1000)
    for _ in range(99):
        decoder.feed(b"x" * 10)
    with pytest.raises(SSELimitError):
        decoder.feed(b"x" * 11)


def machine(**limits: int) -> TurnMachine:
    policy = TurnPolicy(heartbeat_timeout=10, turn_timeout=100)
    return TurnMachine(policy, started=0.0, limits=ResponseLimits(**limits))


def test_a_turn_counts_heartbeats_and_hands_them_out_without_keeping_them() -> None:
    turn = machine(max_turn_events=2)
    events = turn.feed(b": ping\n\n" * 500 + b'data: {"type": "heartbeat"}\n\n', 1.0)
    assert len(events) == 501  # handed out as they come...
    assert turn.heartbeats == 501
    assert turn.events == []  # ...but never kept
    turn.feed(b'data: {"type": "text", "content": "a"}\n\n' * 2, 2.0)
    assert [type(e) for e in turn.events] == [TextEvent, TextEvent]
    with pytest.raises(ResponseTooLargeError) as caught:
        turn.feed(b'data: {"type": "text", "content": "b"}\n\n', 3.0)
    assert (caught.value.limit, caught.value.value) == ("max_turn_events", 2)


@pytest.mark.parametrize(
    ("limits", "body", "limit"),
    [
        ({"max_sse_line_bytes": 100}, b"data: " + b"x" * 200, "max_sse_line_bytes"),
        ({"max_sse_event_bytes": 100}, b"data: xxxxxxxxx\n" * 20, "max_sse_event_bytes"),
    ],
)
def test_a_decoder_limit_ends_the_turn_with_its_error(
    limits: dict[str, int], body: bytes, limit: str
) -> None:
    turn = machine(**limits)
    with pytest.raises(ResponseTooLargeError) as caught:
        turn.take(body, 1.0)
    assert caught.value.limit == limit
    assert turn.ended
    with pytest.raises(ResponseTooLargeError):
        turn.outcome()


@given(st.integers(0, 10**12))
def test_a_poll_wait_is_capped_before_it_is_computed(polls: int) -> None:
    wait = render.poll_intervals(None)(polls)
    assert render.FIRST_POLL <= wait <= render.MAX_POLL
    assert math.isfinite(wait)


PENDING = httpx.Response(
    200,
    json={"success": True, "data": {"id": "render_1", "status": "processing", "progress": 5}},
    request=httpx.Request("GET", "https://api.test/api/render/proxy/lambda/render_1"),
)


def run_wait(flow: Flow[RenderStatus], clock: FakeClock) -> tuple[object, int]:
    """Perform a wait's operations by hand (no HTTP): every status read is "processing"
    (one answer, read once, given every time)."""
    polls = 0
    result: object = None
    try:
        op = next(flow)
        while True:
            if isinstance(op, Send):
                polls += 1
                op = flow.send(PENDING)
            elif isinstance(op, Sleep):
                clock.sleep(op.seconds)
                op = flow.send(None)
            else:
                assert isinstance(op, GetToken)
                op = flow.send("token")
    except StopIteration as stop:
        result = stop.value
    except RenderTimeoutError as error:
        result = error
    return result, polls


@settings(max_examples=2)
@given(extra=st.floats(0, 4.9))
def test_a_wait_of_100_000_polls_ends_in_its_timeout(extra: float) -> None:
    clock = FakeClock()
    settings_ = resolve_settings(token="nmv_usr_x", base_url="https://api.test", env={})
    ctx = CallContext(settings_, TokenState.given(Secret("nmv_usr_x"), "argument"), clock=clock)
    job = render.RenderJob(id="render_1", session_id="1")
    timeout = 100_000 * render.MAX_POLL + extra
    flow = render.wait(ctx, job, timeout=timeout, poll_interval=None, on_progress=None)
    result, polls = run_wait(flow, clock)
    assert isinstance(result, RenderTimeoutError)
    assert polls > 100_000
    assert clock.now == pytest.approx(timeout)

"""Every model round-trips through ``to_dict``/``from_dict`` and ``to_json``; the
service's answers are read through the same converter, leniently, ``raw`` kept."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo import (
    AgentCrash,
    AgentErrorEvent,
    AgentEvent,
    Change,
    Credits,
    Draft,
    Heartbeat,
    Leaderboard,
    LeaderboardEntry,
    NemoVideoError,
    RenderState,
    RenderStatus,
    Reply,
    Segment,
    SessionState,
    StateDelta,
    TextEvent,
    ToolCall,
    ToolResult,
    Track,
    UnknownEvent,
    Upload,
    WorkflowProgress,
)
from nemovideo._protocol import answers
from nemovideo.models._converter import Model

TEXT = st.text(max_size=8)
OPT_TEXT = st.none() | TEXT
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
OPT_FLOAT = st.none() | FLOAT
OPT_INT = st.none() | st.integers()
NUMBER = st.integers() | FLOAT
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | FLOAT | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)
OBJECT = st.dictionaries(TEXT, JSON, max_size=4)
SEGMENT_OBJECT = st.dictionaries(st.sampled_from(["n", "s", "d", "tx", "v", "x"]), JSON, max_size=4)
TRACK_OBJECT = st.fixed_dictionaries(
    {"tt": st.sampled_from([0, 1, 7, 3]), "sg": st.lists(SEGMENT_OBJECT, max_size=3)},
    optional={"n": TEXT, "x": JSON},
)
DRAFT_OBJECT = st.fixed_dictionaries(
    {"t": st.lists(TRACK_OBJECT, max_size=3)},
    optional={"d": NUMBER, "m": OBJECT, "x": JSON},
)
DRAFTS = DRAFT_OBJECT.map(Draft.from_dict) | OBJECT.map(Draft.from_dict)
TRACKS = TRACK_OBJECT.map(Track.from_dict)
SEGMENTS = SEGMENT_OBJECT.map(Segment.from_dict)

CREDITS = st.builds(Credits, available=NUMBER, frozen=NUMBER, total=NUMBER, raw=OBJECT)
UPLOADS = st.builds(
    Upload,
    filename=TEXT,
    file_type=OPT_TEXT,
    cdn_url=OPT_TEXT,
    duration=OPT_FLOAT,
    width=OPT_INT,
    height=OPT_INT,
    fps=OPT_FLOAT,
    hash=OPT_TEXT,
    size=OPT_INT,
    raw=OBJECT,
)
STATES = st.builds(
    SessionState,
    session_id=TEXT,
    task_id=OPT_TEXT,
    task_name=OPT_TEXT,
    draft=st.none() | DRAFTS,
    video_infos=st.lists(JSON, max_size=3),
    canvas_config=st.none() | OBJECT,
    generated_media=st.lists(JSON, max_size=3),
    video_analyses=st.lists(JSON, max_size=3),
    raw=OBJECT,
)
RENDER_STATUSES = st.builds(
    RenderStatus,
    id=TEXT,
    state=st.sampled_from(RenderState),
    status=TEXT,
    progress=FLOAT,
    output_url=OPT_TEXT,
    error=OPT_TEXT,
    created_at=OPT_INT,
    completed_at=OPT_INT,
    duration=OPT_FLOAT,
    size=OPT_INT,
    raw=OBJECT,
)
EVENT_BASE = {
    "id": OPT_TEXT,
    "author": OPT_TEXT,
    "invocation_id": OPT_TEXT,
    "timestamp": OPT_FLOAT,
    "partial": st.booleans(),
    "raw": JSON,
}
TEXT_EVENTS = st.builds(TextEvent, text=TEXT, thought=st.booleans(), **EVENT_BASE)
TOOL_CALLS = st.builds(ToolCall, call_id=OPT_TEXT, name=TEXT, args=OBJECT, **EVENT_BASE)
TOOL_RESULTS = st.builds(ToolResult, call_id=OPT_TEXT, name=TEXT, response=JSON, **EVENT_BASE)
AGENT_ERRORS = st.builds(AgentErrorEvent, code=OPT_TEXT, message=OPT_TEXT, **EVENT_BASE)
EVENTS: st.SearchStrategy[AgentEvent] = st.one_of(
    st.builds(AgentEvent, **EVENT_BASE),
    TEXT_EVENTS,
    TOOL_CALLS,
    TOOL_RESULTS,
    st.builds(StateDelta, delta=OBJECT, **EVENT_BASE),
    AGENT_ERRORS,
    st.builds(AgentCrash, error=TEXT, details=JSON, **EVENT_BASE),
    st.builds(Heartbeat, **EVENT_BASE),
    st.builds(UnknownEvent, event=TEXT, **EVENT_BASE),
)
CHANGES = st.builds(
    Change,
    kind=st.sampled_from(["added", "removed", "changed"]),
    target=st.sampled_from(["track", "segment", "draft"]),
    summary=TEXT,
    track=st.none() | TRACKS,
    before=st.none() | SEGMENTS,
    after=st.none() | SEGMENTS,
)


def _tuples(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=3).map(tuple)


REPLIES = st.builds(
    Reply,
    text=TEXT,
    tool_calls=_tuples(TOOL_CALLS),
    tool_results=_tuples(TOOL_RESULTS),
    errors=_tuples(AGENT_ERRORS),
    events=_tuples(EVENTS),
    changes=_tuples(CHANGES),
    state_before=st.none() | STATES,
    state_after=st.none() | STATES,
    recovered=st.booleans(),
)
ENTRIES = st.builds(
    LeaderboardEntry,
    rank=st.integers(),
    clip=TEXT,
    score=FLOAT,
    metrics=OBJECT,
    upload=st.none() | UPLOADS,
    raw=JSON,
)
LEADERBOARDS = st.builds(
    Leaderboard,
    entries=_tuples(ENTRIES),
    top=st.integers(),
    source=st.sampled_from(["tool_result", "video_analyses", "text"]),
    reply=REPLIES,
    state=st.none() | STATES,
    render_id=OPT_TEXT,
    video_path=st.none() | st.from_regex(r"[a-z0-9_./-]{1,12}", fullmatch=True).map(Path),
    warnings=_tuples(TEXT),
    session_id=OPT_TEXT,
    raw_ranking=JSON,
)
PROGRESS = st.builds(
    WorkflowProgress,
    stage=st.sampled_from(["upload", "ranking", "rendering", "downloading"]),
    fraction=FLOAT,
    overall=FLOAT,
    detail=OPT_TEXT,
    file=OPT_TEXT,
    file_fraction=OPT_FLOAT,
)
MODELS = st.one_of(
    CREDITS,
    UPLOADS,
    STATES,
    RENDER_STATUSES,
    EVENTS,
    CHANGES,
    REPLIES,
    ENTRIES,
    LEADERBOARDS,
    PROGRESS,
    DRAFTS,
    TRACKS,
    SEGMENTS,
)


@settings(max_examples=300, deadline=None)
@given(MODELS)
def test_every_model_round_trips(model: Model) -> None:
    cls = type(model)
    data = model.to_dict()
    assert cls.from_dict(data) == model
    assert cls.from_dict(data).to_dict() == data, "fields outside equality survive too"
    text = model.to_json()
    assert json.loads(text) == data, "to_dict is JSON-ready: no tuples, enums or paths"
    assert cls.from_dict(json.loads(text)) == model
    json.dumps(data, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(EVENTS)
def test_events_come_back_as_their_own_class(event: AgentEvent) -> None:
    data = event.to_dict()
    assert data["type"] == type(event).__name__
    again = AgentEvent.from_dict(json.loads(event.to_json()))
    assert type(again) is type(event)
    assert again == event


@settings(max_examples=50, deadline=None)
@given(REPLIES)
def test_reply_events_keep_their_classes(reply: Reply) -> None:
    again = Reply.from_dict(json.loads(reply.to_json()))
    assert [type(e) for e in again.events] == [type(e) for e in reply.events]


def test_the_dict_forms() -> None:
    status = RenderStatus("r1", RenderState.COMPLETED, "done", 100.0, "https://cdn/x.mp4")
    assert status.to_dict() == {
        "id": "r1",
        "state": "completed",
        "status": "done",
        "progress": 100.0,
        "output_url": "https://cdn/x.mp4",
        "error": None,
        "created_at": None,
        "completed_at": None,
        "duration": None,
        "size": None,
    }
    assert Credits(5, raw={"available": 5}).to_dict() == {"available": 5, "frozen": 0, "total": 0}
    draft = {"x": 1, "t": [{"sg": [{"n": "a"}], "tt": 0}], "d": 5}
    state = SessionState("s", draft=Draft.from_dict(draft))
    assert json.dumps(state.to_dict()["draft"]) == json.dumps(draft), "the draft's own form"
    board = Leaderboard((), 1, "text", Reply(text="hi"), render_id="r", video_path=Path("v.mp4"))
    data = board.to_dict()
    assert (data["video"], data["render_id"], data["reply"]["text"]) == ("v.mp4", "r", "hi")
    assert "raw_ranking" not in data
    assert json.loads(board.to_json()) == data
    assert "\n  " in board.to_json()


def test_from_dict_is_lenient_but_not_blind() -> None:
    upload = Upload.from_dict(
        {"filename": 7, "width": "wide", "height": 1e400, "fps": [], "size": 10**40, "x": 1}
    )
    assert upload == Upload(filename="7", size=10**40)
    assert Upload.from_dict({"filename": "a", "duration": 10**400}).duration is None
    assert Upload.from_dict({"filename": "a", "width": math.nan}).width is None
    assert Credits.from_dict({"available": "12", "frozen": None}) == Credits(12, 0, 0)
    state = SessionState.from_dict({"session_id": "s", "draft": "no", "video_infos": {}})
    assert (state.draft, state.video_infos) == (None, [])
    status = RenderStatus.from_dict({"id": "r", "state": "exploded", "progress": "x"})
    assert (status.state, status.progress) == (RenderState.PROCESSING, 0.0)
    with pytest.raises(ValueError, match="mapping"):
        Credits.from_dict([1])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Upload"):
        Upload.from_dict({"size": 1})
    with pytest.raises(ValueError, match="AgentEvent"):
        AgentEvent.from_dict({"type": "NoSuchEvent"})


MODEL_CLASSES: list[type[Model]] = [
    Credits,
    Upload,
    SessionState,
    RenderStatus,
    Change,
    Reply,
    LeaderboardEntry,
    Leaderboard,
    WorkflowProgress,
    TextEvent,
    ToolCall,
    AgentEvent,
]
KEYS = st.sampled_from(["id", "filename", "session_id", "available", "type", "text", "events"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MODEL_CLASSES), st.dictionaries(KEYS | TEXT, JSON, max_size=5))
def test_from_dict_reads_any_object_or_says_why(cls: type[Model], data: dict[str, Any]) -> None:
    try:
        model = cls.from_dict(data)
    except ValueError:
        return
    assert isinstance(model, cls)


def test_answers_keep_raw_and_read_the_service_spellings() -> None:
    body = {
        "success": True,
        "data": {
            "taskId": "r9",
            "status": "Succeeded",
            "progress": 140,
            "output": {"url": "https://cdn/o.mp4", "duration": "3.5", "size": 1e400},
            "createdAt": 1700000000000,
            "completedAt": "soon",
            "new_field": [1],
        },
    }
    status = answers.render_status(body)
    assert status.raw is body
    assert (status.id, status.state, status.progress) == ("r9", RenderState.COMPLETED, 100.0)
    assert (status.output_url, status.duration, status.size) == ("https://cdn/o.mp4", 3.5, None)
    assert (status.created_at, status.completed_at) == (1700000000000, None)
    files = {"files": [{"name": "a.mp4", "url": "https://cdn/a", "width": 1.5e400, "fps": "x"}]}
    (upload,) = answers.uploads(files, ["local.mp4"])
    assert (upload.filename, upload.cdn_url, upload.width, upload.fps) == (
        "a.mp4",
        "https://cdn/a",
        None,
        None,
    )
    assert upload.raw is files["files"][0]
    data = {"session_id": 123, "state": {"draft": {"t": []}, "video_infos": 5}}
    state = answers.session_state(data, "fallback")
    assert (state.session_id, state.video_infos, state.raw) == ("123", [], data)
    assert state.raw is data
    credits = answers.credits({"available": 10.0, "frozen": "2"})
    assert (credits.available, credits.frozen, credits.total) == (10, 2, 12)


WIRE_KEYS = st.sampled_from(
    [
        "available",
        "frozen",
        "total",
        "data",
        "state",
        "draft",
        "status",
        "progress",
        "output",
        "url",
        "size",
        "duration",
        "width",
        "createdAt",
        "files",
        "filename",
        "session_id",
        "x",
    ]
)
ODD_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, 10**400, -(10**30), 1e308, True])
WIRE_VALUES = st.recursive(
    st.none() | st.integers() | ODD_NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WIRE_KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(WIRE_KEYS, WIRE_VALUES, max_size=6))
def test_answers_read_odd_numbers_as_data_or_an_sdk_error(data: dict[str, Any]) -> None:
    readers = (
        lambda v: answers.credits(v),
        lambda v: answers.session_state(v, "s"),
        lambda v: answers.render_status(v, "r"),
        lambda v: answers.upload(v, "f"),
        lambda v: answers.uploads(v, ["f"]),
    )
    for reader in readers:
        try:
            model = reader(data)
        except NemoVideoError:
            continue
        assert model is not None

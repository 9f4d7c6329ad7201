"""The Draft timeline: lossless round trips, readers, readiness and the summary."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo import Draft, Segment, Track, TrackType

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)
KNOWN_KEYS = st.sampled_from(["t", "tt", "sg", "d", "m", "n", "s", "e", "tx", "v", "id"])
KEYS = KNOWN_KEYS | st.text(max_size=6)


def objects(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects whose keys are often the draft's own short keys."""
    return st.dictionaries(KEYS, values, max_size=6)


SEGMENTS = objects(JSON)
TRACKS = objects(JSON) | st.fixed_dictionaries(
    {"tt": st.integers(-2, 9) | JSON, "sg": st.lists(SEGMENTS, max_size=4) | JSON},
    optional={"n": JSON, "x": JSON},
)
DRAFTS = objects(JSON) | st.fixed_dictionaries(
    {
        "t": st.lists(TRACKS, max_size=4) | JSON,
        "d": st.integers(0, 10**7) | JSON,
        "m": objects(JSON) | JSON,
    },
    optional={"extra": JSON},
)


@settings(max_examples=400)
@given(DRAFTS)
def test_any_json_object_round_trips_exactly(data: dict[str, Any]) -> None:
    before = json.dumps(data, sort_keys=True)
    draft = Draft.from_dict(data)
    assert draft.to_dict() == data
    assert json.dumps(draft.to_dict()) == json.dumps(data), "key order is kept"
    assert json.dumps(data, sort_keys=True) == before, "decoding must not touch its input"


@settings(max_examples=200)
@given(DRAFTS)
def test_readers_never_raise_on_any_json(data: dict[str, Any]) -> None:
    draft = Draft.from_dict(data)
    assert isinstance(draft.summary(), str)
    assert isinstance(draft.is_exportable, bool)
    repr(draft)
    for track in draft.tracks:
        repr(track)
        for segment in track.segments:
            readings = (segment.name, segment.text, segment.start_ms, segment.end_ms)
            assert all(value is None or isinstance(value, str | int | float) for value in readings)


def test_bools_are_not_read_as_numbers() -> None:
    data = {"t": [{"tt": True, "sg": [{"s": True, "d": False}]}], "d": True}
    draft = Draft.from_dict(data)
    assert draft.duration_ms is None
    assert draft.tracks[0].type is None
    assert draft.tracks[0].segments[0].start_ms is None
    assert draft.to_dict() == data
    assert json.dumps(draft.to_dict()) == json.dumps(data)


def test_track_types_known_and_unknown() -> None:
    draft = Draft.from_dict({"t": [{"tt": 0}, {"tt": 1}, {"tt": 7}, {"tt": 3}]})
    types = [track.type for track in draft.tracks]
    assert types == [TrackType.VIDEO, TrackType.AUDIO, TrackType.TEXT, 3]
    assert not isinstance(types[3], TrackType)
    assert json.dumps(draft.to_dict()) == '{"t": [{"tt": 0}, {"tt": 1}, {"tt": 7}, {"tt": 3}]}'


def test_decoded_draft_is_independent_of_its_input() -> None:
    data: dict[str, Any] = {"t": [{"tt": 0, "sg": [{"n": "a", "fx": {"k": [1]}}]}], "m": {"w": 1}}
    draft = Draft.from_dict(data)
    data["t"][0]["sg"][0]["fx"]["k"].append(2)
    data["m"]["w"] = 2
    assert draft.tracks[0].segments[0].raw["fx"] == {"k": [1]}
    assert draft.metadata == {"w": 1}
    out = draft.to_dict()
    out["m"]["w"] = 3
    assert draft.metadata == {"w": 1}


VENDOR_EXAMPLE = {
    "t": [
        {"tt": 0, "sg": [{"id": "v1", "n": "city timelapse", "s": 0, "d": 10000}]},
        {"tt": 1, "n": "BGM", "sg": [{"id": "a1", "n": "Lo-fi", "s": 0, "e": 10000, "v": 0.35}]},
        {"tt": 7, "sg": [{"id": "t1", "tx": "Urban Dreams", "s": 0, "d": 3000}]},
    ],
    "d": 10000,
    "m": {"title": "Urban", "width": 1920, "height": 1080},
}


def test_summary_matches_the_vendor_text() -> None:
    assert Draft.from_dict(VENDOR_EXAMPLE).summary() == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) "
        '2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
    )


def test_summary_of_empty_single_and_long_tracks() -> None:
    assert Draft.from_dict({"t": []}).summary() == "Timeline (0 tracks): empty"
    assert Draft.from_dict({}).summary() == "Timeline (0 tracks): empty"
    many = {"t": [{"tt": 0, "sg": [{"n": f"c{i}", "s": i * 1500, "d": 1500} for i in range(6)]}]}
    assert Draft.from_dict(many).summary() == (
        "Timeline (1 track): 1. Video: c0 (0-1.5s), c1 (1.5-3s), c2 (3-4.5s), "
        "c3 (4.5-6s), (+2 more)"
    )
    assert Draft.from_dict({"t": [{"tt": 1}]}).summary() == "Timeline (1 track): 1. Audio: empty"


def test_readiness_rule() -> None:
    assert not Draft.from_dict({"t": [], "d": 0}).is_exportable
    assert not Draft.from_dict({"t": [{"tt": 0, "sg": []}]}).is_exportable
    assert not Draft.from_dict({"t": [{"tt": 0, "sg": "oops"}]}).is_exportable
    assert not Draft.from_dict({"t": "oops"}).is_exportable
    assert Draft.from_dict({"t": [{"tt": 0, "sg": []}, {"tt": 7, "sg": [{}]}]}).is_exportable


def test_segment_readers_accept_the_spellings_seen() -> None:
    segment = Segment.from_dict({"start": 500, "end": 2500, "title": "x", "url": "https://c/a.mp4"})
    assert (segment.start_ms, segment.end_ms, segment.duration_ms) == (500, 2500, 2000)
    assert segment.name == "x"
    assert segment.source == "https://c/a.mp4"
    assert Segment.from_dict({"vol": 35}).volume == 0.35
    assert Segment.from_dict({"st": 1000, "dur": 500}).end_ms == 1500
    assert Segment.from_dict({"text": "hi"}).text == "hi"
    assert Segment.from_dict({}).end_ms is None


def test_draft_end_and_metadata() -> None:
    draft = Draft.from_dict(VENDOR_EXAMPLE)
    assert draft.end_ms == 10000
    assert draft.title == "Urban"
    undated = Draft.from_dict(
        {"t": [{"tt": 0, "sg": [{"s": 0, "d": 4000}, {"s": 4000, "d": 2000}]}]}
    )
    assert undated.duration_ms is None
    assert undated.end_ms == 6000


def test_hand_built_draft_serialises() -> None:
    draft = Draft(
        tracks=(Track(TrackType.VIDEO, (Segment({"n": "a", "s": 0, "d": 1000}),)),),
        duration_ms=1000,
    )
    assert draft.to_dict() == {"t": [{"tt": 0, "sg": [{"n": "a", "s": 0, "d": 1000}]}], "d": 1000}
    assert draft.is_exportable
    assert repr(draft) == "Draft(tracks=1, segments=1, duration_ms=1000)"

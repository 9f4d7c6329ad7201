"""parse_json gives json.loads's answers: the same values, an error where it errs."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemovideo._protocol.events import decode_frame
from nemovideo._protocol.json_text import parse_json
from nemovideo._protocol.sse import ServerSentEvent
from nemovideo.models.events import TextEvent, UnknownEvent


def _stdlib(text: str) -> tuple[str, Any]:
    try:
        return "value", json.loads(text)
    except ValueError:
        return "error", None


def _ours(text: str) -> tuple[str, Any]:
    try:
        return "value", parse_json(text)
    except ValueError:
        return "error", None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        ' {"a": 1}',
        '{"a": 1} ',
        '\n\t{"a": 1}\r\n',
        '{"a": 1} x',
        '{"a": 1}{"b": 2}',
        "",
        " ",
        "\ufeff{}",
        "[1, 2",
        '{"a": }',
        "NaN",
        "-Infinity",
        "[NaN, 1e999]",
        "12345678901234567890123456789",
        '"\\ud800"',
        '"tab\there"',
        "1 2",
        "nul",
        "true",
        "null ",
        "\u00a0{}",
        '{"a": 1, "a": 2}',
    ],
)
def test_matches_json_loads_on_edge_cases(text: str) -> None:
    (kind_ours, ours), (kind_std, std) = _ours(text), _stdlib(text)
    assert kind_ours == kind_std
    assert _same(ours, std)


@given(st.text(alphabet=' \t\n\r{}[]",:0123456789.eE+-truefalsnul\\ux', max_size=24))
def test_matches_json_loads_on_fuzzed_text(text: str) -> None:
    (kind_ours, ours), (kind_std, std) = _ours(text), _stdlib(text)
    assert kind_ours == kind_std
    assert _same(ours, std)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


@given(JSON, st.sampled_from(["", " ", "\n", " \t"]))
def test_round_trips_what_json_dumps_writes(value: Any, pad: str) -> None:
    text = pad + json.dumps(value) + pad
    assert _same(parse_json(text), json.loads(text))


def test_deep_nesting_is_a_value_error_not_a_recursion_error() -> None:
    with pytest.raises(ValueError, match="too deeply"):
        parse_json("[" * 100_000 + "]" * 100_000)


def test_a_frame_nested_too_deeply_decodes_to_an_unknown_event() -> None:
    data = "[" * 100_000 + "]" * 100_000
    (event,) = decode_frame(ServerSentEvent(data))
    assert isinstance(event, UnknownEvent)
    assert event.raw == data


def test_a_padded_frame_still_decodes() -> None:
    data = ' {"content": {"parts": [{"text": "hi"}]}} \n'
    (event,) = decode_frame(ServerSentEvent(data))
    assert isinstance(event, TextEvent)
    assert event.text == "hi"

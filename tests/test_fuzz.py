"""Fuzzed parsers: any input decodes or raises a NemoVideoError, never a KeyError or
TypeError (the SSE decoder, events and Draft are fuzzed in their own test modules)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo import NemoVideoError
from nemovideo._protocol import answers
from nemovideo._protocol.envelope import read_answer

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "code",
                    "data",
                    "message",
                    "success",
                    "error",
                    "status",
                    "output",
                    "state",
                    "draft",
                    "id",
                    "url",
                    "files",
                    "available",
                    "outputUrl",
                    "progress",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
STATUSES = st.sampled_from(
    [200, 201, 204, 301, 400, 401, 402, 404, 408, 409, 413, 429, 500, 502, 503]
)


@settings(max_examples=400)
@given(
    STATUSES,
    st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(["code", "render"]),
)
def test_any_answer_is_data_or_an_sdk_error(status: int, body: bytes, kind: Any) -> None:
    request = httpx.Request("GET", "https://api.test/x")
    response = httpx.Response(status, content=body, request=request)
    try:
        data = read_answer(response, kind)
    except NemoVideoError:
        return
    assert isinstance(data, dict)


@settings(max_examples=300)
@given(JSON)
def test_models_read_any_json(value: Any) -> None:
    for reader in (
        lambda v: answers.session_state(v, session_id="1"),
        lambda v: answers.render_status(v, render_id="r"),
        answers.credits,
        lambda v: answers.upload(v, "name"),
    ):
        if not isinstance(value, dict):
            continue
        with contextlib.suppress(NemoVideoError):
            reader(value)

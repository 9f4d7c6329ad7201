"""Headers picked by name in one pass read as ``response.headers[name]`` reads them, in
any case, repeated, and in each encoding httpx reads headers in."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from nemovideo._protocol.headers import pick

NAMES = ("content-length", "content-encoding", "x-request-id")
raw_names = st.sampled_from(
    [b"Content-Length", b"content-encoding", b"X-REQUEST-ID", b"x-request-\xc3\xafd", b"date"]
)
raw_values = st.binary(max_size=6).filter(lambda v: b"\r" not in v and b"\n" not in v)


@given(st.lists(st.tuples(raw_names, raw_values), max_size=6))
def test_pick_reads_as_headers_by_name(headers: list[tuple[bytes, bytes]]) -> None:
    response = httpx.Response(200, headers=headers)
    expected = {name: response.headers[name] for name in NAMES if name in response.headers}
    assert pick(response, NAMES) == expected


def test_a_content_length_is_a_plain_number_or_none() -> None:
    from nemovideo._protocol.headers import content_length

    assert content_length(" 1024 ") == 1024
    assert content_length(None) is None
    assert content_length("²") is None  # a digit to str.isdigit, not to int()
    assert content_length("1" * 5000) is None  # more digits than int() will read
    assert content_length("-1") is None

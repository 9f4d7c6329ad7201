"""The quick tests in front of the redaction regexes give the regexes' answers: text
that could hold a secret is never passed over, in any case or script."""

from __future__ import annotations

import re

import httpx
from hypothesis import given
from hypothesis import strategies as st

from nemovideo._protocol.redact import (
    _SECRET_HEADER,
    headers_hold_secrets,
    raw_headers_may_hold_secrets,
    redact_headers,
)
from nemovideo._secret import _SECRET_TEXT, holds_secret, redact

# Letters that match ASCII ones under re.IGNORECASE without being ASCII (long s, dotless
# and dotted i, the Kelvin sign), beside the words and prefixes the regexes look for.
_TRICKY = ["ſ", "ı", "İ", "K", "nmv_", "NMV_", "clm_", "Bearer ", "bEaReR\t", "usr_", "x"]
_PIECES = ["cookie", "AUTH", "token", "ſecret", "Key", "credentıal", "signature", "-", "ab"]

texts = st.lists(st.sampled_from(_TRICKY) | st.text(max_size=4), max_size=8).map("".join)
names = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), min_size=1, max_size=4).map(
    "".join
)


@given(texts)
def test_holds_secret_and_redact_agree_with_the_regex(text: str) -> None:
    assert holds_secret(text) == (_SECRET_TEXT.search(text) is not None)
    assert redact(text) == _SECRET_TEXT.sub(
        lambda m: f"{m.group('prefix') or m.group('bearer') or ''}***", text
    )


@given(st.lists(st.tuples(names, texts), max_size=4))
def test_headers_hold_secrets_as_the_regexes_find_them(headers: list[tuple[str, str]]) -> None:
    names = "\n".join(name for name, _ in headers)
    values = "\n".join(value for _, value in headers)
    found = _SECRET_HEADER.search(names) or _SECRET_TEXT.search(values)
    assert headers_hold_secrets(headers) == (found is not None)
    if redact_headers(headers) != headers:
        assert headers_hold_secrets(headers)


def test_a_name_that_says_secret_only_under_unicode_case_folding_is_masked() -> None:
    for name in ("x-ſecret", "cookıe", "x-api-Key"):
        assert re.search("cookie|secret|key", name, re.I)
        assert headers_hold_secrets([(name, "plain")])


_RAW = [
    b"Set-Cookie",
    b"X-Api-K\xe2\x84\xaay",
    b"x-\xc5\xbfecret",
    b"Date",
    b"B",
    b"nMv_",
    b"BEARER ",
]


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_RAW) | st.binary(max_size=3), min_size=1, max_size=3).map(
                b"".join
            ),
            st.lists(st.sampled_from(_RAW) | st.binary(max_size=3), max_size=3).map(b"".join),
        ).filter(lambda pair: all(b not in b"".join(pair) for b in (b"\r", b"\n", b":"))),
        max_size=4,
    )
)
def test_the_quick_test_of_raw_headers_never_passes_over_a_secret(
    raw: list[tuple[bytes, bytes]],
) -> None:
    headers = httpx.Headers(raw)
    if headers_hold_secrets(headers.multi_items()):
        assert raw_headers_may_hold_secrets(headers.raw)

"""The rules for what comes from the service: bounded JSON, URLs to fetch, ids in paths,
issued tokens (``_protocol/jsontext.py``, ``urls.py``, ``ids.py``, ``auth.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo import InvalidResponseError, RenderState
from nemovideo._protocol import answers, endpoints
from nemovideo._protocol.auth import expiry_from_answer, issued_token
from nemovideo._protocol.envelope import read_answer
from nemovideo._protocol.events import decode_frame
from nemovideo._protocol.ids import MAX_ID_LENGTH, checked_id, id_problem, server_id
from nemovideo._protocol.jsontext import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    JSONRefused,
    depth_problem,
    loads,
)
from nemovideo._protocol.sse import ServerSentEvent
from nemovideo._protocol.urls import MAX_URL_LENGTH, url_problem
from nemovideo.models.events import UnknownEvent
from nemovideo.models.render import RenderStatus

from .fake_service import API, TOKEN, FakeService, make_client
from .recorded import done

# -- JSON -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a":' * 5000 + "1" + "}" * 5000,
        "[" * 100_000,
        "1" * 101,
        '{"d": -' + "9" * 5000 + "}",
        "[NaN]",
        '{"x": Infinity}',
        "-Infinity",
        "[1e999]",
    ],
)
def test_json_outside_the_bounds_is_refused(text: str) -> None:
    with pytest.raises(JSONRefused):
        loads(text)
    with pytest.raises(JSONRefused):
        loads(text.encode())  # the bytes of an answer, read another way


def test_json_within_the_bounds_reads_as_json() -> None:
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    text = '{"id": ' + "9" * 100 + ', "t": 1.5e308, "s": "' + "7" * 300 + '"}'
    expected = {"id": int("9" * 100), "t": 1.5e308, "s": "7" * 300}
    assert loads(text) == expected
    assert loads(text.encode()) == expected


@given(st.lists(st.integers(min_value=95, max_value=105), max_size=4))
def test_bytes_and_text_are_held_to_the_same_integer_bound(lengths: list[int]) -> None:
    text = "[" + ", ".join("-" + "8" * n for n in lengths) + "]"
    outcomes = []
    for value in (text, text.encode()):
        try:
            outcomes.append(loads(value))
        except JSONRefused as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    assert isinstance(outcomes[0], str) == any(n > MAX_INT_DIGITS for n in lengths)


def test_the_depth_walk_is_iterative() -> None:
    value: Any = 1
    for _ in range(50_000):  # far past the recursion limit
        value = [value]
    assert depth_problem(value) == f"nested more than {MAX_DEPTH} levels deep"
    assert depth_problem([[{"a": [1]}]]) is None


@pytest.mark.parametrize(
    "body",
    [b"[" * 5000 + b"]" * 5000, b'{"code":0,"data":{"a":1' + b"0" * 5000 + b"}}", b'{"x":NaN}'],
)
def test_a_refused_answer_is_an_invalid_response_saying_why(body: bytes) -> None:
    response = httpx.Response(200, content=body, request=httpx.Request("GET", f"{API}/x"))
    with pytest.raises(InvalidResponseError, match="JSON the SDK does not read"):
        read_answer(response)


def test_a_refused_frame_is_an_unknown_event() -> None:
    data = "[" * 5000 + "]" * 5000
    assert decode_frame(ServerSentEvent(data=data)) == [UnknownEvent(raw=data, event="message")]


# -- URLs -------------------------------------------------------------------------------

GOOD_URLS = [
    "https://cdn.test/out.mp4",
    "https://cdn.test:8443/a/b.mp4?sig=abc",
    "http://127.0.0.1:8000/renders/r.mp4",
    "http://localhost/x.mp4",
    "http://[::1]:9/x",
    "https://10.0.0.5/x.mp4",
]
BAD_URLS = {
    "https://cdn:99999/x": "port",
    "https://cdn:0/x": "port",
    "https://[::1/x": "cannot be parsed",
    "https://cdn.test/" + "a" * MAX_URL_LENGTH: "characters",
    "http://cdn.test/x.mp4": "plain http",
    "ftp://cdn.test/x": "scheme",
    "javascript:alert(1)": "no host",
    "/relative/x.mp4": "no host",
    "https://169.254.169.254/latest/meta-data": "metadata",
    "https://169.254.10.1/x": "link-local",
    "https://[fe80::1]/x": "link-local",
    "https://[fd00:ec2::254]/x": "metadata",
    "https://[::ffff:169.254.169.254]/x": "metadata",
    "https://metadata.google.internal/x": "metadata",
    "https://METADATA.google.internal./x": "metadata",
    "https://2852039166/x": "number",
    "https://0xa9fea9fe/x": "number",
    "https://xn--/x": "cannot be parsed",
    "https://cdn .test/x": "spaces",
    "https://cdn.test/x\r\nX-Evil: 1": "control",
    "https://0.0.0.0/x": "not an address",
}


@pytest.mark.parametrize("url", GOOD_URLS)
def test_urls_the_sdk_fetches(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(("url", "why"), BAD_URLS.items(), ids=lambda v: str(v)[:40])
def test_urls_the_sdk_never_fetches(url: str, why: str) -> None:
    problem = url_problem(url)
    assert problem is not None
    assert why in problem
    assert url[:30] not in problem  # the reason never quotes the URL


def test_the_api_origin_is_always_allowed() -> None:
    api = httpx.URL("http://api.internal:8080")
    assert (
        url_problem("http://api.internal:8080/api/render/proxy/r/download", api_origin=api) is None
    )
    assert url_problem("http://api.internal:8081/x", api_origin=api) is not None


@settings(max_examples=300)
@given(
    st.text(max_size=60) | st.from_regex(r"https?://[^/]{0,20}(:\d{0,6})?/.{0,10}", fullmatch=True)
)
def test_any_text_is_a_url_or_a_reason(text: str) -> None:
    problem = url_problem(text)
    if problem is None:
        httpx.Request("GET", text)  # what the SDK would do with it: no error


# -- ids --------------------------------------------------------------------------------

BAD_IDS = ["", ".", "..", "a/b", "../x", "a\\b", "?x", "#x", "%2e%2e", "a b", "a\tb", "a\x00b"]


@pytest.mark.parametrize("value", [*BAD_IDS, "x" * (MAX_ID_LENGTH + 1), None, 12])
def test_bad_ids(value: Any) -> None:
    assert id_problem(value) is not None
    with pytest.raises(ValueError, match="invalid session_id"):
        checked_id(value, "session_id")
    with pytest.raises(InvalidResponseError, match="invalid render id"):
        server_id(value, "render id")


@pytest.mark.parametrize(
    "value", ["1234567890123456789", "render_1700000000000_ab12cd34", "t-1", "ü"]
)
def test_good_ids(value: str) -> None:
    assert checked_id(value) == value


@pytest.mark.parametrize("value", BAD_IDS)
def test_no_path_is_built_from_a_bad_id(value: str) -> None:
    with pytest.raises(ValueError, match="invalid id"):
        endpoints.render_status_path(value)
    with pytest.raises(ValueError, match="invalid id"):
        endpoints.render_download_path(value)


@pytest.mark.parametrize("value", ["..", "a/b", ""])
@pytest.mark.anyio
async def test_bad_ids_from_the_caller_are_refused_before_any_request(
    kind: str, value: str
) -> None:
    service = FakeService()
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(ValueError, match="invalid session_id"):
        client.session(value)
    with pytest.raises(ValueError, match="invalid task_id"):
        client.session("1", task_id=value)
    with pytest.raises(ValueError, match="invalid render_id"):
        client.render(value)
    with pytest.raises(ValueError, match="invalid session_id"):
        client.render("render_1", session_id=value)
    assert service.seen == []
    await done(client.close() if kind == "sync" else client.aclose())


@pytest.mark.parametrize("value", ["..", ".", "a/b", "x" * 300, "1 2"])
@pytest.mark.anyio
async def test_bad_ids_from_the_service_are_invalid_responses(kind: str, value: str) -> None:
    service = FakeService()
    service.script(
        "with-session", httpx.Response(200, json={"code": 0, "data": {"session_id": value}})
    )
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(InvalidResponseError, match="invalid session_id"):
        await done(client.create_session())
    with pytest.raises(InvalidResponseError, match="invalid render id"):
        answers.render_status({"data": {"id": value, "status": "completed"}}, "render_1")
    with pytest.raises(InvalidResponseError, match="invalid session_id"):
        answers.session_state({"session_id": value, "state": {}}, "1")
    await done(client.close() if kind == "sync" else client.aclose())


# -- tokens -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["nmv_usr_ünïcødé", "nmv_usr_a b", "nmv_usr_\x00", "nmv\r\nX: y", "x" * 5000, "", " ", None, 7],
)
def test_tokens_that_cannot_go_into_a_header_are_refused_on_arrival(value: Any) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        issued_token(value)
    if isinstance(value, str) and value.strip():
        assert value not in str(caught.value)


@pytest.mark.anyio
async def test_a_non_ascii_anonymous_token_is_an_invalid_response(kind: str) -> None:
    service = FakeService()
    answer = {"code": 0, "data": {"token": "nmv_usr_ünïcødé0123456789"}}
    service.script("anonymous-token", httpx.Response(200, json=answer))
    client = make_client(kind, service, token_store=False)
    with pytest.raises(InvalidResponseError, match="anonymous token that is not printable ASCII"):
        await done(client.credits())
    assert service.count("credits") == 0
    await done(client.close() if kind == "sync" else client.aclose())


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "1e400", "x" * 100, 10**400]
)
def test_an_expiry_out_of_range_reads_as_unknown(value: Any) -> None:
    assert expiry_from_answer(value, now=1000.0) == 1000.0 + 7 * 24 * 3600


# -- downloads ------------------------------------------------------------------------------


def _completed(url: str) -> dict[str, Any]:
    return {"success": True, "data": {"id": "render_1", "status": "completed", "outputUrl": url}}


@pytest.mark.parametrize(
    "url", ["https://cdn:99999/x", "https://169.254.169.254/x", "https://[::1/x"]
)
@pytest.mark.anyio
async def test_a_bad_output_url_is_skipped_for_the_fallback(
    kind: str, url: str, tmp_path: Path
) -> None:
    service = FakeService()
    service.script("/render/proxy/lambda/", httpx.Response(200, json=_completed(url)))
    client = make_client(kind, service, token=TOKEN)
    path = await done(client.render("render_1").download(tmp_path / "out.mp4"))
    assert path.read_bytes() == service.video
    assert [s.url.host for s in service.seen] == ["api.test", "api.test"]
    assert service.paths()[-1] == "/api/render/proxy/render_1/download"
    await done(client.close() if kind == "sync" else client.aclose())


@pytest.mark.parametrize(
    "location", ["https://169.254.169.254/latest", "http://cdn.test/x.mp4", "https://cdn:99999/x"]
)
@pytest.mark.anyio
async def test_a_bad_redirect_is_a_download_error(kind: str, location: str, tmp_path: Path) -> None:
    from nemovideo import DownloadError

    service = FakeService()
    moved = httpx.Response(302, headers={"location": location})
    service.script("/download", moved)
    service.script("out.mp4", httpx.Response(302, headers={"location": location}))
    service.script(
        "/render/proxy/lambda/", httpx.Response(200, json=_completed("https://cdn.test/out.mp4"))
    )
    client = make_client(kind, service, token=TOKEN)
    with pytest.raises(DownloadError, match=r"redirect refused|Invalid URL in location") as caught:
        await done(client.render("render_1").download(tmp_path / "out.mp4"))
    assert location not in str(caught.value)
    assert not list(tmp_path.iterdir())
    assert all(s.url.host in {"api.test", "cdn.test"} for s in service.seen)
    await done(client.close() if kind == "sync" else client.aclose())


def test_a_completed_status_keeps_its_output_url_as_sent() -> None:
    status = answers.render_status(_completed("https://cdn:99999/x"), "render_1")
    assert isinstance(status, RenderStatus)
    assert status.state is RenderState.COMPLETED
    assert status.output_url == "https://cdn:99999/x"

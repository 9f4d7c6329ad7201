"""A hostile server against the whole client: only typed results or NemoVideoErrors.

Every endpoint (anonymous token, session create, claim token, uploads, credits, state,
export, render status and wait, download, the conversation stream) is driven on both
clients (the async one on asyncio and trio) through ``httpx.MockTransport``. Each
request gets an answer Hypothesis makes: any status, headers, chunking and body,
usually a plausible answer with a field or two replaced by something hostile (a huge
or 5000-digit number, NaN, Infinity, nesting thousands deep, a bad URL or id, a
non-ASCII token, a wrong type), sometimes garbage or a broken connection. Whatever
happens, the call returns its typed result or raises a `NemoVideoError`, which
pickles and never shows the token. Bodies stay small (limits are tested elsewhere).

``HOSTILE_EXAMPLES=300`` (the default is 40) runs more examples per endpoint and client.
"""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemovideo import (
    AsyncNemoVideo,
    Credits,
    NemoVideo,
    NemoVideoError,
    Reply,
    SessionState,
    Upload,
)
from nemovideo._protocol.ranking import read_ranking
from nemovideo.models.render import RenderStatus
from nemovideo.testing import fake_clock

from .recorded import done

API = "https://api.test"
TOKEN = "nmv_usr_hostiletoken0123456789abcdefgh"
MAX_REQUESTS = 30
"""Requests answered by Hypothesis in one example; later ones get a plain 404."""


@attrs.frozen
class Raw:
    """JSON text written as is (numbers Python's ``json`` will not write, deep nesting)."""

    text: str


def dump(value: Any) -> str:
    """JSON text of ``value``, with `Raw` pieces written as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return json.dumps(value)


def deep(levels: int, opener: str) -> Raw:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return Raw(opener * levels + "1" + closer * levels)


BAD_URLS = [
    "https://cdn:99999/x.mp4",
    "https://[::1/x.mp4",
    "https://cdn.test/" + "a" * 66_000,
    "http://cdn.test/x.mp4",
    "https://169.254.169.254/latest/meta-data",
    "https://[fe80::1]/x.mp4",
    "https://[fd00:ec2::254]/x",
    "https://metadata.google.internal/x",
    "https://2852039166/x",
    "ftp://cdn.test/x.mp4",
    "https://xn--/x",
    "https://cdn .test/x",
    "javascript:alert(1)",
    "//cdn.test/x.mp4",
    "/api/render/proxy/r/download",
    "https://cdn.test/x\r\nX-Evil: 1",
    "https://user:pw@cdn.test/x.mp4",
    "https://ünïcode.test/x.mp4",
]
BAD_IDS = ["", ".", "..", "a/b", "../x", "?x", "#x", "%2e%2e", "a b", "a\x00b", "\u2028", "x" * 300]
BAD_TOKENS = ["nmv_usr_ünïcødé", "nmv_usr_a b", "nmv_usr_\x00", "nmv\r\nX: y", "x" * 5000, ""]
HUGE_NUMBERS = [
    Raw("1" + "0" * 5000),
    Raw("-" + "9" * 400),
    Raw("1" + "0" * 100),
    Raw("1" + "0" * 30),
    Raw("1e999"),
    Raw("-1e400"),
    Raw("NaN"),
    Raw("Infinity"),
    Raw("-Infinity"),
    Raw("1e308"),
    Raw("-0.0"),
    Raw("123456789012345678901234567890.5"),
    2**63,
    -(2**63) - 1,
]
LEAVES = st.one_of(
    st.sampled_from(HUGE_NUMBERS),
    st.sampled_from(BAD_URLS),
    st.sampled_from(BAD_IDS),
    st.sampled_from(BAD_TOKENS),
    st.builds(
        deep, st.sampled_from([99, 100, 101, 990, 3000, 20_000]), st.sampled_from(["[", '{"a":'])
    ),
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    st.sampled_from(["completed", "failed", "pending", "https://cdn.test/ok.mp4", "render_1"]),
)
KEYS = [
    "code",
    "data",
    "success",
    "error",
    "message",
    "detail",
    "token",
    "claim_token",
    "expires_at",
    "user_id",
    "session_id",
    "task_id",
    "available",
    "frozen",
    "total",
    "files",
    "filename",
    "cdn_url",
    "url",
    "duration",
    "width",
    "height",
    "fps",
    "state",
    "draft",
    "t",
    "tt",
    "sg",
    "d",
    "m",
    "s",
    "status",
    "id",
    "taskId",
    "progress",
    "outputUrl",
    "output",
    "size",
    "createdAt",
    "completedAt",
    "video_analyses",
    "score",
    "content",
    "parts",
    "text",
    "functionCall",
    "functionResponse",
    "args",
    "response",
    "timestamp",
    "partial",
    "actions",
    "stateDelta",
    "errorCode",
    "rankings",
    "clip",
]
JSON = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)

DRAFT = {
    "t": [
        {"tt": 0, "sg": [{"n": "a.mp4", "s": 0, "d": 1000}]},
        {"tt": 1, "sg": [{"n": "b.mp3", "s": 1e308, "d": 1e308, "v": 1e308}]},
        {"tt": 10**90, "sg": [{"n": "c", "s": -(10**90), "e": 10**90}]},
        {"tt": 7, "sg": []},
    ],
}
RANKING = {"rankings": [{"clip": "a.mp4", "score": 91.5}, {"clip": "b.mp4", "score": 0.4}]}
EVENTS = [
    {
        "id": "e1",
        "author": "nemo_agent",
        "timestamp": 1.7e9,
        "partial": True,
        "content": {"role": "model", "parts": [{"text": "Ranking "}]},
    },
    {
        "id": "e1",
        "author": "nemo_agent",
        "timestamp": 1.7e9,
        "content": {"role": "model", "parts": [{"text": "Ranking done"}]},
    },
    {
        "id": "e2",
        "content": {"parts": [{"functionCall": {"id": "c1", "name": "rank", "args": RANKING}}]},
    },
    {
        "id": "e3",
        "content": {
            "parts": [{"functionResponse": {"id": "c1", "name": "rank", "response": RANKING}}]
        },
        "actions": {"stateDelta": {"draft": DRAFT}},
    },
    {"errorCode": "E1", "errorMessage": "hiccup"},
    {"type": "tool_call", "name": "rank", "args": RANKING},
    {"error": "ValueError: boom", "error_details": {"x": 1}},
]


def templates(request: httpx.Request) -> Any:
    """A plausible answer body for ``request`` (a dict, or the file's bytes)."""
    path = request.url.path
    if request.url.host != "api.test" or path.endswith("/download"):
        return b"\x00\x00\x00\x18ftypmp42" + b"v" * 200
    if path == "/api/auth/anonymous-token":
        data: Any = {
            "token": TOKEN,
            "credits": 100,
            "user_id": "anon_1",
            "expires_at": "2030-01-01T00:00:00Z",
        }
    elif path == "/api/auth/claim-token":
        data = {"claim_token": "clm_abcdefghijkl", "expires_in": 604800}
    elif path.startswith("/api/tasks/"):
        data = {"session_id": "1234567890123456789", "task_id": "task-1"}
    elif path.startswith("/api/upload-video/"):
        data = {
            "files": [
                {
                    "filename": "a.mp4",
                    "file_type": "video",
                    "cdn_url": "https://cdn.test/a.mp4",
                    "duration": 1.5,
                    "width": 1920,
                    "height": 1080,
                    "fps": 30,
                }
            ]
        }
    elif path == "/api/credits/balance/simple":
        data = {"available": 90, "frozen": 10, "total": 100}
    elif path.startswith("/api/state/"):
        data = {
            "session_id": "1",
            "task_id": "t",
            "state": {"draft": DRAFT, "video_infos": [], "video_analyses": RANKING["rankings"]},
        }
    elif path == "/api/render/proxy/lambda":
        return {
            "success": True,
            "data": {"id": json.loads(request.content)["id"], "status": "pending"},
        }
    elif path.startswith("/api/render/proxy/lambda/"):
        return {
            "success": True,
            "data": {
                "id": path.rsplit("/", 1)[1],
                "status": "completed",
                "progress": 100,
                "outputUrl": "https://cdn.test/out.mp4",
                "createdAt": 1.7e12,
            },
        }
    else:
        return {"detail": "Not Found"}
    return {"code": 0, "data": data}


def mutate(value: Any, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Any:
    """``value`` with one of its fields (at any depth) replaced by a hostile value or removed."""
    places: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        keys = (
            list(item)
            if isinstance(item, dict)
            else range(len(item))
            if isinstance(item, list)
            else []
        )
        for key in keys:
            places.append((item, key))
            stack.append(item[key])
    if not places:
        return value
    container, key = places[draw(st.integers(0, len(places) - 1))]
    if isinstance(container, dict) and draw(st.integers(0, 5)) == 0:
        del container[key]
    else:
        container[key] = draw(JSON)
    return value


STATUSES = [200] * 6 + [
    201,
    204,
    206,
    301,
    302,
    307,
    308,
    400,
    401,
    402,
    404,
    408,
    409,
    422,
    429,
    500,
    502,
    503,
    599,
    199,
]
CONTENT_TYPES = [
    "application/json",
    "text/event-stream",
    "text/html",
    "text/plain",
    "",
    "application/json; charset=latin-1",
]
HEADER_VALUES = [
    "1e400",
    "-5",
    "nan",
    "inf",
    "9" * 40,
    "²",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Sun, 01 Jan 10000 00:00:00 GMT",
    "",
]


def sse_body(draw: Callable[[st.SearchStrategy[Any]], Any]) -> bytes:
    frames = []
    for _ in range(draw(st.integers(0, 5))):
        pick = draw(st.integers(0, len(EVENTS) + 2))
        if pick < len(EVENTS):
            event = json.loads(json.dumps(EVENTS[pick]))
            if draw(st.booleans()):
                event = mutate(event, draw)
            frames.append(b"data: " + dump(event).encode() + b"\n\n")
        elif pick == len(EVENTS):
            frames.append(b"data: " + dump(draw(JSON)).encode() + b"\n\n")
        elif pick == len(EVENTS) + 1:
            frames.append(b": still working\n\n")
        else:
            frames.append(draw(st.binary(max_size=40)))
    return b"".join(frames)


@attrs.define
class HostileServer:
    """Answers every request with what Hypothesis draws."""

    draw: Callable[[st.SearchStrategy[Any]], Any]
    asynchronous: bool
    requests: int = 0

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            return httpx.Response(404, json={"detail": "Not Found"})
        draw = self.draw
        failure = draw(st.integers(0, 15))
        if failure == 0:
            raise draw(
                st.sampled_from(
                    [
                        httpx.ConnectError("refused"),
                        httpx.ReadError("reset"),
                        httpx.ReadTimeout("slow"),
                        httpx.RemoteProtocolError("cut"),
                    ]
                )
            )
        stream = request.url.path == "/run_sse" and draw(st.integers(0, 3)) > 0
        body: bytes
        if stream:
            body, content_type = sse_body(draw), "text/event-stream"
        else:
            shape = draw(st.integers(0, 9))
            template = copy.deepcopy(templates(request))
            content_type = "application/json"
            if isinstance(template, bytes):
                body, content_type = template, "video/mp4"
            elif shape <= 6:
                body = dump(mutate(template, draw) if shape else template).encode()
            elif shape == 7:
                body = dump(draw(JSON)).encode()
            elif shape == 8:
                body = dump(deep(draw(st.sampled_from([100, 101, 1500, 50_000])), "[")).encode()
            else:
                body = draw(st.binary(max_size=60))
        status = 200 if draw(st.booleans()) else draw(st.sampled_from(STATUSES))
        headers = {"content-type": draw(st.sampled_from([content_type, *CONTENT_TYPES]))}
        for name in draw(
            st.sets(
                st.sampled_from(["location", "retry-after", "x-request-id", "content-encoding"])
            )
        ):
            if name == "location":
                headers[name] = draw(
                    st.sampled_from([*BAD_URLS[:3], *BAD_URLS[4:], "https://cdn.test/moved.mp4"])
                )
            elif name == "content-encoding":
                headers[name] = draw(st.sampled_from(["gzip", "br", "identity", "zstd", "x-nope"]))
            else:
                headers[name] = draw(st.sampled_from(HEADER_VALUES))
        raw_headers = [(k.encode(), v.encode("latin-1")) for k, v in headers.items()]
        cut = draw(st.sampled_from([None, None, None, 0, 1, 7, 50]))
        chunks = [body[i : i + 13] for i in range(0, len(body), 13)] or [b""]
        if cut is None:
            return httpx.Response(
                status, headers=raw_headers, content=self._stream(chunks, broken=False)
            )
        return httpx.Response(
            status, headers=raw_headers, content=self._stream(chunks[:cut], broken=True)
        )

    def _stream(self, chunks: list[bytes], *, broken: bool) -> Any:
        def sync() -> Iterator[bytes]:
            yield from chunks
            if broken:
                raise httpx.ReadError("connection reset mid-body")

        async def asynchronous() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk
            if broken:
                raise httpx.ReadError("connection reset mid-body")

        return asynchronous() if self.asynchronous else sync()

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.answer(request)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self.answer(request)


def _client(kind: str, server: HostileServer, token: str | None) -> Any:
    options: dict[str, Any] = {
        "base_url": API,
        "client_id": "hostile-client",
        "token": token,
        "token_store": False,
        "max_retries": 2,
    }
    if kind == "sync":
        return NemoVideo(
            http_client=httpx.Client(transport=httpx.MockTransport(server.handle)), **options
        )
    transport = httpx.MockTransport(server.ahandle)
    return AsyncNemoVideo(http_client=httpx.AsyncClient(transport=transport), **options)


async def _iterate(turn: Any) -> list[Any]:
    if hasattr(turn, "__aiter__"):
        return [event async for event in turn]
    return list(turn)


async def _use_turn(session: Any) -> Reply:
    turn = await done(session.send("rank these clips"))
    try:
        events = await _iterate(turn)
        reply = await done(turn.result())
    finally:
        await done(turn.close() if hasattr(turn, "close") else turn.aclose())
    assert isinstance(reply, Reply)
    assert len(events) >= 0
    reply.describe()
    reply.to_dict()
    read_ranking(reply, reply.state_after, [Upload(filename="a.mp4")])
    return reply


async def _use_state(session: Any) -> SessionState:
    state = await done(session.state())
    assert isinstance(state, SessionState)
    if state.draft is not None:
        state.draft.summary()
        state.draft.to_dict()
        state.draft._repr_svg_()
    state.to_dict()
    pickle.loads(pickle.dumps(state))
    return state


ACTIONS: dict[str, Callable[[Any, Path], Any]] = {
    "create session": lambda c, _: c.create_session(),
    "claim token": lambda c, _: c.session("1", task_id="t").browser_url(),
    "upload": lambda c, clip: c.session("1").upload(clip),
    "upload URLs": lambda c, _: c.session("1").upload_urls(["https://media.test/a.mp4"]),
    "credits": lambda c, _: c.credits(),
    "state": lambda c, _: _use_state(c.session("1")),
    "export": lambda c, _: c.session("1").export(),
    "render status": lambda c, _: c.render("render_1").status(),
    "render wait": lambda c, _: c.render("render_1", session_id="1").wait(timeout=120),
    "download": lambda c, clip: c.render("render_1", session_id="1").download(
        clip.parent / "out.mp4"
    ),
    "turn": lambda c, _: _use_turn(c.session("1")),
}
RESULT_TYPES: dict[str, Any] = {
    "create session": object,
    "claim token": str,
    "upload": list,
    "upload URLs": list,
    "credits": Credits,
    "state": SessionState,
    "export": object,
    "render status": RenderStatus,
    "render wait": RenderStatus,
    "download": Path,
    "turn": Reply,
}


def _check_error(error: NemoVideoError) -> None:
    shown = str(error) + repr(error)
    assert TOKEN not in shown
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)


@pytest.mark.parametrize("action", list(ACTIONS))
@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), anonymous=st.booleans())
def test_a_hostile_server_causes_only_typed_results_or_sdk_errors(
    kind: str,
    anyio_backend: str,
    action: str,
    data: st.DataObject,
    anonymous: bool,
    tmp_path: Path,
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video bytes")
    server = HostileServer(data.draw, asynchronous=kind == "async")

    async def play() -> None:
        with fake_clock():
            client = _client(kind, server, None if anonymous else TOKEN)
        try:
            result = await done(ACTIONS[action](client, clip))
        except NemoVideoError as error:
            _check_error(error)
        else:
            assert isinstance(result, RESULT_TYPES[action])
            if isinstance(result, list):
                assert all(isinstance(u, Upload) for u in result)
                pickle.loads(pickle.dumps(result))
        finally:
            await done(client.close() if kind == "sync" else client.aclose())

    # Each example in an event loop of its own: Hypothesis may stop an example in the
    # middle of a draw, and a loop shared between examples would keep the stopped task.
    anyio.run(play, backend=anyio_backend)
    assert not [p for p in tmp_path.iterdir() if re.match(r"\..*\.part$", p.name)]

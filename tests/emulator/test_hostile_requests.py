"""A property test: hostile requests to every route of the emulator never get a 5xx.

Each example resets the emulator, so a fault armed through the control route (whose
answers may be 5xx on purpose) affects no later request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

from nemovideo.emulator import Emulator
from nemovideo.emulator.app import create_app
from nemovideo.testing import InProcessTransport

ROUTES = {
    ("POST", "/api/auth/anonymous-token"),
    ("POST", "/api/auth/claim-token"),
    ("POST", "/api/tasks/me/with-session/nemo_agent"),
    ("POST", "/run_sse"),
    ("POST", "/api/upload-video/nemo_agent/me/{session_id}"),
    ("GET", "/api/credits/balance/simple"),
    ("GET", "/api/state/nemo_agent/me/{session_id}/latest"),
    ("POST", "/api/render/proxy/lambda"),
    ("GET", "/api/render/proxy/lambda/{render_id}"),
    ("GET", "/api/render/proxy/{render_id}/download"),
    ("GET", "/cdn/renders/{render_id}.mp4"),
    ("GET", "/cdn/uploads/{hash}/{name}"),
    *((method, "/_emulator/{action}") for method in ("GET", "POST", "PUT", "DELETE")),
}
"""Every route and method of the app (checked against the app below)."""

ACTIONS = ["reset", "config", "faults", "requests", "draft", "credits", "turn", "user-token"]
SKILL = {"X-Skill-Source": "fuzz", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}


class World:
    """The emulator under test, with a user, a session and a finished render each example."""

    def __init__(self, client: httpx.Client, emulator: Emulator) -> None:
        self.client, self.emulator = client, emulator
        self.token = self.session = ""

    def fresh(self) -> None:
        self.emulator.reset()
        self.emulator.configure(video_renderer="placeholder", render_seconds=0)
        self.token = self.emulator.create_user_token()
        user = self.emulator.store.tokens[self.token].user
        self.session = self.emulator.store.new_session(user, "fuzz", None).session_id


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    emulator = Emulator()
    with start_blocking_portal() as portal:
        transport = InProcessTransport(create_app(emulator), portal)
        with httpx.Client(transport=transport, base_url="http://127.0.0.1") as client:
            yield World(client, emulator)
    emulator.close()


def test_the_table_lists_every_route() -> None:
    app = create_app(Emulator())
    listed = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert listed == ROUTES


# -- hostile pieces ------------------------------------------------------------------------

huge_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([10**12, 2**63, -(2**63), 10**300, 1e308, -1e308, 0.1, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["\ud800", "\x00", "top " + "9" * 5000, "rank these videos top 99", "a" * 25_000]
    ),
)
scalars = st.one_of(st.none(), st.booleans(), huge_numbers, texts)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)


def _segment() -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {},
        optional={
            "s": huge_numbers,
            "d": huge_numbers,
            "e": huge_numbers,
            "ss": huge_numbers,
            "v": huge_numbers,
            "slot": huge_numbers,
            "tx": texts,
            "src": st.one_of(texts, st.just("http://localhost/cdn/uploads/" + "0" * 64 + "/a.mp4")),
        },
    )


drafts = st.fixed_dictionaries(
    {
        "t": st.lists(
            st.fixed_dictionaries(
                {"tt": st.sampled_from([0, 1, 7, -1, "x"]), "sg": st.lists(_segment(), max_size=3)}
            ),
            max_size=3,
        )
    },
    optional={
        "d": huge_numbers,
        "m": st.one_of(
            values, st.fixed_dictionaries({"width": huge_numbers, "height": huge_numbers})
        ),
    },
)


@st.composite
def bodies(draw: st.DrawFn, world: World) -> tuple[bytes, str]:
    """A body and its Content-Type."""
    kind = draw(st.sampled_from(["json", "shaped", "deep", "bytes", "multipart", "empty"]))
    if kind == "json":
        return json.dumps(draw(values)).encode(), "application/json"
    if kind == "shaped":
        shaped = draw(
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "session_id": st.one_of(st.just(world.session), texts),
                        "new_message": st.fixed_dictionaries(
                            {"parts": st.lists(st.fixed_dictionaries({"text": texts}), max_size=2)}
                        ),
                    }
                ),
                st.fixed_dictionaries(
                    {
                        "id": st.one_of(texts, st.just("r1")),
                        "sessionId": st.one_of(st.just(world.session), texts),
                        "draft": st.one_of(drafts, values),
                        "output": values,
                    }
                ),
                st.fixed_dictionaries(
                    {"session_id": st.one_of(st.just(world.session), texts), "draft": drafts}
                ),
                st.dictionaries(
                    st.sampled_from(
                        [
                            "render_seconds",
                            "render_shape",
                            "path",
                            "status",
                            "headers",
                            "delay",
                            "available",
                            "credits",
                            "think_seconds",
                            "crash",
                            "body",
                            "times",
                            "max_upload_bytes",
                            "render_scale",
                            "urls",
                            "task_name",
                            "language",
                        ]
                    ),
                    values,
                    max_size=4,
                ),
            )
        )
        return json.dumps(shaped).encode(), "application/json"
    if kind == "deep":
        depth = draw(st.integers(min_value=30, max_value=100_000))
        return b"[" * depth + b"]" * depth, "application/json"
    if kind == "bytes":
        content_type = draw(
            st.sampled_from(
                ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "x/y"]
            )
        )
        return draw(st.binary(max_size=300)), content_type
    if kind == "multipart":
        name = draw(st.one_of(st.just("clip.mp4"), texts)).replace('"', "")
        data = draw(st.binary(max_size=300))
        head = f'--b\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'
        tail = draw(st.sampled_from([b"\r\n--b--\r\n", b"", b"\r\n--b"]))
        boundary = draw(st.sampled_from(["b", "", "b" * 300]))
        return head.encode("utf-8", "surrogatepass") + data + tail, (
            f"multipart/form-data; boundary={boundary}"
        )
    return b"", draw(st.sampled_from(["", "application/json"]))


header_bytes = st.binary(max_size=40).filter(
    lambda b: b"\r" not in b and b"\n" not in b and b"\0" not in b
)


@st.composite
def requests(draw: st.DrawFn, world: World) -> dict[str, Any]:
    method, template = draw(st.sampled_from(sorted(ROUTES)))
    path_text = st.one_of(texts, st.just(world.session), st.just("r1"), st.just("0" * 64))

    def part(strategy: st.SearchStrategy[str]) -> str:
        return quote(draw(strategy).encode("utf-8", "surrogatepass"), safe="")

    path = template.format(
        session_id=part(path_text),
        render_id=part(path_text),
        hash=part(path_text),
        name=part(path_text),
        action=part(st.one_of(st.sampled_from(ACTIONS), texts)),
    )
    headers: dict[str, Any] = dict(SKILL)
    auth = draw(st.sampled_from(["good", "none", "garbage"]))
    if auth == "good":
        headers["Authorization"] = f"Bearer {world.token}"
    elif auth == "garbage":
        headers["Authorization"] = draw(header_bytes)
    control = draw(st.sampled_from(["good", "none", "garbage"]))
    if control == "good":
        headers["X-Emulator-Control"] = world.emulator.control_token
    elif control == "garbage":
        headers["X-Emulator-Control"] = draw(header_bytes)
    if draw(st.booleans()):
        headers["X-Client-Id"] = draw(header_bytes)
    body, content_type = draw(bodies(world))
    if content_type:
        headers["Content-Type"] = content_type
    return {"method": method, "url": path, "headers": headers, "content": body}


def test_no_hostile_request_gets_a_5xx(world: World) -> None:
    @settings(
        max_examples=200,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        world.fresh()
        for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
            request = data.draw(requests(world))
            answer = world.client.request(**request)
            assert answer.status_code < 500 or world.emulator.faults.armed, (
                request["method"],
                request["url"],
                answer.text[:500],
            )

    check()

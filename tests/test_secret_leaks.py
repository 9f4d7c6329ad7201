"""No token in what a failure leaves behind: on every endpoint, for both clients, a
failing call's error (its attributes, ``str``, ``repr`` and pickle) and its traceback
formatted with the locals of every frame (``traceback`` and ``rich``) never show the
token given by argument, the anonymous token the service issued, a claim token, or a
bearer value the server echoed back."""

from __future__ import annotations

import json
import pickle
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from .fake_service import CDN, FakeService, make_client, ok
from .recorded import done

pytestmark = pytest.mark.anyio

MARK = "SECRET"
USER_TOKEN = "nmv_usr_SECRETuser0123456789abcdef"
ANON_TOKEN = "nmv_SECRETanonymous0123456789abcd"
CLAIM_TOKEN = "clm_SECRETclaim0123456789"
ECHO = f"Authorization: Bearer {USER_TOKEN}; Bearer {MARK}opaque; {ANON_TOKEN} {CLAIM_TOKEN}"


def _hostile_answers() -> list[Callable[[httpx.Request], httpx.Response]]:
    """Answers that fail in every way the SDK reads, each carrying tokens (the
    malformed success answer is `_odd_success`)."""
    leaky = {"message": ECHO, "token": ANON_TOKEN, CLAIM_TOKEN: [USER_TOKEN], "detail": ECHO}
    return [
        lambda r: httpx.Response(400, json=leaky, headers={"x-request-id": ANON_TOKEN}),
        lambda r: httpx.Response(401, text=ECHO),
        lambda r: httpx.Response(500, json={"code": 5000, "msg": ECHO, "data": leaky}),
        lambda r: httpx.Response(200, json={"success": False, "error": ECHO, "data": leaky}),
        lambda r: httpx.Response(200, text=ECHO),
        lambda r: httpx.Response(200, json=[ECHO, leaky]),
        lambda r: httpx.Response(200, json={"code": 2001, "message": ECHO}),
        lambda r: httpx.Response(429, json={"message": ECHO}, headers={"retry-after": "0"}),
    ]


def _odd_success(request: httpx.Request) -> httpx.Response:
    """A success whose ``data`` lacks what the endpoint needs. The frame that reads it
    holds it, so only the error itself is checked."""
    leaky = {"message": ECHO, "token": ANON_TOKEN, CLAIM_TOKEN: [USER_TOKEN]}
    return httpx.Response(200, json={"code": 0, "data": leaky, "request_id": ANON_TOKEN})


def _odd_data(request: httpx.Request) -> httpx.Response:
    """A success whose ``data`` is not an object: the envelope's reader refuses it, except
    on the render endpoints, whose answers come whole to the reader of their shapes."""
    return httpx.Response(200, json={"code": 0, "data": [ECHO]})


def _agent_crash(request: httpx.Request) -> httpx.Response:
    frame = {"error": f"ValueError: {ECHO}", "error_details": {"token": USER_TOKEN, "e": ECHO}}
    body = f"data: {json.dumps(frame)}\n\n".encode()
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


def _failed_render(request: httpx.Request) -> httpx.Response:
    render_id = request.url.path.rsplit("/", 1)[1]
    data = {"id": render_id, "status": "failed", "error": ECHO}
    return httpx.Response(200, json={"success": True, "data": data})


def _anonymous_token(request: httpx.Request) -> httpx.Response:
    return ok({"token": ANON_TOKEN, "user_id": "anon_1", "expires_at": "2999-01-01T00:00:00Z"})


Action = Callable[[Any, Path], Any]


async def _upload(client: Any, tmp: Path) -> Any:
    clip = tmp / "clip.mp4"
    clip.write_bytes(b"\x00" * 64)
    return await done(client.session("1", "task-1").upload(clip))


async def _export(client: Any, tmp: Path) -> Any:
    return await done(client.session("1", "task-1").export())


async def _turn(client: Any, tmp: Path) -> Any:
    turn = await done(client.session("1", "task-1").send("hello"))
    return await done(turn.result())


async def _wait(client: Any, tmp: Path) -> Any:
    return await done(client.render("render_1", session_id="1").wait(poll_interval=0))


async def _download(client: Any, tmp: Path) -> Any:
    return await done(client.render("render_1").download(tmp))


ENDPOINTS: dict[str, tuple[str, Action]] = {
    "create session": (r"/api/tasks/me/with-session/", lambda c, t: c.create_session()),
    "claim token": (r"/api/auth/claim-token", lambda c, t: c.session("1", "t").browser_url()),
    "upload": (r"/api/upload-video/", _upload),
    "upload urls": (
        r"/api/upload-video/",
        lambda c, t: c.session("1", "t").upload_urls([f"{CDN}/a.mp4"]),
    ),
    "credits": (r"/api/credits/", lambda c, t: c.credits()),
    "state": (r"/api/state/", lambda c, t: c.session("1", "t").state()),
    "export": (r"/api/render/proxy/lambda$", _export),
    "render status": (r"/api/render/proxy/lambda/", lambda c, t: c.render("render_1").status()),
    "download": (r"(^/render_1\.mp4$)|(/download$)", _download),
    "turn": (r"/run_sse", _turn),
}
EXTRA: dict[str, tuple[str, Callable[[httpx.Request], httpx.Response], Action, bool]] = {
    "agent crash": (r"/run_sse", _agent_crash, _turn, True),
    # The status read (a success) holds the reason in the frames that read it.
    "failed render": (r"/api/render/proxy/lambda/", _failed_render, _wait, False),
}


Case = tuple[str, Callable[[httpx.Request], httpx.Response], Action, bool]


def _cases() -> Iterator[Case]:
    """``(path pattern, answer, action, whether the traceback's locals are checked)``."""
    for pattern, action in ENDPOINTS.values():
        for answer in _hostile_answers():
            yield pattern, answer, action, True
        yield pattern, _odd_success, action, False
        yield pattern, _odd_data, action, "/render/" not in pattern
    yield from EXTRA.values()


def _texts(value: Any, seen: set[int] | None = None) -> Iterator[str]:
    """Every string reachable from ``value``: attributes, items, ``str`` and ``repr``."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str | bytes):
        yield value if isinstance(value, str) else value.decode("latin-1")
        return
    yield repr(value)
    yield str(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, seen)
            yield from _texts(item, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _texts(item, seen)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _texts(getattr(value, field.name), seen)
    if isinstance(value, BaseException):
        yield from _texts(value.args, seen)
        yield from _texts(vars(value), seen)
        yield from _texts(value.__cause__, seen)
        yield from _texts(value.__context__, seen)


def _rich_locals(error: BaseException) -> str:
    """The locals of every frame as ``rich.traceback`` shows them with ``show_locals``
    (read from its trace, without rendering source code, which is slow)."""
    from rich.traceback import Traceback

    trace = Traceback.extract(type(error), error, error.__traceback__, show_locals=True)
    return "\n".join(
        f"{name} = {node.render(max_width=1000)}"
        for stack in trace.stacks
        for frame in stack.frames
        for name, node in (frame.locals or {}).items()
    )


def _leaks(error: BaseException, with_locals: bool) -> list[str]:
    """Where ``error`` shows a secret (empty when nowhere)."""
    places = {
        "attributes": "\n".join(_texts(error)),
        "pickle": pickle.dumps(error).decode("latin-1"),
        "traceback": "".join(
            traceback.TracebackException(
                type(error), error, error.__traceback__, capture_locals=with_locals
            ).format()
        ),
    }
    if with_locals:
        places["rich"] = _rich_locals(error)
    found = []
    for place, text in places.items():
        at = text.find(MARK)
        if at >= 0:
            found.append(f"{place}: ...{text[max(0, at - 300) : at + 60]}")
    return found


async def _failure(action: Action, client: Any, tmp: Path) -> BaseException | None:
    try:
        await done(action(client, tmp))
    except Exception as error:
        return error
    return None


@pytest.mark.parametrize("given", ["argument", "anonymous"])
async def test_no_failure_on_any_endpoint_shows_a_token(
    kind: str, given: str, tmp_path: Path
) -> None:
    token = USER_TOKEN if given == "argument" else ANON_TOKEN
    failed: list[str] = []
    problems: list[str] = []
    for pattern, answer, action, with_locals in _cases():
        service = FakeService()
        service.script(r"^/api/auth/anonymous-token$", *[_anonymous_token] * 10)
        service.script(pattern, *[answer] * 20)
        options: dict[str, Any] = {"max_retries": 1, "token_store": False}
        if given == "argument":
            options["token"] = USER_TOKEN
        client = make_client(kind, service, **options)
        error = await _failure(action, client, tmp_path)
        # The token did travel (to the API host), so a leak would have had a chance.
        assert any(s.headers.get("authorization") == f"Bearer {token}" for s in service.seen)
        if error is None:
            continue
        failed.append(pattern)
        problems.extend(
            f"{pattern} {type(error).__name__}: {p}" for p in _leaks(error, with_locals)
        )
    assert not problems, "\n\n".join(problems[:3])
    assert {pattern for pattern, _ in ENDPOINTS.values()} <= set(failed)
    assert len(failed) >= 80

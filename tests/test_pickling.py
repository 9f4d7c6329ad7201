"""Everything a task touches crosses process boundaries: errors first."""

from __future__ import annotations

import copy
import inspect
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import attrs
import httpx
import pytest

from nemovideo import Secret, errors
from nemovideo.models.changes import Change
from nemovideo.models.render import RenderState, RenderStatus
from nemovideo.models.reply import Reply
from nemovideo.models.upload import Upload

SAMPLES: dict[str, Any] = {
    "message": "it went wrong",
    "code": 1001,
    "status_code": 401,
    "request_id": "req-1",
    "headers": httpx.Headers([("X-Request-Id", "req-1"), ("Set-Cookie", "***")]),
    "body": {"code": 1001, "message": "it went wrong", "nested": [1, {"a": None}]},
    "register_url": "https://nemovideo.test/register?bind=anon_1",
    "path": "/clips/a.mp4",
    "size": 600 * 2**20,
    "retry_after": 2.5,
    "sent": False,
    "render_id": "render_1",
    "status": RenderStatus(id="render_1", state=RenderState.FAILED, status="failed"),
    "uploaded": [Upload(filename="a.mp4", duration=3.0)],
    "failures": [("/clips/b.mp4", ValueError("no such file"))],
    "reply": Reply(text="partial"),
    "error": "RuntimeError: boom",
    "details": {"where": "tool"},
    "kind": "idle",
    "elapsed": 181.5,
    "reads": 5,
    "limit": "max_json_bytes",
    "value": 1024,
    "changes": [Change(kind="added", target="track", summary="Title added")],
    "error_type": "builtins.RuntimeError",
    "traceback": "Traceback (most recent call last):\nRuntimeError: boom\n",
}


def keyword_parameters(cls: type) -> dict[str, inspect.Parameter]:
    """The keyword-only parameters of an error class (none for ``Exception``'s own)."""
    try:
        parameters = inspect.signature(cls).parameters
    except ValueError:  # the class keeps Exception's built-in __init__
        return {}
    return {k: p for k, p in parameters.items() if p.kind is p.KEYWORD_ONLY}


def every_error() -> list[errors.NemoVideoError]:
    made = []
    for name in errors.__all__:
        cls = getattr(errors, name)
        kwargs = {key: SAMPLES[key] for key in keyword_parameters(cls)}
        made.append(cls("it went wrong", **kwargs))
    return made


def same(a: errors.NemoVideoError, b: errors.NemoVideoError) -> None:
    assert type(a) is type(b)
    assert str(a) == str(b)
    assert a.args == b.args
    assert a.__dict__.keys() == b.__dict__.keys()
    for key, value in a.__dict__.items():
        other = b.__dict__[key]
        if key == "failures":
            assert [(p, type(e), str(e)) for p, e in value] == [
                (p, type(e), str(e)) for p, e in other
            ]
        else:
            assert other == value, key


@pytest.mark.parametrize("error", every_error(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_and_deep_copies_with_its_attributes(
    error: errors.NemoVideoError,
) -> None:
    same(error, pickle.loads(pickle.dumps(error)))
    same(error, copy.deepcopy(error))


def test_the_walk_covers_every_attribute_the_errors_take() -> None:
    for name in errors.__all__:
        for key in keyword_parameters(getattr(errors, name)):
            assert key in SAMPLES, f"{name}({key}=...) has no sample"


def fail_in_worker(render_id: str) -> None:
    raise errors.RenderFailedError("failed twice", render_id=render_id)


def test_an_error_raised_in_a_process_pool_arrives_whole() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(fail_in_worker, f"render_{i}") for i in range(3)]
        caught = [future.exception() for future in futures]
        assert pool.submit(pow, 2, 5).result() == 32, "the pool still works"
    assert [type(e) for e in caught] == [errors.RenderFailedError] * 3
    assert [getattr(e, "render_id", None) for e in caught] == ["render_0", "render_1", "render_2"]


def test_settings_travel_without_the_token_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from nemovideo._config import resolve_settings

    secret = "nmv_usr_do_not_ship_this_1234"
    settings = resolve_settings(
        token=secret,
        base_url="https://api.test",
        web_url=None,
        client_id="worker-id",
        skill_source="batch-tool",
        skill_version=None,
        skill_platform=None,
        max_retries=5,
        timeout=12,
        allow_insecure_http=False,
    )
    shipped = pickle.dumps(settings)
    assert secret.encode() not in shipped
    arrived = pickle.loads(shipped)
    assert arrived.token is None
    assert (arrived.base_url, arrived.client_id, arrived.max_retries) == (
        "https://api.test",
        "worker-id",
        5,
    )
    assert arrived.attribution.source == "batch-tool"
    assert arrived.timeout is not None
    assert arrived.timeout.read == 12
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_the_workers_own_token")
    assert pickle.loads(shipped).token == Secret("nmv_usr_the_workers_own_token")
    shared = pickle.loads(pickle.dumps(attrs.evolve(settings, token_in_pickles=True)))
    assert (shared.token, shared.token_origin) == (Secret(secret), "argument")

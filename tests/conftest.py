"""Shared fixtures: an isolated environment, the live emulator, cassette settings.

Async tests run on both anyio backends, asyncio and trio. A test of both clients
(the ``kind`` fixture) runs three times: the sync client once, the async client on
each backend (``[sync]``, ``[async-asyncio]``, ``[async-trio]``).

The live emulator renders its MP4s at a tenth of the draft's size (the draft and
its metadata keep the asked size); tests marked ``full_size`` get full-size MP4s.

Cassettes are recorded against the emulator with ``--record-mode=once`` (or
``rewrite``) and replayed by default (``--record-mode=none`` in pyproject), with
sockets disabled so a request that misses its cassette fails loudly. One cassette
serves the async client on both backends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr as _vcr  # noqa: F401 - imported before sockets are blocked (it probes IPv6)
from hypothesis import settings

pytest_plugins = ["anyio"]

# Property tests keep their own example counts, with no per-example deadline: a busy
# machine must not fail one on time (Hypothesis' default is 200 ms). A failure
# prints the blob that reproduces it. `--hypothesis-profile` still picks another.
settings.register_profile("nemovideo", deadline=None, print_blob=True)
settings.load_profile("nemovideo")

REPLAY_URL = "http://127.0.0.1:9"
_TOKEN_RE = re.compile(rb"(nmv_usr_|clm_)[A-Za-z0-9_\-]+")
_RENDER_ID_RE = re.compile(r"render_\d+_[0-9a-f]+")

BACKENDS = ("asyncio", "trio")
RENDER_SCALE = 0.1
"""The live emulator's ``render_scale`` for tests not marked ``full_size``."""

_KINDS_ON_BACKENDS = [
    pytest.param("sync", "asyncio", id="sync"),
    *(pytest.param("async", backend, id=f"async-{backend}") for backend in BACKENDS),
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``kind`` and ``anyio_backend``: every backend for async code, one run
    for the sync client (it never touches the event loop its test body runs on)."""
    names = metafunc.fixturenames
    if "kind" in names and "anyio_backend" in names:
        metafunc.parametrize(("kind", "anyio_backend"), _KINDS_ON_BACKENDS, indirect=True)
    elif "kind" in names:
        metafunc.parametrize("kind", ["sync", "async"], indirect=True)
    elif "anyio_backend" in names:
        metafunc.parametrize("anyio_backend", BACKENDS, indirect=True)


@pytest.fixture
def kind(request: pytest.FixtureRequest) -> str:
    """Which client a test drives: ``"sync"`` (NemoVideo) or ``"async"`` (AsyncNemoVideo)."""
    return str(request.param)


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """The event loop of an async test: ``"asyncio"`` or ``"trio"``."""
    return str(request.param)


@pytest.fixture
def api(kind: str, request: pytest.FixtureRequest, record_mode: str) -> Iterator[Any]:
    """For cassette tests: the live emulator when recording, the cassette when replaying."""
    from .recorded import REPLAY_URL, Api, Steer

    if record_mode == "none":
        yield Api(REPLAY_URL, Steer(None), kind)
        return
    running = request.getfixturevalue("emulator")
    yield Api(running.url, Steer(running.emulator), kind)


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees the developer's tokens or writes to the real home folder."""
    for name in (
        "NEMO_TOKEN",
        "NEMO_API_URL",
        "NEMO_WEB_URL",
        "NEMO_CLIENT_ID",
        "SKILL_SOURCE",
        "NEMOVIDEO_LOG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


# -- the live emulator ---------------------------------------------------------------


@pytest.fixture
def nemovideo_emulator(nemovideo_emulator: Any, request: pytest.FixtureRequest) -> Any:
    """The plugin's emulator (reset for each test), rendering small unless the test is
    marked ``full_size`` (``full_size("sync")``: for that client kind only)."""
    marker = request.node.get_closest_marker("full_size")
    full = marker is not None and (
        not marker.args
        or ("kind" in request.fixturenames and request.getfixturevalue("kind") in marker.args)
    )
    if not full:
        nemovideo_emulator.emulator.configure(render_scale=RENDER_SCALE)
    return nemovideo_emulator


@pytest.fixture
def emulator(nemovideo_emulator: Any) -> Any:
    """The running emulator, from the project's own pytest plugin (``nemovideo.testing``)."""
    return nemovideo_emulator


# -- cassettes -------------------------------------------------------------------------


def _scrub_request(request: Any) -> Any:
    request.uri = _TOKEN_RE.sub(rb"\1REDACTED", request.uri.encode()).decode()
    if isinstance(request.body, bytes | str) and request.body:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        if len(body) > 4096:
            request.body = b"<streamed upload body omitted>"
        else:
            request.body = _TOKEN_RE.sub(rb"\1REDACTED", body)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {})
    content = body.get("string")
    if isinstance(content, bytes | str) and content:
        raw = content.encode() if isinstance(content, str) else content
        body["string"] = _TOKEN_RE.sub(rb"\1REDACTED", raw)
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in {"set-cookie", "authorization"}:
            del headers[name]
    return response


def _path_without_render_ids(r1: Any, r2: Any) -> None:
    if _RENDER_ID_RE.sub("render_*", r1.path) != _RENDER_ID_RE.sub("render_*", r2.path):
        raise AssertionError(f"{r1.path} != {r2.path}")


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Register the matcher that ignores client-chosen render ids."""
    vcr.register_matcher("path_ids", _path_without_render_ids)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """Cassettes keep no token: auth headers are dropped and tokens in bodies masked."""
    return {
        "filter_headers": ["authorization", "x-client-id", "cookie"],
        "match_on": ["method", "path_ids"],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's name without its backend: ``test_x[async-trio]`` replays ``test_x[async]``."""
    name: str = request.node.name
    for backend in BACKENDS:
        name = name.replace(f"[async-{backend}", "[async")
    return name


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """One folder of cassettes per test module."""
    module = Path(request.module.__file__)
    return str(module.parent / "cassettes" / module.stem)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When replaying, tests that use cassettes get no sockets at all."""
    if config.getoption("--record-mode") != "none":
        return
    for item in items:
        if item.get_closest_marker("vcr") is not None:
            item.add_marker(pytest.mark.disable_socket)

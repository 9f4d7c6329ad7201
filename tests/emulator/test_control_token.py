"""The control routes need the per-process control token and JSON bodies."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from nemovideo.emulator import Emulator, RunningEmulator


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=10) as client:
        yield client


def test_without_the_token_a_control_call_is_refused(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    world = emulator.emulator
    before = world.config.render_shape
    assert api.post("/_emulator/config", json={"render_shape": "c"}).status_code == 401
    assert api.get("/_emulator/requests").status_code == 401
    wrong = {"X-Emulator-Control": "not-the-token"}
    assert (
        api.post("/_emulator/config", json={"render_shape": "c"}, headers=wrong).status_code == 403
    )
    non_ascii = {"X-Emulator-Control": "tok\u00e9n".encode("latin-1")}
    assert api.post("/_emulator/reset", json={}, headers=non_ascii).status_code == 403  # type: ignore[arg-type]
    assert world.config.render_shape == before


def test_a_cross_site_simple_request_cannot_change_settings(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    """What a web page can send without a preflight: text/plain or a form, no custom header."""
    world = emulator.emulator
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        answer = api.post(
            "/_emulator/config",
            content=b'{"export_blocked": true}',
            headers={"Content-Type": content_type},
        )
        assert answer.status_code == 401
    assert world.config.export_blocked is False


def test_with_the_token_only_json_bodies_are_taken(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    token = {"X-Emulator-Control": emulator.control_token}
    plain = api.post(
        "/_emulator/config",
        content=b'{"render_shape": "b"}',
        headers={**token, "Content-Type": "text/plain"},
    )
    assert plain.status_code == 415
    assert api.post("/_emulator/reset", headers=token).status_code == 415, "no Content-Type"
    answer = api.post("/_emulator/config", json={"render_shape": "b"}, headers=token)
    assert answer.json() == {"ok": True}
    assert emulator.emulator.config.render_shape == "b"
    assert api.get("/_emulator/requests", headers=token).status_code == 200
    assert api.delete("/_emulator/faults", headers=token).status_code == 200


def test_the_token_is_in_no_repr_and_no_request_log(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    token = emulator.control_token
    assert len(token) >= 32
    assert token not in repr(emulator)
    assert token not in repr(emulator.emulator)
    api.post("/_emulator/config", json={"render_shape": "a"}, headers=emulator.control_headers)
    api.get("/api/credits/balance/simple", headers={"X-Emulator-Control": token})
    assert token not in repr(emulator.emulator.requests)


def test_each_emulator_has_its_own_token() -> None:
    first, second = Emulator(), Emulator()
    try:
        assert first.control_token != second.control_token
        token = first.control_token
        first.reset()
        assert first.control_token == token, "a reset keeps the token"
    finally:
        first.close()
        second.close()


def test_the_command_prints_the_url_and_the_token() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "nemovideo.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        token = re.search(r"control token: (\S+)", process.stdout.readline())
        assert url is not None
        assert token is not None
        headers = {"X-Emulator-Control": token.group(1)}
        assert httpx.post(f"{url.group(0)}/_emulator/reset", json={}).status_code == 401
        answer = httpx.post(f"{url.group(0)}/_emulator/reset", json={}, headers=headers)
        assert answer.json() == {"ok": True}
    finally:
        process.terminate()
        process.wait(10)


def test_the_fixture_hands_over_the_control_token(nemovideo_emulator: RunningEmulator) -> None:
    headers = nemovideo_emulator.control_headers
    assert headers["X-Emulator-Control"] == nemovideo_emulator.emulator.control_token
    answer = httpx.post(
        f"{nemovideo_emulator.url}/_emulator/config", json={"think_seconds": 0}, headers=headers
    )
    assert answer.json() == {"ok": True}

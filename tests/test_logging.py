"""Logging: method, path, status, attempt and timing; never a token."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import httpx
import pytest

from nemovideo import NemoVideo, RedactingFilter

TOKEN = "nmv_usr_thisisaverysecrettokenvalue123"


def _client() -> NemoVideo:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/anonymous-token":
            return httpx.Response(
                200, json={"code": 0, "data": {"token": TOKEN, "user_id": "anon_1"}}
            )
        return httpx.Response(200, json={"code": 0, "data": {"available": 5, "frozen": 1}})

    return NemoVideo(
        base_url="https://api.example",
        client_id="cid-log",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def test_info_log_has_method_path_status_attempt(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _client().credits()
    lines = [r.getMessage() for r in caplog.records if r.name == "nemovideo"]
    assert any(
        line.startswith("GET /api/credits/balance/simple -> 200 attempt=1") and line.endswith("ms")
        for line in lines
    ), lines
    assert any(line.startswith("POST /api/auth/anonymous-token -> 200") for line in lines)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in everything
    assert "Authorization" not in everything


def test_redacting_filter_masks_tokens_in_any_record() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.DEBUG,
        __file__,
        1,
        "headers %s",
        ({"authorization": f"Bearer {TOKEN}"},),
        None,
    )
    assert RedactingFilter().filter(record)
    assert TOKEN not in record.getMessage()
    assert "Bearer ***" in record.getMessage()


def test_nemovideo_log_env_turns_on_stderr_logging() -> None:
    code = (
        "import httpx\n"
        "from nemovideo import NemoVideo\n"
        "def h(r):\n"
        "    return httpx.Response(200, json={'code': 0, 'data': {'available': 1}})\n"
        "c = NemoVideo(token='" + TOKEN + "', base_url='https://api.example',"
        " http_client=httpx.Client(transport=httpx.MockTransport(h)))\n"
        "c.credits()\n"
    )
    env = {**os.environ, "NEMOVIDEO_LOG": "info"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert "GET /api/credits/balance/simple -> 200 attempt=1" in result.stderr
    assert TOKEN not in result.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in env.items() if k != "NEMOVIDEO_LOG"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert quiet.stderr == ""

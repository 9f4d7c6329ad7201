"""``nemovideo doctor``: against the emulator, an unreachable URL, and a server without
a ``Date`` header."""

from __future__ import annotations

import json
import socket

import httpx
from typer.testing import CliRunner

from nemovideo.cli import app
from nemovideo.cli.doctor import diagnose
from nemovideo.emulator import RunningEmulator
from nemovideo.testing import in_process_client

runner = CliRunner()
NAMES = ["api", "latency", "clock", "client id", "token", "credits"]


def test_doctor_passes_on_the_emulator(emulator: RunningEmulator) -> None:
    env = {"NEMO_API_URL": emulator.url, "NEMO_CLIENT_ID": "doctor-test"}
    result = runner.invoke(app, ["doctor", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    checks = {c["name"]: c for c in report["checks"]}
    assert list(checks) == NAMES
    assert all(c["status"] == "ok" for c in checks.values()), checks
    assert emulator.url in checks["api"]["value"]
    assert checks["latency"]["value"].endswith(" ms)")
    assert checks["client id"]["value"] == "doctor-test"
    assert "100 available" in checks["credits"]["value"]
    token = next(iter(emulator.emulator.store.tokens))
    assert token not in result.stdout
    assert "nmv_usr_..." in checks["token"]["value"]
    assert result.stderr == ""


def test_doctor_prints_a_plain_table(emulator: RunningEmulator) -> None:
    emulator.emulator.set_credits(emulator.emulator.create_user_token(), available=0)
    env = {"NEMO_API_URL": emulator.url, "NEMO_TOKEN": next(iter(emulator.emulator.store.tokens))}
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Status", "Check", "Found", "Hint"]
    assert all(line == line.rstrip() for line in lines)
    credits = next(line for line in lines if line.split()[1] == "credits")
    assert credits.startswith("warn")
    assert "no credits left" in credits


def test_doctor_fails_on_an_unreachable_url() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        result = runner.invoke(app, ["doctor", "--json"], env={"NEMO_API_URL": url})
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    api = report["checks"][0]
    assert api["status"] == "fail"
    assert api["value"].startswith(f"could not connect to {url}")
    assert "--emulator" in api["hint"]
    assert report["checks"][-1] == {
        "name": "token",
        "status": "fail",
        "value": "not checked: the API is unreachable",
        "hint": "",
    }


def test_doctor_fails_on_a_refused_token(emulator: RunningEmulator) -> None:
    env = {"NEMO_API_URL": emulator.url, "NEMO_TOKEN": "nmv_usr_not_a_real_one"}
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    token = next(line for line in result.stdout.splitlines() if line.split()[1] == "token")
    assert token.startswith("fail")
    assert "nemovideo auth login" in token
    assert "not_a_real_one" not in result.stdout


def test_a_missing_date_header_is_an_unknown_clock() -> None:
    def no_date(request: httpx.Request) -> httpx.Response:
        assert "authorization" not in request.headers
        return httpx.Response(404)

    transport = httpx.MockTransport(no_date)
    with in_process_client() as client, httpx.Client(transport=transport) as http:
        checks = {c.name: c for c in diagnose(client, http)}
    assert checks["clock"].status == "warn"
    assert checks["clock"].value == "unknown"
    assert checks["token"].status == "ok"

"""``nemovideo auth`` and ``nemovideo --version``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from nemovideo import __version__
from nemovideo.cli import app
from nemovideo.emulator import RunningEmulator

runner = CliRunner()


def env_for(emulator: RunningEmulator) -> dict[str, str]:
    return {"NEMO_API_URL": emulator.url}


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"nemovideo {__version__}"


def test_status_before_any_token_fetches_none(emulator: RunningEmulator) -> None:
    result = runner.invoke(app, ["auth", "status"], env=env_for(emulator))
    assert result.exit_code == 0, result.output
    assert "no token yet" in result.stdout
    assert not [r for r in emulator.emulator.requests if r.path.startswith("/api/")]


def test_status_shows_the_saved_anonymous_token_masked(emulator: RunningEmulator) -> None:
    env = env_for(emulator)
    assert runner.invoke(app, ["credits"], env=env).exit_code == 0
    result = runner.invoke(app, ["auth", "status", "--json"], env=env)
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    token = next(iter(emulator.emulator.store.tokens))
    assert status["source"] == "an anonymous token saved by an earlier process"
    assert status["masked"] == f"nmv_usr_...{token[-4:]}"
    assert token not in result.stdout
    assert status["renewable"] is True
    assert status["expires_at"].startswith("20")
    assert status["credits"]["available"] == 100
    assert status["api"] == emulator.url


def test_login_reads_the_token_from_stdin_checks_it_and_saves_it(
    emulator: RunningEmulator,
) -> None:
    env = env_for(emulator)
    token = emulator.emulator.create_user_token(credits=4321)
    result = runner.invoke(app, ["auth", "login"], input=token + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert token not in result.output
    assert "4321 credits" in result.stdout
    status = json.loads(runner.invoke(app, ["auth", "status", "--json"], env=env).stdout)
    assert status["source"] == "a user token saved by `nemovideo auth login`"
    assert status["renewable"] is False
    assert status["credits"]["available"] == 4321
    forgot = runner.invoke(app, ["auth", "logout"], env=env)
    assert forgot.exit_code == 0, forgot.output
    assert "forgot 1 saved token" in forgot.stdout
    after = json.loads(runner.invoke(app, ["auth", "status", "--json"], env=env).stdout)
    assert after["source"] != status["source"]


def test_a_refused_token_is_not_saved(emulator: RunningEmulator) -> None:
    env = env_for(emulator)
    result = runner.invoke(app, ["auth", "login"], input="nmv_usr_not_a_real_token\n", env=env)
    assert result.exit_code == 1
    assert "refused" in result.stderr
    assert "not_a_real_token" not in result.output
    status = runner.invoke(app, ["auth", "status"], env=env)
    assert "no token yet" in status.stdout


def test_login_from_a_pipe_keeps_the_token_out_of_the_command_line(
    emulator: RunningEmulator,
) -> None:
    token = emulator.emulator.create_user_token(credits=12)
    done = subprocess.run(
        [sys.executable, "-m", "nemovideo.cli", "auth", "login"],
        input=token + "\n",
        env={**os.environ, **env_for(emulator)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert token not in done.stdout + done.stderr

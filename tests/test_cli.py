"""The ``nemovideo`` command as a Unix citizen: results on stdout, progress and errors on
stderr, plain text when piped, one error line and a non-zero exit, its hints."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from nemovideo._config import DEFAULT_API_URL
from nemovideo.cli import app
from nemovideo.cli.hints import connection_hint
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import make_clips

from .waits import short_waits

runner = CliRunner()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_clips(tmp_path_factory.mktemp("clips"), n=3, seconds=1, seed=5, size=(160, 96))


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on (bound, never listening)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another socket listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    with short_waits():
        return runner.invoke(app, args, env=env)


def assert_plain(text: str) -> None:
    """Not on a terminal: no colour codes, no trailing spaces."""
    assert "\x1b[" not in text
    assert all(line == line.rstrip() for line in text.splitlines()), repr(text)


def assert_one_error(result: Result) -> None:
    """A non-zero exit, nothing on stdout, an error line (and at most a hint) on stderr."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ")
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("hint: "))
    assert "Traceback" not in result.stderr


# -- stdout for results, stderr for progress ----------------------------------------------


def test_leaderboard_prints_the_table_on_stdout_and_progress_on_stderr(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    env = {"NEMO_API_URL": emulator.url}
    result = invoke(["leaderboard", *map(str, clips), "--top", "2", "-o", str(tmp_path)], env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Rank", "Clip", "Score", "In", "video"]
    assert lines[2].split()[0] == "1"
    assert lines[2].endswith("yes")
    assert not lines[4].endswith("yes"), "only the top 2 are in the video"
    assert lines[-1].startswith("video: ")
    assert lines[-1].endswith(" s of video)")
    assert "upload..." in result.stderr
    assert "rendering..." in result.stderr
    assert "took " in result.stderr
    assert "took " not in result.stdout
    assert "upload" not in result.stdout
    assert_plain(result.stdout)
    assert_plain(result.stderr)


def test_leaderboard_json_is_the_whole_stdout_and_progress_stays_on_stderr(
    emulator: RunningEmulator, clips: list[Path], tmp_path: Path
) -> None:
    env = {"NEMO_API_URL": emulator.url}
    args = ["leaderboard", *map(str, clips), "--top", "2", "-o", str(tmp_path), "--json"]
    result = invoke(args, env)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["video_seconds"] > 0
    assert payload["took_seconds"] >= 0
    assert "session.export()" not in payload["reply"]
    assert "upload..." in result.stderr


def test_state_piped_is_neither_wrapped_nor_padded(emulator: RunningEmulator) -> None:
    token = emulator.emulator.create_user_token()
    env = {"NEMO_API_URL": emulator.url, "NEMO_TOKEN": token}
    session_id = invoke(["session", "new"], env).stdout.strip()
    title = "A very long title for a summer sale " * 3
    sent = invoke(["send", session_id, f"add a title '{title.strip()}'"], env)
    assert sent.exit_code == 0, sent.output
    result = invoke(["state", session_id], env)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    assert len(result.stdout) > 100
    assert_plain(result.stdout)
    state = json.loads(invoke(["state", session_id, "--json"], env).stdout)
    assert state["session_id"] == session_id
    assert state["draft"]["t"]


def test_send_speaks_in_commands_not_buttons(emulator: RunningEmulator, clips: list[Path]) -> None:
    token = emulator.emulator.create_user_token()
    env = {"NEMO_API_URL": emulator.url, "NEMO_TOKEN": token}
    session_id = invoke(["session", "new"], env).stdout.strip()
    assert invoke(["upload", session_id, str(clips[0]), str(clips[1])], env).exit_code == 0
    result = invoke(["send", session_id, "rank these clips, show the top 1"], env)
    assert result.exit_code == 0, result.output
    assert f"Export it with `nemovideo export {session_id}`" in result.stdout
    assert "Click the Export button" not in result.stdout
    assert_plain(result.stdout)
    args = ["send", session_id, "rank these clips, show the top 1", "--json"]
    sent = json.loads(invoke(args, env).stdout)
    assert f"Export it with `nemovideo export {session_id}`" in sent["text"]
    assert "Click the Export button" in sent["agent_text"]


# -- errors: one line, a hint, an exit code -----------------------------------------------


def test_a_refused_connection_names_the_url_and_suggests_the_emulator(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    result = invoke(["credits"], {"NEMO_API_URL": url})
    assert_one_error(result)
    assert f"error: could not connect to {url}: " in result.stderr
    assert f"`nemovideo emulator --port {closed_port}`" in result.stderr


def test_demo_checks_the_server_before_making_clips(closed_port: int) -> None:
    result = invoke(["leaderboard", "--demo"], {"NEMO_API_URL": f"http://127.0.0.1:{closed_port}"})
    assert_one_error(result)
    assert "making" not in result.stderr
    assert "--emulator" in result.stderr


def test_the_default_host_unreachable_suggests_the_emulator() -> None:
    assert "add --emulator" in connection_hint(DEFAULT_API_URL, emulator_flag=True)
    assert "nemovideo emulator" in connection_hint(DEFAULT_API_URL, emulator_flag=False)
    assert "NEMO_API_URL" in connection_hint("https://api.example", emulator_flag=True)


def test_plain_http_is_refused_in_cli_words_and_allowed_with_the_flag() -> None:
    env = {"NEMO_API_URL": "http://api.example"}
    refused = invoke(["credits"], env)
    assert_one_error(refused)
    assert "--allow-insecure-http" in refused.stderr
    assert "allow_insecure_http=True" not in refused.stderr
    allowed = invoke(["--allow-insecure-http", "auth", "logout"], env)
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stdout.strip() == "forgot 0 saved token(s) for http://api.example"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke(["credits", "--no-such-option"]).exit_code == 2
    assert invoke(["leaderboard", "--top", "0", str(tmp_path)]).exit_code == 2


def test_a_taken_port_is_one_line_from_the_emulator_command(taken_port: int) -> None:
    expected = f"error: port {taken_port} is in use; pick another with --port or use --port 0\n"
    done = subprocess.run(
        [sys.executable, "-m", "nemovideo.emulator", "--port", str(taken_port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == expected
    result = invoke(["emulator", "--port", str(taken_port)])
    assert result.exit_code == 1
    assert result.stderr == expected

"""Credentials across processes: one client id and one anonymous token for all of them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nemovideo import AuthenticationError, ConfigurationError, NemoVideo, Secret
from nemovideo._credentials import ConfigFolder
from nemovideo._protocol.auth import (
    EXPIRY_MARGIN,
    IssuedToken,
    TokenSource,
    choose_saved,
    mask,
)
from nemovideo.emulator import RunningEmulator

TOKEN_PATH = "/api/auth/anonymous-token"


def minted(emulator: RunningEmulator) -> int:
    return sum(1 for r in emulator.emulator.requests if r.path == TOKEN_PATH)


def folder() -> ConfigFolder:
    return ConfigFolder(Path(os.environ["XDG_CONFIG_HOME"]) / "nemovideo")


def test_two_clients_one_after_the_other_share_one_anonymous_token(
    emulator: RunningEmulator,
) -> None:
    with NemoVideo(base_url=emulator.url) as first:
        assert first.credits().available == 100
    with NemoVideo(base_url=emulator.url) as second:
        second.create_session()
        assert second.client_id() == first.client_id()
    assert minted(emulator) == 1
    saved = folder().tokens_path
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    entry = json.loads(saved.read_text())["anonymous"][f"{emulator.url} {first.client_id()}"]
    assert entry["expires_at"] > time.time() + 6 * 24 * 3600
    assert entry["user_id"].startswith("anon_")


def run_processes(count: int, code: str, env: dict[str, str]) -> list[str]:
    started = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = []
    for process in started:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        outputs.append(out.strip())
    return outputs


def test_sixteen_processes_started_at_once_agree_on_one_id_and_one_token(
    emulator: RunningEmulator,
) -> None:
    env = {**os.environ, "NEMO_API_URL": emulator.url}
    code = (
        "from nemovideo import NemoVideo\n"
        "with NemoVideo() as client:\n"
        "    print(client.client_id(), client.credits().available)\n"
    )
    outputs = run_processes(16, code, env)
    assert len({line.split()[0] for line in outputs}) == 1, outputs
    assert {line.split()[1] for line in outputs} == {"100"}
    assert minted(emulator) == 1


def test_an_expired_token_is_renewed_once_across_processes(emulator: RunningEmulator) -> None:
    with NemoVideo(base_url=emulator.url) as client:
        client.credits()
    emulator.emulator.expire_tokens()
    env = {**os.environ, "NEMO_API_URL": emulator.url}
    code = "from nemovideo import NemoVideo\nprint(NemoVideo().credits().available)\n"
    assert run_processes(6, code, env) == ["100"] * 6
    assert minted(emulator) == 2, "the first token, then one renewal for all six"


def test_two_cli_commands_in_a_row(emulator: RunningEmulator) -> None:
    env = {**os.environ, "NEMO_API_URL": emulator.url}
    for args in (["credits"], ["session", "new"]):
        done = subprocess.run(
            [sys.executable, "-m", "nemovideo.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert minted(emulator) == 1


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_the_store_can_be_turned_off(
    emulator: RunningEmulator, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    options: dict[str, object] = {"token_store": False} if how == "argument" else {}
    if how == "environment":
        monkeypatch.setenv("NEMOVIDEO_TOKEN_STORE", "0")
    with NemoVideo(base_url=emulator.url, **options) as client:  # type: ignore[arg-type]
        client.credits()
    assert not folder().tokens_path.exists()
    assert folder().client_id_path.exists(), "the client id is still kept"


def test_a_given_token_always_wins(emulator: RunningEmulator) -> None:
    with NemoVideo(base_url=emulator.url) as anonymous:
        anonymous.credits()
    rich = emulator.emulator.create_user_token(credits=5000)
    with NemoVideo(base_url=emulator.url, token=rich) as client:
        assert client.credits().available == 5000
    assert minted(emulator) == 1


def test_a_saved_user_token_comes_before_the_anonymous_one(emulator: RunningEmulator) -> None:
    token = emulator.emulator.create_user_token(credits=777)
    with folder().locked() as saved:
        saved.save_user(emulator.url, IssuedToken(token))
    with NemoVideo(base_url=emulator.url) as client:
        assert client.credits().available == 777
    assert minted(emulator) == 0
    emulator.emulator.expire_tokens(token)
    with NemoVideo(base_url=emulator.url) as client, pytest.raises(AuthenticationError) as caught:
        client.credits()
    assert "nemovideo auth login" in str(caught.value)


def test_an_unusable_config_folder_is_a_clear_error(
    emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "config"
    not_a_folder.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(not_a_folder))
    with NemoVideo(base_url=emulator.url) as client, pytest.raises(ConfigurationError) as caught:
        client.credits()
    message = str(caught.value)
    assert str(not_a_folder / "nemovideo") in message
    assert "NEMO_CLIENT_ID" in message
    assert caught.value.path == str(not_a_folder / "nemovideo")


def test_which_saved_token_a_client_takes() -> None:
    now = 1_000_000.0
    user = IssuedToken("nmv_usr_user_token_0001")
    fresh = IssuedToken("nmv_usr_anon_fresh_0001", expires_at=now + 3600)
    ending = IssuedToken("nmv_usr_anon_ending_001", expires_at=now + EXPIRY_MARGIN / 2)
    assert choose_saved(user, fresh, stale=None, now=now) == (user, TokenSource.SAVED_USER)
    assert choose_saved(None, fresh, stale=None, now=now) == (fresh, TokenSource.SAVED_ANONYMOUS)
    assert choose_saved(None, fresh, stale=fresh.token, now=now) is None
    assert choose_saved(None, ending, stale=None, now=now) is None
    assert choose_saved(None, None, stale=None, now=now) is None
    with pytest.raises(AuthenticationError):
        choose_saved(user, fresh, stale=user.token, now=now)


def test_tokens_are_masked_when_shown() -> None:
    assert mask("nmv_usr_abcdefghijklmnop1234") == "nmv_usr_...1234"
    assert mask("short") == "..."
    assert "abcdefgh" not in repr(IssuedToken("nmv_usr_abcdefghijklmnop1234"))


def test_a_garbled_tokens_file_is_read_as_nothing_saved(tmp_path: Path) -> None:
    config = ConfigFolder(tmp_path / "nemovideo")
    config.path.mkdir()
    key = "https://api.test some-client"
    entry = {"token": "nmv_usr_saved_token_0001", "expires_at": 10**400}
    config.tokens_path.write_text(json.dumps({"anonymous": {key: entry}, "user": []}))
    with config.locked() as saved:
        user, anonymous = saved.for_client("https://api.test", "some-client")
    assert user is None
    assert anonymous == IssuedToken("nmv_usr_saved_token_0001", None)
    config.tokens_path.write_text("{not json")
    with config.locked() as saved:
        assert saved.for_client("https://api.test", "some-client") == (None, None)


def test_a_saved_token_that_cannot_go_into_a_header_is_ignored(tmp_path: Path) -> None:
    """A tokens file edited by hand: an entry whose token is not printable ASCII is
    skipped (a new token is fetched), never a UnicodeEncodeError at the first request."""
    from nemovideo._credentials import ConfigFolder

    folder = ConfigFolder(tmp_path)
    with folder.locked() as saved:
        saved.save_user("https://api.test", IssuedToken(Secret("nmv_usr_good0123456789"), None))
    path = tmp_path / "tokens.json"
    path.write_text(path.read_text().replace("nmv_usr_good0123456789", "nmv_usr_bäd 0123"))
    with folder.locked() as saved:
        user, _anonymous = saved.for_client("https://api.test", "client-1")
    assert user is None

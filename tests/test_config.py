"""Settings precedence, the client-id file, attribution, URL safety."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from nemovideo._config import (
    DEFAULT_API_URL,
    check_base_url,
    config_folder_path,
    detect_platform,
    resolve_settings,
)
from nemovideo._credentials import ConfigFolder
from nemovideo._secret import Secret
from nemovideo._version import __version__


def _resolve(env: dict[str, str], **kwargs: object) -> object:
    args: dict[str, object] = {
        "token": None,
        "base_url": None,
        "web_url": None,
        "client_id": None,
        "skill_source": None,
        "skill_version": None,
        "skill_platform": None,
        "max_retries": 2,
        "timeout": None,
        "allow_insecure_http": False,
    }
    args.update(kwargs)
    return resolve_settings(env=env, **args)  # type: ignore[arg-type]


def test_defaults_without_environment() -> None:
    settings = _resolve({})
    assert settings.base_url == DEFAULT_API_URL  # type: ignore[attr-defined]
    assert settings.web_url == "https://nemovideo.com"  # type: ignore[attr-defined]
    assert settings.token is None  # type: ignore[attr-defined]
    headers = settings.attribution.headers()  # type: ignore[attr-defined]
    assert headers == {
        "X-Skill-Source": "nemovideo-python",
        "X-Skill-Version": __version__,
        "X-Skill-Platform": "unknown",
    }


def test_environment_beats_defaults_and_arguments_beat_environment() -> None:
    env = {
        "NEMO_TOKEN": "nmv_usr_fromenv",
        "NEMO_API_URL": "https://env.example",
        "NEMO_WEB_URL": "https://web.env.example",
        "NEMO_CLIENT_ID": "env-client",
        "SKILL_SOURCE": "cursor",
    }
    from_env = _resolve(env)
    assert from_env.token == Secret("nmv_usr_fromenv")  # type: ignore[attr-defined]
    assert from_env.base_url == "https://env.example"  # type: ignore[attr-defined]
    assert from_env.web_url == "https://web.env.example"  # type: ignore[attr-defined]
    assert from_env.client_id == "env-client"  # type: ignore[attr-defined]
    assert from_env.attribution.platform == "cursor"  # type: ignore[attr-defined]
    from_args = _resolve(
        env,
        token="nmv_usr_arg",
        base_url="https://arg.example/",
        client_id="arg-client",
        skill_source="my-tool",
        skill_version="9.9",
        skill_platform="vscode",
    )
    assert from_args.token == Secret("nmv_usr_arg")  # type: ignore[attr-defined]
    assert from_args.base_url == "https://arg.example"  # type: ignore[attr-defined]
    assert from_args.client_id == "arg-client"  # type: ignore[attr-defined]
    assert from_args.attribution.headers() == {  # type: ignore[attr-defined]
        "X-Skill-Source": "my-tool",
        "X-Skill-Version": "9.9",
        "X-Skill-Platform": "vscode",
    }


def test_repr_never_shows_the_token() -> None:
    settings = _resolve({}, token="nmv_usr_supersecretvalue")
    assert "supersecret" not in repr(settings)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.example", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://api.example", False),
        ("ftp://api.example", False),
        ("not a url", False),
    ],
)
def test_plain_http_only_for_loopback(url: str, ok: bool) -> None:
    if ok:
        assert check_base_url(url, allow_insecure_http=False) == url
    else:
        with pytest.raises(ValueError, match=r"http|URL"):
            check_base_url(url, allow_insecure_http=False)


def test_plain_http_opt_in() -> None:
    assert check_base_url("http://api.example/", allow_insecure_http=True) == "http://api.example"


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        _resolve({}, max_retries=-1)
    with pytest.raises(ValueError, match="client_id"):
        _resolve({}, client_id="has spaces")
    with pytest.raises(ValueError, match="token"):
        _resolve({}, token="two words")


def test_platform_detection_from_install_path() -> None:
    assert detect_platform({}, "/home/u/.clawhub/skills/x/nemovideo/_config.py") == "clawhub"
    assert detect_platform({}, "/home/u/.cursor/skills/x/_config.py") == "cursor"
    assert detect_platform({}, "/usr/lib/python3/site-packages/nemovideo/_config.py") == "unknown"
    assert detect_platform({"SKILL_SOURCE": "custom"}, "/home/u/.cursor/skills/x") == "custom"


def test_client_id_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    folder = ConfigFolder(config_folder_path({"XDG_CONFIG_HOME": str(tmp_path / "cfg")}))
    first = folder.client_id()
    path = folder.client_id_path
    assert path == tmp_path / "cfg" / "nemovideo" / "client_id"
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert folder.client_id() == first
    assert len(first) <= 64


def test_client_id_file_with_garbage_is_replaced(tmp_path: Path) -> None:
    folder = ConfigFolder(tmp_path / "nemovideo")
    folder.path.mkdir(parents=True)
    folder.client_id_path.write_text("not a valid id because it has spaces and far too long " * 3)
    new_id = folder.client_id()
    assert " " not in new_id
    assert folder.client_id_path.read_text().strip() == new_id


def test_config_folder_defaults_to_home_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_folder_path({}) == tmp_path / ".config" / "nemovideo"

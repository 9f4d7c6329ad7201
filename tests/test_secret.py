"""The token as a `Secret`: masked wherever it is shown, compared by value, pickled only
inside settings that were asked to carry it, and revealed only into a request's
``Authorization`` header and the token store."""

from __future__ import annotations

import copy
import json
import logging
import pickle
import traceback
from pathlib import Path

import httpx
import pytest

from nemovideo import AsyncNemoVideo, NemoVideo, RedactingFilter, Secret
from nemovideo._credentials import ConfigFolder
from nemovideo._protocol.auth import IssuedToken, TokenSource, TokenState
from nemovideo._protocol.ops import Download, GetToken, OpenStream, Send
from nemovideo._protocol.requests import RequestSpec
from nemovideo.emulator import RunningEmulator

TOKEN = "nmv_usr_SECRETvalue0123456789abcdef"


def test_a_secret_never_shows_its_value() -> None:
    secret = Secret(TOKEN)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>40}",
        format(secret, "<50"),
    ]
    assert repr(secret) == "Secret('nmv_usr_***')"
    assert str(secret) == "nmv_usr_***"
    assert all("SECRET" not in text for text in shown)
    assert repr(Secret("clm_SECRET")) == "Secret('clm_***')"
    assert repr(Secret("opaqueSECRET")) == "Secret('***')"
    assert secret.get_secret_value() == TOKEN


def test_a_secret_compares_and_hashes_by_value() -> None:
    assert Secret(TOKEN) == Secret(TOKEN)
    assert Secret(TOKEN) != Secret(TOKEN + "x")
    assert Secret(TOKEN) != TOKEN, "a plain string is not the secret"
    assert len({Secret(TOKEN), Secret(TOKEN)}) == 1
    assert Secret(TOKEN)
    assert not Secret("")
    with pytest.raises(TypeError):
        Secret(42)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        Secret(TOKEN)._value = "other"


def test_a_secret_is_not_pickled_on_its_own_but_copies() -> None:
    secret = Secret(TOKEN)
    with pytest.raises(TypeError, match="include_token=True"):
        pickle.dumps(secret)
    assert copy.copy(secret) is secret
    assert copy.deepcopy({"t": secret})["t"] is secret


def test_settings_hold_the_token_as_a_secret_given_as_either() -> None:
    for given in (TOKEN, Secret(TOKEN)):
        client = NemoVideo(token=given, base_url="https://api.test")
        assert client.settings.token == Secret(TOKEN)
        assert "SECRET" not in repr(client.settings)
    shipped = pickle.dumps(client.worker_settings(include_token=True))
    assert pickle.loads(shipped).token == Secret(TOKEN)
    assert b"SECRET" not in pickle.dumps(client.worker_settings())


def test_request_descriptions_hide_the_authorization_header() -> None:
    spec = RequestSpec(
        "GET",
        "https://api.test/api/credits",
        headers=(("X-Skill-Source", "me"), ("Cookie", "SECRET=1")),
        bearer=Secret(TOKEN),
    )
    for op in (spec, Send(spec), OpenStream(spec), Download(spec, Path("x.mp4"))):
        assert "SECRET" not in repr(op), repr(op)
        assert "Authorization: Bearer ***" in repr(op)
    assert "SECRET" not in repr(GetToken(stale=Secret(TOKEN)))
    assert "Authorization" not in spec.header_dict()


def test_httpx_masks_the_header_the_driver_writes() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": 0, "data": {"available": 1}})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    NemoVideo(token=TOKEN, base_url="https://api.test", http_client=http).credits()
    (request,) = seen
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "SECRET" not in repr(request)
    assert "SECRET" not in repr(request.headers)


def test_token_state_and_saved_tokens_hold_secrets(tmp_path: Path) -> None:
    issued = IssuedToken(TOKEN, 1e12, "anon_1")
    assert issued.token == Secret(TOKEN)
    state = TokenState()
    assert state.adopt(issued, TokenSource.SAVED_USER) == Secret(TOKEN)
    assert "SECRET" not in repr(state) + repr(issued)
    folder = ConfigFolder(tmp_path)
    with folder.locked() as saved:
        saved.save_user("https://api.test", issued)
    assert json.loads(folder.tokens_path.read_text())["user"]["https://api.test"]["token"] == TOKEN
    with folder.locked() as saved:
        back = saved.user("https://api.test")
    assert back is not None
    assert isinstance(back.token, Secret)
    assert back.token == Secret(TOKEN)


async def _use(kind: str, url: str, token: str | None) -> None:
    if kind == "sync":
        with NemoVideo(base_url=url, token=token) as client:
            client.credits()
            client.create_session().state()
        return
    async with AsyncNemoVideo(base_url=url, token=token) as aclient:
        await aclient.credits()
        await (await aclient.create_session()).state()


@pytest.mark.anyio
@pytest.mark.parametrize("given", ["argument", "anonymous"])
async def test_no_log_record_carries_the_token(
    kind: str, given: str, emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Every record of ``nemovideo``, ``httpx`` and ``httpcore`` at DEBUG, over a real
    loopback connection: none carries the token, with or without `RedactingFilter`."""
    caplog.set_level(logging.DEBUG)
    token = emulator.emulator.create_user_token(credits=100) if given == "argument" else None
    await _use(kind, emulator.url, token)
    if token is None:
        folder = ConfigFolder(NemoVideo().settings.config_dir)
        with folder.locked() as saved:
            client_id = folder.client_id()
            issued = saved.anonymous(emulator.url, client_id)
        assert issued is not None
        token = issued.token.get_secret_value()
    records = [
        r for r in caplog.records if r.name.split(".")[0] in {"nemovideo", "httpx", "httpcore"}
    ]
    assert {r.name.split(".")[0] for r in records} >= {"nemovideo", "httpx", "httpcore"}
    for record in records:
        assert token not in record.getMessage(), record.getMessage()
        assert RedactingFilter().filter(record)
        assert token not in record.getMessage()


def test_a_secret_in_a_log_argument_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="nemovideo")
    logging.getLogger("nemovideo").debug("token %s, %r", Secret(TOKEN), Secret(TOKEN))
    assert caplog.records[-1].getMessage() == "token nmv_usr_***, Secret('nmv_usr_***')"


def test_a_failure_while_reading_settings_shows_no_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEMO_TOKEN", TOKEN)
    with pytest.raises(ValueError, match="plain http") as caught:
        NemoVideo(base_url="http://api.example")
    shown = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    assert "environment" in shown
    assert "SECRET" not in shown

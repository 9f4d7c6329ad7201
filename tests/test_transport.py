"""The default transport: TCP keepalive on, proxy settings from the environment kept."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from nemovideo import AsyncNemoVideo, NemoVideo
from nemovideo._async import _backend as async_backend
from nemovideo._sync import _backend as sync_backend
from nemovideo._transport import client_kwargs, keepalive_socket_options, proxy_mounts
from nemovideo.emulator import RunningEmulator


def test_keepalive_is_on() -> None:
    options = keepalive_socket_options()
    assert (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1) in options
    if hasattr(socket, "TCP_KEEPIDLE"):
        assert (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60) in options


def test_proxy_settings_are_read_like_httpx_does() -> None:
    mounts = proxy_mounts(
        {
            "HTTPS_PROXY": "proxy.corp:3128",
            "http_proxy": "http://p:1",
            "NO_PROXY": "localhost,.internal",
        }
    )
    assert mounts == {
        "http://": "http://p:1",
        "https://": "http://proxy.corp:3128",
        "all://*localhost": None,
        "all://*internal": None,
    }
    assert proxy_mounts({"https_proxy": "http://p:1", "no_proxy": "*"}) == {}
    assert proxy_mounts({}) == {}


def test_default_clients_mount_proxies_with_keepalive(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[dict[str, Any]] = []

    class Recording(httpx.HTTPTransport):
        def __init__(self, **options: Any) -> None:
            made.append(options)
            super().__init__(**options)

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.setattr(httpx, "HTTPTransport", Recording)
    kwargs = client_kwargs(asynchronous=False)
    assert isinstance(kwargs["transport"], Recording)
    assert isinstance(kwargs["mounts"]["https://"], Recording)
    assert [options.get("proxy") for options in made] == ["http://proxy.test:3128", None]
    assert all(options["socket_options"] == keepalive_socket_options() for options in made)
    async_kwargs = client_kwargs(asynchronous=True)
    assert isinstance(async_kwargs["transport"], httpx.AsyncHTTPTransport)


@pytest.mark.anyio
async def test_clients_make_their_pool_with_the_default_options_on_first_use(
    monkeypatch: pytest.MonkeyPatch, emulator: RunningEmulator
) -> None:
    made: list[str] = []
    real_sync, real_async = sync_backend.new_http_client, async_backend.new_http_client

    def sync_pool(limits: httpx.Limits | None = None) -> httpx.Client:
        made.append("sync")
        return real_sync(limits)

    def async_pool(limits: httpx.Limits | None = None) -> httpx.AsyncClient:
        made.append("async")
        return real_async(limits)

    monkeypatch.setattr(sync_backend, "new_http_client", sync_pool)
    monkeypatch.setattr(async_backend, "new_http_client", async_pool)
    with NemoVideo(base_url=emulator.url) as client:
        assert made == [], "no connection before the first call"
        client.credits()
        client.credits()
    async with AsyncNemoVideo(base_url=emulator.url) as aclient:
        await aclient.credits()
    with httpx.Client() as mine, NemoVideo(base_url=emulator.url, http_client=mine) as theirs:
        theirs.credits()
    assert made == ["sync", "async"]


@pytest.mark.anyio
async def test_default_pools_turn_keepalive_on(emulator: RunningEmulator) -> None:
    url = emulator.url + "/api/credits/balance/simple"
    with sync_backend.new_http_client() as http, http.stream("GET", url) as response:
        sock = response.extensions["network_stream"].get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    async with async_backend.new_http_client() as ahttp, ahttp.stream("GET", url) as aresponse:
        sock = aresponse.extensions["network_stream"].get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1

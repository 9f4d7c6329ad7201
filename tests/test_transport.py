"""The default transport: TCP keepalive on, proxy settings from the environment kept."""

from __future__ import annotations

import socket

import httpx
import pytest

from nemovideo import AsyncNemoVideo, NemoVideo
from nemovideo._transport import client_kwargs, keepalive_socket_options, proxy_mounts


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
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    kwargs = client_kwargs(asynchronous=False)
    assert isinstance(kwargs["transport"], httpx.HTTPTransport)
    assert isinstance(kwargs["mounts"]["https://"], httpx.HTTPTransport)
    async_kwargs = client_kwargs(asynchronous=True)
    assert isinstance(async_kwargs["transport"], httpx.AsyncHTTPTransport)
    with NemoVideo(base_url="https://api.test") as client:
        pool = client._http._transport_for_url(httpx.URL("https://api.test/x"))
        assert isinstance(pool, httpx.HTTPTransport)
        assert pool._pool._socket_options == keepalive_socket_options()
        assert pool is kwargs_mount(client)


def kwargs_mount(client: NemoVideo) -> object:
    return client._http._transport_for_url(httpx.URL("https://elsewhere.test/"))


def test_async_client_uses_the_async_transport() -> None:
    client = AsyncNemoVideo(base_url="https://api.test")
    transport = client._http._transport_for_url(httpx.URL("https://api.test/x"))
    assert isinstance(transport, httpx.AsyncHTTPTransport)

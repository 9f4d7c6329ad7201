"""The default HTTP transports: TCP keepalive on, the caller's proxy settings kept.

A conversation stream can sit quiet for minutes; keepalive probes let the OS notice
a dead peer so the read fails instead of hanging. Passing a transport to httpx
would drop the proxies it reads from the environment, so they are mounted here
with the same socket options.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._config import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from ._protocol.requests import RequestSpec

__all__ = [
    "USER_AGENT",
    "client_kwargs",
    "http_client_options",
    "keepalive_socket_options",
    "proxy_mounts",
    "request_options",
]

USER_AGENT = "nemovideo-python"

_KEEPALIVE_IDLE = 60
_KEEPALIVE_INTERVAL = 15
_KEEPALIVE_COUNT = 4


def keepalive_socket_options() -> list[tuple[int, int, int]]:
    """Socket options that turn on TCP keepalive (with Linux/macOS timings when available)."""
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (
        ("TCP_KEEPIDLE", _KEEPALIVE_IDLE),
        ("TCP_KEEPALIVE", _KEEPALIVE_IDLE),  # macOS spelling of KEEPIDLE
        ("TCP_KEEPINTVL", _KEEPALIVE_INTERVAL),
        ("TCP_KEEPCNT", _KEEPALIVE_COUNT),
    ):
        if hasattr(socket, name):
            options.append((socket.IPPROTO_TCP, getattr(socket, name), value))
    return options


def proxy_mounts(environ: Mapping[str, str]) -> dict[str, str | None]:
    """httpx mount patterns -> proxy URL, or ``None`` (direct) for ``NO_PROXY`` hosts."""
    proxies: dict[str, str] = {}
    for key, value in environ.items():
        name = key.lower()
        if name.endswith("_proxy") and value and (key.islower() or name[:-6] not in proxies):
            proxies[name[:-6]] = value
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        url = proxies.get(scheme)
        if url:
            url = url if "://" in url else f"http://{url}"
            mounts["all://" if scheme == "all" else f"{scheme}://"] = url
    for host in proxies.get("no", "").split(","):
        host = host.strip()
        if host == "*":
            return {}
        if host:
            pattern = host if "://" in host else f"all://*{host.lstrip('.')}"
            mounts[pattern] = None
    return mounts


def client_kwargs(
    *, asynchronous: bool, trust_env: bool = True, limits: httpx.Limits | None = None
) -> dict[str, Any]:
    """``transport`` and ``mounts`` for a default ``httpx.Client``/``AsyncClient``.

    A client given a transport ignores its own ``limits=``, so the pool ``limits`` go to
    every transport made here (the direct one and each proxy's).
    """
    options: dict[str, Any] = {"socket_options": keepalive_socket_options()}
    if limits is not None:
        options["limits"] = limits
    transport_class: Any = httpx.AsyncHTTPTransport if asynchronous else httpx.HTTPTransport
    mounts: dict[str, Any] = {}
    if trust_env:
        for pattern, proxy in proxy_mounts(os.environ).items():
            mounts[pattern] = None if proxy is None else transport_class(proxy=proxy, **options)
    return {"transport": transport_class(**options), "mounts": mounts}


def http_client_options(
    *, asynchronous: bool, limits: httpx.Limits | None = None
) -> dict[str, Any]:
    """Keyword arguments of the SDK's own ``httpx.Client``/``AsyncClient`` (a pool of
    ``limits``, httpx's defaults when ``None``)."""
    return {
        **client_kwargs(asynchronous=asynchronous, limits=limits),
        "timeout": DEFAULT_TIMEOUT,
        "headers": {"User-Agent": USER_AGENT},
        "follow_redirects": False,
    }


def request_options(
    spec: RequestSpec, content: Any, timeout: httpx.Timeout | None
) -> dict[str, Any]:
    """Keyword arguments of ``build_request`` for ``spec`` (``content``: a streamed body)."""
    options: dict[str, Any] = {
        "method": spec.method,
        "url": spec.url,
        "headers": spec.header_dict(),
    }
    if spec.params:
        options["params"] = list(spec.params)
    if spec.has_json:
        options["json"] = spec.json
    elif content is not None:
        options["content"] = content
    if spec.timeout is not None:
        timeout = spec.timeout
    if spec.read_timeout is not None:
        base = timeout or DEFAULT_TIMEOUT
        options["timeout"] = httpx.Timeout(
            connect=base.connect, read=spec.read_timeout, write=base.write, pool=base.pool
        )
    elif timeout is not None:
        options["timeout"] = timeout
    return options

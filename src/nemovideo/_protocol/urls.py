"""Which URLs from the service the SDK will fetch (pure): one rule, used everywhere.

A URL the service gives (a render's output URL, a redirect's ``Location``) is checked
before any request is built from it: at most `MAX_URL_LENGTH` characters, no space or
control character, ``https`` (or ``http`` to a loopback host, as a local emulator
uses), a host, a valid port, and never a link-local or cloud-metadata address. A URL
on the API's own origin (the base URL the caller chose) is always allowed.
"""

from __future__ import annotations

import ipaddress

import httpx

__all__ = ["MAX_URL_LENGTH", "METADATA_HOSTS", "url_problem"]

MAX_URL_LENGTH = 8192
"""Characters a URL from the service may have."""

METADATA_HOSTS = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
"""Host names of cloud metadata services (their addresses are refused as link-local
or listed in ``_METADATA_ADDRESSES``)."""

_METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("169.254.170.2"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)


def url_problem(url: object, *, api_origin: httpx.URL | None = None) -> str | None:
    """Why the SDK will not fetch ``url``, or ``None`` when it may.

    ``api_origin`` is the API's base URL: a URL on its scheme, host and port is allowed
    whatever the rules say (the caller chose that host). The reason never quotes the
    URL (it may be long, or signed).
    """
    if not isinstance(url, str):
        return f"the URL is a {type(url).__name__}, not a string"
    if len(url) > MAX_URL_LENGTH:
        return f"the URL has {len(url)} characters (at most {MAX_URL_LENGTH})"
    if not url.isprintable() or any(c.isspace() for c in url):
        return "the URL has spaces or control characters"
    try:
        parsed = httpx.URL(url)
        port = parsed.port
        host = parsed.host.lower().rstrip(".")  # decodes IDNA: a bad A-label fails here
    except (httpx.InvalidURL, ValueError, TypeError, UnicodeError) as exc:
        return f"the URL cannot be parsed ({type(exc).__name__})"
    if not host:
        return "the URL has no host"
    if port is not None and not 0 < port < 65536:
        return f"the URL's port {port} is not valid"
    if api_origin is not None and _same_origin(parsed, api_origin):
        return None
    address = _address(host)
    loopback = host == "localhost" or (address is not None and address.is_loopback)
    if parsed.scheme == "http":
        if not loopback:
            return "plain http is allowed only to a loopback host"
    elif parsed.scheme != "https":
        return f"the scheme {parsed.scheme!r} is not https"
    if host in METADATA_HOSTS:
        return "the host is a cloud metadata service"
    if address is None:
        if _numeric(host):
            return "the host is a number that is not a plain IP address"
        return None
    if address in _METADATA_ADDRESSES:
        return "the host is a cloud metadata address"
    if address.is_link_local:
        return "the host is a link-local address"
    if address.is_unspecified or address.is_multicast:
        return "the host is not an address to fetch from"
    return None


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return mapped
    return address


def _numeric(host: str) -> bool:
    """A host that resolvers read as an address though it is not a dotted quad
    (``2852039166``, ``0xa9fea9fe``, ``169.254.43518``)."""
    labels = host.split(".")
    return all(label.isdigit() or label.startswith("0x") for label in labels if label)


def _same_origin(url: httpx.URL, api: httpx.URL) -> bool:
    def port(u: httpx.URL) -> int | None:
        return u.port or {"https": 443, "http": 80}.get(u.scheme)

    return url.scheme == api.scheme and url.host == api.host and port(url) == port(api)

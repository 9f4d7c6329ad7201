"""Per-request options: a timeout, a retry budget, and extra headers, query and body.

The public form is a set of keyword arguments (`RequestOptions`, `PollOptions`) that
every method of the clients and their handles takes; inside, they become one
`CallOptions` value carried by the call context and applied where a request is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

import attrs
import httpx

__all__ = ["CallOptions", "PollOptions", "RequestOptions", "protected_header"]

_PROTECTED = {
    "authorization": "pass token=... to the client (or set NEMO_TOKEN)",
    "x-client-id": "pass client_id=... to the client (or set NEMO_CLIENT_ID)",
    "x-skill-source": "pass skill_source=... to the client",
    "x-skill-version": "pass skill_version=... to the client",
    "x-skill-platform": "pass skill_platform=... to the client",
}


class PollOptions(TypedDict, total=False):
    """Per-request options of a method that waits (its own ``timeout`` is the whole
    wait): each request it makes gets them. Set a per-request timeout on the handle
    with ``with_options(timeout=...)``.

    Attributes:
        max_retries: retries of transient failures for these requests (``0``: none).
        extra_headers: headers added to each request to the API (the token, the client
            id and the ``X-Skill-*`` attribution headers are refused: set them on the
            client).
        extra_query: query parameters added to each request's URL.
        extra_body: keys merged into each JSON body (top level; they win over the
            SDK's own keys). Requests without a body do not carry them; a multipart
            upload refuses them.
    """

    max_retries: int
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]
    extra_body: Mapping[str, Any]


class RequestOptions(PollOptions, total=False):
    """Per-request options, the keyword arguments every call takes (see `PollOptions`).

    Attributes:
        timeout: seconds (or an ``httpx.Timeout``) for each request of the call,
            instead of the client's.
    """

    timeout: float | httpx.Timeout


def protected_header(name: str) -> str | None:
    """How to set header ``name`` on purpose, when ``extra_headers`` may not set it."""
    lowered = name.lower()
    if lowered in _PROTECTED:
        return _PROTECTED[lowered]
    if lowered.startswith("x-skill-"):
        return "set the attribution on the client (skill_source=..., skill_version=...)"
    return None


def _timeout(value: Any) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(
            f"timeout must be a number of seconds > 0 or an httpx.Timeout, not {value!r}"
        )
    return httpx.Timeout(float(value))


def _max_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_retries must be an int >= 0, not {value!r}")
    return value


def _pairs(option: str, value: Any) -> tuple[tuple[str, Any], ...]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{option} must be a mapping, not {type(value).__name__}")
    for key in value:
        if not isinstance(key, str) or not key:
            raise TypeError(f"{option} keys must be non-empty strings, not {key!r}")
    return tuple(value.items())


def _headers(value: Any) -> tuple[tuple[str, str], ...]:
    pairs = _pairs("extra_headers", value)
    for name, text in pairs:
        hint = protected_header(name)
        if hint is not None:
            raise ValueError(f"extra_headers may not set {name!r}: {hint}")
        if not isinstance(text, str):
            raise TypeError(f"extra_headers[{name!r}] must be a string, not {type(text).__name__}")
    return pairs


def _merge(
    old: tuple[tuple[str, Any], ...], new: tuple[tuple[str, Any], ...], *, fold: bool = False
) -> tuple[tuple[str, Any], ...]:
    """``old`` updated by ``new`` (header names compared case-insensitively)."""
    if not new:
        return old
    key = str.lower if fold else str
    replaced = {key(name) for name, _ in new}
    return tuple((n, v) for n, v in old if key(n) not in replaced) + new


def _names(pairs: tuple[tuple[str, Any], ...]) -> str:
    return repr(tuple(name for name, _ in pairs))


@attrs.frozen
class CallOptions:
    """The per-request options of one call, checked (see `RequestOptions`). Its ``repr``
    shows header names only: a value may be a secret."""

    timeout: httpx.Timeout | None = None
    max_retries: int | None = None
    extra_headers: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=_names)
    extra_query: tuple[tuple[str, Any], ...] = ()
    extra_body: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def make(cls, options: Mapping[str, Any]) -> CallOptions:
        """Check keyword arguments (a `RequestOptions`) into options.

        Raises:
            ValueError: a bad timeout or retry count, or a header set on the client.
            TypeError: an unknown option, or a mapping of the wrong shape.
        """
        return cls().merged(options)

    def merged(self, options: Mapping[str, Any]) -> CallOptions:
        """These options, updated by ``options`` (a `RequestOptions`): a given timeout
        or retry count wins; headers, query and body are merged key by key."""
        if not options:
            return self
        unknown = set(options) - RequestOptions.__optional_keys__
        if unknown:
            raise TypeError(f"unknown request option(s): {', '.join(sorted(unknown))}")
        return CallOptions(
            timeout=_timeout(options["timeout"]) if "timeout" in options else self.timeout,
            max_retries=(
                _max_retries(options["max_retries"])
                if "max_retries" in options
                else self.max_retries
            ),
            extra_headers=_merge(
                self.extra_headers, _headers(options.get("extra_headers", {})), fold=True
            ),
            extra_query=_merge(
                self.extra_query, _pairs("extra_query", options.get("extra_query", {}))
            ),
            extra_body=_merge(self.extra_body, _pairs("extra_body", options.get("extra_body", {}))),
        )

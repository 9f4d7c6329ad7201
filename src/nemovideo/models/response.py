"""What an answer of the service was, beside its body: status, headers, request id."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs
import httpx

__all__ = ["APIResponse", "ResponseInfo"]

T = TypeVar("T")


@attrs.frozen
class ResponseInfo:
    """The HTTP answer a result was read from.

    Headers that may hold a secret (``Set-Cookie``, ``Authorization``, anything
    token-like) are masked as ``***``.

    Attributes:
        status_code: the HTTP status.
        headers: the answer's headers (case-insensitive).
        request_id: the server's request id (``X-Request-Id``), if it sent one.
        method: the request's HTTP method.
        url: the request's URL (an API URL: it never holds the token).
    """

    status_code: int
    headers: httpx.Headers = attrs.field(eq=False)
    request_id: str | None
    method: str
    url: str


@attrs.frozen
class APIResponse(Generic[T]):
    """A result with the HTTP answer it came from, from ``with_raw_response``.

    When a method made several requests (a render's polls, a session's state read
    before its export), the answer is the last one that decided the result.

    Attributes:
        info: the answer: status, headers, request id, method and URL.
    """

    info: ResponseInfo
    _parsed: T = attrs.field(alias="parsed")

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self.info.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers (secrets masked)."""
        return self.info.headers

    @property
    def request_id(self) -> str | None:
        """The server's request id, if it sent one (quote it to support)."""
        return self.info.request_id

    def parse(self) -> T:
        """The result the method returns without ``with_raw_response``."""
        return self._parsed

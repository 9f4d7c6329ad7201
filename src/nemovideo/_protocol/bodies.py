"""Answer bodies read with a cap: how big a JSON (or error) answer may be.

The drivers read every answer that is not a stream or a download chunk by chunk and
stop at ``ResponseLimits.max_json_bytes``; an announced ``Content-Length`` above it
fails before anything is read. The body read becomes a whole ``httpx.Response`` again,
so the flows read it as any other answer.
"""

from __future__ import annotations

import httpx

from ..errors import ResponseTooLargeError
from .headers import content_length, pick

__all__ = [
    "JSON_LIMIT",
    "answer_with",
    "check_size",
    "sizes",
    "too_large",
]

JSON_LIMIT = "max_json_bytes"
"""The field of ``ResponseLimits`` that caps an answer read whole."""
_FRAMING = ("content-length", "content-encoding")


def sizes(response: httpx.Response) -> tuple[int | None, bool]:
    """``(announced, exact)``: the answer's ``Content-Length`` when it is a plain number
    (else ``None``), and whether the body read will be exactly that many bytes:
    announced, and not compressed (that decodes to any size)."""
    found = pick(response, _FRAMING)
    announced = content_length(found.get("content-length"))
    encoding = found.get("content-encoding", "identity").strip().lower()
    return announced, announced is not None and encoding in ("", "identity")


def too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    """The error of an answer larger than ``limit`` bytes."""
    return ResponseTooLargeError(
        f"the answer is larger than {limit} bytes (ResponseLimits.{JSON_LIMIT})",
        limit=JSON_LIMIT,
        value=limit,
        status_code=response.status_code,
    )


def check_size(response: httpx.Response, size: int | None, limit: int) -> None:
    """Raise [ResponseTooLargeError][nemovideo.ResponseTooLargeError] when ``size``
    bytes (read, or announced: ``None`` when not) are more than ``limit``."""
    if size is not None and size > limit:
        raise too_large(response, limit)


def answer_with(response: httpx.Response, body: bytes) -> httpx.Response:
    """``response`` read: the same status, headers and request, with ``body`` (already
    decoded, so without its ``Content-Encoding``) as its content."""
    # The raw bytes: a header value the server sent as Latin-1 goes back as it came.
    headers = [
        (name, value) for name, value in response.headers.raw if name.lower() != b"content-encoding"
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=response.extensions,
    )

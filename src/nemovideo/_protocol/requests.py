"""What to send: a request described as data, built into ``httpx`` by the drivers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import attrs
import httpx

from .._secret import Secret, redact

_NO_JSON: Any = object()
_HIDDEN_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
CHUNK_SIZE = 1024 * 1024
"""Bytes read from disk at a time for an upload body."""


@attrs.frozen
class FilePart:
    """One file of a multipart body: its part header, its file name, how many bytes,
    and where they are: a file on disk, bytes in memory, or a seekable binary file
    object read from ``start`` (sought back there each time the body is sent)."""

    head: bytes
    name: str
    size: int
    content: Path | bytes | IO[bytes] = attrs.field(eq=False)
    start: int = 0


@attrs.define
class UploadProgress:
    """Adds up the bytes sent by several upload bodies and reports ``(sent, total)``.

    A body that is sent again (a retry) starts its count from zero.
    """

    total: int
    callback: Callable[[int, int], None]
    _sent: dict[str, int] = attrs.field(factory=dict, alias="_sent")

    def restart(self, key: str) -> None:
        """A body starts (again) from its first byte."""
        self._sent[key] = 0
        self.callback(sum(self._sent.values()), self.total)

    def advance(self, key: str, count: int) -> None:
        """``count`` more bytes of a body went out."""
        self._sent[key] = self._sent.get(key, 0) + count
        self.callback(sum(self._sent.values()), self.total)


@attrs.frozen
class MultipartPlan:
    """A multipart/form-data body streamed in chunks, with its exact length known up front."""

    boundary: str
    parts: tuple[FilePart, ...]
    tail: bytes
    progress: UploadProgress | None = attrs.field(default=None, eq=False)

    @property
    def content_length(self) -> int:
        """Total body size in bytes."""
        return sum(len(p.head) + p.size + 2 for p in self.parts) + len(self.tail)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value."""
        return f"multipart/form-data; boundary={self.boundary}"


@attrs.frozen(repr=False)
class RequestSpec:
    """A request to make: method, absolute URL, headers, and a JSON or multipart body.

    ``label`` names the endpoint in logs (never a URL with a secret in it);
    ``read_timeout`` overrides the read timeout (a stream's idle limit); ``params`` are
    added to the URL's query; ``timeout`` replaces the client's. ``bearer`` is
    the token of the ``Authorization`` header, kept a `Secret` until the driver builds
    the ``httpx`` request; the ``repr`` shows ``Authorization: Bearer ***``.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    json: Any = _NO_JSON
    multipart: MultipartPlan | None = None
    label: str = ""
    read_timeout: float | None = None
    params: tuple[tuple[str, Any], ...] = ()
    timeout: httpx.Timeout | None = None
    bearer: Secret | None = None

    def __repr__(self) -> str:
        shown = [
            f"{name}: {'***' if name.lower() in _HIDDEN_HEADERS else redact(value)}"
            for name, value in self.headers
        ]
        if self.bearer is not None:
            shown.append("Authorization: Bearer ***")
        body = " json" if self.has_json else " multipart" if self.multipart is not None else ""
        return f"RequestSpec({self.method} {redact(self.url)}{body}, headers={shown!r})"

    @property
    def has_json(self) -> bool:
        """Whether the request carries a JSON body."""
        return self.json is not _NO_JSON

    def header_dict(self) -> dict[str, str]:
        """Headers as a dict, multipart ``Content-Type``/``Content-Length`` included
        (not ``Authorization``: the driver adds the `bearer` as it builds the request)."""
        headers = dict(self.headers)
        if self.multipart is not None:
            headers["Content-Type"] = self.multipart.content_type
            headers["Content-Length"] = str(self.multipart.content_length)
        return headers

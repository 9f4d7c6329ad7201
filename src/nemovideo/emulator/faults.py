"""Faults the emulator can be told to inject: errors, slow answers, cut bodies."""

from __future__ import annotations

import re
import threading
from typing import Any

import attrs

__all__ = ["Fault", "FaultTable"]


def _pattern(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or len(value) > 1000:
        raise ValueError("path must be a regular expression of at most 1000 characters")
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"path is not a regular expression: {error}") from None


def _whole(low: int, high: int, *, optional: bool = False) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{attribute.name} must be a whole number in [{low}, {high}]")

    return check


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{attribute.name} must be a text")


def _header_text(value: object) -> bool:
    return isinstance(value, str) and value.isprintable() and value.isascii() and value != ""


def _headers(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or not all(
        _header_text(k) and isinstance(v, str) and (v == "" or _header_text(v))
        for k, v in value.items()
    ):
        raise ValueError("headers must map printable ASCII names to printable ASCII values")


def _media_type(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not _header_text(value):
        raise ValueError("content_type must be printable ASCII")


def _raw_body(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bytes | str):
        raise ValueError("body must be bytes or a text")


def _delay(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 600:
        raise ValueError("delay must be a number of seconds in [0, 600]")


def _flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{attribute.name} must be true or false")


@attrs.define
class Fault:
    """The next ``times`` calls matching ``path`` (a regex) and ``method`` misbehave.

    Attributes:
        path: regular expression searched in the URL path.
        method: HTTP method to match, or ``None`` for any.
        times: how many matching calls it affects.
        status: answer with this HTTP status (default 200 when only ``code`` is given).
        code: answer with this body code (``{"code": code, "message": ...}``).
        message: the message of the answer.
        body: a raw body to send verbatim (bytes or text), instead of JSON.
        content_type: the ``Content-Type`` of the answer.
        headers: extra headers (``Retry-After``, say).
        delay: seconds to wait first; alone, the call is then answered normally.
        drop: announce a longer body than is sent, send part of it, and close.

    Every field is checked when the fault is made: a value of the wrong type or out of
    range (a ``path`` that is not a regular expression, a ``status`` outside 100-599...)
    raises ``ValueError``.
    """

    path: str = attrs.field(validator=_pattern)
    method: str | None = attrs.field(default=None, validator=_text)
    times: int = attrs.field(default=1, validator=_whole(0, 10**9))
    status: int | None = attrs.field(default=None, validator=_whole(100, 599, optional=True))
    code: int | None = attrs.field(default=None, validator=_whole(-(2**53), 2**53, optional=True))
    message: str | None = attrs.field(default=None, validator=_text)
    body: bytes | str | None = attrs.field(default=None, validator=_raw_body)
    content_type: str | None = attrs.field(default=None, validator=_media_type)
    headers: dict[str, str] | None = attrs.field(default=None, validator=_headers)
    delay: float = attrs.field(default=0.0, validator=_delay)
    drop: bool = attrs.field(default=False, validator=_flag)
    used: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a call."""
        if self.used >= self.times:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return re.search(self.path, path) is not None

    @property
    def answers(self) -> bool:
        """Whether it replaces the answer (else it only delays it)."""
        return self.drop or any(v is not None for v in (self.status, self.code, self.body))

    def response_parts(self) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of the faulty answer."""
        import json

        headers = dict(self.headers or {})
        if self.body is not None:
            body = self.body.encode() if isinstance(self.body, str) else self.body
            headers.setdefault("content-type", self.content_type or "text/plain; charset=utf-8")
        else:
            payload: dict[str, Any] = {} if self.code is None else {"code": self.code}
            payload["message"] = self.message or "injected fault"
            body = json.dumps(payload).encode()
            headers.setdefault("content-type", self.content_type or "application/json")
        status = self.status if self.status is not None else (200 if self.code else 500)
        return status, headers, body


class FaultTable:
    """Armed faults, consumed in the order they were armed (thread-safe)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> Fault:
        """Add a fault."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching a call, counted as used."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.used += 1
                    return fault
        return None

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    @property
    def armed(self) -> list[Fault]:
        """Faults that still have calls to affect."""
        with self._lock:
            return [f for f in self._faults if f.used < f.times]

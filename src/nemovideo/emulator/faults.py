"""Faults the emulator can be told to inject: errors, slow answers, cut bodies."""

from __future__ import annotations

import re
import threading
from typing import Any

import attrs

__all__ = ["Fault", "FaultTable"]


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
    """

    path: str
    method: str | None = None
    times: int = 1
    status: int | None = None
    code: int | None = None
    message: str | None = None
    body: bytes | str | None = None
    content_type: str | None = None
    headers: dict[str, str] | None = None
    delay: float = 0.0
    drop: bool = False
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

"""Which error an answer means: one table of rules, by body code, HTTP status and endpoint.

Never by message text. The body's ``code`` decides first (a code in the 400-599
range is read as an HTTP status); then the HTTP status, where some statuses mean
something more precise on some endpoints (a 402 on export is a plan refusing the
export; a 404 on a session's own paths is the session being gone). The errors guide
shows this table as it is, generated from `RULES`.
"""

from __future__ import annotations

import enum

import attrs

from ..errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ExportBlockedError,
    FileTooLargeError,
    InsufficientCreditsError,
    MissingClientIdError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    SessionNotFoundError,
    UnsupportedFileTypeError,
)

__all__ = ["RULES", "Endpoint", "Rule", "error_class", "find_rule", "markdown_table"]


class Endpoint(enum.Enum):
    """The service's endpoints, as far as the error table tells them apart."""

    ANONYMOUS_USER = "anonymous token"
    BROWSER_LINK = "browser link"
    CREATE_SESSION = "create session"
    CONVERSATION = "conversation"
    UPLOAD = "upload"
    CREDITS = "credits"
    STATE = "state"
    EXPORT = "export"
    RENDER_STATUS = "render status"
    DOWNLOAD = "download"


SESSION_PATHS = frozenset({Endpoint.CONVERSATION, Endpoint.UPLOAD, Endpoint.STATE})
"""Endpoints whose path names a session: there, a 404 means the session is gone."""


@attrs.frozen
class Rule:
    """One row: an answer with this body ``code`` (or HTTP ``status``), on these
    ``endpoints`` (``None``: any), is an ``error``."""

    error: type[APIError]
    code: int | None = None
    status: int | range | None = None
    endpoints: frozenset[Endpoint] | None = None
    meaning: str = ""

    def matches(self, code: int | None, status: int, endpoint: Endpoint | None) -> bool:
        """Whether this row applies."""
        if self.endpoints is not None and endpoint not in self.endpoints:
            return False
        if self.code is not None or code is not None:
            return code == self.code  # a body code is matched by code rows only
        if isinstance(self.status, range):
            return status in self.status
        return status == self.status


RULES: tuple[Rule, ...] = (
    Rule(AuthenticationError, code=1001, meaning="token invalid or expired"),
    Rule(SessionNotFoundError, code=1002, meaning="session not found"),
    Rule(InsufficientCreditsError, code=2001, meaning="out of credits"),
    Rule(UnsupportedFileTypeError, code=4001, meaning="unsupported file type"),
    Rule(FileTooLargeError, code=4002, meaning="file too large (the limit is 500 MB)"),
    Rule(
        MissingClientIdError,
        status=400,
        endpoints=frozenset({Endpoint.ANONYMOUS_USER}),
        meaning="the X-Client-Id header is missing",
    ),
    Rule(BadRequestError, status=400, meaning="the request is malformed"),
    Rule(AuthenticationError, status=401, meaning="not authenticated"),
    Rule(
        ExportBlockedError,
        status=402,
        endpoints=frozenset({Endpoint.EXPORT}),
        meaning="the plan does not allow export (not a credit problem)",
    ),
    Rule(PaymentRequiredError, status=402, meaning="the plan or balance does not allow it"),
    Rule(AuthenticationError, status=403, meaning="the token may not do this"),
    Rule(
        SessionNotFoundError,
        status=404,
        endpoints=SESSION_PATHS,
        meaning="the session is gone",
    ),
    Rule(NotFoundError, status=404, meaning="no such resource"),
    Rule(RequestTimeoutError, status=408, meaning="the request was not received in time"),
    Rule(FileTooLargeError, status=413, meaning="the body is too large"),
    Rule(UnsupportedFileTypeError, status=415, meaning="the media type is not accepted"),
    Rule(BadRequestError, status=422, meaning="the request failed validation"),
    Rule(RateLimitError, status=429, meaning="rate limited"),
    Rule(ServerError, status=range(500, 600), meaning="the service failed"),
)


def find_rule(*, code: int | None, status: int, endpoint: Endpoint | None) -> Rule | None:
    """The first row that an answer with this body code and HTTP status matches.

    ``code`` is the body's non-zero code, if any: it decides alone, except that a code
    in the 400-599 range is read as an HTTP status. ``None`` when no row names it (the
    error is then a plain `APIError`).
    """
    if code is not None and 400 <= code <= 599:
        return find_rule(code=None, status=code, endpoint=endpoint)
    return next((rule for rule in RULES if rule.matches(code, status, endpoint)), None)


def error_class(*, code: int | None, status: int, endpoint: Endpoint | None) -> type[APIError]:
    """The class of the error that an answer with this code and status means."""
    rule = find_rule(code=code, status=status, endpoint=endpoint)
    return rule.error if rule is not None else APIError


def markdown_table() -> str:
    """`RULES` as the table of the errors guide (first matching row wins)."""
    lines = ["| Answer | Where | Error | Meaning |", "|---|---|---|---|"]
    for rule in RULES:
        if rule.code is not None:
            answer = f"body code {rule.code}"
        elif isinstance(rule.status, range):
            answer = f"HTTP {rule.status.start // 100}xx"
        else:
            answer = f"HTTP {rule.status}"
        where = (
            "any endpoint"
            if rule.endpoints is None
            else ", ".join(sorted(e.value for e in rule.endpoints))
        )
        lines.append(f"| {answer} | {where} | `{rule.error.__name__}` | {rule.meaning} |")
    return "\n".join(lines) + "\n"

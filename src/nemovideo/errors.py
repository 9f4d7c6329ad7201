"""The exception tree of the SDK.

Every error the SDK raises derives from [NemoVideoError][nemovideo.NemoVideoError].
Errors that come from an answer of the service derive from
[APIError][nemovideo.APIError] and carry the body ``code``, the HTTP
``status_code``, the ``message``, the ``request_id`` when known, and the raw ``body``.
Which class an answer maps to is decided by one table, by the body's code first, then
the HTTP status and the endpoint, never by message text: see the errors guide.

No error carries a token: messages, bodies, request ids and the agent's error details
are redacted when the error is made (``nmv_...``, ``clm_...`` and bearer values are
masked), whoever makes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ._secret import redact, redact_json

if TYPE_CHECKING:
    from .models.changes import Change
    from .models.render import RenderStatus
    from .models.reply import Reply
    from .models.upload import Upload

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AgentError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "DownloadError",
    "DownloadLimitError",
    "ExportBlockedError",
    "FileTooLargeError",
    "InsufficientCreditsError",
    "InvalidResponseError",
    "MissingClientIdError",
    "NemoVideoError",
    "NotFoundError",
    "NotReadyError",
    "NotSettledError",
    "PaymentRequiredError",
    "RankingNotFoundError",
    "RateLimitError",
    "RenderFailedError",
    "RenderTimeoutError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "ServerError",
    "SessionNotFoundError",
    "TurnError",
    "TurnInProgressError",
    "TurnLostError",
    "TurnTimeoutError",
    "UnsupportedFileTypeError",
    "UploadError",
    "WorkerError",
]


class NemoVideoError(Exception):
    """Base class of every error raised by nemovideo.

    Every error pickles and deep-copies with its attributes, so one raised in a process
    pool, Dask or Ray worker arrives whole in the caller (not as a broken pool). Its
    message never shows a token (token-like text is masked).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))

    def __reduce__(self) -> tuple[Any, ...]:
        # BaseException would call ``cls(*args)`` on the way back, which the keyword-only
        # attributes of most subclasses refuse; rebuild without calling ``__init__``.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[NemoVideoError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """An error as it was pickled: its ``args`` and its attributes."""
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def _redacted_status(status: RenderStatus | None) -> RenderStatus | None:
    """``status`` with token-like text in its ``error`` and ``raw`` masked."""
    if status is None:
        return status
    error = redact(status.error) if status.error is not None else None
    return attrs.evolve(status, error=error, raw=redact_json(status.raw))


class APIError(NemoVideoError):
    """The service answered with an error.

    Attributes:
        message: the human-readable message (from the body when it has one).
        code: the body's numeric ``code`` when there was one, else ``None``.
        status_code: the HTTP status of the answer, or ``None`` for errors raised
            before an answer arrived.
        request_id: the server's request id (``X-Request-Id`` or the body), if any.
        body: the raw body: the decoded JSON when it was JSON, else the text, with
            token-like values masked.
        headers: the answer's headers (case-insensitive; values that may be secrets,
            such as ``Set-Cookie``, masked as ``***``); empty for errors raised before
            an answer arrived.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.code = code
        self.status_code = status_code
        self.request_id = redact(request_id) if request_id is not None else None
        self.body = redact_json(body)
        self.headers: Mapping[str, str] = headers if headers is not None else {}

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.request_id:
            parts.append(f"request {self.request_id}")
        return parts[0] if len(parts) == 1 else f"{parts[0]} ({', '.join(parts[1:])})"

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.message!r}, code={self.code!r}, status_code={self.status_code!r})"


class AuthenticationError(APIError):
    """The token is invalid or expired (code 1001, or HTTP 401/403).

    An anonymous token is renewed and the call replayed once before this is raised;
    a token you supplied cannot be renewed by the SDK.
    """


class SessionNotFoundError(APIError):
    """The session does not exist (code 1002, or HTTP 404 on the session's own paths:
    its state, its uploads, its conversation).

    Its state is gone: create a new session.
    """


class InsufficientCreditsError(APIError):
    """Out of credits (code 2001).

    Attributes:
        register_url: for anonymous users, the link that binds this anonymous user to
            a new account (``<web>/register?bind=<user id>``), when the user id is known.
    """

    def __init__(self, message: str, *, register_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.register_url = register_url


class UnsupportedFileTypeError(APIError):
    """The file type is not accepted (code 4001, or refused locally before sending).

    Attributes:
        path: the local file, when the SDK refused it before sending.
    """

    def __init__(self, message: str, *, path: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.path = path


class FileTooLargeError(APIError):
    """The file is over the 500 MB limit (code 4002, or refused locally before sending).

    Attributes:
        path: the local file, when the SDK refused it before sending.
        size: its size in bytes, when known.
    """

    def __init__(
        self, message: str, *, path: str | None = None, size: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.path = path
        self.size = size


class BadRequestError(APIError):
    """The service refused the request as malformed (HTTP 400)."""


class MissingClientIdError(BadRequestError):
    """The anonymous-token call was refused as malformed (HTTP 400): its ``X-Client-Id``
    header is missing or unusable."""


class PaymentRequiredError(APIError):
    """The account's plan or balance does not allow this call (HTTP 402). Never retried."""


class ExportBlockedError(PaymentRequiredError):
    """Export refused by the account's plan (HTTP 402 on export). Not a credit problem;
    never retried: register or upgrade the plan."""


class NotFoundError(APIError):
    """The resource does not exist (HTTP 404 on a path that names no session, e.g. a
    render id)."""


class RateLimitError(APIError):
    """Rate limited (HTTP 429).

    Attributes:
        retry_after: the server's ``Retry-After`` in seconds, when it gave one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """The service failed (HTTP 5xx). Retried for calls that are safe to repeat."""


class RequestTimeoutError(APIError):
    """The service (or a proxy before it) gave up waiting for the request (HTTP 408).

    The request was not processed; calls that are safe to repeat are retried.
    """


class InvalidResponseError(APIError):
    """The service answered success with a body the SDK cannot read (not JSON, wrong shape)."""


class ResponseTooLargeError(InvalidResponseError):
    """An answer passed one of the [ResponseLimits][nemovideo.ResponseLimits]: a JSON
    answer too large, a line or an event of the conversation stream too long, or a turn
    with too many events. Never retried.

    A turn ended by it may still be running on the server: read the state before
    sending anything else.

    Attributes:
        limit: the name of the limit passed (a field of ``ResponseLimits``, e.g.
            ``"max_json_bytes"``).
        value: the limit's value.
    """

    def __init__(self, message: str, *, limit: str, value: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit
        self.value = value


class APIConnectionError(NemoVideoError):
    """The request did not get an answer: connection refused, reset, or cut short.

    Attributes:
        sent: ``False`` when the request provably never reached the server (the
            connection was never made), so even a non-idempotent call may be repeated.
    """

    def __init__(self, message: str, *, sent: bool = True) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.sent = sent


class APITimeoutError(APIConnectionError):
    """The request timed out before an answer arrived."""


class ConfigurationError(NemoVideoError):
    """The SDK's folder in your configuration cannot be used (the client id and saved
    tokens live there): the message says which path and what to do.

    Attributes:
        path: the file or folder concerned.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class NotReadyError(NemoVideoError):
    """The session's timeline cannot be exported yet: no track has a segment."""


class RenderFailedError(NemoVideoError):
    """The render failed, also after one resubmission with a new id (or at once, for a
    render re-attached by id alone: resubmitting needs its session id).

    Attributes:
        render_id: the id of the last render tried.
        status: the last [RenderStatus][nemovideo.RenderStatus] seen, if any.
    """

    def __init__(self, message: str, *, render_id: str, status: RenderStatus | None = None) -> None:
        super().__init__(message)
        self.render_id = render_id
        self.status = _redacted_status(status)


class RenderTimeoutError(NemoVideoError):
    """[Render.wait][nemovideo.Render.wait] reached its overall timeout.

    The render may still finish: re-attach to it later with
    [`client.render(render_id)`][nemovideo.NemoVideo.render] (and ``session_id=`` so
    that a failure can be resubmitted).

    Attributes:
        render_id: the render waited for.
        status: the last [RenderStatus][nemovideo.RenderStatus] seen, if any.
    """

    def __init__(self, message: str, *, render_id: str, status: RenderStatus | None = None) -> None:
        super().__init__(message)
        self.render_id = render_id
        self.status = _redacted_status(status)


class UploadError(NemoVideoError):
    """Some files of a batch upload failed; the others were uploaded.

    Attributes:
        uploaded: the [Upload][nemovideo.Upload] objects of the files that went up.
        failures: ``(path, error)`` for every file that did not.
    """

    def __init__(
        self, message: str, *, uploaded: list[Upload], failures: list[tuple[str, Exception]]
    ) -> None:
        super().__init__(message)
        self.uploaded = uploaded
        self.failures = failures


class DownloadError(NemoVideoError):
    """A download failed or was incomplete; nothing was left at the target path."""


class DownloadLimitError(DownloadError):
    """A download passed a limit: more bytes than its ``Content-Length`` announced, more
    than ``ResponseLimits.max_download_bytes`` when no size was announced, or longer
    than ``ResponseLimits.max_download_seconds``. Nothing was left at the target path
    and the download is not tried again.

    Attributes:
        limit: the limit passed: ``"Content-Length"``, ``"max_download_bytes"`` or
            ``"max_download_seconds"``.
        value: the limit's value (bytes or seconds).
    """

    def __init__(self, message: str, *, limit: str, value: float) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value


class TurnError(NemoVideoError):
    """A conversation turn did not end normally.

    Attributes:
        reply: what the turn produced before it ended (a [Reply][nemovideo.Reply]), or
            ``None`` when nothing arrived.
    """

    def __init__(self, message: str, *, reply: Reply | None = None) -> None:
        super().__init__(message)
        self.reply = reply


class TurnInProgressError(TurnError):
    """A message was sent while another turn on the same session is still running.

    Nothing ran: either the client refused before sending (the service would run
    both and charge twice), or the service refused it with HTTP 409 because the turn
    runs elsewhere (then the [APIError][nemovideo.APIError] is the ``__cause__``).
    """


class AgentError(TurnError):
    """The agent crashed mid-turn (a last ``{"error": ..., "error_details": ...}`` frame).

    Attributes:
        error: the error text the agent sent (``"<Type>: <message>"``).
        details: its ``error_details``.
    """

    def __init__(
        self, message: str, *, error: str, details: Any = None, reply: Reply | None = None
    ) -> None:
        super().__init__(message, reply=reply)
        self.error = redact(error)
        self.details = redact_json(details)


class TurnTimeoutError(TurnError):
    """A turn took too long (the limits are a [TurnPolicy][nemovideo.TurnPolicy]).

    The turn may still be running on the server: read the state before sending
    anything else.

    Attributes:
        kind: which limit was hit: ``"idle"`` (no byte for the idle timeout, 180 s by
            default), ``"heartbeats_only"`` (only heartbeats for the heartbeat limit,
            600 s by default) or ``"turn"`` (the whole turn, 900 s by default).
        elapsed: seconds since the message was sent.
    """

    def __init__(
        self, message: str, *, kind: str, elapsed: float, reply: Reply | None = None
    ) -> None:
        super().__init__(message, reply=reply)
        self.kind = kind
        self.elapsed = elapsed


class TurnLostError(TurnError):
    """The stream dropped and the state did not change in any recovery read.

    The message was not sent again.

    Attributes:
        reads: how many times the state was read.
    """

    def __init__(self, message: str, *, reads: int, reply: Reply | None = None) -> None:
        super().__init__(message, reply=reply)
        self.reads = reads


class NotSettledError(NemoVideoError):
    """[Session.wait_until_settled][nemovideo.Session.wait_until_settled] reached its
    timeout while the draft was still changing.

    Attributes:
        changes: what changed so far (a list of [Change][nemovideo.Change]).
    """

    def __init__(self, message: str, *, changes: list[Change]) -> None:
        super().__init__(message)
        self.changes = changes


class RankingNotFoundError(NemoVideoError):
    """The agent's answer held no ranking (no scores in a tool result, in
    ``video_analyses`` or in a numbered list).

    Attributes:
        reply: what the agent said (a [Reply][nemovideo.Reply]).
    """

    def __init__(self, message: str, *, reply: Reply | None = None) -> None:
        super().__init__(message)
        self.reply = reply


class WorkerError(NemoVideoError):
    """A job run in another process failed in a way that cannot travel back as it was:
    its exception could not be pickled, or its worker raised something that is not an
    ``Exception`` (``SystemExit``, say).

    Attributes:
        error_type: the qualified name of the original exception
            (``"module.ClassName"``).
        traceback: the original traceback as text, as the worker formatted it (empty
            when there was none).
    """

    def __init__(self, message: str, *, error_type: str, traceback: str = "") -> None:
        super().__init__(message)
        self.error_type = error_type
        self.traceback = traceback

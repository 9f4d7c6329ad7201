"""Reading answers: envelopes, and the error an answer means (see `error_table`)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx

from ..errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidResponseError,
    NemoVideoError,
    RateLimitError,
)
from ..models.response import ResponseInfo
from .error_table import Endpoint, find_rule
from .headers import pick
from .jsontext import JSONRefused, loads
from .redact import headers_hold_secrets, raw_headers_may_hold_secrets, redact, redact_headers

EnvelopeKind = Literal["code", "render"]

_MAX_TEXT = 300


def decode_body(content: bytes) -> Any:
    """The body as JSON when it is JSON within the bounds of `jsontext`, else its text
    (``None`` when empty)."""
    return decode_answer(content)[0]


def decode_answer(content: bytes) -> tuple[Any, str | None]:
    """`decode_body`, and why JSON was refused (nested too deeply, a number too long),
    else ``None``."""
    if not content or content.isspace():  # as ``not content.strip()``, without a copy
        return None, None
    try:
        return loads(content), None
    except JSONRefused as exc:
        return content.decode("utf-8", errors="replace"), str(exc)
    except ValueError:
        return content.decode("utf-8", errors="replace"), None


def _message(body: Any, fallback: str) -> str:
    if isinstance(body, dict):
        for key in ("message", "msg", "error", "detail", "error_message", "errorMessage"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return redact(value.strip())[:_MAX_TEXT]
        problems = _validation_problems(body.get("detail"))
        if problems:
            return redact(problems)[:_MAX_TEXT]
    if isinstance(body, str) and body.strip():
        text = " ".join(body.split())
        if text.lstrip().startswith("<"):
            return fallback
        return redact(text)[:_MAX_TEXT]
    return fallback


def _validation_problems(detail: Any) -> str:
    """FastAPI's (and so ADK's) 422 answer: ``detail`` is a list of
    ``{"loc": [...], "msg": ...}``; read as ``body.session_id: Field required; ...``."""
    if not isinstance(detail, list):
        return ""
    problems = []
    for item in detail[:3]:
        if not isinstance(item, dict) or not isinstance(item.get("msg"), str):
            continue
        loc = item.get("loc")
        where = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
        problems.append(f"{where}: {item['msg']}" if where else item["msg"])
    if problems and len(detail) > 3:
        problems.append(f"and {len(detail) - 3} more")
    return "; ".join(problems)


_REQUEST_ID_HEADERS = ("x-request-id", "x-trace-id", "x-amzn-requestid")


def _request_id(response: httpx.Response, body: Any) -> str | None:
    found = pick(response, _REQUEST_ID_HEADERS)  # one pass, not one per name
    for header in _REQUEST_ID_HEADERS:
        if header in found:
            return redact(found[header][:128])
    if isinstance(body, dict):
        for key in ("request_id", "requestId", "trace_id"):
            value = body.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return redact(str(value)[:128])
    return None


def safe_headers(response: httpx.Response) -> httpx.Headers:
    """The answer's headers, those that may hold a secret masked."""
    if not raw_headers_may_hold_secrets(response.headers.raw):
        return response.headers  # the usual answer, told without decoding a header
    items = response.headers.multi_items()
    if not headers_hold_secrets(items):
        return response.headers  # the usual answer: nothing to mask (the answer is done)
    # Values as they were decoded (ASCII, UTF-8 or Latin-1) encode back the same way.
    return httpx.Headers(redact_headers(items), encoding=response.headers.encoding)


def response_info(response: httpx.Response) -> ResponseInfo:
    """Status, safe headers, request id, method and URL of an answer."""
    try:
        method, url = response.request.method, str(response.request.url)
    except RuntimeError:  # a response made without its request
        method, url = "", ""
    return ResponseInfo(
        status_code=response.status_code,
        headers=safe_headers(response),
        request_id=_request_id(response, None),
        method=method,
        url=redact(url),
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a ``Retry-After`` header: seconds or an HTTP date; ``None`` if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    from datetime import datetime

    return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())


def error_for_response(
    response: httpx.Response, body: Any, endpoint: Endpoint | None = None
) -> APIError | None:
    """The error an answer means, or ``None`` when it is a success.

    A non-zero body ``code``, a ``success: false`` body or an HTTP status of 300 or
    more is a failure; its class comes from the one table of `error_class` (body code,
    then HTTP status and ``endpoint``). Non-JSON bodies (an HTML 502 page) map by status.
    """
    status = response.status_code
    code = body.get("code") if isinstance(body, dict) else None
    failed = isinstance(code, int) and not isinstance(code, bool) and code != 0
    refused = isinstance(body, dict) and body.get("success") is False
    if not failed and not refused and status < 300:
        return None  # the common case: nothing to build
    body_code = code if failed else None
    if body_code is None and status < 300:
        # ``success: false`` with a 2xx status: a failure the table cannot place.
        return APIError(
            _message(body, "the service reported a failure"), **_fields(response, body, None)
        )
    rule = find_rule(code=body_code, status=status, endpoint=endpoint)
    cls = rule.error if rule is not None else APIError
    if body_code is not None and not 400 <= body_code <= 599:
        fallback = rule.meaning if rule is not None else f"error code {body_code}"
    else:
        fallback = f"HTTP {status} {response.reason_phrase or 'error'}"
    fields = _fields(response, body, body_code)
    message = _message(body, fallback)
    if cls is RateLimitError:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        return RateLimitError(message, retry_after=retry_after, **fields)
    return cls(message, **fields)


def _fields(response: httpx.Response, body: Any, code: int | None) -> dict[str, Any]:
    return {
        "code": code,
        "status_code": response.status_code,
        "request_id": _request_id(response, body),
        "body": body,
        "headers": safe_headers(response),
    }


def read_answer(
    response: httpx.Response, kind: EnvelopeKind = "code", endpoint: Endpoint | None = None
) -> dict[str, Any]:
    """Return the useful part of an answer, or raise the error it means.

    ``kind="code"`` returns ``data`` of ``{"code": 0, "data": {...}}``;
    ``kind="render"`` returns the whole JSON object (render answers come in
    several published shapes, read by ``answers.render_status``). The error is raised
    from a frame that holds no part of the answer (it may echo a token), only the
    redacted error.
    """
    outcome = _useful_part(response, kind, endpoint)
    if isinstance(outcome, APIError):
        raise outcome
    return outcome


def _useful_part(
    response: httpx.Response, kind: EnvelopeKind, endpoint: Endpoint | None
) -> dict[str, Any] | APIError:
    body, refused = decode_answer(response.content)
    error = error_for_response(response, body, endpoint)
    if error is not None:
        return error
    if not isinstance(body, dict):
        what = "an empty body" if body is None else "a body that is not a JSON object"
        if refused is not None:
            what = f"JSON the SDK does not read: {refused}"
        return InvalidResponseError(
            f"the service answered with {what}",
            status_code=response.status_code,
            request_id=_request_id(response, body),
            body=body if isinstance(body, str | list) else None,
            headers=safe_headers(response),
        )
    if kind == "render":
        return body
    data = body.get("data", {} if "code" in body else None)
    if data is None and "code" in body:
        data = {}
    if not isinstance(data, dict):
        return InvalidResponseError(
            "the answer has no 'data' object",
            status_code=response.status_code,
            request_id=_request_id(response, body),
            body=body,
            headers=safe_headers(response),
        )
    return data


def _origin(exc: httpx.TransportError) -> str:
    """``scheme://host:port`` of the failed request (no path, query or credentials)."""
    try:
        url = exc.request.url
    except RuntimeError:  # an error raised without its request
        return "the service"
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}:{port}"


def connection_error(exc: httpx.TransportError) -> APIConnectionError:
    """Map an httpx transport error, naming the server it was for; ``sent=False`` when
    the request never left."""
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    text = redact(str(exc)) or type(exc).__name__
    where = _origin(exc)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"request to {where} timed out: {text}", sent=not never_sent)
    if isinstance(exc, httpx.ConnectError):
        return APIConnectionError(f"could not connect to {where}: {text}", sent=False)
    return APIConnectionError(f"connection to {where} failed: {text}", sent=not never_sent)


def undecodable(exc: httpx.DecodingError) -> InvalidResponseError:
    """Map a body httpx could not decode (its ``Content-Encoding`` is not what it says)."""
    return InvalidResponseError(
        f"the answer's body cannot be decoded: {redact(str(exc))[:_MAX_TEXT]}"
    )


def exchange_error(exc: Exception) -> NemoVideoError | None:
    """The SDK error for what httpx raised while sending a request or reading its answer,
    or ``None`` when it is none of these (an error of the SDK's own, to re-raise):

    - a body its ``Content-Encoding`` does not describe: `InvalidResponseError`;
    - a redirect's ``Location`` that cannot be parsed (httpx reads it even when not
      following it; a host name IDNA refuses is a plain ``UnicodeError``):
      `InvalidResponseError`;
    - a transport failure: `APIConnectionError` (see `connection_error`).
    """
    if isinstance(exc, httpx.DecodingError):
        return undecodable(exc)
    if isinstance(exc, httpx.TransportError):
        return connection_error(exc)
    own = isinstance(exc, UnicodeEncodeError | UnicodeDecodeError)
    if isinstance(exc, httpx.InvalidURL) or (isinstance(exc, UnicodeError) and not own):
        return InvalidResponseError("redirect refused: the URL in its Location cannot be parsed")
    return None

"""One API call as a flow: token, request, retries, error mapping, token renewal."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs
import httpx

from .._config import Settings
from .._secret import Secret
from ..errors import AuthenticationError, InsufficientCreditsError, InvalidResponseError
from ..models.response import ResponseInfo
from .auth import IssuedToken, TokenState, expiry_from_answer, issued_token
from .envelope import (
    EnvelopeKind,
    exchange_error,
    read_answer,
    response_info,
    safe_headers,
)
from .error_table import Endpoint
from .ids import id_problem
from .ops import Flow, GetToken, OpenStream, Send
from .options import CallOptions
from .requests import _NO_JSON, MultipartPlan, RequestSpec
from .responses import record
from .retry import RetryHook, retry_flow, retry_policy

if TYPE_CHECKING:
    import tenacity

logger = logging.getLogger("nemovideo")

ANONYMOUS_TOKEN_PATH = "/api/auth/anonymous-token"  # noqa: S105 - a path, not a secret


@attrs.frozen
class Call:
    """One endpoint call, described as data.

    Attributes:
        method: HTTP method.
        path: path under the API base URL (never holds a secret).
        json: JSON body, if any.
        multipart: streamed multipart body, if any.
        idempotent: safe to repeat after it may have reached the server.
        auth: needs the bearer token.
        kind: the answer's envelope (``"code"`` or ``"render"``).
        extra_headers: headers beyond auth and attribution.
        stream: answer with the open response of an event stream (the conversation) instead of
            its ``data``; an answer that is not a stream is mapped to an error.
        read_timeout: the read timeout for this call (a stream's idle limit).
        name: which endpoint it is, for the error table (some statuses mean more on
            some endpoints).
    """

    method: str
    path: str
    json: Any = _NO_JSON
    multipart: MultipartPlan | None = None
    idempotent: bool = False
    auth: bool = True
    kind: EnvelopeKind = "code"
    extra_headers: tuple[tuple[str, str], ...] = ()
    stream: bool = False
    read_timeout: float | None = None
    name: Endpoint | None = None

    @property
    def endpoint(self) -> str:
        """``METHOD /path`` for logs and retry events."""
        return f"{self.method} {self.path}"


@attrs.frozen
class Answer:
    """A call's useful data and the answer it was read from."""

    data: dict[str, Any]
    info: ResponseInfo


@attrs.define
class CallContext:
    """What every call needs: settings, token state, retry hook, clock, and the
    per-request options of the call being made."""

    settings: Settings
    tokens: TokenState
    on_retry: RetryHook | None = None
    clock: Callable[[], float] = time.monotonic
    options: CallOptions = attrs.field(factory=CallOptions)

    def with_options(self, options: CallOptions) -> CallContext:
        """This context (same token state) for calls made with ``options``."""
        return self if options == self.options else attrs.evolve(self, options=options)

    @property
    def max_retries(self) -> int:
        """The retry budget: the call's ``max_retries``, else the client's."""
        given = self.options.max_retries
        return self.settings.max_retries if given is None else given

    def spec(self, call: Call, token: Secret | None) -> RequestSpec:
        """The request for ``call`` with auth and attribution headers and the options.

        ``extra_headers`` come last (they cannot name the protected headers);
        ``extra_body`` is merged into a JSON object body; a given ``timeout`` replaces
        the call's own read timeout too (a stream's idle limit).

        Raises:
            ValueError: ``extra_body`` for a multipart upload.
        """
        options = self.options
        headers = self.settings.attribution.headers()  # a new dict
        headers.update(call.extra_headers)
        if options.extra_headers:
            given = {name.lower() for name, _ in options.extra_headers}
            headers = {k: v for k, v in headers.items() if k.lower() not in given}
            headers.update(options.extra_headers)
        body = call.json
        if options.extra_body:
            if call.multipart is not None:
                raise ValueError(
                    "extra_body cannot go into a multipart upload; send extra fields "
                    "with a call that has a JSON body"
                )
            if isinstance(body, dict):
                body = {**body, **dict(options.extra_body)}
        return RequestSpec(
            method=call.method,
            url=self.settings.base_url + call.path,
            headers=tuple(headers.items()),
            json=body,
            multipart=call.multipart,
            label=call.endpoint,
            read_timeout=call.read_timeout if options.timeout is None else None,
            params=options.extra_query,
            timeout=options.timeout,
            bearer=token,
        )

    def register_url(self) -> str | None:
        """The registration link that binds an anonymous user (for code 2001)."""
        if not self.tokens.can_renew() or not self.tokens.user_id:
            return None
        return f"{self.settings.web_url}/register?bind={quote(self.tokens.user_id, safe='')}"


def _attempt(ctx: CallContext, call: Call, token: Secret | None, attempt: list[int]) -> Flow[Any]:
    attempt[0] += 1
    started = ctx.clock()
    try:
        spec = ctx.spec(call, token)
        response: httpx.Response = yield (OpenStream(spec) if call.stream else Send(spec))
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:
        error = exchange_error(exc)
        if error is None:
            raise
        logger.info(
            "%s failed attempt=%d error=%s", call.endpoint, attempt[0], type(error).__name__
        )
        raise error from None
    elapsed_ms = (ctx.clock() - started) * 1000
    logger.info(
        "%s -> %d attempt=%d %.0fms", call.endpoint, response.status_code, attempt[0], elapsed_ms
    )
    info = response_info(response)
    record(info)
    if call.stream:
        return stream_answer(response)
    return Answer(read_answer(response, call.kind, call.name), info)


def stream_answer(response: httpx.Response) -> httpx.Response:
    """The open stream, or the error its (already read) answer means."""
    if is_event_stream(response):
        return response
    read_answer(response, "code", Endpoint.CONVERSATION)
    content_type = response.headers.get("content-type") or "no content type"
    raise InvalidResponseError(
        f"expected an event stream, got {content_type}",
        status_code=response.status_code,
        headers=safe_headers(response),
    )


def is_event_stream(response: httpx.Response) -> bool:
    """Whether an answer is an event stream (else it is an error body to read)."""
    content_type = response.headers.get("content-type", "")
    return 200 <= response.status_code < 300 and content_type.startswith("text/event-stream")


def _with_retries(ctx: CallContext, call: Call, token: Secret | None) -> Flow[Any]:
    def policy(sleep: Callable[[float], None]) -> tenacity.Retrying:
        return retry_policy(
            max_retries=ctx.max_retries,
            idempotent=call.idempotent,
            endpoint=call.endpoint,
            on_retry=ctx.on_retry,
            sleep=sleep,
        )

    counter = [0]
    return retry_flow(policy, lambda: _attempt(ctx, call, token, counter))


def call_flow(ctx: CallContext, call: Call) -> Flow[Any]:
    """Perform ``call`` (see `answer_flow`); returns its ``data`` (a stream: the open
    response)."""
    result = yield from answer_flow(ctx, call)
    return result.data if isinstance(result, Answer) else result


def answer_flow(ctx: CallContext, call: Call) -> Flow[Any]:
    """Perform ``call``: get a token, send with retries, map errors; returns its
    `Answer` (a stream: the open response).

    On code 1001 with an anonymous token, a new token is fetched with the same
    client id and the call is replayed once; with a caller's token, 1001 is raised.
    """
    token: Secret | None = (yield GetToken()) if call.auth else None
    try:
        try:
            return (yield from _with_retries(ctx, call, token))
        except AuthenticationError as exc:
            if not call.auth:
                raise
            if not ctx.tokens.can_renew():
                source = ctx.tokens.source
                if source is not None and source.advice:
                    exc.message = f"{exc.message}; {source.advice}"
                    exc.args = (exc.message,)
                raise
            logger.info("%s: anonymous token expired, renewing once", call.endpoint)
            token = yield GetToken(stale=token)
            return (yield from _with_retries(ctx, call, token))
    except InsufficientCreditsError as exc:
        if exc.register_url is None:
            exc.register_url = ctx.register_url()
        raise


def anonymous_token_flow(ctx: CallContext, client_id: str) -> Flow[IssuedToken]:
    """Fetch a new anonymous token with ``X-Client-Id`` (the driver adopts and saves it)."""
    call = Call(
        "POST",
        ANONYMOUS_TOKEN_PATH,
        auth=False,
        name=Endpoint.ANONYMOUS_USER,
        extra_headers=(("X-Client-Id", client_id),),
    )
    answer = yield from _with_retries(ctx, call, None)
    data = answer.data
    issued_token(data.get("token"), "anonymous token")  # checked, never kept in a local
    user_id = data.get("user_id")
    logger.info("got an anonymous token")
    return IssuedToken(
        Secret(data.pop("token")),  # out of the answer and into a Secret at once
        expiry_from_answer(data.get("expires_at")),
        user_id if id_problem(user_id) is None else None,
    )

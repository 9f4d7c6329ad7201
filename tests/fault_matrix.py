"""The fault matrix: every endpoint against every fault, with the outcome written down.

``tests/test_fault_matrix.py`` asserts each row on both clients; ``docs/reliability.md``
is generated from the same table (``python -m tests.fault_matrix`` rewrites it), and a
test checks that the page is up to date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import attrs
import httpx

from nemovideo import ResponseLimits


@attrs.frozen
class Fault:
    """One way an answer can go wrong, and what the SDK must make of it."""

    name: str
    answer: Callable[[], httpx.Response | Exception]
    error: str
    retried: bool
    why: str
    replay_post: bool = False
    elsewhere: tuple[tuple[str, str], ...] = ()
    """``(endpoint call, error)`` where the endpoint makes the answer mean more."""

    def error_on(self, call: str) -> str:
        """The error this fault raises on the endpoint driven by ``call``."""
        return dict(self.elsewhere).get(call, self.error)


def _json(status: int, body: object, **headers: str) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(status, json=body, headers=headers)


def _raw(
    status: int, content: bytes, content_type: str, **headers: str
) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(
        status, content=content, headers={"content-type": content_type, **headers}
    )


class _Unread(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body httpx reads (and decodes) only when the client reads it, on either client."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self.content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.content


def _encoded(content: bytes, encoding: str) -> Callable[[], httpx.Response]:
    headers = {"content-type": "application/json", "content-encoding": encoding}
    return lambda: httpx.Response(200, headers=headers, stream=_Unread(content))


def _raise(exc: Callable[[], Exception]) -> Callable[[], Exception]:
    return exc


class _Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A JSON body that never ends (for both clients)."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"code": 0, "data": {"x": "'
        block = b"a" * 65536
        while True:
            yield block

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def _endless() -> Callable[[], httpx.Response]:
    headers = {"content-type": "application/json"}
    return lambda: httpx.Response(200, headers=headers, stream=_Endless())


def _announced(size: int) -> Callable[[], httpx.Response]:
    headers = {"content-type": "application/json", "content-length": str(size)}
    return lambda: httpx.Response(200, headers=headers, stream=_Endless())


FAULTS: tuple[Fault, ...] = (
    Fault(
        "code 1001 (caller's token)",
        _json(200, {"code": 1001}),
        "AuthenticationError",
        False,
        "a user token cannot be renewed",
    ),
    Fault(
        "code 1002",
        _json(200, {"code": 1002}),
        "SessionNotFoundError",
        False,
        "the session is gone",
    ),
    Fault(
        "code 2001", _json(200, {"code": 2001}), "InsufficientCreditsError", False, "needs a top-up"
    ),
    Fault(
        "code 4001",
        _json(200, {"code": 4001}),
        "UnsupportedFileTypeError",
        False,
        "the file will not change",
    ),
    Fault(
        "code 4002",
        _json(200, {"code": 4002}),
        "FileTooLargeError",
        False,
        "the file will not change",
    ),
    Fault(
        "HTTP 400", _json(400, {"message": "bad"}), "BadRequestError", False, "the request is wrong"
    ),
    Fault(
        "HTTP 402",
        _json(402, {"success": False, "error": "plan"}),
        "PaymentRequiredError",
        False,
        "a plan limit",
        elsewhere=(("export", "ExportBlockedError"),),
    ),
    Fault(
        "HTTP 404",
        _json(404, {"detail": "Not Found"}),
        "NotFoundError",
        False,
        "nothing to find",
        elsewhere=(
            ("state", "SessionNotFoundError"),
            ("upload", "SessionNotFoundError"),
            ("upload_urls", "SessionNotFoundError"),
        ),
    ),
    Fault(
        "HTTP 408",
        _json(408, {}),
        "RequestTimeoutError",
        True,
        "transient; safe calls only",
        replay_post=False,
    ),
    Fault(
        "HTTP 429 with Retry-After",
        _json(429, {}, **{"Retry-After": "2"}),
        "RateLimitError",
        True,
        "refused before running: waits 2 s, once",
        replay_post=True,
    ),
    Fault(
        "HTTP 429 without Retry-After",
        _json(429, {}),
        "RateLimitError",
        True,
        "refused before running: waits 30 s, once",
        replay_post=True,
    ),
    Fault("HTTP 500", _json(500, {}), "ServerError", True, "transient; safe calls only"),
    Fault(
        "HTTP 502 HTML page",
        _raw(502, b"<html><h1>502 Bad Gateway</h1></html>", "text/html"),
        "ServerError",
        True,
        "transient; safe calls only",
    ),
    Fault("HTTP 503", _json(503, {}), "ServerError", True, "transient; safe calls only"),
    Fault(
        "connection refused",
        _raise(lambda: httpx.ConnectError("refused")),
        "APIConnectionError",
        True,
        "never reached the server: any call",
        replay_post=True,
    ),
    Fault(
        "connection reset",
        _raise(lambda: httpx.ReadError("reset by peer")),
        "APIConnectionError",
        True,
        "may have reached the server: safe calls only",
    ),
    Fault(
        "read timeout",
        _raise(lambda: httpx.ReadTimeout("slow")),
        "APITimeoutError",
        True,
        "may have reached the server: safe calls only",
    ),
    Fault(
        "body cut short",
        _raise(lambda: httpx.RemoteProtocolError("incomplete body")),
        "APIConnectionError",
        True,
        "may have reached the server: safe calls only",
    ),
    Fault(
        "malformed JSON",
        _raw(200, b'{"code": 0, "data": {', "application/json"),
        "InvalidResponseError",
        False,
        "a broken answer is not retried",
    ),
    Fault(
        "JSON of the wrong shape",
        _json(200, [1, 2, 3]),
        "InvalidResponseError",
        False,
        "a broken answer is not retried",
    ),
    Fault(
        "wrong content type",
        _raw(200, b"hello", "text/plain"),
        "InvalidResponseError",
        False,
        "a broken answer is not retried",
    ),
    Fault(
        "empty body",
        _raw(200, b"", "application/json"),
        "InvalidResponseError",
        False,
        "a broken answer is not retried",
    ),
    Fault(
        "answer announced over 64 MiB",
        _announced(100 * 2**30),
        "ResponseTooLargeError",
        False,
        "refused from its Content-Length, before reading",
    ),
    Fault(
        "endless chunked answer",
        _endless(),
        "ResponseTooLargeError",
        False,
        "read up to 64 MiB, then refused; not retried",
    ),
    Fault(
        "JSON nested 1000 deep",
        _raw(
            200,
            b'{"code":0,"success":true,"data":' + b"[" * 1000 + b"]" * 1000 + b"}",
            "application/json",
        ),
        "InvalidResponseError",
        False,
        "more than 100 levels is refused, never a RecursionError",
    ),
    Fault(
        "a 5000-digit number",
        _raw(
            200,
            b'{"code":0,"success":true,"data":{"available":1' + b"0" * 5000 + b"}}",
            "application/json",
        ),
        "InvalidResponseError",
        False,
        "more than 100 digits is refused, never an OverflowError",
    ),
    Fault(
        "NaN or Infinity in JSON",
        _raw(
            200,
            b'{"code":0,"success":true,"data":{"available":NaN,"progress":Infinity}}',
            "application/json",
        ),
        "InvalidResponseError",
        False,
        "not JSON, and could not be sent back",
    ),
    Fault(
        "redirect to a URL httpx cannot build",
        _raw(302, b"", "text/plain", location="javascript:alert(1)"),
        "InvalidResponseError",
        False,
        "never an httpx.InvalidURL",
    ),
    Fault(
        "body not in its Content-Encoding",
        _encoded(b'{"code":0,"data":{}}', "gzip"),
        "InvalidResponseError",
        False,
        "never an httpx.DecodingError",
    ),
)


@attrs.frozen
class Endpoint:
    """An endpoint as the matrix drives it."""

    name: str
    path: str
    safe: bool
    call: str


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("create session", "with-session", False, "create_session"),
    Endpoint("claim token", "claim-token", True, "browser_url"),
    Endpoint("upload", "upload-video", False, "upload"),
    Endpoint("upload URLs", "upload-video", False, "upload_urls"),
    Endpoint("credits", "credits", True, "credits"),
    Endpoint("state", "/api/state/", True, "state"),
    Endpoint("export", "/render/proxy/lambda$", False, "export"),
    Endpoint("render status", "/render/proxy/lambda/", True, "status"),
)

MAX_RETRIES = 2


def attempts(fault: Fault, endpoint: Endpoint) -> int:
    """How many requests the SDK makes (as written down, not as computed by it)."""
    if not fault.retried:
        return 1
    if fault.name.startswith("HTTP 429"):
        return 2
    if endpoint.safe or fault.replay_post:
        return 1 + MAX_RETRIES
    return 1


def page() -> str:
    """``docs/reliability.md``."""
    lines = [
        "# Reliability",
        "",
        "What the SDK does with each fault, on every REST endpoint, in both clients. This",
        "page is generated from the table that `tests/test_fault_matrix.py` asserts",
        f"({len(FAULTS)} faults x {len(ENDPOINTS)} endpoints x 2 clients), with",
        f"`max_retries={MAX_RETRIES}`: when a fault repeats, that many retries follow.",
        "",
        "| Fault | Error raised | Safe call (GET, claim) | Other POST | Why |",
        "|---|---|---|---|---|",
    ]
    safe = next(e for e in ENDPOINTS if e.safe)
    post = next(e for e in ENDPOINTS if not e.safe)
    names = {e.call: e.name for e in ENDPOINTS}
    for fault in FAULTS:
        raised = f"`{fault.error}`"
        special: dict[str, list[str]] = {}
        for call, error in fault.elsewhere:
            special.setdefault(error, []).append(names[call])
        for error, where in special.items():
            raised += f"; `{error}` on {', '.join(where)}"
        lines.append(
            f"| {fault.name} | {raised} | {attempts(fault, safe)} attempt(s) | "
            f"{attempts(fault, post)} attempt(s) | {fault.why} |"
        )
    lines += [
        "",
        "Endpoints ([the protocol](protocol.md#protocol-endpoints) has their paths): "
        + ", ".join(e.name for e in ENDPOINTS)
        + ".",
        "",
        "Also tested: an expired anonymous token is renewed once with the same client id",
        "and the call replayed; one failing file of a batch leaves the others uploaded and",
        "reported; a failed or cut download leaves no file at the target and no temporary",
        "file; a render is resumed by id; a dropped conversation turn is recovered from the",
        "state and never re-sent.",
        "",
        *limits_section(),
    ]
    return "\n".join(lines)


LIMITS: tuple[tuple[str, str, str], ...] = (
    (
        "max_sse_line_bytes",
        "the longest line of a conversation stream",
        "the turn ends with `ResponseTooLargeError`",
    ),
    (
        "max_sse_event_bytes",
        "the data of one event of a conversation stream (characters, one more a line)",
        "the turn ends with `ResponseTooLargeError`",
    ),
    (
        "max_turn_events",
        "the events a turn keeps (heartbeats and comments are counted, not kept)",
        "the turn ends with `ResponseTooLargeError`",
    ),
    (
        "max_json_bytes",
        "a JSON answer (or an error answer), decoded; a larger `Content-Length` fails "
        "before reading",
        "`ResponseTooLargeError`, not retried",
    ),
    (
        "max_download_bytes",
        "a download whose size is not announced (an announced `Content-Length` is "
        "enforced exactly: more bytes is `DownloadLimitError` too)",
        "`DownloadLimitError`, no file left, not tried elsewhere",
    ),
    (
        "max_download_seconds",
        "a download's whole duration, checked as each chunk arrives",
        "`DownloadLimitError`, no file left, not tried elsewhere",
    ),
)
"""Every field of ``ResponseLimits``: what it limits and what the SDK does at it."""


def _default(name: str) -> str:
    value = getattr(ResponseLimits(), name)
    if name.endswith("_seconds"):
        return f"{value:,g} s"
    if name.endswith("_bytes"):
        for unit, size in (("GiB", 2**30), ("MiB", 2**20)):
            if value % size == 0:
                return f"{value // size} {unit}"
        return f"{value:,} bytes"
    return f"{value:,}"


def limits_section() -> list[str]:
    """The section of the page that lists every limit."""
    lines = [
        "## Limits",
        "",
        "Everything the SDK reads from the network has a limit, so a broken or hostile",
        "server, proxy or CDN cannot run a client out of memory, disk or time. The",
        "defaults are far beyond any answer of the service; change them with",
        "`response_limits=ResponseLimits(...)` on either client (see",
        "[ResponseLimits][nemovideo.ResponseLimits]). Each error names the limit in its",
        "`limit` attribute. Downloads are asked for as `Accept-Encoding: identity` and",
        "written as sent, never decompressed, so a compressed answer cannot grow on disk.",
        "",
        "| Setting | Default | What it limits | At the limit |",
        "|---|---|---|---|",
    ]
    for name, what, action in LIMITS:
        lines.append(f"| `{name}` | {_default(name)} | {what} | {action} |")
    lines += [
        "",
        "Also bounded without a setting: the idle, heartbeat and whole-turn timeouts of a",
        "turn ([TurnPolicy][nemovideo.TurnPolicy]); the wait between render status reads",
        "(5 s at most, however long the wait); JSON (answers and events) nested at most",
        "100 levels, integers of at most 100 digits, no `NaN` or infinity; ids of at most",
        "256 characters, without path or control characters; URLs from the service (output",
        "URLs, redirects) https (http to loopback only), without link-local or metadata",
        "hosts. Past these the answer is an `InvalidResponseError` (a download's source a",
        "`DownloadError`); see",
        "[what a server can cause](guides/errors.md#what-a-server-can-cause).",
        "",
    ]
    return lines


DOC = Path(__file__).parent.parent / "docs" / "reliability.md"

if __name__ == "__main__":
    DOC.write_text(page(), encoding="utf-8")
    print(f"wrote {DOC}")

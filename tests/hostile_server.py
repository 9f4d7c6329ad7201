"""A hostile HTTP server on loopback: answers that never end, lie about their size or
are compressed bombs, for the tests of ``ResponseLimits``.

Routes are ``(path regex, answer)``; an answer writes to the raw socket of the request
(``http.server``), so it can send what no well-behaved server would. Endless answers
stop when the client hangs up, at ``MAX_BYTES``, or when the server stops.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

MAX_BYTES = 4 * 1024**3
"""An endless answer gives up after this many bytes (a broken test must not hang)."""

CHUNK = 64 * 1024

Answer = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """One request: recorded, then answered by the first route that matches."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Answer a GET."""
        self.server.owner.answer(self)

    def do_POST(self) -> None:
        """Read the body, then answer."""
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.server.owner.answer(self)

    def head(self, status: int, *headers: tuple[str, str]) -> None:
        """Status line and headers (one answer a connection: no client reuses one this
        server may have given up on)."""
        self.send_response(status)
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        """One chunk of a chunked body."""
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer


@attrs.define
class HostileServer:
    """The server; ``with HostileServer() as server`` runs it on a free port."""

    routes: list[tuple[str, Answer]] = attrs.field(factory=list)
    seen: list[tuple[str, str, dict[str, str]]] = attrs.field(factory=list)
    stopped: threading.Event = attrs.field(factory=threading.Event)
    _server: _Server | None = None

    @property
    def url(self) -> str:
        """The base URL."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, answer: Answer) -> None:
        """Answer requests whose path matches ``path`` (a regex) with ``answer``."""
        self.routes.insert(0, (path, answer))

    def count(self, pattern: str) -> int:
        """Requests whose path matched ``pattern``."""
        return sum(1 for _, path, _ in self.seen if re.search(pattern, path))

    def answer(self, handler: Handler) -> None:
        self.seen.append((handler.command, handler.path, dict(handler.headers.items())))
        for pattern, answer in self.routes:
            if re.search(pattern, handler.path):
                # The client hanging up is what an endless answer waits for.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(handler)
                handler.close_connection = True
                return
        json_answer(404, {"detail": "Not Found"})(handler)

    def __enter__(self) -> HostileServer:
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.owner = self
        serve = self._server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def json_answer(status: int, body: Any) -> Answer:
    """A well-formed JSON answer."""
    data = json.dumps(body).encode()

    def answer(handler: Handler) -> None:
        handler.head(
            status, ("Content-Type", "application/json"), ("Content-Length", str(len(data)))
        )
        handler.wfile.write(data)

    return answer


def ok(data: Any) -> Answer:
    """``{"code": 0, "data": data}``."""
    return json_answer(200, {"code": 0, "data": data})


def endless(content_type: str, first: bytes, repeat: bytes, *headers: tuple[str, str]) -> Answer:
    """A chunked answer: ``first``, then ``repeat`` (as chunks of about 64 KiB) forever."""
    block = repeat * max(1, CHUNK // len(repeat))

    def answer(handler: Handler) -> None:
        handler.head(
            200, ("Content-Type", content_type), ("Transfer-Encoding", "chunked"), *headers
        )
        if first:  # an empty chunk would end the body
            handler.chunk(first)
        sent = 0
        while sent < MAX_BYTES and not handler.server.owner.stopped.is_set():
            handler.chunk(block)
            sent += len(block)

    return answer


def announced(size: int) -> Answer:
    """Headers announcing a JSON body of ``size`` bytes, and then nothing."""

    def answer(handler: Handler) -> None:
        handler.head(200, ("Content-Type", "application/json"), ("Content-Length", str(size)))
        handler.wfile.write(b'{"code": 0, "data": {')
        handler.wfile.flush()
        handler.server.owner.stopped.wait(30)

    return answer


@functools.cache
def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed (about a thousandth of the size)."""
    return gzip.compress(bytes(size), compresslevel=9)


def compressed(body: bytes, content_type: str = "video/mp4") -> Answer:
    """``body`` sent with ``Content-Encoding: gzip`` and its (compressed) length."""

    def answer(handler: Handler) -> None:
        handler.head(
            200,
            ("Content-Type", content_type),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(body))),
        )
        handler.wfile.write(body)

    return answer


def pieces(count: int, size: int) -> Iterator[bytes]:
    """``count`` blocks of ``size`` zero bytes."""
    for _ in range(count):
        yield bytes(size)


def service(server: HostileServer, output_url: str | None = None) -> None:
    """The routes a client needs around the hostile one: state and a completed render."""
    server.route(r"^/api/state/", ok({"state": {"draft": None, "video_infos": []}}))
    url = output_url or f"{server.url}/cdn/render_1.mp4"
    status = {"id": "render_1", "status": "completed", "progress": 100, "outputUrl": url}
    server.route(r"^/api/render/proxy/lambda/", json_answer(200, {"success": True, "data": status}))

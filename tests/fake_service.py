"""An in-process fake of the API for ``httpx.MockTransport``: routes, a request log,
and scripted failures, so client behaviour can be tested without sockets."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

import attrs
import httpx

from nemovideo import AsyncNemoVideo, NemoVideo
from nemovideo.testing import FakeClock, fake_clock, no_waiting

API = "https://api.test"
CDN = "https://cdn.test"
TOKEN = "nmv_usr_faketoken0123456789abcdefghij"

Answer = httpx.Response | BaseException | Callable[[httpx.Request], httpx.Response]


def ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "data": data})


@attrs.frozen
class Seen:
    """A request the fake received, body read."""

    method: str
    url: httpx.URL
    headers: httpx.Headers
    body: bytes
    thread: str

    @property
    def path(self) -> str:
        return self.url.path


@attrs.define
class FakeService:
    """Routes of E1-E10 plus a CDN; ``script(path_regex, *answers)`` overrides calls in order."""

    draft: dict[str, Any] | None = attrs.field(
        factory=lambda: {"t": [{"tt": 0, "sg": [{"n": "a", "s": 0, "d": 1000}]}], "d": 1000}
    )
    statuses: list[dict[str, Any]] = attrs.field(factory=list)
    video: bytes = b"\x00\x00\x00\x18ftypmp42" + b"v" * 5000
    seen: list[Seen] = attrs.field(factory=list)
    scripts: list[tuple[str, list[Answer]]] = attrs.field(factory=list)
    token_delay: threading.Event | None = None
    tokens_issued: int = 0
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def script(self, path: str, *answers: Answer) -> None:
        self.scripts.append((path, list(answers)))

    def paths(self, method: str | None = None) -> list[str]:
        return [s.path for s in self.seen if method is None or s.method == method]

    def count(self, pattern: str) -> int:
        return sum(1 for s in self.seen if re.search(pattern, s.path))

    def _scripted(self, request: httpx.Request) -> Answer | None:
        with self.lock:
            for pattern, answers in self.scripts:
                if answers and re.search(pattern, request.url.path):
                    return answers.pop(0)
        return None

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self.lock:
            self.seen.append(
                Seen(
                    request.method,
                    request.url,
                    request.headers,
                    body,
                    threading.current_thread().name,
                )
            )
        answer = self._scripted(request)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        if answer is not None:
            return answer(request)
        return self.route(request, body)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.handle(request)

    def route(self, request: httpx.Request, body: bytes) -> httpx.Response:
        path = request.url.path
        if request.url.host != "api.test":
            return httpx.Response(200, content=self.video)
        if path == "/api/auth/anonymous-token":
            if self.token_delay is not None:
                self.token_delay.wait(2)
            with self.lock:
                self.tokens_issued += 1
                number = self.tokens_issued
            return ok({"token": f"{TOKEN}{number}", "credits": 100, "user_id": "anon_abc"})
        if path == "/api/credits/balance/simple":
            return ok({"available": 90, "frozen": 10, "total": 100})
        if path.startswith("/api/tasks/me/with-session/"):
            return ok({"session_id": "1234567890123456789", "task_id": "task-1"})
        if path == "/api/auth/claim-token":
            return ok({"claim_token": "clm_abc", "expires_in": 604800})
        if path.startswith("/api/state/"):
            return ok({"state": {"draft": self.draft, "video_infos": []}})
        if path.startswith("/api/upload-video/"):
            names = re.findall(rb'filename="([^"]+)"', body)
            files = [
                {"filename": n.decode(), "file_type": "video", "cdn_url": f"{CDN}/{n.decode()}"}
                for n in names
            ]
            return ok({"files": files})
        if path == "/api/render/proxy/lambda":
            render_id = json.loads(body)["id"]
            return httpx.Response(
                200, json={"success": True, "data": {"id": render_id, "status": "pending"}}
            )
        if path.startswith("/api/render/proxy/lambda/"):
            render_id = path.rsplit("/", 1)[1]
            status = self.statuses.pop(0) if self.statuses else self.done(render_id)
            return httpx.Response(200, json={"success": True, "data": {"id": render_id, **status}})
        if path.endswith("/download"):
            return httpx.Response(200, content=self.video)
        return httpx.Response(404, json={"detail": "Not Found"})

    @staticmethod
    def done(render_id: str) -> dict[str, Any]:
        return {"status": "completed", "progress": 100, "outputUrl": f"{CDN}/{render_id}.mp4"}


def make_client(
    kind: str, service: FakeService, *, clock: FakeClock | None = None, **kwargs: Any
) -> Any:
    """A sync or async client on the fake: on ``clock`` if given, else never waiting."""
    kwargs.setdefault("base_url", API)
    kwargs.setdefault("client_id", "fake-client")
    with fake_clock(clock) if clock is not None else no_waiting():
        if kind == "sync":
            http = httpx.Client(transport=httpx.MockTransport(service.handle))
            return NemoVideo(http_client=http, **kwargs)
        ahttp = httpx.AsyncClient(transport=httpx.MockTransport(service.ahandle))
        return AsyncNemoVideo(http_client=ahttp, **kwargs)

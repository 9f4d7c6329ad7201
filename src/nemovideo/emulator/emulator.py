"""The emulator's control side: state, faults and settings that tests steer directly.

The SDK never calls any of this; it only talks HTTP to the emulated API. The same
controls are reachable over HTTP under ``/_emulator/`` for an emulator running in
another process.
"""

from __future__ import annotations

import copy
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import attrs

from .config import EmulatorConfig
from .faults import Fault, FaultTable
from .script import TurnOptions
from .state import Store, User
from .validation import check_draft, check_json, check_turn
from .workers import RenderWorkers

__all__ = ["Emulator", "ReceivedRequest"]


@attrs.frozen
class ReceivedRequest:
    """A request the emulated API received, with its ``Authorization`` value redacted.

    Attributes:
        method: HTTP method.
        path: URL path.
        query: the query string.
        host: the ``Host`` header (tells the API host from the CDN host).
        headers: lower-cased headers; ``authorization`` reads ``"<redacted>"``.
        had_authorization: whether an ``Authorization`` header came.
        content_length: the declared body size, if any.
    """

    method: str
    path: str
    query: str
    host: str
    headers: dict[str, str]
    had_authorization: bool
    content_length: int | None = None

    def header(self, name: str) -> str | None:
        """A header's value (case-insensitive)."""
        return self.headers.get(name.lower())


class Emulator:
    """A local NemoVideo backend's world. Serve it with [serve][nemovideo.emulator.serve].

    Attributes:
        control_token: the secret the HTTP control routes (``/_emulator/...``) require in
            their ``X-Emulator-Control`` header; made when the emulator is, never shown in
            its repr or logged.
    """

    def __init__(self, config: EmulatorConfig | None = None, folder: Path | None = None) -> None:
        self.control_token = secrets.token_urlsafe(32)
        self._own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="nemovideo-emulator-"))
        self.config = config or EmulatorConfig()
        self._defaults = copy.deepcopy(self.config)
        self.store = Store(self.folder)
        self.faults = FaultTable()
        self._requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._turn_options: list[TurnOptions] = []
        self._workers: RenderWorkers | None = None

    @property
    def workers(self) -> RenderWorkers:
        """The render workers (made at the first render, ``render_workers`` of them)."""
        with self._lock:
            if self._workers is None:
                self._workers = RenderWorkers(self.config.render_workers)
            return self._workers

    def __repr__(self) -> str:
        return f"Emulator(folder={str(self.folder)!r})"

    # -- settings and faults ---------------------------------------------------------

    def reset(self) -> None:
        """Forget every user, session, render, fault and request; default settings. Renders
        waiting for a worker never start, running ones end at their next frame."""
        with self._lock:
            self.config = copy.deepcopy(self._defaults)
            with self.store.lock:
                for job in self.store.renders.values():
                    job.cancelled = True
            self.store = Store(self.folder)
            self.faults.clear()
            self._requests.clear()
            self._turn_options.clear()

    def configure(self, **fields: Any) -> EmulatorConfig:
        """Change settings (see [EmulatorConfig][nemovideo.emulator.EmulatorConfig]);
        unknown names raise ``TypeError``."""
        known = {field.name for field in attrs.fields(EmulatorConfig)}
        unknown = set(fields) - known
        if unknown:
            raise TypeError(f"unknown emulator settings: {', '.join(sorted(unknown))}")
        self.config = attrs.evolve(self.config, **fields)
        return self.config

    def arm_fault(
        self,
        path: str,
        *,
        method: str | None = None,
        times: int = 1,
        status: int | None = None,
        code: int | None = None,
        message: str | None = None,
        body: bytes | str | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drop: bool = False,
    ) -> Fault:
        """Make the next ``times`` calls whose path matches ``path`` misbehave."""
        fault = Fault(
            path=path,
            method=method,
            times=times,
            status=status,
            code=code,
            message=message,
            body=body,
            content_type=content_type,
            headers=headers,
            delay=delay,
            drop=drop,
        )
        return self.faults.arm(fault)

    def clear_faults(self) -> None:
        """Remove every armed fault."""
        self.faults.clear()

    def script_next_turn(self, **options: Any) -> TurnOptions:
        """Shape the next conversation turn (see [TurnOptions][nemovideo.emulator.TurnOptions]):
        ``silent``, ``heartbeat_every``, ``think_seconds``, ``pause``, ``drop``, ``crash``..."""
        check_turn(options)
        scripted = TurnOptions(**options)
        with self._lock:
            self._turn_options.append(scripted)
        return scripted

    def next_turn_options(self) -> TurnOptions:
        """The options of the turn starting now (scripted, else from the settings)."""
        with self._lock:
            if self._turn_options:
                return self._turn_options.pop(0)
        return TurnOptions(
            heartbeat_every=self.config.heartbeat_seconds,
            think_seconds=self.config.think_seconds,
            second_stage_seconds=self.config.second_stage_seconds,
        )

    # -- what was received -------------------------------------------------------------

    def record(self, request: ReceivedRequest) -> None:
        """Log a received request (the app calls this)."""
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every request the emulated API and CDN received, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the received requests."""
        with self._lock:
            self._requests.clear()

    # -- the world ------------------------------------------------------------------------

    def create_user_token(self, credits: int = 1000, scopes: tuple[str, ...] = ("*",)) -> str:
        """A registered user's token, as made by hand in the web app."""
        user = self.store.new_user(credits, anonymous=False)
        return self.store.add_token(user, 365 * 24 * 3600, scopes).token

    def expire_tokens(self, token: str | None = None) -> None:
        """Expire one token, or all of them (the next call gets code 1001)."""
        with self.store.lock:
            for value, record in self.store.tokens.items():
                if token is None or value == token:
                    record.expires_at = 0.0

    def _user(self, token: str | None) -> User:
        if token is not None:
            record = self.store.tokens.get(token)
            if record is None:
                raise KeyError("unknown token")
            return record.user
        if self.store.last_user is None:
            raise LookupError("no user yet")
        return self.store.last_user

    def set_credits(self, token: str | None = None, *, available: int, frozen: int = 0) -> None:
        """Set a user's balance: the token's user, or the most recently created user."""
        with self.store.lock:
            user = self._user(token)
            user.available, user.frozen = available, frozen

    def set_draft(self, session_id: str, draft: dict[str, Any]) -> None:
        """Replace a session's draft; ``ValueError`` for a draft beyond the emulator's
        limits (see ``nemovideo.emulator.validation``: its length, sizes, counts, numbers
        and strings)."""
        self.set_state(session_id, draft=draft)

    def set_state(self, session_id: str, **fields: Any) -> None:
        """Set state keys of a session: ``draft``, ``video_infos``, ``canvas_config``,
        ``generated_media``, ``video_analyses``."""
        allowed = {"draft", "video_infos", "canvas_config", "generated_media", "video_analyses"}
        if set(fields) - allowed:
            raise TypeError(f"unknown state keys: {sorted(set(fields) - allowed)}")
        if "draft" in fields:
            check_draft(fields["draft"])
        for value in fields.values():
            check_json(value)
        with self.store.lock:
            record = self.store.sessions.get(session_id)
            if record is None:
                raise KeyError(f"no session {session_id}")
            for name, value in fields.items():
                setattr(record, name, copy.deepcopy(value))

    def state_of(self, session_id: str) -> dict[str, Any]:
        """A copy of a session's state, as the state endpoint would give it."""
        with self.store.lock:
            return copy.deepcopy(self.store.sessions[session_id].state())

    def wait_for_render(self, render_id: str, timeout: float = 60.0) -> str:
        """Block until a submitted render is ``completed`` or ``failed``; that status.

        A real render signals its end; a placeholder render ends ``render_seconds`` after
        its submission. Tests wait here instead of polling against the clock. Raises
        ``KeyError`` for an unknown render, ``TimeoutError`` after ``timeout`` seconds.
        """
        with self.store.lock:
            job = self.store.renders.get(render_id)
        if job is None:
            raise KeyError(f"no render {render_id}")
        if not job.wait(timeout):
            raise TimeoutError(f"render {render_id} is not finished after {timeout:g} s")
        return job.status()[0]

    def fail_next_renders(self, count: int = 1) -> None:
        """The next ``count`` submitted renders end as ``failed``."""
        with self.store.lock:
            self.store.fail_renders += count

    def close(self) -> None:
        """End the renders, stop the render workers and remove the emulator's files."""
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

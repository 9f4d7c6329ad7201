"""The emulator's in-memory world: users, tokens, sessions, uploads and renders."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from .jobs import RenderJob

__all__ = ["SessionRecord", "Store", "TokenRecord", "User"]


def new_token() -> str:
    """A bearer token in the service's format."""
    return "nmv_usr_" + secrets.token_urlsafe(24)[:32]


@attrs.define
class User:
    """An account and its credits."""

    id: str
    available: int
    frozen: int = 0
    anonymous: bool = True


@attrs.define
class TokenRecord:
    """A bearer token: whose, until when, with what scopes."""

    token: str
    user: User
    expires_at: float
    scopes: tuple[str, ...]
    client_id: str | None = None

    def valid(self, now: float) -> bool:
        """Whether the token can still be used."""
        return now < self.expires_at

    def expires_iso(self) -> str:
        """Expiry as ISO-8601 UTC."""
        return datetime.fromtimestamp(self.expires_at, UTC).isoformat().replace("+00:00", "Z")


def _new_draft() -> dict[str, Any]:
    return {"t": [], "d": 0, "m": {"width": 1920, "height": 1080}}


@attrs.define
class SessionRecord:
    """A session (with its task) and its state."""

    session_id: str
    task_id: str
    task_name: str
    language: str | None
    owner: User
    draft: dict[str, Any] = attrs.field(factory=_new_draft)
    video_infos: list[dict[str, Any]] = attrs.field(factory=list)
    canvas_config: dict[str, Any] = attrs.field(
        factory=lambda: {"width": 1920, "height": 1080, "fps": 30}
    )
    generated_media: list[dict[str, Any]] = attrs.field(factory=list)
    video_analyses: list[dict[str, Any]] | None = None
    turn_running: bool = False
    messages: list[str] = attrs.field(factory=list)

    def state(self) -> dict[str, Any]:
        """The ``state`` object of the state endpoint's answer."""
        state: dict[str, Any] = {
            "draft": self.draft,
            "video_infos": self.video_infos,
            "canvas_config": self.canvas_config,
            "generated_media": self.generated_media,
        }
        if self.video_analyses is not None:
            state["video_analyses"] = self.video_analyses
        return state


@attrs.define
class Store:
    """Everything the emulator holds, behind one lock."""

    folder: Path
    clock: Callable[[], float] = time.time
    lock: threading.RLock = attrs.field(factory=threading.RLock)
    tokens: dict[str, TokenRecord] = attrs.field(factory=dict)
    client_tokens: dict[str, str] = attrs.field(factory=dict)
    ip_tokens: dict[str, int] = attrs.field(factory=dict)
    sessions: dict[str, SessionRecord] = attrs.field(factory=dict)
    renders: dict[str, RenderJob] = attrs.field(factory=dict)
    claims: dict[str, str] = attrs.field(factory=dict)
    fail_renders: int = 0
    last_user: User | None = None

    def add_token(
        self,
        user: User,
        ttl: float,
        scopes: tuple[str, ...],
        client_id: str | None = None,
    ) -> TokenRecord:
        """Issue a token for ``user``."""
        record = TokenRecord(new_token(), user, self.clock() + ttl, scopes, client_id)
        with self.lock:
            self.tokens[record.token] = record
            if client_id is not None:
                self.client_tokens[client_id] = record.token
            self.last_user = user
        return record

    def new_user(self, credits: int, *, anonymous: bool) -> User:
        """A new account."""
        prefix = "anon_" if anonymous else "usr_"
        return User(prefix + secrets.token_hex(6), credits, anonymous=anonymous)

    def token(self, value: str) -> TokenRecord | None:
        """A token that is known and still valid."""
        with self.lock:
            record = self.tokens.get(value)
        return record if record is not None and record.valid(self.clock()) else None

    def new_session(self, owner: User, task_name: str, language: str | None) -> SessionRecord:
        """Create a session with an empty draft."""
        session_id = str(secrets.randbelow(9 * 10**18) + 10**18)
        record = SessionRecord(session_id, uuid.uuid4().hex, task_name, language, owner)
        with self.lock:
            self.sessions[session_id] = record
        return record

    def session(self, session_id: str, owner: User | None = None) -> SessionRecord | None:
        """A session, if it exists (and belongs to ``owner`` when given)."""
        with self.lock:
            record = self.sessions.get(session_id)
        if record is None or (owner is not None and record.owner is not owner):
            return None
        return record

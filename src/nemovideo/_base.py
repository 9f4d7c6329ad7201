"""What the sync and async clients share: settings, token state, request building."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from ._config import Settings, load_or_create_client_id, resolve_settings
from ._logging import configure_from_env
from ._protocol import uploads
from ._protocol.auth import TokenState
from ._protocol.calls import CallContext, anonymous_token_flow
from ._protocol.ops import Flow
from ._protocol.requests import MultipartPlan, RequestSpec
from ._protocol.retry import RetryHook
from ._protocol.turn import TurnPolicy
from ._transport import client_kwargs
from .errors import AuthenticationError, TurnInProgressError

_USER_AGENT = "nemovideo-python"
_DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class BaseClient:
    """Configuration and pure helpers shared by :class:`NemoVideo` and :class:`AsyncNemoVideo`."""

    def __init__(
        self,
        *,
        token: str | None = None,
        base_url: str | None = None,
        web_url: str | None = None,
        client_id: str | None = None,
        skill_source: str | None = None,
        skill_version: str | None = None,
        skill_platform: str | None = None,
        max_retries: int = 2,
        timeout: float | httpx.Timeout | None = None,
        on_retry: RetryHook | None = None,
        allow_insecure_http: bool = False,
        clock: Callable[[], float] = time.monotonic,
        turn_policy: TurnPolicy | None = None,
    ) -> None:
        configure_from_env()
        settings = resolve_settings(
            token=token,
            base_url=base_url,
            web_url=web_url,
            client_id=client_id,
            skill_source=skill_source,
            skill_version=skill_version,
            skill_platform=skill_platform,
            max_retries=max_retries,
            timeout=timeout,
            allow_insecure_http=allow_insecure_http,
        )
        tokens = TokenState(token=settings.token, user_supplied=settings.token is not None)
        self._ctx = CallContext(settings=settings, tokens=tokens, on_retry=on_retry, clock=clock)
        self._client_id = settings.client_id
        self._client_id_lock = threading.Lock()
        self.turn_policy = turn_policy or TurnPolicy()
        self._running_turns: set[str] = set()
        self._turns_lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """The resolved settings (base URL, attribution, retries); never shows the token."""
        return self._ctx.settings

    @property
    def base_url(self) -> str:
        """The API base URL."""
        return self._ctx.settings.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def client_id(self) -> str:
        """The ``X-Client-Id``: argument, ``NEMO_CLIENT_ID``, or the client-id file."""
        with self._client_id_lock:
            if self._client_id is None:
                self._client_id = load_or_create_client_id(os.environ)
            return self._client_id

    def _claim_turn(self, session_id: str) -> None:
        """Mark a turn as running on ``session_id``, or refuse: one turn at a time."""
        with self._turns_lock:
            if session_id in self._running_turns:
                raise TurnInProgressError(
                    f"a turn is still running on session {session_id}; the message was not "
                    "sent (it would run twice and be charged twice)"
                )
            self._running_turns.add(session_id)

    def _release_turn(self, session_id: str) -> None:
        """The turn on ``session_id`` is over (or its connection closed)."""
        with self._turns_lock:
            self._running_turns.discard(session_id)

    def _token_step(self, stale: str | None) -> str | Flow[str]:
        """The token to use now, or the flow that fetches one (run under the token lock)."""
        current = self._ctx.tokens.usable(stale)
        if current is not None:
            return current
        if not self._ctx.tokens.can_renew():
            raise AuthenticationError("the token was rejected and cannot be renewed by the SDK")
        return anonymous_token_flow(self._ctx, self.client_id())

    def _request_kwargs(self, spec: RequestSpec, content: Any) -> dict[str, Any]:
        """Keyword arguments for ``httpx`` ``build_request``."""
        kwargs: dict[str, Any] = {
            "method": spec.method,
            "url": spec.url,
            "headers": spec.header_dict(),
        }
        if spec.has_json:
            kwargs["json"] = spec.json
        elif content is not None:
            kwargs["content"] = content
        timeout = self._ctx.settings.timeout
        if spec.read_timeout is not None:
            base = timeout or _DEFAULT_TIMEOUT
            kwargs["timeout"] = httpx.Timeout(
                connect=base.connect, read=spec.read_timeout, write=base.write, pool=base.pool
            )
        elif timeout is not None:
            kwargs["timeout"] = timeout
        return kwargs

    @staticmethod
    def _default_http_kwargs(*, asynchronous: bool = False) -> dict[str, Any]:
        return {
            **client_kwargs(asynchronous=asynchronous),
            "timeout": _DEFAULT_TIMEOUT,
            "headers": {"User-Agent": _USER_AGENT},
            "follow_redirects": False,
        }

    @staticmethod
    def _plan_uploads(
        paths: uploads.PathLike | Iterable[uploads.PathLike],
    ) -> list[MultipartPlan]:
        """Check every file first (nothing is sent if one is bad), then plan one body each."""
        return [uploads.multipart_plan([item]) for item in uploads.check_files(paths)]

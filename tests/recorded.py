"""Helpers for cassette tests: one test body drives the sync or the async client.

``Api`` gives a client bound to the emulator when recording, or to a dummy URL when
replaying (the cassette answers), and a ``steer`` handle to the emulator's control
side that does nothing on replay (the cassette already holds the answers it shaped).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs

from nemovideo import AsyncNemoVideo, NemoVideo
from nemovideo.testing import no_waiting

REPLAY_URL = "http://127.0.0.1:9"
REPLAY_USER_TOKEN = "nmv_usr_replayed"


async def done(value: Any) -> Any:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return await value
    return value


@attrs.define
class Steer:
    """The emulator's control side, or nothing when replaying a cassette."""

    emulator: Any | None

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "emulator")
        if target is None:
            return lambda *args, **kwargs: None
        return getattr(target, name)

    def user_token(self, credits: int = 1000) -> str:
        """A registered user's token (a fixed placeholder on replay)."""
        if self.emulator is None:
            return REPLAY_USER_TOKEN
        token: str = self.emulator.create_user_token(credits=credits)
        return token


@attrs.define
class Api:
    """Where a cassette test's client points, and how to steer the server."""

    url: str
    steer: Steer
    kind: str

    @asynccontextmanager
    async def client(self, **kwargs: Any) -> AsyncIterator[Any]:
        """A sync or async client bound to this API with fast, fake sleeps."""
        kwargs.setdefault("client_id", "cassette-client")
        if self.kind == "sync":
            with no_waiting():
                client = NemoVideo(base_url=self.url, **kwargs)
            with client:
                yield client
        else:
            with no_waiting():
                aclient = AsyncNemoVideo(base_url=self.url, **kwargs)
            async with aclient:
                yield aclient

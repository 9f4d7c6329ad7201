"""The pytest plugin of the testing kit: fixtures only, loaded when pytest starts.

It imports nothing heavy at load time (pytest pays for it in every run of every
project where nemovideo is installed); each fixture imports what it needs when a
test asks for it. The kit itself is `nemovideo.testing`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from . import AsyncNemoVideo, NemoVideo
    from .emulator import RunningEmulator
    from .testing import Faults

__all__ = [
    "nemovideo_async_client",
    "nemovideo_client",
    "nemovideo_emulator",
    "nemovideo_faults",
]


@pytest.fixture(scope="session")
def _nemovideo_server() -> Iterator[RunningEmulator]:
    from .emulator import serve

    with serve() as running:
        yield running


@pytest.fixture
def nemovideo_emulator(_nemovideo_server: RunningEmulator) -> Iterator[RunningEmulator]:
    """A running emulator on 127.0.0.1, reset for each test: a
    [RunningEmulator][nemovideo.emulator.RunningEmulator] (``.url``, ``.emulator``, and
    ``.control_headers`` for its HTTP control routes)."""
    _nemovideo_server.emulator.reset()
    yield _nemovideo_server
    _nemovideo_server.emulator.reset()


@pytest.fixture
def nemovideo_client(nemovideo_emulator: RunningEmulator) -> Iterator[NemoVideo]:
    """A [NemoVideo][nemovideo.NemoVideo] bound to the emulator (anonymous token, no
    real waiting)."""
    from . import NemoVideo
    from .testing import no_waiting

    with no_waiting():
        client = NemoVideo(base_url=nemovideo_emulator.url, client_id="nemovideo-testing")
    with client:
        yield client


@pytest.fixture
async def nemovideo_async_client(
    nemovideo_emulator: RunningEmulator,
) -> AsyncIterator[AsyncNemoVideo]:
    """An [AsyncNemoVideo][nemovideo.AsyncNemoVideo] bound to the emulator (use with an
    async test plugin, such as anyio's)."""
    from . import AsyncNemoVideo
    from .testing import no_waiting

    with no_waiting():
        client = AsyncNemoVideo(base_url=nemovideo_emulator.url, client_id="nemovideo-testing")
    async with client:
        yield client


@pytest.fixture
def nemovideo_faults(nemovideo_emulator: RunningEmulator) -> Faults:
    """Fault switches and the request log of the emulator: a
    [Faults][nemovideo.testing.Faults]."""
    from .testing import Faults

    return Faults(nemovideo_emulator.emulator)

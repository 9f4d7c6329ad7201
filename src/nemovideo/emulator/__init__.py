"""A local emulator of the NemoVideo backend, for trying the SDK offline and for tests.

It speaks [the service's protocol][protocol] on 127.0.0.1 with in-memory state:

    from nemovideo import NemoVideo
    from nemovideo.emulator import serve

    with serve() as running, NemoVideo(base_url=running.url) as client:
        print(client.credits())

Tests steer it through its control side (``running.emulator``): settings, faults,
drafts, credits, and the log of what it received. Needs the ``emulator`` extra.
"""

from __future__ import annotations

from .config import EmulatorConfig
from .emulator import Emulator, ReceivedRequest
from .faults import Fault
from .script import TurnOptions
from .server import RunningEmulator, serve

__all__ = [
    "Emulator",
    "EmulatorConfig",
    "Fault",
    "ReceivedRequest",
    "RunningEmulator",
    "TurnOptions",
    "serve",
]

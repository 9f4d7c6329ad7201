"""The client a command uses: as the environment and the global options say, or on an
embedded emulator."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import attrs

from .. import NemoVideo
from .output import fail

__all__ = ["GlobalOptions", "client_for", "new_client", "options"]


@attrs.define
class GlobalOptions:
    """The options given before the command (``nemovideo --allow-insecure-http ...``)."""

    allow_insecure_http: bool = False


options = GlobalOptions()
"""Set by the main callback before every command."""


def new_client(**kwargs: Any) -> NemoVideo:
    """A client as the environment says, with the global options applied."""
    kwargs.setdefault("allow_insecure_http", options.allow_insecure_http)
    return NemoVideo(**kwargs)


@contextlib.contextmanager
def client_for(emulator: bool) -> Iterator[NemoVideo]:
    """A client: on an embedded emulator, or as the environment says."""
    if not emulator:
        with new_client() as client:
            yield client
        return
    try:
        from ..emulator import serve
    except ImportError:
        fail("--emulator needs the emulator extra: pip install 'nemovideo[emulator]'")
    with serve() as running, new_client(base_url=running.url) as client:
        yield client

"""Run the emulator: uvicorn in a background thread, on a free loopback port by default."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import attrs

from .emulator import Emulator

__all__ = ["RunningEmulator", "serve"]


@attrs.frozen
class RunningEmulator:
    """A served emulator: its base ``url`` and its control side (``emulator``)."""

    url: str
    emulator: Emulator
    host: str
    port: int

    @property
    def control_token(self) -> str:
        """The secret the HTTP control routes (``/_emulator/...``) require."""
        return self.emulator.control_token

    @property
    def control_headers(self) -> dict[str, str]:
        """The headers of a call to a control route: the control token, and JSON."""
        return {"X-Emulator-Control": self.control_token, "Content-Type": "application/json"}


class _QuietDrops(logging.Filter):
    """Hide the server's report of connections cut on purpose (a fault, not a bug)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from .http import DroppedConnection

        error = record.exc_info[1] if record.exc_info else None
        while error is not None:
            if isinstance(error, DroppedConnection):
                return False
            nested = getattr(error, "exceptions", None)
            if nested:
                return not any(isinstance(e, DroppedConnection) for e in nested)
            error = error.__cause__ or error.__context__
        return True


@contextmanager
def serve(
    emulator: Emulator | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningEmulator]:
    """Serve ``emulator`` (a new one by default) until the block ends.

    ``port=0`` picks a free port. The emulator binds to loopback unless told otherwise.
    """
    import uvicorn

    from .app import create_app

    own = emulator is None
    world = emulator or Emulator()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this; without it every answer waits ~40 ms for
    # Nagle's algorithm and the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(world),
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    quiet = _QuietDrops()
    logging.getLogger("uvicorn.error").addFilter(quiet)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the emulator did not start")
        time.sleep(0.01)
    shown = f"[{host}]" if ":" in host else host
    try:
        yield RunningEmulator(f"http://{shown}:{bound_port}", world, host, bound_port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        logging.getLogger("uvicorn.error").removeFilter(quiet)
        if own:
            world.close()

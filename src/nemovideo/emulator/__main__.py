"""``nemovideo-emulator`` / ``python -m nemovideo.emulator``: run the local backend."""

from __future__ import annotations

import argparse
import contextlib
import errno
import ipaddress
import sys
import threading

__all__ = ["main"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def _bind_error(host: str, port: int, exc: OSError) -> str:
    """One line saying why the emulator could not listen on ``host:port``."""
    if exc.errno == errno.EADDRINUSE:
        return f"error: port {port} is in use; pick another with --port or use --port 0"
    reason = exc.strerror or str(exc)
    return f"error: cannot listen on {host} port {port}: {reason}"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="nemovideo-emulator",
        description="A local emulator of the NemoVideo agent API (for trying and testing).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--render-seconds", type=float, default=None, help="time a render takes")
    parser.add_argument("--error-style", choices=["http", "ok"], default=None)
    parser.add_argument("--render-shape", choices=["a", "b", "c"], default=None)
    args = parser.parse_args(argv)

    from .emulator import Emulator
    from .server import serve

    emulator = Emulator()
    settings = {
        "render_seconds": args.render_seconds,
        "error_style": args.error_style,
        "render_shape": args.render_shape,
    }
    emulator.configure(**{k: v for k, v in settings.items() if v is not None})
    if not _is_loopback(args.host):
        print(
            f"warning: binding to {args.host}, not loopback: anyone who can reach this "
            "address can use the emulator",
            file=sys.stderr,
        )
    with contextlib.ExitStack() as stack:
        stack.callback(emulator.close)
        try:
            running = stack.enter_context(serve(emulator, host=args.host, port=args.port))
        except OSError as exc:
            print(_bind_error(args.host, args.port, exc), file=sys.stderr)
            return 1
        print(f"NemoVideo emulator on {running.url}  (NEMO_API_URL={running.url})", flush=True)
        print(
            f"control token: {emulator.control_token}  "
            "(send it as X-Emulator-Control to call /_emulator/...)",
            flush=True,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

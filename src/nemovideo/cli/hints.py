"""What an error means to someone at a shell: one line, and a hint when one helps."""

from __future__ import annotations

from urllib.parse import urlsplit

from .. import APIConnectionError, AuthenticationError
from .._config import DEFAULT_API_URL, is_loopback, resolve_settings

__all__ = ["connection_hint", "error_line"]

_SDK_OPT_IN = "pass allow_insecure_http=True"
_CLI_OPT_IN = "add --allow-insecure-http (nemovideo --allow-insecure-http COMMAND ...)"


def _api_url() -> str | None:
    """The API base URL the environment chooses, or ``None`` when it is unusable."""
    try:
        return resolve_settings(allow_insecure_http=True).base_url
    except ValueError:
        return None


def connection_hint(base_url: str | None, *, emulator_flag: bool) -> str:
    """What to try when nothing answers at ``base_url``."""
    parts = urlsplit(base_url or "")
    if parts.hostname and is_loopback(parts.hostname):
        port = f" --port {parts.port}" if parts.port else ""
        hint = f"is the emulator running? start it with `nemovideo emulator{port}`"
        return hint + (", or add --emulator" if emulator_flag else "")
    if base_url == DEFAULT_API_URL:
        local = (
            "add --emulator"
            if emulator_flag
            else "run `nemovideo emulator` and set NEMO_API_URL to its URL"
        )
        return f"check your network connection; to try without the service, {local}"
    return "check NEMO_API_URL and your network connection"


def error_line(exc: BaseException, *, emulator_flag: bool = False) -> tuple[str, str | None]:
    """The error's one line for a shell user, and a hint (or ``None``)."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, APIConnectionError):
        return message, connection_hint(_api_url(), emulator_flag=emulator_flag)
    if isinstance(exc, ValueError) and _SDK_OPT_IN in message:
        return message.replace(_SDK_OPT_IN, _CLI_OPT_IN), None
    if isinstance(exc, AuthenticationError):
        return message, "check NEMO_TOKEN, or save a token with `nemovideo auth login`"
    return message, None

"""How the emulator behaves: dialects of the published protocol and its limits."""

from __future__ import annotations

from typing import Any, Literal

import attrs

__all__ = ["HTTP_STATUS_FOR_CODE", "EmulatorConfig"]

HTTP_STATUS_FOR_CODE = {1001: 401, 1002: 404, 2001: 402, 4001: 400, 4002: 413}
"""The HTTP status that comes with a body code when ``error_style="http"``."""


def _fraction(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    """Accept a number in (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ValueError(f"{attribute.name} must be a number in (0, 1], not {value!r}")


def _within(low: float, high: float, *, optional: bool = False, whole: bool = False) -> Any:
    """A validator: a number (an int when ``whole``) in ``[low, high]``, or ``None`` when
    ``optional``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"{attribute.name} must be {kind} in [{low:g}, {high:g}]")

    return check


def _one_of(*choices: str) -> Any:
    return attrs.validators.in_(choices)


def _flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{attribute.name} must be true or false")


def _host(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not 0 < len(value) <= 253):
        raise ValueError(f"{attribute.name} must be a host name")


_DAY = 24 * 3600.0


@attrs.define
class EmulatorConfig:
    """Settings of an [Emulator][nemovideo.emulator.Emulator] (change them with
    [Emulator.configure][nemovideo.emulator.Emulator.configure]).

    Attributes:
        error_style: ``"http"``: a non-zero body code comes with a 4xx status
            (1001 -> 401, 1002 -> 404, 2001 -> 402, 4001 -> 400, 4002 -> 413);
            ``"ok"``: with HTTP 200. The protocol does not settle which one the service uses.
        render_shape: which published shape of the render status
            answer to use: ``"a"`` (``success``/
            ``data``/``outputUrl``), ``"b"`` (top-level ``status`` and ``output.url``) or
            ``"c"`` (``taskId`` and ``output: {url, duration, size}``).
        session_not_found_style: ``"code"`` (body code 1002) or ``"adk"`` (HTTP 404
            ``{"detail": "Session not found: ..."}``).
        render_seconds: time from submission to a completed render, with the
            ``placeholder`` renderer (the real one takes the time it takes).
        token_ttl_seconds: lifetime of anonymous tokens.
        max_upload_bytes: the per-file upload limit (4002 above it).
        anonymous_credits: credits of a new anonymous token.
        ip_token_limit: anonymous tokens per client address (429 beyond).
        cdn_host: host name of output and upload URLs; ``None``: ``localhost`` when the
            API is on 127.0.0.1 (so the CDN is another host, as in production).
        export_blocked: refuse every export with HTTP 402, as a plan limit does.
        heartbeat_seconds: interval of heartbeats during a turn's thinking time.
        think_seconds: how long the agent thinks before it answers.
        second_stage_seconds: delay of the post-production stage after a generation.
        crash_frame_style: ``"json"``: a crash ends the stream with
            ``{"error": ..., "error_details": ...}`` written as JSON; ``"adk-legacy"``:
            with ``{"error": "<message>"}`` written by an f-string, unescaped, as older
            ADK servers do (not JSON when the message holds a quote, a backslash or a
            line break).
        video_renderer: ``"real"`` renders the draft into an MP4 at its size, 30 fps,
            with progress from the frames done; ``"placeholder"`` writes a short valid
            MP4 after ``render_seconds``, for tests that need exact timing.
        render_scale: render at this fraction of the draft's size; for fast tests
            (0 < scale <= 1). The draft and its metadata still say the asked size;
            only the real renderer's MP4 is smaller.
        render_workers: real renders run at once (``None``: one per CPU core); more
            wait, ``pending``, in the order they came. Read when the first render of
            the emulator starts.

    Every setting is checked: a value of the wrong type or out of range raises
    ``ValueError``.
    """

    error_style: Literal["http", "ok"] = attrs.field(
        default="http", validator=_one_of("http", "ok")
    )
    render_shape: Literal["a", "b", "c"] = attrs.field(
        default="a", validator=_one_of("a", "b", "c")
    )
    session_not_found_style: Literal["code", "adk"] = attrs.field(
        default="code", validator=_one_of("code", "adk")
    )
    render_seconds: float = attrs.field(default=1.0, validator=_within(0, _DAY))
    token_ttl_seconds: float = attrs.field(default=7 * _DAY, validator=_within(0, 3650 * _DAY))
    max_upload_bytes: int = attrs.field(
        default=500 * 1024 * 1024, validator=_within(0, 2**40, whole=True)
    )
    anonymous_credits: int = attrs.field(default=100, validator=_within(0, 2**53, whole=True))
    ip_token_limit: int = attrs.field(default=10, validator=_within(0, 2**31, whole=True))
    cdn_host: str | None = attrs.field(default=None, validator=_host)
    export_blocked: bool = attrs.field(default=False, validator=_flag)
    heartbeat_seconds: float | None = attrs.field(
        default=None, validator=_within(0.001, 3600, optional=True)
    )
    think_seconds: float = attrs.field(default=0.0, validator=_within(0, 3600))
    second_stage_seconds: float = attrs.field(default=3.0, validator=_within(0, 3600))
    crash_frame_style: Literal["json", "adk-legacy"] = attrs.field(
        default="json", validator=_one_of("json", "adk-legacy")
    )
    video_renderer: Literal["real", "placeholder"] = attrs.field(
        default="real", validator=_one_of("real", "placeholder")
    )
    render_scale: float = attrs.field(default=1.0, validator=_fraction)
    render_workers: int | None = attrs.field(
        default=None, validator=_within(1, 256, optional=True, whole=True)
    )

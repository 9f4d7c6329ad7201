"""``nemovideo doctor``: is the API reachable, how fast, which token, credits, clock."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

import attrs
import httpx
import typer

from .. import AuthenticationError, NemoVideo, NemoVideoError
from .._protocol.envelope import connection_error
from .clients import client_for
from .hints import connection_hint
from .output import AsJson, print_json, reported, table

__all__ = ["Check", "diagnose", "doctor"]

Status = Literal["ok", "warn", "fail"]

SAMPLES = 3
"""Requests timed for the latency check."""
SLOW_MS = 1500.0
"""A median answer slower than this is worth a warning."""
SKEW_SECONDS = 60.0
"""A clock further off than this from the server's is worth a warning."""


@attrs.frozen
class Check:
    """One line of the diagnosis: a name, ok/warn/fail, what was found and what to do."""

    name: str
    status: Status
    value: str
    hint: str = ""


@attrs.frozen
class _Probe:
    """What plain GETs of the base URL (no token) found."""

    latencies_ms: tuple[float, ...]
    status_code: int
    skew_seconds: float | None


def _probe(base_url: str, http: httpx.Client) -> _Probe:
    """GET the base URL a few times without the token; the body is never read."""
    latencies: list[float] = []
    skew: float | None = None
    status_code = 0
    for _ in range(SAMPLES):
        started = time.perf_counter()
        with http.stream("GET", base_url + "/") as response:
            latencies.append((time.perf_counter() - started) * 1000)
            status_code = response.status_code
            date = response.headers.get("date")
        if date and skew is None:
            try:
                server = parsedate_to_datetime(date)
            except (TypeError, ValueError):
                continue
            if server.tzinfo is not None:
                skew = (datetime.now(UTC) - server).total_seconds()
    return _Probe(tuple(latencies), status_code, skew)


def _reach_checks(
    client: NemoVideo, http: httpx.Client, *, emulator_flag: bool
) -> tuple[list[Check], bool]:
    base = client.base_url
    try:
        probe = _probe(base, http)
    except httpx.TransportError as exc:
        hint = connection_hint(base, emulator_flag=emulator_flag)
        return [Check("api", "fail", str(connection_error(exc)), hint)], False
    parts = urlsplit(base)  # shown without any user:password@ it may hold
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    shown = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    answer = f"{shown}{parts.path} answers (HTTP {probe.status_code} without a token)"
    checks = [Check("api", "ok", answer)]
    median = statistics.median(probe.latencies_ms)
    samples = ", ".join(f"{ms:.0f}" for ms in probe.latencies_ms)
    slow = median > SLOW_MS
    checks.append(
        Check(
            "latency",
            "warn" if slow else "ok",
            f"{median:.0f} ms median ({samples} ms)",
            "slow answers: check your network or proxy" if slow else "",
        )
    )
    if probe.skew_seconds is None:
        checks.append(Check("clock", "warn", "unknown", "the server sent no Date header"))
    else:
        off = abs(probe.skew_seconds) > SKEW_SECONDS
        ahead = "ahead of" if probe.skew_seconds >= 0 else "behind"
        found = (
            "in step with the server (within 2 s)"
            if abs(probe.skew_seconds) < 2
            else f"{abs(probe.skew_seconds):.0f} s {ahead} the server"
        )
        hint = "set this machine's clock (token expiry is read against it)" if off else ""
        checks.append(Check("clock", "warn" if off else "ok", found, hint))
    return checks, True


def _account_checks(client: NemoVideo) -> list[Check]:
    login = "check NEMO_TOKEN, or save a token with `nemovideo auth login`"
    try:
        balance = client.credits()
    except AuthenticationError as exc:
        source = client.token_status().source or "none"
        return [Check("token", "fail", f"refused ({source}): {exc}", login)]
    except NemoVideoError as exc:
        return [Check("token", "fail", f"could not be checked: {exc}", "")]
    token = client.token_status()
    expiry = f", expires {token.expires_at}" if token.expires_at else ""
    checks = [Check("token", "ok", f"{token.masked} valid ({token.source}{expiry})")]
    empty = balance.available <= 0
    checks.append(
        Check(
            "credits",
            "warn" if empty else "ok",
            f"{balance.available} available, {balance.frozen} frozen",
            "no credits left: paid calls will fail (code 2001)" if empty else "",
        )
    )
    return checks


def diagnose(
    client: NemoVideo,
    http: httpx.Client,
    *,
    emulator_flag: bool = False,
) -> list[Check]:
    """Every check, in order: api, latency, clock, client id, token, credits."""
    checks, reachable = _reach_checks(client, http, emulator_flag=emulator_flag)
    checks.append(Check("client id", "ok", client.client_id()))
    if reachable:
        checks += _account_checks(client)
    else:
        checks.append(Check("token", "fail", "not checked: the API is unreachable", ""))
    return checks


def _show(checks: list[Check], as_json: bool) -> None:
    if as_json:
        ok = all(c.status != "fail" for c in checks)
        print_json({"ok": ok, "checks": [attrs.asdict(c) for c in checks]})
        return
    rows = [[c.status, c.name, c.value, c.hint] for c in checks]
    table("nemovideo doctor", ["Status", "Check", "Found", "Hint"], rows)


def doctor(
    as_json: AsJson = False,
    emulator: Annotated[
        bool, typer.Option(help="Check an embedded emulator instead of the service.")
    ] = False,
) -> None:
    """Check the setup: API reachable, latency, clock skew, client id, token and credits.

    Each check is ok, warn or fail, with a hint; the exit code is 1 when one fails.
    """
    with (
        reported(emulator_flag=True),
        client_for(emulator) as client,
        httpx.Client(timeout=httpx.Timeout(10.0), follow_redirects=False) as http,
    ):
        checks = diagnose(client, http, emulator_flag=True)
    _show(checks, as_json)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(1)

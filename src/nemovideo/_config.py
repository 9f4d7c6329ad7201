"""Settings from arguments and environment, and attribution.

Arguments beat environment beat defaults (see the Protocol page of the docs: base URLs
and environment).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import attrs
import httpx

from ._limits import ResponseLimits
from ._secret import Secret, optional_secret
from ._version import __version__

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
DEFAULT_SKILL_SOURCE = "nemovideo-python"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""60 s to read, write or wait for a pooled connection; 10 s to connect."""
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
"""What a client id may be: 1-64 letters, digits or ``. _ : -``."""


@attrs.frozen
class Attribution:
    """The three ``X-Skill-*`` headers sent on every request.

    Other tools built on this SDK set their own values so the service credits them.

    Attributes:
        source: ``X-Skill-Source``, the integration's name (default ``nemovideo-python``).
        version: ``X-Skill-Version``, its version (default this SDK's).
        platform: ``X-Skill-Platform`` (default ``SKILL_SOURCE``, else detected, else
            ``unknown``).
    """

    source: str = DEFAULT_SKILL_SOURCE
    version: str = __version__
    platform: str = "unknown"

    def headers(self) -> dict[str, str]:
        """The headers as a dict."""
        return {
            "X-Skill-Source": self.source,
            "X-Skill-Version": self.version,
            "X-Skill-Platform": self.platform,
        }


@attrs.frozen(repr=False)
class Settings:
    """A client's resolved settings (`client.settings`): arguments, then environment,
    then defaults. Its ``repr`` never shows the token.

    Attributes:
        token: the bearer token given, as a [Secret][nemovideo.Secret] (shown masked;
            ``settings.token.get_secret_value()`` gives the text), or ``None`` for an
            anonymous one. A ``str`` given here is kept as a `Secret`.
        base_url: the API base URL.
        web_url: the web app's URL, for browser links.
        client_id: the ``X-Client-Id`` given, or ``None`` until the client-id file is read.
        attribution: the ``X-Skill-*`` headers.
        max_retries: retries of transient failures.
        timeout: the per-request timeout given, or ``None`` for the default
            (60 s, 10 s to connect).
        token_origin: where ``token`` came from: ``"argument"``, ``"environment"``
            (``NEMO_TOKEN``), or ``None`` when no token was given.
        token_store: whether tokens are kept in the config folder for other processes.
        config_dir: the SDK's folder in your configuration (client id, saved tokens).
        token_in_pickles: whether a pickle of these settings (or of a client or handle
            made with them) carries the token; off unless asked for with
            `client.worker_settings(include_token=True)`.
        response_limits: the limits on what is read from the network (a
            [ResponseLimits][nemovideo.ResponseLimits]).
    """

    token: Secret | None = attrs.field(converter=optional_secret)
    base_url: str
    web_url: str
    client_id: str | None
    attribution: Attribution
    max_retries: int
    timeout: httpx.Timeout | None
    token_origin: Literal["argument", "environment"] | None = None
    token_store: bool = True
    config_dir: Path = attrs.field(factory=lambda: config_folder_path(os.environ))
    token_in_pickles: bool = False
    response_limits: ResponseLimits = attrs.field(factory=ResponseLimits)

    def __reduce__(self) -> tuple[Any, ...]:
        # The token travels only when asked for; the config folder is the receiving
        # machine's own, so it is not sent either.
        fields = {a.name: getattr(self, a.name) for a in attrs.fields(Settings)}
        del fields["config_dir"]
        if not self.token_in_pickles or self.token is None:
            fields["token"] = fields["token_origin"] = None
        else:  # asked for: the one place a token is pickled, as its text
            fields["token"] = self.token.get_secret_value()
        return (_unpickle_settings, (fields,))

    def for_this_process(self, env: Mapping[str, str] | None = None) -> Settings:
        """These settings where they are used: a token not sent along is looked for in
        this process's ``NEMO_TOKEN`` (or the saved tokens), and the config folder is
        this machine's."""
        env = Environment(os.environ if env is None else env)
        changes: dict[str, Any] = {"config_dir": config_folder_path(env)}
        if self.token is None and env.get("NEMO_TOKEN"):
            if not is_token_text(env["NEMO_TOKEN"]):
                raise ValueError("NEMO_TOKEN must be printable ASCII without spaces")
            changes["token"] = Secret(env["NEMO_TOKEN"])
            changes["token_origin"] = "environment"  # noqa: S105 - a place, not a secret
        return attrs.evolve(self, **changes)

    def identity(self) -> tuple[Any, ...]:
        """What tells clients apart within one process (a hashable key)."""
        timeout = self.timeout
        limits = (
            (timeout.connect, timeout.read, timeout.write, timeout.pool)
            if timeout is not None
            else None
        )
        return (
            self.token,
            self.base_url,
            self.web_url,
            self.client_id,
            self.attribution,
            self.max_retries,
            limits,
            self.token_store,
            self.config_dir,
            self.response_limits,
        )

    def __repr__(self) -> str:
        token = "set" if self.token else "anonymous"
        return (
            f"Settings(base_url={self.base_url!r}, token={token}, max_retries={self.max_retries})"
        )

    @property
    def api_host(self) -> str:
        """``host[:port]`` of the API: the only place the bearer token is ever sent."""
        return origin(self.base_url)


class Environment(Mapping[str, str]):
    """The environment variables settings are read from, behind a ``repr`` that shows
    none of them (``NEMO_TOKEN`` is one), so a traceback's locals do not either."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self._variables = variables

    def __getitem__(self, name: str) -> str:
        return self._variables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    def __repr__(self) -> str:
        return f"<environment: {len(self._variables)} variables>"


def origin(url: str) -> str:
    """Scheme, host and port of ``url``, lower-cased, for same-host checks."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses."""
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, allow_insecure_http: bool) -> str:
    """Validate and normalise an API or web base URL.

    Plain ``http://`` is refused for hosts other than loopback unless the caller opts
    in with ``allow_insecure_http=True``: the bearer token would travel in clear.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"base URL must be an absolute http(s) URL, got {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure_http:
        raise ValueError(
            f"refusing plain http:// for {parts.hostname!r}: the token would be sent "
            "unencrypted; use https:// or pass allow_insecure_http=True"
        )
    return url.rstrip("/")


def detect_platform(env: Mapping[str, str], install_path: str | None = None) -> str:
    """``X-Skill-Platform``: ``SKILL_SOURCE``, else a known install location, else ``unknown``."""
    if env.get("SKILL_SOURCE"):
        return env["SKILL_SOURCE"]
    where = install_path if install_path is not None else __file__
    if "/.clawhub/" in where:
        return "clawhub"
    if "/.cursor/skills/" in where:
        return "cursor"
    return "unknown"


def resolve_settings(
    *,
    token: str | Secret | None = None,
    base_url: str | None = None,
    web_url: str | None = None,
    client_id: str | None = None,
    skill_source: str | None = None,
    skill_version: str | None = None,
    skill_platform: str | None = None,
    max_retries: int = 2,
    timeout: float | httpx.Timeout | None = None,
    allow_insecure_http: bool = False,
    token_store: bool | None = None,
    response_limits: ResponseLimits | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Merge arguments, environment and defaults into ``Settings`` (with no argument:
    what a client made with none would use)."""
    token = optional_secret(token)  # from here on, never a plain str in a frame's locals
    env = Environment(os.environ if env is None else env)
    if response_limits is not None and not isinstance(response_limits, ResponseLimits):
        raise TypeError("response_limits must be a nemovideo.ResponseLimits")
    if max_retries < 0:
        raise ValueError("max_retries must be >= 0")
    if client_id is not None and not CLIENT_ID_PATTERN.match(client_id):
        raise ValueError("client_id must be 1-64 letters, digits or . _ : -")
    env_client_id = env.get("NEMO_CLIENT_ID") or None
    if env_client_id is not None and not CLIENT_ID_PATTERN.match(env_client_id):
        raise ValueError("NEMO_CLIENT_ID must be 1-64 letters, digits or . _ : -")
    env_token = optional_secret(env.get("NEMO_TOKEN") or None)
    the_token = token if token is not None else env_token
    if the_token is not None and not is_token_text(the_token.get_secret_value()):
        raise ValueError("token must be a non-empty string of printable ASCII without spaces")
    origin_of_token: Literal["argument", "environment"] | None = (
        "argument" if token is not None else "environment" if env_token is not None else None
    )
    return Settings(
        token=the_token,
        base_url=check_base_url(
            base_url or env.get("NEMO_API_URL") or DEFAULT_API_URL,
            allow_insecure_http=allow_insecure_http,
        ),
        web_url=check_base_url(
            web_url or env.get("NEMO_WEB_URL") or DEFAULT_WEB_URL,
            allow_insecure_http=True,
        ),
        client_id=client_id or env_client_id,
        attribution=Attribution(
            source=skill_source or DEFAULT_SKILL_SOURCE,
            version=skill_version or __version__,
            platform=skill_platform or detect_platform(env),
        ),
        max_retries=max_retries,
        timeout=httpx.Timeout(timeout) if isinstance(timeout, int | float) else timeout,
        token_origin=origin_of_token,
        token_store=_switch(env.get("NEMOVIDEO_TOKEN_STORE"))
        if token_store is None
        else token_store,
        config_dir=config_folder_path(env),
        response_limits=response_limits if response_limits is not None else ResponseLimits(),
    )


def _unpickle_settings(fields: dict[str, Any]) -> Settings:
    """Settings as they were pickled, completed for this process."""
    return Settings(**fields).for_this_process()


def is_token_text(token: str) -> bool:
    """Whether ``token`` can be a bearer token: non-empty printable ASCII without spaces
    (it goes into a header); the one rule for given, saved and issued tokens."""
    return bool(token) and token.isascii() and token.isprintable() and " " not in token


def _switch(value: str | None) -> bool:
    """An on/off environment setting: on unless it says 0, false, no or off."""
    return (value or "").strip().lower() not in {"0", "false", "no", "off"}


def config_folder_path(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/nemovideo`` (default ``~/.config/nemovideo``): the client id and
    the saved tokens."""
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "nemovideo"

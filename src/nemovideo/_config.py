"""Settings from arguments and environment, the client-id file, and attribution.

Arguments beat environment beat defaults (see the Protocol page of the docs: base URLs
and environment).
"""

from __future__ import annotations

import ipaddress
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import attrs
import httpx

from ._version import __version__

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
DEFAULT_SKILL_SOURCE = "nemovideo-python"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""60 s to read, write or wait for a pooled connection; 10 s to connect."""
_CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


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
        token: the bearer token given, or ``None`` for an anonymous one.
        base_url: the API base URL.
        web_url: the web app's URL, for browser links.
        client_id: the ``X-Client-Id`` given, or ``None`` until the client-id file is read.
        attribution: the ``X-Skill-*`` headers.
        max_retries: retries of transient failures.
        timeout: the per-request timeout given, or ``None`` for the default
            (60 s, 10 s to connect).
    """

    token: str | None
    base_url: str
    web_url: str
    client_id: str | None
    attribution: Attribution
    max_retries: int
    timeout: httpx.Timeout | None

    def __repr__(self) -> str:
        token = "set" if self.token else "anonymous"
        return (
            f"Settings(base_url={self.base_url!r}, token={token}, max_retries={self.max_retries})"
        )

    @property
    def api_host(self) -> str:
        """``host[:port]`` of the API: the only place the bearer token is ever sent."""
        return origin(self.base_url)


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


def client_id_path(env: Mapping[str, str]) -> Path:
    """The client-id file: ``$XDG_CONFIG_HOME/nemovideo/client_id`` (default ``~/.config``)."""
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "nemovideo" / "client_id"


def load_or_create_client_id(env: Mapping[str, str]) -> str:
    """Read the client id from the file, or create it with owner-only permissions.

    Re-using one id matters: the service gives one anonymous token per client id per
    7 days. The file holds only the id.
    """
    path = client_id_path(env)
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        existing = ""
    if _CLIENT_ID_RE.match(existing):
        return existing
    new_id = str(uuid.uuid4())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(new_id + "\n")
    os.chmod(path, 0o600)
    return new_id


def resolve_settings(
    *,
    token: str | None,
    base_url: str | None,
    web_url: str | None,
    client_id: str | None,
    skill_source: str | None,
    skill_version: str | None,
    skill_platform: str | None,
    max_retries: int,
    timeout: float | httpx.Timeout | None,
    allow_insecure_http: bool,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Merge arguments, environment and defaults into ``Settings``."""
    env = os.environ if env is None else env
    if max_retries < 0:
        raise ValueError("max_retries must be >= 0")
    if client_id is not None and not _CLIENT_ID_RE.match(client_id):
        raise ValueError("client_id must be 1-64 letters, digits or . _ : -")
    env_client_id = env.get("NEMO_CLIENT_ID") or None
    if env_client_id is not None and not _CLIENT_ID_RE.match(env_client_id):
        raise ValueError("NEMO_CLIENT_ID must be 1-64 letters, digits or . _ : -")
    the_token = token if token is not None else (env.get("NEMO_TOKEN") or None)
    if the_token is not None and (not the_token.strip() or any(c.isspace() for c in the_token)):
        raise ValueError("token must be a non-empty string without spaces")
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
    )

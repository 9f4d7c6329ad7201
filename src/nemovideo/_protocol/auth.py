"""Token state: which bearer token a client uses, where it came from, and when it may change.

The sources, in order: the ``token=`` argument, ``NEMO_TOKEN``, a user token saved by
``nemovideo auth login``, the anonymous token saved by another process for the same
API and client id, and last a new anonymous token. Only anonymous tokens are renewed
(with the same client id) when the service says they expired (code 1001).
"""

from __future__ import annotations

import enum
import threading
import time
from datetime import UTC, datetime

import attrs

from .._config import is_token_text
from .._secret import Secret, as_secret
from ..errors import AuthenticationError, InvalidResponseError
from ..models.token import TokenStatus

__all__ = [
    "ANONYMOUS_LIFETIME",
    "EXPIRY_MARGIN",
    "MAX_TOKEN_LENGTH",
    "IssuedToken",
    "TokenSource",
    "TokenState",
    "choose_saved",
    "expiry_from_answer",
    "issued_token",
    "mask",
]

ANONYMOUS_LIFETIME = 7 * 24 * 3600.0
"""Seconds an anonymous token lives when the service does not say."""
EXPIRY_MARGIN = 300.0
"""A saved token this close to its expiry is not reused."""
_LAST_EXPIRY = 32503680000.0  # 3000-01-01T00:00:00Z
MAX_TOKEN_LENGTH = 4096
"""Characters a token the service issues may have."""


class TokenSource(enum.Enum):
    """Where the token in use came from."""

    ARGUMENT = "the token= argument"
    ENVIRONMENT = "NEMO_TOKEN"
    SAVED_USER = "a user token saved by `nemovideo auth login`"
    SAVED_ANONYMOUS = "an anonymous token saved by an earlier process"
    NEW_ANONYMOUS = "a new anonymous token"

    @property
    def renewable(self) -> bool:
        """Whether the SDK may replace a token of this source when it expires."""
        return self in (TokenSource.SAVED_ANONYMOUS, TokenSource.NEW_ANONYMOUS)

    @property
    def advice(self) -> str:
        """What to do when the service rejects a token of this source."""
        return {
            TokenSource.ARGUMENT: "check the token= you passed",
            TokenSource.ENVIRONMENT: "check NEMO_TOKEN",
            TokenSource.SAVED_USER: "the token saved by `nemovideo auth login` was rejected: "
            "log in again with a new one, or `nemovideo auth logout`",
        }.get(self, "")


@attrs.frozen(repr=False)
class IssuedToken:
    """A token as kept between processes: the value (a `Secret`; a ``str`` given is
    kept as one), when it expires (seconds since the epoch, ``None`` when unknown) and
    the anonymous user it belongs to. Its ``repr`` never shows the token."""

    token: Secret = attrs.field(converter=as_secret)
    expires_at: float | None = None
    user_id: str | None = None

    def __repr__(self) -> str:
        return f"IssuedToken({mask(self.token)}, expires_at={self.expires_at!r})"

    def usable(self, now: float, stale: Secret | None = None) -> bool:
        """Not the token that just failed, and not within `EXPIRY_MARGIN` of its expiry."""
        if self.token == stale:
            return False
        return self.expires_at is None or self.expires_at - EXPIRY_MARGIN > now


def mask(token: Secret | str) -> str:
    """A token shown safely: its prefix and last four characters (``nmv_usr_...x9Zq``)."""
    if isinstance(token, Secret):
        token = token.get_secret_value()
    prefix = next((p for p in ("nmv_usr_", "nmv_", "clm_") if token.startswith(p)), "")
    tail = token[len(prefix) :][-4:] if len(token) - len(prefix) >= 12 else ""
    return f"{prefix}...{tail}"


def issued_token(value: object, what: str = "token") -> str:
    """A token the service issued (a bearer or a claim token), checked where it is
    received: a non-empty string of printable ASCII (it goes into a header or a URL) of
    at most `MAX_TOKEN_LENGTH` characters.

    Raises:
        InvalidResponseError: it is not (the message never shows the token).
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidResponseError(f"the service sent no {what}")
    if len(value) > MAX_TOKEN_LENGTH:
        raise InvalidResponseError(
            f"the service sent a {what} of {len(value)} characters (at most {MAX_TOKEN_LENGTH})"
        )
    if not is_token_text(value):
        raise InvalidResponseError(
            f"the service sent a {what} that is not printable ASCII without spaces"
        )
    return value


def expiry_from_answer(value: object, now: float | None = None) -> float:
    """The expiry of a new anonymous token: the answer's ISO-8601 ``expires_at`` when it
    has a readable one (between 1970 and 2999), else `ANONYMOUS_LIFETIME` from now."""
    now = time.time() if now is None else now
    if isinstance(value, str) and len(value) <= 64:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            # A time every platform can show back (years 1970-2999), else unknown.
            if when.tzinfo is not None and 0 <= when.timestamp() < _LAST_EXPIRY:
                return when.timestamp()
    return now + ANONYMOUS_LIFETIME


@attrs.define(repr=False)
class TokenState:
    """The current bearer token of a client and where it came from (thread-safe).

    Its ``repr`` never shows the token.
    """

    token: Secret | None = None
    source: TokenSource | None = None
    user_id: str | None = None
    expires_at: float | None = None
    fetches: int = 0
    _guard: threading.Lock = attrs.field(factory=threading.Lock, alias="_guard")

    @classmethod
    def given(cls, token: Secret | None, origin: str | None) -> TokenState:
        """The state of a client made with ``token`` from ``origin`` (``"argument"`` or
        ``"environment"``), or with none."""
        sources = {"argument": TokenSource.ARGUMENT, "environment": TokenSource.ENVIRONMENT}
        return cls(token, sources.get(origin or "") if token is not None else None)

    def __repr__(self) -> str:
        where = self.source.name.lower() if self.source is not None else "none yet"
        return f"TokenState({where}, {'set' if self.token else 'unset'})"

    def after_fork(self) -> None:
        """In a child process: a new guard (another thread may have held the old one)."""
        self._guard = threading.Lock()

    def usable(self, stale: Secret | None) -> Secret | None:
        """The current token unless there is none or it is the one that just failed."""
        with self._guard:
            if self.token is not None and (stale is None or self.token != stale):
                return self.token
            return None

    def can_renew(self) -> bool:
        """Whether a failed token may be replaced (only anonymous tokens may; a client
        with no token yet may get one)."""
        return self.source is None or self.source.renewable

    def status(self) -> TokenStatus:
        """What `client.token_status()` tells: the source, the masked token, its expiry."""
        with self._guard:
            if self.token is None or self.source is None:
                return TokenStatus()
            expires = _iso(self.expires_at)
            return TokenStatus(
                source=self.source.value,
                masked=mask(self.token),
                expires_at=expires,
                user_id=self.user_id,
                renewable=self.source.renewable,
            )

    def adopt(self, issued: IssuedToken, source: TokenSource) -> Secret:
        """Use ``issued`` from now on; returns its value."""
        with self._guard:
            self.token, self.source = issued.token, source
            self.user_id, self.expires_at = issued.user_id, issued.expires_at
            if source is TokenSource.NEW_ANONYMOUS:
                self.fetches += 1
            return issued.token


def _iso(stamp: float | None) -> str | None:
    """An expiry as ISO-8601 text, ``None`` when unknown or out of any calendar's range."""
    if stamp is None:
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def choose_saved(
    user: IssuedToken | None,
    anonymous: IssuedToken | None,
    *,
    stale: Secret | None,
    now: float,
) -> tuple[IssuedToken, TokenSource] | None:
    """Which saved token a client with no usable token takes, or ``None`` to ask the
    service for a new anonymous one.

    A user token saved by ``nemovideo auth login`` comes first; if it is the one that
    was just rejected, that is an `AuthenticationError` (the SDK cannot renew it). Then
    the anonymous token another process saved for this API and client id, unless it
    is the one that just failed or is about to expire.
    """
    if user is not None:
        if user.token == stale:
            raise AuthenticationError(
                "the saved user token was rejected; run `nemovideo auth login` with a new one"
            )
        return user, TokenSource.SAVED_USER
    if anonymous is not None and anonymous.usable(now, stale):
        return anonymous, TokenSource.SAVED_ANONYMOUS
    return None

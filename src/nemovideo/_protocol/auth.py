"""Token state: the caller's token, or an anonymous one fetched on first need."""

from __future__ import annotations

import threading

import attrs


@attrs.define(repr=False)
class TokenState:
    """The current bearer token and where it came from.

    ``user_supplied`` tokens are never replaced; anonymous ones are renewed with the
    same client id when the service says they expired (code 1001).
    Its ``repr`` never shows the token.
    """

    token: str | None
    user_supplied: bool
    user_id: str | None = None
    fetches: int = 0
    _guard: threading.Lock = attrs.field(factory=threading.Lock, alias="_guard")

    def __repr__(self) -> str:
        kind = "user" if self.user_supplied else "anonymous"
        return f"TokenState({kind}, {'set' if self.token else 'unset'})"

    def usable(self, stale: str | None) -> str | None:
        """The current token unless there is none or it is the one that just failed."""
        with self._guard:
            if self.token is not None and self.token != stale:
                return self.token
            return None

    def can_renew(self) -> bool:
        """Whether a failed token may be replaced (only anonymous tokens may)."""
        return not self.user_supplied

    def store(self, token: str, user_id: str | None) -> None:
        """Remember a newly fetched anonymous token."""
        with self._guard:
            self.token = token
            self.user_id = user_id
            self.fetches += 1

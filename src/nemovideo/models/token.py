"""Which token a client uses, told without the token itself."""

from __future__ import annotations

import attrs

from ._converter import Model

__all__ = ["TokenStatus"]


@attrs.frozen
class TokenStatus(Model):
    """Which bearer token a client uses, and where it came from; never the token itself.

    Attributes:
        source: where the token comes from (``"NEMO_TOKEN"``, ``"a user token saved by
            `nemovideo auth login`"``...), or ``None`` when the client has none yet (an
            anonymous one is fetched on first need).
        masked: the token's prefix and last four characters, e.g. ``nmv_usr_...x9Zq``.
        expires_at: when it expires (ISO-8601, UTC), when known.
        user_id: the anonymous user it belongs to, when known.
        renewable: whether the SDK gets a new one by itself when it expires (only
            anonymous tokens).
    """

    source: str | None = None
    masked: str | None = None
    expires_at: str | None = None
    user_id: str | None = None
    renewable: bool = True

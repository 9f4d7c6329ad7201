"""The credit balance (the credits endpoint's answer)."""

from __future__ import annotations

from typing import Any

import attrs

from ._converter import Model
from .response import ResponseInfo


@attrs.frozen
class Credits(Model):
    """Credits of the account.

    `to_dict` gives ``available``, ``frozen`` and ``total``; ``raw`` is left out.

    Attributes:
        available: credits that can be spent now.
        frozen: credits held by work still running.
        total: ``available + frozen``.
        raw: the JSON the service sent (empty when made by `from_dict`).
        response_info: the HTTP answer it was read from (status, headers, request
            id); ``None`` when made by `from_dict`. Not compared, not in `to_dict`.
    """

    available: int | float
    frozen: int | float = 0
    total: int | float = 0
    raw: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    response_info: ResponseInfo | None = attrs.field(default=None, eq=False, repr=False)

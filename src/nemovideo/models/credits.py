"""The credit balance (E6)."""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import InvalidResponseError
from ._converter import Model
from ._fields import opt_float


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@attrs.frozen
class Credits(Model):
    """Credits of the account.

    `to_dict` gives ``available``, ``frozen`` and ``total``; ``raw`` is left out.

    Attributes:
        available: credits that can be spent now.
        frozen: credits held by work still running.
        total: ``available + frozen``.
        raw: the JSON the service sent (empty when made by `from_dict`).
    """

    available: int | float
    frozen: int | float = 0
    total: int | float = 0
    raw: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Credits:
        """Read the ``data`` of E6; a missing ``available`` is an :class:`InvalidResponseError`."""
        available = opt_float(data.get("available"))
        if available is None:
            raise InvalidResponseError("credit balance without 'available'", body=data)
        frozen = opt_float(data.get("frozen")) or 0.0
        total = opt_float(data.get("total"))
        return cls(
            available=_number(available),
            frozen=_number(frozen),
            total=_number(total if total is not None else available + frozen),
            raw=data,
        )

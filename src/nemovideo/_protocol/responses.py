"""The answers behind a result: what ``with_raw_response`` reads, and what models carry.

A call's flow records each answer it reads (`record`) into the log of the innermost
`capture` around it, if any: a context variable, so it follows the task (asyncio,
trio) or the thread that runs the call, and concurrent calls never mix their logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import attrs

from ..errors import InvalidResponseError
from ..models.response import APIResponse, ResponseInfo

__all__ = ["capture", "raw_response", "record", "with_info"]

M = TypeVar("M")
T = TypeVar("T")

_LOG: ContextVar[list[ResponseInfo] | None] = ContextVar("nemovideo_responses", default=None)


@contextmanager
def capture() -> Iterator[list[ResponseInfo]]:
    """Collect the answers read by the calls made inside the block."""
    log: list[ResponseInfo] = []
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)


def record(info: ResponseInfo) -> None:
    """Add an answer to the log of the enclosing `capture`, if there is one."""
    log = _LOG.get()
    if log is not None:
        log.append(info)


def with_info(model: M, info: ResponseInfo) -> M:
    """``model`` carrying the answer it was read from (as ``response_info``)."""
    return attrs.evolve(model, response_info=info)  # type: ignore[misc]


def raw_response(result: T, log: list[ResponseInfo]) -> APIResponse[T]:
    """``result`` with the last answer in ``log``.

    Raises:
        InvalidResponseError: no answer was read (never for the methods offered).
    """
    if not log:
        raise InvalidResponseError("the call read no answer to report")
    return APIResponse(log[-1], parsed=result)

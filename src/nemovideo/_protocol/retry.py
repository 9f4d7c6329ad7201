"""Retry policies as tenacity objects, and the flow that runs them without sleeping itself.

The policy (see the Errors and retries guide):

- 429: wait ``Retry-After`` when given (if it is no more than `MAX_RETRY_AFTER`,
  else give up at once), else 30 s; retry once.
- 408, 5xx and connection errors: exponential backoff with jitter, up to
  ``max_retries`` times, only for calls that are safe to repeat (GETs), or for any
  call when the connection was never made.
- Everything else (402, 1001, 1002, 2001, 4001, 4002, ...) is never retried here.

tenacity is used through its documented API only: strategies, ``Retrying`` with a
``sleep`` of our own, and its attempt iterator (``for attempt in Retrying(...)``).
It is imported when a first attempt fails, so a call that succeeds pays nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ..errors import APIConnectionError, RateLimitError, RequestTimeoutError, ServerError
from .ops import Flow, Sleep, T

if TYPE_CHECKING:
    import tenacity

__all__ = [
    "MAX_RETRY_AFTER",
    "RATE_LIMIT_WAIT",
    "RetryEvent",
    "RetryHook",
    "is_retryable",
    "retry_flow",
    "retry_policy",
]

RATE_LIMIT_WAIT = 30.0
"""Seconds to wait after a 429 that gave no ``Retry-After``."""
MAX_RETRY_AFTER = 60.0
"""A ``Retry-After`` longer than this is not waited for: the error is raised at once."""


@attrs.frozen
class RetryEvent:
    """What a retry hook receives before the SDK waits and tries again.

    Attributes:
        attempt: the number of the attempt that just failed (1 for the first).
        error: the error it failed with.
        wait: seconds the SDK will wait before the next attempt.
        endpoint: which call it was, e.g. ``"GET /api/credits/balance/simple"``.
    """

    attempt: int
    error: BaseException
    wait: float
    endpoint: str


RetryHook = Callable[[RetryEvent], None]
"""A function called with a `RetryEvent` before each retry (the ``on_retry=`` option)."""


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    """Whether ``error`` may be retried for a call that is (or is not) safe to repeat."""
    if isinstance(error, RateLimitError):
        return error.retry_after is None or error.retry_after <= MAX_RETRY_AFTER
    if isinstance(error, ServerError | RequestTimeoutError):
        return idempotent
    if isinstance(error, APIConnectionError):
        return idempotent or not error.sent
    return False


def _failure(state: tenacity.RetryCallState) -> BaseException | None:
    outcome = state.outcome
    return outcome.exception() if outcome is not None else None


def retry_policy(
    *,
    max_retries: int,
    idempotent: bool,
    endpoint: str,
    on_retry: RetryHook | None,
    sleep: Callable[[float], None],
) -> tenacity.Retrying:
    """The tenacity policy for one call; ``sleep`` receives the waits (the flow yields them)."""
    import tenacity

    backoff = tenacity.wait_exponential(multiplier=0.5, max=8.0) + tenacity.wait_random(0, 0.5)

    def stop(state: tenacity.RetryCallState) -> bool:
        # One retry for a 429 (the vendor's rule); max_retries for the rest.
        limit = min(1, max_retries) if isinstance(_failure(state), RateLimitError) else max_retries
        return state.attempt_number > limit

    def wait(state: tenacity.RetryCallState) -> float:
        error = _failure(state)
        if isinstance(error, RateLimitError):
            return error.retry_after if error.retry_after is not None else RATE_LIMIT_WAIT
        return float(backoff(state))

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = _failure(state)
        if on_retry is not None and error is not None:
            on_retry(RetryEvent(state.attempt_number, error, state.upcoming_sleep, endpoint))

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(lambda e: is_retryable(e, idempotent=idempotent)),
        stop=stop,
        wait=wait,
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )


PolicyFactory = Callable[[Callable[[float], None]], "tenacity.Retrying"]
"""Builds the policy of one call, given where its waits go."""


def retry_flow(policy: PolicyFactory, attempt: Callable[[], Flow[T]]) -> Flow[T]:
    """Run ``attempt`` under the tenacity policy ``policy(sleep)``, yielding `Sleep`
    between attempts.

    The first attempt runs before any policy exists; when it fails, tenacity's attempt
    iterator takes over: the failure is handed to it as attempt 1, its waits are
    collected by the ``sleep`` it is given and yielded to the driver, and it decides
    whether to try again or to raise. Attempts run outside tenacity's attempt
    managers, so cancellation and ``GeneratorExit`` pass through untouched.
    """
    try:
        return (yield from attempt())
    except Exception as exc:
        failure: Exception | None = exc
    waits: list[float] = []
    results: list[T] = []
    for manager in policy(waits.append):
        if failure is None:
            if waits:
                yield Sleep(waits.pop())
            try:
                results.append((yield from attempt()))
            except Exception as exc:
                failure = exc
        with manager:
            if failure is not None:
                error, failure = failure, None
                raise error
    return results[-1]

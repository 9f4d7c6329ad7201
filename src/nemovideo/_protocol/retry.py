"""Retry policies as tenacity objects, and the flow that runs them without sleeping itself.

The policy (protocol.md section 8):

- 429: wait ``Retry-After`` when given (if it is no more than :data:`MAX_RETRY_AFTER`,
  else give up at once), else 30 s; retry once.
- 408, 5xx and connection errors: exponential backoff with jitter, up to
  ``max_retries`` times, only for calls that are safe to repeat (GETs), or for any
  call when the connection was never made.
- Everything else (402, 1001, 1002, 2001, 4001, 4002, ...) is never retried here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import attrs
import tenacity
from tenacity import DoAttempt, DoSleep, RetryCallState

from ..errors import APIConnectionError, RateLimitError, ServerError
from .ops import Flow, Sleep, T

RATE_LIMIT_WAIT = 30.0
MAX_RETRY_AFTER = 60.0


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


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    """Whether ``error`` may be retried for a call that is (or is not) safe to repeat."""
    if isinstance(error, RateLimitError):
        return error.retry_after is None or error.retry_after <= MAX_RETRY_AFTER
    if isinstance(error, ServerError):
        return idempotent
    if isinstance(error, APIConnectionError):
        return idempotent or not error.sent
    return False


class _Stop(tenacity.stop.stop_base):
    """Stop after ``max_retries`` retries; after one retry for a 429."""

    def __init__(self, max_retries: int) -> None:
        self.max_retries = max_retries

    def __call__(self, retry_state: RetryCallState) -> bool:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        limit = min(1, self.max_retries) if isinstance(error, RateLimitError) else self.max_retries
        return retry_state.attempt_number > limit


class _Wait(tenacity.wait.wait_base):
    """``Retry-After`` or 30 s for a 429; exponential backoff with jitter otherwise."""

    def __init__(self) -> None:
        self.backoff = tenacity.wait_exponential(multiplier=0.5, max=8.0) + tenacity.wait_random(
            0, 0.5
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, RateLimitError):
            return error.retry_after if error.retry_after is not None else RATE_LIMIT_WAIT
        return float(self.backoff(retry_state))


def _never_sleep(seconds: float) -> None:  # pragma: no cover - sleeping is the driver's job
    raise AssertionError("retry_flow yields Sleep instead of sleeping")


def retry_policy(
    *, max_retries: int, idempotent: bool, endpoint: str, on_retry: RetryHook | None
) -> tenacity.Retrying:
    """The tenacity policy for one call. Sleeping is done by the driver, not tenacity."""

    def before_sleep(state: RetryCallState) -> None:
        if on_retry is None or state.outcome is None:
            return
        error = state.outcome.exception()
        if error is not None:
            on_retry(RetryEvent(state.attempt_number, error, state.upcoming_sleep, endpoint))

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(lambda e: is_retryable(e, idempotent=idempotent)),
        stop=_Stop(max_retries),
        wait=_Wait(),
        before_sleep=before_sleep,
        sleep=_never_sleep,
        reraise=True,
    )


def retry_flow(policy: Callable[[], tenacity.Retrying], attempt: Callable[[], Flow[T]]) -> Flow[T]:
    """Run ``attempt`` under the tenacity policy ``policy()``, yielding :class:`Sleep`
    between attempts.

    This is tenacity's own attempt loop, with the sleep turned into an operation so
    that the sync and async drivers share it. The policy is built only when the first
    attempt fails: a call that succeeds at once pays nothing for retrying.
    """
    try:
        return (yield from attempt())
    except Exception:
        first_failure = sys.exc_info()
    retrying = policy()
    retrying.begin()
    state = RetryCallState(retrying, fn=None, args=(), kwargs={})
    state.set_exception(first_failure)  # type: ignore[arg-type]
    del first_failure
    while True:
        action = retrying.iter(state)
        if isinstance(action, DoAttempt):
            try:
                result = yield from attempt()
            except Exception:
                state.set_exception(sys.exc_info())  # type: ignore[arg-type]
            else:
                state.set_result(result)
        elif isinstance(action, DoSleep):
            state.prepare_for_next_attempt()
            yield Sleep(float(action))
        else:
            return action  # type: ignore[no-any-return]

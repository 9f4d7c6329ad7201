"""The retry flow on tenacity's documented API: what is retried, how long it waits, and
that closing a flow (cancellation) is never swallowed."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import pytest

from nemovideo import APIConnectionError, RateLimitError, RetryEvent, ServerError
from nemovideo._protocol.ops import Flow, Send, Sleep
from nemovideo._protocol.requests import RequestSpec
from nemovideo._protocol.retry import RATE_LIMIT_WAIT, retry_flow, retry_policy

SPEC = RequestSpec("GET", "https://api.test/x")


def test_the_tenacity_in_use_is_in_the_accepted_range() -> None:
    major, minor = (int(part) for part in version("tenacity").split(".")[:2])
    assert (8, 3) <= (major, minor) < (10, 0)


def attempts_of(outcomes: list[Any]) -> Callable[[], Flow[str]]:
    """An attempt that sends once and then fails or returns, per ``outcomes`` in order."""

    def attempt() -> Flow[str]:
        yield Send(SPEC)
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    return attempt


def drive(flow: Flow[str]) -> tuple[str | BaseException, list[float], int]:
    """Run a flow: every Send succeeds, every Sleep is recorded."""
    sleeps: list[float] = []
    sends = 0
    try:
        op = next(flow)
        while True:
            if isinstance(op, Sleep):
                sleeps.append(op.seconds)
            else:
                sends += 1
            op = flow.send(None)
    except StopIteration as stop:
        return stop.value, sleeps, sends
    except Exception as exc:
        return exc, sleeps, sends


def policy_for(
    *, idempotent: bool, max_retries: int = 2, events: list[RetryEvent] | None = None
) -> Callable[[Callable[[float], None]], Any]:
    def make(sleep: Callable[[float], None]) -> Any:
        return retry_policy(
            max_retries=max_retries,
            idempotent=idempotent,
            endpoint="GET /x",
            on_retry=None if events is None else events.append,
            sleep=sleep,
        )

    return make


def test_a_first_success_builds_no_policy() -> None:
    def no_policy(sleep: Callable[[float], None]) -> Any:
        raise AssertionError("the policy was built for a call that succeeded")

    assert drive(retry_flow(no_policy, attempts_of(["done"]))) == ("done", [], 1)


def test_server_errors_are_retried_with_backoff_for_safe_calls() -> None:
    events: list[RetryEvent] = []
    outcomes: list[Any] = [ServerError("a"), ServerError("b"), "done"]
    result, sleeps, sends = drive(
        retry_flow(policy_for(idempotent=True, events=events), attempts_of(outcomes))
    )
    assert (result, sends) == ("done", 3)
    assert [e.attempt for e in events] == [1, 2]
    assert sleeps == [e.wait for e in events]
    assert all(0 < s <= 8.5 for s in sleeps)


def test_the_budget_runs_out_with_the_last_error() -> None:
    last = ServerError("third")
    outcomes: list[Any] = [ServerError("first"), ServerError("second"), last]
    result, sleeps, sends = drive(retry_flow(policy_for(idempotent=True), attempts_of(outcomes)))
    assert result is last
    assert (len(sleeps), sends) == (2, 3)


def test_a_post_that_may_have_arrived_is_not_repeated() -> None:
    error = ServerError("maybe ran")
    result, sleeps, sends = drive(
        retry_flow(policy_for(idempotent=False), attempts_of([error, "x"]))
    )
    assert (result, sleeps, sends) == (error, [], 1)
    never_sent = APIConnectionError("refused", sent=False)
    result, sleeps, sends = drive(
        retry_flow(policy_for(idempotent=False), attempts_of([never_sent, "done"]))
    )
    assert (result, sends) == ("done", 2)


def test_a_429_waits_as_told_once() -> None:
    told = RateLimitError("slow down", retry_after=2.0)
    again = RateLimitError("still")
    result, sleeps, sends = drive(
        retry_flow(policy_for(idempotent=True), attempts_of([told, again, "x"]))
    )
    assert (result, sleeps, sends) == (again, [2.0], 2)
    result, sleeps, _ = drive(
        retry_flow(policy_for(idempotent=True), attempts_of([RateLimitError("x"), "ok"]))
    )
    assert (result, sleeps) == ("ok", [RATE_LIMIT_WAIT])


def test_a_retry_after_too_long_is_not_waited_for() -> None:
    error = RateLimitError("later", retry_after=3600.0)
    assert drive(retry_flow(policy_for(idempotent=True), attempts_of([error]))) == (error, [], 1)


@pytest.mark.parametrize("where", ["sleeping", "attempting"])
def test_closing_a_flow_mid_retry_is_not_swallowed(where: str) -> None:
    outcomes: list[Any] = [ServerError("a"), "done"]
    flow = retry_flow(policy_for(idempotent=True), attempts_of(outcomes))
    op = next(flow)
    assert isinstance(op, Send)
    op = flow.send(None)  # the first attempt fails: tenacity decides to wait
    assert isinstance(op, Sleep)
    if where == "attempting":
        op = flow.send(None)
        assert isinstance(op, Send)
    flow.close()  # what a cancelled driver does; must not raise RuntimeError
    with pytest.raises(StopIteration):
        next(flow)

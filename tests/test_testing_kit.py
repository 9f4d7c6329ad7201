"""The testing kit that downstream projects get: fixtures, fault switches, in-process."""

from __future__ import annotations

import pytest

import nemovideo
from nemovideo import AsyncNemoVideo, NemoVideo
from nemovideo.emulator import Emulator, EmulatorConfig
from nemovideo.testing import Faults, in_process_client

pytestmark = pytest.mark.anyio


def test_the_client_fixture_talks_to_the_emulator(
    nemovideo_client: NemoVideo, nemovideo_faults: Faults
) -> None:
    assert nemovideo_client.credits().available == 100
    assert nemovideo_faults.paths() == ["/api/auth/anonymous-token", "/api/credits/balance/simple"]


async def test_the_async_fixture(nemovideo_async_client: AsyncNemoVideo) -> None:
    session = await nemovideo_async_client.create_session()
    assert session.session_id.isdigit()


def test_fault_switches(nemovideo_client: NemoVideo, nemovideo_faults: Faults) -> None:
    session = nemovideo_client.create_session()
    nemovideo_faults.out_of_credits()
    with pytest.raises(nemovideo.InsufficientCreditsError):
        session.send("add a title 'x'")
    nemovideo_faults.server_error("/credits", times=5)
    with pytest.raises(nemovideo.ServerError):
        nemovideo_client.credits()
    assert nemovideo_faults.paths().count("/api/credits/balance/simple") == 3
    nemovideo_faults.clear()
    nemovideo_faults.rate_limited("/credits", retry_after=1)
    assert nemovideo_client.credits().available == 0
    nemovideo_faults.expired_token()
    assert nemovideo_client.credits().available == 100, "a new anonymous user"


def test_turn_switches(nemovideo_client: NemoVideo, nemovideo_faults: Faults) -> None:
    session = nemovideo_client.create_session()
    nemovideo_faults.silent_turn()
    assert session.send("add a title 'Quiet'").result().silent
    nemovideo_faults.agent_crash()
    with pytest.raises(nemovideo.AgentError):
        session.send("add a title 'Boom'").result()


def test_render_failure_switch(nemovideo_client: NemoVideo, nemovideo_faults: Faults) -> None:
    session = nemovideo_client.create_session()
    nemovideo_faults.emulator.set_draft(
        session.session_id, {"t": [{"tt": 0, "sg": [{"n": "a", "s": 0, "d": 500}]}], "d": 500}
    )
    nemovideo_faults.render_failure(times=2)
    render = session.export()
    with pytest.raises(nemovideo.RenderFailedError):
        render.wait(poll_interval=0.05)


def test_in_process_client_needs_no_socket(pytestconfig: pytest.Config) -> None:
    import socket

    original = socket.socket.connect

    def refuse(*args: object) -> None:
        raise AssertionError("no socket may be opened")

    world = Emulator(EmulatorConfig(render_scale=0.1))  # a small MP4 is enough here
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(socket.socket, "connect", refuse)
            with in_process_client(world) as client:
                session = client.create_session()
                reply = session.send("add a title 'In process'").result()
                assert [c.summary for c in reply.changes] == ['Title added: "In process" (0-3s)']
                render = session.export()
                render.wait(poll_interval=0.05)
                assert render.last_status is not None
                assert render.last_status.is_completed
    finally:
        world.close()
    assert socket.socket.connect is original


def test_out_of_credits_before_the_first_call(
    nemovideo_client: NemoVideo, nemovideo_faults: Faults
) -> None:
    nemovideo_faults.out_of_credits()  # no user exists yet: the docstring's example
    with pytest.raises(nemovideo.InsufficientCreditsError):
        nemovideo_client.create_session().send("add a title 'x'")
    assert nemovideo_client.credits().available == 0
    nemovideo_faults.clear()
    nemovideo_faults.expired_token()
    assert nemovideo_client.credits().available == 100, "a new anonymous user, with credits"

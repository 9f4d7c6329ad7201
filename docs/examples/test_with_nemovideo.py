"""A downstream project's tests, using the nemovideo pytest plugin's fixtures."""

import pytest

import nemovideo


def make_title(client: nemovideo.NemoVideo, words: str) -> list[str]:
    """The code under test: adds a title and reports what changed."""
    session = client.create_session()
    reply = session.send(f"add a title '{words}'").result()
    return [change.summary for change in reply.changes]


def test_a_title_is_added(nemovideo_client: nemovideo.NemoVideo) -> None:
    assert make_title(nemovideo_client, "Hello") == ['Title added: "Hello" (0-3s)']


def test_out_of_credits_is_reported(nemovideo_client, nemovideo_faults) -> None:
    nemovideo_client.credits()  # the anonymous user exists from here on
    nemovideo_faults.out_of_credits()
    with pytest.raises(nemovideo.InsufficientCreditsError):
        make_title(nemovideo_client, "Hello")


def test_a_silent_turn_still_reports_changes(nemovideo_client, nemovideo_faults) -> None:
    nemovideo_faults.silent_turn()
    assert make_title(nemovideo_client, "Quiet") == ['Title added: "Quiet" (0-3s)']
    assert nemovideo_faults.paths("POST").count("/run_sse") == 1


def test_without_sockets() -> None:
    from nemovideo.testing import in_process_client

    with in_process_client() as client:
        assert make_title(client, "Offline") == ['Title added: "Offline" (0-3s)']


# --8<-- [start:fake-clock]
def test_a_slow_render_times_out_without_waiting(nemovideo_emulator) -> None:
    from nemovideo.testing import fake_clock

    nemovideo_emulator.emulator.configure(video_renderer="placeholder", render_seconds=3600)
    with fake_clock() as clock:  # clients made here wait on a fake clock
        client = nemovideo.NemoVideo(base_url=nemovideo_emulator.url)
    with client:
        session = client.create_session()
        session.send("add a title 'Slow'").result()
        with pytest.raises(nemovideo.RenderTimeoutError):
            session.export().wait(timeout=60)
    assert clock.now >= 60  # a minute passed on the fake clock, none on the wall


# --8<-- [end:fake-clock]

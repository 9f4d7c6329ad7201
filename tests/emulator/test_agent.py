"""The emulator's agent: its rules, its wire format, and its misbehaviours on request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from nemovideo import Draft
from nemovideo.emulator import Emulator, RunningEmulator
from nemovideo.emulator.agent import plan_turn
from nemovideo.emulator.script import Apply, Beat, Drop, Emit, Pause, TurnOptions

EMPTY: dict[str, Any] = {"draft": {"t": [], "d": 0, "m": {"width": 1920, "height": 1080}}}


def applied(message: str, state: dict[str, Any], **options: Any) -> Draft:
    script = plan_turn(message, state, TurnOptions(**options))
    (step,) = [s for s in script.steps if isinstance(s, Apply)]
    assert step.draft is not None
    return Draft.from_dict(step.draft)


def test_rules_edit_the_draft_without_touching_the_input() -> None:
    state: dict[str, Any] = json.loads(json.dumps(EMPTY))
    titled = applied('add a title "Paradise Found"', state)
    assert titled.summary() == 'Timeline (1 track): 1. Title: "Paradise Found" (0-3s)'
    assert state == EMPTY
    music = applied("add background music", {"draft": titled.to_dict()})
    assert music.summary().endswith("2. BGM: Lo-fi Chill (0-10s, 35%)")
    untitled = applied("remove the title", {"draft": music.to_dict()})
    assert untitled.summary() == "Timeline (1 track): 1. BGM: Lo-fi Chill (0-10s, 35%)"
    shorter = applied("make it shorter", {"draft": untitled.to_dict()})
    assert shorter.summary() == "Timeline (1 track): 1. BGM: Lo-fi Chill (0-5s, 35%)"


def test_costs_edit_versus_talk() -> None:
    assert plan_turn("add a title 'x'", EMPTY).credits == 50
    assert plan_turn("hello", EMPTY).credits == 5
    assert plan_turn("make it shorter", EMPTY).credits == 5, "nothing to shorten: no edit"


def test_ranking_builds_a_leaderboard_from_uploads() -> None:
    infos = [
        {
            "filename": f"c{i}.mp4",
            "file_type": "video",
            "duration": d,
            "width": 1920,
            "height": 1080,
            "fps": 30,
            "cdn_url": f"http://cdn/c{i}.mp4",
        }
        for i, d in enumerate([4.0, 15.0, 9.0])
    ]
    script = plan_turn(
        "rank these videos by engagement score, top 2", {**EMPTY, "video_infos": infos}
    )
    (step,) = [s for s in script.steps if isinstance(s, Apply)]
    ranking = step.state["video_analyses"]
    assert [item["clip"] for item in ranking] == ["c1.mp4", "c2.mp4", "c0.mp4"]
    assert [item["rank"] for item in ranking] == [1, 2, 3]
    assert step.draft is not None
    draft = Draft.from_dict(step.draft)
    assert [s.name for s in draft.tracks[0].segments] == ["c1.mp4", "c2.mp4"]
    texts = [e.event for e in script.steps if isinstance(e, Emit) and not e.event.get("partial")]
    final_text = texts[-1]["content"]["parts"][0]["text"]
    assert "1. c1.mp4" in final_text


def test_options_shape_the_script() -> None:
    script = plan_turn(
        "add a title 'x'", EMPTY, TurnOptions(heartbeat_every=0.5, think_seconds=1.2, drop=True)
    )
    kinds = [type(step) for step in script.steps]
    assert kinds[:6] == [Pause, Beat, Pause, Beat, Pause, Beat]
    assert Drop in kinds
    assert kinds.index(Drop) < kinds.index(Apply), "the edit still happens after the drop"
    silent = plan_turn("add a title 'x'", EMPTY, TurnOptions(silent=True))
    assert not any(
        isinstance(s, Emit) and "text" in s.event.get("content", {}).get("parts", [{}])[0]
        for s in silent.steps
    )


@pytest.fixture
def world(emulator: RunningEmulator) -> Emulator:
    return emulator.emulator


@pytest.fixture
def session(emulator: RunningEmulator) -> Iterator[tuple[httpx.Client, str]]:
    with httpx.Client(base_url=emulator.url, timeout=10) as api:
        token = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "agent"}).json()
        api.headers["Authorization"] = f"Bearer {token['data']['token']}"
        created = api.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "project"})
        yield api, created.json()["data"]["session_id"]


def run(api: httpx.Client, session_id: str, text: str) -> httpx.Response:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
    }
    return api.post("/run_sse", json=body, headers={"Accept": "text/event-stream"})


def test_the_wire_format_is_adk_frames(session: tuple[httpx.Client, str], world: Emulator) -> None:
    api, session_id = session
    world.script_next_turn(error_event=True, heartbeat_every=0.05, think_seconds=0.1)
    answer = run(api, session_id, "add a title 'Wire'")
    assert answer.headers["content-type"].startswith("text/event-stream")
    raw = answer.content
    assert b"\r" not in raw
    frames = raw.split(b"\n\n")
    assert frames[-1] == b""
    events = []
    for frame in frames[:-1]:
        assert frame.startswith(b"data: ")
        assert b"\n" not in frame
        payload = frame[len(b"data: ") :]
        if not payload.strip():
            continue  # a heartbeat
        assert b": " not in payload.split(b'"text"')[0], "compact JSON"
        events.append(json.loads(payload))
    assert raw.count(b"data: \n\n") == 2
    assert all("invocationId" in e and "author" in e for e in events)
    assert not any(value is None for e in events for value in e.values())
    assert any(e.get("errorCode") == "TOOL_WARNING" for e in events)
    partials = [e for e in events if e.get("partial")]
    final = [e for e in events if "content" in e and not e.get("partial")][-1]
    assert {p["id"] for p in partials} == {final["id"]}
    assert (
        "".join(p["content"]["parts"][0]["text"] for p in partials)
        == final["content"]["parts"][0]["text"]
    )


def test_state_and_credits_after_a_turn(session: tuple[httpx.Client, str], world: Emulator) -> None:
    api, session_id = session
    run(api, session_id, "add a title 'Hi'")
    credits = api.get("/api/credits/balance/simple").json()["data"]
    assert credits == {"available": 50, "frozen": 0, "total": 50}
    assert world.state_of(session_id)["draft"]["t"][0]["sg"][0]["tx"] == "Hi"
    second = run(api, session_id, "add a title 'Again'")
    assert second.headers["content-type"].startswith("text/event-stream")
    third = run(api, session_id, "add background music")
    assert (third.status_code, third.json()["code"]) == (402, 2001)


def test_bad_run_bodies(session: tuple[httpx.Client, str]) -> None:
    api, _ = session
    assert api.post("/run_sse", json={"session_id": "1"}).status_code == 422
    assert run(api, "404", "hi").json()["code"] == 1002


def _infos(lengths: list[float]) -> list[dict[str, Any]]:
    return [
        {
            "filename": f"c{i}.mp4",
            "file_type": "video",
            "duration": d,
            "width": 1920,
            "height": 1080,
            "fps": 30,
            "cdn_url": f"http://cdn/c{i}.mp4",
        }
        for i, d in enumerate(lengths)
    ]


def _ranked(message: str = "rank these videos by engagement score") -> dict[str, Any]:
    """A session state after a ranking of three clips (top 2 on the video)."""
    state = {**EMPTY, "video_infos": _infos([4.0, 15.0, 9.0])}
    script = plan_turn(f"{message}, top 2", state)
    (step,) = [s for s in script.steps if isinstance(s, Apply)]
    return {**state, "draft": step.draft}


def _tracks(draft: Draft) -> dict[str, list[dict[str, Any]]]:
    return {str(t.name): [s.to_dict() for s in t.segments] for t in draft.tracks}


def test_a_ranking_ends_on_a_board_of_every_ranked_clip() -> None:
    state = _ranked()
    tracks = _tracks(Draft.from_dict(state["draft"]))
    assert list(tracks) == ["Clips", "Title", "Ranks", "Board", "Clip audio"]
    assert [s["rank"] for s in tracks["Ranks"]] == [1, 2], "the top 2 play, captioned"
    (board,) = tracks["Board"]
    rows = board["board"]["rows"]
    assert [(r["rank"], r["clip"]) for r in rows] == [(1, "c1.mp4"), (2, "c2.mp4"), (3, "c0.mp4")]
    assert all(1 <= len(r["why"]) <= 3 for r in rows)
    assert rows[0]["why"][0] == "15 s long", "the figure that earned most points comes first"
    last_clip = max(s["s"] + s["d"] for s in tracks["Clips"])
    assert board["s"] == last_clip
    assert state["draft"]["d"] == last_clip + board["d"]


def _draft(tracks: dict[str, list[dict[str, Any]]], state: dict[str, Any]) -> dict[str, Any]:
    kinds = {str(t["n"]): t["tt"] for t in state["draft"]["t"]}
    return {
        **state["draft"],
        "t": [{"tt": kinds[name], "n": name, "sg": sg} for name, sg in tracks.items()],
    }


def test_a_title_edit_keeps_the_ranking() -> None:
    state = _ranked()
    before = _tracks(Draft.from_dict(state["draft"]))
    titled = _tracks(applied("add a title 'Summer Sale'", state))
    assert list(titled) == list(before), "the title takes the old title's place"
    assert [s["tx"] for s in titled["Title"]] == ["Summer Sale"]
    for name in ("Clips", "Ranks", "Board", "Clip audio"):
        assert titled[name] == before[name], name
    untitled = _tracks(applied("remove the title", {**state, "draft": _draft(titled, state)}))
    assert "Title" not in untitled
    assert untitled["Ranks"] == before["Ranks"]
    assert untitled["Board"] == before["Board"]


def test_music_and_trims_keep_the_ranking() -> None:
    state = _ranked()
    before = _tracks(Draft.from_dict(state["draft"]))
    music = _tracks(applied("add background music", state))
    assert music["Clip audio"] == before["Clip audio"], "the clips keep their sound"
    assert [s["n"] for s in music["BGM"]] == ["Lo-fi Chill"]
    shorter = applied("make it shorter", state)
    trimmed = _tracks(shorter)
    (board,) = trimmed["Board"]
    assert board["board"] == before["Board"][0]["board"]
    assert board["s"] == before["Board"][0]["s"] // 2, "the clips are cut to half"
    assert shorter.duration_ms == board["s"] + board["d"], "the board stays whole at the end"
    assert all(s["s"] + s["d"] <= board["s"] for s in trimmed["Clips"])


def test_ranking_a_titled_draft_keeps_its_title() -> None:
    state = {**EMPTY, "video_infos": _infos([4.0, 15.0])}
    titled = applied("add a title 'Summer Sale'", state)
    ranked = _tracks(applied("rank these videos", {**state, "draft": titled.to_dict()}))
    assert [s["tx"] for s in ranked["Title"]] == ["Summer Sale"]
    assert ranked["Board"][0]["board"]["title"] == "Summer Sale"


def test_an_edit_puts_the_uploaded_clips_on_an_empty_timeline() -> None:
    state = {**EMPTY, "video_infos": [*_infos([4.0, 2.5, 6.0]), {"file_type": "image"}]}
    script = plan_turn("add a title 'Summer Sale'", state)
    assert script.credits == 50
    (step,) = [s for s in script.steps if isinstance(s, Apply)]
    assert step.draft is not None
    draft = Draft.from_dict(step.draft)
    tracks = _tracks(draft)
    assert [(s["n"], s["s"], s["d"]) for s in tracks["Clips"]] == [
        ("c0.mp4", 0, 4000),
        ("c1.mp4", 4000, 2500),
        ("c2.mp4", 6500, 6000),
    ]
    assert [s["src"] for s in tracks["Clip audio"]] == [s["src"] for s in tracks["Clips"]]
    assert [s["tx"] for s in tracks["Title"]] == ["Summer Sale"]
    assert draft.duration_ms == 12_500
    texts = [e.event for e in script.steps if isinstance(e, Emit) and not e.event.get("partial")]
    final_text = texts[-1]["content"]["parts"][0]["text"]
    assert final_text.startswith("I put your 3 clips on the timeline (12.5s).")
    again = applied("add background music", {**state, "draft": step.draft})
    assert [s.name for s in again.tracks[0].segments] == ["c0.mp4", "c1.mp4", "c2.mp4"]
    assert applied("remove the title", state).tracks == (), "nothing to remove: no clips put"

"""Routing what a person types and translating the agent's GUI talk."""

from __future__ import annotations

import pytest

from nemovideo.intents import Intent, route, translate_gui


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("export", Intent.EXPORT),
        ("please download it", Intent.EXPORT),
        ("send me the video", Intent.EXPORT),
        ("导出视频", Intent.EXPORT),
        ("how many credits do I have?", Intent.CREDITS),
        ("balance", Intent.CREDITS),
        ("我的积分", Intent.CREDITS),
        ("余额", Intent.CREDITS),
        ("status", Intent.STATUS),
        ("show tracks", Intent.STATUS),
        ("查看状态", Intent.STATUS),
        ("upload these clips", Intent.UPLOAD),
        ("上传", Intent.UPLOAD),
        ("rank these videos by engagement score", Intent.AGENT),
        ("add background music and export", Intent.AGENT),
        ("生成一个海滩视频", Intent.AGENT),
        ("make it shorter", Intent.AGENT),
        ("hello there", Intent.AGENT),
    ],
)
def test_route(text: str, intent: Intent) -> None:
    routed = route(text)
    assert routed.intent is intent
    assert routed.to_agent is (intent is Intent.AGENT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Click the Export button to download your video.",
            "Export it with session.export() to download your video.",
        ),
        (
            'The title "Paradise" is at 0-3s. Click Export when ready.',
            'The title "Paradise" is at 0-3s. Export it with session.export() when ready.',
        ),
        (
            "Open the editing panel to see the tracks.",
            "Read the state with session.state() to see the tracks.",
        ),
        (
            "You can drag the clip to the start.",
            "You can ask the agent in a message to move the clip to the start.",
        ),
        (
            "Preview it in the timeline before exporting.",
            "Read the timeline with session.state().draft.summary() before exporting.",
        ),
        ("Please check your billing page.", "Please check your credits with client.credits()."),
        (
            'Click the "Add Music" button for a soundtrack.',
            "Ask for 'Add Music' in a message for a soundtrack.",
        ),
        ("点击导出按钮下载视频", "用 session.export() 导出下载视频"),
        ("拖拽片段到开头", "发消息让助手移动片段到开头"),
        ("I added a title and music.", "I added a title and music."),
    ],
)
def test_translate_gui_keeps_the_content(text: str, expected: str) -> None:
    assert translate_gui(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Click the Export button to download it.", "Export it with `nemovideo export 7` to"),
        ("Check your billing page.", "Check your credits with `nemovideo credits`."),
        ("Preview it in the timeline.", "Read the timeline with `nemovideo state 7`."),
        ("点击导出按钮", "用 `nemovideo export 7` 导出"),
    ],
)
def test_gui_talk_becomes_what_a_cli_user_types(text: str, expected: str) -> None:
    assert translate_gui(text, cli=True, session_id="7").startswith(expected)
    assert "session." not in translate_gui(text, cli=True)


def test_a_session_id_is_text_not_a_template() -> None:
    assert "`nemovideo export a\\1`" in translate_gui("Click Export.", cli=True, session_id="a\\1")

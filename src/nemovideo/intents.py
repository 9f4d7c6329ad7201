"""Talking like the service: route what a person types, translate the agent's GUI talk.

The service's agent believes a GUI exists, and some requests ("export", "credits")
are for the client itself, not the agent (see
[routing what a person types][protocol-routing]). These helpers
are pure text functions, in English and Chinese.

>>> route("how many credits do I have?").intent
<Intent.CREDITS: 'credits'>
>>> translate_gui("Click the Export button to download your video.")
'Export it with session.export() to download your video.'
>>> translate_gui("Click the Export button.", cli=True, session_id="42")
'Export it with `nemovideo export 42`.'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable

import attrs

__all__ = ["Intent", "Route", "route", "translate_gui"]


class Intent(enum.Enum):
    """Who handles a message: the client itself (export, credits, status, upload) or the agent."""

    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    UPLOAD = "upload"
    AGENT = "agent"


@attrs.frozen
class Route:
    """Where a message goes, and the words that decided it (``None`` for the agent)."""

    intent: Intent
    matched: str | None = None

    @property
    def to_agent(self) -> bool:
        """Whether the message should be sent to the agent (the conversation endpoint)."""
        return self.intent is Intent.AGENT


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


_EDIT = _words(
    r"\b(add|remove|delete|insert|replace|generate|create|make|edit|cut|trim|shorten|rank|"
    r"sort|change|put|apply|crop|merge|split|speed|slow|mute)\b",
    r"生成|添加|加上|删除|删掉|剪辑|剪掉|修改|排名|排序|替换|插入|制作",
)
_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (Intent.CREDITS, _words(r"\bcredits?\b", r"\bbalance\b", "积分", "余额", "点数")),
    (
        Intent.EXPORT,
        _words(
            r"\bexport\w*",
            r"\bdownload\w*",
            r"\bsend me the (video|file|mp4)\b",
            r"\brender (it|the video)\b",
            "导出",
            "下载",
        ),
    ),
    (
        Intent.STATUS,
        _words(
            r"^\s*status\s*\??\s*$",
            r"\bwhat'?s the status\b",
            r"\bshow (me )?(the )?(tracks|timeline|status)\b",
            r"\bcurrent (state|timeline)\b",
            "状态",
            "进度",
            "时间线",
        ),
    ),
    (Intent.UPLOAD, _words(r"\bupload\w*", "上传")),
)


def route(text: str) -> Route:
    """Decide who handles ``text`` (see [routing what a person types][protocol-routing]).

    Requests to change the video go to the agent even when they also mention a
    keyword ("add music and export" edits first); plain export, credits, status and
    upload requests are handled by the client.
    """
    if not isinstance(text, str):
        raise TypeError("route() takes the text of a message")
    if _EDIT.search(text):
        return Route(Intent.AGENT)
    for intent, pattern in _RULES:
        match = pattern.search(text)
        if match:
            return Route(intent, match.group(0).strip())
    return Route(Intent.AGENT)


# Each GUI phrase, with what an API user does instead and what a CLI user types
# (``SESSION`` stands for the session's id).
_GUI: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        _words(
            r"\b(click|press|tap|hit|use)( on)? (the )?[\"“']?export[\"”']?( button)?",
            r"\bgo to (the )?export( panel| page| tab)?",
        ),
        "export it with session.export()",
        "export it with `nemovideo export SESSION`",
    ),
    (
        _words(r"点击?\s*[「“\"]?导出[」”\"]?(按钮)?"),
        "用 session.export() 导出",
        "用 `nemovideo export SESSION` 导出",
    ),
    (
        _words(r"\bpreview (it )?(in|on) the timeline", r"\bcheck the timeline"),
        "read the timeline with session.state().draft.summary()",
        "read the timeline with `nemovideo state SESSION`",
    ),
    (
        _words(r"在时间线(上|中)?预览"),
        "用 session.state().draft.summary() 查看时间线",
        "用 `nemovideo state SESSION` 查看时间线",
    ),
    (
        _words(r"\bcheck (your )?(account|billing|balance|credits)( page| settings)?"),
        "check your credits with client.credits()",
        "check your credits with `nemovideo credits`",
    ),
    (
        _words(r"查看(账户|账单|余额|积分)"),
        "用 client.credits() 查看积分",
        "用 `nemovideo credits` 查看积分",
    ),
    (
        _words(r"\b(drag|drop)( and drop)?\b"),
        "ask the agent in a message to move",
        "ask the agent in a message to move",
    ),
    (_words(r"拖(拽|动|放)"), "发消息让助手移动", "发消息让助手移动"),
    (
        _words(r"\bopen (the |your )?[\w ]{0,20}?(panel|tab|sidebar|menu|editor|settings)\b"),
        "read the state with session.state()",
        "read the state with `nemovideo state SESSION`",
    ),
    (
        _words(r"打开[\w\u4e00-\u9fff]{0,8}?(面板|菜单|设置|编辑器)"),
        "用 session.state() 读取状态",
        "用 `nemovideo state SESSION` 读取状态",
    ),
    (
        _words(r"\b(click|press|tap)( on)? (the )?[\"“']?([\w ]{1,24}?)[\"”']? button"),
        r"ask for '\4' in a message",
        r"ask for '\4' in a message",
    ),
    (
        _words(r"点击\s*[「“\"]?([\w\u4e00-\u9fff]{1,12}?)[」”\"]?按钮"),
        r"发消息要求“\1”",
        r"发消息要求“\1”",
    ),
)


def _capitalised(original: str, replacement: str) -> str:
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


def translate_gui(text: str, *, cli: bool = False, session_id: str | None = None) -> str:
    """Rewrite the agent's GUI talk into what an API user should do (with ``cli=True``:
    what a user of the ``nemovideo`` command types).

    "Click the Export button" becomes an export call, "open the panel" a state
    read, "drag the clip" a message asking the agent to move it, "check your billing" a
    credits read; what the text says about the content is kept as it is. Commands for
    the CLI name ``session_id`` when given, else ``SESSION``.
    """
    if not isinstance(text, str):
        raise TypeError("translate_gui() takes text")
    for pattern, for_api, for_cli in _GUI:
        named = (session_id or "SESSION").replace("\\", "\\\\")  # a template: \ doubled
        replacement = for_cli.replace("SESSION", named) if cli else for_api
        text = pattern.sub(_replacer(replacement), text)
    return text


def _replacer(template: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return _capitalised(match.group(0), match.expand(template))

    return replace

"""The result of the leaderboard workflow: a ranking of clips and the rendered video."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import attrs

from ._converter import Model
from .reply import Reply
from .state import SessionState
from .upload import Upload
from .video import video_html

__all__ = ["Leaderboard", "LeaderboardEntry"]


@attrs.frozen
class LeaderboardEntry(Model):
    """One ranked clip.

    `to_dict` gives every field but ``raw``.

    Attributes:
        rank: 1 for the best.
        clip: the clip's file name.
        score: engagement score, 0-100.
        metrics: the figures behind the score, as the service sent them.
        upload: the [Upload][nemovideo.Upload] of the clip, when it could be matched.
        raw: the JSON object this entry was read from (``None`` when made by `from_dict`).
    """

    rank: int
    clip: str
    score: float
    metrics: dict[str, Any] = attrs.field(factory=dict)
    upload: Upload | None = attrs.field(default=None, repr=False)
    raw: Any = attrs.field(default=None, repr=False, eq=False)


@attrs.frozen
class Leaderboard(Model):
    """Ranked clips, the agent's reply, the final state, the render and the video.

    `to_dict` gives every field but ``raw_ranking``, with ``video_path`` written
    ``video`` (as a string); `from_dict` reads it back.

    Attributes:
        entries: every ranked clip, best first.
        top: how many of them the video shows.
        source: where the ranking was read: ``"tool_result"``, ``"video_analyses"``
            or ``"text"``.
        reply: the agent's [Reply][nemovideo.Reply].
        state: the session state after the turn.
        render_id: the render's id; re-attach to it with
            [`client.render(render_id, session_id=session_id)`][nemovideo.NemoVideo.render].
        video_path: the downloaded MP4.
        warnings: things worth knowing (clip lengths far apart, say).
        session_id: the session, to carry on editing.
        raw_ranking: the JSON the ranking was read from (``None`` when made by
            `from_dict`).
    """

    entries: tuple[LeaderboardEntry, ...]
    top: int
    source: str
    reply: Reply = attrs.field(repr=False)
    state: SessionState | None = attrs.field(default=None, repr=False)
    render_id: str | None = None
    video_path: Path | None = None
    warnings: tuple[str, ...] = ()
    session_id: str | None = None
    raw_ranking: Any = attrs.field(default=None, repr=False, eq=False)

    @property
    def winners(self) -> tuple[LeaderboardEntry, ...]:
        """The entries the video shows."""
        return self.entries[: self.top]

    def to_json(self, indent: int | None = 2) -> str:
        """`to_dict` as JSON text, indented by 2 unless told."""
        return super().to_json(indent)

    def table(self) -> str:
        """A plain-text table of the ranking, for terminals and logs; its last column
        says which clips the video shows."""
        width = max([len(e.clip) for e in self.entries] + [4])
        lines = [
            f"{'Rank':>4}  {'Clip':<{width}}  {'Score':>5}  In video",
            f"{'-' * 4}  {'-' * width}  -----  --------",
        ]
        for entry in self.entries:
            shown = "yes" if entry.rank <= self.top else ""
            row = f"{entry.rank:>4}  {entry.clip:<{width}}  {entry.score:>5.1f}  {shown}"
            lines.append(row.rstrip())
        if self.video_path is not None:
            lines.append(f"video: {self.video_path}")
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        """A table with score bars and the video's player, for notebooks."""
        rows = []
        for entry in self.entries:
            bar = max(0.0, min(100.0, entry.score))
            style = "font-weight:bold" if entry.rank <= self.top else "color:#666"
            rows.append(
                f'<tr style="{style}"><td>{entry.rank}</td><td>{html.escape(entry.clip)}</td>'
                f'<td><div style="background:#4c6ef5;height:0.8em;width:{bar:.0f}px;'
                f'display:inline-block"></div> {entry.score:.1f}</td></tr>'
            )
        video = video_html(self.video_path) if self.video_path is not None else ""
        warnings = "".join(f"<p>⚠ {html.escape(w)}</p>" for w in self.warnings)
        return (
            "<table><thead><tr><th>Rank</th><th>Clip</th><th>Score</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{video}{warnings}"
        )

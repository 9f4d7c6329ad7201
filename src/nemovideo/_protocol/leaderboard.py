"""The leaderboard's decisions (pure): the checked request, the message, the result.

``client.leaderboard(clips, ...)`` runs, in order: a credit check (before anything
is spent), a new session, concurrent uploads (bounded, progress per file), one
message to the agent (never re-sent; silent turns and dropped streams are handled
by the turn), the ranking read from the answer (see `read_ranking`), an export at
1080p, the wait, and the download. The decisions live in `LeaderboardPlan`; the
client shells only perform them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import attrs

from ..errors import InsufficientCreditsError, RankingNotFoundError
from ..models.credits import Credits
from ..models.leaderboard import Leaderboard
from ..models.reply import Reply
from ..models.state import SessionState
from ..models.upload import Upload
from . import uploads as upload_rules
from .ranking import read_ranking

__all__ = [
    "DEFAULT_PROMPT",
    "LEADERBOARD_CREDITS",
    "Layout",
    "LeaderboardPlan",
    "Orientation",
    "check_options",
]

DEFAULT_PROMPT = "rank these videos by engagement score and show me the top performers"
"""What the leaderboard asks the agent when no ``prompt`` is given."""
LEADERBOARD_CREDITS = 50
"""What a ranking turn costs (an edit); checked before anything is spent."""
LENGTH_RATIO_WARNING = 2.0
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}

Layout = Literal["sequence", "grid"]
"""How the video shows the top clips: one after another, or side by side."""
Orientation = Literal["landscape", "portrait"]
"""The video's shape: 1920x1080 or 1080x1920."""


def check_options(*, top: object, layout: object, orientation: object) -> None:
    """Refuse options the leaderboard does not take (a ``ValueError`` naming the option)."""
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError("top must be a whole number of at least 1")
    if layout not in ("sequence", "grid"):
        raise ValueError("layout must be 'sequence' or 'grid'")
    if orientation not in SIZES:
        raise ValueError("orientation must be 'landscape' or 'portrait'")


@attrs.frozen
class LeaderboardPlan:
    """A checked leaderboard request and the decisions taken on its way.

    Make one with [make][nemovideo.workflows.LeaderboardPlan.make]: it checks the files
    and options before anything is sent.

    Attributes:
        clips: the clips, checked to exist and be of an accepted type and size (a
            folder stands for its videos; URLs are fetched by the service).
        sizes: their sizes in bytes, in the same order (0 for a URL).
        prompt: what to ask the agent.
        top: how many clips the video shows.
        layout: ``"sequence"`` or ``"grid"``.
        orientation: ``"landscape"`` or ``"portrait"``.
        output: the MP4 to write.
    """

    clips: tuple[upload_rules.Source, ...]
    sizes: tuple[int, ...]
    prompt: str
    top: int
    layout: Layout
    orientation: Orientation
    output: Path

    @classmethod
    def make(
        cls,
        clips: upload_rules.FileInput | Sequence[upload_rules.FileInput],
        *,
        prompt: str | None,
        top: int,
        layout: str,
        orientation: str,
        output: str | os.PathLike[str],
    ) -> LeaderboardPlan:
        """Check everything that can be checked before a request (files, options)."""
        check_options(top=top, layout=layout, orientation=orientation)
        checked = upload_rules.check_files(clips, upload_rules.VIDEO_EXTENSIONS)
        names = [source.name for source in checked]
        if len(set(names)) != len(names):
            raise ValueError("two clips have the same file name; rename one so results are clear")
        target = Path(output).expanduser()
        if target.is_dir():
            target = target / "leaderboard.mp4"
        if not target.parent.is_dir():
            raise FileNotFoundError(f"folder for the video does not exist: {str(target.parent)!r}")
        return cls(
            clips=tuple(checked),
            sizes=tuple(source.size or 0 for source in checked),
            prompt=(prompt or DEFAULT_PROMPT).strip(),
            top=top,
            layout=layout,  # type: ignore[arg-type]
            orientation=orientation,  # type: ignore[arg-type]
            output=target,
        )

    @property
    def size(self) -> tuple[int, int]:
        """The video's width and height."""
        return SIZES[self.orientation]

    def message(self) -> str:
        """What is sent to the agent: the prompt plus the options, in words."""
        width, height = self.size
        shape = "as a grid, side by side" if self.layout == "grid" else "one after another"
        return (
            f"{self.prompt}. Show the top {self.top} {shape}, {self.orientation} {width}x{height}."
        )

    def check_credits(self, credits: Credits) -> None:
        """Stop before spending anything when the balance cannot cover the turn."""
        if credits.available < LEADERBOARD_CREDITS:
            raise InsufficientCreditsError(
                f"the leaderboard needs about {LEADERBOARD_CREDITS} credits and "
                f"{credits.available} are available; top up (or register) and run it again",
                code=2001,
            )

    def warnings(self, uploads: list[Upload], state: SessionState | None) -> list[str]:
        """Clip lengths far apart, or a timeline not at the asked size."""
        out = []
        lengths = [u.duration for u in uploads if u.duration]
        spread = max(lengths) / min(lengths) if len(lengths) > 1 and min(lengths) > 0 else 1.0
        if spread > LENGTH_RATIO_WARNING:
            out.append(
                f"clip lengths differ by more than {LENGTH_RATIO_WARNING:g}x "
                f"({min(lengths):.1f}-{max(lengths):.1f} s); the service ranks clips of "
                "similar length best"
            )
        draft = state.draft if state is not None else None
        meta = draft.metadata if draft is not None else None
        if meta and (meta.get("width"), meta.get("height")) != self.size:
            width, height = self.size
            out.append(
                f"the timeline is {meta.get('width')}x{meta.get('height')}, not the "
                f"{width}x{height} asked for"
            )
        return out

    def result(
        self,
        reply: Reply,
        state: SessionState | None,
        uploads: list[Upload],
        session_id: str,
    ) -> Leaderboard:
        """The ranking read from the answer (raises
        [RankingNotFoundError][nemovideo.RankingNotFoundError])."""
        found = read_ranking(reply, state, uploads)
        if found is None:
            raise RankingNotFoundError(
                "the agent's answer held no ranking: "
                + (reply.text[:200] if reply.text else "(no text)"),
                reply=reply,
            )
        entries, source, raw = found
        return Leaderboard(
            entries=tuple(entries),
            top=min(self.top, len(entries)),
            source=source,
            reply=reply,
            state=state,
            warnings=tuple(self.warnings(uploads, state)),
            session_id=session_id,
            raw_ranking=raw,
        )

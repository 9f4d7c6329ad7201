"""The leaderboard: rank a batch of clips and get a 1080p MP4 of the top performers.

``client.leaderboard(clips, ...)`` (both clients) runs, in order: a credit check
(before anything is spent), a new session, concurrent uploads (bounded, progress per
file), one message to the agent (never re-sent; silent turns and dropped streams
are handled by the turn), the ranking read from the answer (see
:mod:`nemovideo.workflows.ranking`), an export at 1080p, the wait, and the download.
The decisions live in :class:`LeaderboardPlan`; :func:`run` and :func:`arun` only
perform them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import anyio
import attrs

from .._protocol import uploads as upload_rules
from ..errors import InsufficientCreditsError, RankingNotFoundError, UploadError
from ..models.credits import Credits
from ..models.leaderboard import Leaderboard
from ..models.render import RenderStatus
from ..models.reply import Reply
from ..models.state import SessionState
from ..models.upload import Upload
from .progress import ProgressTracker, WorkflowProgress
from .ranking import read_ranking

if TYPE_CHECKING:
    from .._async_client import AsyncNemoVideo
    from .._client import NemoVideo

__all__ = [
    "DEFAULT_PROMPT",
    "LEADERBOARD_CREDITS",
    "LeaderboardPlan",
    "arun",
    "run",
]

DEFAULT_PROMPT = "rank these videos by engagement score and show me the top performers"
LEADERBOARD_CREDITS = 50
"""What a ranking turn costs (an edit); checked before anything is spent."""
LENGTH_RATIO_WARNING = 2.0
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}

Layout = Literal["sequence", "grid"]
Orientation = Literal["landscape", "portrait"]
ProgressCallback = Callable[[WorkflowProgress], None]


@attrs.frozen
class LeaderboardPlan:
    """A checked leaderboard request and the decisions taken on its way."""

    clips: tuple[Path, ...]
    sizes: tuple[int, ...]
    prompt: str
    top: int
    layout: Layout
    orientation: Orientation
    output: Path

    @classmethod
    def make(
        cls,
        clips: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        *,
        prompt: str | None,
        top: int,
        layout: str,
        orientation: str,
        output: str | os.PathLike[str],
    ) -> LeaderboardPlan:
        """Check everything that can be checked before a request (files, options)."""
        if not isinstance(top, int) or isinstance(top, bool) or top < 1:
            raise ValueError("top must be a whole number of at least 1")
        if layout not in ("sequence", "grid"):
            raise ValueError("layout must be 'sequence' or 'grid'")
        if orientation not in SIZES:
            raise ValueError("orientation must be 'landscape' or 'portrait'")
        checked = upload_rules.check_files(clips)
        names = [path.name for path, _ in checked]
        if len(set(names)) != len(names):
            raise ValueError("two clips have the same file name; rename one so results are clear")
        target = Path(output).expanduser()
        if target.is_dir():
            target = target / "leaderboard.mp4"
        if not target.parent.is_dir():
            raise FileNotFoundError(f"folder for the video does not exist: {str(target.parent)!r}")
        return cls(
            clips=tuple(path for path, _ in checked),
            sizes=tuple(size for _, size in checked),
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

    def combine(self, results: list[list[Upload] | BaseException]) -> list[Upload]:
        """All uploads in clip order, or one error that names every failed file and
        keeps what was uploaded."""
        uploaded: list[Upload] = []
        failures: list[tuple[str, Exception]] = []
        for path, result in zip(self.clips, results, strict=True):
            if isinstance(result, Exception):
                failures.append((str(path), result))
            elif isinstance(result, BaseException):
                raise result
            else:
                uploaded.extend(result)
        if failures:
            names = "; ".join(f"{Path(p).name}: {e}" for p, e in failures)
            raise UploadError(
                f"{len(failures)} of {len(self.clips)} clips failed to upload ({names}); "
                "the others are in the session",
                uploaded=uploaded,
                failures=failures,
            ) from failures[0][1]
        return uploaded

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
        """The ranking read from the answer (raises :class:`RankingNotFoundError`)."""
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


def _render_fraction(status: RenderStatus) -> float:
    return (status.progress or 0.0) / 100


def _download_reporter(tracker: ProgressTracker) -> Callable[[int, int | None], None]:
    def report(done: int, total: int | None) -> None:
        tracker.report("downloading", done / total if total else 0.0)

    return report


def _render_reporter(tracker: ProgressTracker) -> Callable[[RenderStatus], None]:
    def report(status: RenderStatus) -> None:
        tracker.report("rendering", _render_fraction(status), status.status)

    return report


def _turn_reporter(tracker: ProgressTracker) -> Callable[[float], None]:
    def report(elapsed: float) -> None:
        tracker.report("ranking", min(0.9, elapsed / 120), f"still working ({elapsed:.0f} s)")

    return report


def _upload_reporter(tracker: ProgressTracker, name: str) -> Callable[[int, int], None]:
    def report(sent: int, total: int) -> None:
        tracker.file_sent(name, sent, total)

    return report


def run(
    client: NemoVideo,
    plan: LeaderboardPlan,
    *,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Leaderboard:
    """The leaderboard on the sync client; see :meth:`nemovideo.NemoVideo.leaderboard`."""
    tracker = ProgressTracker(on_progress)
    plan.check_credits(client.credits())
    session = client.create_session()
    tracker.expect_files({p.name: size for p, size in zip(plan.clips, plan.sizes, strict=True)})

    def one(path: Path) -> list[Upload] | BaseException:
        try:
            return session.upload(path, on_progress=_upload_reporter(tracker, path.name))
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(plan.clips)))) as pool:
        uploads = plan.combine(list(pool.map(one, plan.clips)))
    tracker.report("ranking", 0.0, "asking the agent")
    with session.send(plan.message(), on_still_working=_turn_reporter(tracker)) as turn:
        for event in turn:
            text = getattr(event, "text", None)
            if on_text is not None and isinstance(text, str) and event.partial:
                on_text(text)
        reply = turn.result()
    board = plan.result(reply, reply.state_after, uploads, session.session_id)
    tracker.report("ranking", 1.0, f"{len(board.entries)} clips ranked")
    render = session.export(quality="high")
    render.wait(on_progress=_render_reporter(tracker))
    path = render.download(plan.output, on_progress=_download_reporter(tracker))
    tracker.report("downloading", 1.0, str(path))
    return attrs.evolve(board, render_id=render.id, video_path=path)


async def arun(
    client: AsyncNemoVideo,
    plan: LeaderboardPlan,
    *,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Leaderboard:
    """The leaderboard on the async client; see :meth:`nemovideo.AsyncNemoVideo.leaderboard`."""
    tracker = ProgressTracker(on_progress)
    plan.check_credits(await client.credits())
    session = await client.create_session()
    tracker.expect_files({p.name: size for p, size in zip(plan.clips, plan.sizes, strict=True)})
    results: list[list[Upload] | BaseException] = [ValueError("not run")] * len(plan.clips)
    limiter = anyio.CapacityLimiter(max(1, concurrency))

    async def one(index: int, path: Path) -> None:
        async with limiter:
            try:
                results[index] = await session.upload(
                    path, on_progress=_upload_reporter(tracker, path.name)
                )
            except Exception as exc:
                results[index] = exc

    async with anyio.create_task_group() as group:
        for index, path in enumerate(plan.clips):
            group.start_soon(one, index, path)
    uploads = plan.combine(results)
    tracker.report("ranking", 0.0, "asking the agent")
    async with session.send(plan.message(), on_still_working=_turn_reporter(tracker)) as turn:
        async for event in turn:
            text = getattr(event, "text", None)
            if on_text is not None and isinstance(text, str) and event.partial:
                on_text(text)
        reply = await turn.result()
    board = plan.result(reply, reply.state_after, uploads, session.session_id)
    tracker.report("ranking", 1.0, f"{len(board.entries)} clips ranked")
    render = await session.export(quality="high")
    await render.wait(on_progress=_render_reporter(tracker))
    path = await render.download(plan.output, on_progress=_download_reporter(tracker))
    tracker.report("downloading", 1.0, str(path))
    return attrs.evolve(board, render_id=render.id, video_path=path)

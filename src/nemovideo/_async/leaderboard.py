"""The leaderboard, performed: what ``nemovideo._protocol.leaderboard`` decides, in order."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from .._protocol import endpoints, uploads
from .._protocol.leaderboard import LeaderboardPlan
from .._protocol.options import CallOptions
from .._protocol.progress import ProgressTracker
from ..models.events import TextEvent
from ..models.leaderboard import Leaderboard
from ..models.progress import WorkflowProgress
from ..models.upload import Upload
from . import _backend as backend
from .driver import AsyncDriver
from .session import AsyncSession

__all__ = ["run_leaderboard"]


async def run_leaderboard(
    driver: AsyncDriver,
    plan: LeaderboardPlan,
    *,
    concurrency: int,
    on_progress: Callable[[WorkflowProgress], None] | None,
    on_text: Callable[[str], None] | None,
    poll_interval: float | None = None,
    options: CallOptions | None = None,
) -> Leaderboard:
    """Credits, session, uploads, the ranking turn, export, wait, download (each
    request with ``options``)."""
    chosen = options or CallOptions()
    if chosen.extra_body:
        raise ValueError("leaderboard uploads multipart bodies, which take no extra_body")
    tracker = ProgressTracker(on_progress)
    plan.check_credits(await driver.call_with(chosen, endpoints.credits))
    session = await AsyncSession.create(driver, language="en", task_name="project", options=chosen)
    tracker.expect_files({c.name: size for c, size in zip(plan.clips, plan.sizes, strict=True)})

    async def one(clip: uploads.Source) -> list[Upload]:
        item = uploads.plan_batch([clip])
        reporter = tracker.upload_reporter(clip.name)
        sent = uploads.with_progress(item, reporter)[0]
        return await driver.call_with(chosen, endpoints.upload, session.session_id, sent)

    results = await backend.map_bounded(one, plan.clips, concurrency)
    uploaded = uploads.combine([clip.label for clip in plan.clips], results)
    tracker.report("ranking", 0.0, "asking the agent")
    async with await session.send(plan.message(), on_still_working=tracker.turn_reporter()) as turn:
        async for event in turn:
            if on_text is not None and isinstance(event, TextEvent) and event.partial:
                on_text(event.text)
        reply = await turn.result()
    board = plan.result(reply, reply.state_after, uploaded, session.session_id)
    tracker.report("ranking", 1.0, f"{len(board.entries)} clips ranked")
    render = await session.export(quality="high")
    await render.wait(poll_interval=poll_interval, on_progress=tracker.render_reporter())
    path = await render.download(plan.output, on_progress=tracker.download_reporter())
    tracker.report("downloading", 1.0, str(path))
    return attrs.evolve(board, render_id=render.id, video_path=path)

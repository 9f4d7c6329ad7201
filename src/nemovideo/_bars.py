"""Live progress bars for ``progress=True``: tqdm (the ``progress`` extra), which draws
a widget in a notebook and a text bar in a terminal. Nothing is drawn when off."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec

if TYPE_CHECKING:
    from .models.progress import WorkflowProgress
    from .models.render import RenderStatus

__all__ = ["EXTRA_HINT", "chain", "download_bar", "render_bar", "upload_bar", "workflow_bar"]

EXTRA_HINT = "progress=True needs the progress extra: pip install 'nemovideo[progress]'"

P = ParamSpec("P")


def _tqdm() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(EXTRA_HINT) from error
    return tqdm


class _Bar:
    """One tqdm bar fed with absolute figures, from any thread; drawn from its first
    figure on (so it starts with its total known)."""

    def __init__(self, description: str, total: float | None, *, unit: str, scale: bool) -> None:
        self._lock = threading.Lock()
        self._make = _tqdm()  # the extra is checked before anything is sent
        self._options = {
            "desc": description,
            "total": total,
            "unit": unit,
            "unit_scale": scale,
            "unit_divisor": 1024 if scale else 1000,
            "dynamic_ncols": True,
        }
        if unit == "%":  # a share of work, not a quantity: no "n/100" nor a rate of it
            self._options["bar_format"] = "{desc}: {percentage:3.0f}%|{bar}| {elapsed}{postfix}"
        self._bar: Any = None

    def to(self, done: float, total: float | None = None, detail: str | None = None) -> None:
        """Show ``done`` of ``total`` (and a few words after the bar)."""
        with self._lock:
            if self._bar is None:
                self._bar = self._make(
                    **{**self._options, "total": total or self._options["total"]}
                )
            elif total is not None and total != self._bar.total:
                self._bar.total = total
            if detail is not None:
                self._bar.set_postfix_str(detail, refresh=False)
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        """Draw the last state and stop."""
        with self._lock:
            if self._bar is not None:
                self._bar.close()


@contextlib.contextmanager
def _opened(
    on: bool, description: str, total: float | None, *, unit: str, scale: bool
) -> Iterator[_Bar | None]:
    if not on:
        yield None
        return
    bar = _Bar(description, total, unit=unit, scale=scale)
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def upload_bar(on: bool) -> Iterator[Callable[[int, int], None] | None]:
    """An ``on_progress`` for an upload batch that draws bytes sent, when ``on``."""
    with _opened(on, "upload", None, unit="B", scale=True) as bar:
        yield None if bar is None else bar.to


@contextlib.contextmanager
def download_bar(on: bool) -> Iterator[Callable[[int, int | None], None] | None]:
    """An ``on_progress`` for a download that draws bytes written, when ``on``."""
    with _opened(on, "download", None, unit="B", scale=True) as bar:
        yield None if bar is None else bar.to


@contextlib.contextmanager
def render_bar(on: bool) -> Iterator[Callable[[RenderStatus], None] | None]:
    """An ``on_progress`` for a render's wait that draws its percentage, when ``on``."""
    with _opened(on, "render", 100, unit="%", scale=False) as bar:
        if bar is None:
            yield None
            return

        def report(status: RenderStatus) -> None:
            bar.to(min(100.0, max(0.0, status.progress or 0.0)), detail=status.status)

        yield report


@contextlib.contextmanager
def workflow_bar(on: bool) -> Iterator[Callable[[WorkflowProgress], None] | None]:
    """An ``on_progress`` for the leaderboard: one bar over its stages, when ``on``."""
    with _opened(on, "leaderboard", 100, unit="%", scale=False) as bar:
        if bar is None:
            yield None
            return

        def report(event: WorkflowProgress) -> None:
            detail = f"{event.stage}: {event.detail}" if event.detail else event.stage
            bar.to(round(event.overall * 100, 1), detail=detail)

        yield report


def chain(
    first: Callable[P, None] | None, second: Callable[P, None] | None
) -> Callable[P, None] | None:
    """Both callbacks (either may be ``None``) as one."""
    if first is None or second is None:
        return first or second

    def both(*args: P.args, **kwargs: P.kwargs) -> None:
        first(*args, **kwargs)
        second(*args, **kwargs)

    return both

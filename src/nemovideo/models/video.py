"""How a notebook shows a video file (`Render` and `Leaderboard` in Jupyter).

A file up to `EMBED_LIMIT` bytes is embedded in the page as base64 data, so it plays
wherever the notebook goes. A bigger one is linked by its path relative to the
notebook's working folder, which Jupyter serves (as ``IPython.display.Video`` does
with a relative path); a file outside that folder cannot be served, and a note says
so. Set ``nemovideo.models.video.EMBED_LIMIT`` to change the limit (0: never embed).
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
from pathlib import Path
from urllib.parse import quote

__all__ = ["EMBED_LIMIT", "video_html"]

EMBED_LIMIT = 20 * 1024 * 1024
"""Largest file, in bytes, embedded in the notebook (20 MB); bigger ones are linked."""


def video_html(path: Path) -> str:
    """A ``<video>`` player for ``path``: embedded, linked relatively, or a note why not."""
    name = html.escape(str(path))
    try:
        size = path.stat().st_size
    except OSError:
        return f"<p>Video: <code>{name}</code> (not found)</p>"
    media_type = mimetypes.guess_type(path.name)[0] or "video/mp4"
    if size <= EMBED_LIMIT:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return _player(f"data:{media_type};base64,{data}", name)
    try:
        relative = os.path.relpath(path.resolve(), Path.cwd().resolve())
    except ValueError:  # another drive
        relative = ""
    if not relative or relative.startswith(".."):
        return (
            f"<p>Video: <code>{name}</code> ({size / 1024 / 1024:.0f} MB). It is over the "
            f"{EMBED_LIMIT / 1024 / 1024:.0f} MB embedding limit and outside the notebook's "
            "folder, which Jupyter cannot serve: save it under that folder, or raise "
            "<code>nemovideo.models.video.EMBED_LIMIT</code>.</p>"
        )
    return _player(quote(Path(relative).as_posix()), name)


def _player(src: str, name: str) -> str:
    return (
        f'<video src="{html.escape(src, quote=True)}" controls style="max-width:100%">'
        f"</video><p>Video: <code>{name}</code></p>"
    )

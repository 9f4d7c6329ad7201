"""The little file I/O the drivers do: streaming upload bodies and download sinks."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import IO

from ._protocol.requests import CHUNK_SIZE, FilePart, MultipartPlan
from ._protocol.transfer import check_complete, temp_path
from .errors import NemoVideoError


def iter_multipart(plan: MultipartPlan) -> Generator[bytes, None, None]:
    """The body of ``plan``, read chunk by chunk (never whole): from disk, from bytes in
    memory, or from a file object sought back to where it started."""
    for part in plan.parts:
        yield part.head
        yield from _content(part)
        yield b"\r\n"
    yield plan.tail


def _content(part: FilePart) -> Generator[bytes, None, None]:
    content = part.content
    if isinstance(content, bytes):
        view = memoryview(content)
        for start in range(0, part.size, CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
        return
    if isinstance(content, Path):
        with open(content, "rb") as handle:
            yield from _read(handle, part)
        return
    content.seek(part.start)
    yield from _read(content, part)


def _read(handle: IO[bytes], part: FilePart) -> Generator[bytes, None, None]:
    remaining = part.size
    while remaining > 0:
        chunk = handle.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise NemoVideoError(f"{part.name!r} got shorter while it was uploading")
        remaining -= len(chunk)
        yield chunk


class TempFileSink:
    """Writes a download to a temporary file beside ``target``; ``commit`` renames it
    into place when complete, ``abort`` removes it. The target is never partial."""

    def __init__(self, target: Path, expected: int | None) -> None:
        self.target = target
        self.expected = expected
        self.written = 0
        self._temp = temp_path(target)
        self._handle = open(self._temp, "wb")  # noqa: SIM115 - closed by commit/abort

    def write(self, chunk: bytes) -> None:
        """Append a chunk."""
        self._handle.write(chunk)
        self.written += len(chunk)

    def commit(self) -> None:
        """Check the size, flush to disk, and atomically replace the target."""
        try:
            check_complete(self.expected, self.written)
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.replace(self._temp, self.target)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Close and delete the temporary file."""
        self._handle.close()
        self._temp.unlink(missing_ok=True)

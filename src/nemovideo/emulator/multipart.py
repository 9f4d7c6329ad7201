"""Multipart uploads read while they stream in, with the per-file limit applied on the way.

Each file part goes straight to a temporary file beside the uploads (hashed as it is
written); nothing is spooled anywhere else. As soon as a part passes the limit the
reading stops with [TooLarge][nemovideo.emulator.multipart.TooLarge] and every file of
the request is removed; a part of an unsupported type stops it with
[Unsupported][nemovideo.emulator.multipart.Unsupported] before its data is written.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any

import anyio.to_thread
import attrs
from python_multipart.multipart import MultipartParser, parse_options_header

from .media import safe_name

__all__ = ["BATCH_BYTES", "MAX_FILES", "StoredFile", "TooLarge", "Unsupported", "receive_files"]

MAX_FILES = 100
"""File parts one upload may carry."""

BATCH_BYTES = 1 << 20
"""How much of the body is gathered before a worker thread writes it out (less when the
limit is smaller): the most that is read past the limit."""


class TooLarge(Exception):
    """A file part passed the per-file limit (the answer is code 4002)."""


class Unsupported(ValueError):
    """The body is not a usable multipart upload (the answer is code 4001)."""


@attrs.frozen
class StoredFile:
    """A file part kept on disk: its client name (made safe), where, its SHA-256, its size."""

    name: str
    path: Path
    hash: str
    size: int


@attrs.define
class _Part:
    name: str
    temporary: Path
    out: IO[bytes]
    digest: Any = attrs.field(factory=hashlib.sha256)
    size: int = 0


class _Writer:
    """The parser's callbacks: file parts of ``field`` written to ``folder`` (sync; it
    runs in a worker thread)."""

    def __init__(self, folder: Path, field: str, limit: int, accept: Callable[[str], bool]) -> None:
        self.folder, self.field, self.limit, self.accept = folder, field, limit, accept
        self.header_field = self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.part: _Part | None = None
        self.done: list[_Part] = []

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self.begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.data,
            "on_part_end": self.end,
        }

    def begin(self) -> None:
        self.headers, self.part = {}, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        field = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if field != self.field or filename is None:
            return  # another field: its data is skipped
        if len(self.done) >= MAX_FILES:
            raise Unsupported(f"at most {MAX_FILES} files per upload")
        name = safe_name(filename.decode("utf-8", "replace"))
        if not self.accept(name):
            raise Unsupported(f"unsupported file type: {name}")
        temporary = self.folder / f".incoming-{uuid.uuid4().hex}"
        self.part = _Part(name, temporary, temporary.open("wb"))

    def data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part is None:
            return
        part.size += end - start
        if part.size > self.limit:
            raise TooLarge(f"file too large: the limit is {self.limit} bytes")
        chunk = data[start:end]
        part.digest.update(chunk)
        part.out.write(chunk)

    def end(self) -> None:
        if self.part is not None:
            self.part.out.close()
            self.done.append(self.part)
            self.part = None

    def keep(self) -> list[StoredFile]:
        """Move every finished part to ``folder/<sha256>/<name>``."""
        kept = []
        for part in self.done:
            hash_hex = part.digest.hexdigest()
            target = self.folder / hash_hex / part.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(part.temporary), target)
            kept.append(StoredFile(part.name, target, hash_hex, part.size))
        self.done = []
        return kept

    def discard(self) -> None:
        """Remove every temporary file of the request."""
        parts = [*self.done, *([self.part] if self.part is not None else [])]
        for part in parts:
            part.out.close()
            part.temporary.unlink(missing_ok=True)
        self.done, self.part = [], None


async def receive_files(
    stream: AsyncIterator[bytes],
    content_type: str,
    folder: Path,
    *,
    field: str = "files",
    limit: int,
    accept: Callable[[str], bool],
) -> list[StoredFile]:
    """Read a ``multipart/form-data`` body from ``stream`` and keep the file parts of
    ``field`` in ``folder``; raises ``TooLarge`` as soon as a part passes ``limit`` bytes,
    ``Unsupported`` for a body that is not multipart or a file that ``accept`` refuses.
    On any failure (a client that goes away included) no file of the request is left."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise Unsupported("the body must be multipart/form-data with a boundary")
    await anyio.to_thread.run_sync(lambda: folder.mkdir(parents=True, exist_ok=True))
    writer = _Writer(folder, field, limit, accept)
    parser = MultipartParser(boundary, writer.callbacks())  # type: ignore[arg-type]
    batch: list[bytes] = []
    pending, threshold = 0, min(BATCH_BYTES, limit + 1)
    try:
        async for chunk in stream:
            batch.append(chunk)
            pending += len(chunk)
            if pending >= threshold:
                await anyio.to_thread.run_sync(parser.write, b"".join(batch))
                batch, pending = [], 0
        await anyio.to_thread.run_sync(parser.write, b"".join(batch))
        parser.finalize()
        if writer.part is not None:
            raise Unsupported("the multipart body ends inside a file")
        return await anyio.to_thread.run_sync(writer.keep)
    except BaseException:
        writer.discard()
        raise

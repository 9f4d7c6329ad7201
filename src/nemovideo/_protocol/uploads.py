"""Upload rules: which inputs may go up, checked before anything is sent, and the plans.

One path for every kind of input to ``session.upload`` (and the leaderboard's clips):

- a path (``str`` or ``os.PathLike``) to a file, streamed from disk;
- a path to a folder: its files of an accepted type (sorted, not recursive), the rule
  the CLI shares (`expand_folders`);
- an ``http(s)://`` URL (a ``str``): the service fetches it (the upload-URLs endpoint);
- a ``(filename, content)`` or ``(filename, content, media_type)`` tuple, where
  ``content`` is ``bytes`` or a binary file object;
- a binary file object with a ``name`` (what ``open(path, "rb")`` gives).

A file object is streamed in chunks from its current position, never read whole; it
must be seekable (its size is known up front, and a retry seeks back and sends it
again). A non-seekable stream (a pipe, a socket) is refused: read it into ``bytes``
or save it to a file first.
"""

from __future__ import annotations

import io
import mimetypes
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any, TypeAlias

import attrs

from ..errors import FileTooLargeError, UnsupportedFileTypeError, UploadError
from ..models.upload import Upload
from .requests import FilePart, MultipartPlan, UploadProgress

VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "avi", "webm", "mkv"})
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp"})
AUDIO_EXTENSIONS = frozenset({"mp3", "wav", "m4a", "aac"})
ACCEPTED_EXTENSIONS = VIDEO_EXTENSIONS | IMAGE_EXTENSIONS | AUDIO_EXTENSIONS
MAX_FILE_BYTES = 500 * 1024 * 1024

PathLike = str | os.PathLike[str]
FileContent: TypeAlias = bytes | bytearray | memoryview | IO[bytes]
FileInput: TypeAlias = (
    str
    | os.PathLike[str]
    | IO[bytes]
    | tuple[str, FileContent]
    | tuple[str, FileContent, str | None]
)
"""One thing to upload: a path (a file, or a folder of them), an ``http(s)`` URL, a
``(filename, bytes or binary file)`` tuple (optionally with a media type third), or a
binary file object opened from a path."""

_KINDS = (
    "a path, a folder, an http(s) URL, a (filename, bytes or binary file) tuple, or a "
    "file opened with open(path, 'rb')"
)


@attrs.frozen
class Source:
    """One checked input: what to call it, how many bytes, and where they are.

    Attributes:
        name: the file name sent (its extension was checked).
        label: how errors name it: the path as given, the URL, or the name.
        size: bytes (``None`` for a URL, which the service fetches).
        content: a path on disk, bytes, or a seekable binary file object
            (``None`` for a URL).
        start: where a file object's content starts.
        media_type: the part's ``Content-Type`` (guessed from the name unless given).
        url: the URL, for an input the service fetches.
    """

    name: str
    label: str
    size: int | None
    content: Path | bytes | IO[bytes] | None = attrs.field(default=None, eq=False)
    start: int = 0
    media_type: str | None = None
    url: str | None = None


def extension(path: Path) -> str:
    """A file's extension, lower case, without the dot (``""`` when it has none)."""
    return path.suffix.lower().lstrip(".")


def is_url(value: object) -> bool:
    """Whether an input is an ``http(s)://`` URL (uploaded by the service fetching it)."""
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _check_type(name: str, label: str) -> None:
    ext = extension(Path(name))
    if ext not in ACCEPTED_EXTENSIONS:
        accepted = ", ".join(sorted(ACCEPTED_EXTENSIONS))
        raise UnsupportedFileTypeError(
            f"cannot upload {name!r}: .{ext or '(none)'} files are not accepted "
            f"(accepted: {accepted})",
            path=label,
        )


def _check_size(name: str, label: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise FileTooLargeError(
            f"cannot upload {name!r}: {size / 1024 / 1024:.0f} MB is over the 500 MB "
            "limit; compress or trim it first",
            path=label,
            size=size,
        )


def check_file(path: PathLike) -> tuple[Path, int]:
    """Check one local file before upload; return its path and size.

    Raises:
        FileNotFoundError: no such file.
        IsADirectoryError: the path is a folder.
        UnsupportedFileTypeError: the extension is not accepted.
        FileTooLargeError: the file is over 500 MB.
    """
    file = Path(path)
    if file.is_dir():
        raise IsADirectoryError(f"cannot upload a folder as one file: {str(file)!r}")
    _check_type(file.name, str(file))
    if not file.exists():
        raise FileNotFoundError(f"no such file to upload: {str(file)!r}")
    size = file.stat().st_size
    _check_size(file.name, str(file), size)
    return file, size


def _is_file_object(value: object) -> bool:
    return callable(getattr(value, "read", None))


def _stream_source(name: str, stream: Any, media_type: str | None) -> Source:
    if isinstance(stream, io.TextIOBase):
        raise TypeError(f"cannot upload {name!r} from a text stream: open it with 'rb'")
    try:
        seekable = bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        seekable = False
    if not seekable:
        raise TypeError(
            f"cannot upload {name!r} from a stream that cannot seek (its size must be known "
            "and a retry sends it again): read it into bytes, or save it to a file first"
        )
    start = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(start)
    size = end - start
    _check_size(name, name, size)
    return Source(name, name, size, stream, start, media_type)


def _named_source(name: object, content: object, media_type: object = None) -> Source:
    if not isinstance(name, str) or not Path(name).name:
        raise TypeError(f"a (filename, content) tuple needs a file name first, got {name!r}")
    if media_type is not None and not isinstance(media_type, str):
        raise TypeError(f"the media type of {name!r} must be a string, got {media_type!r}")
    name = Path(name).name
    _check_type(name, name)
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        _check_size(name, name, len(data))
        return Source(name, name, len(data), data, 0, media_type)
    if _is_file_object(content):
        return _stream_source(name, content, media_type)
    raise TypeError(
        f"cannot upload {name!r} from a {type(content).__name__}: give bytes or a binary file"
    )


def check(item: FileInput | Source) -> Source:
    """Check one input (not a folder: see `expand_folders`) before anything is sent.

    Raises:
        TypeError: not a kind of input that can be uploaded (the message lists them).
        FileNotFoundError: no such file.
        IsADirectoryError: a folder (expand it first).
        UnsupportedFileTypeError: the extension is not accepted.
        FileTooLargeError: over 500 MB.
    """
    if isinstance(item, Source):
        return item
    if is_url(item):
        url = str(item)
        return Source(url_name(url), url, None, url=url)
    if isinstance(item, str | os.PathLike):
        path, size = check_file(item)
        return Source(path.name, str(path), size, path)
    if isinstance(item, tuple) and len(item) in (2, 3):
        return _named_source(*item)
    if _is_file_object(item):
        name = getattr(item, "name", None)
        if not isinstance(name, str | os.PathLike):
            raise TypeError(
                "a file object without a name cannot be uploaded as it is: pass "
                "('clip.mp4', file) so the service knows its name and type"
            )
        return _named_source(Path(name).name, item)
    if isinstance(item, bytes | bytearray | memoryview):
        raise TypeError("bytes need a file name: pass ('clip.mp4', data)")
    raise TypeError(f"cannot upload a {type(item).__name__}: pass {_KINDS}")


def _is_one(value: object) -> bool:
    if isinstance(value, str | os.PathLike | bytes | bytearray | memoryview | Source):
        return True
    if _is_file_object(value):
        return True
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and isinstance(value[0], str)
        and (isinstance(value[1], bytes | bytearray | memoryview) or _is_file_object(value[1]))
    )


def expand_folders(paths: Iterable[Any], extensions: frozenset[str]) -> list[Any]:
    """Each folder replaced by its files with these extensions (sorted by name, not
    recursive); anything else kept as it is. The CLI uses the same rule.

    Raises:
        FileNotFoundError: a folder has no such files.
    """
    expanded: list[Any] = []
    for item in paths:
        if isinstance(item, str | os.PathLike) and not is_url(item) and Path(item).is_dir():
            folder = Path(item)
            found = sorted(
                p for p in folder.iterdir() if p.is_file() and extension(p) in extensions
            )
            if not found:
                raise FileNotFoundError(
                    f"no {'/'.join(sorted(extensions))} files in the folder {str(folder)!r}"
                )
            expanded += found
        else:
            expanded.append(item)
    return expanded


def check_files(
    files: FileInput | Iterable[FileInput | Source],
    extensions: frozenset[str] = ACCEPTED_EXTENSIONS,
) -> list[Source]:
    """Expand folders (to files with ``extensions``) and check every input of a batch;
    the first bad one raises and nothing is sent."""
    items: list[Any] = [files] if _is_one(files) else list(files)  # type: ignore[arg-type]
    items = expand_folders(items, extensions)
    if not items:
        raise ValueError("no files to upload")
    sources = [check(item) for item in items]
    streams = [s.content for s in sources if not isinstance(s.content, Path | bytes | None)]
    if len({id(stream) for stream in streams}) < len(streams):
        raise ValueError(
            "the same file object is given twice: one stream cannot be read by two "
            "uploads at once; open the file once per upload"
        )
    return sources


def _quote(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_plan(files: Iterable[Source], field: str = "files") -> MultipartPlan:
    """Plan a multipart body that streams each file in chunks."""
    boundary = secrets.token_hex(16)
    parts = []
    for source in files:
        if source.content is None or source.size is None:
            raise ValueError(f"{source.label!r} is a URL: the service fetches it")
        content_type = (
            source.media_type or mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        )
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{_quote(source.name)}"\r\n'
            f"Content-Type: {_header(content_type)}\r\n\r\n"
        ).encode()
        parts.append(FilePart(head, source.name, source.size, source.content, source.start))
    return MultipartPlan(boundary=boundary, parts=tuple(parts), tail=f"--{boundary}--\r\n".encode())


def _header(value: str) -> str:
    return value.replace("\r", "").replace("\n", "")


@attrs.frozen
class UploadItem:
    """One upload of a batch: a checked input, and its body unless the service fetches it."""

    source: Source
    plan: MultipartPlan | None


def url_name(url: str) -> str:
    """The file name at the end of a URL (for naming uploads by URL)."""
    tail = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail or url


def plan_batch(
    files: FileInput | Iterable[FileInput | Source],
    extensions: frozenset[str] = ACCEPTED_EXTENSIONS,
) -> list[UploadItem]:
    """Check every input first (nothing is sent if one is bad), then plan one upload each."""
    return [
        UploadItem(source, None if source.url else multipart_plan([source]))
        for source in check_files(files, extensions)
    ]


def combine(labels: Sequence[str], results: Sequence[list[Upload] | Exception]) -> list[Upload]:
    """Per-file results of a batch: all uploads in order, or the error that describes
    the failures.

    One file: its error is raised as it is. Several: `UploadError` names every
    failed file and carries what was uploaded and what failed, so nothing that went
    up is lost.
    """
    uploaded: list[Upload] = []
    failures: list[tuple[str, Exception]] = []
    for label, result in zip(labels, results, strict=True):
        if isinstance(result, Exception):
            failures.append((label, result))
        else:
            uploaded.extend(result)
    if not failures:
        return uploaded
    if len(labels) == 1:
        raise failures[0][1]
    names = "; ".join(f"{_short_name(p)}: {e}" for p, e in failures)
    raise UploadError(
        f"{len(failures)} of {len(labels)} uploads failed ({names}); the others are in the session",
        uploaded=uploaded,
        failures=failures,
    ) from failures[0][1]


def _short_name(label: str) -> str:
    return url_name(label) if is_url(label) else Path(label).name


def with_progress(
    items: list[UploadItem], on_progress: Callable[[int, int], None] | None
) -> list[UploadItem]:
    """Attach one shared ``UploadProgress`` to every body of a batch."""
    if on_progress is None:
        return items
    total = sum(item.plan.content_length for item in items if item.plan is not None)
    progress = UploadProgress(total, on_progress)
    return [
        attrs.evolve(item, plan=attrs.evolve(item.plan, progress=progress))
        if item.plan is not None
        else item
        for item in items
    ]

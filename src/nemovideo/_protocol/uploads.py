"""Upload rules: which files may go up, checked before anything is sent, and the body plan."""

from __future__ import annotations

import mimetypes
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

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


def extension(path: Path) -> str:
    """A file's extension, lower case, without the dot (``""`` when it has none)."""
    return path.suffix.lower().lstrip(".")


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
        raise IsADirectoryError(
            f"cannot upload a folder: {str(file)!r}; pass the files in it, "
            "e.g. sorted(Path(folder).glob('*.mp4'))"
        )
    ext = extension(file)
    if ext not in ACCEPTED_EXTENSIONS:
        accepted = ", ".join(sorted(ACCEPTED_EXTENSIONS))
        raise UnsupportedFileTypeError(
            f"cannot upload {file.name!r}: .{ext or '(none)'} files are not accepted "
            f"(accepted: {accepted})",
            path=str(file),
        )
    if not file.exists():
        raise FileNotFoundError(f"no such file to upload: {str(file)!r}")
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileTooLargeError(
            f"cannot upload {file.name!r}: {size / 1024 / 1024:.0f} MB is over the 500 MB "
            "limit; compress or trim it first",
            path=str(file),
            size=size,
        )
    return file, size


def check_files(paths: PathLike | Iterable[PathLike]) -> list[tuple[Path, int]]:
    """Check every file of a batch; the first bad one raises and nothing is sent."""
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if not items:
        raise ValueError("no files to upload")
    return [check_file(p) for p in items]


def _quote(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_plan(files: Iterable[tuple[Path, int]], field: str = "files") -> MultipartPlan:
    """Plan a multipart body that streams each file from disk."""
    boundary = secrets.token_hex(16)
    parts = []
    for path, size in files:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{_quote(path.name)}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        parts.append(FilePart(head=head, path=path, size=size))
    return MultipartPlan(boundary=boundary, parts=tuple(parts), tail=f"--{boundary}--\r\n".encode())


def url_name(url: str) -> str:
    """The file name at the end of a URL (for naming uploads by URL)."""
    tail = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail or url


def plan_batch(paths: PathLike | Iterable[PathLike]) -> list[MultipartPlan]:
    """Check every file first (nothing is sent if one is bad), then plan one body each."""
    return [multipart_plan([item]) for item in check_files(paths)]


def combine(paths: Sequence[Path], results: Sequence[list[Upload] | Exception]) -> list[Upload]:
    """Per-file results of a batch: all uploads in order, or the error that describes
    the failures.

    One file: its error is raised as it is. Several: `UploadError` names every
    failed file and carries what was uploaded and what failed, so nothing that went
    up is lost.
    """
    uploaded: list[Upload] = []
    failures: list[tuple[str, Exception]] = []
    for path, result in zip(paths, results, strict=True):
        if isinstance(result, Exception):
            failures.append((str(path), result))
        else:
            uploaded.extend(result)
    if not failures:
        return uploaded
    if len(paths) == 1:
        raise failures[0][1]
    names = "; ".join(f"{Path(p).name}: {e}" for p, e in failures)
    raise UploadError(
        f"{len(failures)} of {len(paths)} uploads failed ({names}); the others are in the session",
        uploaded=uploaded,
        failures=failures,
    ) from failures[0][1]


def with_progress(
    plans: list[MultipartPlan], on_progress: Callable[[int, int], None] | None
) -> list[MultipartPlan]:
    """Attach one shared ``UploadProgress`` to every plan of a batch."""
    if on_progress is None:
        return plans
    progress = UploadProgress(sum(p.content_length for p in plans), on_progress)
    return [attrs.evolve(p, progress=progress) for p in plans]

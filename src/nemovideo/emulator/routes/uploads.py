"""Uploads: multipart files kept on disk and probed, or a JSON list of URLs."""

from __future__ import annotations

import copy
import hashlib
import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from ..emulator import Emulator
from ..http import cdn_base, emulator_of, fail, json_body, ok, owned_session
from ..media import file_type, probe, safe_name

__all__ = ["upload"]


def _store_upload(folder: Path, upload: UploadFile, limit: int) -> tuple[Path, str, int] | int:
    """Copy an uploaded part into the upload folder; the size, or 4002 when over the limit."""
    digest, size = hashlib.sha256(), 0
    temporary = folder / f".incoming-{uuid.uuid4().hex}"
    with temporary.open("wb") as out:
        upload.file.seek(0)
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                temporary.unlink(missing_ok=True)
                return 4002
            digest.update(chunk)
            out.write(chunk)
    hash_hex = digest.hexdigest()
    target = folder / hash_hex / safe_name(upload.filename or "file")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(temporary), target)
    return target, hash_hex, size


def _file_entry(
    request: Request, name: str, kind: str, hash_hex: str, **fields: Any
) -> dict[str, Any]:
    url = f"{cdn_base(request)}/cdn/uploads/{hash_hex}/{name}"
    entry: dict[str, Any] = {"filename": name, "file_type": kind, "cdn_url": url}
    entry["hash"] = hash_hex
    entry.update({"duration": 0.0, "width": 0, "height": 0, "fps": 0.0, "size": 0})
    entry.update(fields)
    return entry


async def _url_entries(request: Request, emulator: Emulator) -> list[dict[str, Any]] | Response:
    """The entries of a JSON ``{"urls": [...]}`` upload (nothing is fetched)."""
    body = await json_body(request) or {}
    urls = body.get("urls")
    if not isinstance(urls, list) or not urls:
        return fail(emulator, 4001, "no urls given")
    entries: list[dict[str, Any]] = []
    for url in urls:
        name = safe_name(unquote(urlsplit(str(url)).path)) if isinstance(url, str) else ""
        kind = file_type(name)
        if kind is None:
            return fail(emulator, 4001, f"unsupported file type: {name}")
        digest = hashlib.sha256(str(url).encode()).hexdigest()
        entries.append(_file_entry(request, name, kind, digest, cdn_url=url, source_url=url))
    return entries


async def _file_entries(request: Request, emulator: Emulator) -> list[dict[str, Any]] | Response:
    """The entries of a multipart upload: each file kept on disk and probed."""
    limit = emulator.config.max_upload_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + 1024 * 1024:
        return fail(emulator, 4002, f"file too large: the limit is {limit} bytes")
    form = await request.form(max_files=100, max_fields=100)
    try:
        files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        if not files:
            return fail(emulator, 4001, "no files in field 'files'")
        folder = emulator.folder / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        entries: list[dict[str, Any]] = []
        for part in files:
            name = safe_name(part.filename or "file")
            kind = file_type(name)
            if kind is None:
                return fail(emulator, 4001, f"unsupported file type: {name}")
            stored = await anyio.to_thread.run_sync(_store_upload, folder, part, limit)
            if isinstance(stored, int):
                return fail(emulator, 4002, f"file too large: the limit is {limit} bytes")
            path, hash_hex, size = stored
            info = await anyio.to_thread.run_sync(probe, path) if kind != "image" else {}
            entries.append(_file_entry(request, name, kind, hash_hex, size=size, **info))
        return entries
    finally:
        await form.close()


async def upload(request: Request) -> Response:
    """``POST /api/upload-video/nemo_agent/me/{session_id}``: multipart ``files`` (kept
    on disk) or a JSON list of URLs."""
    found = owned_session(request)
    if isinstance(found, Response):
        return found
    _, record = found
    emulator = emulator_of(request)
    if request.headers.get("content-type", "").startswith("application/json"):
        entries = await _url_entries(request, emulator)
    else:
        entries = await _file_entries(request, emulator)
    if isinstance(entries, Response):
        return entries
    with emulator.store.lock:
        record.video_infos.extend(copy.deepcopy(entries))
    return ok({"files": entries, "session_state_applied": True})

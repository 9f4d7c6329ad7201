"""Uploads: multipart files kept on disk and probed, or a JSON list of URLs."""

from __future__ import annotations

import copy
import hashlib
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ..emulator import Emulator
from ..http import cdn_base, declared_length, emulator_of, fail, json_body, ok, owned_session
from ..media import file_type, probe, safe_name
from ..multipart import MAX_FILES, TooLarge, Unsupported, receive_files

__all__ = ["upload"]


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
    """The entries of a multipart upload: each file kept on disk (the limit applied while
    it streams in) and probed."""
    limit = emulator.config.max_upload_bytes
    declared = declared_length(request.headers.get("content-length"))
    if declared is not None and declared > MAX_FILES * (limit + 1024 * 1024):
        return fail(emulator, 4002, f"file too large: the limit is {limit} bytes")
    try:
        stored = await receive_files(
            request.stream(),
            request.headers.get("content-type", ""),
            emulator.folder / "uploads",
            limit=limit,
            accept=lambda name: file_type(name) is not None,
        )
    except TooLarge:
        return fail(emulator, 4002, f"file too large: the limit is {limit} bytes")
    except Unsupported as error:
        return fail(emulator, 4001, str(error))
    except ValueError:  # the multipart parser's errors
        return fail(emulator, 4001, "the multipart body cannot be read")
    except ClientDisconnect:
        return fail(emulator, 4001, "the client went away before the end of the body")
    if not stored:
        return fail(emulator, 4001, "no files in field 'files'")
    entries: list[dict[str, Any]] = []
    for item in stored:
        kind = file_type(item.name) or "video"
        info = await anyio.to_thread.run_sync(probe, item.path) if kind != "image" else {}
        entries.append(_file_entry(request, item.name, kind, item.hash, size=item.size, **info))
    return entries


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

"""Uploads are measured while they stream in: the limit stops the reading, nothing is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nemovideo.emulator import Emulator
from nemovideo.emulator.app import create_app
from nemovideo.emulator.multipart import BATCH_BYTES

pytestmark = pytest.mark.anyio

BOUNDARY = "x-boundary-x"
CHUNK = 64 * 1024


def _session(world: Emulator) -> tuple[str, str]:
    token = world.create_user_token()
    user = world.store.tokens[token].user
    return token, world.store.new_session(user, "p", None).session_id


def _head(name: str = "big.mp4") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{name}"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()


async def _call(
    world: Emulator, token: str, path: str, chunks: Iterator[bytes], *, disconnect_after: int = 0
) -> tuple[int, bytes, int]:
    """Call the app with a chunked body read lazily; its status, body, and the bytes it read."""
    app = create_app(world)
    read = 0
    pieces = 0
    started: dict[str, Any] = {}
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal read, pieces
        if disconnect_after and pieces >= disconnect_after:
            return {"type": "http.disconnect"}
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        pieces += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        else:
            body.append(message.get("body", b""))

    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        (b"transfer-encoding", b"chunked"),
        (b"host", b"127.0.0.1"),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    return started["status"], b"".join(body), read


def _endless(head: bytes, limit_bytes: int) -> Iterator[bytes]:
    """The start of a multipart body, then file data up to ``limit_bytes`` (a test that
    read it all would fail instead of hanging on a real 2 GB body)."""
    yield head
    sent = 0
    while sent < limit_bytes:
        yield b"\0" * CHUNK
        sent += CHUNK


def _files(world: Emulator) -> list[Path]:
    uploads = world.folder / "uploads"
    return [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []


async def test_a_chunked_upload_past_the_limit_stops_being_read(tmp_path: Path) -> None:
    world = Emulator(folder=tmp_path)
    limit = 256 * 1024
    world.configure(max_upload_bytes=limit)
    token, session_id = _session(world)
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    status, body, read = await _call(world, token, path, _endless(_head(), 256 * 1024 * 1024))
    assert status == 413
    assert b'"code":4002' in body
    assert read <= limit + min(BATCH_BYTES, limit + 1) + CHUNK + len(_head())
    assert _files(world) == []


async def test_a_client_that_goes_away_mid_upload_leaves_no_file(tmp_path: Path) -> None:
    world = Emulator(folder=tmp_path)
    world.configure(max_upload_bytes=64 * 1024 * 1024)
    token, session_id = _session(world)
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    chunks = _endless(_head(), 64 * 1024 * 1024)
    status, _, read = await _call(world, token, path, chunks, disconnect_after=40)
    assert status == 400
    assert read < 3 * 1024 * 1024
    assert _files(world) == []


async def test_an_unsupported_file_is_refused_before_its_data_is_written(
    tmp_path: Path,
) -> None:
    world = Emulator(folder=tmp_path)
    token, session_id = _session(world)
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    status, body, _ = await _call(world, token, path, _endless(_head("tool.exe"), 1024 * 1024))
    assert (status, b'"code":4001' in body) == (400, True)
    assert _files(world) == []


async def test_a_file_within_the_limit_is_kept_whole(tmp_path: Path) -> None:
    world = Emulator(folder=tmp_path)
    token, session_id = _session(world)
    data = bytes(range(256)) * 4096  # 1 MiB
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    chunks = iter([_head("clip.mp4"), data[:300_000], data[300_000:], tail])
    path = f"/api/upload-video/nemo_agent/me/{session_id}"
    status, body, _ = await _call(world, token, path, chunks)
    assert status == 200, body
    kept = _files(world)
    assert len(kept) == 1
    assert kept[0].read_bytes() == data

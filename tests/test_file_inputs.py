"""Any file input to ``session.upload`` and the leaderboard: bytes, file objects (streamed,
never read whole), folders and URLs, the checks before anything is sent, and
``progress=True`` bars (with the ``progress`` extra and without it)."""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemovideo import FileTooLargeError, UnsupportedFileTypeError
from nemovideo._protocol.requests import CHUNK_SIZE
from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import make_clips

from .fake_service import TOKEN, FakeService, make_client
from .recorded import done

pytestmark = pytest.mark.anyio


class ChunkReader(io.RawIOBase):
    """A seekable binary file that records every read and refuses to be read whole."""

    def __init__(self, data: bytes, name: str | None = None) -> None:
        self._data = io.BytesIO(data)
        self.reads: list[int] = []
        if name is not None:
            self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._data.seek(offset, whence)

    def tell(self) -> int:
        return self._data.tell()

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the whole file was asked for")
        self.reads.append(size)
        return self._data.read(size)


class Pipe(io.RawIOBase):
    """A binary stream that cannot seek (a pipe, a socket)."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("a stream that cannot seek is never read")


class Huge(ChunkReader):
    """A seekable file that says it is 600 MB long (and is never read)."""

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return 600 * 1024 * 1024 if whence == io.SEEK_END else 0


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def client_for(kind: str, emulator: RunningEmulator, **kwargs: Any) -> Any:
    from nemovideo import AsyncNemoVideo, NemoVideo

    kwargs.setdefault("client_id", f"files-{kind}")
    cls = NemoVideo if kind == "sync" else AsyncNemoVideo
    return cls(base_url=emulator.url, **kwargs)


async def closing(client: Any) -> None:
    await done(client.aclose() if hasattr(client, "aclose") else client.close())


@pytest.fixture
def service() -> FakeService:
    return FakeService()


# -- every kind of input, against the emulator --------------------------------------


async def test_bytes_file_objects_folders_and_urls_upload_in_order(
    kind: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "b.mov").write_bytes(b"second in the folder")
    (folder / "a.mp4").write_bytes(b"first in the folder")
    (folder / "notes.txt").write_text("not media: left out")
    (folder / "inner").mkdir()
    opened_file = tmp_path / "opened.webm"
    opened_file.write_bytes(b"opened with open()")
    memory = os.urandom(3 * CHUNK_SIZE // 2)
    reader = ChunkReader(b"from a reader")
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        with opened_file.open("rb") as handle:
            uploads = await done(
                session.upload(
                    [
                        ("memory.mp4", memory),
                        ("reader.mp3", reader, "audio/mpeg"),
                        handle,
                        folder,
                        "https://media.example.com/videos/remote.mp4?sig=1",
                    ],
                    concurrency=2,
                )
            )
    finally:
        await closing(client)
    assert [u.filename for u in uploads] == [
        "memory.mp4",
        "reader.mp3",
        "opened.webm",
        "a.mp4",
        "b.mov",
        "remote.mp4",
    ]
    assert [u.hash for u in uploads[:5]] == [
        sha(memory),
        sha(b"from a reader"),
        sha(b"opened with open()"),
        sha(b"first in the folder"),
        sha(b"second in the folder"),
    ]
    assert uploads[5].cdn_url == "https://media.example.com/videos/remote.mp4?sig=1"
    assert [u.file_type for u in uploads] == ["video", "audio", "video", "video", "video", "video"]


async def test_a_file_object_is_streamed_in_chunks_from_where_it_stands(
    kind: str, emulator: RunningEmulator
) -> None:
    data = os.urandom(5 * CHUNK_SIZE // 2)
    reader = ChunkReader(b"skipped header" + data, name="/somewhere/streamed.mp4")
    reader.seek(len(b"skipped header"))
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        (upload,) = await done(session.upload(reader))
    finally:
        await closing(client)
    assert upload.filename == "streamed.mp4"
    assert upload.hash == sha(data), "sent from the position it was at"
    assert upload.size == len(data)
    assert len(reader.reads) >= 3
    assert max(reader.reads) <= CHUNK_SIZE


async def test_a_retried_upload_seeks_back_and_sends_a_file_object_again(
    kind: str, service: FakeService
) -> None:
    service.script("upload-video", httpx.ConnectError("refused"))
    session = make_client(kind, service, token=TOKEN).session("1")
    await done(session.upload(("clip.mp4", io.BytesIO(b"D" * 300_000))))
    attempts = [s.body for s in service.seen if "upload-video" in s.path]
    assert len(attempts) == 2
    assert attempts[0] == attempts[1]
    assert b"D" * 300_000 in attempts[1]


# -- the checks before anything is sent ---------------------------------------------


async def test_bad_inputs_are_refused_before_anything_is_sent(
    kind: str, service: FakeService, tmp_path: Path
) -> None:
    good = tmp_path / "ok.mp4"
    good.write_bytes(b"video")
    session = make_client(kind, service, token=TOKEN).session("1")
    cases: list[tuple[Any, type[Exception], str]] = [
        (b"raw bytes", TypeError, r"need a file name: pass \('clip\.mp4', data\)"),
        (io.BytesIO(b"x"), TypeError, "without a name"),
        (("clip.mp4", Pipe()), TypeError, "cannot seek"),
        (("clip.mp4", io.StringIO("text")), TypeError, "open it with 'rb'"),
        (("clip.mp4", 42), TypeError, "from a int"),
        ((b"clip.mp4", b"x"), TypeError, "needs a file name first"),
        (("clip.mp4", b"x", 3), TypeError, "media type"),
        (("notes.txt", b"x"), UnsupportedFileTypeError, r"\.txt files are not accepted"),
        (("clip.mp4", Huge(b"")), FileTooLargeError, "over the 500 MB limit"),
        (12, TypeError, "pass a path, a folder, an http"),
        ([], ValueError, "no files to upload"),
        (tmp_path / "missing.mp4", FileNotFoundError, r"missing\.mp4"),
    ]
    for bad, error, message in cases:
        with pytest.raises(error, match=message):
            await done(session.upload([good, bad] if bad != [] else bad))
    shared = io.BytesIO(b"one stream")
    with pytest.raises(ValueError, match="the same file object is given twice"):
        await done(session.upload([("a.mp4", shared), ("b.mp4", shared)]))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=r"no aac/avi/.* files in the folder"):
        await done(session.upload(empty))
    assert service.seen == []


def test_a_tuple_of_paths_is_several_files_and_a_file_tuple_is_one() -> None:
    from nemovideo._protocol.uploads import check_files

    pair = check_files(("a.mp4", b"data"))
    assert [(s.name, s.size) for s in pair] == [("a.mp4", 4)]
    with pytest.raises(FileNotFoundError, match=r"a\.mp4"):
        check_files(("a.mp4", "b.mp4"))  # two paths, checked on disk


def test_the_cli_and_the_sdk_expand_folders_by_one_rule(tmp_path: Path) -> None:
    import importlib

    from nemovideo._protocol import uploads

    cli = importlib.import_module("nemovideo.cli.app")
    assert cli.expand_folders is uploads.expand_folders
    assert (
        importlib.import_module("nemovideo.cli.leaderboard").expand_folders
        is uploads.expand_folders
    )
    (tmp_path / "b.mp4").write_bytes(b"b")
    (tmp_path / "a.png").write_bytes(b"a")
    assert uploads.expand_folders([tmp_path], uploads.VIDEO_EXTENSIONS) == [tmp_path / "b.mp4"]
    assert [s.name for s in uploads.check_files(tmp_path)] == ["a.png", "b.mp4"]


async def test_the_leaderboard_takes_a_folder_and_clips_in_memory(
    kind: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    emulator.emulator.configure(video_renderer="placeholder")
    folder = tmp_path / "clips"
    folder.mkdir()
    made = make_clips(folder, n=3, seconds=1, seed=5, size=(96, 64))
    (folder / "cover.png").write_bytes(b"an image: not a clip of the folder")
    extra = made.pop()
    data = extra.read_bytes()
    extra.unlink()
    client = client_for(kind, emulator)
    try:
        board = await done(
            client.leaderboard(
                [folder, ("memory.mp4", io.BytesIO(data))], top=2, output=tmp_path / "b.mp4"
            )
        )
    finally:
        await closing(client)
    assert sorted(e.clip for e in board.entries) == sorted([p.name for p in made] + ["memory.mp4"])


# -- progress bars ---------------------------------------------------------------------


async def test_progress_draws_a_bar_of_the_bytes_sent(
    kind: str, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        await done(session.upload(("a.mp4", b"A" * 300_000)))
        assert capsys.readouterr().err == "", "nothing is drawn unless asked"
        seen: list[tuple[int, int]] = []
        await done(
            session.upload(
                [("a.mp4", b"A" * 300_000), ("b.mp4", b"B" * 200_000)],
                on_progress=lambda sent, total: seen.append((sent, total)),
                progress=True,
            )
        )
    finally:
        await closing(client)
    drawn = capsys.readouterr().err
    assert "upload: 100%" in drawn
    assert seen[-1][0] == seen[-1][1], "on_progress is still called"


async def test_the_render_and_its_download_draw_bars(
    kind: str, emulator: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.emulator.configure(video_renderer="placeholder", render_seconds=0.2)
    client = client_for(kind, emulator)
    try:
        session = await done(client.create_session())
        opened = session.send("generate a video of city lights")
        turn = await done(opened) if kind == "async" else opened
        await done(turn.result())
        render = await done(session.export())
        await done(render.wait(poll_interval=0.05, progress=True))
        path = await done(render.download(tmp_path / "out.mp4", progress=True))
    finally:
        await closing(client)
    drawn = capsys.readouterr().err
    assert "render: 100%" in drawn
    assert "download: 100%" in drawn
    assert path.stat().st_size > 0


def test_the_leaderboard_draws_one_bar_over_its_stages(
    emulator: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.emulator.configure(video_renderer="placeholder")
    clips = make_clips(tmp_path, n=2, seconds=1, seed=3, size=(96, 64))
    with client_for("sync", emulator) as client:
        client.leaderboard(clips, output=tmp_path / "b.mp4", progress=True)
    drawn = capsys.readouterr().err
    assert "leaderboard: 100%" in drawn
    assert "downloading" in drawn


async def test_progress_without_the_extra_names_it_and_sends_nothing(
    kind: str, service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # as if tqdm were not installed
    session = make_client(kind, service, token=TOKEN).session("1")
    with pytest.raises(ImportError, match=r"pip install 'nemovideo\[progress\]'"):
        await done(session.upload(("a.mp4", b"A"), progress=True))
    assert service.seen == []
    uploads = await done(session.upload(("a.mp4", b"A")))  # off: no bar, no error
    assert [u.filename for u in uploads] == ["a.mp4"]

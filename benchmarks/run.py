"""Benchmarks: the SDK against plain httpx, side by side, on loopback (not tests).

    python benchmarks/run.py            # prints a table, writes benchmarks/results/latest.json
    python benchmarks/run.py --quick    # smaller sizes, for a smoke run
    python benchmarks/run.py --only sse # one section (client, turns, polling, sse, import,
                                        # render, scale)

Every figure is a ratio to its baseline measured in the same run on the same machine,
against an emulator in a separate process on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import attrs
import httpx

from nemovideo import AsyncNemoVideo, NemoVideo

RESULTS = Path(__file__).parent / "results"


@contextmanager
def emulator_process() -> Iterator[str]:
    """An emulator in its own process (so the client's memory and CPU are its own)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "nemovideo.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        if match is None:
            raise RuntimeError(f"the emulator did not start: {line!r}")
        token = re.search(r"control token: (\S+)", process.stdout.readline())
        if token is None:
            raise RuntimeError("the emulator did not print its control token")
        CONTROL_TOKENS[match.group(0)] = token.group(1)
        yield match.group(0)
    finally:
        process.terminate()
        process.wait(10)


CONTROL_TOKENS: dict[str, str] = {}
"""The control token of each emulator process, by URL (it prints it at start)."""


def control_headers(url: str) -> dict[str, str]:
    """The header that lets a call steer the emulator process at ``url``."""
    return {"X-Emulator-Control": CONTROL_TOKENS[url]}


def control(url: str, action: str, body: dict[str, Any] | None = None) -> Any:
    """Steer the emulator process through its control routes."""
    return httpx.post(
        f"{url}/_emulator/{action}", json=body or {}, headers=control_headers(url)
    ).json()


# -- timing helpers ---------------------------------------------------------------------------


@attrs.define
class Clock:
    """Seconds a ``with`` block took (``seconds`` is set when the block ends)."""

    seconds: float = 0.0


@contextmanager
def stopwatch(totals: dict[str, float] | None = None, side: str = "") -> Iterator[Clock]:
    """Time a block; with ``totals``, also add its seconds to ``totals[side]``."""
    clock = Clock()
    started = time.perf_counter()
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - started
        if totals is not None:
            totals[side] = totals.get(side, 0.0) + clock.seconds


def keep_fastest(best: dict[str, Any], side: str, seconds: float, **figures: Any) -> None:
    """Keep a run in ``best[side]`` when it is that side's fastest so far."""
    if side not in best or seconds < best[side]["seconds"]:
        best[side] = {"seconds": seconds, **figures}


# -- per-call overhead ---------------------------------------------------------------------


def overhead(url: str, calls: int) -> dict[str, Any]:
    """``client.credits()`` against the same request made with bare httpx.

    The bare requests carry the same headers the SDK sends (the token and the three
    attribution headers the protocol asks for), so both ask the server for the same
    work. The two loops alternate in blocks of 50 calls, so a slow moment of the
    machine or the server falls on both alike; each side's figure is its best of
    three rounds.
    """
    token = control(url, "user-token", {"credits": 10})["token"]
    path = f"{url}/api/credits/balance/simple"
    block = 50

    best: dict[str, Any] = {}

    with NemoVideo(base_url=url, token=token) as client, httpx.Client() as bare:
        headers = {"Authorization": f"Bearer {token}", **client.settings.attribution.headers()}
        for _ in range(100):
            client.credits()
            bare.get(path, headers=headers).json()
        for _ in range(3):
            totals: dict[str, float] = {}
            for _ in range(calls // block):
                with stopwatch(totals, "bare"):
                    for _ in range(block):
                        bare.get(path, headers=headers).json()
                with stopwatch(totals, "sdk"):
                    for _ in range(block):
                        client.credits()
            for side, seconds in totals.items():
                keep_fastest(best, f"sync_{side}", seconds)

    async def run_async() -> None:
        async with (
            AsyncNemoVideo(base_url=url, token=token) as client,
            httpx.AsyncClient() as bare,
        ):
            headers = {"Authorization": f"Bearer {token}", **client.settings.attribution.headers()}
            for _ in range(100):
                await client.credits()
                (await bare.get(path, headers=headers)).json()
            for _ in range(3):
                totals: dict[str, float] = {}
                for _ in range(calls // block):
                    with stopwatch(totals, "bare"):
                        for _ in range(block):
                            (await bare.get(path, headers=headers)).json()
                    with stopwatch(totals, "sdk"):
                        for _ in range(block):
                            await client.credits()
                for side, seconds in totals.items():
                    keep_fastest(best, f"async_{side}", seconds)

    asyncio.run(run_async())
    return {
        kind: (best[f"{kind}_sdk"]["seconds"], best[f"{kind}_bare"]["seconds"])
        for kind in ("sync", "async")
    }


# -- a big upload: throughput, memory, event loop --------------------------------------------


class _Sink(socketserver.BaseRequestHandler):
    """Reads one HTTP request body of any size, discards it, answers like E5."""

    def handle(self) -> None:
        sock, buffer = self.request, bytearray(1 << 20)
        while True:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                head += chunk
            header, _, rest = head.partition(b"\r\n\r\n")
            match = re.search(rb"(?i)content-length:\s*(\d+)", header)
            remaining = int(match.group(1)) - len(rest) if match else 0
            while remaining > 0:
                got = sock.recv_into(buffer, min(len(buffer), remaining))
                if not got:
                    return
                remaining -= got
            body = b'{"code":0,"data":{"files":[{"filename":"big.mp4","file_type":"video"}]}}'
            sock.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )


@contextmanager
def sink_server() -> Iterator[str]:
    """A loopback server that only reads upload bodies, so disk speed is not measured."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class PeakRss:
    """Samples this process's resident memory every 5 ms; ``growth`` is peak minus start."""

    def __init__(self) -> None:
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.start


def big_upload(url: str, megabytes: int) -> dict[str, Any]:
    """One big file, with the SDK and with bare httpx multipart (``Client`` beside the
    sync SDK, ``AsyncClient`` beside the async one), to a server at ``url`` that only
    reads the bytes (see :func:`sink_server`); then the async SDK once more under a
    10 ms ticker, to see whether the event loop stays free."""
    token = "nmv_usr_benchmark"  # noqa: S105 - the sink checks no token
    headers = {"Authorization": f"Bearer {token}"}
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.mp4"
        with path.open("wb") as handle:
            block = os.urandom(1 << 20)
            for _ in range(megabytes):
                handle.write(block)
        size = path.stat().st_size
        path.read_bytes()  # warm the page cache so no variant pays for the first read
        upload_url = f"{url}/api/upload-video/nemo_agent/me/1"

        def form(source: Any) -> dict[str, Any]:
            return {"files": {"files": ("big.mp4", source, "video/mp4")}, "headers": headers}

        with NemoVideo(base_url=url, token=token) as client, httpx.Client(timeout=600) as bare:
            session = client.session("1")
            for _ in range(3):  # alternate, keep the fastest of each
                with PeakRss() as memory, stopwatch() as clock, path.open("rb") as source:
                    bare.post(upload_url, **form(source)).raise_for_status()
                keep_fastest(result, "bare", clock.seconds, rss_growth=memory.growth)
                with PeakRss() as memory, stopwatch() as clock:
                    session.upload(path)
                keep_fastest(result, "sdk_sync", clock.seconds, rss_growth=memory.growth)

        async def run_async() -> None:
            async with (
                AsyncNemoVideo(base_url=url, token=token) as client,
                httpx.AsyncClient(timeout=600) as bare,
            ):
                session = client.session("1")
                for _ in range(3):
                    with PeakRss() as memory, stopwatch() as clock, path.open("rb") as source:
                        (await bare.post(upload_url, **form(source))).raise_for_status()
                    keep_fastest(result, "bare_async", clock.seconds, rss_growth=memory.growth)
                    with PeakRss() as memory, stopwatch() as clock:
                        await session.upload(path)
                    keep_fastest(result, "sdk_async", clock.seconds, rss_growth=memory.growth)
                result["ticks_kept"] = await _ticks_kept(session.upload(path))

        asyncio.run(run_async())
    result["bytes"] = size
    return result


async def _ticks_kept(work: Any) -> float:
    """Share of a 10 ms ticker's ticks that still happen while ``work`` is awaited."""
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    with stopwatch() as clock:
        await work
    task.cancel()
    expected = clock.seconds / 0.01
    return min(1.0, ticks / expected) if expected >= 1 else 1.0


# -- SSE decoding ---------------------------------------------------------------------------


def sse(frames: int) -> dict[str, float]:
    """Bytes of ADK frames to typed events (SDK) versus httpx-sse, in 64 KiB chunks.

    The SDK side is what a turn runs: ``SSEDecoder`` then ``decode_frame`` into the
    typed event models. Its baseline is httpx-sse followed by ``json.loads`` of each
    event's data (what a hand-written client does to get dicts); httpx-sse alone
    (raw events, no JSON) and ``json.loads`` alone are reported beside it, and so is
    the decoder alone, on LF and on CRLF line ends.
    """
    from httpx_sse import EventSource

    from nemovideo._protocol.events import decode_frame
    from nemovideo._protocol.sse import SSEDecoder

    event = {
        "id": "e-1",
        "invocationId": "e-inv",
        "author": "nemo_agent",
        "timestamp": 1732400000.25,
        "partial": True,
        "content": {"role": "model", "parts": [{"text": "Ranking your clips now, one moment"}]},
    }
    line = b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"
    body = line * frames
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    crlf = body.replace(b"\n", b"\r\n")  # as sse-starlette writes its frames
    crlf_chunks = [crlf[i : i + 65536] for i in range(0, len(crlf), 65536)]

    def ours() -> int:
        decoder, count = SSEDecoder(), 0
        for chunk in chunks:
            for frame in decoder.feed(chunk):
                decode_frame(frame)
                count += 1
        return count

    def events(parts: list[bytes]) -> Iterator[Any]:
        response = httpx.Response(
            200, content=iter(parts), headers={"content-type": "text/event-stream"}
        )
        return EventSource(response).iter_sse()

    def theirs(parts: list[bytes] = chunks) -> int:
        return sum(1 for _ in events(parts))

    def theirs_json() -> int:
        count = 0
        for item in events(chunks):
            json.loads(item.data)
            count += 1
        return count

    def frames_only(parts: list[bytes] = chunks) -> int:
        decoder = SSEDecoder()
        return sum(len(decoder.feed(chunk)) for chunk in parts)

    payloads = [line[6:-2].decode()] * frames

    def json_only() -> int:
        # The floor for any decoder built on the standard library's JSON parser.
        count = 0
        for payload in payloads:
            json.loads(payload)
            count += 1
        return count

    jobs = (
        ("sdk", ours),
        ("httpx_sse_json", theirs_json),
        ("httpx_sse", theirs),
        ("sdk_frames", frames_only),
        ("json_only", json_only),
        ("httpx_sse_crlf", lambda: theirs(crlf_chunks)),
        ("sdk_frames_crlf", lambda: frames_only(crlf_chunks)),
    )
    best: dict[str, Any] = {}
    for _ in range(5):
        for name, job in jobs:
            with stopwatch() as clock:
                assert job() == frames
            keep_fastest(best, name, clock.seconds)
    return {name: run["seconds"] for name, run in best.items()}


def sse_long_line(megabytes: int) -> dict[str, float]:
    """Milliseconds per MB of one long ``data:`` line: ``megabytes`` MB whole (one chunk)
    and in 1 KiB chunks, then a tenth of that byte by byte, and a quarter of the tenth.

    A linear decoder pays per chunk, not per byte it already holds: 1 KiB chunks cost
    a few times the whole line (one that joins or splits all it holds with each chunk:
    hundreds of times), and byte by byte the figure stays flat from a quarter of the
    size to all of it (it grows about 4x if not)."""
    from nemovideo._protocol.sse import ServerSentEvent, SSEDecoder

    def feed(size: int, step: int) -> float:
        body = b"data: " + b"x" * size + b"\n\n"
        parts = [body[i : i + step] for i in range(0, len(body), step)]
        best = float("inf")
        for _ in range(5):
            decoder = SSEDecoder()
            with stopwatch() as clock:
                frames = [frame for part in parts for frame in decoder.feed(part)]
            assert frames == [ServerSentEvent("x" * size)]
            best = min(best, clock.seconds)
        return best * 1e3 / (size / 1e6)

    size = megabytes * 1_000_000
    return {
        "whole_ms_per_mb": feed(size, size + 8),
        "kib_chunks_ms_per_mb": feed(size, 1024),
        "byte_chunks_ms_per_mb": feed(size // 10, 1),
        "byte_chunks_quarter_ms_per_mb": feed(size // 40, 1),
    }


# -- import time ------------------------------------------------------------------------------


def cached_bytecode_env() -> dict[str, str]:
    """The environment for timing imports as installed packages run: with their bytecode
    cached (the first run writes it; the fastest run is kept), whatever this shell says
    about writing it."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def import_time() -> dict[str, float]:
    """Seconds each import statement costs, from ``python -X importtime`` (best of 7,
    bytecode cached).

    A statement's cost is the sum of the cumulative times of the top-level imports
    it triggers, less what the interpreter imports for ``pass`` (its own start-up).
    What a statement adds over ``import httpx`` (or ``import pytest``) is measured in
    the same process, after that import: no difference of two noisy runs.
    """

    env = cached_bytecode_env()

    def importtime(code: str, after: str | None = None) -> float:
        runs = []
        for _ in range(7):
            done = subprocess.run(  # noqa: S603
                [sys.executable, "-X", "importtime", "-c", code],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            runs.append(_top_level_import_seconds(done.stderr, after))
        return min(runs)

    startup = importtime("pass")
    return {
        "httpx": importtime("import httpx") - startup,
        "nemovideo": importtime("import nemovideo") - startup,
        "client_over_httpx": importtime("import httpx; from nemovideo import NemoVideo", "httpx"),
        "async_client_over_httpx": importtime(
            "import httpx; from nemovideo import AsyncNemoVideo", "httpx"
        ),
        "pytest": importtime("import pytest") - startup,
        "plugin_over_pytest": importtime("import pytest; import nemovideo.pytest_plugin", "pytest"),
    }


def pytest_start() -> dict[str, float]:
    """Wall seconds of a whole ``pytest`` start that collects one test and uses no fixture
    of ours, with the plugin and without it (``-p no:nemovideo``): fastest of 7 each,
    taken in turn."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "test_nothing.py").write_text("def test_nothing():\n    pass\n")
        base = [sys.executable, "-m", "pytest", "-q", "--co", "-p", "no:cacheprovider"]
        sides = {"with_plugin": base, "without_plugin": [*base, "-p", "no:nemovideo"]}
        best = {side: float("inf") for side in sides}
        for _ in range(7):
            for side, command in sides.items():
                started = time.perf_counter()
                subprocess.run(  # noqa: S603
                    command, cwd=folder, check=True, capture_output=True, env=cached_bytecode_env()
                )
                best[side] = min(best[side], time.perf_counter() - started)
    return best


def _top_level_import_seconds(report: str, after: str | None = None) -> float:
    """Sum of the cumulative column of the un-nested lines of an ``importtime`` report;
    with ``after``, only of those that come after the top-level import of that module
    (what the rest of the statement added, in the same process)."""
    total = 0
    counting = after is None
    for line in report.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if not name.startswith(" ") or name.startswith("  "):
            continue  # nested: already counted in its parent's cumulative time
        if counting:
            total += int(cumulative)
        elif name.strip() == after:
            counting = True
    return total / 1e6


# -- concurrent uploads -------------------------------------------------------------------------


def ten_uploads(url: str) -> dict[str, float]:
    """Ten small files to a server that answers each after 200 ms."""
    token = control(url, "user-token", {"credits": 10})["token"]
    control(url, "faults", {"path": "/upload-video/", "delay": 0.2, "times": 100})
    with tempfile.TemporaryDirectory() as folder, NemoVideo(base_url=url, token=token) as client:
        files = []
        for index in range(10):
            path = Path(folder) / f"clip{index}.mp4"
            path.write_bytes(os.urandom(10_000))
            files.append(path)
        session = client.create_session()
        with stopwatch() as one_by_one:
            for path in files:
                session.upload(path)
        with stopwatch() as batch:
            session.upload(files, concurrency=len(files))
    httpx.delete(f"{url}/_emulator/faults", headers=control_headers(url))
    return {"sequential": one_by_one.seconds, "concurrent": batch.seconds}


# -- many turns at once on one async client -----------------------------------------------------


async def _turn_batch(url: str, token: str, turns: int, limited: bool) -> float:
    """Seconds for ``turns`` tasks, each making a session and running one short turn on it,
    all at once on one async client: with the client's permits (``max_concurrency``,
    default 64), or without them on the pool the SDK had before (httpx's default limits)."""
    from nemovideo._transport import http_client_options

    async def batch(client: AsyncNemoVideo) -> float:
        async def one() -> None:
            session = await client.create_session()
            async with await session.send("hello") as turn:
                await turn.result()

        with stopwatch() as clock:  # from a cold pool, as a new client starts
            async with anyio.create_task_group() as group:
                for _ in range(turns):
                    group.start_soon(one)
        return clock.seconds

    if limited:
        async with AsyncNemoVideo(base_url=url, token=token) as client:
            return await batch(client)
    async with (
        httpx.AsyncClient(**http_client_options(asynchronous=True)) as pool,
        AsyncNemoVideo(
            base_url=url, token=token, http_client=pool, max_concurrency=10**6
        ) as client,
    ):
        return await batch(client)


def turn_throughput(
    url: str, sizes: tuple[int, ...], backends: tuple[str, ...], rounds: int
) -> dict[str, float]:
    """Short turns per second, ``"<backend>_<turns>_<limited|unlimited>"`` -> turns/s, the
    median of ``rounds`` (the sides alternate, so a slow moment falls on both alike; a
    collapse comes and goes from one run to the next, so the best run would hide it)."""
    import statistics

    token = control(url, "user-token", {"credits": 10**7})["token"]
    control(url, "config", {"think_seconds": 0.0, "heartbeat_seconds": None})
    runs: dict[str, list[float]] = {}
    for _ in range(rounds):
        for backend in backends:
            for turns in sizes:
                for limited in (True, False):
                    seconds = anyio.run(_turn_batch, url, token, turns, limited, backend=backend)
                    key = f"{backend}_{turns}_{'limited' if limited else 'unlimited'}"
                    runs.setdefault(key, []).append(turns / seconds)
    return {key: statistics.median(values) for key, values in runs.items()}


@contextmanager
def emulator_here() -> Iterator[str]:
    """An emulator served from a thread of this process: it shares the client's GIL, as the
    test suite's emulator does (where the collapse without permits was first measured)."""
    from nemovideo.emulator import serve

    with serve() as running:
        CONTROL_TOKENS[running.url] = running.control_token
        yield running.url


# -- render polling: leaderboard jobs per hour -----------------------------------------------------

SCHEDULES: dict[str, tuple[float, float, float] | float] = {
    "2s x1.5 to 15s (vendor CLI)": (2.0, 1.5, 15.0),
    "1s x1.5 to 5s (default)": (1.0, 1.5, 5.0),
    "0.5s x1.5 to 15s": (0.5, 1.5, 15.0),
    "0.5s fixed": 0.5,
}
"""Polling schedules compared: first wait, growth, cap (a growing schedule), or a fixed
interval (``poll_interval=``); the first is the baseline of the rows."""


@contextmanager
def polling_schedule(schedule: tuple[float, float, float] | float) -> Iterator[float | None]:
    """The ``poll_interval`` to pass for ``schedule``; a growing one is set for the block in
    place of the default (the benchmark compares candidates for the default)."""
    from nemovideo._protocol import render

    if not isinstance(schedule, tuple):
        yield schedule
        return
    saved = render.FIRST_POLL, render.POLL_GROWTH, render.MAX_POLL
    render.FIRST_POLL, render.POLL_GROWTH, render.MAX_POLL = schedule
    try:
        yield None
    finally:
        render.FIRST_POLL, render.POLL_GROWTH, render.MAX_POLL = saved


def leaderboard_jobs(
    url: str,
    clips: list[Path],
    folder: Path,
    schedule: tuple[float, float, float] | float,
    jobs: int,
) -> dict[str, float]:
    """``jobs`` leaderboards at once on one async client: mean seconds per job and render
    status reads per job."""
    token = control(url, "user-token", {"credits": 100 * jobs})["token"]
    before = sum("/render/proxy/lambda/" in r["path"] for r in control_get(url, "requests"))
    durations: list[float] = []

    async def run_all(poll_interval: float | None) -> None:
        async with AsyncNemoVideo(base_url=url, token=token) as client:

            async def one(index: int) -> None:
                with stopwatch() as clock:
                    await client.leaderboard(
                        clips, top=2, output=folder / f"job{index}.mp4", poll_interval=poll_interval
                    )
                durations.append(clock.seconds)

            async with anyio.create_task_group() as group:
                for index in range(jobs):
                    group.start_soon(one, index)

    with polling_schedule(schedule) as poll_interval:
        anyio.run(run_all, poll_interval)
    polls = sum("/render/proxy/lambda/" in r["path"] for r in control_get(url, "requests"))
    return {"seconds": sum(durations) / len(durations), "polls": (polls - before) / jobs}


def control_get(url: str, action: str) -> Any:
    """Read from the emulator process's control routes."""
    return httpx.get(f"{url}/_emulator/{action}", headers=control_headers(url)).json()


def render_polling(render_seconds: tuple[float, ...], jobs: int) -> dict[str, dict[str, Any]]:
    """Per-job seconds, jobs per hour (one client keeping ``jobs`` going) and status reads
    per job, for each schedule and each render duration (the emulator's placeholder
    renderer, so a render takes exactly that long)."""
    from nemovideo.emulator.samples import make_clips

    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        clips = make_clips(Path(folder) / "clips", n=3, seconds=1, size=(160, 96))
        for seconds in render_seconds:
            control(url, "config", {"video_renderer": "placeholder", "render_seconds": seconds})
            for name, schedule in SCHEDULES.items():
                job = leaderboard_jobs(url, clips, Path(folder), schedule, jobs)
                figures[f"{seconds:g}s render, {name}"] = {
                    "job_s": round(job["seconds"], 2),
                    "jobs_per_hour": round(3600 * jobs / job["seconds"]),
                    "polls_per_job": round(job["polls"], 1),
                }
    return figures


# -- many leaderboards on worker processes ------------------------------------------------------


def scale_batches(
    url: str,
    clips: list[Path],
    folder: Path,
    workers: int,
    per_worker: int,
    poll_interval: float = 0.5,
) -> dict[str, float]:
    """Leaderboard batches on ``workers`` processes against the emulator at ``url``:
    ``workers * per_worker`` batches timed from the first submission to the last result,
    after one untimed batch per worker (processes started, clients made). Renders are
    read every ``poll_interval`` seconds, so a batch ends when its render does rather
    than at the next step of the growing default schedule."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from nemovideo.workflows import LeaderboardJob, run_leaderboards

    token = control(url, "user-token", {"credits": 1_000_000})["token"]
    with NemoVideo(base_url=url, token=token) as client:
        settings = client.worker_settings(include_token=True)

    def jobs(tag: str, count: int) -> list[LeaderboardJob]:
        return [
            LeaderboardJob(clips, top=len(clips), output=str(folder / f"{tag}{i}.mp4"))
            for i in range(count)
        ]

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        warm = jobs(f"warm{workers}_", workers)
        for result in run_leaderboards(pool, warm, settings=settings, poll_interval=poll_interval):
            result.unwrap()
        with stopwatch() as clock:
            results = run_leaderboards(
                pool,
                jobs(f"timed{workers}_", workers * per_worker),
                settings=settings,
                poll_interval=poll_interval,
            )
    for result in results:
        result.unwrap()  # a failed batch fails the benchmark
    batch_seconds = sorted(result.seconds for result in results)
    return {
        "batches": len(results),
        "seconds": clock.seconds,
        "batches_per_hour": 3600 * len(results) / clock.seconds,
        "median_batch_s": batch_seconds[len(batch_seconds) // 2],
    }


def scale(workers: tuple[int, ...], per_worker: int) -> dict[int, dict[str, float]]:
    """Batches an hour for each number of worker processes, against one emulator in its
    own process rendering full-size 1080p MP4s; a batch is one leaderboard of three
    3-second 1280x720 clips."""
    from nemovideo.emulator.samples import make_clips

    figures: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        clips = make_clips(Path(folder) / "clips", n=3, seconds=3)
        for count in workers:
            figures[count] = scale_batches(url, clips, Path(folder), count, per_worker)
    return figures


# -- the emulator's renderer ---------------------------------------------------------------------


def render_speed() -> dict[str, float]:
    """Frames per second of the emulator rendering a 10 s 1920x1080 leaderboard."""
    import hashlib
    import shutil

    from nemovideo.emulator.agent import leaderboard_draft
    from nemovideo.emulator.render import render_draft
    from nemovideo.emulator.samples import make_clips

    with tempfile.TemporaryDirectory() as folder:
        uploads = Path(folder) / "uploads"
        ranked = []
        for rank, clip in enumerate(make_clips(Path(folder) / "c", n=2, seconds=4), 1):
            digest = hashlib.sha256(clip.read_bytes()).hexdigest()
            (uploads / digest).mkdir(parents=True)
            shutil.copy(clip, uploads / digest / clip.name)
            url = f"http://localhost/cdn/uploads/{digest}/{clip.name}"
            metrics = {"duration_s": 4.0}
            ranked.append(
                {"clip": clip.name, "score": 50.0, "rank": rank, "cdn_url": url, "metrics": metrics}
            )
        draft = leaderboard_draft(ranked, 2, 1920, 1080)
        frames: list[int] = [0]
        with stopwatch() as clock:
            render_draft(
                draft,
                Path(folder) / "out.mp4",
                uploads,
                on_frame=lambda d, t: frames.__setitem__(0, d),
            )
    return {"frames": frames[0], "seconds": clock.seconds, "fps": frames[0] / clock.seconds}


SECTIONS = ("client", "turns", "polling", "sse", "import", "render", "scale", "memory")
"""The runner's sections: calls, uploads (against the emulator); many turns at once on one
client; render polling schedules; SSE decoding; imports; renders; leaderboard batches on
1, 2 and 4 worker processes; the emulator's memory over a hundred renders."""


def emulator_memory(renders: int) -> dict[str, Any]:
    """``benchmarks/emulator_memory.py`` in a process of its own (a clean RSS)."""
    script = str(Path(__file__).with_name("emulator_memory.py"))
    done = subprocess.run(  # noqa: S603 - this interpreter and a script of this folder
        [sys.executable, script, "--renders", str(renders), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def row(
    name: str, sdk: float, base: float, target: str, met: bool, unit: str = "s"
) -> dict[str, Any]:
    """One line of the table."""
    return {
        "figure": name,
        "sdk": round(sdk, 4),
        "baseline": round(base, 4),
        "ratio": round(sdk / base, 3) if base else None,
        "unit": unit,
        "target": target,
        "met": met,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmarks (all sections, or those of ``--only``), print the table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable); the JSON file is then not written",
    )
    args = parser.parse_args(argv)
    wanted = set(args.only or SECTIONS)
    calls = 300 if args.quick else 2000
    megabytes = 50 if args.quick else 500
    frames = 10_000 if args.quick else 100_000
    rows: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    if "client" in wanted:
        with emulator_process() as url:
            per_call = overhead(url, calls)
            for kind in ("sync", "async"):
                sdk, base = per_call[kind]
                ratio = sdk / base
                rows.append(
                    row(
                        f"{calls} credits() calls, {kind}",
                        sdk,
                        base,
                        "SDK/bare <= 1.10",
                        ratio <= 1.10,
                    )
                )
            with sink_server() as sink:
                upload = big_upload(sink, megabytes)
            for kind, baseline in (("sync", "bare"), ("async", "bare_async")):
                base = upload[baseline]["seconds"]
                seconds = upload[f"sdk_{kind}"]["seconds"]
                throughput = base / seconds
                growth = upload[f"sdk_{kind}"]["rss_growth"] / 2**20
                ok = throughput >= 0.9 and growth <= 32
                rows.append(
                    row(
                        f"{megabytes} MB upload, {kind} (time)",
                        seconds,
                        base,
                        ">= 0.9x throughput, <= 32 MiB",
                        ok,
                    )
                )
                extra[f"upload_{kind}_rss_growth_mib"] = round(growth, 1)
                extra[f"upload_{baseline}_rss_growth_mib"] = round(
                    upload[baseline]["rss_growth"] / 2**20, 1
                )
            ticks = upload["ticks_kept"]
            extra["async_upload_ticks_kept"] = round(ticks, 3)
            rows.append(
                row(
                    "10 ms ticker during async upload (share kept)",
                    ticks,
                    1.0,
                    ">= 0.90",
                    ticks >= 0.9,
                    "share",
                )
            )
            batch = ten_uploads(url)
            speedup = batch["sequential"] / batch["concurrent"]
            rows.append(
                row(
                    "ten uploads, 200 ms each (batch vs one by one)",
                    batch["concurrent"],
                    batch["sequential"],
                    ">= 5x faster",
                    speedup >= 5,
                )
            )
    if "turns" in wanted:
        sizes = (50, 200, 500)
        backends = ("asyncio", "trio")
        places = {"own process": (emulator_process, 3), "this process": (emulator_here, 1)}
        for place, (serving, rounds) in places.items():
            with serving() as url:
                rates = turn_throughput(url, sizes, backends, 1 if args.quick else rounds)
            extra[f"turns_per_second, emulator in {place}"] = {
                key: round(value, 1) for key, value in rates.items()
            }
            for backend in backends:
                for turns in sizes:
                    rows.append(
                        row(
                            f"{turns} short turns at once, {backend}, emulator in {place}, "
                            "turns/s (64 permits vs none)",
                            rates[f"{backend}_{turns}_limited"],
                            rates[f"{backend}_{turns}_unlimited"],
                            "reported",
                            True,
                            "turns/s",
                        )
                    )
                rows.append(
                    row(
                        f"500 vs 50 short turns at once, {backend}, emulator in {place}, "
                        "turns/s with 64 permits",
                        rates[f"{backend}_500_limited"],
                        rates[f"{backend}_50_limited"],
                        "reported",
                        True,
                        "turns/s",
                    )
                )
    if "polling" in wanted:
        durations = (1.0, 8.0) if args.quick else (1.0, 8.0, 28.0)
        schedules = render_polling(durations, jobs=4)
        extra["render_polling"] = schedules
        default = next(iter(SCHEDULES))
        for key, measured in schedules.items():
            render_part = key.split(", ", 1)[0]
            base = schedules[f"{render_part}, {default}"]
            rows.append(
                row(
                    f"leaderboard jobs/hour, {key} ({measured['polls_per_job']} polls/job)",
                    measured["jobs_per_hour"],
                    base["jobs_per_hour"],
                    f"reported (baseline: {default})",
                    True,
                    "jobs/h",
                )
            )
    if "sse" in wanted:
        decoding = sse(frames)
        floor = 0.3  # the typed stream keeps at least this share of the baseline's speed
        share = decoding["httpx_sse_json"] / decoding["sdk"]
        extra["sse_us_per_frame"] = {
            side: round(seconds / frames * 1e6, 3) for side, seconds in decoding.items()
        }
        rows.append(
            row(
                f"SSE: {frames} ADK frames to typed events (vs httpx-sse + json.loads)",
                decoding["sdk"],
                decoding["httpx_sse_json"],
                f"speed >= {floor}x (time ratio <= {1 / floor:.2f})",
                share >= floor,
            )
        )
        rows.append(
            row(
                f"SSE: {frames} ADK frames to typed events (vs httpx-sse alone)",
                decoding["sdk"],
                decoding["httpx_sse"],
                "reported",
                True,
            )
        )
        rows.append(
            row(
                f"SSE: {frames} JSON payloads, json.loads alone",
                decoding["json_only"],
                decoding["httpx_sse"],
                "reported",
                True,
            )
        )
        rows.append(
            row(
                f"SSE: {frames} frames, decoder alone (no JSON)",
                decoding["sdk_frames"],
                decoding["httpx_sse"],
                "reported",
                True,
            )
        )
        rows.append(
            row(
                f"SSE: {frames} CRLF frames, decoder alone (no JSON)",
                decoding["sdk_frames_crlf"],
                decoding["httpx_sse_crlf"],
                "reported",
                True,
            )
        )
        long_line = sse_long_line(10)
        extra["sse_long_line_ms_per_mb"] = {key: round(v, 3) for key, v in long_line.items()}
        chunked, whole = long_line["kib_chunks_ms_per_mb"], long_line["whole_ms_per_mb"]
        rows.append(
            row(
                "SSE: a 10 MB data: line in 1 KiB chunks vs whole, ms/MB",
                chunked,
                whole,
                "linear: ratio < 10 (quadratic: > 100)",
                chunked < 10 * whole,
                "ms/MB",
            )
        )
        full, quarter = (
            long_line["byte_chunks_ms_per_mb"],
            long_line["byte_chunks_quarter_ms_per_mb"],
        )
        rows.append(
            row(
                "SSE: a 1 MB data: line byte by byte vs a quarter of it, ms/MB",
                full,
                quarter,
                "linear: ratio < 2 (quadratic: ~4)",
                full < 2 * quarter,
                "ms/MB",
            )
        )
    if "import" in wanted:
        imports = import_time()
        extra["import_ms"] = {key: round(value * 1000, 1) for key, value in imports.items()}
        added = imports["client_over_httpx"]
        rows.append(
            row(
                "from nemovideo import NemoVideo, s added after import httpx",
                added,
                imports["httpx"],
                "adds <= 30 ms",
                added <= 0.030,
            )
        )
        rows.append(
            row(
                "from nemovideo import AsyncNemoVideo, s added after import httpx",
                imports["async_client_over_httpx"],
                imports["httpx"],
                "reported",
                True,
            )
        )
        plugin = imports["plugin_over_pytest"]
        rows.append(
            row(
                "import of the pytest plugin, s added after import pytest",
                plugin,
                imports["pytest"],
                "adds <= 10 ms",
                plugin <= 0.010,
            )
        )
        start = pytest_start()
        extra["pytest_start_ms"] = {key: round(value * 1000, 1) for key, value in start.items()}
        rows.append(
            row(
                "pytest start, one test, no fixture of ours (with vs without the plugin)",
                start["with_plugin"],
                start["without_plugin"],
                "reported (wall time of whole processes)",
                True,
            )
        )
    if "render" in wanted:
        speed = render_speed()
        extra["render"] = {k: round(v, 2) for k, v in speed.items()}
        rows.append(
            row(
                "emulator render, 1920x1080 fps (vs 30 fps real time)",
                speed["fps"],
                30.0,
                "reported",
                True,
                "fps",
            )
        )
    if "memory" in wanted:
        memory = emulator_memory(100)
        extra["emulator_memory"] = memory
        rows.append(
            row(
                f"emulator RSS after {memory['renders']} renders vs after the first (MiB)",
                memory["after_all_mib"],
                memory["after_first_mib"],
                "within 20%",
                memory["growth"] <= 0.2,
                "MiB",
            )
        )
    if "scale" in wanted:
        counts = (1, 2) if args.quick else (1, 2, 4)
        batches = scale(counts, per_worker=1 if args.quick else 3)
        extra["scale"] = {
            f"{count} workers": {key: round(value, 2) for key, value in measured.items()}
            for count, measured in batches.items()
        }
        for count, measured in batches.items():
            rows.append(
                row(
                    f"leaderboard batches/hour, {count} worker process"
                    f"{'es' if count > 1 else ''}, one emulator, 1080p",
                    measured["batches_per_hour"],
                    batches[1]["batches_per_hour"],
                    "reported (baseline: 1 worker)",
                    True,
                    "batches/h",
                )
            )
    print(f"{'figure':<72}{'sdk':>10}{'baseline':>10}{'ratio':>8}  target")
    for item in rows:
        mark = "ok" if item["met"] else "MISSED"
        figures = f"{item['sdk']:>10.3f}{item['baseline']:>10.3f}{item['ratio']:>8.3f}"
        print(f"{item['figure']:<72}{figures}  {item['target']} [{mark}]")
    for key, value in extra.items():
        print(f"  {key}: {value}")
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()}",
        "quick": args.quick,
        "rows": rows,
        "extra": extra,
    }
    if args.only:
        return report
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("quick.json" if args.quick else "latest.json")).write_text(
        json.dumps(report, indent=2) + "\n"
    )
    return report


if __name__ == "__main__":
    main()

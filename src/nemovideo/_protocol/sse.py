"""An incremental Server-Sent Events decoder: bytes in, frames out, no I/O.

It follows the WHATWG event-stream rules: LF, CRLF and CR line ends; ``data:``
lines joined with ``\\n``; ``event:``, ``id:`` and ``retry:`` fields; ``:``
comments; a leading UTF-8 byte-order mark; chunks that split anywhere, inside a
line or inside a multi-byte character. Comments are reported too, because a
comment on this API means "still working".
"""

from __future__ import annotations

import codecs
import re

import attrs

__all__ = ["SSEComment", "SSEDecoder", "SSEFrame", "ServerSentEvent"]

_LINE_END = re.compile(r"\r\n|\r|\n")
_LONG_REST = 1 << 16


@attrs.define
class ServerSentEvent:
    """One dispatched event: its ``data`` (lines joined by ``\\n``) and fields.

    Not frozen: one is made per frame on the hot path, and a frozen class costs
    three times as much to build. Nothing keeps or changes a frame after decoding.
    """

    data: str = ""
    event: str = "message"
    id: str | None = None
    retry: int | None = None


@attrs.define
class SSEComment:
    """A ``:`` comment line (without the colon); a keep-alive on most servers."""

    text: str = ""


SSEFrame = ServerSentEvent | SSEComment


class SSEDecoder:
    """Feed bytes with :meth:`feed`, then call :meth:`close` at the end of the body."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._skip_lf = False
        self._at_start = True
        self._data: list[str] = []
        self._has_data = False
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    @property
    def last_event_id(self) -> str | None:
        """The last ``id:`` seen (what a reconnect would send as ``Last-Event-ID``)."""
        return self._last_id

    def feed(self, chunk: bytes) -> list[SSEFrame]:
        """Decode one chunk of the body; returns the frames it completed."""
        return self._take(self._text.decode(chunk))

    def close(self) -> list[SSEFrame]:
        """End of the body: complete a last line and event that lacked their blank line."""
        frames = self._take(self._text.decode(b"", final=True))
        if self._buffer:
            # After the fast path the rest may hold complete lines (never a blank one).
            for line in self._buffer.split("\n"):
                if line:
                    self._line(line, frames)
            self._buffer = ""
        self._dispatch(frames)
        return frames

    def _take(self, text: str) -> list[SSEFrame]:
        frames: list[SSEFrame] = []
        if not text:
            return frames
        if self._at_start:
            self._at_start = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        buffer = self._buffer + text
        if "\r" in buffer:
            # CRLF-only text (what sse-starlette sends) is LF text once each pair is
            # one LF; a lone CR (or a CR ending the chunk) keeps the line walk below.
            folded = buffer.replace("\r\n", "\n")
            if "\r" not in folded:
                buffer = folded
        if "\r" not in buffer and not self._has_data and not self._event:
            return self._take_blocks(buffer, frames)
        lines = buffer.split("\n") if "\r" not in buffer else _LINE_END.split(buffer)
        self._buffer = lines.pop()
        if buffer.endswith("\r"):
            # A CR that ends the buffer ends a line; an LF arriving next belongs to it.
            self._skip_lf = True
        for line in lines:
            self._line(line, frames)
        return frames

    def _take_blocks(self, buffer: str, frames: list[SSEFrame]) -> list[SSEFrame]:
        """Fast path for LF-only text: whole events at once, one-line ``data:`` events
        without a line-by-line walk. What follows the last blank line waits in the buffer."""
        blocks = buffer.split("\n\n")
        self._buffer = blocks.pop()
        for block in blocks:
            if block.startswith("data: ") and "\n" not in block:
                frames.append(ServerSentEvent(block[6:], "message", self._last_id, self._retry))
                continue
            for line in block.split("\n"):
                self._line(line, frames)
            self._dispatch(frames)
        if len(self._buffer) > _LONG_REST and "\n" in self._buffer:
            # A long event still without its blank line: walk its complete lines now,
            # so they are not split again with every chunk.
            *complete, self._buffer = self._buffer.split("\n")
            for line in complete:
                self._line(line, frames)
        return frames

    def _line(self, line: str, frames: list[SSEFrame]) -> None:
        if not line:
            self._dispatch(frames)
            return
        if line.startswith(":"):
            frames.append(SSEComment(line[1:].removeprefix(" ")))
            return
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._has_data = True
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)

    def _dispatch(self, frames: list[SSEFrame]) -> None:
        if self._has_data:
            frames.append(
                ServerSentEvent(
                    data="\n".join(self._data),
                    event=self._event or "message",
                    id=self._last_id,
                    retry=self._retry,
                )
            )
        self._data = []
        self._has_data = False
        self._event = ""

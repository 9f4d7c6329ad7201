"""An incremental Server-Sent Events decoder: bytes in, frames out, no I/O.

It follows the WHATWG event-stream rules: LF, CRLF and CR line ends; ``data:``
lines joined with ``\\n``; ``event:``, ``id:`` and ``retry:`` fields; ``:``
comments; a leading UTF-8 byte-order mark; chunks that split anywhere, inside a
line or inside a multi-byte character. Comments are reported too, because a
comment on this API means "still working".

One path walks every line. Bytes after the last line end of a chunk wait in a
``bytearray`` until their line ends, so a long line costs time in proportion to its
length however it is chunked: nothing already received is joined or split again.
Only complete lines are decoded from UTF-8 (a line end byte is never inside a
multi-byte character), so a character split across chunks is whole when decoded.

Two optional limits bound what a stream can make it hold: the longest line
(``max_line``, bytes, line end excluded) and the most ``data`` of one event
(``max_data``, decoded characters, one more per ``data`` line). Past either,
`SSELimitError` is raised.
"""

from __future__ import annotations

import attrs

__all__ = ["SSEComment", "SSEDecoder", "SSEFrame", "SSELimitError", "ServerSentEvent"]

_LF, _CR = 0x0A, 0x0D


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


class SSELimitError(ValueError):
    """A line or an event of the stream passed the decoder's limit.

    Attributes:
        kind: ``"line"`` or ``"event"``.
        limit: the limit passed.
    """

    def __init__(self, kind: str, limit: int) -> None:
        what = "a line longer than" if kind == "line" else "an event with more data than"
        super().__init__(f"{what} {limit}")
        self.kind = kind
        self.limit = limit


_NO_LIMIT = 1 << 62


class SSEDecoder:
    """Feed the body's bytes to ``feed`` as they come, then call ``close`` at its end.

    Args:
        max_line: the longest line accepted, in bytes (no limit when ``None``).
        max_data: the most ``data`` one event may carry, in decoded characters (no
            limit when ``None``).
    """

    __slots__ = (
        "_at_start",
        "_data",
        "_event",
        "_last_id",
        "_max_data",
        "_max_line",
        "_rest",
        "_retry",
        "_size",
        "_skip_lf",
    )

    def __init__(self, max_line: int | None = None, max_data: int | None = None) -> None:
        self._max_line = _NO_LIMIT if max_line is None else max_line
        self._max_data = _NO_LIMIT if max_data is None else max_data
        self._size = 0  # characters of data in the event so far
        self._rest = bytearray()  # bytes after the last line end seen
        self._skip_lf = False  # the last line ended with CR: an LF next belongs to it
        self._at_start = True  # nothing decoded yet (a byte-order mark may come)
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    @property
    def last_event_id(self) -> str | None:
        """The last ``id:`` seen (what a reconnect would send as ``Last-Event-ID``)."""
        return self._last_id

    def feed(self, chunk: bytes) -> list[SSEFrame]:
        """Decode one chunk of the body; returns the frames it completed."""
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
        end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1
        rest = self._rest
        if not end:
            rest += chunk  # amortized: a bytearray grows in place, by a share of its size
            self._check_line(rest)
            return []
        if rest:
            rest += chunk[:end]
            self._check_lines(rest)
            lines = self._lines(rest)
            rest.clear()
        else:
            block = chunk[:end]  # the whole chunk itself when it ends a line
            self._check_lines(block)
            lines = self._lines(block)
        if end < len(chunk):
            rest += chunk[end:]
            self._check_line(rest)
        else:
            # A CR that ends the chunk ends its line; an LF first in the next belongs to it.
            self._skip_lf = chunk[-1] == _CR
        return self._walk(lines)

    def close(self) -> list[SSEFrame]:
        """End of the body: complete a last line and event that lacked their blank line."""
        line = self._decode(self._rest)
        self._rest.clear()
        return self._walk([line, ""] if line else [""])

    def _check_line(self, rest: bytearray) -> None:
        """The bytes of an unfinished line may not pass the line limit."""
        if len(rest) > self._max_line:
            raise SSELimitError("line", self._max_line)

    def _check_lines(self, block: bytes | bytearray) -> None:
        """No line of ``block`` (which ends with a line end) may pass the line limit;
        only a block longer than the limit is split to look."""
        if len(block) > self._max_line and max(map(len, block.splitlines())) > self._max_line:
            raise SSELimitError("line", self._max_line)

    def _lines(self, block: bytes | bytearray) -> list[str]:
        """The lines of ``block``, which ends with a line end."""
        if b"\r" in block:
            # CR ends a line, alone or before an LF; bytes.splitlines breaks at exactly
            # these three line ends (str.splitlines would also break at others).
            return self._decode(b"\n".join(block.splitlines())).split("\n")
        lines = self._decode(block).split("\n")
        lines.pop()  # the empty piece after the last line end
        return lines

    def _decode(self, block: bytes | bytearray) -> str:
        """UTF-8 text of ``block`` (bad bytes replaced), less a byte-order mark that
        starts the stream: the first block decoded always starts at the stream's start."""
        text = block.decode("utf-8", "replace")
        if self._at_start:
            self._at_start = False
            if text[:1] == "\ufeff":
                text = text[1:]
        return text

    def _walk(self, lines: list[str]) -> list[SSEFrame]:
        """Apply each line: a field, a comment, or (blank) the end of an event."""
        frames: list[SSEFrame] = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    event = self._event or "message"
                    frames.append(
                        ServerSentEvent("\n".join(data), event, self._last_id, self._retry)
                    )
                    data.clear()
                    self._size = 0
                self._event = ""
            elif line[:6] == "data: ":  # the usual line, read as below without a partition
                data.append(line[6:])
                self._grow(len(line) - 5)  # its characters and the line break joining it
            else:
                self._field(line, frames)
        return frames

    def _field(self, line: str, frames: list[SSEFrame]) -> None:
        """Apply one non-blank line: ``name: value`` (one space dropped) or a comment."""
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._grow(len(value) + 1)
        elif not name:
            frames.append(SSEComment(value))
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)

    def _grow(self, size: int) -> None:
        """Count ``size`` more characters of data in the event (each line counts one
        more, its line break, so endless empty ``data:`` lines pass the limit too)."""
        self._size += size
        if self._size > self._max_data:
            raise SSELimitError("event", self._max_data)

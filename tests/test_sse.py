"""The SSE decoder: every line end, field and chunking gives the same frames."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nemovideo._protocol.sse import ServerSentEvent, SSEComment, SSEDecoder, SSEFrame


def decode(*chunks: bytes) -> list[SSEFrame]:
    decoder = SSEDecoder()
    frames: list[SSEFrame] = []
    for chunk in chunks:
        frames.extend(decoder.feed(chunk))
    frames.extend(decoder.close())
    return frames


def test_adk_frames_with_lf() -> None:
    body = b'data: {"id":"e1","partial":true}\n\ndata: {"id":"e1"}\n\n'
    assert decode(body) == [
        ServerSentEvent('{"id":"e1","partial":true}'),
        ServerSentEvent('{"id":"e1"}'),
    ]


def test_crlf_cr_multiline_data_fields_and_comments() -> None:
    body = (
        b"\xef\xbb\xbf: hello\r\n"
        b"event: update\r\nid: 7\r\nretry: 1500\r\ndata: a\r\ndata:b\r\n\r\n"
        b"data:  two spaces\r\rdata\n\n"
        b"id: 8\nevent: only-fields\n\n"
    )
    assert decode(body) == [
        SSEComment("hello"),
        ServerSentEvent("a\nb", event="update", id="7", retry=1500),
        ServerSentEvent(" two spaces", id="7", retry=1500),
        ServerSentEvent("", id="7", retry=1500),
    ]


def test_empty_data_line_is_an_event_and_retry_must_be_digits() -> None:
    assert decode(b"data:\n\nretry: soon\ndata: x\n\n") == [
        ServerSentEvent(""),
        ServerSentEvent("x"),
    ]


def test_id_with_nul_is_ignored_and_last_id_is_kept() -> None:
    decoder = SSEDecoder()
    frames = decoder.feed(b"id: a\ndata: 1\n\nid: b\x00c\ndata: 2\n\n")
    assert [frame.id for frame in frames if isinstance(frame, ServerSentEvent)] == ["a", "a"]
    assert decoder.last_event_id == "a"


def test_a_last_event_without_its_blank_line_is_kept_at_close() -> None:
    assert decode(b"data: one\n\ndata: two") == [ServerSentEvent("one"), ServerSentEvent("two")]
    assert decode(b"data: one\n\ndata: two\n") == [ServerSentEvent("one"), ServerSentEvent("two")]


def test_a_bom_only_at_the_start_is_dropped() -> None:
    assert decode(b"\xef\xbb", b"\xbfdata: \xef\xbb\xbf\n\n") == [ServerSentEvent("\ufeff")]
    # After a first line end, a BOM is part of the next field's name (so not "data").
    assert decode(b"\r", b"\xef\xbb\xbfdata: x\n\n") == []
    assert decode(b"\n\xef\xbb\xbfdata: x\n\n") == []


def test_cr_at_a_chunk_end_then_lf() -> None:
    assert decode(b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n") == [ServerSentEvent("a\nb")]
    # Only an LF right after the CR is skipped, not one after more of the line.
    assert decode(b"data: a\r\rdata: b", b"\n\n") == [ServerSentEvent("a"), ServerSentEvent("b")]
    assert decode(b"data: a\r", b"", b"\n", b"\n") == [ServerSentEvent("a")]


def test_fields_without_a_space_or_a_colon() -> None:
    assert decode(b"data\ndata:x\ndata:  y\nevent:e\n\n") == [ServerSentEvent("\nx\n y", event="e")]
    assert decode(b"unknown: 1\ndata: z\nretry\nid\n\n") == [ServerSentEvent("z", id="")]


def test_invalid_utf8_is_replaced_not_raised() -> None:
    assert decode(b"data: \xff\xfe\n\n") == [ServerSentEvent("\ufffd\ufffd")]


# -- property: any chunking of any stream gives the same frames ----------------------------

LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
FIELD_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="\r\n\x00", blacklist_categories=["Cs"]),
    max_size=12,
)
FIELDS = st.one_of(
    st.tuples(st.just("data"), FIELD_TEXT),
    st.tuples(st.just("event"), FIELD_TEXT.filter(bool)),
    st.tuples(st.just("id"), FIELD_TEXT),
    st.tuples(st.just("retry"), st.integers(0, 10**6).map(str)),
    st.tuples(st.just(""), FIELD_TEXT),  # a comment
)
EVENTS = st.lists(st.lists(FIELDS, min_size=1, max_size=4), max_size=6)


def field_line(name: str, value: str) -> str:
    """One line of a stream: a field, or a comment when the name is empty."""
    return f":{value}" if name == "" else f"{name}: {value}"


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    """A well-formed stream with mixed line ends, maybe a BOM."""
    out = "\ufeff" if draw(st.booleans()) else ""
    for fields in draw(EVENTS):
        for name, value in fields:
            out += field_line(name, value) + draw(LINE_ENDS)
        out += draw(LINE_ENDS)
    return out.encode()


@settings(max_examples=300)
@given(streams(), st.data())
def test_any_chunking_gives_the_same_frames(body: bytes, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=12)))
    chunks = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    assert decode(*chunks) == decode(body)
    assert decode(*(bytes([byte]) for byte in body)) == decode(body)


@settings(max_examples=200)
@given(EVENTS, st.data())
def test_crlf_and_lf_streams_give_the_same_frames(events: Any, data: st.DataObject) -> None:
    # LF, CRLF, and CRLF with a lone CR for the blank lines: all three must agree.
    def body(end: str, last: str) -> bytes:
        events_text = ("".join(field_line(*f) + end for f in fields) + last for fields in events)
        return "".join(events_text).encode()

    lf, crlf, mixed = body("\n", "\n"), body("\r\n", "\r\n"), body("\r\n", "\r")
    cut = data.draw(st.integers(0, len(crlf)))
    assert decode(crlf[:cut], crlf[cut:]) == decode(lf)
    assert decode(mixed) == decode(lf)


@settings(max_examples=200)
@given(st.lists(st.tuples(FIELD_TEXT, FIELD_TEXT), max_size=5), LINE_ENDS)
def test_data_round_trips(events: list[tuple[str, str]], end: str) -> None:
    body = "".join(f"data: {a}{end}data: {b}{end}{end}" for a, b in events).encode()
    assert decode(body) == [ServerSentEvent(f"{a}\n{b}") for a, b in events]


@settings(max_examples=200)
@given(st.binary(max_size=200), st.data())
def test_any_bytes_decode_without_error(body: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(body)))
    assert decode(body[:cut], body[cut:]) == decode(body)


def test_a_long_event_in_small_chunks() -> None:
    body = b"data: " + b"x" * 200_000 + b"\ndata: y\n\ndata: z\n\n"
    chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    assert decode(*chunks) == [ServerSentEvent("x" * 200_000 + "\ny"), ServerSentEvent("z")]


def test_a_character_split_across_chunks_is_whole() -> None:
    body = "data: \u00e9\u20ac\U0001f600\n\n".encode()
    assert decode(*(body[i : i + 1] for i in range(len(body)))) == [
        ServerSentEvent("\u00e9\u20ac\U0001f600")
    ]


def _best_seconds(*runs: tuple[int, int]) -> list[float]:
    """For each ``(size, step)``: one ``data:`` line of ``size`` bytes fed in ``step``-byte
    chunks, the least CPU time (not wall time: other processes do not count) of five
    rounds; the runs take turns."""
    bodies = [b"data: " + b"x" * size + b"\n\n" for size, _ in runs]
    chunked = [
        [body[i : i + step] for i in range(0, len(body), step)]
        for body, (_, step) in zip(bodies, runs, strict=True)
    ]
    best = [float("inf")] * len(runs)
    for _ in range(5):
        for index, chunks in enumerate(chunked):
            decoder = SSEDecoder()
            started = time.process_time()
            frames = [frame for chunk in chunks for frame in decoder.feed(chunk)]
            best[index] = min(best[index], time.process_time() - started)
            assert frames == [ServerSentEvent("x" * runs[index][0])]
    return best


# Work, not speed: these compare runs on the same machine, with bounds far above what
# a linear decoder takes and far below what a decoder takes that joins or splits all it
# holds again with each chunk (hundreds of times the whole-body time for the first,
# about sixteen times for 4x the input for the second). Speed itself is measured by
# benchmarks/run.py.


def test_a_long_line_in_kib_chunks_costs_about_what_it_costs_whole() -> None:
    size = 8_000_000
    whole, chunked = _best_seconds((size, size + 8), (size, 1024))
    assert chunked < 20 * whole


def test_a_long_line_byte_by_byte_costs_time_in_proportion_to_its_length() -> None:
    small, large = _best_seconds((100_000, 1), (400_000, 1))
    assert large < 10 * small

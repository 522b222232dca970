"""Tender files of any size -> normalised records, one release or notice at a time.

``parse_bytes`` needs the whole document in memory, which is fine for an API page and not for a
200 MB release package (loaded whole it took 6x its size). ``parse_stream`` reads an already
open binary stream instead and yields one ``ParsedDocument`` per release, record or notice:

- gzip is recognised by its magic bytes and decompressed on the fly (``.json.gz``);
- JSON Lines (``lines=True``): every line is its own document (package, record or release),
  so a bad line is reported by its number and the other lines still parse;
- JSON under ``WHOLE_BELOW`` bytes (16 MB) is read whole by orjson, what an API page or a
  typical file is; the records are the same as streaming them would give;
- any other JSON goes through ijson: the first value's shape (release package, record package,
  record, release, or a list of them) says where the releases are, and each one is built and
  parsed on its own, so memory stays bounded by the largest release, not by the file. Several
  JSON values one after another are read as several documents of that same shape;
- XML is an eForms notice, read whole (notices are small).

Nothing here opens files: callers hand in the stream. Problems are ``TenderParseError`` with a
one-line reason; a document with no release, record or notice in it is one of them.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator
from typing import IO, Any

import ijson
import orjson

from spiders.tenders.common import ParsedDocument
from spiders.tenders.detect import NO_CONTENT, TenderParseError, _one_line, load_json, parse_bytes
from spiders.tenders.ocds import iter_releases, parse_release

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
# JSON smaller than this is read whole by orjson; bigger goes through ijson. 16 MB of JSON is
# about 80 MB of Python objects: the memory bound holds at any file size.
WHOLE_BELOW = 16 * 1024 * 1024
# Keys that make an object a release or a record (rather than a package of them).
_RELEASE_KEYS = frozenset({"ocid", "compiledRelease", "versionedRelease", "tender", "awards",
                           "buyer", "parties", "contracts", "planning", "tag", "initiationType"})


class LineError(TenderParseError):
    """One bad line of a JSON Lines file; the lines around it still parse."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line


class _Chain(io.RawIOBase):
    """The bytes already read while sniffing, then the rest of the stream: no seek needed."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.at, self.rest = head, 0, rest

    def put_back(self, data: bytes) -> None:
        """Read ``data`` again before what is still unread."""
        self.head, self.at = data + self.head[self.at:], 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.at < len(self.head):
            # a head of many MB is handed out in reads of 64 kB: an offset, not a copy per read
            end = len(self.head) if size < 0 else self.at + size
            chunk = self.head[self.at:end]
            self.at += len(chunk)
            if self.at >= len(self.head):
                self.head, self.at = b"", 0
            return chunk
        return self.rest.read(size)

    def read_up_to(self, size: int) -> bytes:
        """Up to ``size`` bytes, fewer only at the end of the stream."""
        parts, got = [], 0
        while got < size:
            chunk = self.read(size - got)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def decompressed(fh: IO[bytes]) -> IO[bytes]:
    """The stream itself, or its gzip-decompressed content when it starts with gzip's magic."""
    buffered = fh if hasattr(fh, "peek") else io.BufferedReader(fh)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == _GZIP_MAGIC:  # type: ignore[union-attr]
        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    return buffered


def parse_stream(fh: IO[bytes], *, lines: bool = False,
                 whole_below: int = WHOLE_BELOW) -> Iterator[ParsedDocument]:
    """One ``ParsedDocument`` per release or notice in the stream (see the module doc).

    JSON of fewer than ``whole_below`` bytes is read whole by orjson (0: always stream).
    Raises ``TenderParseError`` for a stream it cannot read; in JSON Lines mode a bad line is
    yielded as a ``LineError`` instead, and the next lines go on.
    """
    stream = decompressed(fh)
    if stream is fh or getattr(stream, "raw", None) is fh:  # not decompressed: its size holds
        size = _file_size(fh)
        if size is not None and size >= whole_below:
            whole_below = 0  # a big file streams from the first byte: no read-ahead held
    try:
        head = stream.read(4096)
        first = head.lstrip(_BOM + b" \t\r\n")[:1]
        while not first and head:  # a long run of leading whitespace
            more = stream.read(65536)
            if not more:
                break
            head += more
            first = head.lstrip(_BOM + b" \t\r\n")[:1]
        if not first:
            raise TenderParseError("empty file")
        if first == b"<":
            yield parse_bytes(head + stream.read())
            return
        if first not in (b"{", b"["):
            raise TenderParseError("neither OCDS JSON nor eForms XML")
        rest = _Chain(head.removeprefix(_BOM), stream)
        yield from (_json_lines(rest) if lines else _json_stream(rest, whole_below))
    except (OSError, EOFError, zlib.error) as exc:
        raise TenderParseError(f"cannot read or decompress ({_one_line(exc)})") from exc


def _file_size(fh: IO[bytes]) -> int | None:
    """The size of the file behind ``fh`` (None: not a file, or unknown)."""
    try:
        return os.fstat(fh.fileno()).st_size
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _json_lines(fh: IO[bytes]) -> Iterator[ParsedDocument]:
    seen = False
    for number, raw in enumerate(io.BufferedReader(fh), start=1):  # type: ignore[arg-type]
        if not raw.strip():
            continue
        seen = True
        try:
            doc = load_json(raw.rstrip(b"\r\n"))
        except json.JSONDecodeError as exc:
            where = f"{exc.msg} at column {exc.colno}"
            yield LineError(number, f"not valid JSON ({where})")  # type: ignore[misc]
            continue
        except UnicodeDecodeError as exc:
            yield LineError(number, f"not valid UTF-8 ({_one_line(exc)})")  # type: ignore[misc]
            continue
        count = 0
        try:
            for release in iter_releases(doc):
                count += 1
                yield _parse(release)
        except TenderParseError as exc:
            yield LineError(number, str(exc))  # type: ignore[misc]
            continue
        if not count:
            yield LineError(number, NO_CONTENT)  # type: ignore[misc]
    if not seen:
        raise TenderParseError("empty file")


def _json_stream(fh: _Chain, whole_below: int) -> Iterator[ParsedDocument]:
    units = _whole(fh, whole_below) if whole_below > 0 else None
    count = 0
    if units is None:
        prefix = _sniff(fh)
        units = ijson.items(fh, prefix, multiple_values=True, use_float=True)
    try:
        for item in units:
            for release in iter_releases(item):
                count += 1
                yield _parse(release)
    except ijson.JSONError as exc:
        raise TenderParseError(f"not valid JSON ({_one_line(exc)})") from exc
    except UnicodeDecodeError as exc:
        raise TenderParseError(f"not valid UTF-8 ({_one_line(exc)})") from exc
    if not count:
        raise TenderParseError(NO_CONTENT)


def _whole(fh: _Chain, whole_below: int) -> list[Any] | None:
    """The units a small document holds, read whole by orjson (about three times faster than
    ijson's events); None for a stream of ``whole_below`` bytes or more, or one orjson refuses
    (several JSON values, broken JSON ...): those are put back and go through ijson, whose
    errors are the ones reported. The units are those ``_sniff`` would pick."""
    data = fh.read_up_to(whole_below)
    if len(data) < whole_below:  # the whole stream
        try:
            return _units(orjson.loads(data))
        except orjson.JSONDecodeError:
            pass
    fh.put_back(data)
    return None


def _units(doc: Any) -> list[Any]:
    """What ``ijson.items`` yields at the prefix ``_sniff`` finds, from the parsed document:
    the first key at the top level (of the object, or of the list's first object) that names
    releases, records, or a release or record itself, decides."""
    for value in (doc if isinstance(doc, list) else [doc]):
        if isinstance(value, list):
            break  # a list in a list: ``_sniff`` finds no release, record or package
        if not isinstance(value, dict):
            continue
        for key, inner in value.items():
            if key in ("releases", "records") and isinstance(inner, list):
                if not isinstance(doc, list):
                    return inner
                return [u for part in doc if isinstance(part, dict)
                        and isinstance(part.get(key), list) for u in part[key]]
            if key in _RELEASE_KEYS:
                return doc if isinstance(doc, list) else [doc]
        break  # the first object held none of them
    raise TenderParseError(NO_CONTENT)


def _parse(release: dict[str, Any]) -> ParsedDocument:
    try:
        return parse_release(release)
    except (AttributeError, TypeError, KeyError) as exc:  # as parse_bytes says it
        raise TenderParseError(f"OCDS with an unexpected shape ({_one_line(exc)})") from exc


def _sniff(fh: _Chain) -> str:
    """Where the releases are: the ijson prefix of each unit to build and parse on its own.

    Reads events from the start until the first value's shape is known (a package's header
    keys come before its releases), then puts the bytes it read back in front of the stream.
    """
    recorder = _Recorder(fh)
    events = ijson.parse(recorder, multiple_values=True)
    container = ""  # "" for a top-level object, "item" for the elements of a top-level list
    try:
        for prefix, event, value in events:
            if prefix == "" and event == "start_array" and not container:
                container = "item"
            elif prefix == container and event == "map_key":
                if value in ("releases", "records"):  # a package (or its list of them)
                    if next(events)[1] == "start_array":
                        return f"{container}.{value}.item".lstrip(".")
                elif value in _RELEASE_KEYS:  # a bare record or release: each one whole
                    return container
            elif prefix in ("", container) and event in ("end_map", "end_array"):
                break  # the first value ended with no release, record or package in it
    except ijson.JSONError as exc:
        raise TenderParseError(f"not valid JSON ({_one_line(exc)})") from exc
    except StopIteration:
        pass
    finally:
        fh.put_back(bytes(recorder.taken))
    raise TenderParseError(NO_CONTENT)


class _Recorder:
    """Reads through to a stream and keeps what it read (a package header: a few kB)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.taken = source, bytearray()

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.taken += chunk
        return chunk

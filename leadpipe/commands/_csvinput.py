"""Reading a CSV file a user hands us (a CRM export, a purchased list): which characters, which
delimiter, and which line is wrong.

Files from spreadsheets come in UTF-8, or in the Windows code page when saved on a desktop, and
with ``;`` between fields in much of Europe. So the bytes are decoded as UTF-8 first and, when
that fails, as the declared fallback (``FALLBACK_ENCODING``), and the reader says which one it
used; undecodable bytes never become U+FFFD silently. The delimiter is sniffed from the first
lines unless given. A row whose field count differs from the header's is named by its line.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from enrich.normalise.words import plural

AUTO = "auto"
FALLBACK_ENCODING = "cp1252"  # what "Save as CSV" writes on a Western-European desktop
DELIMITERS = ",;\t|"
SNIFF_CHARS = 64 * 1024


class CsvInputError(ValueError):
    """A CSV file that cannot be read as asked; the message names the file and the line."""


@dataclass(frozen=True)
class CsvRow:
    line: int  # the line the row starts on (1 is the header)
    values: list[str]


@dataclass
class CsvText:
    """A CSV file's header and rows, and how it was read."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[CsvRow] = field(default_factory=list)

    @property
    def note(self) -> str | None:
        """One plain line on how the file was read, when it was not plain comma-separated
        UTF-8 (so the user knows what was guessed)."""
        parts = []
        if self.encoding != "utf-8":
            parts.append(f"read as {self.encoding} (it is not UTF-8)")
        if self.delimiter != ",":
            parts.append(f"fields separated by {delimiter_name(self.delimiter)}")
        return f"{self.path}: {'; '.join(parts)}" if parts else None


def delimiter_name(delimiter: str) -> str:
    return {"\t": "tabs", ";": "';'", "|": "'|'", ",": "','"}.get(delimiter, repr(delimiter))


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    """(line, byte within the line), both from 1, of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def decode(path: Path, data: bytes, encoding: str = AUTO) -> tuple[str, str]:
    """(text, encoding used). ``auto``: UTF-8 (a BOM is dropped), else ``FALLBACK_ENCODING``.
    A given encoding is used as it is; bytes it cannot decode are an error naming the line."""
    if encoding != AUTO:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise CsvInputError(f"--encoding {encoding!r}: unknown encoding") from None
        tried = [name]
    else:
        tried = ["utf-8", FALLBACK_ENCODING]
    first: UnicodeDecodeError | None = None
    for name in tried:
        try:
            text = data.decode("utf-8-sig" if name == "utf-8" else name)
            return text, name
        except UnicodeDecodeError as exc:
            first = first or exc
    assert first is not None
    line, byte = _line_of(data, first.start)
    said = " or ".join(tried)
    raise CsvInputError(f"{path}:{line}: byte {byte} of the line (0x{data[first.start]:02x}) is "
                        f"not {said} text; give --encoding") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first lines (``,`` when they do not tell)."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS:
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _rows(path: Path, text: str, delimiter: str) -> Iterator[CsvRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for values in reader:
            yield CsvRow(line, values)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CsvInputError(f"{path}:{line}: not valid CSV: {exc}") from None


def read_csv_text(path: Path, *, encoding: str = AUTO, delimiter: str | None = None,
                  ragged: str = "error") -> tuple[CsvText, list[str]]:
    """Read ``path``; return it and one problem line per skipped row.

    ``ragged="error"`` makes a row with more or fewer fields than the header an error naming
    its line; ``"skip"`` leaves it out and reports it. Extra fields that are empty (a trailing
    delimiter) are not a problem. Blank lines are skipped.
    """
    if delimiter is not None and len(delimiter) != 1:
        if delimiter in ("\\t", "tab"):
            delimiter = "\t"
        else:
            raise CsvInputError(f"--delimiter {delimiter!r}: give one character, or tab")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:SNIFF_CHARS] and encoding == AUTO:
        raise CsvInputError(f"{path}: holds NUL bytes: not a text CSV (UTF-16? give --encoding)")
    text, used = decode(path, data, encoding)
    chosen = delimiter or sniff_delimiter(text)
    rows = _rows(path, text, chosen)
    head = next((r for r in rows if any(v.strip() for v in r.values)), None)
    if head is None:
        raise CsvInputError(f"{path}: empty file or no header row")
    header = list(head.values)
    while header and not header[-1].strip():
        header.pop()
    if not header:
        raise CsvInputError(f"{path}:{head.line}: the header row has no column names")
    out = CsvText(path, used, chosen, header)
    problems: list[str] = []
    width = len(header)
    for row in rows:
        values = row.values
        if not any(v.strip() for v in values):
            continue
        if len(values) > width and not any(v.strip() for v in values[width:]):
            values = values[:width]
        if len(values) != width:
            problem = (f"{path}:{row.line}: {plural(len(values), 'field')} where the header has "
                       f"{width}"
                       f" (fields separated by {delimiter_name(chosen)})")
            if ragged == "error":
                raise CsvInputError(problem)
            problems.append(problem + "; row skipped")
            continue
        out.rows.append(CsvRow(row.line, values))
    return out, problems

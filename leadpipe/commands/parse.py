"""``leadpipe parse``: read local OCDS / eForms files and print their leads as JSON Lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import Progress

from enrich.normalise.words import plural
from spiders.tenders import TenderParseError, landing_items
from spiders.tenders.stream import LineError, parse_stream

JSON_LINES = (".jsonl", ".ndjson")
TENDER_SUFFIXES = (".json", ".xml", *JSON_LINES)


def _suffix(path: Path) -> str:
    """'.json', '.jsonl', '.xml' ... with a trailing '.gz' looked through."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def expand(paths: list[Path], err: IO[str]) -> tuple[list[Path], int]:
    """Files as given; a folder stands for its tender files (.json, .jsonl, .ndjson, .xml, each
    maybe .gz). Every other file in a folder is reported on ``err`` with why it was skipped;
    returns (files to parse, files skipped)."""
    out: list[Path] = []
    skipped = 0
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        for found in sorted(p for p in path.rglob("*") if p.is_file()):
            if _suffix(found) in TENDER_SUFFIXES:
                out.append(found)
            else:
                skipped += 1
                kind = "".join(found.suffixes[-2:]) or "no extension"
                err.write(f"skipped: {found}: not a tender file ({kind}; reads .json, .jsonl, "
                          ".ndjson and .xml, each also as .gz)\n")
    return out, skipped


def parse_files(paths: list[Path], out: IO[str], err: IO[str]) -> tuple[int, int]:
    """Write one JSON line per record of every readable file; return (records, failed files).

    Files are read as streams, one release or notice at a time, so a big package never sits in
    memory whole. A file that cannot be read gets one line on ``err`` naming it and the reason
    (a bad JSON Lines line: its number, and the other lines still go through); the other files
    still go through.
    """
    records = failed = 0
    for path in paths:
        bad = False
        try:
            url = path.resolve().as_uri()
            with path.open("rb") as fh:
                for part in parse_stream(fh, lines=_suffix(path) in JSON_LINES):
                    if isinstance(part, LineError):
                        err.write(f"error: {path}: {part}\n")
                        bad = True
                        continue
                    method = "xml" if part.format == "eforms" else "api"
                    for item in landing_items(part, url=url, method=method):
                        line = {"file": str(path), "format": part.format, "kind": item["kind"]}
                        if item["kind"] == "organisation":
                            line["role"] = item["fields"].get("role")
                        line.update(native_id=item["native_id"], fields=item["fields"])
                        out.write(json.dumps(line, ensure_ascii=False) + "\n")
                        records += 1
        except OSError as exc:
            err.write(f"error: {path}: cannot read ({exc.strerror or exc})\n")
            bad = True
        except TenderParseError as exc:
            err.write(f"error: {path}: {exc}\n")
            bad = True
        failed += bad
    return records, failed


def register(app: typer.Typer) -> None:
    @app.command("parse", rich_help_panel="Tools")
    def parse_command(
        files: Annotated[list[Path], typer.Argument(
            help="OCDS JSON / JSON Lines or eForms XML files (also gzipped), or folders of them.")],
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Write JSON Lines here instead of stdout.")] = None,
    ) -> None:
        """Parse local tender files (OCDS packages/records/releases, TED eForms notices).

        Prints one JSON object per line: tenders, organisations (with their role: buyer,
        supplier or tenderer) and winning awards. The format is detected from the content;
        .jsonl / .ndjson files hold one OCDS document per line, and any file may be gzipped
        (.json.gz). Big packages are read as a stream, one release at a time. A file that
        cannot be read, or holds no release, record or notice, is reported on stderr with its
        reason; the others still go through and the exit code is 1 at the end. In a folder,
        every file that is not a tender file is listed on stderr as skipped, with why.

        Examples:

            leadpipe parse releases.json notice.xml

            leadpipe parse data/*.json --output leads.jsonl

            leadpipe parse downloads/ted/ -o ted.jsonl

            leadpipe parse releases.jsonl.gz big-package.json.gz -o leads.jsonl
        """
        files, skipped = expand(files, sys.stderr)
        fh = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            if output and len(files) > 1:
                with Progress(transient=True) as progress:
                    task = progress.add_task("Parsing", total=len(files))
                    records = failed = 0
                    for path in files:
                        r, f = parse_files([path], fh, sys.stderr)
                        records, failed = records + r, failed + f
                        progress.advance(task)
            else:
                records, failed = parse_files(files, fh, sys.stderr)
        finally:
            if output:
                fh.close()
        if output or failed or skipped:
            typer.echo(f"{plural(records, 'record')} from {plural(len(files) - failed, 'file')}"
                       f"{f', {failed} with errors' if failed else ''}"
                       f"{f', {skipped} skipped' if skipped else ''}"
                       f"{f' -> {output}' if output else ''}", err=True)
        if failed:
            raise typer.Exit(code=1)

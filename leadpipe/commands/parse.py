"""``leadpipe parse``: read local OCDS / eForms files and print their leads as JSON Lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import Progress

from spiders.tenders import TenderParseError, detect_format, landing_items, parse_bytes


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for the .json and .xml files under it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*")
                          if p.is_file() and p.suffix.lower() in (".json", ".xml"))
        else:
            out.append(path)
    return out


def parse_files(paths: list[Path], out: IO[str], err: IO[str]) -> tuple[int, int]:
    """Write one JSON line per record of every readable file; return (records, failed files).

    A file that cannot be read gets one line on ``err`` naming it and the reason; the others
    still go through.
    """
    records = failed = 0
    for path in paths:
        try:
            data = path.read_bytes()
            parsed = parse_bytes(data)
        except OSError as exc:
            err.write(f"error: {path}: cannot read ({exc.strerror or exc})\n")
            failed += 1
            continue
        except TenderParseError as exc:
            err.write(f"error: {path}: {exc}\n")
            failed += 1
            continue
        fmt = detect_format(data)
        method = "xml" if fmt == "eforms" else "api"
        for item in landing_items(parsed, url=path.resolve().as_uri(), method=method):
            line = {"file": str(path), "format": fmt, "kind": item["kind"]}
            if item["kind"] == "organisation":
                line["role"] = item["fields"].get("role")
            line.update(native_id=item["native_id"], fields=item["fields"])
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            records += 1
    return records, failed


def register(app: typer.Typer) -> None:
    @app.command("parse", rich_help_panel="Tools")
    def parse_command(
        files: Annotated[list[Path], typer.Argument(
            help="OCDS JSON or eForms XML files, or folders of them.")],
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Write JSON Lines here instead of stdout.")] = None,
    ) -> None:
        """Parse local tender files (OCDS packages/records/releases, TED eForms notices).

        Prints one JSON object per line: tenders, organisations (with their role: buyer,
        supplier or tenderer) and winning awards. The format is detected from the content.
        A file that cannot be read is reported on stderr with its reason; the others still
        go through and the exit code is 1 at the end.

        Examples:

            leadpipe parse releases.json notice.xml

            leadpipe parse data/*.json --output leads.jsonl

            leadpipe parse downloads/ted/ -o ted.jsonl
        """
        files = expand(files)
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
        if output:
            typer.echo(f"{records} records from {len(files) - failed} file(s) -> {output}",
                       err=True)
        if failed:
            raise typer.Exit(code=1)

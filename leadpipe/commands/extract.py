"""``leadpipe extract``: run a source definition on a saved page or export, print JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Annotated

import typer

from leadpipe.commands._common import err_console, fail
from spiders.definitions import (
    DefinitionError,
    SourceDefinition,
    definition_for_url,
    load_definition,
    sources_dir,
)
from spiders.pages import page_for


def extract_file(definition: SourceDefinition, path: Path, url: str, out: IO[str], *,
                 detail: bool = False) -> tuple[int, str | None, list[str]]:
    """Write one JSON line per extracted item; return (items, method, warnings)."""
    body = path.read_bytes()
    detail = definition.kind == "html" and (detail or definition.is_detail_url(url))
    page = page_for(definition.extraction, url, body, detail=detail)
    if detail:
        record = page.record()
        records = [record] if record is not None else []
    else:
        records = page.records()
    warnings = [w for r in records for w in r.warnings]
    for record in records:
        item = {"source": definition.id, **record.to_item(definition.extraction)}
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    method = records[0].method if records else None
    return len(records), method, warnings


def register(app: typer.Typer) -> None:
    @app.command("extract", rich_help_panel="Tools")
    def extract_command(
        file: Annotated[Path, typer.Argument(help="A saved page, API response or export.")],
        url: Annotated[str, typer.Option(
            "--url", "-u", help="The URL the file was fetched from (picks the definition).")],
        source: Annotated[str | None, typer.Option(
            "--source", "-s", help="Use this source definition instead of matching the URL.")]
        = None,
        detail: Annotated[bool, typer.Option(
            "--detail", help="Read the file as a detail page (default: by the definition's "
            "detail.url_pattern, else a listing).")] = False,
    ) -> None:
        """Extract items from a saved page with its source definition; print JSON Lines.

        The way to build and check a new source definition without crawling: save a page,
        write spiders/sources/<id>.yaml, run this, look at the fields and the method that
        produced each. A summary (items, method, warnings) goes to stderr.

        Examples:

            leadpipe extract saved/plumbers.html \\
                --url "https://www.yellowpages.com.au/search/listings?clue=plumber&pageNumber=1"

            leadpipe extract Exhibitors.csv --url https://www.hannovermesse.de/en/search/export \\
                | jq .fields.name

            leadpipe extract profile.html --url https://fair.example/exhibitor/acme \\
                --source my_fair --detail
        """
        import sys

        if not file.is_file():
            fail(f"{file}: no such file")
        try:
            if source:
                path = sources_dir() / f"{source}.yaml"
                if not path.exists():
                    fail(f"no source definition {path}")
                definition = load_definition(path)
            else:
                definition = definition_for_url(url)
        except DefinitionError as exc:
            fail(str(exc))
            return
        try:
            count, method, warnings = extract_file(definition, file, url, sys.stdout,
                                                   detail=detail)
        except (UnicodeDecodeError, ValueError) as exc:
            fail(f"{file}: cannot be read as a {definition.kind} page of {definition.id}: {exc}")
            return
        for warning in warnings:
            err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
        err_console.print(
            f"{count} items from {file} via {definition.id} "
            f"({method or 'no method found anything'})", highlight=False)
        if count == 0:
            raise typer.Exit(1)

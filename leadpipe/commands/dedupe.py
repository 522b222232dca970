"""CLI: ``dedupe`` any CSV of organisation records, ``dedupe-eval`` a result against the truth."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from leadpipe.commands._common import console, err_console, fail
from leadpipe.commands._csvinput import AUTO, FALLBACK_ENCODING, CsvInputError, read_csv_text
from spiders.landing_fields import compared_fields

# What resolution reads from a record (enrich.resolve.features.INPUT_COLUMNS): the landing
# fields it compares, the record's source and its first sighting; --id names the record id.
FIELDS = (*compared_fields(), "source", "first_seen_at")
OUT_COLUMNS = ("cluster_id", "match_weight", "match_explanation")
TRUTH_CLUSTER_NAMES = ("true_cluster", "true_id", "cluster_id", "entity_id", "cluster",
                       "group_id", "truth")


def parse_map(spec: str, header: list[str]) -> dict[str, list[str]]:
    """'name=Company,address=Street+City' -> {'name': ['Company'], 'address': [...]}."""
    out: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        field, sep, cols = part.partition("=")
        field = field.strip().lower()
        if not sep or not cols.strip():
            raise ValueError(f"--map entry {part!r} is not FIELD=COLUMN")
        if field not in FIELDS:
            raise ValueError(f"--map field {field!r} unknown; use one of {', '.join(FIELDS)}")
        columns = [c.strip() for c in cols.split("+")]
        for c in columns:
            if c not in header:
                raise ValueError(f"--map {field}={c}: no column {c!r} in the input "
                                 f"(columns: {', '.join(header)})")
        out[field] = columns
    if "name" not in out:
        raise ValueError("--map needs at least name=COLUMN")
    return out


def _read(path: Path, encoding: str = AUTO, delimiter: str | None = None):
    """(header, table of text columns, how it was read) of a CSV; ``CsvInputError`` names
    the line of a row that does not fit the header."""
    import pyarrow as pa

    read, _ = read_csv_text(path, encoding=encoding, delimiter=delimiter, ragged="error")
    header = read.header
    if len(set(header)) != len(header):
        seen = sorted({h for h in header if header.count(h) > 1})
        raise CsvInputError(f"{path}:1: duplicate column {'name' if len(seen) == 1 else 'names'} "
                            "in the header: "
                            f"{', '.join(map(repr, seen))}")
    columns = list(zip(*(r.values for r in read.rows), strict=True)) if read.rows else \
        [() for _ in header]
    table = pa.table({name: pa.array(list(col), pa.string())
                      for name, col in zip(header, columns, strict=True)})
    return header, table, read


def _records(table, mapping: dict[str, list[str]], id_column: str | None,
             country: str | None):
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    cols = {}
    if id_column:
        cols["record_id"] = table.column(id_column).combine_chunks()
        if len(pc.unique(cols["record_id"])) != n:
            raise ValueError(f"--id column {id_column!r} has duplicate values")
    else:
        cols["record_id"] = pa.array([str(k + 1) for k in range(n)], pa.string())
    for field, columns in mapping.items():
        parts = [pc.if_else(pc.equal(table.column(c).combine_chunks(), ""),
                            pa.scalar(None, pa.string()), table.column(c).combine_chunks())
                 for c in columns]
        if len(parts) == 1:
            cols[field] = parts[0]
        else:
            from enrich.normalise import join_skip_nulls

            joined = join_skip_nulls(parts, ", ")
            cols[field] = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)
    if country:
        cols["country"] = pc.fill_null(cols.get("country", pa.nulls(n, pa.string())),
                                       country.upper())
    if "identifiers" in cols:
        cols["identifiers"] = pc.split_pattern_regex(cols["identifiers"], r"\s*[;|]\s*")
    return pa.table(cols)


def dedupe(
    input_csv: Annotated[Path, typer.Argument(help="CSV of organisation records (header row).")],
    map_: Annotated[str, typer.Option(
        "--map", "-m",
        help=f"FIELD=COLUMN pairs, comma-separated; FIELD one of {', '.join(FIELDS)}. "
             "Join columns with '+': address=Street+City.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here (default: stdout).")] = None,
    id_column: Annotated[str | None, typer.Option(
        "--id", help="Column with a unique record id (default: the row number).")] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO2 country for rows without one (name blocks are per country).",
    )] = None,
    decisions: Annotated[Path | None, typer.Option(
        "--decisions", help="must-link / cannot-link file (YAML or CSV) to obey.")] = None,
    review: Annotated[Path | None, typer.Option(
        "--review", help="Also write the uncertain pairs (review band) to this CSV.")] = None,
    delimiter: Annotated[str | None, typer.Option(
        "--delimiter", "-d", help="Field separator (one character, or 'tab'); default: sniffed "
        "from the first lines. The output uses the same one.")] = None,
    encoding: Annotated[str, typer.Option(
        "--encoding", help=f"Character encoding of the input; '{AUTO}' tries UTF-8, then "
        f"{FALLBACK_ENCODING}, and says which it used. The output is always UTF-8.")] = AUTO,
) -> None:
    """Find the duplicate organisations in any CSV (a CRM export, a purchased list).

    Every input row is written back with all its columns, plus cluster_id (the same for rows
    that are one organisation), match_weight and match_explanation.

    \b
    Examples:
      leadpipe dedupe crm.csv --map name=Company,address=Address,phone=Phone,website=Web \\
          --country GB --output crm_deduped.csv
      leadpipe dedupe list.csv --map name=name,street=street,postcode=zip,city=city --id id
      leadpipe dedupe kunden.csv --map name=Firma,city=Ort --delimiter ";" --encoding cp1252
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from enrich.resolve import load_decisions, resolve
    from enrich.resolve.decisions import DecisionsError

    if not input_csv.is_file():
        fail(f"{input_csv}: no such file")
    try:
        header, table, read = _read(input_csv, encoding, delimiter)
        mapping = parse_map(map_, header)
        if id_column and id_column not in header:
            raise ValueError(f"--id {id_column!r}: no such column")
        clash = [c for c in OUT_COLUMNS if c in header]
        if clash:
            which = "a column" if len(clash) == 1 else "columns"
            raise ValueError(f"the input already has {which} {', '.join(clash)}")
        records = _records(table, mapping, id_column, country)
        dec = load_decisions(decisions)
    except (ValueError, DecisionsError, pa.ArrowInvalid) as exc:
        fail(str(exc))
    if read.note:
        err_console.print(f"[yellow]note:[/] {escape(read.note)}", highlight=False,
                          soft_wrap=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err_console, transient=True) as progress:
        progress.add_task(f"resolving {records.num_rows:,} records", total=None)
        res = resolve(records, decisions=dec)
    links = res.links
    out = table.append_column("cluster_id", links.column("company_id"))
    weight = pc.round(links.column("match_weight"), 2).cast(pa.string())
    out = out.append_column("match_weight", pc.fill_null(weight, ""))
    out = out.append_column("match_explanation", links.column("explanation"))
    sink = str(output) if output else sys.stdout.buffer
    pacsv.write_csv(out, sink, write_options=pacsv.WriteOptions(
        quoting_style="needed", delimiter=read.delimiter))
    if review:
        pacsv.write_csv(res.review, str(review))
    n_clusters = len(pc.unique(links.column("company_id")))
    err_console.print(
        f"{records.num_rows:,} rows -> {n_clusters:,} organisations "
        f"({records.num_rows - n_clusters:,} duplicates), {res.review.num_rows:,} pairs to "
        f"review, {res.stats['t_total']:.1f}s" + (f"; wrote {output}" if output else ""),
        highlight=False,
    )


def dedupe_eval(
    predicted: Annotated[Path, typer.Argument(help="CSV with a record id and a cluster id.")],
    truth: Annotated[Path, typer.Option(
        "--truth", "-t",
        help="CSV of true clusters (id + cluster columns) or of matching pairs (two id "
             "columns, e.g. fodors_id,zagats_id).")],
    id_column: Annotated[str | None, typer.Option(
        "--id", help="Id column in PREDICTED (default: record_id, id, or the first).")] = None,
    cluster_column: Annotated[str, typer.Option(
        "--cluster", help="Cluster column in PREDICTED.")] = "cluster_id",
    truth_id: Annotated[str | None, typer.Option(
        "--truth-id", help="Id column in TRUTH (default: same name as --id, else first).")] = None,
    truth_cluster: Annotated[str | None, typer.Option(
        "--truth-cluster",
        help="Cluster column in TRUTH (found by itself when named true_cluster, true_id, "
             "cluster_id, entity_id, cluster or group_id); leave out when TRUTH lists "
             "matching pairs.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score a clustering against the truth: pairwise, B-cubed and exact-cluster P/R/F1.

    \b
    Examples:
      leadpipe dedupe-eval out.csv --truth truth.csv --truth-cluster true_cluster
      leadpipe dedupe-eval out.csv --id id --truth matches_fodors_zagats.csv
    """
    from enrich.resolve.evaluate import clusters_from_pairs, score_clusters

    try:
        ids, labels = _read_columns(predicted, id_column, cluster_column)
        with truth.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        if not rows:
            raise ValueError(f"{truth}: empty file")
        head, body = rows[0], rows[1:]
        if not truth_cluster:  # a cluster column by a usual name means clusters, not pairs
            truth_cluster = next((c for c in TRUTH_CLUSTER_NAMES if c in head), None)
        if truth_cluster:
            tid = truth_id or (id_column if id_column in head else head[0])
            if tid not in head or truth_cluster not in head:
                raise ValueError(f"{truth}: needs columns {tid!r} and {truth_cluster!r}")
            a, b = head.index(tid), head.index(truth_cluster)
            true_of = {r[a]: r[b] for r in body if len(r) > max(a, b)}
            true_labels = [true_of.get(i, f"__single__{i}") for i in ids]
        else:
            if len(head) < 2:
                raise ValueError(f"{truth}: expected two id columns of matching pairs, or "
                                 "give --truth-cluster")
            true_labels = clusters_from_pairs(ids, [(r[0], r[1]) for r in body if len(r) >= 2])
    except (OSError, ValueError) as exc:
        fail(str(exc))
    scores = score_clusters(labels, true_labels)
    if as_json:
        console.print_json(json.dumps(scores.as_dict()))
        return
    table = Table("measure", "precision", "recall", "F1", title=f"{predicted.name} vs "
                  f"{truth.name}: {scores.records:,} records")
    for label, key in (("pairs in clusters", "pair"), ("B-cubed", "bcubed"),
                       ("exact clusters", "cluster")):
        table.add_row(label, *(f"{getattr(scores, f'{key}_{m}'):.4f}"
                               for m in ("precision", "recall", "f1")))
    console.print(table)
    console.print(f"pairs: {scores.correct_pairs:,} correct of {scores.predicted_pairs:,} "
                  f"predicted, {scores.true_pairs:,} true; clusters: "
                  f"{scores.predicted_clusters:,} predicted, {scores.true_clusters:,} true")


def _read_columns(path: Path, id_column: str | None, cluster_column: str):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        head = reader.fieldnames or []
        idc = id_column or next((c for c in ("record_id", "id") if c in head),
                                head[0] if head else None)
        if idc not in head or cluster_column not in head:
            raise ValueError(f"{path}: needs columns {idc!r} and {cluster_column!r} "
                             f"(have: {', '.join(head)})")
        ids, labels = [], []
        for row in reader:
            ids.append(row[idc])
            labels.append(row[cluster_column])
    return ids, labels


def register(app: typer.Typer) -> None:
    app.command("dedupe", rich_help_panel="Tools")(dedupe)
    app.command("dedupe-eval", rich_help_panel="Tools")(dedupe_eval)

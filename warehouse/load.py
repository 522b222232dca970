"""Load published landing files into the warehouse: idempotent and transactional.

Each file is loaded in one transaction: raw items (keyed by run id + item hash, so a reload
inserts nothing), the latest sighting of each organisation record, its contacts, tenders and
awards. A killed load rolls back whole; a file already loaded with the same content is skipped.
A malformed line is reported with its file and line number and the rest of the file still loads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from spiders import landing_fields
from spiders.landing import item_hash, iter_landing_files, landing_root, record_id
from spiders.landing_check import BadLine, check_line
from warehouse.db import transaction
from warehouse.hashing import file_sha256
from warehouse.upsert import match_on, merge_new, merge_row

# Contract type -> Arrow type of the staged column (dates are cast to TIMESTAMP by the SQL).
ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int32(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "datetime": pa.string(),
    "list[str]": pa.list_(pa.string()),
    "list[identifier]": pa.list_(pa.string()),  # 'SCHEME:ID'
    "list[classification]": pa.list_(pa.struct(
        [(k, pa.string()) for k in landing_fields.CLASSIFICATION_ENTRY_KEYS])),
    "list[insolvency_case]": pa.list_(pa.struct(
        [(k, pa.string()) for k in landing_fields.INSOLVENCY_CASE_ENTRY_KEYS])),
}
# List fields whose entries are objects: only their declared keys are stored.
_ENTRY_KEYS = {"list[classification]": landing_fields.CLASSIFICATION_ENTRY_KEYS,
               "list[insolvency_case]": landing_fields.INSOLVENCY_CASE_ENTRY_KEYS}
# Organisation fields with a column of their own in source_records (contacts have a table,
# tender_ids stay in the raw payload).
ORG_COLUMNS = tuple(f for f in landing_fields.ORGANISATION if f.name not in ("contacts",
                                                                          "tender_ids"))
ORG_TEXT_FIELDS = tuple(f.name for f in ORG_COLUMNS if f.type == "str" and f.name not in (
    "name", "country"))
ORG_ENTRY_FIELDS = tuple((f.name, _ENTRY_KEYS[f.type]) for f in ORG_COLUMNS
                         if f.type in _ENTRY_KEYS)
MAX_QUARANTINED_CHARS = 10_000


@dataclass
class LoadSummary:
    """What a load did. ``errors`` has one line per quarantined line or failed file."""

    files_loaded: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    items: int = 0
    new_items: int = 0
    quarantined: int = 0
    # lines masked before the load because they named suppressed people (set by the caller)
    masked_lines: int = 0
    errors: list[str] = field(default_factory=list)
    # not errors: e.g. a listing that repeats one record id (merged, every category kept)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Quarantined:
    """A landing line the loader refused, and why."""

    line: int
    reason: str
    content: str


@dataclass
class LandingRead:
    """A landing file read line by line: the raw_items rows and checked items of its good
    lines, and its refused lines."""

    raw: list[dict[str, Any]] = field(default_factory=list)
    checked: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)

    def messages(self, path: Path) -> list[str]:
        return [f"{path}:{q.line}: quarantined: {q.reason}" for q in self.quarantined]


def identifier_strings(values: Any) -> list[str] | None:
    """[{scheme, id}] (or 'SCHEME:ID' strings) → ['SCHEME:ID', ...], each built by the landing
    contract's one :func:`spiders.landing_fields.identifier_text`."""
    out = [text for value in values or [] if (text := landing_fields.identifier_text(value))]
    return out or None


def _org_row(item: dict[str, Any]) -> dict[str, Any]:
    """A source_records row from a checked organisation item (values in their declared types)."""
    f = item["fields"]
    row: dict[str, Any] = {f_.name: f.get(f_.name) for f_ in ORG_COLUMNS}
    row.update({
        "record_id": item["record_id"],
        "source": item["source"],
        "native_id": item["native_id"],
        "name": f["name"].strip(),
        "country": f["country"].strip().upper() if f.get("country") else None,
        "identifiers": identifier_strings(f.get("identifiers")),
        "is_natural_person": bool(f.get("is_natural_person", False)),
        "url": item.get("url"),
        "method": item.get("method"),
        "seen_at": item["fetched_at"],
        "run_id": item["run_id"],
    })
    for key in ORG_TEXT_FIELDS:
        value = f.get(key)
        row[key] = value.strip() if value is not None else None
    for key, entry_keys in ORG_ENTRY_FIELDS:
        entries = [{k: e.get(k) for k in entry_keys} for e in f.get(key) or []
                   if isinstance(e, dict)]
        row[key] = entries or None
    return row


_LIST_FIELDS = ("categories", "identifiers", "accreditations")


def merge_repeats(rows: list[dict[str, Any]], where: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per record id, and a warning per id a file repeats.

    A listing that shows one company under several categories yields the same record id
    several times in one file. Keeping only the last would silently lose every other
    category: instead the list fields (categories, identifiers, accreditations) are united in
    order of appearance and each other field keeps the latest sighting's value, or an earlier
    one where the latest has none."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_id.setdefault(row["record_id"], []).append(row)
    if len(by_id) == len(rows):
        return rows, []
    out, warnings = [], []
    for group in by_id.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        group = sorted(group, key=lambda r: str(r.get("seen_at") or ""))
        merged = dict(group[-1])
        for older in reversed(group[:-1]):
            for key, value in older.items():
                if merged.get(key) is None and value is not None:
                    merged[key] = value
        for key in _LIST_FIELDS:
            united = list(dict.fromkeys(v for r in group for v in (r.get(key) or [])))
            merged[key] = united or None
        out.append(merged)
        cats = len(merged.get("categories") or [])
        native, name = group[0]["native_id"], group[0]["name"]
        label = f'"{native}"' if native == name else f'"{native}" ({name})'
        warnings.append(f"{where}: the record {label} appears {len(group)} times; merged into "
                        f"one record with {cats} categories")
    return out, warnings


def _contact_rows(item: dict[str, Any]) -> Iterable[dict[str, Any]]:
    f = item["fields"]
    if item["kind"] == "contact":
        org = f.get("organisation_native_id")
        people, owner = [f], (record_id(item["source"], str(org)) if org else item["record_id"])
    else:
        people, owner = f.get("contacts") or [], item["record_id"]
    for person in people:
        if not (person.get("name") or person.get("email")):
            continue
        key = f"{owner}|{person.get('name') or ''}|{person.get('email') or ''}".lower()
        yield {
            "contact_id": "p" + hashlib.sha1(key.encode()).hexdigest()[:15],
            "record_id": owner,
            "name": person.get("name"),
            "role": person.get("role"),
            "email": person.get("email"),
            "phone": person.get("phone"),
            "source": item["source"],
            "url": item.get("url"),
            "seen_at": item["fetched_at"],
        }


def _tender_row(item: dict[str, Any]) -> dict[str, Any]:
    f = item["fields"]
    classifications = f.get("classifications") or []
    cpv = [
        str(c.get("id"))
        for c in classifications
        if isinstance(c, dict) and str(c.get("scheme", "")).upper() == "CPV" and c.get("id")
    ]
    buyer = f.get("buyer_native_id")
    return {
        "tender_key": item["record_id"],
        "source": item["source"],
        "tender_id": str(f.get("tender_id") or item["native_id"]),
        "title": f.get("title"),
        "description": f.get("description"),
        "buyer_record_id": record_id(item["source"], str(buyer)) if buyer else None,
        "buyer_name": f.get("buyer_name"),
        "cpv": cpv or None,
        "classifications": json.dumps(classifications, ensure_ascii=False)
        if classifications
        else None,
        "value": f.get("value"),
        "currency": f.get("currency"),
        "deadline": f.get("deadline"),
        "status": f.get("status"),
        "published_at": f.get("published_at"),
        "url": item.get("url"),
        "seen_at": item["fetched_at"],
    }


def _award_row(item: dict[str, Any]) -> dict[str, Any]:
    f = item["fields"]
    supplier = f.get("supplier_native_id")
    return {
        "award_key": item["record_id"],
        "source": item["source"],
        "tender_id": f.get("tender_id"),
        "award_id": f.get("award_id"),
        "supplier_record_id": record_id(item["source"], str(supplier)) if supplier else None,
        "supplier_name": f.get("supplier_name"),
        "value": f.get("value"),
        "currency": f.get("currency"),
        "award_date": f.get("date"),
        "status": f.get("status"),
        "url": item.get("url"),
        "seen_at": item["fetched_at"],
    }


def _raw_row(written: dict[str, Any], checked: dict[str, Any]) -> dict[str, Any]:
    """The raw_items row: provenance columns from the checked item; the hash and the payload
    from the item exactly as written (so reloading a file finds the same keys)."""
    row: dict[str, Any] = {name: checked.get(name) for name, _ in _ENVELOPE}
    row["parser_version"] = str(checked.get("parser_version", ""))
    row["item_hash"] = item_hash(written)
    row["payload"] = json.dumps(written, ensure_ascii=False, default=str)
    return row


def read_landing_file(path: Path) -> LandingRead:
    """Read a landing file; a line that is not JSON or breaks the landing contract is
    quarantined with its reason, never raised (the rest of the file still loads)."""
    read = LandingRead()
    with path.open("rb") as fh:
        for lineno, data in enumerate(fh, 1):
            line = data.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise BadLine(f"not UTF-8 (byte {exc.start + 1} of the line)") from None
                written, checked = check_line(line)
            except BadLine as exc:
                read.quarantined.append(
                    Quarantined(lineno, str(exc), line.rstrip("\n")[:MAX_QUARANTINED_CHARS]))
                continue
            read.raw.append(_raw_row(written, checked))
            read.checked.append(checked)
    return read


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def _contract_columns(kind: str, names: tuple[str, ...]) -> list[tuple[str, pa.DataType]]:
    """(column, Arrow type) of fields copied as they are from the items of ``kind``."""
    fields = {f.name: f for f in landing_fields.fields_of(kind)}
    return [(n, ARROW_TYPES[fields[n].type]) for n in names]


_ENVELOPE = [(f.name, ARROW_TYPES[f.type]) for f in landing_fields.ENVELOPE]
_PROVENANCE = [(n, t) for n, t in _ENVELOPE
               if n in ("record_id", "source", "native_id", "url", "method", "run_id")]
_RAW_SCHEMA = pa.schema(_ENVELOPE + [("item_hash", pa.string()), ("payload", pa.string())])
_ORG_SCHEMA = pa.schema(
    _PROVENANCE + [("seen_at", pa.string())]
    + [(f.name, ARROW_TYPES[f.type]) for f in ORG_COLUMNS]
)
_CONTACT_SCHEMA = pa.schema(
    [("contact_id", pa.string()), ("record_id", pa.string())]
    + _contract_columns("contact", landing_fields.CONTACT_ENTRY_KEYS)
    + [("source", pa.string()), ("url", pa.string()), ("seen_at", pa.string())]
)
_TENDER_SCHEMA = pa.schema(
    [("tender_key", pa.string()), ("source", pa.string()), ("buyer_record_id", pa.string()),
     ("cpv", pa.list_(pa.string())), ("classifications", pa.string()),  # JSON text
     ("url", pa.string()), ("seen_at", pa.string())]
    + _contract_columns("tender", ("tender_id", "title", "description", "buyer_name", "value",
                                   "currency", "deadline", "status", "published_at"))
)
_AWARD_SCHEMA = pa.schema(
    [("award_key", pa.string()), ("source", pa.string()), ("supplier_record_id", pa.string()),
     ("award_date", ARROW_TYPES[landing_fields.find_field("award", "date").type]),
     ("url", pa.string()), ("seen_at", pa.string())]
    + _contract_columns("award", ("tender_id", "award_id", "supplier_name", "value",
                                  "currency", "status"))
)

# Organisation dates are DATE columns (registry facts: incorporated_on, accounts_next_due ...).
ORG_DATE_FIELDS = tuple(f.name for f in ORG_COLUMNS if f.type == "datetime")
_ORG_DATES = ", ".join(f"CAST(CAST({n} AS TIMESTAMP) AS DATE) AS {n}" for n in ORG_DATE_FIELDS)

_ORG_UPSERT = """
MERGE INTO source_records USING (
    SELECT * EXCLUDE (seen_at, rn){replace},
           CAST(seen_at AS TIMESTAMP) AS first_seen_at, CAST(seen_at AS TIMESTAMP) AS last_seen_at
    FROM (SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY seen_at DESC) AS rn
          FROM staged_orgs) WHERE rn = 1
) AS incoming ON (source_records.record_id = incoming.record_id)
WHEN MATCHED THEN UPDATE SET
    {updates},
    first_seen_at = LEAST(source_records.first_seen_at, incoming.first_seen_at),
    last_seen_at = GREATEST(source_records.last_seen_at, incoming.last_seen_at)
WHEN NOT MATCHED THEN INSERT BY NAME
"""


def _upsert_orgs(con: duckdb.DuckDBPyConnection) -> None:
    columns = [n for n in _ORG_SCHEMA.names if n not in ("record_id", "seen_at")]
    # Newer sightings replace older values; an older file loaded late changes nothing.
    updates = ",\n    ".join(
        f"{c} = CASE WHEN incoming.last_seen_at >= source_records.last_seen_at "
        f"THEN incoming.{c} ELSE source_records.{c} END"
        for c in columns
    )
    replace = f" REPLACE ({_ORG_DATES})" if _ORG_DATES else ""
    con.execute(_ORG_UPSERT.format(updates=updates, replace=replace))


def _upsert_latest(
    con: duckdb.DuckDBPyConnection,
    table: str,
    staged: str,
    key: str,
    schema: pa.Schema,
    first_seen: bool,
) -> None:
    cols = [n for n in schema.names if n not in (key, "seen_at")]
    seen = "CAST(seen_at AS TIMESTAMP) AS first_seen_at, " if first_seen else ""
    updates = ", ".join(f"{c} = incoming.{c}" for c in cols)
    con.execute(f"""
        MERGE INTO {table} USING (
            SELECT * EXCLUDE (seen_at, rn), {seen}CAST(seen_at AS TIMESTAMP) AS last_seen_at
            FROM (SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY seen_at DESC) AS rn
                  FROM {staged}) WHERE rn = 1
        ) AS incoming ON ({match_on(table, [key])})
        WHEN MATCHED AND incoming.last_seen_at >= {table}.last_seen_at THEN UPDATE SET
            {updates}, last_seen_at = GREATEST({table}.last_seen_at, incoming.last_seen_at)
        WHEN NOT MATCHED THEN INSERT BY NAME
    """)


_LANDING_FILE_ROW = {"path": "?", "run_id": "?", "source": "?", "sha256": "?", "items": "?",
                     "loaded_at": "now()"}


@dataclass(frozen=True)
class LoadedFile:
    """One landing file loaded: items read, items new to the warehouse, lines quarantined."""

    items: int
    new_items: int
    quarantined: int
    errors: list[str]


def load_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, key: str | None = None,
    sha256: str | None = None, warnings: list[str] | None = None,
) -> LoadedFile:
    """Load one landing file in one transaction, its refused lines into quarantined_lines.

    ``key`` names the file in ``landing_files`` (its path relative to the landing directory);
    notes that are not errors (a record id repeated in the file) are appended to ``warnings``.
    """
    sha256 = sha256 or file_sha256(path)
    key = key or f"{path.parent.name}/{path.name}"
    read = read_landing_file(path)
    items, raw = read.checked, read.raw
    orgs, repeated = merge_repeats(
        [_org_row(it) for it in items if it["kind"] == "organisation"], key)
    if warnings is not None:
        warnings.extend(repeated)
    contacts = [
        c for it in items if it["kind"] in ("organisation", "contact") for c in _contact_rows(it)
    ]
    tenders = [_tender_row(it) for it in items if it["kind"] == "tender"]
    awards = [_award_row(it) for it in items if it["kind"] == "award"]
    run_id = items[0]["run_id"] if items else path.parent.name
    source = items[0]["source"] if items else path.stem

    staged = {"staged_raw": _table(raw, _RAW_SCHEMA)}
    if orgs:
        staged["staged_orgs"] = _table(orgs, _ORG_SCHEMA)
    if contacts:
        staged["staged_contacts"] = _table(contacts, _CONTACT_SCHEMA)
    if tenders:
        staged["staged_tenders"] = _table(tenders, _TENDER_SCHEMA)
    if awards:
        staged["staged_awards"] = _table(awards, _AWARD_SCHEMA)
    with transaction(con, **staged):
        before = con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0]
        con.execute(merge_new("raw_items", """
            SELECT * REPLACE (CAST(fetched_at AS TIMESTAMP) AS fetched_at,
                              CAST(payload AS JSON) AS payload)
            FROM staged_raw""", ["run_id", "item_hash"]))
        new = con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] - before
        if orgs:
            _upsert_orgs(con)
        if contacts:
            _upsert_latest(con, "contacts", "staged_contacts", "contact_id", _CONTACT_SCHEMA,
                           True)
        if tenders:
            _upsert_latest(con, "tenders", "staged_tenders", "tender_key", _TENDER_SCHEMA, True)
        if awards:
            _upsert_latest(con, "awards", "staged_awards", "award_key", _AWARD_SCHEMA, False)
        con.execute("DELETE FROM quarantined_lines WHERE path = ?", [key])
        if read.quarantined:
            con.executemany(
                "INSERT INTO quarantined_lines VALUES (?, ?, ?, ?, ?, now())",
                [[key, q.line, q.reason, q.content, sha256] for q in read.quarantined],
            )
        con.execute(
            merge_row("landing_files", _LANDING_FILE_ROW, ["path"]),
            [key, run_id, source, sha256, len(items)],
        )
    return LoadedFile(len(items), new, len(read.quarantined), read.messages(path))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    *,
    progress: Callable[[Path], None] | None = None,
) -> LoadSummary:
    """Load every published landing file not loaded yet (same path and content).

    A bad line is quarantined and the rest of its file loads. A file the warehouse still
    refuses rolls back whole, is reported, and is tried again on the next load; the files
    after it load all the same.
    """
    summary = LoadSummary()
    known = dict(con.execute("SELECT path, sha256 FROM landing_files").fetchall())
    landing_dir = landing_root(landing_dir)
    for path in iter_landing_files(landing_dir):
        key = path.relative_to(landing_dir).as_posix()
        digest = file_sha256(path)
        if known.get(key) == digest:
            summary.files_skipped += 1
            continue
        try:
            loaded = load_file(con, path, key=key, sha256=digest,
                               warnings=summary.warnings)
        except (duckdb.Error, pa.ArrowException) as exc:
            summary.files_failed += 1
            summary.errors.append(f"{path}: not loaded (nothing of it was written; it is "
                                  f"tried again on the next load): {_first_line(exc)}")
            continue
        finally:
            if progress:
                progress(path)
        summary.files_loaded += 1
        summary.items += loaded.items
        summary.new_items += loaded.new_items
        summary.quarantined += loaded.quarantined
        summary.errors.extend(loaded.errors)
    return summary

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

from spiders.landing import KINDS, item_hash, iter_landing_files, record_id
from warehouse.db import transaction

ORG_TEXT_FIELDS = (
    "role",
    "website",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "region",
    "address",
    "description",
    "booth",
    "hall",
    "event_name",
    "event_date",
)


@dataclass
class LoadSummary:
    files_loaded: int = 0
    files_skipped: int = 0
    items: int = 0
    new_items: int = 0
    errors: list[str] = field(default_factory=list)
    # not errors: e.g. a listing that repeats one record id (merged, every category kept)
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _as_list(value: Any) -> list[str] | None:
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v not in (None, "")] or None


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _as_float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def identifier_strings(values: Any) -> list[str] | None:
    """[{scheme, id}] (or 'SCHEME:ID' strings) → ['SCHEME:ID', ...]."""
    out = []
    for value in values or []:
        if isinstance(value, dict):
            scheme, ident = value.get("scheme"), value.get("id")
            if ident:
                out.append(f"{scheme or 'UNKNOWN'}:{ident}")
        elif value:
            out.append(str(value))
    return out or None


def _org_row(item: dict[str, Any]) -> dict[str, Any]:
    f = item["fields"]
    row: dict[str, Any] = {
        "record_id": item["record_id"],
        "source": item["source"],
        "native_id": item["native_id"],
        "name": str(f.get("name") or "").strip(),
        "country": (str(f["country"]).upper() if f.get("country") else None),
        "categories": _as_list(f.get("categories")),
        "identifiers": identifier_strings(f.get("identifiers")),
        "employees": _as_int(f.get("employees")),
        "founded": _as_int(f.get("founded")),
        "accreditations": _as_list(f.get("accreditations")),
        "paid_listing": bool(f["paid_listing"]) if "paid_listing" in f else None,
        "is_natural_person": bool(f.get("is_natural_person", False)),
        "url": item.get("url"),
        "method": item.get("method"),
        "seen_at": item["fetched_at"],
        "run_id": item["run_id"],
    }
    for key in ORG_TEXT_FIELDS:
        value = f.get(key)
        row[key] = str(value).strip() if value not in (None, "") else None
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
        if not isinstance(person, dict) or not (person.get("name") or person.get("email")):
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
        "value": _as_float(f.get("value")),
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
        "value": _as_float(f.get("value")),
        "currency": f.get("currency"),
        "award_date": f.get("date"),
        "status": f.get("status"),
        "url": item.get("url"),
        "seen_at": item["fetched_at"],
    }


def read_landing_file(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse a landing file; malformed lines become error messages, never exceptions."""
    items, errors = [], []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                missing = [
                    k
                    for k in (
                        "kind",
                        "source",
                        "native_id",
                        "record_id",
                        "run_id",
                        "fetched_at",
                        "fields",
                    )
                    if k not in item
                ]
                if missing:
                    raise ValueError(f"missing {', '.join(missing)}")
                if item["kind"] not in KINDS:
                    raise ValueError(f"unknown kind {item['kind']!r}")
                if item["kind"] == "organisation" and not item["fields"].get("name"):
                    raise ValueError("organisation without a name")
            except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
                errors.append(f"{path}:{lineno}: skipped malformed landing line: {exc}")
                continue
            items.append(item)
    return items, errors


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


_RAW_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("item_hash", pa.string()),
        ("record_id", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("native_id", pa.string()),
        ("url", pa.string()),
        ("fetched_at", pa.string()),
        ("method", pa.string()),
        ("parser_version", pa.string()),
        ("payload", pa.string()),
    ]
)
_ORG_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("source", pa.string()),
        ("native_id", pa.string()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("categories", pa.list_(pa.string())),
        ("identifiers", pa.list_(pa.string())),
        ("employees", pa.int32()),
        ("founded", pa.int32()),
        ("accreditations", pa.list_(pa.string())),
        ("paid_listing", pa.bool_()),
        ("is_natural_person", pa.bool_()),
        ("url", pa.string()),
        ("method", pa.string()),
        ("seen_at", pa.string()),
        ("run_id", pa.string()),
    ]
    + [(k, pa.string()) for k in ORG_TEXT_FIELDS]
)
_CONTACT_SCHEMA = pa.schema(
    [
        (k, pa.string())
        for k in (
            "contact_id",
            "record_id",
            "name",
            "role",
            "email",
            "phone",
            "source",
            "url",
            "seen_at",
        )
    ]
)
_TENDER_SCHEMA = pa.schema(
    [
        (k, pa.string())
        for k in (
            "tender_key",
            "source",
            "tender_id",
            "title",
            "description",
            "buyer_record_id",
            "buyer_name",
        )
    ]
    + [("cpv", pa.list_(pa.string())), ("classifications", pa.string()), ("value", pa.float64())]
    + [
        (k, pa.string())
        for k in ("currency", "deadline", "status", "published_at", "url", "seen_at")
    ]
)
_AWARD_SCHEMA = pa.schema(
    [
        (k, pa.string())
        for k in (
            "award_key",
            "source",
            "tender_id",
            "award_id",
            "supplier_record_id",
            "supplier_name",
        )
    ]
    + [("value", pa.float64())]
    + [(k, pa.string()) for k in ("currency", "award_date", "status", "url", "seen_at")]
)

_ORG_UPSERT = """
INSERT INTO source_records BY NAME
SELECT * EXCLUDE (seen_at, rn),
       CAST(seen_at AS TIMESTAMP) AS first_seen_at, CAST(seen_at AS TIMESTAMP) AS last_seen_at
FROM (SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY seen_at DESC) AS rn
      FROM staged_orgs) WHERE rn = 1
ON CONFLICT (record_id) DO UPDATE SET
    {updates},
    first_seen_at = LEAST(source_records.first_seen_at, excluded.first_seen_at),
    last_seen_at = GREATEST(source_records.last_seen_at, excluded.last_seen_at)
"""


def _upsert_orgs(con: duckdb.DuckDBPyConnection) -> None:
    columns = [n for n in _ORG_SCHEMA.names if n not in ("record_id", "seen_at")]
    # Newer sightings replace older values; an older file loaded late changes nothing.
    updates = ",\n    ".join(
        f"{c} = CASE WHEN excluded.last_seen_at >= source_records.last_seen_at "
        f"THEN excluded.{c} ELSE source_records.{c} END"
        for c in columns
    )
    con.execute(_ORG_UPSERT.format(updates=updates))


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
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols)
    con.execute(f"""
        INSERT INTO {table} BY NAME
        SELECT * EXCLUDE (seen_at, rn), {seen}CAST(seen_at AS TIMESTAMP) AS last_seen_at
        FROM (SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY seen_at DESC) AS rn
              FROM {staged}) WHERE rn = 1
        ON CONFLICT ({key}) DO UPDATE SET {updates},
            last_seen_at = GREATEST({table}.last_seen_at, excluded.last_seen_at)
            WHERE excluded.last_seen_at >= {table}.last_seen_at
    """)


def load_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, key: str | None = None,
    sha256: str | None = None, warnings: list[str] | None = None,
) -> tuple[int, int, list[str]]:
    """Load one landing file in one transaction; return (items, newly inserted, errors).

    ``key`` names the file in ``landing_files`` (its path relative to the landing directory);
    notes that are not errors (a record id repeated in the file) are appended to ``warnings``.
    """
    sha256 = sha256 or _sha256(path)
    key = key or f"{path.parent.name}/{path.name}"
    items, errors = read_landing_file(path)
    raw = [
        {
            "run_id": it["run_id"],
            "item_hash": item_hash(it),
            "record_id": it["record_id"],
            "source": it["source"],
            "kind": it["kind"],
            "native_id": it["native_id"],
            "url": it.get("url"),
            "fetched_at": it["fetched_at"],
            "method": it.get("method"),
            "parser_version": str(it.get("parser_version", "")),
            "payload": json.dumps(it, ensure_ascii=False, default=str),
        }
        for it in items
    ]
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
        con.execute("""INSERT INTO raw_items BY NAME
                       SELECT * REPLACE (CAST(fetched_at AS TIMESTAMP) AS fetched_at,
                                         CAST(payload AS JSON) AS payload)
                       FROM staged_raw ON CONFLICT DO NOTHING""")
        new = con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] - before
        if orgs:
            _upsert_orgs(con)
        if contacts:
            _upsert_latest(con, "contacts", "staged_contacts", "contact_id", _CONTACT_SCHEMA, False)
        if tenders:
            _upsert_latest(con, "tenders", "staged_tenders", "tender_key", _TENDER_SCHEMA, True)
        if awards:
            _upsert_latest(con, "awards", "staged_awards", "award_key", _AWARD_SCHEMA, False)
        con.execute(
            "INSERT OR REPLACE INTO landing_files VALUES (?, ?, ?, ?, ?, now())",
            [key, run_id, source, sha256, len(items)],
        )
    return len(items), new, errors


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    *,
    progress: Callable[[Path], None] | None = None,
) -> LoadSummary:
    """Load every published landing file not loaded yet (same path and content)."""
    summary = LoadSummary()
    known = dict(con.execute("SELECT path, sha256 FROM landing_files").fetchall())
    landing_dir = Path(landing_dir)
    for path in iter_landing_files(landing_dir):
        key = path.relative_to(landing_dir).as_posix()
        digest = _sha256(path)
        if known.get(key) == digest:
            summary.files_skipped += 1
            continue
        count, new, errors = load_file(con, path, key=key, sha256=digest,
                                       warnings=summary.warnings)
        summary.files_loaded += 1
        summary.items += count
        summary.new_items += new
        summary.errors.extend(errors)
        if progress:
            progress(path)
    return summary

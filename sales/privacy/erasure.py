"""Erasure: one person (an e-mail or a phone) removed everywhere leadpipe keeps data, and then
suppressed so the next crawl cannot bring them back into an export.

- The warehouse: their contact rows deleted; the e-mail or phone fields that are theirs
  emptied in source records, companies and website findings; the raw landed items and the
  quarantined lines masked (the raw items re-keyed to the masked content, as if the masked
  file had been loaded).
- The landing files: each file that mentions them rewritten in place, atomically (a new file
  beside it, renamed over it), one line for one line; the warehouse then records the masked
  file's hash, so the loader sees it as loaded and skips it.
- The HTTP cache (Scrapy's filesystem layout): every cached response that mentions them is
  removed, so the page is fetched afresh, or not at all.
What was masked is appended to ``<data_dir>/erasure-log.jsonl``, holding only the salted hash
of the person, file names, line numbers and counts.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
import shutil
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from enrich.normalise import email_key, phone_key
from sales.privacy import leaders
from sales.privacy.keys import (
    comparable_key,
    guess_kind,
    name_key,
    read_salt,
    register_key_functions,
    salted_hash,
)
from sales.privacy.suppression import add_entry, add_person_names
from spiders.landing import is_local, item_hash, iter_landing_files, landing_root
from warehouse.hashing import file_sha256
from warehouse.upsert import merge_new

ERASURE_LOG = "erasure-log.jsonl"
MASK = "[erased]"
PHONE_TEXT = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
_PHONE_EXTENSION = re.compile(r"(?i)\s*(?:ext|x|#)\.?\s*\d+$")


class NotAPerson(ValueError):
    """Neither an e-mail address nor a phone number."""


@dataclass(frozen=True)
class Person:
    """Whom to erase: the kind and the comparable key (never written anywhere)."""

    kind: str
    key: str

    def is_value(self, value: Any) -> bool:
        """Is this whole value theirs (an address, a number or a name in any spelling)?"""
        if not isinstance(value, str):
            return False
        if self.kind == "email":
            return email_key(value) == self.key
        if self.kind == "name":
            return name_key(value) == self.key
        # a number as printed, not a text with digits in it (the key is the last digits)
        number = _PHONE_EXTENSION.sub("", value.strip())
        return PHONE_TEXT.fullmatch(number) is not None and phone_key(value) == self.key

    def mentioned(self, text: str) -> bool:
        if self.kind == "email":
            return self.key in html.unescape(text).lower()
        if self.kind == "name":
            return f" {self.key} " in f" {name_key(html.unescape(text)) or ''} "
        return any(phone_key(m) == self.key for m in PHONE_TEXT.findall(text))

    def mask_text(self, text: str) -> str:
        if self.kind == "email":
            return re.sub(_entity_spelled(self.key), MASK, text, flags=re.IGNORECASE)
        if self.kind == "name":  # the name as printed, any case, any spaces or dots between
            words = r"[\s.\-]+".join(re.escape(w) for w in self.key.split())
            return re.sub(rf"\b{words}\b", MASK, text, flags=re.IGNORECASE)
        return PHONE_TEXT.sub(lambda m: MASK if phone_key(m.group()) == self.key
                               else m.group(), text)


_NAMED_ENTITIES = {"@": ("&commat;",), ".": ("&period;",)}


def _entity_spelled(text: str) -> str:
    """A pattern for ``text`` with any character possibly written as an HTML character
    reference (``jane.doe&#64;acme.example``), as pages hide addresses from harvesters."""
    parts = []
    for ch in text:
        options = [re.escape(ch), f"&#0*{ord(ch)};", f"&#x0*{ord(ch):x};",
                   *map(re.escape, _NAMED_ENTITIES.get(ch, ()))]
        parts.append(f"(?:{'|'.join(options)})")
    return "".join(parts)


def person_of(value: str) -> Person:
    kind = guess_kind(value)
    if kind not in ("email", "phone"):
        raise NotAPerson(f"{value!r} is neither an e-mail address nor a phone number")
    key = comparable_key(kind, value)
    if key is None:
        raise NotAPerson(f"{value!r} is too short to be a phone number")
    return Person(kind, key)


@dataclass
class Erasure:
    """What ``forget`` found and removed."""

    warehouse: dict[str, int] = field(default_factory=dict)
    landing: list[dict[str, Any]] = field(default_factory=list)
    httpcache: list[str] = field(default_factory=list)

    @property
    def landing_lines(self) -> int:
        return sum(len(f["lines"]) for f in self.landing)


# --- one landing item ------------------------------------------------------------------------


def _is_theirs(person: Person, entry: Any) -> bool:
    """Is this contact entry theirs (by its address or number; a name by its name)?"""
    fields = ("name",) if person.kind == "name" else ("email", "phone")
    return isinstance(entry, dict) and any(person.is_value(entry.get(k)) for k in fields)


def _mask_value(person: Person, value: Any) -> tuple[Any, bool]:
    """(masked value, whether to drop it)."""
    if isinstance(value, str):
        if person.is_value(value) and person.kind != "name":
            return None, True
        masked = person.mask_text(value) if person.mentioned(value) else value
        return masked, False
    if isinstance(value, list):
        kept = [v for v in value if not _is_theirs(person, v)]
        out = []
        for v in kept:
            masked, drop = _mask_value(person, v)
            if not drop:
                out.append(masked)
        return out, False
    if isinstance(value, dict):
        out_dict = {}
        for k, v in value.items():
            masked, drop = _mask_value(person, v)
            if not drop:
                out_dict[k] = masked
        return out_dict, False
    return value, False


def mask_item(person: Person, item: dict[str, Any]) -> dict[str, Any]:
    """The item without the person: a contact entry of theirs dropped whole (name and role
    too), a field holding their address or number left out, a mention in text masked. A
    contact item of theirs keeps only the organisation it belongs to."""
    fields = item.get("fields") or {}
    if item.get("kind") == "contact" and _is_theirs(person, fields):
        fields = {k: v for k, v in fields.items() if k == "organisation_native_id"}
    masked, _ = _mask_value(person, fields)
    out = dict(item)
    out["fields"] = {k: v for k, v in masked.items() if v not in (None, "", [], {})}
    return out


def mask_line(people: list[Person], line: str) -> str:
    """A landing line (or any text) without the people: an item masked field by field, text
    that is not a JSON object masked where it mentions them."""
    try:
        item = json.loads(line)
    except ValueError:
        item = None
    if not isinstance(item, dict):
        for person in people:
            line = person.mask_text(line)
        return line
    for person in people:
        item = mask_item(person, item)
    return json.dumps(item, ensure_ascii=False, default=str)


# --- landing files ---------------------------------------------------------------------------


def mask_landing_file(
    path: Path, landing_dir: Path, people_in: Callable[[str], list[Person]]
) -> dict[str, Any] | None:
    """Rewrite one landing file in place, atomically and line for line, each line masked of
    the people ``people_in(line)`` finds in it; the record of what changed (file, lines,
    hashes before and after), or None when no line changed."""
    raw = path.read_bytes()
    lines = raw.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
    masked_at = []
    out = []
    for number, line in enumerate(lines, 1):
        body = line.rstrip("\r\n")
        people = people_in(body) if body.strip() else []
        if people:
            new = mask_line(people, body)
            if new != body:
                masked_at.append(number)
                line = new + line[len(body):]
        out.append(line)
    if not masked_at:
        return None
    tmp = path.with_name(path.name + ".erasing")
    tmp.write_bytes("".join(out).encode("utf-8", errors="surrogateescape"))
    if is_local(path):
        os.replace(tmp, path)
    else:
        tmp.rename(path)  # an object store's rename replaces the object
    return {"file": path.relative_to(landing_dir).as_posix(), "lines": masked_at,
            "sha256_before": hashlib.sha256(raw).hexdigest(), "sha256_after": file_sha256(path)}


def erase_landing(person: Person, landing_dir: Path) -> list[dict[str, Any]]:
    """Rewrite each landing file that mentions the person; one record per file changed."""
    changed = []
    landing_dir = landing_root(landing_dir)
    for path in iter_landing_files(landing_dir):
        record = mask_landing_file(
            path, landing_dir, lambda body: [person] if person.mentioned(body) else [])
        if record is not None:
            changed.append(record)
    return changed


# --- the HTTP cache --------------------------------------------------------------------------


def _read_cached(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def erase_httpcache(person: Person, cache_dir: Path,
                    urls: Collection[str] | None = None) -> list[str]:
    """Remove every cached response (Scrapy's ``FilesystemCacheStorage`` layout: one folder
    per request holding ``response_body``, ``response_headers``, ``meta``...) that mentions
    the person (with ``urls``: only responses of those pages); return the folders removed,
    relative to the cache."""
    removed = []
    if not cache_dir.exists():
        return removed
    for body in sorted(cache_dir.rglob("response_body")):
        entry = body.parent
        texts = [body] + [entry / n for n in ("response_headers", "meta", "request_body")]
        if urls is not None:
            meta = entry / "meta"
            if not (meta.exists() and any(u in _read_cached(meta) for u in urls)):
                continue
        if any(p.exists() and person.mentioned(_read_cached(p)) for p in texts):
            shutil.rmtree(entry)
            removed.append(entry.relative_to(cache_dir).as_posix())
    return removed


# --- the warehouse ---------------------------------------------------------------------------


def _key_sql(person: Person, column: str) -> str:
    return f"leadpipe_{person.kind}_key({column}) = $key"


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> int:
    return con.execute(sql, params).fetchall()[0][0]


def _mask_rows(
    con: duckdb.DuckDBPyConnection, person: Person, table: str, key: str, column: str,
    mask: Callable[[str], str],
) -> int:
    """Mask ``column`` (text) of the rows that mention the person; return how many."""
    rows = con.execute(f"SELECT {key}, CAST({column} AS VARCHAR) FROM {table} "
                       f"WHERE {column} IS NOT NULL").fetchall()
    hits = [(k, v) for k, v in rows if person.mentioned(v)]
    for k, v in hits:
        con.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", [mask(v), k])
    return len(hits)


def erase_warehouse(con: duckdb.DuckDBPyConnection, person: Person) -> dict[str, int]:
    register_key_functions(con)
    p = {"key": person.key}
    done: dict[str, int] = {}
    theirs = _key_sql(person, person.kind)
    done["contacts"] = _count(con, f"SELECT count(*) FROM contacts WHERE {theirs}", p)
    con.execute(f"DELETE FROM contacts WHERE {theirs}", p)
    column = person.kind
    for table in ("source_records", "companies"):
        n = _count(con, f"SELECT count(*) FROM {table} WHERE {_key_sql(person, column)}", p)
        con.execute(f"UPDATE {table} SET {column} = NULL WHERE {_key_sql(person, column)}", p)
        key = "record_id" if table == "source_records" else "company_id"
        n += _mask_rows(con, person, table, key, "description", person.mask_text)
        done[table] = n
    found = f"website_{column}s"
    done["enrichment"] = _count(
        con, f"SELECT count(*) FROM enrichment WHERE len(list_filter({found}, "
        f"lambda x: leadpipe_{person.kind}_key(x) = $key)) > 0", p)
    con.execute(f"UPDATE enrichment SET {found} = list_filter({found}, "
                f"lambda x: coalesce(leadpipe_{person.kind}_key(x) != $key, true)) "
                f"WHERE len(list_filter({found}, "
                f"lambda x: leadpipe_{person.kind}_key(x) = $key)) > 0", p)
    done["raw_items"] = _erase_raw_items(con, person)
    done["quarantined_lines"] = _mask_rows(
        con, person, "quarantined_lines", "path || ':' || line", "content",
        lambda text: mask_line([person], text))
    return done


def _erase_raw_items(con: duckdb.DuckDBPyConnection, person: Person,
                     only: Callable[[str], bool] | None = None) -> int:
    """Replace each raw item that mentions the person (and that ``only`` accepts) by its
    masked twin, keyed by the masked content's hash (two items that differ only by the person
    become one)."""
    rows = con.execute("SELECT run_id, item_hash, CAST(payload AS VARCHAR) FROM raw_items"
                       ).fetchall()
    hits = 0
    for run_id, old_hash, payload in rows:
        if not person.mentioned(payload) or (only is not None and not only(payload)):
            continue
        item = mask_item(person, json.loads(payload))
        hits += 1
        con.execute("CREATE OR REPLACE TEMP TABLE erasing AS SELECT * FROM raw_items "
                    "WHERE run_id = ? AND item_hash = ?", [run_id, old_hash])
        con.execute("DELETE FROM raw_items WHERE run_id = ? AND item_hash = ?",
                    [run_id, old_hash])
        con.execute(merge_new("raw_items", "SELECT * REPLACE (? AS item_hash, "
                              "CAST(? AS JSON) AS payload) FROM erasing",
                              ["run_id", "item_hash"]),
                    [item_hash(item), json.dumps(item, ensure_ascii=False, default=str)])
    con.execute("DROP TABLE IF EXISTS erasing")
    return hits


# --- all of it ------------------------------------------------------------------------------


def _log(data_dir: Path, record: dict[str, Any]) -> None:
    with (Path(data_dir) / ERASURE_LOG).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, sort_keys=True) + "\n")


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def forget(
    con: duckdb.DuckDBPyConnection, data_dir: Path, landing_dir: Path, cache_dir: Path,
    value: str, company: str | None = None,
) -> Erasure:
    """Erase the person ``value`` names everywhere, suppress them and log what was masked.

    ``value`` is an e-mail or a phone (their names go too: every name their contact rows
    carry leaves the named leadership of those companies and is suppressed there); with
    ``company``, a person's name at that company (``forget_leader``)."""
    if company is not None:
        return forget_leader(con, data_dir, landing_dir, cache_dir, value, company)
    person = person_of(value)
    names = leaders.names_of_person(con, person.kind, person.key)
    result = Erasure()
    con.execute("BEGIN TRANSACTION")
    try:
        result.warehouse = erase_warehouse(con, person)
        result.landing = erase_landing(person, landing_dir)
        _record_masked_files(con, result.landing)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.httpcache = erase_httpcache(person, cache_dir)
    add_entry(con, data_dir, value, "erased on request", person.kind)
    add_person_names(con, data_dir, names, "erased on request")
    result.warehouse["leadership"] = leaders.scrub(con, data_dir)
    salt = read_salt(data_dir)
    assert salt is not None  # made by add_entry
    _log(data_dir, {
        "at": _now_text(),
        "kind": person.kind,
        "person_hash": salted_hash(salt, person.key),
        "warehouse": result.warehouse,
        "landing": result.landing,
        "httpcache": result.httpcache,
    })
    return result


def _record_masked_files(con: duckdb.DuckDBPyConnection, landed: list[dict[str, Any]]) -> None:
    """The masked files' new hashes, so the loader sees them as loaded and skips them."""
    for changed in landed:
        con.execute("UPDATE landing_files SET sha256 = ? WHERE path = ? AND sha256 = ?",
                    [changed["sha256_after"], changed["file"], changed["sha256_before"]])


def _item_of(items: set[tuple[str, str]], line: str) -> bool:
    """Is this landing line an item of one of ``items`` (source, native id), or a contact
    item belonging to one?"""
    try:
        item = json.loads(line)
    except ValueError:
        return False
    if not isinstance(item, dict):
        return False
    owner = (item.get("fields") or {}).get("organisation_native_id")
    return any((item.get("source"), n) in items for n in (item.get("native_id"), owner) if n)


def forget_leader(
    con: duckdb.DuckDBPyConnection, data_dir: Path, landing_dir: Path, cache_dir: Path,
    name: str, company: str,
) -> Erasure:
    """Erase a person named at one company (by name: a name alone identifies nobody): their
    contact rows there deleted, their entry in its named leadership (and its provenance)
    dropped, the company's landed items masked of them (their contact entry dropped whole,
    the name masked in text), the company's cached pages that name them removed; then the
    name is suppressed at that company (``sales.privacy.leaders``)."""
    try:
        leader = leaders.named_leader(con, name, company)
    except ValueError as exc:
        raise NotAPerson(str(exc)) from None
    person = Person("name", leader.name_key)
    records = con.execute(
        "SELECT r.record_id, r.source, r.native_id, r.url FROM company_links l "
        "JOIN source_records r USING (record_id) WHERE l.company_id = ?",
        [leader.company_id]).fetchall()
    record_ids = [r[0] for r in records]
    items = {(r[1], r[2]) for r in records}
    register_key_functions(con)
    result = Erasure()
    con.execute("BEGIN TRANSACTION")
    try:
        theirs = "leadpipe_name_key(name) = ? AND list_contains(?, record_id)"
        result.warehouse["contacts"] = _count(
            con, f"SELECT count(*) FROM contacts WHERE {theirs}", [person.key, record_ids])
        con.execute(f"DELETE FROM contacts WHERE {theirs}", [person.key, record_ids])
        result.warehouse["raw_items"] = _erase_raw_items(
            con, person, lambda payload: _item_of(items, payload))
        root = landing_root(landing_dir)
        for path in iter_landing_files(root):
            changed = mask_landing_file(path, root, lambda body: [person] if (
                person.mentioned(body) and _item_of(items, body)) else [])
            if changed is not None:
                result.landing.append(changed)
        _record_masked_files(con, result.landing)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.httpcache = erase_httpcache(person, cache_dir, {r[3] for r in records if r[3]})
    [entry_id] = leaders.add_entries(con, data_dir, [leader], "erased on request")
    result.warehouse["leadership"] = leaders.scrub(con, data_dir)
    _log(data_dir, {
        "at": _now_text(),
        "kind": leaders.KIND,
        "person_hash": entry_id.partition(":")[2],
        "warehouse": result.warehouse,
        "landing": result.landing,
        "httpcache": result.httpcache,
    })
    return result

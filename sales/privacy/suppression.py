"""The suppression list: companies and people that never appear in any export.

An entry is a company (its id, kept as it is), a domain, an e-mail or a phone (kept only as a
salted hash, see ``sales.privacy.keys``). A company entry also remembers every source record
ever linked to it (``suppression_records``), so a re-crawl, a re-load or a re-resolve that
merges the company, splits it or gives it a new id keeps it suppressed: a company is
suppressed when its id is an entry (or redirects from one), when one of its records was ever
linked to a suppressed company, or when its domain's hash is an entry.

``refresh`` writes the company ids the entries resolve to into ``suppressions`` (which scoring
reads: a suppressed company is never a prospect) and widens the remembered records to those
linked now. The export view (``sales.privacy.view``) checks the entries themselves too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sales.privacy import leaders
from sales.privacy.keys import (
    KINDS,
    PERSON_KINDS,
    comparable_key,
    guess_kind,
    hash_sql,
    read_salt,
    stored_key,
)
from sales.privacy.leaders import NamedLeader, named_leader
from warehouse.upsert import merge_new, merge_row


class NotSuppressible(ValueError):
    """A value that is no company id, domain, e-mail or phone; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One suppression entry as the list keeps it (never the person's data)."""

    entry_id: str
    kind: str
    key: str
    reason: str | None
    created_at: datetime
    companies: int = 0  # companies it suppresses now


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def current_company_id(con: duckdb.DuckDBPyConnection, company_id: str) -> str | None:
    """The company id as it is now (following redirects), None when never known."""
    seen = set()
    cid = company_id
    while cid not in seen:
        seen.add(cid)
        row = con.execute("SELECT new_id FROM company_redirects WHERE old_id = ?",
                          [cid]).fetchone()
        if row is None:
            break
        cid = row[0]
    known = con.execute("SELECT 1 FROM companies WHERE company_id = ?", [cid]).fetchone()
    return cid if known or cid != company_id else None


def kind_of(con: duckdb.DuckDBPyConnection, value: str, kind: str | None = None) -> str:
    """The kind of ``value``: the one asked for, else a known company id, else by its shape."""
    if kind is not None:
        if kind not in KINDS:
            raise NotSuppressible(f"unknown kind {kind!r}; use {', '.join(KINDS)}")
        return kind
    if current_company_id(con, value.strip()) is not None:
        return "company"
    guessed = guess_kind(value)
    if guessed is None:
        raise NotSuppressible(
            f"{value!r} is no known company id, domain, e-mail address or phone number (a "
            "person's name needs --company)")
    return guessed


def _leader(con: duckdb.DuckDBPyConnection, value: str, company: str | None) -> NamedLeader:
    if company is None:
        raise NotSuppressible(f"{value!r}: a person's name needs the company that names them "
                              "(--company, its id or domain)")
    try:
        return named_leader(con, value, company)
    except ValueError as exc:  # UnknownCompany, or no name
        raise NotSuppressible(str(exc)) from None


def add_entry(
    con: duckdb.DuckDBPyConnection, data_dir: Path, value: str, reason: str | None,
    kind: str | None = None, company: str | None = None,
) -> Entry:
    """Suppress ``value`` (re-adding an entry keeps it and updates its reason).

    With ``company``, ``value`` is a person's name at that company (a named leader,
    ``sales.privacy.leaders``). An e-mail or phone also suppresses the names their contact rows
    carry, each at its company."""
    if company is not None or kind == leaders.KIND:
        [entry_id] = leaders.add_entries(con, data_dir, [_leader(con, value, company)], reason)
        return next(e for e in list_entries(con, data_dir) if e.entry_id == entry_id)
    kind = kind_of(con, value, kind)
    salt = read_salt(data_dir, create=kind != "company")
    if comparable_key(kind, value) is None:
        raise NotSuppressible(f"{value!r} is not a usable {_WORDS[kind]}")
    key = stored_key(kind, value, salt)
    assert key is not None
    if kind == "company":
        key = current_company_id(con, key) or key
    entry_id = f"{kind}:{key}"
    con.execute(
        merge_row("suppression_entries", ["entry_id", "kind", "key", "reason", "created_at"],
                  ["entry_id"], ["reason"]),
        [entry_id, kind, key, reason, _now()],
    )
    if kind in PERSON_KINDS:
        person_key = comparable_key(kind, value)
        assert person_key is not None
        add_person_names(con, data_dir, leaders.names_of_person(con, kind, person_key), reason)
    refresh(con, data_dir)
    return next(e for e in list_entries(con, data_dir) if e.entry_id == entry_id)


_WORDS = {"company": "company id", "domain": "domain", "email": "e-mail address",
          "phone": "phone number", "leader": "name"}


def add_person_names(con: duckdb.DuckDBPyConnection, data_dir: Path,
                     names: list[NamedLeader], reason: str | None) -> list[str]:
    """Suppress the names a suppressed person is known under, each at its company (with the
    person's reason)."""
    return leaders.add_entries(con, data_dir, names, reason)


def remove_entry(
    con: duckdb.DuckDBPyConnection, data_dir: Path, value: str, kind: str | None = None,
    company: str | None = None,
) -> Entry | None:
    """Remove the entry for ``value`` (an entry id as ``list`` shows it also works; a name
    with its ``company``). Removing a person's e-mail or phone keeps the entries of their
    names: remove those by name."""
    found = con.execute("SELECT entry_id FROM suppression_entries WHERE entry_id = ?",
                        [value.strip()]).fetchone()
    if found is None and (company is not None or kind == leaders.KIND):
        salt = read_salt(data_dir)
        if salt is None:
            return None
        key = leaders.entry_key(salt, _leader(con, value, company))
        found = con.execute("SELECT entry_id FROM suppression_entries WHERE entry_id = ?",
                            [f"{leaders.KIND}:{key}"]).fetchone()
    elif found is None:
        kind = kind_of(con, value, kind)
        salt = read_salt(data_dir)
        if salt is None and kind != "company":
            return None  # no hashed entry was ever made
        key = stored_key(kind, value, salt)
        if kind == "company" and key is not None:
            key = current_company_id(con, key) or key
        found = con.execute("SELECT entry_id FROM suppression_entries WHERE entry_id = ?",
                            [f"{kind}:{key}"]).fetchone()
    if found is None:
        return None
    entry = next(e for e in list_entries(con, data_dir) if e.entry_id == found[0])
    derived = f"SELECT DISTINCT company_id FROM ({entry_companies_sql(read_salt(data_dir))})"
    before = {r[0] for r in con.execute(derived).fetchall()}
    con.execute("DELETE FROM suppression_records WHERE entry_id = ?", [entry.entry_id])
    con.execute("DELETE FROM suppression_entries WHERE entry_id = ?", [entry.entry_id])
    gone = before - {r[0] for r in con.execute(derived).fetchall()}
    if gone:
        con.execute("DELETE FROM suppressions WHERE list_contains(?, company_id)",
                    [sorted(gone)])
    return entry


def entry_companies_sql(salt: str | None) -> str:
    """SQL of (entry_id, company_id): the companies each entry suppresses now."""
    parts = [
        # the company id, and the id it redirects to (a merge), through any chain
        """WITH RECURSIVE ids(entry_id, company_id) AS (
               SELECT entry_id, key FROM suppression_entries WHERE kind = 'company'
               UNION
               SELECT ids.entry_id, r.new_id FROM ids
               JOIN company_redirects r ON r.old_id = ids.company_id)
           SELECT entry_id, company_id FROM ids""",
        # every record ever linked to it (a split, a new id)
        """SELECT sr.entry_id, l.company_id FROM suppression_records sr
           JOIN company_links l USING (record_id)""",
    ]
    if salt is not None:
        parts.append(
            "SELECT e.entry_id, c.company_id FROM companies c JOIN suppression_entries e "
            f"ON e.kind = 'domain' AND e.key = {hash_sql(salt, 'lower(c.domain)')}"
        )
    return " UNION ".join(f"({p})" for p in parts)


def suppressed_company_ids_sql(salt: str | None) -> str:
    """SQL of the ids of every suppressed company: what the entries resolve to, and the rows
    of ``suppressions`` (which may also be written directly)."""
    return (f"SELECT company_id FROM ({entry_companies_sql(salt)}) "
            "UNION SELECT company_id FROM suppressions")


def suppressed_company_ids(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[str]:
    salt = read_salt(data_dir)
    return [r[0] for r in con.execute(suppressed_company_ids_sql(salt)).fetchall()]


def refresh(con: duckdb.DuckDBPyConnection, data_dir: Path) -> int:
    """Remember the records linked now to suppressed companies and write the suppressed
    company ids into ``suppressions``; return how many companies are suppressed.

    Run after every change of the list and of the resolution (the runner does both)."""
    salt = read_salt(data_dir)
    con.execute(merge_new("suppression_records", f"""
        SELECT DISTINCT ec.entry_id, l.record_id
        FROM ({entry_companies_sql(salt)}) ec JOIN company_links l USING (company_id)
        WHERE ec.entry_id LIKE 'company:%'
    """, ["entry_id", "record_id"]))
    con.execute(merge_new("suppressions", f"""
        SELECT company_id, any_value(e.reason) AS reason, ? AS created_at
        FROM ({entry_companies_sql(salt)}) ec JOIN suppression_entries e USING (entry_id)
        GROUP BY company_id
    """, ["company_id"]), [_now()])
    return con.execute(f"SELECT count(*) FROM ({suppressed_company_ids_sql(salt)})").fetchall()[
        0][0]


def list_entries(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[Entry]:
    """Every entry, oldest first, with how many companies it suppresses now."""
    salt = read_salt(data_dir)
    rows = con.execute(f"""
        SELECT e.entry_id, e.kind, e.key, e.reason, e.created_at,
               count(DISTINCT ec.company_id) FILTER (WHERE ec.company_id IS NOT NULL)
        FROM suppression_entries e LEFT JOIN ({entry_companies_sql(salt)}) ec USING (entry_id)
        GROUP BY ALL ORDER BY e.created_at, e.entry_id
    """).fetchall()
    return [Entry(*row) for row in rows]

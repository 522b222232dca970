"""Named leadership is personal data: the names and roles read from company websites
(``enrichment.website_leadership``, with a provenance record each in ``website_facts``).

A name alone identifies nobody, so a named leader is kept on the suppression list scoped to
the company that names them: an entry of kind ``leader`` whose key is
``sha256(salt || name_key || '@' || scope)``, the scope being the company's registrable domain
(which survives re-crawls and re-resolves), else its company id. Entries are made

- by hand: ``leadpipe suppress add "Jane Doe" --company kestrel.example`` (and ``forget``);
- for a suppressed or forgotten e-mail or phone: every name their contact rows carry, at each
  company those rows belong to, so the person's name goes with their address.

Such a leader is dropped from the website findings (``scrub``, run after the enrich stage and
by ``forget``) and from every export (``sales.privacy.view``), which also drops a leader whose
name is the row's best contact when that contact is a suppressed person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sales.privacy.keys import (
    hash_sql,
    name_key,
    read_salt,
    register_key_functions,
    salted_hash,
)
from warehouse.upsert import merge_row

KIND = "leader"


class UnknownCompany(ValueError):
    """No company has that id or domain."""


@dataclass(frozen=True)
class NamedLeader:
    """A person's name at one company (never stored as such: only its salted hash)."""

    name_key: str
    company_id: str
    scope: str


def scope_sql(domain: str, company_id: str) -> str:
    """SQL of a company's scope: its registrable domain, else its id."""
    return f"lower(coalesce({domain}, {company_id}))"


def key_sql(salt: str, name: str, domain: str, company_id: str) -> str:
    """SQL of a leader entry's key for the name (SQL) at the company (SQL columns)."""
    return hash_sql(salt, f"leadpipe_name_key({name}) || '@' || "
                          f"{scope_sql(domain, company_id)}")


def entry_key(salt: str, leader: NamedLeader) -> str:
    return salted_hash(salt, f"{leader.name_key}@{leader.scope}")


def company_of(con: duckdb.DuckDBPyConnection, company: str) -> tuple[str, str]:
    """(company id, scope) of a company given by its id or domain."""
    from enrich.normalise.domains import registrable_domain

    value = company.strip()
    row = con.execute("SELECT company_id, lower(coalesce(domain, company_id)) FROM companies "
                      "WHERE company_id = ? OR lower(domain) = lower(?) ORDER BY company_id "
                      "LIMIT 1", [value, registrable_domain(value) or value]).fetchone()
    if row is None:
        raise UnknownCompany(f"{company!r} is no known company id or domain")
    return row[0], row[1]


def named_leader(con: duckdb.DuckDBPyConnection, name: str, company: str) -> NamedLeader:
    key = name_key(name)
    if key is None:
        raise ValueError(f"{name!r} is not a name")
    company_id, scope = company_of(con, company)
    return NamedLeader(key, company_id, scope)


def names_of_person(con: duckdb.DuckDBPyConnection, kind: str, key: str) -> list[NamedLeader]:
    """The names a person's contact rows (their e-mail or phone ``key``) carry, at each company
    those rows belong to."""
    register_key_functions(con)
    rows = con.execute(
        f"SELECT DISTINCT leadpipe_name_key(p.name), c.company_id, "
        f"{scope_sql('c.domain', 'c.company_id')} "
        "FROM contacts p JOIN company_links l USING (record_id) JOIN companies c USING "
        f"(company_id) WHERE leadpipe_{kind}_key(p.{kind}) = ? AND p.name IS NOT NULL "
        "ORDER BY ALL", [key]).fetchall()
    return [NamedLeader(*r) for r in rows if r[0]]


def add_entries(con: duckdb.DuckDBPyConnection, data_dir: Path, leaders: list[NamedLeader],
                reason: str | None) -> list[str]:
    """Put the leaders on the suppression list; return their entry ids."""
    salt = read_salt(data_dir, create=True)
    assert salt is not None
    now = datetime.now(UTC).replace(tzinfo=None)
    ids = []
    for leader in leaders:
        key = entry_key(salt, leader)
        ids.append(f"{KIND}:{key}")
        con.execute(merge_row("suppression_entries",
                              ["entry_id", "kind", "key", "reason", "created_at"],
                              ["entry_id"], ["reason"]),
                    [ids[-1], KIND, key, reason, now])
    return ids


def _drop_sql(salt: str, hashes: str) -> tuple[str, str]:
    """(leadership filter, facts filter): keep what no entry in ``hashes`` names."""
    keep = (f"NOT coalesce(list_contains({hashes}, "
            f"{key_sql(salt, 'x.name', 'c.domain', 'c.company_id')}), false)")
    fact_name = "split_part(x.value, ', ', 1)"
    keep_fact = (f"x.field != 'leadership' OR NOT coalesce(list_contains({hashes}, "
                 f"{key_sql(salt, fact_name, 'c.domain', 'c.company_id')}), false)")
    return keep, keep_fact


def scrub(con: duckdb.DuckDBPyConnection, data_dir: Path) -> int:
    """Drop every suppressed leader from the website findings (the named leadership and its
    provenance records); return how many companies' findings changed."""
    hashes = [r[0] for r in con.execute(
        "SELECT key FROM suppression_entries WHERE kind = ?", [KIND]).fetchall()]
    salt = read_salt(data_dir)
    if not hashes or salt is None:
        return 0
    register_key_functions(con)
    keep, keep_fact = _drop_sql(salt, "$hashes")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE scrubbed_leaders AS
        SELECT e.company_id,
               list_filter(e.website_leadership, lambda x: {keep}) AS leadership,
               list_filter(e.website_facts, lambda x: {keep_fact}) AS facts
        FROM enrichment e JOIN companies c USING (company_id)
        WHERE len(e.website_leadership) > 0
    """, {"hashes": hashes})
    changed = con.execute(
        "SELECT count(*) FROM scrubbed_leaders s JOIN enrichment e USING (company_id) "
        "WHERE len(s.leadership) != len(e.website_leadership)").fetchall()[0][0]
    if changed:
        con.execute("""
            UPDATE enrichment SET website_leadership = s.leadership, website_facts = s.facts
            FROM scrubbed_leaders s
            WHERE enrichment.company_id = s.company_id
              AND len(s.leadership) != len(enrichment.website_leadership)
        """)
    con.execute("DROP TABLE scrubbed_leaders")
    return changed


# The leader entries' keys as one list, for a query to cross join (``export_filter_sql``).
ENTRY_KEYS_SQL = (f"SELECT coalesce(list(key), []) AS leader_keys FROM suppression_entries "
                  f"WHERE kind = '{KIND}'")


def export_filter_sql(salt: str, leaders: str, keys: str, domain: str, company_id: str,
                      blanked_name: str | None) -> str:
    """SQL of ``leaders`` (a list of name/role structs) without those whose key is in ``keys``
    (``ENTRY_KEYS_SQL``'s list), nor the one named ``blanked_name`` (SQL: the row's
    suppressed best contact's name, else NULL)."""
    hit = f"coalesce(list_contains({keys}, {key_sql(salt, 'x.name', domain, company_id)}), false)"
    if blanked_name:
        hit += (f" OR coalesce(leadpipe_name_key(x.name) = "
                f"leadpipe_name_key({blanked_name}), false)")
    return f"list_filter({leaders}, lambda x: NOT ({hit}))"

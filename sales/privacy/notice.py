"""The facts an Art. 14 GDPR notice to a person needs, for ``leadpipe contacts show``: what is
held about them, where it came from (source and page), when it was first and last seen, under
which company, and whether they are suppressed. The lawful basis and the retention period come
from the configuration and are added by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from sales.privacy.erasure import person_of
from sales.privacy.keys import read_salt, register_key_functions, salted_hash


@dataclass(frozen=True)
class HeldContact:
    """One contact row as a notice describes it."""

    name: str | None
    role: str | None
    email: str | None
    phone: str | None
    company: str | None
    source: str
    url: str | None
    first_seen_at: datetime | None
    last_seen_at: datetime

    def held(self) -> list[str]:
        """The kinds of data held, in plain words."""
        names = (("name", self.name), ("job title", self.role), ("e-mail address", self.email),
                 ("phone number", self.phone))
        return [word for word, value in names if value]


def held_contacts(con: duckdb.DuckDBPyConnection, value: str) -> list[HeldContact]:
    """Every contact row whose e-mail (or phone) is ``value`` in any spelling, oldest first."""
    person = person_of(value)
    register_key_functions(con)
    rows = con.execute(f"""
        SELECT p.name, p.role, p.email, p.phone, coalesce(c.name, r.name), p.source, p.url,
               p.first_seen_at, p.last_seen_at
        FROM contacts p
        LEFT JOIN source_records r USING (record_id)
        LEFT JOIN company_links l USING (record_id)
        LEFT JOIN companies c USING (company_id)
        WHERE leadpipe_{person.kind}_key(p.{person.kind}) = ?
        ORDER BY p.first_seen_at, p.source, p.url
    """, [person.key]).fetchall()
    return [HeldContact(*row) for row in rows]


def is_suppressed(con: duckdb.DuckDBPyConnection, data_dir: Path, value: str) -> bool:
    person = person_of(value)
    salt = read_salt(data_dir)
    if salt is None:
        return False
    return con.execute("SELECT count(*) FROM suppression_entries WHERE kind = ? AND key = ?",
                       [person.kind, salted_hash(salt, person.key)]).fetchall()[0][0] > 0

"""Suppression holds at load: a re-crawl cannot bring a suppressed or forgotten person back.

Before the loader reads new landing files, every line is checked for the people on the
suppression list: each e-mail address and phone number in it (in a field or in free text) is
reduced to its comparable key and salted hash (``sales.privacy.keys``, the list's own rule)
and compared with the entries. A line naming one of them is masked in place, as ``forget``
masks it (``sales.privacy.erasure``): their contact entry dropped whole, a field holding their
address or number left out, a mention in text replaced. A suppressed named leader
(``sales.privacy.leaders``) is found by a contact entry of theirs in an item of their company
(the item's website gives the scope) and masked the same way. So the loader stores nothing of
theirs, and nothing downstream (resolution, scoring, exports, notices, alerts) can show it.
Their cached pages are removed from the HTTP cache too, and what was masked is appended to
the erasure log, holding only hashes.

The warehouse cannot import ``sales`` (the house's arrows run one way), so the load stage's
caller screens the files before loading them (``leadpipe.runner.load``). Values found on
company websites by enrichment are screened the same way after the enrich stage
(``scrub_enrichment``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from enrich.normalise import email_key, phone_key
from enrich.normalise.domains import registrable_domain
from enrich.normalise.emails import addresses_in
from sales.privacy import leaders
from sales.privacy.erasure import (
    ERASURE_LOG,
    PHONE_TEXT,
    Person,
    erase_httpcache,
    mask_landing_file,
)
from sales.privacy.keys import (
    PERSON_KINDS,
    MissingSalt,
    hash_sql,
    name_key,
    read_salt,
    register_key_functions,
    salted_hash,
)
from spiders.landing import iter_landing_files, landing_root
from warehouse.hashing import file_sha256

# What may stand either side of an "@" in a landing line (apostrophes and any letters too),
# read by the linear scanner ``addresses_in``.
EMAIL_LOCAL = re.compile(r"[\w.%+'\-]{1,64}$")
EMAIL_DOMAIN = re.compile(r"[\w\-]+(?:\.[\w\-]+)+")


@lru_cache(maxsize=65536)
def _key(kind: str, text: str) -> str | None:
    return email_key(text) if kind == "email" else phone_key(text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@dataclass
class SuppressedPeople:
    """The salted hashes of the suppressed e-mails and phones, and the people found so far."""

    salt: str
    hashes: dict[str, frozenset[str]]
    found: set[Person] = field(default_factory=set)

    def people_in(self, line: str) -> list[Person]:
        """The suppressed people a landing line (JSON, or any text) names: by e-mail or phone
        anywhere in it; a suppressed named leader by a contact entry of theirs in an item of
        their company (the item's website's domain is the name's scope)."""
        try:
            item = json.loads(line)
            texts = list(_strings(item))
        except ValueError:
            item, texts = None, [line]
        people: list[Person] = []
        for text in texts:
            plain = html.unescape(text)
            for kind, found in (("email", lambda t: addresses_in(t, EMAIL_LOCAL, EMAIL_DOMAIN)),
                                ("phone", PHONE_TEXT.findall)):
                if not self.hashes[kind]:
                    continue
                for candidate in found(plain):
                    key = _key(kind, candidate)
                    if key and salted_hash(self.salt, key) in self.hashes[kind]:
                        person = Person(kind, key)
                        if person not in people:
                            people.append(person)
        self.found.update(people)
        # names last: an address is masked whole before a name could mask part of it
        return people + self._leaders_in(item)

    def _leaders_in(self, item: Any) -> list[Person]:
        if not self.hashes.get(leaders.KIND) or not isinstance(item, dict):
            return []
        fields = item.get("fields") or {}
        website = fields.get("website")
        scope = registrable_domain(website) if isinstance(website, str) else None
        found = []
        for contact in fields.get("contacts") or []:
            key = name_key(contact.get("name")) if isinstance(contact, dict) else None
            if key and scope and salted_hash(self.salt, f"{key}@{scope}") in self.hashes[
                    leaders.KIND]:
                found.append(Person("name", key))
        return found


def suppressed_people(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> SuppressedPeople | None:
    """The suppressed people of the list, None when it holds no person."""
    rows = con.execute("SELECT kind, key FROM suppression_entries WHERE kind IN "
                       "('email', 'phone', 'leader')").fetchall()
    if not rows:
        return None
    salt = read_salt(data_dir)
    if salt is None:
        raise MissingSalt(f"the suppression list holds people but the salt file "
                          f"({Path(data_dir) / 'suppression-salt'}) is missing: restore it "
                          "from a backup")
    hashes = {kind: frozenset(k for kd, k in rows if kd == kind)
              for kind in (*PERSON_KINDS, leaders.KIND)}
    return SuppressedPeople(salt, hashes)


@dataclass
class Screened:
    """What the screening of new landing files masked."""

    landing: list[dict[str, Any]] = field(default_factory=list)
    httpcache: list[str] = field(default_factory=list)
    people: int = 0

    @property
    def lines(self) -> int:
        return sum(len(f["lines"]) for f in self.landing)


def screen_landing(
    con: duckdb.DuckDBPyConnection, data_dir: Path, landing_dir: Path, cache_dir: Path
) -> Screened:
    """Mask the suppressed people in every landing file the loader has not loaded yet (the
    loader's own test: same path and content), remove their cached pages, log it."""
    done = Screened()
    people = suppressed_people(con, data_dir)
    if people is None:
        return done
    landing_dir = landing_root(landing_dir)
    known = dict(con.execute("SELECT path, sha256 FROM landing_files").fetchall())
    for path in iter_landing_files(landing_dir):
        if known.get(path.relative_to(landing_dir).as_posix()) == file_sha256(path):
            continue
        record = mask_landing_file(path, landing_dir, people.people_in)
        if record is not None:
            done.landing.append(record)
    for person in sorted(people.found, key=lambda p: (p.kind, p.key)):
        done.httpcache += erase_httpcache(person, Path(cache_dir))
    done.people = len(people.found)
    if done.landing or done.httpcache:
        record = {
            "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "event": "masked at load (suppressed people seen again)",
            "people": [{"kind": p.kind, "person_hash": salted_hash(people.salt, p.key)}
                       for p in sorted(people.found, key=lambda p: (p.kind, p.key))],
            "landing": done.landing,
            "httpcache": done.httpcache,
        }
        with (Path(data_dir) / ERASURE_LOG).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, sort_keys=True) + "\n")
    return done


def scrub_enrichment(con: duckdb.DuckDBPyConnection, data_dir: Path) -> int:
    """Drop suppressed people's addresses and numbers, and suppressed named leaders
    (``sales.privacy.leaders``), from the website findings; return how many companies'
    findings changed."""
    changed = leaders.scrub(con, data_dir)
    people = suppressed_people(con, data_dir)
    if people is None:
        return changed
    register_key_functions(con)
    for kind in PERSON_KINDS:
        if not people.hashes[kind]:
            continue
        column = f"website_{kind}s"
        hit = f"list_contains($hashes, {hash_sql(people.salt, f'leadpipe_{kind}_key(x)')})"
        where = f"len(list_filter({column}, lambda x: coalesce({hit}, false))) > 0"
        params = {"hashes": sorted(people.hashes[kind])}
        hits = con.execute(f"SELECT count(*) FROM enrichment WHERE {where}",
                           params).fetchall()[0][0]
        if not hits:
            continue
        changed += hits
        con.execute(f"UPDATE enrichment SET {column} = list_filter({column}, "
                    f"lambda x: NOT coalesce({hit}, false)) WHERE {where}", params)
    return changed

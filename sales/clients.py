"""Which companies are imported clients, matched the way resolution matches names.

A client row (name, domain, country, from a CRM) is the same company as a warehouse company when
their registrable domains agree, or else when their names agree after the resolution engine's
normalisation (``enrich.normalise``: legal forms folded, "&" and "and", case, accents and
business abbreviations), in the same country or where either country is unknown. So "Robinson
and Hughes Engineering Ltd" is "Robinson & Hughes Engineering limited".

Scoring asks this every run (a client imported before its company was crawled still matches
once the company appears); ``leadpipe clients import`` uses it to say what matched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from enrich.normalise import normalise_names_array


@dataclass(frozen=True)
class ClientMatch:
    """One client row and the companies it is."""

    name: str
    domain: str | None
    country: str | None
    company_ids: tuple[str, ...]
    by: str | None  # "domain", "name" or None (no company matched)


def _name_keys(names: Sequence[str | None]) -> list[str | None]:
    clean, _ = normalise_names_array(pa.array(list(names), pa.string()))
    return clean.to_pylist()


def match_clients(
    con: duckdb.DuckDBPyConnection,
    clients: Sequence[tuple[str, str | None, str | None]],
) -> list[ClientMatch]:
    """For each (name, domain, country) client, the warehouse companies it matches."""
    if not clients:
        return []
    companies = con.execute("SELECT company_id, name, domain, country FROM companies").fetchall()
    keys = _name_keys([c[1] for c in companies])
    by_domain: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for (cid, _, domain, country), key in zip(companies, keys, strict=True):
        if domain:
            by_domain[domain.lower()].append(cid)
        if key:
            by_name[key].append((cid, country))
    out = []
    client_keys = _name_keys([c[0] for c in clients])
    for (name, domain, country), key in zip(clients, client_keys, strict=True):
        found: list[str] = by_domain.get((domain or "").lower(), []) if domain else []
        by = "domain" if found else None
        if not found and key:
            found = [cid for cid, c in by_name.get(key, [])
                     if not country or not c or c.upper() == country.upper()]
            by = "name" if found else None
        out.append(ClientMatch(name, domain, country, tuple(sorted(found)), by))
    return out


def client_company_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every company that is an imported client."""
    rows = con.execute("SELECT name, domain, country FROM clients").fetchall()
    return {cid for m in match_clients(con, rows) for cid in m.company_ids}

"""Company-register facts per company, for the solvency knock-outs and evidence.

Registry records (status, insolvency cases, LEI status, accounts, charges) reach the warehouse
through the normal load once a registry source is crawled. This is the one place that reads
them: it looks for a table holding ``record_id`` and ``registry_status`` (``source_records`` or
a table of its own) and returns nothing at all when there is none yet, so solvency works the
same before and after registries exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

FACT_COLUMNS = ("registry_status", "lei_status", "insolvency_cases", "accounts_overdue",
                "charges_outstanding", "url")
CANDIDATE_TABLES = ("registry_facts", "registry_records", "source_records")

# The headcount band each accounts category implies, by the UK thresholds Companies House
# applies: a micro-entity has at most 10 employees, a small company at most 50, a medium one
# more than 50 and at most 250 (total-exemption and abridged accounts are a small company's).
# The thresholds are met on two of three measures, so this is a band, not a count: the size rule
# reads it when no source states the headcount. Keys as the registry parsers land them (plain
# words): (at least, at most, how a salesperson reads it).
ACCOUNTS_SIZE_BANDS: dict[str, tuple[int, int, str]] = {
    "micro entity": (0, 10, "micro-entity accounts"),
    "small": (0, 50, "small-company accounts"),
    "total exemption small": (0, 50, "small-company accounts"),
    "total exemption full": (0, 50, "small-company accounts"),
    "unaudited abridged": (0, 50, "small-company accounts"),
    "audited abridged": (0, 50, "small-company accounts"),
    "medium": (51, 250, "medium-sized company accounts"),
}


def accounts_size_band(category: str | None) -> tuple[int, int, str] | None:
    """The headcount band an accounts category implies (at least, at most, its plain name);
    None when the category says nothing about size (full, group, dormant, none filed)."""
    if not category:
        return None
    return ACCOUNTS_SIZE_BANDS.get(" ".join(category.replace("-", " ").lower().split()))


@dataclass
class RegistryFacts:
    """What the registers say about one company (several records fold into one)."""

    statuses: list[str]
    lei_status: str | None = None
    insolvency_cases: int = 0
    accounts_overdue: bool | None = None
    charges_outstanding: int | None = None
    url: str | None = None

    @property
    def status(self) -> str | None:
        return "; ".join(self.statuses) or None


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return {r[0] for r in rows}


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (list, tuple)):
        return len(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _fold(rows: Iterable[tuple[Any, ...]], names: list[str]) -> dict[str, RegistryFacts]:
    out: dict[str, RegistryFacts] = {}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        facts = out.setdefault(values["company_id"], RegistryFacts(statuses=[]))
        status = values.get("registry_status")
        if status and status not in facts.statuses:
            facts.statuses.append(str(status))
        if values.get("lei_status") and facts.lei_status in (None, "issued"):
            facts.lei_status = str(values["lei_status"]).lower()
        facts.insolvency_cases += _count(values.get("insolvency_cases"))
        overdue = values.get("accounts_overdue")
        if overdue is not None:
            facts.accounts_overdue = bool(overdue) or bool(facts.accounts_overdue)
        charges = values.get("charges_outstanding")
        if charges is not None:
            facts.charges_outstanding = (facts.charges_outstanding or 0) + _count(charges)
        facts.url = facts.url or values.get("url")
    return out


def registry_facts(con: duckdb.DuckDBPyConnection) -> dict[str, RegistryFacts]:
    """Company id → its register facts; empty when no table holds registry records yet."""
    for table in CANDIDATE_TABLES:
        present = _columns(con, table)
        if not {"record_id", "registry_status"} <= present:
            continue
        picked = [c for c in FACT_COLUMNS if c in present]
        select = ", ".join(f"r.{c}" for c in picked)
        sql = (f"SELECT l.company_id, {select} FROM {table} r "
               "JOIN company_links l USING (record_id) "
               "WHERE r.registry_status IS NOT NULL OR r.lei_status IS NOT NULL "
               if "lei_status" in present else
               f"SELECT l.company_id, {select} FROM {table} r "
               "JOIN company_links l USING (record_id) WHERE r.registry_status IS NOT NULL ")
        cursor = con.execute(sql + "ORDER BY l.company_id, r.record_id")
        return _fold(cursor.fetchall(), [d[0] for d in cursor.description])
    return {}

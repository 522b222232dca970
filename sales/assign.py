"""Assignment: each prospect gets a sales manager, best first, nobody over capacity.

Owners are sticky: an account keeps its manager while the manager is still in the managers file
and the account is still at the stage it was assigned at (a prospect). Everyone else is handed
out in the score's order (the ``priority`` column when scoring writes one, then fit, then
solvency) to the covering manager with the most room left. A prospect nobody can take is listed
with the reason, in words a salesperson reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from sales.managers import Manager
from sales.sectors import company_section
from warehouse.db import transaction

OWNERS_SCHEMA = pa.schema(
    [
        ("company_id", pa.string()),
        ("profile", pa.string()),
        ("manager_email", pa.string()),
        ("manager_name", pa.string()),
        ("stage", pa.string()),
        ("assigned_at", pa.timestamp("us")),
    ]
)


@dataclass(frozen=True)
class Unassigned:
    company_id: str
    name: str
    reason: str


@dataclass
class Assignment:
    """What one assignment run did."""

    kept: int = 0
    new: int = 0
    released: int = 0  # owners dropped: manager left, stage changed, or over a lowered capacity
    load: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (accounts, capacity)
    unassigned: list[Unassigned] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)  # company_id → manager e-mail


def _order_sql(con: duckdb.DuckDBPyConnection) -> str:
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'"
    ).fetchall()}
    first = "s.priority NULLS LAST, " if "priority" in columns else ""
    return f"ORDER BY {first}s.fit DESC, s.solvency DESC, s.company_id"


def _prospects(con: duckdb.DuckDBPyConnection, profile: str) -> list[tuple]:
    return con.execute(
        "SELECT s.company_id, c.name, c.country, e.industry, s.stage FROM scores s "
        "JOIN companies c USING (company_id) LEFT JOIN enrichment e USING (company_id) "
        f"WHERE s.profile = ? AND s.stage = 'prospect' {_order_sql(con)}",
        [profile],
    ).fetchall()


def _why_not(managers: Sequence[Manager], section: str | None, industry: str | None,
             country: str | None, used: dict[str, int]) -> str:
    if section is None:
        return ("industry unknown: no manager's sectors can be matched" if not industry
                else f"no manager looks after {industry}")
    covering = [m for m in managers if m.covers(section, country)]
    if not covering:
        elsewhere = any(section in m.sections for m in managers)
        where = f" in {country or 'an unknown country'}" if elsewhere else ""
        return f"no manager looks after {industry}{where}"
    full = ", ".join(f"{m.name} {used[m.email]} of {m.capacity}" for m in covering)
    return f"every manager for {industry} is at capacity ({full})"


def run_assignment(
    con: duckdb.DuckDBPyConnection, profile: str, managers: Sequence[Manager]
) -> Assignment:
    """Assign the profile's prospects and replace its rows in ``owners``."""
    now = datetime.now(UTC).replace(tzinfo=None)
    by_email = {m.email: m for m in managers}
    prospects = _prospects(con, profile)
    previous = {cid: (email, stage) for cid, email, stage in con.execute(
        "SELECT company_id, manager_email, stage FROM owners WHERE profile = ?", [profile]
    ).fetchall()}
    result = Assignment()
    used = {m.email: 0 for m in managers}
    owners: dict[str, str] = {}
    # Keep, best first, the owners whose manager stayed and whose account kept its stage.
    for cid, _, _, _, stage in prospects:
        email, was = previous.get(cid, (None, None))
        manager = by_email.get(email or "")
        if manager and was == stage and used[manager.email] < manager.capacity:
            owners[cid] = manager.email
            used[manager.email] += 1
    result.kept = len(owners)
    result.released = len(previous) - result.kept
    # Who covers a company depends only on its industry and country, so it is worked out once
    # per pair; once every manager covering a pair is full they stay full (``used`` only
    # grows, and nobody goes over capacity), so the reason is worked out once too.
    covering: dict[tuple[str | None, str | None], tuple[str | None, list[Manager]]] = {}
    full: dict[tuple[str | None, str | None], str] = {}
    for cid, name, country, industry, _ in prospects:
        if cid in owners:
            continue
        key = (industry, country)
        reason = full.get(key)
        if reason is None:
            if key not in covering:
                section = company_section(industry)
                covering[key] = (section, [m for m in managers if m.covers(section, country)])
            section, able = covering[key]
            room = [m for m in able if used[m.email] < m.capacity]
            if room:
                chosen = max(room, key=lambda m: (m.capacity - used[m.email],
                                                  -managers.index(m)))
                owners[cid] = chosen.email
                used[chosen.email] += 1
                result.new += 1
                continue
            reason = full[key] = _why_not(managers, section, industry, country, used)
        result.unassigned.append(Unassigned(cid, name, reason))
    stage_of = {cid: stage for cid, *_, stage in prospects}
    kept_since = {cid: at for cid, at in con.execute(
        "SELECT company_id, assigned_at FROM owners WHERE profile = ?", [profile]).fetchall()}
    rows = [{"company_id": cid, "profile": profile, "manager_email": email,
             "manager_name": by_email[email].name, "stage": stage_of[cid],
             "assigned_at": kept_since.get(cid, now)
             if previous.get(cid, (None,))[0] == email else now}
            for cid, email in owners.items()]
    table = pa.Table.from_pylist(rows, schema=OWNERS_SCHEMA)
    with transaction(con, staged_owners=table):
        con.execute("DELETE FROM owners WHERE profile = ?", [profile])
        con.execute("INSERT INTO owners BY NAME SELECT * FROM staged_owners")
    result.owners = owners
    result.load = {m.name: (used[m.email], m.capacity) for m in managers}
    return result

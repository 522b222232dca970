"""Which prospects of a demo run are wrong, and why: each against the demo world's own truth.

After ``leadpipe demo`` (or the pipeline on a demo config), this lists every false prospect
(and every true prospect left a suspect) with what the world knows about it (industry,
category, true headcount, solvent or not) next to what the pipeline saw (industry code,
headcount, solvency band, the registry's facts) and the reasons it was scored on. It reads the
warehouse only; it changes nothing.

    python -m leadpipe.demo.audit --config leadpipe.toml
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import duckdb

from leadpipe.config import ConfigError, load_config
from leadpipe.demo.world import World, generate_world
from warehouse.db import connect

_SEEN_SQL = """
SELECT c.company_id, c.name, c.employees, c.founded, e.website_employees, e.description_employees,
       e.industry_nace,
       e.solvency_band, e.solvency, s.tier, s.fit, s.stage, s.reasons,
       (SELECT first(r.accounts_category) FROM company_registry_facts r
        WHERE r.company_id = c.company_id) AS accounts_category,
       (SELECT first(r.incorporated_on) FROM company_registry_facts r
        WHERE r.company_id = c.company_id) AS incorporated_on,
       (SELECT first(r.registry_status) FROM company_registry_facts r
        WHERE r.company_id = c.company_id) AS registry_status
FROM companies c
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN scores s ON s.company_id = c.company_id AND s.profile = ?
"""


@dataclass
class Audit:
    """The demo run's prospects against the truth."""

    false_prospects: list[dict[str, Any]]
    missed: list[dict[str, Any]]
    prospects: int
    true_prospects: int


def company_truth(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, str]:
    """Company id → the true id most of its source records belong to."""
    members: dict[str, list[str]] = defaultdict(list)
    for company_id, source, native_id in con.execute(
        "SELECT l.company_id, s.source, s.native_id FROM company_links l "
        "JOIN source_records s USING (record_id)"
    ).fetchall():
        try:
            members[company_id].append(world.truth_for_record(source, native_id))
        except KeyError:
            continue
    return {cid: Counter(ts).most_common(1)[0][0] for cid, ts in members.items() if ts}


def why_false(world: World, true_id: str, profile: Any, twice: bool) -> str:
    """The plain reason the truth gives for a false prospect."""
    c = world.entity(true_id)
    out = []
    if c.kind != "company":
        out.append("a public buyer")
    if c.industry not in set(profile.industries):
        out.append(f"industry {c.industry}")
    if profile.employees_min is not None and c.employees < profile.employees_min:
        out.append(f"too small ({c.employees} employees)")
    if profile.employees_max is not None and c.employees > profile.employees_max:
        out.append(f"too big ({c.employees} employees)")
    if not c.solvent:
        out.append("insolvent")
    if twice and not out:
        out.append("a duplicate of another prospect")
    return ", ".join(out) or "?"


def audit(con: duckdb.DuckDBPyConnection, world: World, profile: Any) -> Audit:
    truth = company_truth(con, world)
    truly = world.prospects(profile.industries, profile.employees_min or 0,
                            profile.employees_max or 10**9)
    cursor = con.execute(_SEEN_SQL, [profile.name])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for row in rows:
        t = truth.get(row["company_id"])
        row["truth"] = world.entity(t) if t else None
    prospects = [r for r in rows if r["stage"] == "prospect" and r["truth"] is not None]
    seen = Counter(r["truth"].true_id for r in prospects)
    buyers = [r for r in prospects if r["truth"].kind == "buyer"]
    false, counted = [], set()
    for r in prospects:
        if r in buyers:
            continue
        tid = r["truth"].true_id
        twice = tid in counted
        counted.add(tid)
        if tid not in truly or twice:
            r["why"] = why_false(world, tid, profile, twice)
            false.append(r)
    found = {r["truth"].true_id for r in prospects}
    missed = [r for r in rows if r["truth"] is not None and r["truth"].true_id in truly
              and r["truth"].true_id not in found and seen[r["truth"].true_id] == 0]
    unique_missed = {r["truth"].true_id: r for r in missed}
    return Audit(false, list(unique_missed.values()), len(prospects) - len(buyers), len(truly))


def _line(r: dict[str, Any]) -> str:
    c = r["truth"]
    seen = next((str(r[k]) for k in ("website_employees", "description_employees")
                 if r.get(k) is not None),
                f">={r['employees']}" if r["employees"] is not None else "?")
    return (f"  {r['name']} [{r['company_id']}]\n"
            f"    truth: {c.industry} / {c.category}, {c.employees} employees, founded "
            f"{c.founded}, {'solvent' if c.solvent else 'INSOLVENT'}, site {c.website_state}\n"
            f"    seen:  NACE {r['industry_nace']}, employees {seen}, band {r['solvency_band']}"
            f" ({r['solvency']}), registry {r['registry_status']} / accounts "
            f"{r['accounts_category']} / since {r['incorporated_on']}\n"
            f"    score: tier {r['tier']} fit {r['fit']}: {'; '.join(r['reasons'] or [])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None, help="the demo run's config file")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not config.warehouse.exists():
        print(f"error: no warehouse at {config.warehouse}: run `leadpipe demo` first",
              file=sys.stderr)
        return 2
    world = generate_world(config.demo.companies, config.demo.seed)
    profile = config.profile()
    con = connect(config.warehouse, read_only=True)
    try:
        result = audit(con, world, profile)
    finally:
        con.close()
    right = result.prospects - len(result.false_prospects)
    print(f"seed {config.demo.seed}, {config.demo.companies} companies: {result.prospects} "
          f"prospects, {right} right; precision {right / max(1, result.prospects):.3f}, "
          f"recall {right / max(1, result.true_prospects):.3f} "
          f"({result.true_prospects} true prospects)")
    print(f"false prospects ({len(result.false_prospects)}):")
    for r in result.false_prospects:
        print(f"  - {r['why']}")
        print(_line(r))
    print(f"true prospects left suspects ({len(result.missed)}):")
    for r in result.missed:
        print(_line(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

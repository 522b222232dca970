"""The funnel report: how many companies sit at each stage, per channel, tier and band, and
(once outcomes are imported) how many of those sales contacted went on to be won.

A company's channels are where it was found: ``tenders`` (buyers and suppliers of tender
platforms), each fair (``fair: <event>``) and each directory (``directory: <source>``). An
outcome that names a channel credits that channel instead. Conversion is won ÷ contacted
(a company with any outcome was contacted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

SCORE_STAGES = ("suspect", "prospect", "client")
REACHED = ("contacted", "meeting", "proposal", "won")
COUNTED = (*SCORE_STAGES, *REACHED, "lost")
_RANK = {"contacted": 1, "meeting": 2, "proposal": 3, "won": 4, "lost": 1}

CHANNELS_SQL = """
SELECT DISTINCT l.company_id,
       CASE WHEN r.role IN ('buyer', 'supplier', 'tenderer') THEN 'tenders'
            WHEN r.role = 'exhibitor' THEN 'fair: ' || coalesce(r.event_name, r.source)
            WHEN r.role = 'listing' THEN 'directory: ' || r.source
            ELSE r.source END AS channel
FROM source_records r JOIN company_links l USING (record_id)
UNION
SELECT c.company_id, unnest(c.sources) AS channel FROM companies c
WHERE NOT EXISTS (SELECT 1 FROM company_links l WHERE l.company_id = c.company_id)
"""

OUTCOME_SUMMARY_SQL = """
SELECT company_id,
       max(CASE stage WHEN 'contacted' THEN 1 WHEN 'meeting' THEN 2 WHEN 'proposal' THEN 3
                      WHEN 'won' THEN 4 ELSE 1 END) AS furthest,
       bool_or(stage = 'lost') AS lost,
       arg_max(channel, reached_on) FILTER (WHERE channel IS NOT NULL) AS crm_channel
FROM outcomes GROUP BY company_id
"""


@dataclass
class Counts:
    """Companies of one group at each stage; ``conversion`` is won ÷ contacted."""

    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))

    @property
    def companies(self) -> int:
        return sum(self.stages[s] for s in SCORE_STAGES)

    @property
    def conversion(self) -> float | None:
        contacted = self.stages["contacted"]
        return self.stages["won"] / contacted if contacted else None


@dataclass
class FunnelReport:
    profile: str
    total: Counts
    by_channel: dict[str, Counts]
    by_tier: dict[str, Counts] | None  # None when scoring writes no tier
    by_band: dict[str, Counts] | None  # None when scoring writes no solvency band

    @property
    def has_outcomes(self) -> bool:
        return self.total.stages["contacted"] > 0


def _score_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'"
    ).fetchall()}


def _add(counts: Counts, stage: str, furthest: int | None, lost: bool | None) -> None:
    counts.stages[stage] += 1
    for name in REACHED:
        if furthest is not None and furthest >= _RANK[name]:
            counts.stages[name] += 1
    if lost:
        counts.stages["lost"] += 1


def _sorted(groups: dict[str, Counts]) -> dict[str, Counts]:
    return dict(sorted(groups.items(), key=lambda kv: (-kv[1].companies, kv[0])))


def funnel_report(con: duckdb.DuckDBPyConnection, profile: str) -> FunnelReport:
    """Counts per stage, channel, tier and band for the profile's scored companies."""
    columns = _score_columns(con)
    tier = "tier" if "tier" in columns else None
    band = next((c for c in ("solvency_band", "band") if c in columns), None)
    extra = ", ".join(f"s.{c}" if c else "NULL" for c in (tier, band))
    rows = con.execute(
        f"SELECT s.company_id, s.stage, {extra}, o.furthest, o.lost, o.crm_channel "
        f"FROM scores s LEFT JOIN ({OUTCOME_SUMMARY_SQL}) o USING (company_id) "
        "WHERE s.profile = ?", [profile]).fetchall()
    channels: dict[str, list[str]] = defaultdict(list)
    for cid, channel in con.execute(CHANNELS_SQL).fetchall():
        if channel:
            channels[cid].append(channel)
    total = Counts()
    by_channel: dict[str, Counts] = defaultdict(Counts)
    by_tier: dict[str, Counts] = defaultdict(Counts)
    by_band: dict[str, Counts] = defaultdict(Counts)
    for cid, stage, tier_value, band_value, furthest, lost, crm_channel in rows:
        _add(total, stage, furthest, lost)
        credited: Iterable[str] = [crm_channel] if crm_channel else (
            channels.get(cid) or ["unknown"])
        for channel in sorted(set(credited)):
            _add(by_channel[channel], stage, furthest, lost)
        if tier:
            _add(by_tier[str(tier_value or "none")], stage, furthest, lost)
        if band:
            _add(by_band[str(band_value or "none")], stage, furthest, lost)
    return FunnelReport(
        profile=profile, total=total, by_channel=_sorted(by_channel),
        by_tier=dict(sorted(by_tier.items())) if tier else None,
        by_band=dict(sorted(by_band.items())) if band else None,
    )

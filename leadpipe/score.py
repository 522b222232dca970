"""Scoring: industry fit from an ICP profile, estimated solvency, and the funnel stage.

fit ∈ [0, 1] adds declared contributions (industry, keywords, size, country, tender demand);
stage is ``client`` for imported clients, ``prospect`` when fit and solvency clear the
configured bars, ``suspect`` otherwise. Each row keeps the reasons a salesperson reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import transaction

MODEL_VERSION = "fit-points-1"

INDUSTRY_POINTS = 0.6
KEYWORD_POINTS = 0.1
KEYWORD_MAX = 0.2
SIZE_IN_RANGE_POINTS = 0.2
SIZE_OUT_OF_RANGE_POINTS = -0.4
SIZE_UNKNOWN_POINTS = -0.2
DEMAND_POINTS = 0.3


@dataclass
class ScoreSummary:
    companies: int = 0
    prospects: int = 0
    suspects: int = 0
    clients: int = 0


_SQL = """
WITH demand AS (
    SELECT l.company_id, list_distinct(flatten(list(coalesce(t.cpv, [])))) AS cpv,
           count(*) AS tenders,
           max(CASE WHEN t.deadline >= now() THEN t.deadline END) AS next_deadline
    FROM tenders t JOIN company_links l ON l.record_id = t.buyer_record_id
    GROUP BY l.company_id
)
SELECT c.company_id, c.name, c.domain, c.country, c.categories, c.description, c.employees,
       e.industry, e.industry_confidence, e.industry_reason, e.solvency, e.solvency_reasons,
       e.website_employees, e.website_text_keywords, d.cpv, d.tenders, d.next_deadline,
       (s.company_id IS NOT NULL) AS suppressed,
       EXISTS (SELECT 1 FROM clients k WHERE k.domain IS NOT NULL AND k.domain = c.domain)
         OR EXISTS (SELECT 1 FROM clients k WHERE k.domain IS NULL
                    AND lower(k.name) = lower(c.name)
                    AND coalesce(k.country, c.country, '') = coalesce(c.country, '')) AS is_client
FROM companies c
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN demand d USING (company_id)
LEFT JOIN suppressions s USING (company_id)
"""


def fit_score(row: dict[str, Any], profile: dict[str, Any]) -> tuple[float, list[str]]:
    """Fit in [0, 1] and its reasons, from one company row and an ICP profile."""
    fit = 0.0
    reasons: list[str] = []
    industries = set(profile.get("industries", []))
    if row.get("industry") in industries:
        fit += INDUSTRY_POINTS
        reasons.append(f"industry {row['industry']} ({row.get('industry_reason')})")
    elif row.get("industry"):
        reasons.append(f"industry {row['industry']} is outside the profile")
    words = profile.get("keywords", [])
    if words:
        text = " ".join(
            filter(
                None,
                [row.get("name"), " ".join(row.get("categories") or []), row.get("description")],
            )
        )
        hits = sorted({w for w in words if re.search(r"\b" + re.escape(w), text, re.I)})
        if hits:
            fit += min(KEYWORD_MAX, KEYWORD_POINTS * len(hits))
            reasons.append(f"mentions {', '.join(hits[:3])}")
    # A website's stated headcount is exact; a source's size band gives a lower bound only.
    stated, at_least = row.get("website_employees"), row.get("employees")
    lo, hi = profile.get("employees_min"), profile.get("employees_max")
    if (stated is not None or at_least is not None) and (lo is not None or hi is not None):
        employees = stated if stated is not None else at_least
        label = f"{employees} employees" if stated is not None else f"{employees}+ employees"
        too_big = hi is not None and employees > hi
        too_small = lo is not None and employees < lo
        if not too_big and not too_small:
            fit += SIZE_IN_RANGE_POINTS
            reasons.append(f"{label}, in the target size")
        elif too_big or stated is not None:
            fit += SIZE_OUT_OF_RANGE_POINTS
            reasons.append(f"{label}, outside {lo}-{hi}")
        else:  # a band's lower bound below the target: it may still fit, no points either way
            reasons.append(f"{label}: may be in the target size")
    elif lo is not None or hi is not None:
        fit += SIZE_UNKNOWN_POINTS
        reasons.append("size unknown")
    countries = [c.upper() for c in profile.get("countries", [])]
    if countries and row.get("country") and row["country"] not in countries:
        reasons.append(f"country {row['country']} not targeted")
        return 0.0, reasons
    prefixes = tuple(profile.get("cpv_prefixes", []))
    matching = sorted({c for c in (row.get("cpv") or []) if prefixes and c.startswith(prefixes)})
    if matching:
        fit += DEMAND_POINTS
        deadline = row.get("next_deadline")
        when = f", open tender until {deadline:%Y-%m-%d}" if deadline else ""
        reasons.append(f"buys CPV {', '.join(matching[:3])}{when}")
    return round(max(0.0, min(1.0, fit)), 3), reasons


def run_scoring(
    con: duckdb.DuckDBPyConnection,
    profile: dict[str, Any],
    *,
    fit_min: float,
    solvency_min: float,
) -> ScoreSummary:
    cursor = con.execute(_SQL)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    now = datetime.now(UTC).replace(tzinfo=None)
    summary = ScoreSummary(companies=len(rows))
    out = []
    for row in rows:
        fit, reasons = fit_score(row, profile)
        solvency = float(row["solvency"] if row["solvency"] is not None else 0.5)
        if row["is_client"]:
            stage = "client"
            reasons = ["already a client", *reasons]
            summary.clients += 1
        elif not row["suppressed"] and fit >= fit_min and solvency >= solvency_min:
            stage = "prospect"
            summary.prospects += 1
        else:
            stage = "suspect"
            summary.suspects += 1
            if row["suppressed"]:
                reasons.append("suppressed")
            elif fit >= fit_min:
                reasons.append(f"solvency {solvency:.2f} below {solvency_min}")
        reasons += [f"solvency: {r}" for r in (row["solvency_reasons"] or [])[:3]]
        out.append(
            {
                "company_id": row["company_id"],
                "profile": profile["name"],
                "model_version": MODEL_VERSION,
                "fit": fit,
                "solvency": solvency,
                "stage": stage,
                "reasons": reasons,
                "scored_at": now,
            }
        )
    table = pa.Table.from_pylist(
        out,
        schema=pa.schema(
            [
                ("company_id", pa.string()),
                ("profile", pa.string()),
                ("model_version", pa.string()),
                ("fit", pa.float64()),
                ("solvency", pa.float64()),
                ("stage", pa.string()),
                ("reasons", pa.list_(pa.string())),
                ("scored_at", pa.timestamp("us")),
            ]
        ),
    )
    with transaction(con, staged_scores=table):
        con.execute("DELETE FROM scores WHERE profile = ?", [profile["name"]])
        con.execute("INSERT INTO scores BY NAME SELECT * FROM staged_scores")
    return summary

"""Scoring: industry fit from an ICP profile, estimated solvency, and the funnel stage.

fit ∈ [0, 1] adds the points of the declared fit rules (``sales.rules``: industry, keywords,
size, country, tender demand); stage is ``client`` for imported clients, ``prospect`` when fit
and solvency clear the configured bars and the company is not suppressed, ``suspect``
otherwise. Each row keeps the reasons a salesperson reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from sales.clients import client_company_ids
from sales.distances import distance_table
from sales.profile import IcpProfile
from sales.rules import Reason, Rule, registered_rules
from warehouse.db import transaction
from warehouse.tenders import open_tender_sql

MODEL_VERSION = "fit-points-1"
FUNNEL_STAGES = ("suspect", "prospect", "client")
UNKNOWN_SOLVENCY = 0.5  # a company enrichment has not rated: neither good nor bad
SOLVENCY_REASONS_SHOWN = 3


@dataclass
class ScoreSummary:
    companies: int = 0
    prospects: int = 0
    suspects: int = 0
    clients: int = 0


@dataclass(frozen=True)
class Fit:
    """A company's fit and the reasons behind it, in the order the rules ran."""

    value: float
    reasons: tuple[Reason, ...]

    @property
    def sentences(self) -> list[str]:
        return [r.text for r in self.reasons]


# One row per company: what the rules may read (see each rule's ``reads``), plus what the stage
# decision needs (clients are matched in ``sales.clients``). The one ``?`` is "now", for the
# open-tender test.
COMPANY_ROWS_SQL = f"""
WITH demand AS (
    SELECT l.company_id, list_distinct(flatten(list(coalesce(t.cpv, [])))) AS cpv,
           count(*) AS tenders,
           max(CASE WHEN {open_tender_sql("t")} THEN t.deadline END) AS next_deadline
    FROM tenders t JOIN company_links l ON l.record_id = t.buyer_record_id
    GROUP BY l.company_id
)
SELECT c.company_id, c.name, c.domain, c.country, c.postcode, c.city, c.categories,
       c.description, c.employees,
       e.industry, e.industry_confidence, e.industry_reason, e.solvency, e.solvency_reasons,
       e.website_employees, e.website_text_keywords, d.cpv, d.tenders, d.next_deadline,
       (s.company_id IS NOT NULL) AS suppressed
FROM companies c
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN demand d USING (company_id)
LEFT JOIN suppressions s USING (company_id)
"""

SCORES_SCHEMA = pa.schema(
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
)


def fit_score(
    row: Mapping[str, Any], profile: IcpProfile, rules: Sequence[Rule] | None = None
) -> Fit:
    """Fit in [0, 1] and its reasons, from one company row and an ICP profile."""
    total = 0.0
    reasons: list[Reason] = []
    for rule in registered_rules() if rules is None else rules:
        reason = rule.apply(row, profile)
        if reason is None:
            continue
        reasons.append(reason)
        if reason.knock_out:
            return Fit(0.0, tuple(reasons))
        total += reason.points
    return Fit(round(max(0.0, min(1.0, total)), 3), tuple(reasons))


def funnel_stage(
    *, is_client: bool, suppressed: bool, fit: float, solvency: float, fit_min: float,
    solvency_min: float,
) -> tuple[str, str | None]:
    """The funnel stage and the sentence that explains it (None when fit says it all).

    A client is never offered as new; a suppressed company is never a prospect.
    """
    if is_client:
        return "client", "already a client"
    if suppressed:
        return "suspect", "suppressed"
    if fit >= fit_min and solvency >= solvency_min:
        return "prospect", None
    if fit >= fit_min:
        return "suspect", f"solvency {solvency:.2f} below {solvency_min}"
    return "suspect", None


def _check_reads(rules: Sequence[Rule], columns: Sequence[str]) -> None:
    missing = {r.code: sorted(r.reads - set(columns)) for r in rules if r.reads - set(columns)}
    if missing:
        code, cols = next(iter(missing.items()))
        raise ValueError(f"fit rule {code!r} reads {', '.join(cols)}, which scoring does not "
                         "select (add it to sales.score.COMPANY_ROWS_SQL)")


def _count(summary: ScoreSummary, stage: str) -> None:
    if stage == "client":
        summary.clients += 1
    elif stage == "prospect":
        summary.prospects += 1
    else:
        summary.suspects += 1


def run_scoring(
    con: duckdb.DuckDBPyConnection,
    profile: IcpProfile,
    *,
    fit_min: float,
    solvency_min: float,
) -> ScoreSummary:
    """Score every company for ``profile`` and replace that profile's rows in ``scores``."""
    now = datetime.now(UTC).replace(tzinfo=None)
    cursor = con.execute(COMPANY_ROWS_SQL, [now])
    names = [d[0] for d in cursor.description]
    rules = registered_rules()
    _check_reads(rules, names)
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    summary = ScoreSummary(companies=len(rows))
    clients = client_company_ids(con)
    distances = distance_table(rows, profile)
    out = []
    for row in rows:
        fit = fit_score(row, profile, rules)
        solvency = float(row["solvency"] if row["solvency"] is not None else UNKNOWN_SOLVENCY)
        stage, note = funnel_stage(
            is_client=row["company_id"] in clients,
            suppressed=bool(row["suppressed"]),
            fit=fit.value, solvency=solvency, fit_min=fit_min, solvency_min=solvency_min,
        )
        reasons = fit.sentences
        if note and stage == "client":
            reasons.insert(0, note)
        elif note:
            reasons.append(note)
        shown = (row["solvency_reasons"] or [])[:SOLVENCY_REASONS_SHOWN]
        reasons += [f"solvency: {r}" for r in shown]
        _count(summary, stage)
        out.append(
            {
                "company_id": row["company_id"],
                "profile": profile.name,
                "model_version": MODEL_VERSION,
                "fit": fit.value,
                "solvency": solvency,
                "stage": stage,
                "reasons": reasons,
                "scored_at": now,
            }
        )
    table = pa.Table.from_pylist(out, schema=SCORES_SCHEMA)
    with transaction(con, staged_scores=table, staged_distances=distances):
        con.execute("DELETE FROM scores WHERE profile = ?", [profile.name])
        con.execute("INSERT INTO scores BY NAME SELECT * FROM staged_scores")
        con.execute("DELETE FROM score_distances WHERE profile = ?", [profile.name])
        con.execute("INSERT INTO score_distances BY NAME SELECT * FROM staged_distances")
    return summary

"""Scoring: fit tier, solvency band, timing and priority per ICP profile, and the funnel stage.

fit adds the points of the declared fit rules (``sales.rules``: industry, keywords, size,
country, tender demand; the points are the profile's); the tier cuts it by the profile's
cut-offs. The solvency band comes from enrichment (``enrich.solvency``), timing and priority
from ``sales.qualify``. Stage is ``client`` for imported clients; ``prospect`` when the tier is
one of the profile's prospect tiers, the band clears its minimum (band X never does) and the
company is not suppressed; a public body is a prospect on its demand (tenders in the profile's
CPV codes) and timing. Everything else is a ``suspect``.

Each run writes one ``scores`` row per company (with the profile's version hash and the
solvency model), at most three positive and three negative ``score_reasons`` rows, and a
``score_changes`` row for every tier, band, timing or stage that moved since the last run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, zip_longest
from typing import Any

import duckdb
import pyarrow as pa

from enrich.monitor import events as site_events
from enrich.monitor.store import latest_events_sql
from sales import qualify
from sales.clients import client_company_ids
from sales.distances import distance_table
from sales.profile import IcpProfile
from sales.rules import Reason, Rule, registered_rules
from warehouse.db import transaction
from warehouse.tenders import open_tender_sql

MODEL_VERSION = "fit-tiers-2"
FUNNEL_STAGES = ("suspect", "prospect", "client")
REASONS_PER_SIGN = 3
UNRATED_SOLVENCY = 0.5  # the numeric column of a company enrichment has not rated


@dataclass
class ScoreSummary:
    companies: int = 0
    prospects: int = 0
    suspects: int = 0
    clients: int = 0
    changes: int = 0


@dataclass(frozen=True)
class Fit:
    """A company's fit and the reasons behind it, in the order the rules ran."""

    value: float
    reasons: tuple[Reason, ...]

    @property
    def sentences(self) -> list[str]:
        return [r.text for r in self.reasons]


# Columns a later branch may add; selected as NULL until their migration exists.
OPTIONAL_ENRICHMENT = {"industry_nace": "VARCHAR"}

# One row per company: what the rules may read (see each rule's ``reads``), plus what the stage,
# timing and reasons need. Every ``?`` is "now", for the open-tender test.
COMPANY_ROWS_SQL = """
WITH demand AS (
    SELECT l.company_id, list_distinct(flatten(list(coalesce(t.cpv, [])))) AS cpv,
           list_distinct(flatten(list(CASE WHEN {open} THEN coalesce(t.cpv, []) END)))
             AS open_cpv,
           count(*) AS tenders,
           max(CASE WHEN {open} THEN t.deadline END) AS next_deadline,
           coalesce(arg_max(t.url, t.deadline) FILTER (WHERE {open}),
                    arg_max(t.url, coalesce(t.deadline, t.published_at))) AS tender_url
    FROM tenders t JOIN company_links l ON l.record_id = t.buyer_record_id
    GROUP BY l.company_id
),
fairs AS (
    SELECT l.company_id, max(s.first_seen_at) AS exhibitor_first_seen,
           arg_max(s.event_name, s.first_seen_at) AS event_name,
           arg_max(s.url, s.first_seen_at) AS exhibitor_url
    FROM source_records s JOIN company_links l USING (record_id)
    WHERE s.role = 'exhibitor'
    GROUP BY l.company_id
),
-- The latest accounts category a register shows (a size band when no source states a count).
accounts AS (
    SELECT company_id,
           arg_max(accounts_category, coalesce(accounts_last_made_up_to, DATE '1900-01-01'))
             AS accounts_category,
           arg_max(url, coalesce(accounts_last_made_up_to, DATE '1900-01-01')) AS registry_url
    FROM company_registry_facts
    WHERE accounts_category IS NOT NULL
    GROUP BY company_id
)
SELECT c.company_id, c.name, c.domain, c.country, c.postcode, c.city, c.categories,
       c.description, c.employees,
       c.website, c.source_urls[1] AS listing_url,
       e.industry, e.industry_confidence, e.industry_reason, {optional}
       e.solvency, e.solvency_band, e.solvency_model, e.solvency_evidence, e.awards_last,
       e.website_employees, e.description_employees, e.website_text_keywords,
       a.accounts_category, a.registry_url,
       d.cpv, d.open_cpv, d.tenders, d.next_deadline, d.tender_url,
       f.exhibitor_first_seen, f.event_name, f.exhibitor_url,
       -- no source publishes contract end dates yet: the timing rule is ready for them
       NULL::TIMESTAMP AS contract_ends, NULL::VARCHAR AS contract_url,
       (s.company_id IS NOT NULL) AS suppressed,
       -- changes on the company's website (enrich.monitor): the latest that makes timing,
       -- and the latest new legal name or address, shown with the reasons
       st.kind AS site_event_kind, st.sentence AS site_event_text, st.url AS site_event_url,
       st.detected_at AS site_event_at,
       sn.sentence AS site_note_text, sn.url AS site_note_url, sn.detected_at AS site_note_at
FROM companies c
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN demand d USING (company_id)
LEFT JOIN fairs f USING (company_id)
LEFT JOIN accounts a USING (company_id)
LEFT JOIN suppressions s USING (company_id)
LEFT JOIN ({site_timing}) st USING (company_id)
LEFT JOIN ({site_notes}) sn USING (company_id)
"""

SCORES_SCHEMA = pa.schema(
    [
        ("company_id", pa.string()),
        ("profile", pa.string()),
        ("profile_version", pa.string()),
        ("model_version", pa.string()),
        ("solvency_model", pa.string()),
        ("fit", pa.float64()),
        ("solvency", pa.float64()),
        ("tier", pa.string()),
        ("solvency_band", pa.string()),
        ("timing", pa.string()),
        ("priority", pa.string()),
        ("priority_rank", pa.int32()),
        ("stage", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("scored_at", pa.timestamp("us")),
    ]
)
REASONS_SCHEMA = pa.schema(
    [
        ("company_id", pa.string()),
        ("profile", pa.string()),
        ("sign", pa.string()),
        ("rank", pa.int32()),
        ("code", pa.string()),
        ("text", pa.string()),
        ("points", pa.float64()),
        ("source_url", pa.string()),
        ("scored_at", pa.timestamp("us")),
    ]
)
CHANGES_SCHEMA = pa.schema(
    [
        ("run_at", pa.timestamp("us")),
        ("company_id", pa.string()),
        ("profile", pa.string()),
        ("field", pa.string()),
        ("before", pa.string()),
        ("after", pa.string()),
        ("sentence", pa.string()),
    ]
)


def company_rows_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The company rows, with NULL for optional enrichment columns not yet in the warehouse."""
    present = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'enrichment'"
    ).fetchall()}
    optional = "".join(
        f"e.{name}, " if name in present else f"NULL::{kind} AS {name}, "
        for name, kind in OPTIONAL_ENRICHMENT.items()
    )
    return COMPANY_ROWS_SQL.format(open=open_tender_sql("t"), optional=optional,
                                   site_timing=latest_events_sql(site_events.TIMING_KINDS),
                                   site_notes=latest_events_sql(site_events.SHOWN_KINDS))


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


def solvency_reasons(evidence: Iterable[Mapping[str, Any]] | None, band: str) -> list[Reason]:
    """The enrichment's solvency evidence as reasons (a knock-out speaks against the company)."""
    out = []
    for e in evidence or []:
        out.append(Reason(e["code"], e["text"], float(e["points"] or 0.0), url=e["url"],
                          against=band == qualify.BAND_X))
    return out


@dataclass(frozen=True)
class Decision:
    stage: str
    note: Reason | None = None  # why the stage is what it is, when fit alone does not say


def funnel_stage(
    *, is_client: bool, suppressed: bool, tier: str, band: str, timing: str,
    has_demand: bool, fit: float, solvency: float, profile: IcpProfile,
    fit_min: float | None = None, solvency_min: float | None = None,
) -> Decision:
    """The funnel stage and the note that explains it.

    A client is never offered as new; a suppressed company and a knocked-out one (band X) are
    never prospects; a public body is one on demand and timing.
    """
    if is_client:
        return Decision("client", Reason("client", "already a client", 0.0, against=True))
    if suppressed:
        return Decision("suspect", Reason("suppressed", "on the do-not-contact list", 0.0,
                                          against=True))
    if band == qualify.BAND_X:
        return Decision("suspect")  # the knock-out evidence says why
    if band == qualify.BAND_PUBLIC:
        if has_demand and timing != "none":
            return Decision("prospect")
        return Decision("suspect")
    if not qualify.tier_qualifies(tier, profile):
        return Decision("suspect")
    if fit_min is not None and fit < fit_min:
        return Decision("suspect")
    if not qualify.band_qualifies(band, profile):
        text = ("not enough public information to judge whether it can pay"
                if band == qualify.BAND_INSUFFICIENT else
                f"solvency band {band}, below the minimum of {profile.solvency_min_band}")
        return Decision("suspect", Reason("solvency_below_minimum", text, 0.0, against=True))
    if solvency_min is not None and band in qualify.RATED_BANDS and solvency < solvency_min:
        return Decision("suspect", Reason("solvency_below_minimum",
                                          f"estimated solvency {solvency:.2f} below "
                                          f"{solvency_min:.2f}", 0.0, against=True))
    return Decision("prospect")


def _alternate(*groups: Sequence[Reason]) -> list[Reason]:
    return [r for r in chain.from_iterable(zip_longest(*groups)) if r is not None]


def pick_reasons(
    fit: Sequence[Reason], solvency: Sequence[Reason], notes: Sequence[Reason],
    timing: Reason | None,
) -> tuple[list[Reason], list[Reason]]:
    """At most three positive and three negative reasons: the timing and the strongest fit
    and solvency reasons alternating; the stage note and knock-outs first among negatives."""
    def by_sign(reasons: Sequence[Reason], sign: str) -> list[Reason]:
        chosen = [r for r in reasons if r.sign == sign]
        return sorted(chosen, key=lambda r: -abs(r.points))

    positive = ([timing] if timing else []) + _alternate(by_sign(fit, "positive"),
                                                          by_sign(solvency, "positive"))
    ko = [r for r in solvency if r.sign == "negative" and r.points == 0]
    negative = list(notes) + ko + _alternate(
        by_sign(fit, "negative"), [r for r in by_sign(solvency, "negative") if r not in ko])
    return positive[:REASONS_PER_SIGN], negative[:REASONS_PER_SIGN]


def render(positive: Sequence[Reason], negative: Sequence[Reason],
           notes: Sequence[Reason] = ()) -> list[str]:
    """The ``reasons`` sentences an export joins: what speaks for, then "against: ...", then
    "noticed: ..." (a change worth knowing that counts neither way, e.g. a new address)."""
    return ([r.text for r in positive] + [f"against: {r.text}" for r in negative]
            + [f"noticed: {r.text}" for r in notes])


_FIELD_WORDS = {"stage": "stage", "tier": "fit tier", "solvency_band": "solvency band",
                "timing": "timing"}
_BETTER = {
    "stage": ("suspect", "prospect"),
    "tier": tuple(reversed(qualify.TIERS)),
    "solvency_band": tuple(reversed(qualify.BAND_ORDER)),
    "timing": tuple(reversed(qualify.TIMINGS)),
}


def change_sentence(field: str, before: str, after: str, positive: Sequence[Reason],
                    negative: Sequence[Reason]) -> str:
    """``fit tier changed from B to A: industry manufacturing`` — the strongest reason that
    points the way it moved."""
    order = _BETTER[field]
    better = (order.index(after) if after in order else -1) > (
        order.index(before) if before in order else -1)
    pool = positive if better else negative
    why = f": {pool[0].text}" if pool else ""
    return f"{_FIELD_WORDS[field]} changed from {before} to {after}{why}"


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


def score_row(
    row: Mapping[str, Any], profile: IcpProfile, rules: Sequence[Rule], now: datetime,
    *, fit_min: float | None = None, solvency_min: float | None = None,
    profile_version: str | None = None,
) -> tuple[dict[str, Any], list[Reason], list[Reason]]:
    """One company's score row and its positive and negative reasons (``profile_version``:
    the profile's hash, computed once per run by the caller)."""
    fit = fit_score(row, profile, rules)
    tier = qualify.fit_tier(fit.value, profile)
    if any(r.drops_tier for r in fit.reasons):
        tier = qualify.drop_tier(tier)
    band = row["solvency_band"] or qualify.BAND_INSUFFICIENT
    solvency = float(row["solvency"] if row["solvency"] is not None else UNRATED_SOLVENCY)
    when = qualify.timing_of(row, profile, now)
    decision = funnel_stage(
        is_client=bool(row["is_client"]), suppressed=bool(row["suppressed"]), tier=tier,
        band=band, timing=when.timing,
        has_demand=any(r.code == "tender_demand" for r in fit.reasons), fit=fit.value,
        solvency=solvency, profile=profile, fit_min=fit_min, solvency_min=solvency_min,
    )
    timing_reason = (Reason(when.code or when.timing, when.text, 0.0, url=when.url)
                     if when.text else None)
    positive, negative = pick_reasons(
        fit.reasons, solvency_reasons(row["solvency_evidence"], band),
        [decision.note] if decision.note else [], timing_reason,
    )
    label, rank = qualify.priority(tier, band, when.timing)
    notes = [n for n in [qualify.site_note(row, profile, now)] if n is not None]
    out = {
        "company_id": row["company_id"], "profile": profile.name,
        "profile_version": profile_version or profile.version, "model_version": MODEL_VERSION,
        "solvency_model": row["solvency_model"], "fit": fit.value, "solvency": solvency,
        "tier": tier, "solvency_band": band, "timing": when.timing, "priority": label,
        "priority_rank": rank, "stage": decision.stage,
        "reasons": render(positive, negative, notes), "scored_at": now,
    }
    return out, positive, negative


def _reason_rows(company_id: str, profile: str, now: datetime, positive: Sequence[Reason],
                 negative: Sequence[Reason]) -> list[dict[str, Any]]:
    rows = []
    for sign, reasons in (("positive", positive), ("negative", negative)):
        for rank, r in enumerate(reasons, start=1):
            rows.append({"company_id": company_id, "profile": profile, "sign": sign,
                         "rank": rank, "code": r.code, "text": r.text, "points": r.points,
                         "source_url": r.url, "scored_at": now})
    return rows


def run_scoring(
    con: duckdb.DuckDBPyConnection,
    profile: IcpProfile,
    *,
    fit_min: float | None = None,
    solvency_min: float | None = None,
    now: datetime | None = None,
) -> ScoreSummary:
    """Score every company for ``profile``; replace that profile's ``scores`` and
    ``score_reasons`` rows and append what changed to ``score_changes``."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    cursor = con.execute(company_rows_sql(con), [now, now, now])
    names = [d[0] for d in cursor.description]
    company_rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    clients = client_company_ids(con)
    distances = distance_table(company_rows, profile)
    rules = registered_rules()
    _check_reads(rules, names)
    before = {r[0]: dict(zip(_FIELD_WORDS, r[1:], strict=True)) for r in con.execute(
        "SELECT company_id, stage, tier, solvency_band, timing FROM scores WHERE profile = ?",
        [profile.name]).fetchall()}
    summary = ScoreSummary()
    version = profile.version
    scores, reasons, changes = [], [], []
    for row in company_rows:
        row["is_client"] = row["company_id"] in clients
        out, positive, negative = score_row(row, profile, rules, now, fit_min=fit_min,
                                            solvency_min=solvency_min, profile_version=version)
        summary.companies += 1
        _count(summary, out["stage"])
        scores.append(out)
        reasons += _reason_rows(out["company_id"], profile.name, now, positive, negative)
        previous = before.get(out["company_id"])
        for field in _FIELD_WORDS if previous else ():
            old, new = previous[field], out[field]
            if old is not None and old != new:
                changes.append({"run_at": now, "company_id": out["company_id"],
                                "profile": profile.name, "field": field, "before": old,
                                "after": new, "sentence": change_sentence(
                                    field, old, new, positive, negative)})
    summary.changes = len(changes)
    with transaction(
        con,
        staged_scores=pa.Table.from_pylist(scores, schema=SCORES_SCHEMA),
        staged_reasons=pa.Table.from_pylist(reasons, schema=REASONS_SCHEMA),
        staged_changes=pa.Table.from_pylist(changes, schema=CHANGES_SCHEMA),
        staged_distances=distances,
    ):
        con.execute("DELETE FROM scores WHERE profile = ?", [profile.name])
        con.execute("INSERT INTO scores BY NAME SELECT * FROM staged_scores")
        con.execute("DELETE FROM score_reasons WHERE profile = ?", [profile.name])
        con.execute("INSERT INTO score_reasons BY NAME SELECT * FROM staged_reasons")
        con.execute("INSERT INTO score_changes BY NAME SELECT * FROM staged_changes")
        con.execute("DELETE FROM score_distances WHERE profile = ?", [profile.name])
        con.execute("INSERT INTO score_distances BY NAME SELECT * FROM staged_distances")
    return summary

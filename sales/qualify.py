"""The three axes a salesperson acts on, never blended away, and the priority that sorts them.

- **fit tier** A/B/C/D: the fit points against the profile's cut-offs;
- **solvency band** from enrichment: 1 (strong), 2 (sound), 3 (weak), X (knocked out),
  "insufficient data", "public body";
- **timing**: hot (an open tender in the profile's CPV codes, or a contract of theirs ending
  within the profile's months), warm (jobs, a press item or a product page newly on its website,
  a new exhibition appearance or a public award within the profile's days), none.

``priority`` shows them together as ``A-1-hot`` ("P" for a public body, "?" for insufficient
data); ``priority_rank`` sorts it, tier first, then band, then timing.

Each axis is a SQL expression the score stage evaluates over every company at once; the Python
functions here answer the same question for one company through that same expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sales import sqlrow
from sales.profile import IcpProfile

TIERS = ("A", "B", "C", "D")
BAND_X, BAND_INSUFFICIENT, BAND_PUBLIC = "X", "insufficient data", "public body"
BAND_ORDER = ("1", "2", BAND_PUBLIC, BAND_INSUFFICIENT, "3", BAND_X)
BAND_SHORT = {BAND_PUBLIC: "P", BAND_INSUFFICIENT: "?"}
TIMINGS = ("hot", "warm", "none")
RATED_BANDS = ("1", "2", "3")
BAND_WORDS = {"1": "strong", "2": "sound", "3": "weak", BAND_X: "knocked out"}  # for sentences


@dataclass(frozen=True)
class TimingSignal:
    """Timing and the sentence (with its source) that makes it."""

    timing: str
    code: str | None = None
    text: str | None = None
    url: str | None = None


def tier_sql(fit: str, profile: IcpProfile) -> str:
    """The fit tier of the SQL number ``fit`` by the profile's cut-offs."""
    cut = profile.tiers
    return (f"CASE WHEN {fit} >= {sqlrow.number(cut.A)} THEN 'A' "
            f"WHEN {fit} >= {sqlrow.number(cut.B)} THEN 'B' "
            f"WHEN {fit} >= {sqlrow.number(cut.C)} THEN 'C' ELSE 'D' END")


def drop_tier_sql(tier: str) -> str:
    """The tier one step below the SQL tier ``tier`` (never below D)."""
    whens = " ".join(f"WHEN {sqlrow.text(a)} THEN {sqlrow.text(b)}"
                     for a, b in zip(TIERS, TIERS[1:], strict=False))
    return f"CASE {tier} {whens} ELSE {sqlrow.text(TIERS[-1])} END"


def fit_tier(fit: float, profile: IcpProfile) -> str:
    return sqlrow.evaluate_one([tier_sql(sqlrow.number(fit), profile)], {})[0]


TIMING_TYPE = "STRUCT(timing VARCHAR, code VARCHAR, text VARCHAR, url VARCHAR)"


def _signal(timing: str, code: str | None = None, text: str = "NULL", url: str = "NULL") -> str:
    return (f"struct_pack(timing := {sqlrow.text(timing)}, code := {sqlrow.text(code)}, "
            f"text := ({text})::VARCHAR, url := ({url})::VARCHAR)")


def timing_sql(profile: IcpProfile, now: datetime) -> str:
    """Hot, warm or none, from the company's open tenders, contracts, changes on its website,
    fairs and awards, as a
    ``TIMING_TYPE`` struct with the sentence and its source."""
    from sales.rules.tender_demand import matching_cpv_sql

    horizon = now + timedelta(days=round(profile.timing.contract_ending_months * 30.44))
    since = now - timedelta(days=profile.timing.warm_days)
    t_now, t_since = sqlrow.timestamp(now), sqlrow.timestamp(since)
    open_tender = _signal("hot", "open_tender", "'has an open tender for what we sell' || "
                          "coalesce(' until ' || strftime(next_deadline, '%-d %B %Y'), '')",
                          "tender_url")
    ending = _signal("hot", "contract_ending", "'a contract of theirs ends on ' || "
                     "strftime(contract_ends, '%-d %B %Y')", "contract_url")
    fair = _signal("warm", "new_exhibitor", "CASE WHEN coalesce(event_name, '') <> '' THEN "
                   "'a new exhibitor at ' || event_name ELSE 'a new exhibitor at a trade fair' "
                   "END", "exhibitor_url")
    # jobs appeared, a new press item or product page on its website (enrich.monitor)
    site = ("struct_pack(timing := 'warm', code := site_event_kind::VARCHAR, "
            "text := site_event_text::VARCHAR, url := site_event_url::VARCHAR)")
    award = _signal("warm", "recent_award", "'won a public contract on ' || "
                    "strftime(awards_last, '%-d %B %Y')", "listing_url")
    return (f"CASE WHEN len({matching_cpv_sql('open_cpv', profile)}) > 0 THEN {open_tender} "
            f"WHEN contract_ends BETWEEN {t_now} AND {sqlrow.timestamp(horizon)} THEN {ending} "
            f"WHEN site_event_at BETWEEN {t_since} AND {t_now} "
            f"AND site_event_text IS NOT NULL THEN {site} "
            f"WHEN exhibitor_first_seen >= {t_since} THEN {fair} "
            f"WHEN awards_last BETWEEN {t_since} AND {t_now} THEN {award} "
            f"ELSE {_signal('none')} END")


def timing_of(row: Mapping[str, Any], profile: IcpProfile, now: datetime) -> TimingSignal:
    """Hot, warm or none for one company row."""
    found = sqlrow.evaluate_one([timing_sql(profile, now)], row)[0]
    return TimingSignal(found["timing"], found["code"], found["text"], found["url"])


def priority_sql(tier: str, band: str, timing: str) -> tuple[str, str]:
    """The label (``A-1-hot``) and its rank (lower is better) of SQL tier, band and timing."""
    def index(value: str, order: tuple[str, ...]) -> str:
        whens = " ".join(f"WHEN {sqlrow.text(v)} THEN {i}" for i, v in enumerate(order))
        return f"(CASE {value} {whens} ELSE {len(order)} END)"

    short = " ".join(f"WHEN {sqlrow.text(k)} THEN {sqlrow.text(v)}"
                     for k, v in BAND_SHORT.items())
    label = f"{tier} || '-' || (CASE {band} {short} ELSE {band} END) || '-' || {timing}"
    rank = (f"CAST({index(tier, TIERS)} * 100 + {index(band, BAND_ORDER)} * 10 + "
            f"{index(timing, TIMINGS)} AS INTEGER)")
    return label, rank


def priority(tier: str, band: str, timing: str) -> tuple[str, int]:
    """The label (``A-1-hot``) and its rank (lower is better)."""
    kinds = {"tier": "VARCHAR", "band": "VARCHAR", "timing": "VARCHAR"}
    label, rank = sqlrow.evaluate_one(list(priority_sql("tier", "band", "timing")),
                                      {"tier": tier, "band": band, "timing": timing}, kinds)
    return label, rank


def band_qualifies_sql(band: str, profile: IcpProfile) -> str:
    """Whether a (non-public) company's SQL band clears the profile's minimum."""
    rated = sqlrow.texts(RATED_BANDS)
    insufficient = "true" if profile.insufficient_data_is_prospect else "false"
    return (f"CASE WHEN list_contains({rated}, {band}) THEN {band} <= "
            f"{sqlrow.text(profile.solvency_min_band)} "
            f"WHEN {band} = {sqlrow.text(BAND_INSUFFICIENT)} THEN {insufficient} ELSE false END")


def tier_qualifies_sql(tier: str, profile: IcpProfile) -> str:
    return f"list_contains({sqlrow.texts(list(profile.prospect_tiers))}, {tier})"

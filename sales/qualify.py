"""The three axes a salesperson acts on, never blended away, and the priority that sorts them.

- **fit tier** A/B/C/D: the fit points against the profile's cut-offs;
- **solvency band** from enrichment: 1 (strong), 2 (sound), 3 (weak), X (knocked out),
  "insufficient data", "public body";
- **timing**: hot (an open tender in the profile's CPV codes, or a contract of theirs ending
  within the profile's months), warm (jobs, a press item or a product page newly on its website,
  a new exhibition appearance or a public award within the profile's days), none.

``priority`` shows them together as ``A-1-hot`` ("P" for a public body, "?" for insufficient
data); ``priority_rank`` sorts it, tier first, then band, then timing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sales.profile import IcpProfile
from sales.rules import Reason

TIERS = ("A", "B", "C", "D")
BAND_X, BAND_INSUFFICIENT, BAND_PUBLIC = "X", "insufficient data", "public body"
BAND_ORDER = ("1", "2", BAND_PUBLIC, BAND_INSUFFICIENT, "3", BAND_X)
BAND_SHORT = {BAND_PUBLIC: "P", BAND_INSUFFICIENT: "?"}
TIMINGS = ("hot", "warm", "none")
RATED_BANDS = ("1", "2", "3")


@dataclass(frozen=True)
class TimingSignal:
    """Timing and the sentence (with its source) that makes it."""

    timing: str
    code: str | None = None
    text: str | None = None
    url: str | None = None


def fit_tier(fit: float, profile: IcpProfile) -> str:
    cut = profile.tiers
    if fit >= cut.A:
        return "A"
    if fit >= cut.B:
        return "B"
    if fit >= cut.C:
        return "C"
    return "D"


def drop_tier(tier: str, steps: int = 1) -> str:
    """The tier ``steps`` below ``tier`` (never below D)."""
    order = list(TIERS)
    return order[min(len(order) - 1, order.index(tier) + steps)]


def timing_of(row: Mapping[str, Any], profile: IcpProfile, now: datetime) -> TimingSignal:
    """Hot, warm or none, from the company's open tenders, contracts, fairs and awards."""
    prefixes = tuple(profile.cpv_prefixes)
    open_codes = sorted({c for c in (row.get("open_cpv") or []) if prefixes
                         and c.startswith(prefixes)})
    if open_codes:
        deadline = row.get("next_deadline")
        until = f" until {deadline:%Y-%m-%d}" if deadline else ""
        return TimingSignal("hot", "open_tender",
                            f"has an open tender for what we sell{until}", row.get("tender_url"))
    ending = row.get("contract_ends")
    horizon = now + timedelta(days=round(profile.timing.contract_ending_months * 30.44))
    if ending is not None and now <= ending <= horizon:
        return TimingSignal("hot", "contract_ending",
                            f"a contract of theirs ends on {ending:%Y-%m-%d}",
                            row.get("contract_url"))
    since = now - timedelta(days=profile.timing.warm_days)
    site_seen = row.get("site_event_at")
    if site_seen is not None and since <= site_seen <= now and row.get("site_event_text"):
        # jobs appeared, a new press item or product page on its website (enrich.monitor)
        return TimingSignal("warm", row.get("site_event_kind"), row["site_event_text"],
                            row.get("site_event_url"))
    fair_seen = row.get("exhibitor_first_seen")
    if fair_seen is not None and fair_seen >= since:
        event = row.get("event_name")
        text = f"a new exhibitor at {event}" if event else "a new exhibitor at a trade fair"
        return TimingSignal("warm", "new_exhibitor", text, row.get("exhibitor_url"))
    last_award = row.get("awards_last")
    if last_award is not None and since <= last_award <= now:
        return TimingSignal("warm", "recent_award",
                            f"won a public contract on {last_award:%Y-%m-%d}",
                            row.get("listing_url"))
    return TimingSignal("none")


def site_note(row: Mapping[str, Any], profile: IcpProfile, now: datetime) -> Reason | None:
    """A new legal name or address on the company's website within the warm window: shown
    with the reasons, counting neither for nor against."""
    seen = row.get("site_note_at")
    since = now - timedelta(days=profile.timing.warm_days)
    if seen is None or not row.get("site_note_text") or not since <= seen <= now:
        return None
    return Reason("site_change", row["site_note_text"], 0.0, url=row.get("site_note_url"))


def priority(tier: str, band: str, timing: str) -> tuple[str, int]:
    """The label (``A-1-hot``) and its rank (lower is better)."""
    band_i = BAND_ORDER.index(band) if band in BAND_ORDER else len(BAND_ORDER)
    rank = TIERS.index(tier) * 100 + band_i * 10 + TIMINGS.index(timing)
    return f"{tier}-{BAND_SHORT.get(band, band)}-{timing}", rank


def band_qualifies(band: str, profile: IcpProfile) -> bool:
    """Whether a (non-public) company's band clears the profile's minimum."""
    if band in RATED_BANDS:
        return band <= profile.solvency_min_band
    if band == BAND_INSUFFICIENT:
        return profile.insufficient_data_is_prospect
    return False


def tier_qualifies(tier: str, profile: IcpProfile) -> bool:
    return tier in set(profile.prospect_tiers)

"""Estimated solvency: can this company pay? A transparent points model over public signals.

No credit bureau is consulted: the estimate adds declared, explainable contributions (age,
size, contracts won, paid listings, accreditations, website health, distress notices) and maps
the total through a logistic curve to [0, 1]. Every contribution is a reason a person can read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MODEL_VERSION = "solvency-points-1"


@dataclass
class SolvencySignals:
    employees: int | None = None
    founded: int | None = None
    awards_count: int = 0
    awards_total: float = 0.0
    paid_listing: bool = False
    accreditations: int = 0
    website_status: str = "none"  # ok, unreachable, blocked, none
    distress: list[str] = field(default_factory=list)
    growth: bool = False
    offices_countries: int | None = None
    has_registry_id: bool = False


@dataclass(frozen=True)
class SolvencyEstimate:
    score: float
    reasons: list[str]


# (points, reason template) per rule; the rules are data so they can be read and tuned.
AGE_BANDS = [
    (20, 1.2, "trading {age} years"),
    (10, 0.9, "trading {age} years"),
    (5, 0.4, "trading {age} years"),
    (2, 0.0, ""),
    (0, -0.8, "young firm ({age} years)"),
]
SIZE_BANDS = [
    (250, 1.2, "{n} employees"),
    (50, 0.8, "{n} employees"),
    (10, 0.3, "{n} employees"),
    (0, -0.6, "only {n} employees"),
]
AWARD_POINTS = 0.9
AWARD_MANY_POINTS = 0.4
PAID_LISTING_POINTS = 0.5
ACCREDITATION_POINTS = 0.35
GROWTH_POINTS = 0.4
OFFICES_POINTS = 0.4
REGISTRY_POINTS = 0.2
UNREACHABLE_POINTS = -1.2
DISTRESS_POINTS = -4.0
BIAS = -0.9


def estimate(signals: SolvencySignals, *, this_year: int) -> SolvencyEstimate:
    points = BIAS
    reasons: list[tuple[float, str]] = []

    def add(value: float, reason: str) -> None:
        nonlocal points
        points += value
        if reason:
            reasons.append((value, f"{reason} ({value:+.1f})"))

    if signals.founded and 1800 < signals.founded <= this_year:
        age = this_year - signals.founded
        for floor, value, text in AGE_BANDS:
            if age >= floor:
                add(value, text.format(age=age))
                break
    if signals.employees is not None and signals.employees >= 0:
        for floor, value, text in SIZE_BANDS:
            if signals.employees >= floor:
                add(value, text.format(n=signals.employees))
                break
    if signals.awards_count:
        add(AWARD_POINTS, f"won {signals.awards_count} public contract(s)")
        if signals.awards_count >= 3:
            add(AWARD_MANY_POINTS, "repeat public supplier")
    if signals.paid_listing:
        add(PAID_LISTING_POINTS, "pays for a premium listing")
    if signals.accreditations:
        n = min(signals.accreditations, 2)
        add(ACCREDITATION_POINTS * n, f"{signals.accreditations} accreditation(s)")
    if signals.growth:
        add(GROWTH_POINTS, "website advertises jobs")
    if signals.offices_countries and signals.offices_countries > 1:
        add(OFFICES_POINTS, f"offices in {signals.offices_countries} countries")
    if signals.has_registry_id:
        add(REGISTRY_POINTS, "registered company id published")
    if signals.website_status == "unreachable":
        add(UNREACHABLE_POINTS, "website unreachable")
    if signals.distress:
        add(DISTRESS_POINTS, f"website notice: {', '.join(signals.distress)}")
    score = 1.0 / (1.0 + math.exp(-points))
    ordered = [text for _, text in sorted(reasons, key=lambda r: -abs(r[0]))]
    return SolvencyEstimate(round(score, 3), ordered)

"""Estimated solvency: can this company pay? A transparent points model over public signals.

No credit bureau is consulted: the estimate adds declared, explainable contributions (age,
size, contracts won, paid listings, accreditations, website health, distress notices) and maps
the total through a logistic curve to [0, 1]. Every contribution is a reason a person can read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MODEL_VERSION = "solvency-points-2"


@dataclass
class SolvencySignals:
    employees: int | None = None
    founded: int | None = None
    awards_count: int = 0
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


# Points are log-odds contributions (about ln(odds with the signal / odds without)), so a
# reason's size says how much it moved the estimate. Bands: (floor, points, reason template).
AGE_BANDS = [(30, 1.0, "trading {age} years"), (20, 0.4, "trading {age} years"),
             (10, 0.0, ""), (0, -1.5, "young firm ({age} years)")]
SIZE_BANDS = [(100, 0.9, "{n} employees"), (10, 0.0, ""), (0, -1.1, "only {n} employees")]
AWARD_BANDS = [(4, 2.0, "won {n} public contracts"), (3, 1.4, "won {n} public contracts"),
               (2, 0.0, ""), (1, -0.8, "a single public contract")]
PAID_LISTING_POINTS = 1.4
ACCREDITATION_POINTS = 1.2
GROWTH_POINTS = 1.0
NO_GROWTH_POINTS = -0.6
OFFICES_POINTS = 1.0
REGISTRY_POINTS = 0.1
UNREACHABLE_POINTS = -1.8
DISTRESS_POINTS = -5.0
BIAS = 0.6


def estimate(signals: SolvencySignals, *, this_year: int) -> SolvencyEstimate:
    points = BIAS
    reasons: list[tuple[float, str]] = []

    def add(value: float, reason: str) -> None:
        nonlocal points
        points += value
        if reason:
            reasons.append((value, f"{reason} ({value:+.1f})"))

    def band(bands: list[tuple[int, float, str]], value: int, **fmt: int) -> None:
        for floor, points_, text in bands:
            if value >= floor:
                add(points_, text.format(**fmt))
                return

    if signals.founded and 1800 < signals.founded <= this_year:
        age = this_year - signals.founded
        band(AGE_BANDS, age, age=age)
    if signals.employees is not None and signals.employees >= 0:
        band(SIZE_BANDS, signals.employees, n=signals.employees)
    if signals.awards_count:
        band(AWARD_BANDS, signals.awards_count, n=signals.awards_count)
    if signals.paid_listing:
        add(PAID_LISTING_POINTS, "pays for a premium listing")
    if signals.accreditations:
        add(ACCREDITATION_POINTS, f"{signals.accreditations} accreditation(s)")
    if signals.website_status == "ok":
        if signals.growth:
            add(GROWTH_POINTS, "website advertises jobs")
        else:
            add(NO_GROWTH_POINTS, "no jobs on its website")
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

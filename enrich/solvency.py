"""Estimated solvency: can this company pay? Knock-outs first, then a transparent points model.

No credit bureau is consulted. First the knock-outs: a company a registry or its own website
shows dissolved, in liquidation, in administration, in a voluntary arrangement, proposed for
striking off, bankrupt, with an insolvency case, or whose legal entity identifier lapsed or was
retired, or whose website states insolvency proceedings, gets band ``X`` whatever else it shows
(never a prospect); a site that only mentions insolvency counts against it. Otherwise the
estimate adds declared, explainable contributions (age, size, contracts won, paid listings,
accreditations, hiring, website health, registry accounts and charges), maps the total through
a logistic curve to [0, 1] and cuts it into bands ``1`` (strong), ``2`` (sound), ``3`` (weak).
Too few observed signals give the band "insufficient data" (not an average guess); a public
body gets the band "public body". The weights and cut-offs are configuration (``[solvency]``);
the model version names them, and is stored with every estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from enrich.normalise.words import plural, quoted
from enrich.signals.distress import states_proceedings

MODEL_NAME = "solvency-bands-3"
BAND_X = "X"
BAND_INSUFFICIENT = "insufficient data"
BAND_PUBLIC = "public body"

# Registry status words that end a company's ability to pay (plain words, as the registry
# parsers write them), each with the sentence a salesperson reads.
KNOCK_OUT_STATUSES = {
    "dissolved": "dissolved",
    "liquidation": "in liquidation",
    "administration": "in administration",
    "receivership": "in receivership",
    "voluntary arrangement": "in a voluntary arrangement with its creditors",
    "proposal to strike off": "proposed for striking off the register",
    "strike off": "proposed for striking off the register",
    "bankruptcy": "in bankruptcy",
    "insolvency": "in insolvency proceedings",
    "closed": "closed",
}
LAPSED_LEI = {"lapsed": "its legal entity identifier has lapsed",
              "retired": "its legal entity identifier was retired"}

# Floors of the banded signals (the points per band are configuration).
AGE_OLD, AGE_ESTABLISHED, AGE_YOUNG = 30, 20, 10
EMPLOYEES_LARGE, EMPLOYEES_SMALL = 100, 10
RECENT_AWARD_DAYS = 365


class SolvencyPoints(BaseModel):
    """The log-odds points per signal, declared once here beside the estimate that applies them;
    the config's ``[solvency.points]`` is validated against this model (defaults live in
    ``default_config.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trading_30_years: float
    trading_20_years: float
    young_firm: float
    employees_100: float
    employees_under_10: float
    awards_4: float
    awards_3: float
    awards_2: float
    awards_1: float
    recent_award: float
    paid_listing: float
    accreditation: float
    hiring: float
    not_hiring: float
    offices_abroad: float
    website_unreachable: float
    accounts_overdue: float
    accounts_on_time: float
    charges_outstanding: float
    distress_mention: float


class SolvencyModel(Protocol):
    """The configured model (``leadpipe.config.SolvencySection`` satisfies it)."""

    bias: float
    min_signals: int
    points: SolvencyPoints
    band_1_min: float
    band_2_min: float

    @property
    def version(self) -> str: ...


@dataclass
class SolvencySignals:
    employees: int | None = None
    founded: int | None = None
    awards_count: int = 0
    awards_last: datetime | None = None
    paid_listing: bool = False
    accreditations: int = 0
    website_status: str = "none"  # ok, unreachable, blocked, none
    distress: list[str] = field(default_factory=list)
    growth: bool = False
    offices_countries: int | None = None
    is_public_body: bool = False
    # Registry facts (empty until a registry source has been crawled).
    registry_status: str | None = None
    lei_status: str | None = None
    insolvency_cases: int = 0
    accounts_overdue: bool | None = None
    charges_outstanding: int | None = None
    # Where the evidence was read: the website, the registry record, the listing.
    website_url: str | None = None
    distress_url: str | None = None  # the page with the distress words (else the website)
    registry_url: str | None = None
    listing_url: str | None = None


@dataclass(frozen=True)
class Evidence:
    """One reason behind an estimate: a machine code, a plain sentence, points, its source."""

    code: str
    text: str
    points: float
    url: str | None = None


@dataclass(frozen=True)
class SolvencyEstimate:
    score: float
    band: str
    evidence: tuple[Evidence, ...]
    model_version: str

    @property
    def reasons(self) -> list[str]:
        """The sentences, strongest first (what older readers of ``solvency_reasons`` show)."""
        return [e.text for e in self.evidence]


def model_version(model: SolvencyModel) -> str:
    return f"{MODEL_NAME}+{model.version}"


def knock_outs(signals: SolvencySignals) -> list[Evidence]:
    """Every fact that rules a company out, each as evidence with its source."""
    out: list[Evidence] = []
    status = (signals.registry_status or "").strip().lower()
    if status:
        for word, sentence in KNOCK_OUT_STATUSES.items():
            if word in status:
                out.append(Evidence("registry_" + word.replace(" ", "_"),
                                    f"the company register shows it {sentence}", 0.0,
                                    signals.registry_url))
                break
    if signals.insolvency_cases and not any(e.code == "registry_insolvency" for e in out):
        cases = signals.insolvency_cases
        out.append(Evidence("insolvency_case",
                            f"the company register lists {cases} insolvency "
                            f"case{'s' if cases > 1 else ''}", 0.0, signals.registry_url))
    lei = (signals.lei_status or "").strip().lower()
    if lei in LAPSED_LEI:
        out.append(Evidence(f"lei_{lei}", LAPSED_LEI[lei], 0.0, signals.registry_url))
    if states_proceedings(signals.distress):
        out.append(Evidence("distress_notice",
                            f"its website mentions {quoted(signals.distress)}", 0.0,
                            signals.distress_url or signals.website_url))
    return out


def _band(score: float, model: SolvencyModel) -> str:
    if score >= model.band_1_min:
        return "1"
    if score >= model.band_2_min:
        return "2"
    return "3"


def estimate(signals: SolvencySignals, *, this_year: int, model: SolvencyModel,
             today: datetime | None = None) -> SolvencyEstimate:
    """The estimate of one company: knock-outs first, then the points of what was observed."""
    version = model_version(model)
    ruled_out = knock_outs(signals)
    if ruled_out:
        return SolvencyEstimate(0.0, BAND_X, tuple(ruled_out), version)
    pts = model.points
    points = model.bias
    observed = 0
    found: list[Evidence] = []

    def add(code: str, value: float, text: str, url: str | None) -> None:
        nonlocal points, observed
        observed += 1
        points += value
        if value:
            found.append(Evidence(code, text, value, url))

    listing = signals.listing_url
    if signals.founded and 1800 < signals.founded <= this_year:
        age = this_year - signals.founded
        if age >= AGE_OLD:
            add("trading_30_years", pts.trading_30_years, f"trading for {age} years", listing)
        elif age >= AGE_ESTABLISHED:
            add("trading_20_years", pts.trading_20_years, f"trading for {age} years", listing)
        elif age >= AGE_YOUNG:
            add("trading_10_years", 0.0, "", listing)
        else:
            add("young_firm", pts.young_firm, f"a young firm, {age} years old", listing)
    if signals.employees is not None and signals.employees >= 0:
        n = signals.employees
        if n >= EMPLOYEES_LARGE:
            add("employees_100", pts.employees_100, f"{n} employees", listing)
        elif n >= EMPLOYEES_SMALL:
            add("employees_10", 0.0, "", listing)
        else:
            add("employees_under_10", pts.employees_under_10, f"only {plural(n, 'employee')}",
                listing)
    if signals.awards_count:
        n = signals.awards_count
        value = {1: pts.awards_1, 2: pts.awards_2, 3: pts.awards_3}.get(n, pts.awards_4)
        add(f"awards_{min(n, 4)}", value,
            "won a public contract" if n == 1 else f"won {n} public contracts", listing)
        now = today or datetime(this_year, 12, 31)
        last = signals.awards_last
        if last is not None and (now - last).days <= RECENT_AWARD_DAYS:
            add("recent_award", pts.recent_award, "won a public contract in the last year",
                listing)
    if signals.paid_listing:
        add("paid_listing", pts.paid_listing, "pays for a premium listing", listing)
    if signals.accreditations:
        n = signals.accreditations
        add("accreditation", pts.accreditation,
            "holds an accreditation" if n == 1 else f"holds {n} accreditations", listing)
    site = signals.website_url
    if signals.website_status == "ok":
        if signals.growth:
            add("hiring", pts.hiring, "its website advertises jobs", site)
        else:
            add("not_hiring", pts.not_hiring, "no jobs advertised on its website", site)
    if signals.offices_countries and signals.offices_countries > 1:
        add("offices_abroad", pts.offices_abroad,
            f"offices in {signals.offices_countries} countries", site)
    if signals.website_status == "unreachable":
        add("website_unreachable", pts.website_unreachable, "its website does not answer", site)
    reg = signals.registry_url
    if signals.accounts_overdue is True:
        add("accounts_overdue", pts.accounts_overdue, "its accounts are overdue at the register",
            reg)
    elif signals.accounts_overdue is False:
        add("accounts_on_time", pts.accounts_on_time, "files its accounts on time", reg)
    if signals.distress:  # mentioned, no proceedings stated (those knocked out above)
        add("distress_mention", pts.distress_mention,
            f"its website mentions: {', '.join(signals.distress)}",
            signals.distress_url or site)
    if signals.charges_outstanding:
        add("charges_outstanding", pts.charges_outstanding,
            "has charges outstanding over its assets", reg)
    score = round(1.0 / (1.0 + math.exp(-points)), 3)
    ordered = tuple(sorted(found, key=lambda e: -abs(e.points)))
    if signals.is_public_body:
        return SolvencyEstimate(score, BAND_PUBLIC, ordered, version)
    if observed < model.min_signals:
        return SolvencyEstimate(score, BAND_INSUFFICIENT, ordered, version)
    return SolvencyEstimate(score, _band(score, model), ordered, version)

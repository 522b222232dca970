"""What one source record prints: the lazily derived, per-record variation of a company.

``record_view(world, record)`` is a pure function of the record's seed and its true company,
so a page renders the same bytes every time, and a record never needs storing beyond its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from leadpipe.demo import words as W
from leadpipe.demo.variants import (
    band_label,
    employee_band,
    phone_variant,
    street_variant,
    website_variant,
)
from leadpipe.demo.world import (
    SOURCE_DIRECTORY,
    SOURCE_EXPO,
    SOURCE_TENDERS,
    WORLD_TODAY,
    Contact,
    SourceRecord,
    TrueCompany,
    World,
)

# Probability that a field is *missing* from a record, per source.
_MISSING = {
    SOURCE_TENDERS: {"phone": 0.30, "email": 0.35, "website": 0.80, "address": 0.08,
                     "identifier": 0.40, "contact": 0.45},
    SOURCE_EXPO: {"phone": 0.15, "email": 0.30, "website": 0.07, "address": 0.10,
                  "identifier": 1.0, "contact": 0.35},
    SOURCE_DIRECTORY: {"phone": 0.05, "email": 0.55, "website": 0.25, "address": 0.03,
                       "identifier": 1.0, "contact": 1.0},
}

PRODUCTS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("precision-machined components", "industrial gearboxes",
                      "hydraulic assemblies", "sheet-metal enclosures", "injection-moulded parts",
                      "packaging machinery", "conveyor systems", "CNC-machined parts"),
    "logistics": ("road freight", "contract warehousing", "temperature-controlled distribution",
                  "customs brokerage", "pallet distribution", "last-mile delivery"),
    "energy": ("solar PV installations", "battery storage systems", "wind turbine servicing",
               "grid connections", "EV charging infrastructure", "combined heat and power plants"),
    "construction": ("commercial fit-out", "civil engineering works", "roofing and cladding",
                     "groundworks", "industrial buildings", "social housing"),
    "retail": ("office supplies", "workwear and PPE", "garden products", "consumer electronics",
               "catering supplies"),
    "hospitality": ("hotel rooms and conference suites", "contract catering", "banqueting",
                    "corporate hospitality"),
    "healthcare": ("outpatient clinics", "residential care", "diagnostic services",
                   "physiotherapy", "dental care"),
    "software": ("ERP integration", "cloud hosting", "bespoke software", "cyber security services",
                 "data analytics platforms", "maintenance management software"),
    "finance": ("business banking", "commercial insurance", "wealth management",
                "pension advice", "corporate finance"),
    "public_sector": ("local public services", "highways and transport", "social care",
                      "waste collection", "hospital services"),
}
_B2B = ("the automotive industry", "aerospace manufacturers", "food and drink producers",
        "rail operators", "the energy sector", "medical device makers", "construction firms",
        "retailers", "the public sector", "pharmaceutical companies",
        "marine and offshore operators", "farms and agricultural businesses")
MARKETS: dict[str, tuple[str, ...]] = {
    "manufacturing": _B2B, "logistics": _B2B, "energy": _B2B, "construction": _B2B,
    "software": _B2B, "finance": _B2B,
    "retail": ("trade and retail customers", "businesses and households", "schools and offices"),
    "hospitality": ("business travellers and event organisers", "corporate clients",
                    "weddings, conferences and private guests"),
    "healthcare": ("hospitals, clinics and care homes", "patients and care providers",
                   "the NHS and private healthcare"),
    "public_sector": ("local residents",),
}


@dataclass(slots=True)
class RecordView:
    """The fields one record prints (``None`` = the source leaves it out)."""

    name: str
    company: TrueCompany
    phone: str | None
    website: str | None
    email: str | None
    street: str | None
    postcode: str | None
    city: str | None
    region: str | None
    country: str
    country_name: str
    categories: list[str]
    description: str
    contacts: list[Contact] = field(default_factory=list)
    employees_label: str | None = None
    employees_min: int | None = None
    founded: int | None = None
    accreditations: list[str] = field(default_factory=list)
    identifier: tuple[str, str] | None = None
    paid: bool = False


def record_view(world: World, rec: SourceRecord) -> RecordView:
    """Derive everything a source prints about ``rec`` from its seed."""
    company = world.entity(rec.true_id)
    rng = random.Random(rec.seed)
    missing = _MISSING[rec.source]
    buyer = company.kind == "buyer"

    def shown(key: str) -> bool:
        return buyer or rng.random() >= missing[key]

    phone = phone_variant(company.phone, rng) if shown("phone") else None
    website = website_variant(company.domain, rng) if shown("website") else None
    email = company.email if shown("email") else None
    has_address = shown("address")
    cats = list(W.CATEGORY_LABELS[company.industry])
    categories = [company.category]
    if rng.random() < 0.4:
        extra = cats[int(rng.random() * len(cats))]
        if extra not in categories:
            categories.append(extra)
    contacts: list[Contact] = []
    if shown("contact") and company.contacts:
        contacts = company.contacts[: 1 + int(rng.random() * len(company.contacts))]
    view = RecordView(
        name=rec.name,
        company=company,
        phone=phone,
        website=website,
        email=email,
        street=street_variant(company.street_address, rng) if has_address else None,
        postcode=company.postcode if has_address else None,
        city=company.city if has_address or rng.random() < 0.7 else None,
        region=company.region if has_address and rng.random() < 0.4 else None,
        country=company.country,
        country_name=company.country_name,
        categories=categories,
        description=describe(company, rng),
        contacts=contacts,
        paid=rec.paid,
    )
    if rng.random() < (0.6 if rec.source == SOURCE_DIRECTORY else 0.5):
        view.employees_label = band_label(company.employees)
        view.employees_min = employee_band(company.employees)[0]
    if rng.random() < 0.4:
        view.founded = company.founded
    if company.accreditations and rng.random() < 0.7:
        view.accreditations = list(company.accreditations)
    if shown("identifier"):
        view.identifier = (company.registry_scheme, company.registry_id)
    # A second stream, so these later additions leave the fields above as they were.
    more = random.Random(rec.seed ^ 0x5A5A)
    if view.postcode and " " in view.postcode and more.random() < 0.08:
        view.postcode = view.postcode.replace(" ", "")  # "LS115QP", "1011AB"
        if company.country == "GB" and more.random() < 0.4:
            view.postcode = view.postcode.lower()
    if rec.source == SOURCE_EXPO and contacts and view.phone and more.random() < 0.15:
        view.phone = phone_variant(contacts[0].phone, more)  # the stand contact's direct line
    return view


def size_phrase(company: TrueCompany, rng: random.Random) -> str:
    """How a company talks about its size ("a team of 140", "over 500 people")."""
    n = company.employees
    if n < 10:
        return rng.choice((f"a small team of {n} people", f"a close-knit team of {n} staff"))
    rounded = n if n < 60 else (round(n, -1) if n < 1000 else round(n, -2))
    style = rng.random()
    if style < 0.4:
        return f"a team of {rounded:,} people"
    if style < 0.7:
        return f"around {rounded:,} employees"
    magnitude = 10 ** (len(str(n)) - 1)
    return f"over {n // magnitude * magnitude:,} people"  # 124 -> over 100, 45 -> over 40


def describe(company: TrueCompany, rng: random.Random) -> str:
    """A short marketing description with industry words and size/age phrases."""
    products = PRODUCTS[company.industry]
    a = products[int(rng.random() * len(products))]
    b = products[int(rng.random() * len(products))]
    what = a if a == b else f"{a} and {b}"
    markets = MARKETS[company.industry]
    market = markets[int(rng.random() * len(markets))]
    name = company.base_name
    if company.kind == "buyer":
        return (f"{name} is a public body responsible for {what} in {company.city} and the "
                f"surrounding area.")
    verbs = {"manufacturing": "designs and manufactures", "logistics": "provides",
             "energy": "delivers", "construction": "specialises in", "retail": "supplies",
             "hospitality": "offers", "healthcare": "provides", "software": "builds",
             "finance": "provides"}
    parts = [f"{name} {verbs[company.industry]} {what} for {market}."]
    age = WORLD_TODAY.year - company.founded
    if age >= 5:
        parts.append(f"Founded in {company.founded}, we now have "
                     f"{size_phrase(company, rng)} in {company.city}.")
    else:
        parts.append(f"We are {size_phrase(company, rng)} based in {company.city}.")
    if company.offices_countries > 1:
        parts.append(f"With offices in {company.offices_countries} countries we serve clients "
                     f"worldwide.")
    return " ".join(parts)


"""The demo world's company registry: Companies House-shaped JSON, derived from each company.

What a registry would know follows the company's latent health: every firm the world made
insolvent (``TrueCompany.solvent`` false) has a status that says so (liquidation,
administration, voluntary arrangement, or an active company with a proposal to strike off),
``has_insolvency_history`` and one insolvency case; its accounts are mostly overdue and it
more often has charges outstanding. Solvent firms are active, with accounts due in the future
(a few late). Everything is derived from the company's own seed, so every answer is the same
on every request and no page is pre-rendered.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from leadpipe.demo import words as W
from leadpipe.demo.world import WORLD_TODAY, TrueCompany, World

PAGE_SIZE = 100

# UK SIC 2007 codes (= NACE Rev. 2 to four digits) per demo category, each under the category's
# NACE code in ``words.CATEGORY_NACE``: what a firm registers follows what it really does.
SIC_CODES: dict[str, tuple[str, ...]] = {
    "Industrial Machinery": ("28290", "28990", "28410"),
    "Precision Engineering": ("25620",),
    "Metal Fabrication": ("25110", "25990", "25620"),
    "Plastics & Composites": ("22290", "22210"),
    "Automation & Robotics": ("28990", "28290"),
    "Food Processing Equipment": ("28930",),
    "Freight & Haulage": ("49410",),
    "Warehousing & Storage": ("52103",),
    "Courier & Express": ("53202", "53201"),
    "Freight Forwarding": ("52290",),
    "Cold Chain Logistics": ("52103",),
    "Renewable Energy": ("35110",),
    "Power Generation": ("35110",),
    "Gas Supply": ("35220", "35230"),
    "Energy Storage": ("35110", "35140"),
    "Electricity Supply": ("35140", "35130"),
    "Building Contractors": ("41201", "41202"),
    "Civil Engineering": ("42990", "42110"),
    "Roofing & Cladding": ("43910",),
    "Scaffolding": ("43991", "43999"),
    "Demolition": ("43110",),
    "Retail": ("47190", "47910"),
    "Wholesale Distribution": ("46900", "46690"),
    "Office Supplies": ("47620",),
    "Garden Centres": ("47760",),
    "Hotels": ("55100",),
    "Catering Services": ("56210",),
    "Restaurants": ("56101", "56102"),
    "Guest Houses": ("55100",),
    "Medical Practices": ("86210", "86220"),
    "Care Homes": ("87100", "87300"),
    "Clinics": ("86900",),
    "Dental Practices": ("86230",),
    "Software Development": ("62012", "62011"),
    "IT Services": ("62020", "62090"),
    "Cloud Hosting": ("63110",),
    "Cyber Security": ("62090", "62020"),
    "Banking": ("64191",),
    "Insurance Brokers": ("66220",),
    "Financial Advisers": ("66190",),
    "Wealth Management": ("66300",),
    "Local Government": ("84110",),
    "Public Agency": ("84110", "84130"),
    "NHS & Hospitals": ("86101",),
    "Public Schools": ("85310", "85200"),
    "Public Transport": ("49311",),
    "Public Utility": ("35130", "35220"),
    "Public Water Supply": ("36000",),
}
# Insolvent firms: (share, company_status, status detail, insolvency case type, date type).
_DISTRESS = (
    (0.35, "liquidation", None, "creditors-voluntary-liquidation", "wound-up-on"),
    (0.15, "liquidation", None, "compulsory-liquidation", "wound-up-on"),
    (0.25, "administration", None, "in-administration", "administration-started-on"),
    (0.15, "voluntary-arrangement", None, "corporate-voluntary-arrangement",
     "voluntary-arrangement-started-on"),
    (0.10, "active", "active-proposal-to-strike-off", "compulsory-liquidation", "petitioned-on"),
)


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=int(rng.random() * 365))


def _distress(company: TrueCompany, rng: random.Random) -> tuple[Any, ...] | None:
    if company.solvent:
        return None
    if company.website_state == "administration":
        return _DISTRESS[2]
    r, acc = rng.random(), 0.0
    for entry in _DISTRESS:
        acc += entry[0]
        if r < acc:
            return entry
    return _DISTRESS[-1]


def _facts(company: TrueCompany) -> dict[str, Any]:
    """The registry's facts about one company, from its seed (the same on every call)."""
    rng = random.Random(company.seed ^ 0x5EC0DE)
    distress = _distress(company, rng)
    created = _day(rng, company.founded)
    overdue = rng.random() < (0.7 if distress else 0.03)
    next_due = WORLD_TODAY + timedelta(days=(-int(rng.random() * 300) - 1) if overdue
                                       else int(rng.random() * 270) + 1)
    if company.employees < 10:
        category = "micro-entity"
    elif company.employees < 50:
        category = "small" if rng.random() < 0.6 else "total-exemption-full"
    elif company.employees < 250:
        category = "medium"
    else:
        category = "group" if company.offices_countries > 1 else "full"
    charges = 0
    if rng.random() < (0.75 if distress else 0.3):
        charges = 1 + int(rng.random() * 4)
    satisfied = int(rng.random() * (charges + 1)) if not distress else 0
    started = WORLD_TODAY - timedelta(days=30 + int(rng.random() * 500))
    codes = SIC_CODES.get(company.category, ("82990",))
    return {
        "distress": distress, "created": created, "overdue": overdue, "next_due": next_due,
        "category": category, "charges": charges, "satisfied": satisfied, "started": started,
        "sic": [codes[int(rng.random() * len(codes))]],
    }


def _index(world: World) -> dict[str, TrueCompany]:
    key = "registry_index"
    if key not in world.render_cache:
        world.render_cache[key] = {c.registry_id: c for c in world.companies}
    return world.render_cache[key]  # type: ignore[return-value]


def company(world: World, number: str) -> TrueCompany | None:
    return _index(world).get(number)


def profile(world: World, number: str) -> dict[str, Any] | None:
    """``/company/{number}``: the company profile (None when the register has no such one)."""
    c = company(world, number)
    if c is None:
        return None
    f = _facts(c)
    status, detail = ("active", None) if f["distress"] is None else f["distress"][1:3]
    next_due = f["next_due"].isoformat()
    made_up = (f["next_due"] - timedelta(days=270)).replace(day=1) - timedelta(days=1)
    doc: dict[str, Any] = {
        "company_number": c.registry_id,
        "registry_scheme": c.registry_scheme,
        "company_name": c.name,
        "company_status": status,
        "date_of_creation": f["created"].isoformat(),
        "type": "ltd",
        "jurisdiction": W.COUNTRIES[c.country]["name"].lower(),
        "sic_codes": f["sic"],
        "has_insolvency_history": f["distress"] is not None,
        "has_charges": f["charges"] > 0,
        "accounts": {
            "next_due": next_due,
            "overdue": f["overdue"],
            "next_accounts": {"due_on": next_due, "overdue": f["overdue"]},
            "last_accounts": {"made_up_to": made_up.isoformat(), "type": f["category"]},
        },
        "registered_office_address": {
            "address_line_1": c.street_address,
            "locality": c.city,
            "region": c.region,
            "postal_code": c.postcode,
            "country": c.country_name,
        },
        "links": {"self": f"/company/{c.registry_id}"},
    }
    if detail:
        doc["company_status_detail"] = detail
    return doc


def insolvency(world: World, number: str) -> dict[str, Any] | None:
    """``/company/{number}/insolvency``: the case of an insolvent firm (None: 404, none)."""
    c = company(world, number)
    if c is None:
        return None
    f = _facts(c)
    if f["distress"] is None:
        return None
    case_type, date_type = f["distress"][3:5]
    return {"cases": [{"type": case_type, "number": "1",
                       "dates": [{"type": date_type, "date": f["started"].isoformat()}],
                       "practitioners": []}],
            "status": ["live"]}


def charges(world: World, number: str) -> dict[str, Any] | None:
    """``/company/{number}/charges``: the company's registered charges."""
    c = company(world, number)
    if c is None:
        return None
    f = _facts(c)
    items = [{"charge_number": i + 1,
              "status": "fully-satisfied" if i < f["satisfied"] else "outstanding",
              "classification": {"type": "charge-description",
                                 "description": "A registered charge"},
              "created_on": (f["created"] + timedelta(days=200 * (i + 1))).isoformat()}
             for i in range(f["charges"])]
    return {"items": items, "total_count": len(items), "satisfied_count": f["satisfied"],
            "part_satisfied_count": 0, "unfiltered_count": len(items)}


def listing(world: World, start: int, size: int = PAGE_SIZE) -> dict[str, Any]:
    """``/advanced-search/companies?start_index=N&size=M``: the register, page by page."""
    size = max(1, min(size, 5000))
    page = world.companies[start:start + size]
    return {
        "kind": "search#advanced-search",
        "hits": len(world.companies),
        "total_results": len(world.companies),
        "start_index": start,
        "items_per_page": size,
        "items": [{"company_number": c.registry_id, "company_name": c.name,
                   "links": {"self": f"/company/{c.registry_id}"}} for c in page],
    }

"""The tender platform: OCDS 1.1 release packages built on request from the world."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from leadpipe.demo.hosts import TENDERS_HOST
from leadpipe.demo.views import record_view
from leadpipe.demo.world import WORLD_TODAY, SourceRecord, Tender, World, iso

PAGE_SIZE = 50
PUBLISHER = {"name": "Demo Public Procurement Portal", "uri": f"http://{TENDERS_HOST}/"}


class BadRequest(ValueError):
    """A query parameter the API cannot use; the message says which."""


def parse_date(value: str, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time as naive UTC (a bare date at 00:00:00, or 23:59:59)."""
    text = value.strip().replace(" ", "+")  # an unencoded "+02:00" arrives as " 02:00"
    try:
        if len(text) == 10:
            moment = datetime.fromisoformat(text)
            if end_of_day:
                moment = moment.replace(hour=23, minute=59, second=59)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
    except ValueError as exc:
        raise BadRequest(f"not an ISO 8601 date: {value!r}") from exc
    return moment


_PARTY_CACHE_LIMIT = 50_000


def _party(world: World, rec: SourceRecord, role: str) -> dict[str, Any]:
    """The party object of a registration (memoised: suppliers and buyers recur often)."""
    key = ("ocds-party", rec.native_id)
    cached = world.render_cache.get(key)
    if cached is None:
        if len(world.render_cache) > _PARTY_CACHE_LIMIT:
            world.render_cache.clear()
        cached = world.render_cache[key] = _build_party(world, rec, role)
    return cached  # type: ignore[return-value]


def _build_party(world: World, rec: SourceRecord, role: str) -> dict[str, Any]:
    view = record_view(world, rec)
    company = view.company
    party: dict[str, Any] = {"id": rec.native_id, "name": view.name}
    if view.identifier:
        party["identifier"] = {"scheme": view.identifier[0], "id": view.identifier[1],
                               "legalName": company.name}
    address = {k: v for k, v in (("streetAddress", view.street), ("locality", view.city),
                                  ("region", view.region), ("postalCode", view.postcode),
                                  ("countryName", view.country_name)) if v}
    party["address"] = address
    contact: dict[str, Any] = {}
    if view.contacts:
        contact["name"] = view.contacts[0].name
    if view.email:
        contact["email"] = view.email
    if view.phone:
        contact["telephone"] = view.phone
    if view.website:
        contact["url"] = view.website
    if contact:
        party["contactPoint"] = contact
    party["roles"] = [role]
    if role == "supplier":
        party["details"] = {"scale": "large" if company.employees >= 250 else "sme"}
    return party


def release(world: World, tender: Tender) -> dict[str, Any]:
    """One OCDS release: tender stage for open tenders, award stage (with tender) otherwise."""
    buyer = world.entity(tender.buyer.true_id)
    tag = "award" if tender.awards else "tender"
    parties = [_party(world, tender.buyer, "buyer")]
    seen = {tender.buyer.native_id}
    for award in tender.awards:
        for rec in award.suppliers:
            if rec.native_id not in seen:
                seen.add(rec.native_id)
                parties.append(_party(world, rec, "supplier"))
    body: dict[str, Any] = {
        "ocid": tender.ocid,
        "id": f"{tender.ocid}-{tag}-1",
        "date": tender.release_date_iso,
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": {"id": tender.buyer.native_id, "name": parties[0]["name"]},
        "tender": {
            "id": tender.tender_id,
            "title": tender.title,
            "description": (f"{buyer.name} invites tenders for: {tender.title}. "
                            f"CPV {tender.cpv} ({tender.cpv_description})."),
            "status": tender.status,
            "value": {"amount": tender.amount, "currency": tender.currency},
            "procurementMethod": "open",
            "mainProcurementCategory": tender.category,
            "datePublished": iso(tender.published),
            "tenderPeriod": {"startDate": iso(tender.published),
                             "endDate": iso(tender.deadline)},
            "items": [{
                "id": "1",
                "description": tender.cpv_description,
                "classification": {"scheme": "CPV", "id": tender.cpv,
                                   "description": tender.cpv_description},
            }],
        },
    }
    if tender.awards:
        body["awards"] = [{
            "id": award.award_id,
            "title": tender.title,
            "status": "active",
            "date": iso(award.date),
            "value": {"amount": award.amount, "currency": tender.currency},
            "suppliers": [{"id": r.native_id, "name": r.name} for r in award.suppliers],
        } for award in tender.awards]
    return body


def release_package(
    world: World, page: int = 1, since: str | None = None, until: str | None = None
) -> dict[str, Any] | None:
    """Page ``page`` of the releases dated within [since, until]; ``None`` past the last page."""
    if page < 1:
        raise BadRequest("page must be 1 or more")
    since_n = parse_date(since) if since else None
    until_n = parse_date(until, end_of_day=True) if until else None
    selected = world.releases_between(since_n, until_n)
    pages = max(1, -(-len(selected) // PAGE_SIZE))
    if page > pages:
        return None
    params = {k: v for k, v in (("since", since), ("until", until)) if v}

    def url(n: int) -> str:
        return f"http://{TENDERS_HOST}/api/releases?" + urlencode({"page": n, **params})

    links = {}
    if page < pages:
        links["next"] = url(page + 1)
    if page > 1:
        links["prev"] = url(page - 1)
    chunk = selected[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    package: dict[str, Any] = {
        "uri": url(page),
        "publishedDate": f"{WORLD_TODAY.isoformat()}T00:00:00Z",
        "publisher": PUBLISHER,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": f"http://{TENDERS_HOST}/publication-policy",
        "version": "1.1",
        "releases": [release(world, t) for t in chunk],
    }
    if links:
        package["links"] = links
    return package

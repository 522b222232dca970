"""Base spiders for company registry APIs, one per API pattern (kingfisher-collect style).

A source module subclasses one and sets ``name`` and ``base_url``. Every spider takes
``ids`` (registry ids, comma-separated: the full record of each) and ``names`` (names,
separated by ``|``: what the registry's search answers, each hit landed); ``base_url``
overrides the API root (tests replay saved responses on 127.0.0.1). The parsing is done by
the pure parsers in ``spiders/registries/``; spiders only fetch, and never open the warehouse.

- ``CompaniesHouseSpider``: ``/company/{number}``, then ``/insolvency`` when the profile has
  insolvency history and ``/charges`` when it has charges; ``/search/companies?q=``; without
  ids or names, the whole register through ``/advanced-search/companies`` (``start_index``).
- ``BrregSpider``: ``/enheter/{orgnr}``; ``/enheter?navn=`` followed through ``_links.next``.
- ``GleifSpider``: ``/lei-records/{lei}``; ``/lei-records?filter[entity.legalName]=``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from spiders.bases.tenders import failure_status, failure_text
from spiders.registries import RegistryParseError, brreg, companies_house, gleif

POLITE_SETTINGS: dict[str, Any] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": 0.5}


class RegistrySpider(scrapy.Spider):
    """Common ground: the ``ids``/``names``/``base_url`` arguments, JSON, plain-word errors."""

    base_url: str = ""
    custom_settings: dict[str, Any] = dict(POLITE_SETTINGS)

    def __init__(self, ids: str | None = None, names: str | None = None,
                 base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ids = [i.strip() for i in (ids or "").split(",") if i.strip()]
        self.names = [n.strip() for n in (names or "").split("|") if n.strip()]
        if base_url:
            self.base_url = base_url
        self.base_url = self.base_url.rstrip("/")
        self.leadpipe_errors: list[str] = []

    def record_error(self, message: str) -> None:
        self.logger.error(message)
        self.leadpipe_errors.append(message)  # the landing pipeline reports them

    def json_body(self, response: Response) -> Any | None:
        try:
            return json.loads(response.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.record_error(f"{response.url}: not valid JSON ({exc})")
            return None

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def rebase(self, url: str) -> str:
        """A link the API printed with its public root, onto the root this crawl uses."""
        public = type(self).base_url.rstrip("/")
        if public and self.base_url != public and url.startswith(public):
            return self.base_url + url[len(public):]
        return url

    def get(self, url: str, callback: Any, **meta: Any) -> Request:
        return Request(url, callback=callback, errback=self.failed, headers=self.headers(),
                       meta=meta)

    def failed(self, failure: Failure) -> None:
        status = failure_status(failure)
        if status == 404 and failure.request.meta.get("optional"):
            return  # an endpoint a company may lack (no charges registered)
        what = "not found in the register" if status == 404 else f"failed {failure_text(failure)}"
        self.record_error(f"{failure.request.url}: {what}")

    def parsed(self, response: Response, parse: Any, *args: Any) -> Any:
        """``parse(doc, *args)`` on the response, a bad document recorded (not fatal)."""
        doc = self.json_body(response)
        if doc is None:
            return None
        try:
            return parse(doc, *args)
        except RegistryParseError as exc:
            self.record_error(f"{response.url}: {exc}")
            return None


class CompaniesHouseSpider(RegistrySpider):
    """The Companies House Public Data API (and any server answering in its shape).

    ``api_key`` (spider argument) is sent as HTTP basic user name, as the API asks."""

    page_size: int = 100
    scheme_key: str | None = None  # a profile key naming the register (the demo world's)

    def __init__(self, *args: Any, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_key = api_key

    def headers(self) -> dict[str, str]:
        headers = super().headers()
        if self.api_key:
            token = base64.b64encode(f"{self.api_key}:".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        return headers

    async def start(self) -> AsyncIterator[Request]:
        for number in self.ids:
            yield self.profile_request(companies_house.company_number(number))
        for name in self.names:
            yield self.get(f"{self.base_url}/search/companies?{urlencode({'q': name})}",
                           self.parse_search)
        if not self.ids and not self.names:
            yield self.listing_request(0)

    def profile_request(self, number: str) -> Request:
        return self.get(f"{self.base_url}/company/{quote(number)}", self.parse_profile)

    def listing_request(self, start: int) -> Request:
        query = urlencode({"start_index": start, "size": self.page_size})
        return self.get(f"{self.base_url}/advanced-search/companies?{query}", self.parse_listing)

    def parse_search(self, response: Response) -> Iterator[Any]:
        yield from self.parsed(response, companies_house.search_items, response.url) or ()

    def parse_listing(self, response: Response) -> Iterator[Request]:
        doc = self.json_body(response)
        if not isinstance(doc, dict):
            return
        for hit in doc.get("items") or []:
            if isinstance(hit, dict) and hit.get("company_number"):
                yield self.profile_request(str(hit["company_number"]))
        nxt = companies_house.search_next_start(doc)
        if nxt is not None:
            yield self.listing_request(nxt)

    def parse_profile(self, response: Response) -> Iterator[Any]:
        profile = self.json_body(response)
        if not isinstance(profile, dict):
            return
        wanted = []
        if profile.get("has_insolvency_history"):
            wanted.append("insolvency")
        if profile.get("has_charges"):
            wanted.append("charges")
        yield from self.next_part(response.url, profile, wanted, {})

    def next_part(self, url: str, profile: dict[str, Any], wanted: list[str],
                  got: dict[str, Any]) -> Iterator[Any]:
        if wanted:
            part, rest = wanted[0], wanted[1:]
            yield Request(f"{url}/{part}", callback=self.parse_part, headers=self.headers(),
                          errback=self.part_failed,
                          meta={"url": url, "profile": profile, "part": part, "rest": rest,
                                "got": got})
            return
        try:
            item = companies_house.profile_item(profile, url, **got)
        except RegistryParseError as exc:
            self.record_error(f"{url}: {exc}")
            return
        if self.scheme_key and profile.get(self.scheme_key):
            for ident in item["fields"]["identifiers"]:
                ident["scheme"] = profile[self.scheme_key]
        yield item

    def parse_part(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        doc = self.json_body(response)
        got = dict(meta["got"])
        if doc is not None:
            got[meta["part"]] = doc
        yield from self.next_part(meta["url"], meta["profile"], meta["rest"], got)

    def part_failed(self, failure: Failure) -> Iterator[Any]:
        meta = failure.request.meta
        self.record_error(f"{failure.request.url}: failed {failure_text(failure)}; the company "
                          "is landed without it")
        yield from self.next_part(meta["url"], meta["profile"], meta["rest"], meta["got"])


class BrregSpider(RegistrySpider):
    """Brønnøysund Enhetsregisteret's open API (no key)."""

    async def start(self) -> AsyncIterator[Request]:
        for number in self.ids:
            yield self.get(f"{self.base_url}/enheter/{quote(number.replace(' ', ''))}",
                           self.parse_entity)
        for name in self.names:
            yield self.get(f"{self.base_url}/enheter?{urlencode({'navn': name})}",
                           self.parse_search)

    def parse_entity(self, response: Response) -> Iterator[Any]:
        item = self.parsed(response, brreg.entity_item, response.url)
        if item:
            yield item

    def parse_search(self, response: Response) -> Iterator[Any]:
        yield from self.parsed(response, brreg.search_items, response.url) or ()
        doc = json.loads(response.body) if response.body else {}
        nxt = brreg.next_page(doc) if isinstance(doc, dict) else None
        if nxt:
            nxt = self.rebase(response.urljoin(nxt))
        if nxt and nxt != response.url:
            yield self.get(nxt, self.parse_search)


class GleifSpider(RegistrySpider):
    """GLEIF's LEI API (no key)."""

    async def start(self) -> AsyncIterator[Request]:
        for lei in self.ids:
            yield self.get(f"{self.base_url}/lei-records/{quote(lei.upper())}", self.parse_record)
        for name in self.names:
            query = urlencode({"filter[entity.legalName]": name, "page[size]": 50})
            yield self.get(f"{self.base_url}/lei-records?{query}", self.parse_page)

    def parse_record(self, response: Response) -> Iterator[Any]:
        item = self.parsed(response, gleif.record_item, response.url)
        if item:
            yield item

    def parse_page(self, response: Response) -> Iterator[Any]:
        yield from self.parsed(response, gleif.page_items, response.url) or ()

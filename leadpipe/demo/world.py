"""The demo world: invented companies, public buyers, and where each one shows up.

``generate_world(companies, seed)`` builds, deterministically from ``random.Random(seed)``:

- ``world.companies``: ``TrueCompany`` rows (the ground truth), with a latent financial
  ``health`` and the boolean ``solvent`` it implies;
- ``world.buyers``: public bodies (industry ``public_sector``) that publish tenders;
- ``world.records[source]``: every record a source serves (``SourceRecord``), each pointing back
  at its true company, with the name as that source prints it (variants, typos, abbreviations);
- ``world.tenders``: tenders (open and awarded), sorted by release date;
- ``world.lookalikes``: pairs of *distinct* companies that look alike (same or near-same name
  elsewhere; same building, sometimes one switchboard phone) -- they must not be merged.

Only names and ids are computed up front; everything else a page shows (phone format, website
form, missing fields, descriptions) is derived lazily and deterministically from the record's
own seed by the renderers, so 100,000 companies build in seconds and no page is pre-rendered.

Solvency is latent: ``solvent = health > -0.75`` (about 77% of companies). What the sources
show is driven by ``health`` with noise, so no single field gives it away but together they do
(a naive z-score sum recovers it for ~90%; the best single field ~82%):
headcount (website phrase, directory/expo size band, OCDS ``details.scale``), company age
(founding year), tender awards (healthier firms win more, insolvent ones' wins are older),
paid listings (directory premium, expo featured), accreditations, a careers page, "offices in N
countries", the website footer's copyright year (stale sites), and for some insolvent firms an
administration/insolvency notice or a website answering 503.

Ground truth for the end-to-end test: ``truth_for_record(source, native_id)`` and
``is_prospect(true_id, industries, employees_min, employees_max)``.
"""

from __future__ import annotations

import gc
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from urllib.parse import urlsplit

from leadpipe.demo import words as W
from leadpipe.demo.text import ascii_fold, slugify
from leadpipe.demo.variants import name_variant
from spiders.landing_fields import identifier_text

WORLD_TODAY = date(2026, 6, 30)
"""The fixed "today" of the demo world: open tenders have deadlines after it."""

SOURCE_TENDERS = "demo_tenders"
SOURCE_EXPO = "demo_expo"
SOURCE_DIRECTORY = "demo_directory"
SOURCE_WEBSITE = "website"
SOURCE_REGISTRY = "demo_registry"
SOURCES = (SOURCE_TENDERS, SOURCE_EXPO, SOURCE_DIRECTORY)

INDUSTRIES = W.INDUSTRIES
CATEGORY_LABELS = W.CATEGORY_LABELS

# How often each (non-public) industry occurs.
_INDUSTRY_WEIGHTS = {
    "manufacturing": 0.22, "logistics": 0.14, "energy": 0.08, "construction": 0.14,
    "retail": 0.10, "hospitality": 0.07, "healthcare": 0.07, "software": 0.10, "finance": 0.08,
}
# Propensity of each industry to show up in (tenders, expo, directory).
_SOURCE_AFFINITY = {
    "manufacturing": (0.8, 1.2, 1.0), "logistics": (0.7, 1.0, 1.0), "energy": (1.0, 1.0, 0.8),
    "construction": (1.2, 0.5, 1.0), "retail": (0.5, 0.4, 1.4), "hospitality": (0.4, 0.3, 1.5),
    "healthcare": (1.0, 0.6, 1.0), "software": (1.0, 1.0, 0.8), "finance": (0.6, 0.4, 1.3),
}
EVENT = {
    "name": "Industrial Futures Expo 2026",
    "start": date(2026, 9, 15),
    "end": date(2026, 9, 17),
    "venue": "Northgate Exhibition Centre, Birmingham",
}


@dataclass(slots=True)
class Contact:
    name: str
    role: str
    email: str
    phone: str


@dataclass(slots=True)
class TrueCompany:
    """One real (invented) organisation: what the pipeline should converge to."""

    true_id: str
    name: str  # canonical name including the legal form
    base_name: str  # without the legal form
    legal_form: str
    country: str  # ISO 3166-1 alpha-2
    city: str
    region: str
    postcode: str
    street: str
    house_number: str
    phone: str  # E.164
    domain: str  # registrable domain, no www
    email: str
    industry: str
    category: str  # primary category label
    employees: int
    founded: int
    registry_scheme: str
    registry_id: str
    health: float
    solvent: bool
    kind: str = "company"  # company | buyer
    accreditations: tuple[str, ...] = ()
    offices_countries: int = 1
    has_careers: bool = False
    open_positions: int = 0
    website_state: str = "ok"  # ok | administration | unreachable
    site_updated: int = WORLD_TODAY.year  # the copyright year in the site footer
    seed: int = 0  # per-company seed for lazily derived text
    _contacts: list[Contact] | None = field(default=None, repr=False, compare=False)

    @property
    def contacts(self) -> list[Contact]:
        """1-2 public business contacts, derived from the seed on first use."""
        if self._contacts is None:
            rng = random.Random(self.seed ^ 0xC0FFEE)
            roles = _BUYER_ROLES if self.kind == "buyer" else None
            count = 1 if self.kind == "buyer" or rng.random() < 0.55 else 2
            self._contacts = [_person(rng, self.country, self.domain, self.phone, roles)
                              for _ in range(count)]
        return self._contacts

    @property
    def street_address(self) -> str:
        """Street and number in the country's usual order."""
        if self.country in ("DE", "NL"):
            return f"{self.street} {self.house_number}"
        if self.country == "MY":
            return f"{self.house_number}, {self.street}"
        return f"{self.house_number} {self.street}"

    @property
    def country_name(self) -> str:
        return W.COUNTRIES[self.country]["name"]

    @property
    def currency(self) -> str:
        return W.COUNTRIES[self.country]["currency"]


@dataclass(slots=True)
class SourceRecord:
    """One record as one source serves it; ``native_id`` is the key a spider should use."""

    source: str
    native_id: str
    true_id: str
    role: str  # buyer | supplier | exhibitor | listing
    name: str  # the name as this source prints it
    seed: int  # drives every other variation of this record
    paid: bool = False  # directory premium listing / expo premium exhibitor
    index: int = 0  # position in the source's serving order


_EPOCH = datetime(2000, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()


def minute_of(day: date, hour: int = 0, minute: int = 0) -> int:
    """Minutes since 2000-01-01: the compact timestamp tenders are stored and sorted by."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 1440 + hour * 60 + minute


def at(minutes: int) -> datetime:
    return _EPOCH + timedelta(minutes=minutes)


def stamp(minutes: int) -> str:
    """ISO 8601 UTC text of a compact timestamp."""
    return at(minutes).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Award:
    award_id: str
    suppliers: list[SourceRecord]
    amount: float
    minute: int

    @property
    def date(self) -> datetime:
        return at(self.minute)


@dataclass(slots=True)
class Tender:
    """A tender; stored compactly (ints and indexes), its texts derived from ``seed``."""

    number: int
    buyer: SourceRecord
    place: str  # the buyer's city, used in some titles
    cpv_index: int
    amount: float
    currency: str
    published_min: int
    deadline_min: int
    status: str  # active | complete
    awards: list[Award]
    seed: int

    @property
    def ocid(self) -> str:
        return f"{OCID_PREFIX}-{self.number:06d}"

    @property
    def tender_id(self) -> str:
        return f"DMO-{self.number:06d}"

    @property
    def cpv(self) -> str:
        return W.CPV[self.cpv_index][0]

    @property
    def cpv_description(self) -> str:
        return W.CPV[self.cpv_index][1]

    @property
    def category(self) -> str:
        """goods | works | services, from the CPV division."""
        division = int(self.cpv[:2])
        if division == 45:
            return "works"
        return "goods" if division < 45 else "services"

    @property
    def title(self) -> str:
        rng = random.Random(self.seed)
        title = _choice(rng, W.TENDER_TITLES[self.cpv[:2]])
        if rng.random() < 0.4:
            title = f"{title} - {self.place}"
        if rng.random() < 0.2:
            title = f"{title} ({_choice(rng, ('Framework', 'Lot 1', 'Lot 2', 'Call-off', 'DPS'))})"
        return title

    @property
    def published(self) -> datetime:
        return at(self.published_min)

    @property
    def deadline(self) -> datetime:
        return at(self.deadline_min)

    @property
    def release_min(self) -> int:
        return self.awards[0].minute if self.awards else self.published_min

    @property
    def release_date(self) -> datetime:
        return at(self.release_min)

    @property
    def release_date_iso(self) -> str:
        return stamp(self.release_min)


@dataclass(slots=True, frozen=True)
class LookalikePair:
    a: str
    b: str
    kind: str  # same_name | near_name | same_building | same_building_phone


OCID_PREFIX = "ocds-dmo7ld"


def _registry_key(number: str) -> str:
    """A registry id as a spider may print it ('HRB 1234' / 'HRB1234', '123456' / '00123456')."""
    text = "".join(str(number).split()).replace(".", "").upper()
    return text.zfill(8) if text.isdigit() else text


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class World:
    """The generated world plus the ground-truth queries the end-to-end test needs."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.today = WORLD_TODAY
        self.event = EVENT
        self.companies: list[TrueCompany] = []
        self.buyers: list[TrueCompany] = []
        self.records: dict[str, list[SourceRecord]] = {s: [] for s in SOURCES}
        self.tenders: list[Tender] = []
        self.lookalikes: list[LookalikePair] = []
        self._by_id: dict[str, TrueCompany] = {}
        self._by_domain: dict[str, TrueCompany] = {}
        self._record_index: dict[tuple[str, str], SourceRecord] = {}
        self._tender_index: dict[str, Tender] = {}
        self._records_of: dict[str, list[SourceRecord]] = {}
        self._release_keys: list[int] = []
        # Renderers may memoise derived, immutable values here (e.g. OCDS party objects that
        # recur in many releases); dropping it changes nothing but speed.
        self.render_cache: dict[object, object] = {}

    # -- lookups -------------------------------------------------------------------------
    def entity(self, true_id: str) -> TrueCompany:
        """A company or buyer by its true id."""
        return self._by_id[true_id]

    def company_for_host(self, host: str) -> TrueCompany | None:
        """The organisation whose website answers on ``host`` (``www.<domain>`` or ``<domain>``)."""
        host = host.lower().rstrip(".")
        return self._by_domain.get(host[4:] if host.startswith("www.") else host)

    def record(self, source: str, native_id: str) -> SourceRecord | None:
        return self._record_index.get((source, native_id))

    def records_of(self, true_id: str) -> list[SourceRecord]:
        """Every source record of one organisation (across all sources)."""
        return self._records_of.get(true_id, [])

    def tender(self, ocid: str) -> Tender | None:
        return self._tender_index.get(ocid)

    def releases_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Tender]:
        """Tenders whose release date is within [since, until] (naive UTC), in date order."""
        def key(moment: datetime) -> float:
            return (moment - _EPOCH).total_seconds() / 60

        lo = 0 if since is None else bisect_left(self._release_keys, key(since))
        hi = len(self.tenders) if until is None else bisect_right(self._release_keys, key(until))
        return self.tenders[lo:hi]

    # -- ground truth --------------------------------------------------------------------
    def truth_for_record(self, source: str, native_id: str) -> str:
        """The true id behind a record a source serves.

        Accepts the native ids documented in ``leadpipe.demo.server``: tender party ids
        (``ORG-000123``), ocids (→ the buyer), award items (``<award id>/<party id>`` → the
        supplier), expo slugs or detail URLs, directory listing ids, registry company numbers
        (with or without spaces), and for ``website`` a domain or any URL on it. Raises
        ``KeyError`` for anything the world never served.
        """
        native_id = str(native_id)
        rec = self._record_index.get((source, native_id))
        if rec is not None:
            return rec.true_id
        if source == SOURCE_TENDERS:
            if "/" in native_id:
                return self.truth_for_record(source, native_id.rsplit("/", 1)[1])
            tender = self._tender_index.get(native_id)
            if tender is not None:
                return tender.buyer.true_id
        if source == SOURCE_EXPO and "/" in native_id:
            return self.truth_for_record(source, native_id.rstrip("/").rsplit("/", 1)[1])
        if source == SOURCE_REGISTRY:
            company = self._registry_keys().get(_registry_key(native_id))
            if company is not None:
                return company.true_id
        if source == SOURCE_WEBSITE:
            host = urlsplit(native_id if "//" in native_id else "//" + native_id).hostname or ""
            company = self.company_for_host(host)
            if company is not None:
                return company.true_id
        raise KeyError(f"{source}: no record {native_id!r} in this world")

    def _registry_keys(self) -> dict[str, TrueCompany]:
        key = "registry_keys"
        if key not in self.render_cache:
            self.render_cache[key] = {_registry_key(c.registry_id): c for c in self.companies}
        return self.render_cache[key]  # type: ignore[return-value]

    def is_prospect(
        self, true_id: str, industries: Iterable[str], employees_min: int, employees_max: int
    ) -> bool:
        """Industry in ``industries`` and employees within bounds and solvent."""
        company = self._by_id[true_id]
        return (
            company.kind == "company"
            and company.industry in set(industries)
            and employees_min <= company.employees <= employees_max
            and company.solvent
        )

    def truth_rows(self) -> list[dict[str, object]]:
        """One flat row per company and buyer (for a CSV a person can check results against)."""
        rows = []
        for c in self.companies + self.buyers:
            rows.append({
                "true_id": c.true_id, "kind": c.kind, "name": c.name, "country": c.country,
                "city": c.city, "postcode": c.postcode, "street": c.street_address,
                "phone": c.phone, "domain": c.domain, "email": c.email, "industry": c.industry,
                "employees": c.employees, "founded": c.founded,
                "registry": identifier_text({"scheme": c.registry_scheme,
                                             "id": c.registry_id}), "solvent": c.solvent,
                "website_state": c.website_state,
                "records": " ".join(f"{r.source}:{r.native_id}" for r in self.records_of(
                    c.true_id)),
            })
        return rows

    def prospects(
        self, industries: Iterable[str], employees_min: int, employees_max: int
    ) -> set[str]:
        """The true ids of every company ``is_prospect`` accepts."""
        wanted = set(industries)
        return {
            c.true_id for c in self.companies
            if self.is_prospect(c.true_id, wanted, employees_min, employees_max)
        }

    # -- assembly ------------------------------------------------------------------------
    def _add_entity(self, company: TrueCompany) -> None:
        self._by_id[company.true_id] = company
        self._by_domain[company.domain] = company

    def _add_record(self, rec: SourceRecord) -> None:
        self.records[rec.source].append(rec)
        self._record_index[(rec.source, rec.native_id)] = rec
        self._records_of.setdefault(rec.true_id, []).append(rec)

    def _finish(self) -> None:
        self.tenders.sort(key=lambda t: (t.release_min, t.number))
        self._release_keys = [t.release_min for t in self.tenders]
        self._tender_index = {t.ocid: t for t in self.tenders}


# ---------------------------------------------------------------------------------------------
# generation


class _Gen:
    """Holds the random stream and the uniqueness sets while one world is built."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.world = World(seed)
        self.names: set[str] = set()
        self.domains: set[str] = set()
        self.phones: set[str] = set()
        self.registry: set[tuple[str, str]] = set()
        countries = list(W.COUNTRIES)
        self.countries = countries
        self.country_cum = list(accumulate(W.COUNTRIES[c]["weight"] for c in countries))
        self.industries = list(_INDUSTRY_WEIGHTS)
        self.industry_cum = list(accumulate(_INDUSTRY_WEIGHTS.values()))

    def pick_country(self) -> str:
        r = self.rng.random() * self.country_cum[-1]
        return self.countries[bisect_right(self.country_cum, r)]

    def pick_industry(self) -> str:
        r = self.rng.random() * self.industry_cum[-1]
        return self.industries[bisect_right(self.industry_cum, r)]

    # -- names -------------------------------------------------------------------------
    def base_name(self, country: str, industry: str) -> str:
        rng = self.rng
        for attempt in range(12):
            name = self._name_once(country, industry)
            if attempt > 6:
                name = f"{name} {_choice(rng, ('Group', 'Partners', 'Holdings', 'Solutions'))}"
            if attempt > 9:
                name = f"{name} {_randint(rng, 2, 99)}"
            key = name.casefold()
            if key not in self.names:
                self.names.add(key)
                return name
        raise RuntimeError("could not find a fresh company name")  # pragma: no cover

    def _name_once(self, country: str, industry: str) -> str:
        rng = self.rng
        pattern = rng.random()
        if country == "DE":
            noun = _choice(rng, W.INDUSTRY_NOUNS_DE[industry])
            if pattern < 0.55:
                return f"{_choice(rng, W.STEM_DE)}{_choice(rng, W.STEM_DE_SUFFIX)} {noun}"
            if pattern < 0.85:
                return f"{_choice(rng, W.SURNAMES['DE'])} {noun}"
            return f"{_choice(rng, W.SURNAMES['DE'])} & {_choice(rng, W.SURNAMES['DE'])} {noun}"
        if country == "NL":
            noun = _choice(rng, W.INDUSTRY_NOUNS_NL[industry])
            if pattern < 0.55:
                return f"{_choice(rng, W.STEM_NL)}{_choice(rng, W.STEM_NL_SUFFIX)} {noun}"
            surname = _choice(rng, W.SURNAMES["NL"])
            return f"{surname[0].upper()}{surname[1:]} {noun}"
        noun = _choice(rng, W.INDUSTRY_NOUNS[industry])
        if country == "MY" and pattern < 0.6:
            first, second = _choice(rng, W.STEM_MY), _choice(rng, W.STEM_MY)
            if first == second:
                second = "Jaya" if first != "Jaya" else "Maju"
            return f"{first} {second} {noun}"
        stem = _stem(_choice(rng, W.STEM_PREFIX), _choice(rng, W.STEM_SUFFIX))
        if pattern < 0.30:
            return f"{stem} {noun}"
        if pattern < 0.60:
            return f"{stem} {_choice(rng, W.DESCRIPTORS)} {noun}"
        if pattern < 0.70:
            tail = _choice(rng, ("Services", "Solutions", "Group", "Supplies", "Systems"))
            return f"{_choice(rng, W.DESCRIPTORS)} {noun} {tail}"
        surnames = W.SURNAMES[country]
        if pattern < 0.80:
            return f"{_choice(rng, surnames)} & {_choice(rng, surnames)} {noun}"
        if pattern < 0.90:
            return f"{_choice(rng, surnames)} {noun}"
        if pattern < 0.95:
            return f"{_choice(rng, surnames)} Brothers {noun}"
        return f"{stem} International {noun}"

    def legal_form(self, country: str) -> str:
        r = self.rng.random()
        acc = 0.0
        for form, weight in W.LEGAL_FORMS[country]:
            acc += weight
            if r < acc:
                return form
        return W.LEGAL_FORMS[country][0][0]

    # -- contact data -------------------------------------------------------------------
    def domain(self, base: str, country: str, tld: str | None = None) -> str:
        rng = self.rng
        tld = tld or W.COUNTRIES[country]["tld"]
        words = slugify(base.replace("'", ""), german=country == "DE").split("-")
        words = [w for w in words if w not in ("and", "co")] or ["company"]
        # Dutch particles stick to the surname in domains: "De Vries" -> "devries"
        for i in range(len(words) - 2, -1, -1):
            if words[i] in _PARTICLES:
                words[i:i + 2] = [words[i] + words[i + 1]]
        shapes = [
            words[0],
            "-".join(words[:2]),
            "".join(words[:2]),
            "-".join(words[:3]),
            f"{words[0]}-{_DOMAIN_ABBR.get(words[-1], words[-1])}",
        ]
        start = int(rng.random() * len(shapes))
        for i in range(len(shapes)):
            candidate = f"{shapes[(start + i) % len(shapes)]}.{tld}"
            if candidate not in self.domains:
                self.domains.add(candidate)
                return candidate
        extra = _choice(rng, ("group", "online", "hq", country.lower(), "global"))
        n = 1
        while True:
            candidate = f"{shapes[0]}-{extra}{'' if n == 1 else n}.{tld}"
            if candidate not in self.domains:
                self.domains.add(candidate)
                return candidate
            n += 1

    def phone(self, country: str, city: tuple) -> str:
        rng = self.rng
        dial = W.COUNTRIES[country]["dial"]
        _, _, area, digits, first, _ = city
        while True:
            rest = str(int(rng.random() * 10 ** (digits - 1))).zfill(digits - 1)
            number = _choice(rng, first) + rest
            e164 = f"+{dial}{area}{number}"
            if e164 not in self.phones:
                self.phones.add(e164)
                return e164

    def postcode(self, country: str, city: tuple) -> str:
        rng = self.rng
        base = _choice(rng, city[5])
        if country == "GB":
            return f"{base} {_randint(rng, 1, 9)}{_choice(rng, 'ABDEFGHJLNPQRSTUWXYZ')}" \
                   f"{_choice(rng, 'ABDEFGHJLNPQRSTUWXYZ')}"
        if country == "NL":
            letters = "ABCDEGHJKLMNPRSTVWXZ"
            return f"{base} {_choice(rng, letters)}{_choice(rng, letters)}"
        return base

    def house_number(self, country: str) -> str:
        rng = self.rng
        if country == "US":
            return str(_randint(rng, 1, 99) * 100 + _randint(rng, 0, 99))
        if country == "MY":
            return f"Lot {_randint(rng, 1, 400)}"
        n = str(_randint(rng, 1, 180))
        if country in ("DE", "NL") and rng.random() < 0.12:
            n += _choice(rng, "abc")
        if country == "GB" and rng.random() < 0.2:
            return f"Unit {_randint(rng, 1, 30)}, {n}"
        return n

    def registry_id(self, country: str, city: str, founded: int) -> str:
        rng = self.rng
        while True:
            if country == "GB":
                rid = ("SC" + str(_randint(rng, 100000, 999999)) if city == "Glasgow"
                       else str(_randint(rng, 100000, 14999999)).zfill(8))
            elif country == "DE":
                rid = f"HRB {_randint(rng, 1000, 299999)}"
            elif country == "US":
                rid = f"{_randint(rng, 10, 99)}-{_randint(rng, 1000000, 9999999)}"
            elif country == "NL":
                rid = str(_randint(rng, 10000000, 99999999))
            else:
                rid = f"{max(founded, 1990)}01{_randint(rng, 0, 999999):06d}"
            if (country, rid) not in self.registry:
                self.registry.add((country, rid))
                return rid




_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ten", "ter"})
_DOMAIN_ABBR = {
    "engineering": "eng", "manufacturing": "mfg", "international": "intl", "logistics": "log",
    "technologies": "tech", "industries": "ind", "construction": "build", "distribution": "dist",
    "maschinenbau": "mb", "transporte": "trans", "systems": "sys", "healthcare": "health",
}


def _stem(prefix: str, suffix: str) -> str:
    """Join a place-name stem without doubled letters at the seam (Queens+shire -> Queenshire)."""
    return prefix + (suffix[1:] if prefix[-1] == suffix[0] else suffix)


def _choice(rng: random.Random, seq):
    """``rng.choice`` without its overhead (this loop runs millions of times at 100k)."""
    return seq[int(rng.random() * len(seq))]


def _randint(rng: random.Random, a: int, b: int) -> int:
    return a + int(rng.random() * (b - a + 1))


_BUYER_ROLES = ("Procurement Officer", "Head of Procurement", "Category Manager")


def _person(rng: random.Random, country: str, domain: str, phone: str, roles=None) -> Contact:
    given = _choice(rng, W.GIVEN_NAMES[country])
    surname = _choice(rng, W.SURNAMES[country])
    german = country == "DE"
    local_given = ascii_fold(given, german).lower().replace(" ", "")
    local_surname = ascii_fold(surname, german).lower().replace(" ", "").replace("'", "")
    style = rng.random()
    if style < 0.6:
        local = f"{local_given}.{local_surname}"
    elif style < 0.85:
        local = f"{local_given[0]}.{local_surname}"
    else:
        local = f"{local_given[0]}{local_surname}"
    direct = phone[:-2] + f"{_randint(rng, 0, 99):02d}"
    if roles is None:
        roles = W.ROLES_DE if german and rng.random() < 0.6 else W.ROLES
    return Contact(f"{given} {surname}", _choice(rng, roles), f"{local}@{domain}", direct)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _make_company(g: _Gen, idx: int, twin_of: TrueCompany | None, building_of: TrueCompany | None,
                  share_phone: bool) -> TrueCompany:
    rng = g.rng
    # A same-building neighbour shares the country, city and street address.
    if building_of is not None:
        country = building_of.country
    elif twin_of is not None and rng.random() < 0.5:
        country = g.pick_country()
    else:
        country = twin_of.country if twin_of is not None else g.pick_country()
    info = W.COUNTRIES[country]
    industry = twin_of.industry if twin_of is not None else g.pick_industry()

    cities = info["cities"]
    if building_of is not None:
        city = next(c for c in cities if c[0] == building_of.city)
    elif twin_of is not None and twin_of.country == country:
        city = _choice(rng, [c for c in cities if c[0] != twin_of.city])
    else:
        city = _choice(rng, cities)

    if twin_of is not None and (twin_of.country != country or country == "US"):
        # same name, another country -- or another US state, whose registries do not know of
        # each other: a different legal entity all the same
        base = twin_of.base_name
    elif twin_of is not None:
        # same country: the national registry refuses identical names, so a near-same one.
        suffix = _choice(rng, (f"({city[0]})", city[0], "Services", "Holdings", "UK" if
                             country == "GB" else "Group"))
        base = f"{twin_of.base_name} {suffix}"
        g.names.add(base.casefold())
    else:
        base = g.base_name(country, industry)
    legal = g.legal_form(country)

    health = rng.gauss(0.0, 1.0)
    solvent = health > -0.75
    employees = int(math.exp(rng.gauss(3.9 + 0.45 * health, 1.15)))
    employees = max(1, min(employees, 40000))
    age = max(1, min(int(rng.gammavariate(2.0, 9.0) + 5.0 * health + 6), 140))
    founded = WORLD_TODAY.year - age

    if building_of is not None:
        street, house, postcode = building_of.street, building_of.house_number, \
            building_of.postcode
    else:
        street, house, postcode = _choice(rng, info["streets"]), g.house_number(country), \
            g.postcode(country, city)
    phone = building_of.phone if (building_of is not None and share_phone) else \
        g.phone(country, city)
    domain = g.domain(base, country)
    mailbox = "kontakt" if country == "DE" and rng.random() < 0.5 else _choice(
        rng, ("info", "info", "sales", "enquiries" if country == "GB" else "office", "hello"))

    n_accred = min(_poisson(rng, max(0.05, 0.6 + 0.7 * health)), 4)
    accreditations = tuple(sorted({_choice(rng, W.ACCREDITATIONS) for _ in range(n_accred)}))
    offices = 1
    if employees > 200 and rng.random() < _sigmoid(health):
        offices = min(2 + _poisson(rng, employees / 800), 30)
    has_careers = rng.random() < _sigmoid(1.2 * health + math.log(employees) / 3 - 1.2)
    open_positions = (1 + _poisson(rng, max(0.3, employees / 150) * _sigmoid(health))
                      if has_careers else 0)
    if solvent:
        website_state = "unreachable" if rng.random() < 0.015 else "ok"
        site_updated = WORLD_TODAY.year - (0 if rng.random() < 0.85 else _randint(rng, 1, 3))
    else:
        r = rng.random()
        website_state = "administration" if r < 0.16 else ("unreachable" if r < 0.24 else "ok")
        site_updated = WORLD_TODAY.year - (0 if rng.random() < 0.3 else _randint(rng, 1, 5))
    if website_state == "administration":  # administrators do not recruit
        has_careers, open_positions = False, 0

    return TrueCompany(
        true_id=f"C{idx:06d}",
        name=f"{base} {legal}",
        base_name=base,
        legal_form=legal,
        country=country,
        city=city[0],
        region=city[1],
        postcode=postcode,
        street=street,
        house_number=house,
        phone=phone,
        domain=domain,
        email=f"{mailbox}@{domain}",
        industry=industry,
        category=_choice(rng, W.CATEGORY_LABELS[industry][:3]),
        employees=employees,
        founded=founded,
        registry_scheme=W.REGISTRY_SCHEME[country],
        registry_id=g.registry_id(country, city[0], founded),
        health=health,
        solvent=solvent,
        accreditations=accreditations,
        offices_countries=offices,
        has_careers=has_careers,
        open_positions=open_positions,
        website_state=website_state,
        site_updated=site_updated,
        seed=rng.getrandbits(32),
    )


def _make_buyers(g: _Gen, count: int) -> list[TrueCompany]:
    rng = g.rng
    buyers: list[TrueCompany] = []
    seen: set[str] = set()
    idx = 0
    attempts = 0
    while len(buyers) < count and attempts < 50 * count:
        attempts += 1
        country = g.pick_country()
        info = W.COUNTRIES[country]
        city = _choice(rng, info["cities"])
        kinds = W.BUYER_KINDS[country]
        pattern, category = _choice(rng, kinds)
        if country == "DE":
            county = _choice(rng, W.STEM_DE) + _choice(rng, W.STEM_DE_SUFFIX)
        elif country == "NL":
            county = _choice(rng, W.STEM_NL) + _choice(rng, W.STEM_NL_SUFFIX)
        elif country == "MY":
            county = f"{_choice(rng, ('Bandar', 'Kota', 'Seri', 'Taman'))} " \
                     f"{_choice(rng, W.STEM_MY)} {_choice(rng, ('Baru', 'Utama', 'Indah', 'Jaya'))}"
        else:
            county = _stem(_choice(rng, W.STEM_PREFIX), _choice(rng, W.STEM_SUFFIX))
        place = city[0] if rng.random() < 0.4 else county
        name = pattern.format(place=place, county=county)
        if name in seen:
            continue
        seen.add(name)
        idx += 1
        slug = slugify(name, german=country == "DE")
        tld = {"GB": "gov.uk", "US": "gov", "MY": "gov.my"}.get(country, info["tld"])
        stop = {"city", "of", "council", "county", "stadt", "gemeente", "majlis", "bandaraya",
                "landkreis", "provincie"}
        domain = g.domain(" ".join(w for w in slug.split("-") if w not in stop), country, tld)
        phone = g.phone(country, city)
        employees = int(math.exp(rng.gauss(7.0, 0.8)))
        founded = _randint(rng, 1889, 1990)
        buyers.append(TrueCompany(
            true_id=f"B{idx:05d}", name=name, base_name=name, legal_form="", country=country,
            city=city[0], region=city[1], postcode=g.postcode(country, city),
            street=_choice(rng, info["streets"]), house_number=g.house_number(country),
            phone=phone, domain=domain, email=f"procurement@{domain}", industry="public_sector",
            category=category, employees=employees, founded=founded,
            registry_scheme=W.BUYER_IDENTIFIER_SCHEME[country],
            registry_id=str(_randint(rng, 10000, 99999)), health=2.0, solvent=True,
            kind="buyer", has_careers=True,
            open_positions=_randint(rng, 3, 40), seed=rng.getrandbits(32),
        ))
    return buyers


def _choose_sources(rng: random.Random, company: TrueCompany) -> list[str]:
    r = rng.random() - 0.08 * company.health
    k = 1 if r < 0.45 else (2 if r < 0.82 else 3)
    weights = list(_SOURCE_AFFINITY[company.industry])
    chosen: list[str] = []
    pool = list(SOURCES)
    for _ in range(k):
        total = sum(weights)
        x = rng.random() * total
        pick = len(weights) - 1
        for i, w in enumerate(weights):
            x -= w
            if x < 0:
                pick = i
                break
        chosen.append(pool.pop(pick))
        weights.pop(pick)
    return chosen


def _cpv_by_industry() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, (_code, _desc, industries) in enumerate(W.CPV):
        for industry in industries:
            out.setdefault(industry, []).append(i)
    return out


_TODAY_MIN = minute_of(WORLD_TODAY)


def _make_tenders(g: _Gen, world: World) -> None:
    """Awarded tenders (one per supplier win) and open tenders, in compact form."""
    rng = g.rng
    rand = rng.random
    cpv_for = _cpv_by_industry()
    suppliers = [r for r in world.records[SOURCE_TENDERS] if r.role == "supplier"]
    peers_of: dict[tuple[str, str], list[SourceRecord]] = {}  # (industry, country)
    for rec in suppliers:
        company = world.entity(rec.true_id)
        peers_of.setdefault((company.industry, company.country), []).append(rec)
    buyer_recs = [r for r in world.records[SOURCE_TENDERS] if r.role == "buyer"]
    buyers_by_country: dict[str, list[SourceRecord]] = {}
    for rec in buyer_recs:
        buyers_by_country.setdefault(world.entity(rec.true_id).country, []).append(rec)
    used_buyers: set[str] = set()
    tenders = world.tenders
    number = 0

    def new_tender(buyer_rec: SourceRecord, cpv_index: int, published: int, status: str,
                   amount: float, max_days: int = 60) -> Tender:
        nonlocal number
        number += 1
        used_buyers.add(buyer_rec.native_id)
        buyer = world.entity(buyer_rec.true_id)
        # deadline at noon, 21 to max_days days after publication
        deadline = (published // 1440 + 21 + int(rand() * (max_days - 20))) * 1440 + 720
        return Tender(number, buyer_rec, buyer.city, cpv_index, amount, buyer.currency,
                      published, deadline, status, [], rng.getrandbits(32))

    # Awarded tenders: healthier suppliers win more, and more recently.
    for rec in suppliers:
        company = world.entity(rec.true_id)
        wins = min(1 + _poisson(rng, max(0.05, 1.0 + 1.1 * company.health)), 12)
        choices = cpv_for[company.industry]
        peers = peers_of[(company.industry, company.country)]  # consortium partners
        size = math.log(company.employees + 1)
        home = buyers_by_country.get(company.country) or buyer_recs
        lo, hi = (5, 1100) if company.solvent else (200, 1400)
        for _ in range(wins):
            award_day = _TODAY_MIN // 1440 - lo - int(rand() * (hi - lo))
            award_at = award_day * 1440 + 420 + 5 * int(rand() * 132)  # 07:00-17:55
            gap = 45 + int(rand() * 105)  # publication to award, in days
            published = (award_day - gap) * 1440 + 420 + 5 * int(rand() * 132)
            amount = round(math.exp(rng.gauss(10.5 + 0.35 * size, 0.9)), -2)
            buyer_rec = home[int(rand() * len(home))] if rand() < 0.85 else \
                buyer_recs[int(rand() * len(buyer_recs))]
            tender = new_tender(buyer_rec, choices[int(rand() * len(choices))], published,
                                "complete", round(amount * (0.9 + 0.4 * rand()), -2),
                                max_days=min(60, gap - 7))
            winners = [rec]
            if rand() < 0.12 and len(peers) > 1:
                other = peers[int(rand() * len(peers))]
                if other.true_id != rec.true_id:
                    winners.append(other)
            tender.awards.append(Award(f"{OCID_PREFIX}-{number:06d}-award-1", winners, amount,
                                       award_at))
            tenders.append(tender)

    # Open tenders: deadlines after the world's today; half in the ICP's CPV divisions.
    icp = [i for i, (c, _d, _i) in enumerate(W.CPV) if c[:2] in ("48", "72", "42", "50")]
    n_open = max(8, len(tenders) // 4)
    unused = [b for b in buyer_recs if b.native_id not in used_buyers]
    for i in range(max(n_open, len(unused))):
        buyer_rec = unused[i] if i < len(unused) else _choice(rng, buyer_recs)
        cpv_index = _choice(rng, icp) if rand() < 0.5 else int(rand() * len(W.CPV))
        published = _TODAY_MIN - int(rand() * 35) * 1440 + 420 + 5 * int(rand() * 132)
        tender = new_tender(buyer_rec, cpv_index, published, "active",
                            round(math.exp(rng.gauss(12.0, 1.1)), -3))
        tender.deadline_min = _TODAY_MIN + (7 + int(rand() * 84)) * 1440 + 720
        tenders.append(tender)


def generate_world(companies: int = 300, seed: int = 7) -> World:
    """Build the demo world: ``companies`` companies plus about one buyer per 12 of them."""
    if companies < 1:
        raise ValueError("companies must be at least 1")
    # Millions of small acyclic objects: the cyclic GC would rescan them again and again
    # (100k companies took twice as long with it on).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(companies, seed)
    finally:
        if was_enabled:
            gc.enable()


def _generate(companies: int, seed: int) -> World:
    g = _Gen(seed)
    rng = g.rng
    world = g.world

    n_twins = max(2, round(companies * 0.025)) if companies >= 20 else 0
    n_neighbours = max(2, round(companies * 0.02)) if companies >= 20 else 0
    special = rng.sample(range(max(1, companies // 10), companies),
                         min(n_twins + n_neighbours, companies - max(1, companies // 10)))
    twins = set(special[:n_twins])
    neighbours = set(special[n_twins:])

    for idx in range(companies):
        twin_of = building_of = None
        share_phone = False
        if idx in twins:
            twin_of = world.companies[rng.randrange(idx)]
        elif idx in neighbours:
            building_of = world.companies[rng.randrange(idx)]
            share_phone = rng.random() < 0.5
        company = _make_company(g, idx + 1, twin_of, building_of, share_phone)
        world.companies.append(company)
        world._add_entity(company)
        if twin_of is not None:
            kind = "same_name" if twin_of.base_name == company.base_name else "near_name"
            world.lookalikes.append(LookalikePair(twin_of.true_id, company.true_id, kind))
        if building_of is not None:
            kind = "same_building_phone" if share_phone else "same_building"
            world.lookalikes.append(LookalikePair(building_of.true_id, company.true_id, kind))

    for buyer in _make_buyers(g, max(6, min(companies // 12, 2000))):
        world.buyers.append(buyer)
        world._add_entity(buyer)

    _make_records(g, world)
    _make_tenders(g, world)
    world._finish()
    return world


def _make_records(g: _Gen, world: World) -> None:
    rng = g.rng
    pending: dict[str, list[tuple[TrueCompany, str, bool]]] = {s: [] for s in SOURCES}
    for buyer in world.buyers:
        pending[SOURCE_TENDERS].append((buyer, "buyer", False))
    for company in world.companies:
        for source in _choose_sources(rng, company):
            role = {SOURCE_TENDERS: "supplier", SOURCE_EXPO: "exhibitor",
                    SOURCE_DIRECTORY: "listing"}[source]
            paid = False
            if source == SOURCE_DIRECTORY:
                paid = rng.random() < _sigmoid(-1.1 + 1.3 * company.health)
            elif source == SOURCE_EXPO:
                paid = rng.random() < _sigmoid(-1.5 + 1.0 * company.health)
            pending[source].append((company, role, paid))
            # duplicates inside one source: an old listing, a second supplier registration.
            dup = {SOURCE_DIRECTORY: 0.05, SOURCE_TENDERS: 0.04}.get(source, 0.0)
            if rng.random() < dup:
                pending[source].append((company, role, False))

    # Tender party ids
    parties = pending[SOURCE_TENDERS]
    numbers = rng.sample(range(100000, 100000 + 10 * len(parties) + 10), len(parties))
    for (company, role, paid), number in zip(parties, numbers, strict=True):
        seed = rng.getrandbits(32)
        name = name_variant(company, rng, formal=True)
        world._add_record(SourceRecord(SOURCE_TENDERS, f"ORG-{number:06d}", company.true_id,
                                       role, name, seed, paid))

    # Expo: catalogue order is alphabetical by the printed name; slugs are unique.
    exhibitors = []
    for company, _role, paid in pending[SOURCE_EXPO]:
        seed = rng.getrandbits(32)
        exhibitors.append((name_variant(company, rng), company, seed, paid))
    exhibitors.sort(key=lambda e: (ascii_fold(e[0]).casefold(), e[1].true_id))
    slugs: set[str] = set()
    for i, (name, company, seed, paid) in enumerate(exhibitors):
        slug = slugify(name, german=company.country == "DE") or "exhibitor"
        if slug in slugs:
            slug = f"{slug}-{slugify(company.city)}"
        base, n = slug, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        world._add_record(SourceRecord(SOURCE_EXPO, slug, company.true_id, "exhibitor", name,
                                       seed, paid, i))

    # Directory: premium listings first, then alphabetical, like a paid directory.
    listings = []
    ids = rng.sample(range(200000, 200000 + 5 * len(pending[SOURCE_DIRECTORY]) + 10),
                     len(pending[SOURCE_DIRECTORY]))
    for (company, _role, paid), number in zip(pending[SOURCE_DIRECTORY], ids, strict=True):
        seed = rng.getrandbits(32)
        listings.append((name_variant(company, rng), company, seed, paid, f"L{number}"))
    listings.sort(key=lambda e: (not e[3], ascii_fold(e[0]).casefold(), e[4]))
    for i, (name, company, seed, paid, native_id) in enumerate(listings):
        world._add_record(SourceRecord(SOURCE_DIRECTORY, native_id, company.true_id, "listing",
                                       name, seed, paid, i))

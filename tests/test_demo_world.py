"""The demo world generator: determinism, scale, ground truth, variation and look-alikes."""

from __future__ import annotations

import math
import os
import random
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import astuple
from pathlib import Path

import phonenumbers
import pytest

from leadpipe.config import load_config
from leadpipe.demo.server import respond
from leadpipe.demo.views import record_view
from leadpipe.demo.world import (
    CATEGORY_LABELS,
    INDUSTRIES,
    SOURCE_DIRECTORY,
    SOURCE_EXPO,
    SOURCE_TENDERS,
    SOURCE_WEBSITE,
    SOURCES,
    WORLD_TODAY,
    generate_world,
)

TLD = {"GB": ".co.uk", "DE": ".de", "MY": ".com.my", "US": ".com", "NL": ".nl"}
LEGAL_FORMS = {
    "GB": {"Ltd", "Limited", "PLC", "LLP"},
    "DE": {"GmbH", "AG", "GmbH & Co. KG"},
    "MY": {"Sdn Bhd", "Berhad"},
    "US": {"LLC", "Inc.", "Corp."},
    "NL": {"B.V.", "N.V."},
}


@pytest.fixture(scope="module")
def world():
    return generate_world(300, 7)


@pytest.fixture(scope="module")
def big():
    return generate_world(5000, 3)


def _pages(world) -> list[bytes]:
    """A handful of rendered pages from every host."""
    company = world.companies[5]
    slug = world.records[SOURCE_EXPO][3].native_id
    targets = [
        ("tenders.demo.leadpipe.test", "/api/releases?page=2"),
        ("expo.demo.leadpipe.test", "/exhibitors?page=1"),
        ("expo.demo.leadpipe.test", f"/exhibitors/{slug}"),
        ("directory.demo.leadpipe.test", "/search?page=3"),
        (f"www.{company.domain}", "/"),
        (f"www.{company.domain}", "/imprint" if company.country == "DE" else "/contact"),
    ]
    return [respond(world, host, path)[2] for host, path in targets]


def test_same_seed_same_world_and_pages(world):
    again = generate_world(300, 7)
    assert [astuple(c) for c in again.companies] == [astuple(c) for c in world.companies]
    assert [c.contacts for c in again.companies] == [c.contacts for c in world.companies]
    assert _pages(again) == _pages(world)


def test_different_seed_different_world(world):
    other = generate_world(300, 8)
    assert {c.name for c in other.companies} != {c.name for c in world.companies}
    assert _pages(other)[0] != _pages(world)[0]


def test_counts_and_scale(big):
    assert len(big.companies) == 5000
    assert len({c.true_id for c in big.companies}) == 5000
    assert len(big.buyers) == 5000 // 12
    assert all(b.industry == "public_sector" for b in big.buyers)
    assert len({c.domain for c in big.companies + big.buyers}) == 5000 + len(big.buyers)
    # every company is in 1-3 of the sources; every buyer publishes on the tender platform
    sources = defaultdict(set)
    for source in SOURCES:
        for rec in big.records[source]:
            sources[rec.true_id].add(source)
    assert all(1 <= len(sources[c.true_id]) <= 3 for c in big.companies)
    spread = Counter(len(sources[c.true_id]) for c in big.companies)
    assert spread[1] and spread[2] and spread[3]
    assert all(sources[b.true_id] == {SOURCE_TENDERS} for b in big.buyers)


def test_company_fields_match_their_country(big):
    for company in big.companies:
        number = phonenumbers.parse(company.phone)
        assert phonenumbers.is_valid_number(number), company.phone
        assert phonenumbers.region_code_for_number(number) == company.country
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == \
            company.phone
        assert company.domain.endswith(TLD[company.country])
        assert company.legal_form in LEGAL_FORMS[company.country]
        assert company.name == f"{company.base_name} {company.legal_form}"
        assert company.email.split("@")[1] == company.domain
        assert company.industry in INDUSTRIES and company.industry != "public_sector"
        assert company.category in CATEGORY_LABELS[company.industry]
        assert 1 <= company.employees and 1880 < company.founded <= WORLD_TODAY.year
        assert company.registry_id
    for company in big.companies[:300]:
        assert 1 <= len(company.contacts) <= 2
        for person in company.contacts:
            assert person.email.endswith("@" + company.domain)
            assert phonenumbers.is_valid_number(phonenumbers.parse(person.phone))
    gb = [c for c in big.companies if c.country == "GB" and c.city != "Glasgow"]
    assert all(c.registry_scheme == "GB-COH" and len(c.registry_id) == 8 for c in gb)


def test_non_ascii_names_exist(big):
    names = [c.name for c in big.companies] + [p.name for c in big.companies[:500]
                                               for p in c.contacts]
    assert any(not n.isascii() for n in names)


def test_every_record_maps_back(big):
    known = {c.true_id for c in big.companies} | {b.true_id for b in big.buyers}
    for source in SOURCES:
        for rec in big.records[source]:
            assert big.truth_for_record(source, rec.native_id) == rec.true_id
            assert rec.true_id in known
    tender = big.tenders[0]
    assert big.truth_for_record(SOURCE_TENDERS, tender.ocid) == tender.buyer.true_id
    awarded = next(t for t in big.tenders if t.awards)
    supplier = awarded.awards[0].suppliers[0]
    item_id = f"{awarded.awards[0].award_id}/{supplier.native_id}"
    assert big.truth_for_record(SOURCE_TENDERS, item_id) == supplier.true_id
    slug = big.records[SOURCE_EXPO][0].native_id
    assert big.truth_for_record(SOURCE_EXPO, f"http://expo.demo.leadpipe.test/exhibitors/{slug}") \
        == big.records[SOURCE_EXPO][0].true_id
    company = big.companies[42]
    for form in (company.domain, f"https://www.{company.domain}/contact", f"www.{company.domain}"):
        assert big.truth_for_record(SOURCE_WEBSITE, form) == company.true_id
    with pytest.raises(KeyError):
        big.truth_for_record(SOURCE_DIRECTORY, "L-no-such-listing")
    with pytest.raises(KeyError):
        big.truth_for_record(SOURCE_WEBSITE, "unknown.example")


def test_sources_print_one_company_differently(big):
    """Records of one company differ in name, phone and website form -- but not always."""
    names_differ = phones_differ = websites_differ = same_name = 0
    for company in big.companies:
        recs = [r for r in big.records_of(company.true_id)]
        if len(recs) < 2:
            continue
        views = [record_view(big, r) for r in recs]
        names = {v.name for v in views}
        names_differ += len(names) > 1
        same_name += len(names) == 1
        phones = {v.phone for v in views if v.phone}
        phones_differ += len(phones) > 1
        websites = {v.website for v in views if v.website}
        websites_differ += len(websites) > 1
    assert names_differ > 200 and same_name > 200
    assert phones_differ > 200 and websites_differ > 100
    printed = [r.name for s in SOURCES for r in big.records[s]]
    assert any(n.isupper() for n in printed)  # case changes
    assert any(n.endswith(("Sdn. Bhd.", "SDN BHD")) for n in printed)  # legal-form variants
    assert any("Intl" in n or "Eng." in n or "Mfg" in n for n in printed)  # abbreviations
    typos = [r for s in SOURCES for r in big.records[s] if _has_typo(r.name, big.entity(
        r.true_id).base_name)]
    assert 0 < len(typos) < 0.06 * len(printed)


def _has_typo(printed: str, base: str) -> bool:
    """A word of the base name printed with one letter dropped or two letters swapped."""
    for word in base.split():
        if len(word) < 5:
            continue
        dropped = {word[:i] + word[i + 1:] for i in range(1, len(word))}
        swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
        if any(t in (dropped | swapped) - {word} for t in printed.split()):
            return True
    return False


def test_missing_fields_at_realistic_rates(big):
    views = [record_view(big, r) for r in big.records[SOURCE_DIRECTORY][:2000]]
    no_phone = sum(v.phone is None for v in views) / len(views)
    no_site = sum(v.website is None for v in views) / len(views)
    assert 0.01 < no_phone < 0.15 and 0.1 < no_site < 0.4
    formats = Counter()
    for v in views:
        if v.phone:
            formats["e164" if v.phone.startswith("+") and " " not in v.phone else
                    "brackets" if "(" in v.phone else "spaced"] += 1
    assert len(formats) == 3
    squeezed = [v for v in views if v.postcode and " " in v.company.postcode
                and " " not in v.postcode]
    assert squeezed and all(v.postcode.upper() == v.company.postcode.replace(" ", "")
                            for v in squeezed)
    assert any(v.website and v.website.startswith("https://") for v in views)
    assert any(v.website and "/" not in v.website for v in views)


def test_lookalikes_are_distinct_companies(big):
    kinds = Counter(p.kind for p in big.lookalikes)
    assert kinds["same_name"] and kinds["near_name"]
    assert kinds["same_building"] and kinds["same_building_phone"]
    for pair in big.lookalikes:
        a, b = big.entity(pair.a), big.entity(pair.b)
        assert a.true_id != b.true_id and a.domain != b.domain
        if pair.kind == "same_name":
            assert a.base_name == b.base_name
            assert a.country != b.country or (a.country == "US" and a.region != b.region)
        elif pair.kind == "near_name":
            assert b.base_name.startswith(a.base_name) and a.city != b.city
        else:
            assert a.street_address == b.street_address and a.postcode == b.postcode
            assert a.base_name != b.base_name
            assert (a.phone == b.phone) == (pair.kind == "same_building_phone")


def test_small_world_has_lookalikes():
    small = generate_world(50, 1)
    assert len(small.companies) == 50
    assert len(small.lookalikes) >= 4


def test_is_prospect_follows_the_definition(big):
    profile = load_config().profile("default")
    industries, lo, hi = profile.industries, profile.employees_min, profile.employees_max
    prospects = big.prospects(industries, lo, hi)
    assert 0.1 * len(big.companies) < len(prospects) < 0.5 * len(big.companies)
    reasons = Counter()
    for c in big.companies:
        expected = c.industry in industries and lo <= c.employees <= hi and c.solvent
        assert big.is_prospect(c.true_id, industries, lo, hi) == expected
        if c.industry in industries and lo <= c.employees <= hi and not c.solvent:
            reasons["insolvent"] += 1
        if c.industry in industries and c.solvent and not lo <= c.employees <= hi:
            reasons["size"] += 1
    assert reasons["insolvent"] > 50 and reasons["size"] > 50
    assert not any(big.is_prospect(b.true_id, ["public_sector"], 0, 10**9) for b in big.buyers)


def _signals(world) -> dict[str, dict[str, float]]:
    """The solvency signals the sources show, per company."""
    awards = Counter(r.true_id for t in world.tenders for a in t.awards for r in a.suppliers)
    paid = {r.true_id for s in (SOURCE_DIRECTORY, SOURCE_EXPO) for r in world.records[s]
            if r.paid}
    return {c.true_id: {
        "site_trouble": float(c.website_state != "ok"),
        "log_employees": math.log(c.employees + 1),
        "log_age": math.log(WORLD_TODAY.year - c.founded + 1),
        "awards": float(awards[c.true_id]),
        "paid_listing": float(c.true_id in paid),
        "accreditations": float(len(c.accreditations)),
        "careers": float(c.has_careers),
        "offices": float(c.offices_countries),
        "site_staleness": float(WORLD_TODAY.year - c.site_updated),
    } for c in world.companies}


def test_solvency_is_recoverable_but_not_from_one_field(big):
    """A naive z-score sum learned on half the companies recovers `solvent` on the other half."""
    signals = _signals(big)
    companies = list(big.companies)
    random.Random(0).shuffle(companies)
    train, test = companies[:2500], companies[2500:]
    keys = list(signals[train[0].true_id])
    scale = {}
    for k in keys:
        values = [signals[c.true_id][k] for c in train]
        good = statistics.mean(signals[c.true_id][k] for c in train if c.solvent)
        bad = statistics.mean(signals[c.true_id][k] for c in train if not c.solvent)
        scale[k] = (statistics.mean(values), statistics.pstdev(values) or 1.0,
                    1.0 if good > bad else -1.0)

    def score(c, use):
        s = signals[c.true_id]
        return sum(scale[k][2] * (s[k] - scale[k][0]) / scale[k][1] for k in use)

    def accuracy(use):
        ranked = sorted((score(c, use), c.solvent) for c in train)
        best_t, best = ranked[0][0], 0.0
        below_bad, above_good = 0, sum(y for _, y in ranked)
        for value, y in ranked:
            acc = (below_bad + above_good) / len(ranked)
            if acc > best:
                best, best_t = acc, value
            above_good -= y
            below_bad += not y
        return sum((score(c, use) >= best_t) == c.solvent for c in test) / len(test)

    base_rate = sum(c.solvent for c in test) / len(test)
    combined = accuracy(keys)
    best_single = max(accuracy([k]) for k in keys)
    assert 0.6 < base_rate < 0.85
    assert combined >= 0.85
    assert best_single < combined - 0.04


def test_tenders_and_buyers(big):
    open_ = [t for t in big.tenders if t.status == "active"]
    done = [t for t in big.tenders if t.status == "complete"]
    assert open_ and done
    today = WORLD_TODAY.isoformat()
    assert all(t.deadline.date().isoformat() > today and not t.awards for t in open_)
    assert all(t.awards and t.deadline.date().isoformat() <= today for t in done)
    assert any(t.cpv[:2] in ("48", "72", "42", "50") for t in open_)
    assert any(t.cpv[:2] not in ("48", "72", "42", "50") for t in open_)
    dates = [t.release_date for t in big.tenders]
    assert dates == sorted(dates)
    suppliers = {r.native_id for r in big.records[SOURCE_TENDERS] if r.role == "supplier"}
    awarded = {r.native_id for t in done for a in t.awards for r in a.suppliers}
    assert awarded == suppliers  # every supplier registration is visible in some award


def test_rejects_empty_world():
    with pytest.raises(ValueError):
        generate_world(0)


def test_websites_state_a_headcount_close_to_the_truth(world):
    """The home-page description names a number a size parser can read, never far off."""
    from leadpipe.demo.views import describe

    for company in world.companies:
        text = describe(company, random.Random(company.seed))
        numbers = [int(n.replace(",", "")) for n in re.findall(
            r"(\d[\d,]*) (?:people|employees|staff)", text)]
        assert len(numbers) == 1, text
        assert 0.5 * company.employees <= numbers[0] <= 1.1 * company.employees + 5, text


_DIGEST = """
import hashlib
from leadpipe.demo.server import respond
from leadpipe.demo.world import generate_world, SOURCE_EXPO
w = generate_world(200, 5)
h = hashlib.sha256()
for c in w.companies + w.buyers:
    h.update(repr((c.name, c.phone, c.domain, c.employees, c.solvent, c.contacts)).encode())
slug = w.records[SOURCE_EXPO][7].native_id
for host, path in [("tenders.demo.leadpipe.test", "/api/releases?page=3"),
                   ("expo.demo.leadpipe.test", "/exhibitors/" + slug),
                   ("directory.demo.leadpipe.test", "/search?page=2")]:
    h.update(respond(w, host, path)[2])
print(h.hexdigest())
"""


def test_deterministic_across_processes_and_hash_seeds():
    """The server and the checking test run in different processes: same world in both."""
    root = Path(__file__).resolve().parent.parent
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        out = subprocess.run([sys.executable, "-c", _DIGEST], env=env, cwd=root, check=True,
                             capture_output=True, text=True, timeout=120)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


@pytest.mark.parametrize("seed", range(8))
def test_tender_timelines_are_consistent(seed):
    """Publication < deadline < award, for every tender of several worlds."""
    w = generate_world(400, seed)
    for t in w.tenders:
        assert t.published < t.deadline
        for award in t.awards:
            assert t.deadline <= award.date
            assert award.date.date() <= WORLD_TODAY
        if not t.awards:
            assert t.published.date() <= WORLD_TODAY < t.deadline.date()

"""Generated company records with realistic corruption, for the resolution benchmark.

Each true company gets 1-5 records from different "sources". Corruption: legal-form variants
(Sdn Bhd / Sdn. Bhd. / Sendirian Berhad / none), case, typos, abbreviations (Industrial ->
Ind., International -> Intl), word swaps, phone formats (+60 3-..., 03-..., (0)...), www /
no-www / https / paths, missing fields, e-mail on the firm's domain or a free-mail box.
Traps: look-alike *different* firms in the same postcode (same brand word, different trade,
sometimes the same building), and hub phones (business-centre switchboards) shared by many
firms.

    python bench/resolve_data.py 100000 /tmp/er100k.parquet [SEED]
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

COUNTRIES = {
    # code: (calling code, trunk, national digits, legal-form variants, street words, city list)
    "MY": ("60", "0", 9, [["Sdn Bhd", "Sdn. Bhd.", "SDN BHD", "Sendirian Berhad", ""],
                          ["Bhd", "Berhad", "Bhd."]],
           ["Jalan", "Lorong", "Persiaran"], ["Kuala Lumpur", "Petaling Jaya", "Penang",
                                             "Johor Bahru", "Ipoh", "Shah Alam"]),
    "GB": ("44", "0", 10, [["Ltd", "Limited", "Ltd.", "LTD", ""], ["PLC", "plc", "P.L.C."]],
           ["Road", "Street", "Lane"], ["London", "Manchester", "Leeds", "Bristol", "Glasgow"]),
    "DE": ("49", "0", 10, [["GmbH", "GMBH", "G.m.b.H.", ""], ["AG", "A.G."]],
           ["Strasse", "Weg", "Allee"], ["Berlin", "Hamburg", "Munchen", "Koln", "Stuttgart"]),
    "NL": ("31", "0", 9, [["B.V.", "BV", "B.V", ""], ["N.V.", "NV"]],
           ["Straat", "Weg", "Laan"], ["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"]),
    "US": ("1", "", 10, [["LLC", "L.L.C.", "Llc", ""], ["Inc", "Inc.", "Incorporated"]],
           ["Street", "Avenue", "Road", "Boulevard"], ["Houston", "Chicago", "Denver", "Austin",
                                                      "Seattle", "Atlanta"]),
    "SG": ("65", "", 8, [["Pte Ltd", "Pte. Ltd.", "PTE LTD", "Private Limited", ""]],
           ["Road", "Avenue", "Street"], ["Singapore"]),
}
TRADES = [
    "Industrial Supplies", "Engineering", "Logistics", "Trading", "Manufacturing",
    "Electrical Services", "Construction", "Technologies", "International", "Holdings",
    "Marine Services", "Food Industries", "Plastics", "Steel Works", "Packaging",
    "Automation", "Precision Engineering", "Chemicals", "Textiles", "Builders", "Consulting",
    "Systems", "Solutions", "Distribution", "Equipment", "Environmental Services",
    "Medical Supplies", "Printing", "Furniture", "Hardware",
]
ABBREV = {"Industrial": "Ind.", "International": "Intl", "Manufacturing": "Mfg",
          "Services": "Svcs", "Engineering": "Eng.", "Technologies": "Tech",
          "Distribution": "Dist.", "Equipment": "Equip.", "Holdings": "Hldgs",
          "Construction": "Constr.", "Systems": "Sys", "Electrical": "Elec."}
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
SYL = ["ka", "ri", "to", "na", "mo", "le", "sa", "ven", "dor", "tek", "lin", "zar", "bel",
       "cor", "mi", "tra", "nex", "vo", "al", "ber", "gen", "pra", "sol", "ta", "ro", "qui",
       "fen", "da", "lux", "mar", "nor", "pel", "sky", "vin", "wex", "yor", "ul", "hon", "ish",
       "ex", "ar", "om", "ty", "bri", "cas", "del", "fra", "gal", "hel", "jo", "kel", "pa",
       "ne", "si", "du", "ko", "ma", "re", "ti", "vu", "lo", "ga", "fi", "zu", "be", "ha",
       "wi", "no", "su", "dan", "ker", "mon", "tal", "ves", "rin", "gor", "lam", "pis", "tor"]


def _brand_words(rng: np.random.Generator, k: int) -> np.ndarray:
    n_syl = rng.choice([2, 3, 4], k, p=[0.1, 0.6, 0.3])
    parts = rng.integers(0, len(SYL), (k, 4))
    words = ["".join(SYL[p] for p in row[:m]).capitalize() for row, m in zip(parts, n_syl,
                                                                               strict=True)]
    return np.array(words, dtype=object)


def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 4:
        return s
    k = int(rng.integers(1, len(s) - 1))
    op = rng.integers(0, 3)
    if op == 0:
        return s[:k] + s[k + 1:]
    if op == 1:
        return s[:k - 1] + s[k] + s[k - 1] + s[k + 1:]
    return s[:k] + "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(0, 26))] + s[k + 1:]


def _phone_format(rng: np.random.Generator, cc: str, trunk: str, nsn: str) -> str:
    style = rng.integers(0, 5)
    if style == 0:
        return f"+{cc}{nsn}"
    if style == 1:
        return f"+{cc} {nsn[:2]} {nsn[2:6]} {nsn[6:]}"
    if style == 2:
        return f"{trunk}{nsn[:2]}-{nsn[2:6]} {nsn[6:]}"
    if style == 3:
        return f"+{cc} ({trunk}){nsn[:2]} {nsn[2:]}" if trunk else f"({nsn[:3]}) {nsn[3:]}"
    return f"{trunk}{nsn}"


def generate(n_records: int, seed: int = 7) -> pa.Table:
    """Records with a ``true_id`` column (the company they really belong to)."""
    rng = np.random.default_rng(seed)
    sizes_p = np.array([0.55, 0.25, 0.12, 0.05, 0.03])
    n_comp = int(n_records / (sizes_p * np.arange(1, 6)).sum()) + 10
    codes = list(COUNTRIES)
    country = rng.choice(len(codes), n_comp, p=[0.3, 0.2, 0.15, 0.1, 0.15, 0.1])
    brands = _brand_words(rng, n_comp)
    brand2 = _brand_words(rng, n_comp)
    two_word = rng.random(n_comp) < 0.35
    trade = rng.integers(0, len(TRADES), n_comp)
    form_kind = (rng.random(n_comp) < 0.1).astype(int)
    postcode = rng.integers(10000, 99999, n_comp)
    street_no = rng.integers(1, 400, n_comp)
    street_name = _brand_words(rng, n_comp)
    street_kind = rng.integers(0, 3, n_comp)
    city_pick = rng.integers(0, 6, n_comp)
    phone_nsn = rng.integers(10**9, 10**10 - 1, n_comp)
    has_site = rng.random(n_comp) < 0.7
    # look-alikes: 8% of firms copy a neighbour's brand, postcode (and often the building)
    look = np.flatnonzero(rng.random(n_comp) < 0.08)
    look = look[look > 0]
    src = look - 1
    is_look = np.zeros(n_comp, bool)
    is_look[look] = True
    brands[look] = brands[src]
    brand2[look] = brand2[src]
    two_word[look] = two_word[src]
    country[look] = country[src]
    postcode[look] = postcode[src]
    same_building = rng.random(len(look)) < 0.5
    street_no[look[same_building]] = street_no[src[same_building]]
    street_name[look] = street_name[src]
    street_kind[look] = street_kind[src]
    city_pick[look] = city_pick[src]
    trade[look] = (trade[src] + rng.integers(1, len(TRADES), len(look))) % len(TRADES)
    # hub phones: business-centre switchboards shared by many firms
    n_hubs = max(n_comp // 2000, 3)
    hub_firms = np.flatnonzero(rng.random(n_comp) < 0.01)
    phone_nsn[hub_firms] = rng.integers(10**9, 10**9 + n_hubs, len(hub_firms))

    per = rng.choice(5, n_comp, p=sizes_p) + 1
    true_id = np.repeat(np.arange(n_comp), per)[:n_records]
    m = len(true_id)
    r = rng.random((m, 12))
    out = {k: [] for k in ("record_id", "source", "name", "street", "postcode", "city",
                           "country", "phone", "website", "email", "first_seen_at", "true_id")}
    sources = ["tenders", "expo", "directory", "registry", "crm"]
    base = np.datetime64("2023-01-01T00:00:00")
    domain_owner: dict[str, int] = {}
    for k in range(m):
        c = int(true_id[k])
        cc = codes[country[c]]
        cal, trunk, ndig, forms, swords, cities = COUNTRIES[cc]
        words = [brands[c]] + ([brand2[c]] if two_word[c] else []) + TRADES[trade[c]].split()
        rr = r[k]
        if rr[0] < 0.25:  # abbreviations
            words = [ABBREV.get(w, w) for w in words]
        if rr[1] < 0.15:  # a typo in one word
            q = int(rng.integers(0, len(words)))
            words[q] = _typo(rng, words[q])
        if rr[2] < 0.05 and len(words) > 1:  # word swap
            q = int(rng.integers(0, len(words) - 1))
            words[q], words[q + 1] = words[q + 1], words[q]
        forms_c = forms[min(form_kind[c], len(forms) - 1)]
        legal = forms_c[int(rng.integers(0, len(forms_c)))]
        name = " ".join(words + ([legal] if legal else []))
        if rr[3] < 0.2:
            name = name.upper()
        elif rr[3] < 0.25:
            name = name.lower()
        nsn = str(phone_nsn[c])[-ndig:]
        phone = _phone_format(rng, cal, trunk, nsn) if rr[4] > 0.25 else None
        if has_site[c] and rr[5] > 0.35:
            dom = f"{brands[c].lower()}{'-' + brand2[c].lower() if two_word[c] else ''}"
            if is_look[c]:  # a look-alike firm has its own site
                dom += "-" + TRADES[trade[c]].split()[0].lower()
            owner = domain_owner.setdefault(dom, c)
            if owner != c:  # the name is taken: firms then register a variant
                dom = f"{dom}{c % 1000}"
            dom += {"MY": ".com.my", "GB": ".co.uk", "DE": ".de", "NL": ".nl", "US": ".com",
                    "SG": ".com.sg"}[cc]
            style = int(rng.integers(0, 4))
            website = [dom, "www." + dom, "https://www." + dom + "/", "http://" + dom +
                       "/contact"][style]
        else:
            dom, website = None, None
        email = None
        if rr[6] < 0.3:
            email = (f"info@{dom}" if dom else
                     f"{brands[c].lower()}{int(rng.integers(1, 99))}@"
                     f"{FREE[int(rng.integers(0, 4))]}")
        street = None
        if rr[7] > 0.2:
            sw = swords[street_kind[c] % len(swords)]
            if cc in ("MY",):
                street = f"{sw} {street_name[c]} {street_no[c]}" if rr[8] < 0.5 else \
                    f"No. {street_no[c]}, {sw} {street_name[c]}"
            elif cc in ("DE", "NL"):
                street = f"{street_name[c]}{sw.lower()} {street_no[c]}"
            else:
                st = sw if rr[8] < 0.5 else {"Road": "Rd", "Street": "St", "Avenue": "Ave",
                                               "Boulevard": "Blvd", "Lane": "Ln"}.get(sw, sw)
                street = f"{street_no[c]} {street_name[c]} {st}"
        out["record_id"].append(f"r{k:07d}")
        out["source"].append(sources[int(rr[9] * 5)])
        out["name"].append(name)
        out["street"].append(street)
        out["postcode"].append(str(postcode[c]) if rr[10] > 0.15 else None)
        out["city"].append(cities[city_pick[c] % len(cities)] if rr[11] > 0.1 else None)
        out["country"].append(cc)
        out["phone"].append(phone)
        out["website"].append(website)
        out["email"].append(email)
        out["first_seen_at"].append(base + np.timedelta64(int(rr[9] * 1e8), "s"))
        out["true_id"].append(f"t{c}")
    order = rng.permutation(m)
    table = pa.table({k: pa.array(v) for k, v in out.items()})
    return table.take(pa.array(order))


if __name__ == "__main__":
    n = int(sys.argv[1])
    path = sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7  # another seed: another world
    pq.write_table(generate(n, seed), path)
    print(f"wrote {n:,} records (seed {seed}) to {path}")

"""A second, independent generator of company records for the resolution benchmark.

``bench/resolve_data.py`` invents brand words from syllables: almost every firm's name holds a
word no other firm has, which makes blocking on the rarest word cheap. Real lists are not like
that. Here names come from Faker's locales (en_GB, en_US, de_DE, fr_FR, nl_NL, es_ES, it_IT):
real surnames, drawn with Zipf frequencies (a few surnames are very common, as in life), and
a small vocabulary of trade words, also Zipf-distributed ("Building", "Services", "Bau",
"Transports"), combined in the shapes real firms use: "Smith Plumbing", "Müller & Schmidt
Bau", "Martin-Bernard", "Leeds Roofing Services", "Rossi e Figli". Many *different* firms
share a surname, a trade word, or their whole name (in another city, with their own phone and
address). Places come from the same locale's Faker providers: postcodes (8 firms to a
postcode on average, as many postcodes as the firms need), each in one town and with two
streets; a firm's website domain is its own (a later firm of the same name registers a
variant, as in life). Legal forms from the locale's own suffixes plus national spellings
(GmbH / G.m.b.H., S.A.R.L. / SARL, B.V. / BV, Ltd / Limited).

Corruption per record: legal form dropped or spelled another way, upper / lower case, a typo
(12%), '&' written 'and' / 'und' / 'et' / 'e' / 'en' / 'y', two words swapped (5%), phones in
three formats, websites with and without www / https / a path, missing phone (30%), website
(35% + firms without one), street (20%), postcode (15%), city (10%); e-mail on the firm's
domain or a free-mail box. Each true company gets 1-5 records (same sizes as the first
generator); the output has the same columns, including ``true_id``.

    python bench/resolve_data_faker.py 1000000 /tmp/er1m_faker.parquet [SEED]
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from faker import Faker

# locale: (country, calling code, national digits, legal-form spellings, '&' words, trades)
LOCALES = {
    "en_GB": ("GB", "44", 10, [["Ltd", "Limited", "Ltd.", "LTD"], ["PLC", "plc"]], ["and"],
              ["Services", "Building", "Plumbing", "Electrical", "Roofing", "Construction",
               "Consulting", "Engineering", "Solutions", "Joinery", "Transport", "Motors",
               "Group", "Associates", "Property", "Cleaning", "Catering", "Haulage",
               "Landscaping", "Accountants", "Design", "Print", "Scaffolding", "Glazing"]),
    "en_US": ("US", "1", 10, [["LLC", "L.L.C.", "Llc"], ["Inc", "Inc.", "Incorporated"]],
              ["and"],
              ["Services", "Construction", "Plumbing", "Electric", "Roofing", "Consulting",
               "Solutions", "Group", "Associates", "Enterprises", "Industries", "Logistics",
               "Trucking", "Landscaping", "Realty", "Auto", "Dental", "Law", "Design",
               "Manufacturing", "Supply", "Contractors", "Insurance", "Partners"]),
    "de_DE": ("DE", "49", 10, [["GmbH", "G.m.b.H.", "GMBH", "Gesellschaft mbH"], ["AG"],
                               ["KG", "GmbH & Co. KG"]], ["und"],
              ["Bau", "Elektro", "Haustechnik", "Metallbau", "Logistik", "Transporte",
               "Immobilien", "Maschinenbau", "Sanitär", "Dachdeckerei", "Gebäudereinigung",
               "Holzbau", "Autohaus", "Steuerberatung", "Consulting", "Service", "Technik",
               "Handel", "Garten", "Malerbetrieb", "Druck", "Spedition"]),
    "fr_FR": ("FR", "33", 9, [["SARL", "S.A.R.L.", "Sarl"], ["SAS", "S.A.S."], ["SA", "S.A."]],
              ["et"],
              ["Bâtiment", "Transports", "Électricité", "Plomberie", "Menuiserie", "Conseil",
               "Services", "Immobilier", "Couverture", "Nettoyage", "Automobiles", "Maçonnerie",
               "Peinture", "Distribution", "Informatique", "Travaux", "Boulangerie",
               "Paysages", "Industrie", "Logistique"]),
    "nl_NL": ("NL", "31", 9, [["B.V.", "BV", "B.V"], ["N.V.", "NV"]], ["en"],
              ["Bouw", "Installatietechniek", "Transport", "Advies", "Schilders", "Techniek",
               "Dienstverlening", "Vastgoed", "Logistiek", "Hoveniers", "Elektro", "Holding",
               "Groep", "Metaal", "Auto", "Schoonmaak", "Timmerwerken", "Makelaardij"]),
    "es_ES": ("ES", "34", 9, [["S.L.", "SL", "S.L"], ["S.A.", "SA"]], ["y"],
              ["Construcciones", "Transportes", "Servicios", "Instalaciones", "Reformas",
               "Asesores", "Inmobiliaria", "Electricidad", "Distribuciones", "Fontanería",
               "Ingeniería", "Consultores", "Logística", "Comercial", "Hermanos", "Talleres"]),
    "it_IT": ("IT", "39", 10, [["S.r.l.", "SRL", "s.r.l.", "Srl"], ["S.p.A.", "SPA", "S.P.A."]],
              ["e"],
              ["Costruzioni", "Trasporti", "Impianti", "Edilizia", "Servizi", "Consulenze",
               "Immobiliare", "Elettrica", "Meccanica", "Arredamenti", "Logistica",
               "Commerciale", "Infissi", "Termoidraulica", "Ristrutturazioni", "Figli"]),
}
LOCALE_SHARE = [0.22, 0.2, 0.18, 0.12, 0.1, 0.09, 0.09]
TLD = {"GB": ".co.uk", "US": ".com", "DE": ".de", "FR": ".fr", "NL": ".nl", "ES": ".es",
       "IT": ".it"}
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de", "orange.fr"]
# name shapes: S surname, T trade word, C city; weights
SHAPES = [("S T", 0.26), ("S & S T", 0.14), ("S-S", 0.08), ("S T T", 0.16), ("C T T", 0.08),
          ("S S T", 0.1), ("S", 0.06), ("T S", 0.06), ("C S T", 0.06)]
FIRMS_PER_PLACE = 8  # firms per postcode on average (GB: ~3 per postcode; DE: hundreds)


def _zipf(k: int, s: float = 1.0) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** s
    return w / w.sum()


def _pools(seed: int, firms: np.ndarray) -> dict[str, dict]:
    """Per locale: surnames (with Zipf weights, shuffled so the order of Faker's list does not
    decide who is common), and places: a postcode, its town and two streets each, as many as
    the locale's firms need for ``FIRMS_PER_PLACE`` firms per postcode."""
    out = {}
    for n, loc in enumerate(LOCALES):
        fake = Faker(loc)
        fake.seed_instance(seed + n)
        person = next(p for p in fake.providers if "person" in type(p).__module__)
        names = person.last_names
        surnames = sorted({s for s in (names.keys() if isinstance(names, dict) else names)
                           if " " not in s and "'" not in s})
        rng = np.random.default_rng(seed + n)
        rng.shuffle(surnames)
        places = max(200, int(firms[n]) // FIRMS_PER_PLACE)
        towns = [fake.city() for _ in range(max(50, places // 20))]  # ~20 postcodes a town
        out[loc] = {
            "surnames": np.array(surnames, dtype=object),
            "surname_p": _zipf(len(surnames), 0.9),
            "postcodes": np.array([fake.postcode() for _ in range(places)], dtype=object),
            "town": np.array([towns[int(k)] for k in rng.integers(0, len(towns), places)],
                             dtype=object),
            "streets": np.array([fake.street_name() for _ in range(2 * places)], dtype=object),
        }
    return out


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


def _phone(rng: np.random.Generator, cc: str, nsn: str) -> str:
    style = int(rng.integers(0, 3))
    if style == 0:
        return f"+{cc} {nsn[:3]} {nsn[3:6]} {nsn[6:]}"
    if style == 1:
        return f"0{nsn}" if cc != "1" else f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
    return f"+{cc}{nsn}"


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == "-")


def generate(n_records: int, seed: int = 11) -> pa.Table:
    """Records with a ``true_id`` column (the company they really belong to)."""
    rng = np.random.default_rng(seed)
    locs = list(LOCALES)
    sizes_p = np.array([0.55, 0.25, 0.12, 0.05, 0.03])
    n_comp = int(n_records / (sizes_p * np.arange(1, 6)).sum()) + 10
    loc_of = rng.choice(len(locs), n_comp, p=LOCALE_SHARE)
    pools = _pools(seed, np.bincount(loc_of, minlength=len(locs)))
    has_site = rng.random(n_comp) < 0.65
    domain_owner: set[str] = set()
    firm_domain: list[str | None] = []
    shape_of = rng.choice(len(SHAPES), n_comp, p=[w for _, w in SHAPES])
    u = rng.random((n_comp, 8))
    firm_name, firm_street, firm_pc, firm_city = [], [], [], []
    firm_form = []
    for c in range(n_comp):
        loc = locs[loc_of[c]]
        pool = pools[loc]
        trades = LOCALES[loc][5]
        tp = _zipf(len(trades), 1.1)
        sur = pool["surnames"][rng.choice(len(pool["surnames"]), 2, p=pool["surname_p"])]
        tr = [trades[t] for t in rng.choice(len(trades), 2, replace=False, p=tp)]
        place = int(u[c, 0] * len(pool["postcodes"]))
        city = pool["town"][place]
        fill = {"S": [sur[0], sur[1]], "T": [tr[0], tr[1]], "C": [city]}
        shape = SHAPES[shape_of[c]][0]
        if shape == "S-S":
            words = [f"{sur[0]}-{sur[1]}"]
        else:
            used = {"S": 0, "T": 0, "C": 0}
            words = []
            for part in shape.split(" "):
                if part in fill:
                    words.append(fill[part][used[part]])
                    used[part] += 1
                else:
                    words.append(part)
        firm_name.append(words)
        street = pool["streets"][2 * place + int(u[c, 1] * 2)]
        firm_street.append(f"{street} {1 + int(u[c, 2] * 250)}")
        firm_pc.append(pool["postcodes"][place])
        firm_city.append(city)
        dom = None
        if has_site[c]:  # a domain belongs to one firm: later ones register a variant
            base = _slug("-".join(w for w in words if w != "&"))
            dom, k = base, 0
            while dom in domain_owner:
                k += 1
                dom = f"{base}-{_slug(city)}" if k == 1 else f"{base}{k}"
            domain_owner.add(dom)
            dom += TLD[LOCALES[loc][0]]
        firm_domain.append(dom)
        forms = LOCALES[loc][3]
        firm_form.append(forms[0] if u[c, 4] < 0.85 else forms[1 + int(u[c, 5] * (len(forms)
                                                                                    - 1))])
    phone_nsn = rng.integers(10**9, 10**10 - 1, n_comp)

    per = rng.choice(5, n_comp, p=sizes_p) + 1
    true_id = np.repeat(np.arange(n_comp), per)[:n_records]
    m = len(true_id)
    r = rng.random((m, 12))
    cols = ("record_id", "source", "name", "street", "postcode", "city", "country", "phone",
            "website", "email", "first_seen_at", "true_id")
    out: dict[str, list] = {k: [] for k in cols}
    sources = ["tenders", "expo", "directory", "registry", "crm"]
    base = np.datetime64("2023-01-01T00:00:00")
    for k in range(m):
        c = int(true_id[k])
        loc = locs[loc_of[c]]
        cc, cal, ndig, _forms, amp, _trades = LOCALES[loc]
        rr = r[k]
        words = list(firm_name[c])
        if rr[0] < 0.3 and "&" in words:
            words[words.index("&")] = amp[0]
        if rr[1] < 0.12:
            q = int(rng.integers(0, len(words)))
            words[q] = _typo(rng, words[q])
        if rr[2] < 0.05 and len(words) > 1:
            q = int(rng.integers(0, len(words) - 1))
            words[q], words[q + 1] = words[q + 1], words[q]
        forms_c = firm_form[c]
        if rr[3] > 0.25:
            words.append(forms_c[int(rng.integers(0, len(forms_c)))])
        name = " ".join(words)
        if rr[4] < 0.15:
            name = name.upper()
        elif rr[4] < 0.2:
            name = name.lower()
        nsn = str(phone_nsn[c])[-ndig:]
        phone = _phone(rng, cal, nsn) if rr[5] > 0.3 else None
        dom, website = firm_domain[c], None
        if dom and rr[6] > 0.35:
            style = int(rng.integers(0, 4))
            website = [dom, "www." + dom, "https://www." + dom + "/", "http://" + dom +
                       "/kontakt"][style]
        email = None
        if rr[7] < 0.25:
            email = (f"info@{dom}" if dom else
                     f"{_slug(firm_name[c][0])}{int(rng.integers(1, 99))}@"
                     f"{FREE[int(rng.integers(0, len(FREE)))]}")
        out["record_id"].append(f"f{k:08d}")
        out["source"].append(sources[int(rr[9] * 5)])
        out["name"].append(name)
        out["street"].append(firm_street[c] if rr[8] > 0.2 else None)
        out["postcode"].append(firm_pc[c] if rr[10] > 0.15 else None)
        out["city"].append(firm_city[c] if rr[11] > 0.1 else None)
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
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 11  # another seed: another world
    pq.write_table(generate(n, seed), path)
    print(f"wrote {n:,} records (seed {seed}) to {path}")

"""Build a name-only company list (name + country) from real exhibitor and registry names.

How it is built (deterministic, seed 20):

1. Real names. Every exhibitor of the HANNOVER MESSE 2026 export, GITEX Africa 2026 and DSEI
   2023 (web fixtures), the 1,000 Companies House BasicCompanyData rows and the SIRENE sample
   rows (registry fixtures): the name as published and the country (ISO alpha-2, from the
   country name or code the source gives). Names of one letter or none, and the catalogues'
   placeholder entries (a word "test" in the name), are skipped. Two
   entries of one country whose names are equal once case, punctuation, spacing and a
   trailing legal form of that country (ISO 20275) are ignored ("Dell Technologies Inc." /
   "Dell Technologies", "Nokia Oyj" / "Nokia") are taken to be one firm listed twice: the
   first is kept.
2. Variants. A third of the firms (chosen at random) get one or two more records, each with
   two to three of the variations real lists show, drawn at random from those that apply:
   the national legal form spelled another way, from the ISO 20275 list of the firm's country
   (local full name <-> abbreviation, "GmbH" <-> "Gesellschaft mit beschränkter Haftung",
   "Ltd" <-> "Limited"), or dropped; upper, lower or title
   case; punctuation dropped or changed (dots, commas, hyphens); '&' written as the country's
   'and' word; a generic word translated (International / Internacional / Intl, Group /
   Gruppe / Groupe, Royal / Koninklijke); a leading "The" dropped; a generic word (Group,
   International, Holding) moved to the other end of the name. No typos: this list measures
   legal forms, translations, case, punctuation and word order.
3. Look-alikes (must stay apart). (a) Different real firms in one country whose names are
   alike (token-sort ratio >= 80 on the folded names, or the same first word, of four letters
   or more and not a generic business word, and at least two words each: "Siemens Energy" /
   "Siemens Mobility"): every such pair of original records is listed. (b) For 80 firms with a
   legal form, a record of the same core name in another country (a foreign firm of the same
   name, a different legal entity). They are truth clusters of their own.

Writes ``records.csv`` (record_id, name, country, source, true_cluster) and
``lookalikes.csv`` (record_id_a, record_id_b, kind)::

    python bench/name_only_list.py <shared fixtures folder> <out folder>
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from enrich.normalise import GENERIC_WORDS, country_code  # noqa: E402
from enrich.normalise.legal_forms import ELF_FILE  # noqa: E402

AND_WORD = {"DE": "und", "AT": "und", "CH": "und", "FR": "et", "BE": "et", "NL": "en",
            "IT": "e", "ES": "y", "PT": "e"}
TRANSLATE = {"international": ["Internacional", "Intl", "Internationale", "Int'l"],
             "group": ["Gruppe", "Groupe", "Grupo", "Groep"],
             "royal": ["Koninklijke", "Royale"],
             "intl": ["International"], "gruppe": ["Group"], "groupe": ["Group"],
             "grupo": ["Group"]}
MOVABLE = {"group", "gruppe", "groupe", "international", "holding", "holdings"}


def _fold(text: str) -> str:
    from anyascii import anyascii

    return re.sub(r"[^a-z0-9]+", " ", anyascii(text).lower()).strip()


def real_names(fixtures: Path) -> list[tuple[str, str, str]]:
    """(name, country, source) of every real entry, in file order."""
    out: list[tuple[str, str, str]] = []
    web, reg = fixtures / "web", fixtures / "registry"
    with (web / "hannover_messe" / "exhibitor_search_export_2026.csv").open(
            encoding="cp1252") as fh:
        next(fh)
        for row in csv.DictReader(fh, delimiter=";"):
            out.append((row["Exhibitor"], country_code(row["Country"]) or "", "hannover"))
    for row in json.loads((web / "gitex_africa_2026" /
                           "exhibitors_derived_from_listing.json").read_text("utf-8")):
        out.append((row["name"], country_code(row.get("country") or "") or "", "gitex"))
    dsei = json.loads((web / "caat_arms_fairs" / "dsei-2023.json").read_text("utf-8"))
    for row in dsei["exhibitor"]:
        out.append((row["name"].strip("'"), (row.get("address") or {}).get("iso2") or "",
                    "dsei"))
    with (reg / "uk_companies_house" / "companieshr__companies_basic_1000.csv").open(
            encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append((row["CompanyName"], "GB", "companies_house"))
    with (reg / "france_sirene" / "sirene_as_api__stock_v2_geo_sirene_sample.csv").open(
            encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append((row["L1_DECLAREE"] or row["L1_NORMALISEE"], "FR", "sirene"))
    return [(n.strip(), c, s) for n, c, s in out
            if len(_fold(n).replace(" ", "")) > 1 and "test" not in _fold(n).split()]


def elf_spellings() -> dict[str, list[list[str]]]:
    """Country -> the spellings of each active legal form (local name first, abbreviations)."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    with ELF_FILE.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["ELF Status ACTV/INAC"] != "ACTV" or not row["Country Code (ISO 3166-1)"]:
                continue
            names = [row["Entity Legal Form name Local name"]]
            names += [a.strip() for a in row["Abbreviations Local language"].split(";")]
            names = [n for n in dict.fromkeys(names) if n and len(n) <= 60]
            if len(names) >= 2:
                out[row["Country Code (ISO 3166-1)"]].append(names)
    return out


def split_form(name: str, country: str, forms: dict) -> tuple[str, list[str] | None]:
    """(the name without its trailing legal form, that form's spellings) or (name, None)."""
    folded = _fold(name)
    best = None
    for spellings in forms.get(country, []):
        for s in spellings:
            fs = _fold(s)
            if fs and (folded.endswith(" " + fs)) and (best is None or len(fs) > best[0]):
                best = (len(fs), spellings)
    if best is None:
        return name, None
    words = name.split()
    want = len(_fold(name)) - best[0]
    for k in range(len(words), 0, -1):  # cut whole words until the rest folds to the core
        core = " ".join(words[:k - 1]).rstrip(" ,")
        if len(_fold(core)) <= want:
            return core, best[1]
    return name, None


def variant(name: str, country: str, forms: dict, rng: np.random.Generator) -> str:
    core, spellings = split_form(name, country, forms)
    form = None
    if spellings:
        current = [s for s in spellings if _fold(name).endswith(_fold(s))]
        form = current[0] if current else spellings[0]
    ops = ["case", "punct", "form"]
    if "&" in core:
        ops.append("and")
    if any(w.lower().strip(".,") in TRANSLATE for w in core.split()):
        ops.append("translate")
    if core.lower().startswith("the "):
        ops.append("the")
    words = core.split()
    if len(words) > 1 and (words[0].lower() in MOVABLE or words[-1].lower() in MOVABLE):
        ops.append("order")
    chosen = set(rng.choice(ops, size=min(len(ops), int(rng.integers(2, 4))), replace=False))
    if "the" in chosen:
        core = core[4:]
    if "order" in chosen:
        words = core.split()
        core = " ".join(words[1:] + words[:1] if words[0].lower() in MOVABLE
                        else words[-1:] + words[:-1])
    if "translate" in chosen:
        out = []
        for w in core.split():
            alts = TRANSLATE.get(w.lower().strip(".,"))
            out.append(str(rng.choice(alts)) if alts else w)
        core = " ".join(out)
    if "and" in chosen:
        core = core.replace("&", AND_WORD.get(country, "and"))
    if "form" in chosen:
        if spellings:
            others = [s for s in spellings if s != form] + [""]
            form = str(rng.choice(others)) or None
    text = f"{core} {form}" if form else core
    if "punct" in chosen:
        style = int(rng.integers(0, 3))
        text = (text.replace(".", "") if style == 0 else
                text.replace("-", " ").replace(",", "") if style == 1 else
                f"{core}, {form}" if form else text)  # "Abura Technik, GmbH"
    if "case" in chosen:
        style = int(rng.integers(0, 3))
        text = text.upper() if style == 0 else text.lower() if style == 1 else text.title()
    return re.sub(r"\s+", " ", text).strip(" ,")


def build(fixtures: Path, seed: int = 20) -> tuple[list[dict], list[tuple[str, str, str]]]:
    from rapidfuzz import fuzz

    rng = np.random.default_rng(seed)
    forms = elf_spellings()
    firms, seen = [], set()
    for name, country, source in real_names(fixtures):
        key = (_fold(split_form(name, country, forms)[0]) or _fold(name), country)
        if key not in seen:
            seen.add(key)
            firms.append((name, country, source))
    records: list[dict] = []
    for k, (name, country, source) in enumerate(firms):
        records.append({"record_id": f"n{k:05d}", "name": name, "country": country,
                        "source": source, "true_cluster": f"c{k:05d}"})
        if rng.random() < 1 / 3:
            for v in range(int(rng.integers(1, 3))):
                text = variant(name, country, forms, rng)
                records.append({"record_id": f"n{k:05d}-v{v + 1}", "name": text,
                                "country": country, "source": "variant",
                                "true_cluster": f"c{k:05d}"})
    look: list[tuple[str, str, str]] = []
    by_country: dict[str, list[int]] = defaultdict(list)
    for k, (_, country, _) in enumerate(firms):
        by_country[country].append(k)
    for members in by_country.values():
        folded = {k: _fold(firms[k][0]) for k in members}
        by_first: dict[str, list[int]] = defaultdict(list)
        for k in members:
            words = folded[k].split()
            if len(words) >= 2 and len(words[0]) >= 4 and words[0] not in GENERIC_WORDS:
                by_first[words[0]].append(k)
        pairs = {(a, b) for group in by_first.values() for i, a in enumerate(group)
                 for b in group[i + 1:]}
        for a, b in sorted(pairs):
            kind = ("alike names" if fuzz.token_sort_ratio(folded[a], folded[b]) >= 80
                    else "same first word")
            look.append((f"n{a:05d}", f"n{b:05d}", kind))
    with_form = [k for k, (n, c, _) in enumerate(firms) if split_form(n, c, forms)[1]]
    countries = sorted({c for _, c, _ in firms if c})
    for k in rng.choice(with_form, size=min(80, len(with_form)), replace=False):
        name, country, _ = firms[int(k)]
        core, _ = split_form(name, country, forms)
        other = str(rng.choice([c for c in countries if c != country]))
        rid = f"n{int(k):05d}-x"
        records.append({"record_id": rid, "name": core, "country": other,
                        "source": "another country", "true_cluster": f"x{int(k):05d}"})
        look.append((f"n{int(k):05d}", rid, "same name, another country"))
    return records, look


def main() -> None:
    fixtures, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    records, look = build(fixtures)
    with (out / "records.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["record_id", "name", "country", "source", "true_cluster"])
        w.writeheader()
        w.writerows(records)
    with (out / "lookalikes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id_a", "record_id_b", "kind"])
        w.writerows(look)
    print(f"wrote {len(records):,} records and {len(look):,} look-alike pairs to {out}")


if __name__ == "__main__":
    main()

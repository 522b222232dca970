"""Corporate body, or sole trader or partnership: the subscriber type that decides which
e-marketing rules apply (UK PECR; the ICO's guidance on business-to-business marketing treats
sole traders and most partnerships as individual subscribers).

Decided per company from, in this order: a source record that says it is a natural person; a
Companies House number (companies and LLPs are corporate bodies, limited partnerships are
not); the legal form in the name (``companies.legal_form``, read through cleanco's
classification and the ISO 20275 Entity Legal Forms list); a public buyer (a public body is a
corporate subscriber). Anything else is "not known": sales then treats the company with the
care an individual gets.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache

import duckdb
import pyarrow as pa
from cleanco import typesources

from enrich.normalise.legal_forms import ELF_FILE, fold_term

CORPORATE = "corporate body"
INDIVIDUAL = "sole trader or partnership"
NOT_KNOWN = "not known"

# cleanco's classifications; the ones not listed decide nothing (a joint venture, a fund).
CLEANCO_TYPES = {
    "Sole Proprietorship": INDIVIDUAL, "General Partnership": INDIVIDUAL,
    "Limited Partnership": INDIVIDUAL,
    "Corporation": CORPORATE, "Limited": CORPORATE, "Limited Liability Company": CORPORATE,
    "Limited Liability Partnership": CORPORATE, "Limited Liability Limited Partnership": CORPORATE,
    "Joint Stock / Unlimited": CORPORATE, "Private Company": CORPORATE,
    "Professional Corporation": CORPORATE, "Professional Limited Liability Company": CORPORATE,
    "No Liability": CORPORATE,
}
# Words of an ELF legal-form name (local or transliterated) that make it a sole trader or a
# partnership; "limited liability partnership" is a corporate body all the same.
_INDIVIDUAL_WORDS = re.compile(
    r"\b(sole|proprietor\w*|partnership|einzel\w*|\w*kaufmann|\w*kauffrau|offene|kommandit\w*|"
    r"komandyt\w*|commandit\w*|accomandita|collectif|collettivo|onder firma|jawna|"
    r"individu\w*|personengesellschaft|partnerschaft\w*)\b")
_CORPORATE_EXCEPTIONS = re.compile(r"\blimited liability partnership\b")
# Companies House number prefixes of limited partnerships (England and Wales, Northern
# Ireland); Scottish ones (SL) have legal personality.
_COH_PARTNERSHIP = ("LP", "NL")


def _elf_type(row: dict[str, str]) -> str:
    names = " ".join(fold_term(row.get(c) or "") for c in (
        "Entity Legal Form name Local name",
        "Entity Legal Form name Transliterated name (per ISO 01-140-10)"))
    if _INDIVIDUAL_WORDS.search(names) and not _CORPORATE_EXCEPTIONS.search(names):
        return INDIVIDUAL
    return CORPORATE


@lru_cache(maxsize=1)
def form_types() -> dict[str, str]:
    """Folded legal-form term -> subscriber type, where the sources agree."""
    votes: dict[str, Counter[str]] = {}
    for kind, suffix in typesources():
        if kind in CLEANCO_TYPES:
            votes.setdefault(fold_term(suffix), Counter())[CLEANCO_TYPES[kind]] += 1
    with ELF_FILE.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row.get("ELF Status ACTV/INAC") != "ACTV":
                continue
            kind = _elf_type(row)
            for col in ("Abbreviations Local language", "Abbreviations transliterated"):
                for abbrev in (row.get(col) or "").split(";"):
                    if (term := fold_term(abbrev)):
                        votes.setdefault(term, Counter())[kind] += 1
    out = {}
    for term, counted in votes.items():
        (best, n), *rest = counted.most_common()
        if not rest or n > rest[0][1]:
            out[term] = best
    return out


def form_type(legal_form: str | None) -> str | None:
    """'GmbH' -> corporate body, 'OHG' -> sole trader or partnership, None when unknown."""
    if not legal_form:
        return None
    term = fold_term(legal_form)
    types = form_types()
    if term in types:
        return types[term]
    if _INDIVIDUAL_WORDS.search(term) and not _CORPORATE_EXCEPTIONS.search(term):
        return INDIVIDUAL
    return None


def _coh_type(identifiers: list[str] | None) -> str | None:
    for ident in identifiers or []:
        scheme, _, number = ident.partition(":")
        if scheme.upper() == "GB-COH" and number:
            return INDIVIDUAL if number.upper().startswith(_COH_PARTNERSHIP) else CORPORATE
    return None


COMPANY_FACTS_SQL = """
SELECT c.company_id, c.legal_form, c.identifiers,
       coalesce(bool_or(r.is_natural_person), false) AS natural_person,
       coalesce(bool_or(r.role = 'buyer'), false) AS public_buyer
FROM companies c
LEFT JOIN company_links l USING (company_id)
LEFT JOIN source_records r USING (record_id)
GROUP BY c.company_id, c.legal_form, c.identifiers
"""


def decide(legal_form: str | None, identifiers: list[str] | None, natural_person: bool,
           public_buyer: bool) -> tuple[str, str]:
    """The subscriber type and the plain words that say why."""
    if natural_person:
        return INDIVIDUAL, "a source lists it as a person"
    if (kind := _coh_type(identifiers)) is not None:
        return kind, "Companies House number"
    if (kind := form_type(legal_form)) is not None:
        return kind, f"legal form {legal_form}"
    if public_buyer:
        return CORPORATE, "a public buyer"
    return NOT_KNOWN, "no legal form or registry entry"


def refresh_subscriber_types(con: duckdb.DuckDBPyConnection) -> int:
    """Decide every company's subscriber type again; return how many companies were decided.

    ``decide`` runs once per distinct set of facts, not once per company: a million companies
    share few legal forms, and the answers are joined back to the companies in DuckDB."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE subscriber_facts AS {COMPANY_FACTS_SQL}")
    kinds = con.sql("SELECT DISTINCT legal_form, identifiers, natural_person, public_buyer "
                    "FROM subscriber_facts").to_arrow_table()
    decided = [decide(*row.values()) for row in kinds.to_pylist()]
    table = kinds.append_column("subscriber_type", pa.array([d[0] for d in decided],
                                                            pa.string()))
    table = table.append_column("reason", pa.array([d[1] for d in decided], pa.string()))
    now = datetime.now(UTC).replace(tzinfo=None)
    con.register("staged_subscriber_types", table)
    try:
        con.execute("DELETE FROM company_subscriber_types")
        con.execute(
            "INSERT INTO company_subscriber_types SELECT f.company_id, d.subscriber_type, "
            "d.reason, ? FROM subscriber_facts f JOIN staged_subscriber_types d "
            "ON f.legal_form IS NOT DISTINCT FROM d.legal_form "
            "AND f.identifiers IS NOT DISTINCT FROM d.identifiers "
            "AND f.natural_person = d.natural_person AND f.public_buyer = d.public_buyer", [now])
        return con.execute("SELECT count(*) FROM subscriber_facts").fetchall()[0][0]
    finally:
        con.unregister("staged_subscriber_types")
        con.execute("DROP TABLE IF EXISTS subscriber_facts")

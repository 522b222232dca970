"""Registration ids in the words a salesperson reads: "commercial register HRB 12345, register
court München", "VAT DE123456789", "company number 04567890".

The warehouse keeps ids in the landing contract's ``SCHEME:ID`` form, which resolution compares
(``DE-CR:HRB12345@MUENCHEN``: the register court folded so that spellings meet). That form is a
key, not text for people: this module is the one place it is turned back into words, as SQL, so
that the export view renders a million rows without a Python call per row.

A German register court is named by its place; the folded key is looked up among the German
place names of the bundled geography (``sales/geodata``), and a court that table does not know
is written from its key ("Muenchen"), which a reader still recognises.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import lru_cache

from enrich.normalise.register_courts import COURT_MARK, court_key
from enrich.normalise.register_courts import SCHEME as REGISTER_SCHEME
from enrich.pages.identifiers import SCHEME_LABELS
from sales.geo import CITIES_FILE, POSTAL_FILE

# Words that make a postal "first place" an organisation (a bank, an insurer, a court's own
# post box) rather than a place.
_NOT_A_PLACE = ("gmbh", " ag", "kg", "versicherung", "bank", "amtsgericht", "gericht", "stadt ",
                "verwaltung", "deutsche", "post", "&", "der oberbürgermeister", "landesamt")
# A place named on fewer postcodes is a village, not a register court's seat: left out, it is
# written from its key, and the SQL stays small.
_MIN_VOTES = 3


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@lru_cache(maxsize=1)
def court_names() -> dict[str, str]:
    """Folded court key -> the place as people write it, for keys whose words differ from a
    plain capitalisation of the key (MUENCHEN -> München, FRANKFURTAMMAIN -> Frankfurt am
    Main). The spelling most postcodes carry wins; a city of the cities table counts as many.
    Register courts sit in towns: places on fewer than ``_MIN_VOTES`` postcodes are left out."""
    votes: Counter[tuple[str, str]] = Counter()
    with POSTAL_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["country_code"] == "DE":
                votes[(court_key(row["first_place"]) or "", row["first_place"])] += 1
    with CITIES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["countrycode"] == "DE":
                votes[(court_key(row["name"]) or "", row["name"])] += 100
    best: dict[str, tuple[int, str]] = {}
    for (key, name), count in votes.items():
        if count < _MIN_VOTES or not key or any(w in f" {name.lower()} " for w in _NOT_A_PLACE):
            continue
        if key not in best or (count, name) > best[key]:
            best[key] = (count, name)
    return {key: name for key, (_, name) in sorted(best.items())
            if name != key.capitalize()}


def _courts_values_sql() -> str:
    """SQL: the court names as a VALUES table ``(court, court_name)``; a join, because a list or
    MAP literal in an expression is built again for every row."""
    rows = ", ".join(f"({_sql_text(k)}, {_sql_text(v)})" for k, v in court_names().items())
    return f"(VALUES {rows}) AS register_courts(court, court_name)"


def _label_sql(scheme: str) -> str:
    labels = " ".join(f"WHEN {_sql_text(s)} THEN {_sql_text(label)}"
                      for s, label in SCHEME_LABELS.items())
    return (f"CASE {scheme} {labels} ELSE CASE WHEN ends_with({scheme}, '-VAT') THEN 'VAT' "
            "ELSE 'registration' END END")


def registration_words_sql(source: str, key: str, ids: str) -> str:
    """SQL: a subquery of ``(key, registration_ids)``, one row per row of ``source`` whose list
    ``ids`` of ``SCHEME:ID`` texts is not empty, the ids in words, in their order, '; '-joined.

    'DE-CR:HRB12345B@MUENCHEN' -> 'commercial register HRB 12345 B, register court München';
    'DE-VAT:DE123456789' -> 'VAT DE123456789'; a scheme without a label -> 'registration …'."""
    number = f"split_part(value, '{COURT_MARK}', 1)"
    register = (f"trim(regexp_replace({number}, '^([A-Z]+)([0-9]+)([A-Z]*)$', '\\1 \\2 \\3'))"
                " || coalesce(', register court ' || coalesce(court_name, "
                "upper(left(court, 1)) || lower(substr(court, 2))), '')")
    return f"""
SELECT {key}, string_agg(
         {_label_sql("scheme")} || ' ' ||
         CASE WHEN scheme = {_sql_text(REGISTER_SCHEME)} THEN {register} ELSE value END,
         '; ' ORDER BY pos) AS registration_ids
FROM (
    SELECT {key}, pos, scheme, value,
           CASE WHEN scheme = {_sql_text(REGISTER_SCHEME)}
                THEN nullif(split_part(value, '{COURT_MARK}', 2), '') END AS court
    FROM (SELECT {key}, pos, split_part(ident, ':', 1) AS scheme,
                 substr(ident, length(split_part(ident, ':', 1)) + 2) AS value
          FROM (SELECT {key}, unnest({ids}) AS ident, generate_subscripts({ids}, 1) AS pos
                FROM {source} WHERE len({ids}) > 0))
) LEFT JOIN {_courts_values_sql()} USING (court)
GROUP BY {key}"""

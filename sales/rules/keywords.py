"""Keywords: the profile's words appear in the company's name, categories or description."""

from __future__ import annotations

import re

from sales import sqlrow
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql

SHOWN = 3  # words named in the sentence

_WORD = r"\p{L}\p{N}_"  # what a word is made of (letters, digits, underscore, any script)


def word_pattern(word: str) -> str:
    """The word, whole, or its plural ("machine" finds "machines", never "machinery")."""
    return rf"(?i)(^|[^{_WORD}]){re.escape(word)}(s|es)?([^{_WORD}]|$)"


@fit_rule(code="keywords", order=20, reads=("name", "categories", "description", "listing_url"),
          sql=True)
def keywords(profile: IcpProfile) -> str:
    """The profile's keyword points per distinct whole word found, up to its maximum."""
    by_lower = {w.lower(): w for w in profile.keywords}
    words = sorted(by_lower.values())
    if not words:
        return "NULL"
    hay = ("concat_ws(' ', name, array_to_string(coalesce(categories, []::VARCHAR[]), ' '), "
           "description)")
    # contains() on the lower-cased text is a cheap necessary condition: the regular
    # expression runs only where the word's letters are there at all. The words found are
    # joined by a separator no keyword holds (string functions, no per-element lambdas). The
    # text is written out where it is used (DuckDB computes a repeated expression once) and
    # only the words found are bound: a lambda nested in another is five times slower.
    found = ", ".join(f"CASE WHEN contains(lower({hay}), {sqlrow.text(w.lower())}) AND "
                      f"regexp_matches({hay}, {sqlrow.text(word_pattern(w))}) "
                      f"THEN {sqlrow.text(w)} END" for w in words)
    hits = "string_split(found, chr(31))"
    points = (f"round(least({sqlrow.number(profile.points.keywords_max)}, "
              f"{sqlrow.number(profile.points.keyword)} * len({hits})), 3)")
    reason = reason_sql("keywords", f"'mentions ' || array_to_string({hits}[1:{SHOWN}], ', ')",
                        points, url="listing_url")
    return sqlrow.let(f"concat_ws(chr(31), {found})", "found",
                      f"CASE WHEN found <> '' THEN {reason} END")

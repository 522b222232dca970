"""VAT numbers and company registration ids a site prints (imprint, footer, schema.org vatID).

Each id keeps its scheme and its prefix: ``DE123456789`` is ``DE-VAT:DE123456789``,
"Amtsgericht Köln, HRB 12345" is ``DE-CR:HRB12345@KOELN`` (the register's kind is part of
the number: HRB 12345 and HRA 12345 are different firms, and so are HRB 12345 at two register
courts, so the court printed nearest is kept: ``enrich.normalise.register_courts``), a French
VAT number also gives the SIREN inside it. Ids go through the project's one identifier normaliser
(``enrich.normalise.org_identifier``), so they are the landing contract's ``SCHEME:ID`` form
that resolution compares (``normalise_identifier``) and registry records carry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from enrich.normalise import org_identifier
from spiders.landing_fields import identifier_text

_SEP = r"[\s.\-]?"


@dataclass(frozen=True)
class PrintedId:
    """One id found on a page: its scheme (org-id.guide code), the id, and how it was printed."""

    scheme: str
    id: str
    printed: str

    @property
    def key(self) -> str:
        """The landing contract's 'SCHEME:ID' text."""
        return identifier_text({"scheme": self.scheme, "id": self.id})


# Each scheme in plain words, for what sales reads ("VAT DE123456789", "register HRB12345").
SCHEME_LABELS = {
    "DE-CR": "commercial register", "GB-COH": "company number", "FR-SIREN": "SIREN",
    "FR-SIRET": "SIRET", "NO-BRC": "organisation number", "DK-CVR": "CVR number",
    "NL-KVK": "KvK number", "BE-BCE_KBO": "enterprise number", "XI-LEI": "LEI",
}


def scheme_label(scheme: str) -> str:
    """A scheme in plain words: ``DE-VAT`` is "VAT", ``GB-COH`` "company number"."""
    return "VAT" if scheme.endswith("-VAT") else SCHEME_LABELS.get(scheme, "registration")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _vat(country: str) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    return lambda m: [(f"{country}-VAT", m.group(0))]


def _fr_vat(m: re.Match[str]) -> list[tuple[str, str]]:
    return [("FR-VAT", m.group(0)), ("FR-SIREN", _digits(m.group(0))[-9:])]


def _dk_vat(m: re.Match[str]) -> list[tuple[str, str]]:
    return [("DK-VAT", m.group(0)), ("DK-CVR", _digits(m.group(0)))]


def _be_vat(m: re.Match[str]) -> list[tuple[str, str]]:
    return [("BE-VAT", m.group(0)), ("BE-BCE_KBO", _digits(m.group(0)).zfill(10))]


def _no_vat(m: re.Match[str]) -> list[tuple[str, str]]:
    return [("NO-BRC", _digits(m.group(0)))]


def _group(scheme: str, fix: Callable[[str], str] = lambda v: v
           ) -> Callable[[re.Match[str]], list[tuple[str, str]]]:
    return lambda m: [(scheme, fix(m.group("id")))]


def _de_register(m: re.Match[str]) -> list[tuple[str, str]]:
    return [("DE-CR", f"{m.group('kind').upper()} {m.group('id')}{m.group('suffix') or ''}")]


# The register court printed with a German register number: "Registergericht: Amtsgericht
# Köln, HRB 12345", "HRB 12345, AG München", "Handelsregister des Amtsgerichts Frankfurt am
# Main unter HRB 12345", "Amtsgericht Berlin (Charlottenburg)".
_PLACE = r"[A-ZÄÖÜ][a-zäöüß]+"
_COURT = re.compile(
    r"(?:\bAmtsgerichts?|\bRegistergericht\s*:?(?:\s*Amtsgerichts?)?|"
    r"(?:^|(?<=[:,;(·]))\s*AG)\s+"
    rf"(?!Amtsgericht|Registergericht|Handelsregister)(?P<court>{_PLACE}"
    rf"(?:-{_PLACE}|\s(?:am|an der|im|in der|vor der)\s{_PLACE}|\s?\({_PLACE}\))*)",
    re.MULTILINE)
_COURT_REACH = 160  # characters between a court and the number it keeps


def _court_near(text: str, number: re.Match[str]) -> str | None:
    """The court printed nearest to a register number (before or after it), if any."""
    lo, hi = number.start(), number.end()
    best: tuple[int, str] | None = None
    for court in _COURT.finditer(text, max(0, lo - _COURT_REACH), hi + _COURT_REACH):
        gap = lo - court.end() if court.end() <= lo else court.start() - hi
        if gap >= 0 and (best is None or gap < best[0]):
            best = (gap, court["court"])
    return best[1] if best else None


def _siret(m: re.Match[str]) -> list[tuple[str, str]]:
    digits = _digits(m.group("id"))
    return [("FR-SIRET", digits), ("FR-SIREN", digits[:9])]


def _gb_company(value: str) -> str:
    value = value.replace(" ", "").upper()
    return value.zfill(8) if value.isdigit() else value


# (pattern, what it gives, words without which it cannot match). VAT numbers carry their
# country prefix, so they are found unlabelled; registration numbers are bare digits and need
# their label. A pattern runs only on text that holds one of its words (a word in lower case
# is looked for case-folded, as its pattern ignores case): most pages hold none of them.
Reader = Callable[[re.Match[str]], list[tuple[str, str]]]
PATTERNS: tuple[tuple[re.Pattern[str], Reader, tuple[str, ...]], ...] = (
    (re.compile(rf"\bDE{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}\b"), _vat("DE"), ("DE",)),
    (re.compile(r"\bATU\s?\d{8}\b"), _vat("AT"), ("ATU",)),
    (re.compile(r"\bFR\s?[0-9A-HJ-NP-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}\b"), _fr_vat, ("FR",)),
    (re.compile(r"\b(?:GB|XI)\s?\d{3}\s?\d{4}\s?\d{2}(?:\s?\d{3})?\b"),
     lambda m: [(f"{m.group(0)[:2]}-VAT", m.group(0))], ("GB", "XI")),
    (re.compile(r"\bNL\s?\d{9}\s?B\s?\d{2}\b"), _vat("NL"), ("NL",)),
    (re.compile(r"\bBE\s?0?[01]?\d{2,3}[.\s]?\d{3}[.\s]?\d{3}\b"), _be_vat, ("BE",)),
    (re.compile(r"\bDK\s?\d{2}\s?\d{2}\s?\d{2}\s?\d{2}\b"), _dk_vat, ("DK",)),
    (re.compile(r"\bIT\s?\d{11}\b"), _vat("IT"), ("IT",)),
    (re.compile(r"\bES\s?[A-Z0-9]\d{7}[A-Z0-9]\b"), _vat("ES"), ("ES",)),
    (re.compile(r"\bNO\s?\d{3}\s?\d{3}\s?\d{3}\s?MVA\b"), _no_vat, ("MVA",)),
    (re.compile(r"\b(?P<kind>HRB|HRA|GnR)\s?(?P<id>\d{1,6})(?P<suffix>\s?[A-Z]{1,2}\b)?"
                r"(?=[^\w]|$)"), _de_register, ("HRB", "HRA", "GnR")),
    (re.compile(r"(?i:\b(?:company|registration|registered|reg\.?)\s*(?:no|number|nr)\.?|"
                r"companies house (?:no\.?|number))\s*:?\s*"
                r"(?P<id>(?:SC|NI|OC|SO|NC|R0)?\s?\d{6,8})\b"), _group("GB-COH", _gb_company),
     ("compan", "reg")),
    (re.compile(r"(?i:\bsiret)\s*(?:n[°o]\.?)?\s*:?\s*(?P<id>\d{3}\s?\d{3}\s?\d{3}\s?\d{5})\b"),
     _siret, ("siret",)),
    (re.compile(r"(?i:\bsiren|\bRCS\s+[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)?)\s*(?:n[°o]\.?)?\s*:?\s*"
                r"(?P<id>\d{3}\s?\d{3}\s?\d{3})\b(?!\s?\d)"), _group("FR-SIREN", _digits),
     ("siren", "rcs")),
    (re.compile(r"(?i:\borg(?:anisasjons)?\.?\s?(?:nr|nummer)\.?|\bforetaksregisteret)"
                r"\s*:?\s*(?P<id>\d{3}\s?\d{3}\s?\d{3})\b"), _group("NO-BRC", _digits),
     ("org", "foretaksregisteret")),
    (re.compile(r"(?i:\bCVR(?:-?(?:nr|nummer))?\.?)\s*:?\s*(?P<id>\d{2}\s?\d{2}\s?\d{2}\s?\d{2})"
                r"\b"), _group("DK-CVR", _digits), ("cvr",)),
    (re.compile(r"(?i:\bKvK(?:-?(?:nummer|nr))?\.?)\s*:?\s*(?P<id>\d{8})\b"),
     _group("NL-KVK"), ("kvk",)),
)


_FOLDED_WORDS = frozenset(w for _, _, words in PATTERNS for w in words if w.islower())
_CASED_WORDS = frozenset(w for _, _, words in PATTERNS for w in words if not w.islower())


def printed_ids(text: str) -> list[PrintedId]:
    """Every VAT and registration id in ``text``, each once, in the order printed."""
    found: list[tuple[int, PrintedId]] = []
    folded = text.casefold()
    present = ({w for w in _CASED_WORDS if w in text}
               | {w for w in _FOLDED_WORDS if w in folded})
    for pattern, read, words in PATTERNS:
        if present.isdisjoint(words):
            continue
        for match in pattern.finditer(text):
            found_ids = read(match)
            if read is _de_register:  # the number is unique only with its court
                court = _court_near(text, match)
                found_ids = [(scheme, f"{raw}@{court}" if court else raw)
                             for scheme, raw in found_ids]
            for scheme, raw in found_ids:
                ident = org_identifier(scheme, raw)
                if ident is not None:
                    printed = " ".join(match.group(0).split())
                    found.append((match.start(), PrintedId(ident["scheme"], ident["id"],
                                                           printed)))
    found.sort(key=lambda pair: pair[0])
    out: dict[str, PrintedId] = {}
    for _, printed in found:
        out.setdefault(printed.key, printed)
    return list(out.values())


def vat_id(value: str) -> list[PrintedId]:
    """A schema.org ``vatID``/``taxID`` value: the same patterns, else nothing."""
    return printed_ids(value)

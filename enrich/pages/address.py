"""The postal address a site prints: schema.org PostalAddress first, else address-like text
with a postcode ("Hauptstraße 5, 50667 Köln", "12 Mill Lane, Leeds LS1 4AB")."""

from __future__ import annotations

import re
from typing import Any

import lxml.html

from enrich.pages.structured import text

POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{4}\s?[A-Z]{2}|(?:[A-Z]{1,2}-)?\d{4,5})\b")
_CAP = "A-ZÄÖÜÅÆØÉ"
_LOW = r"\wäöüßåæøé.'’\-"
_TOWN = r"\wäöüßåæøé'’\-"
# Street words of the continental "street, number" order (Hauptstraße 5, Kerkstraat 12).
_SUFFIX = (r"stra(?:ß|ss)e|str\.|weg|gasse|platz|allee|ring|damm|ufer|markt|chaussee|steig|"
           r"pfad|straat|laan|plein|gracht|kade|singel|vej|gade|veien|vegen|gata|gatan|vei")
_WORD_STREET = r"(?:Stra(?:ß|ss)e|Str\.|Weg|Allee|Platz|Ring|Gasse|Damm|Straat|Laan)"
# "Hauptstraße 5, 50667 Köln" (street and number, then postcode and town).
STREET_FIRST = re.compile(
    rf"(?P<street>(?:[{_CAP}][{_TOWN}]+\s{_WORD_STREET}|[{_CAP}][{_TOWN}]*(?:{_SUFFIX}))"
    rf"\s\d{{1,4}}\s?[a-z]?)\s*,?\s*"
    rf"(?P<postcode>(?:[A-Z]{{1,2}}-)?\d{{4,5}}|\d{{4}}\s?[A-Z]{{2}})\s+"
    rf"(?P<city>[{_CAP}][{_TOWN}]+(?:\s[{_CAP}][{_TOWN}]+)?)")
# "12 Mill Lane, Leeds LS1 4AB" (number first; a UK postcode after the town).
NUMBER_FIRST = re.compile(
    r"(?P<street>\d{1,4}[a-z]?\s[A-Z][\w'’ ]{2,40}?),\s*(?P<city>[A-Z][\w'’ ]{2,30}?),?\s+"
    r"(?P<postcode>[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b")
# "12 rue de la Paix, 75002 Paris" (number first, then a French or similar street word).
NUMBER_FIRST_CONTINENTAL = re.compile(
    rf"(?P<street>\d{{1,4}}(?:\s?(?:bis|ter))?,?\s(?i:rue|avenue|av\.|boulevard|bd|place|"
    rf"chemin|allée|impasse|quai|route|via|viale|piazza|calle|avenida)\s[{_TOWN} ]{{2,40}}?)"
    rf",?\s+(?P<postcode>\d{{4,5}})\s+(?P<city>[{_CAP}][{_TOWN}]+(?:\s[{_CAP}][{_TOWN}]+)?)")
MAX_CHARS = 300


def _line(parts: list[str | None]) -> str | None:
    out = ", ".join(p for p in parts if p)
    return out[:MAX_CHARS] or None


def from_schema(item: Any) -> str | None:
    """A schema.org PostalAddress (or an address printed as one text) as one line."""
    if isinstance(item, list):
        return next((a for a in map(from_schema, item) if a), None)
    if not isinstance(item, dict):
        return text(item)
    town = " ".join(p for p in (text(item.get("postalCode")), text(item.get("addressLocality")))
                    if p)
    return _line([text(item.get("streetAddress")), text(item.get("postOfficeBoxNumber")), town,
                  text(item.get("addressRegion")), text(item.get("addressCountry"))])


def from_markup(doc: lxml.html.HtmlElement) -> str | None:
    """The first ``<address>`` element that holds a postcode, as one line."""
    for element in doc.iter("address"):
        lines = [" ".join(t.split()) for t in element.itertext()]
        joined = ", ".join(t for t in lines if t)
        if POSTCODE.search(joined):
            return joined[:MAX_CHARS]
    return None


def from_text(page_text: str) -> str | None:
    """The first street-and-postcode phrase in running text, as one line."""
    for pattern in (STREET_FIRST, NUMBER_FIRST_CONTINENTAL, NUMBER_FIRST):
        found = pattern.search(page_text)
        if found:
            street, postcode, city = (" ".join(found.group(g).split())
                                      for g in ("street", "postcode", "city"))
            if pattern is not NUMBER_FIRST:
                return _line([street, f"{postcode} {city}"])
            return _line([street, f"{city} {postcode}"])
    return None

"""Where a company is and how far it is from the profile's home base, offline.

Places come from the bundled GeoNames tables in ``sales/geodata/`` (see its PROVENANCE.md):
postal-code centroids first (the most precise thing a source prints), then city coordinates.
A company neither table knows is "location unknown": it is never treated as if it were far.

A home base is written as a postcode, a city or ``"lat,lon"``, optionally followed by a
country code (``"LS1, GB"``, ``"Leeds, GB"``); a postcode that several countries use needs it.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEODATA = Path(__file__).with_name("geodata")
POSTAL_FILE = GEODATA / "postal_centroids.csv"
CITIES_FILE = GEODATA / "cities.csv"
EARTH_RADIUS_KM = 6371.0088
UNKNOWN_TEXT = "location unknown"
_LAT_LON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


class UnknownHomeBase(ValueError):
    """A home base that is not a known postcode, city or pair of coordinates."""


@dataclass(frozen=True)
class Place:
    """A point on the map and the name a salesperson knows it by."""

    latitude: float
    longitude: float
    label: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def postal_key(postcode: str | None, country: str | None) -> str | None:
    """The part of a postcode the centroid table is keyed by: the UK outward code ("LS1 4AP"
    → "LS1"), the Dutch four digits ("1011 AB" → "1011"), the Irish routing key ("D02 X285"
    → "D02"), otherwise the code without spaces."""
    if not postcode:
        return None
    text = postcode.strip().upper()
    country = (country or "").upper()
    if country == "GB":
        head = text.split()[0] if " " in text else (text[:-3] if len(text) >= 5 else text)
        return head or None
    if country == "NL":
        digits = re.fullmatch(r"(\d{4})\s*(?:[A-Z]{2})?", text)
        return digits.group(1) if digits else None
    if country == "IE":
        return text.replace(" ", "")[:3] or None
    return text.replace(" ", "") or None


@lru_cache(maxsize=1)
def _postcodes() -> dict[tuple[str, str], Place]:
    with POSTAL_FILE.open(encoding="utf-8", newline="") as fh:
        return {
            (r["country_code"], r["postal_code"].upper().replace(" ", "")): Place(
                float(r["latitude"]), float(r["longitude"]), r["first_place"]
            )
            for r in csv.DictReader(fh)
        }


@lru_cache(maxsize=1)
def _cities() -> dict[tuple[str, str], Place]:
    """(country, folded name) → the most populous city of that name."""
    best: dict[tuple[str, str], tuple[int, Place]] = {}
    with CITIES_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["countrycode"], _fold(r["name"]))
            population = int(r["population"] or 0)
            if key not in best or population > best[key][0]:
                place = Place(float(r["latitude"]), float(r["longitude"]), r["name"])
                best[key] = (population, place)
    return {k: v[1] for k, v in best.items()}


@lru_cache(maxsize=65536)
def locate(country: str | None, postcode: str | None, city: str | None) -> Place | None:
    """A company's place from its postcode, else its city, within its country; None when
    neither is known (or the country is unknown)."""
    if not country:
        return None
    country = country.upper()
    key = postal_key(postcode, country)
    if key and (country, key) in _postcodes():
        return _postcodes()[(country, key)]
    if city:
        return _cities().get((country, _fold(city)))
    return None


def _split_country(text: str) -> tuple[str, str | None]:
    head, sep, tail = text.rpartition(",")
    if sep and re.fullmatch(r"\s*[A-Za-z]{2}\s*", tail):
        return head.strip(), tail.strip().upper()
    return text.strip(), None


@lru_cache(maxsize=64)
def home_place(home_base: str) -> Place:
    """The home base as a place; ``UnknownHomeBase`` names what could not be found."""
    match = _LAT_LON.match(home_base)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UnknownHomeBase(f"home_base {home_base!r}: latitude or longitude out of range")
        return Place(lat, lon, "the home base")
    text, country = _split_country(home_base)
    if not text:
        raise UnknownHomeBase(f"home_base {home_base!r} is empty")
    countries = [country] if country else sorted({c for c, _ in _postcodes()})
    by_postcode = {}
    if any(ch.isdigit() for ch in text):  # every postcode of the bundled countries has one
        by_postcode = {c: _postcodes()[(c, k)] for c in countries
                       if (k := postal_key(text, c)) and (c, k) in _postcodes()}
    if len(by_postcode) == 1:
        return next(iter(by_postcode.values()))
    folded = _fold(text)
    by_city = [(c, p) for (c, name), p in _cities().items() if name == folded and c in countries]
    if len(by_city) == 1:
        return by_city[0][1]
    if len(by_postcode) > 1 or len(by_city) > 1:
        where = sorted({c for c in by_postcode} | {c for c, _ in by_city})
        raise UnknownHomeBase(
            f"home_base {home_base!r} is found in several countries ({', '.join(where)}); "
            f"add the country, e.g. \"{text}, {where[0]}\""
        )
    raise UnknownHomeBase(
        f"home_base {home_base!r} is not a known postcode, city or \"lat,lon\""
    )

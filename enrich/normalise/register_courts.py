"""German register numbers with their register court: ``HRB 12345`` at ``Amtsgericht München``.

A German commercial register number is only unique with the court that keeps the register:
Amtsgericht München HRB 12345 and Amtsgericht Köln HRB 12345 are two firms. The ``DE-CR`` id
therefore keeps the court where a source gives it, after an ``@``: ``HRB12345@MUENCHEN``
(the place folded: upper case, umlauts as AE/OE/UE, ß as SS, accents and punctuation dropped, so
"München", "Muenchen" and "AG München" meet). A number printed without its court keeps the
plain form ``HRB12345``; resolution neither links nor separates it from the same number with a
court (``enrich.normalise.identifiers.identifier_keys_array``).
"""

from __future__ import annotations

import re

from enrich.normalise.text import strip_accents

SCHEME = "DE-CR"
COURT_MARK = "@"

# HRA/HRB (commercial), GnR (cooperatives), PR (partnerships), VR (associations), GsR (civil
# law partnerships); a suffix of one or two letters belongs to the number (HRB 12345 B).
_NUMBER = re.compile(r"\b(?P<kind>HRA|HRB|GNR|GSR|PR|VR)\s*(?P<num>\d{1,6})"
                     r"(?:\s*(?!AG\b)(?P<suffix>[A-Z]{1,2})\b)?", re.IGNORECASE)
# Words around a court's place name that are not part of it.
_COURT_WORDS = re.compile(
    r"\b(?:amtsgerichts?|registergerichts?|handelsregisters?|genossenschaftsregisters?|"
    r"partnerschaftsregisters?|vereinsregisters?|register(?:nummer|gericht)?|ag|des|beim|"
    r"bei|dem|unter|eingetragen|sitz|deutschland|germany|local|district|court|of)\b", re.IGNORECASE)
_UMLAUTS = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "ẞ": "SS"})
# One court, several spellings: Berlin's register court is the Amtsgericht Charlottenburg.
_ALIASES = {"BERLIN": "CHARLOTTENBURG", "BERLINCHARLOTTENBURG": "CHARLOTTENBURG"}


def court_key(text: str | None) -> str | None:
    """A register court's place, folded: 'Amtsgericht München' -> 'MUENCHEN' (None if none)."""
    if not text:
        return None
    plain = _COURT_WORDS.sub(" ", text).upper().translate(_UMLAUTS)  # 'ß'.upper() is 'SS'
    folded = re.sub(r"[^A-Z]", "", strip_accents(plain))
    return _ALIASES.get(folded, folded) or None


def register_id(text: str, court: str | None = None) -> str | None:
    """A German register number as printed, with its court if known -> the ``DE-CR`` id.

    'HRB 12345' -> 'HRB12345'; 'Amtsgericht München HRB 12345', 'HRB 12345, AG München' and
    ('HRB 12345', 'München') -> 'HRB12345@MUENCHEN'; an id already in that form is kept.
    None when the text holds no register number."""
    head, mark, tail = str(text).partition(COURT_MARK)
    match = _NUMBER.search(head)
    if match is None:
        return None
    number = (match["kind"] + match["num"] + (match["suffix"] or "")).upper()
    rest = tail if mark else head[:match.start()] + " " + head[match.end():]
    place = court_key(court) or court_key(rest)
    return f"{number}{COURT_MARK}{place}" if place else number

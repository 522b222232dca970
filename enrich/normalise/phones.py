"""Phone numbers: E.164 for display, a format-proof key for matching."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc


def normalise_phone(raw: str | None, country: str | None = None) -> str | None:
    """E.164 ('+60312345678') via phonenumbers, using the record's country; None if invalid."""
    if not raw or not str(raw).strip():
        return None
    region = (country or "").upper() or None
    try:
        num = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def phone_keys_array(phones: pa.Array, digits: int = 8) -> pa.Array:
    """A format-proof match key: the last ``digits`` digits of the number (None if too short).

    Country code, trunk prefix and punctuation vary between sources ("+44 (0)20 7946 0958",
    "020-7946-0958"); the subscriber digits at the end do not. Cheaper than parsing a million
    numbers and robust when the country is unknown; the golden record keeps full E.164.
    """
    s = pc.replace_substring_regex(phones.cast(pa.string()), r"(?i)\s*(?:ext|x|#)\.?\s*\d+$", "")
    d = pc.replace_substring_regex(s, r"[^0-9]", "")
    n = pc.utf8_length(d)
    tail = pc.utf8_slice_codeunits(d, -digits)
    return pc.if_else(pc.greater_equal(n, 7), tail, pa.scalar(None, pa.string()))


def phone_key(raw: str | None) -> str | None:
    """``phone_keys_array`` of one value: the last 8 digits, None when too short."""
    return phone_keys_array(pa.array([raw], pa.string()))[0].as_py()

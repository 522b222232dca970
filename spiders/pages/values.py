"""Turn raw extracted values into contract values: types, regexes, lookups.

Pure functions, shared by every page object; no I/O. Countries and e-mail mailboxes are
normalised by ``enrich.normalise`` (their one home).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from spiders import landing_fields

# The value types a definition's ``type:`` may name (what ``coerce`` reduces values to).
READS_AS = ("str", "list", "int", "float", "bool")

_WS = re.compile(r"\s+")
_INT = re.compile(r"\d[\d.,' ]*")


def default_type(field: str) -> str:
    """The value type a contract field has unless a definition says otherwise."""
    return landing_fields.reads_as(field)


def clean_text(value: Any) -> Any:
    """Collapse whitespace runs in text (prettified HTML, CSV cells with line breaks)."""
    if isinstance(value, str):
        return _WS.sub(" ", value).strip()
    return value


def flatten(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list | tuple):
            out.extend(flatten(value))
        elif value is not None:
            out.append(value)
    return out


def apply_regex(values: list[Any], pattern: re.Pattern[str]) -> list[str]:
    """Keep what the pattern captures (group 1 when it has one); drop values it misses."""
    out = []
    for value in values:
        match = pattern.search(str(value))
        if match:
            out.append(match.group(1) if pattern.groups else match.group(0))
    return out


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    match = _INT.search(str(value))
    if not match:
        return None
    digits = re.sub(r"[.,' ]", "", match.group(0))
    return int(digits) if digits else None


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("", "0", "false", "no", "n", "none", "null"):
        return False
    return True


def coerce(values: list[Any], kind: str, *, join: str | None = None) -> Any:
    """Reduce a list of raw values to one value of ``kind`` (str, list, int, float, bool)."""
    values = [clean_text(v) for v in values]
    values = [v for v in values if v not in (None, "")]
    if kind == "list":
        seen: list[Any] = []
        for value in values:
            if value not in seen:
                seen.append(value)
        return seen or None
    if kind == "bool":
        return to_bool(values[0]) if values else None
    if not values:
        return None
    if kind == "int":
        return to_int(values[0])
    if kind == "float":
        try:
            return float(values[0])
        except (TypeError, ValueError):
            return None
    if join is not None:
        strip = join.strip()
        parts = [str(v).rstrip(strip).strip() if strip else str(v) for v in values]
        return join.join(p for p in parts if p)
    value = values[0]
    return value if isinstance(value, str) else str(value)


def apply_lookup(value: Any, table: Mapping[str, Any] | None) -> tuple[bool, Any]:
    """Map a dirty value through a definition's lookup table: (hit, new value)."""
    if not table:
        return False, value
    if isinstance(value, list):
        out, hit = [], False
        for item in value:
            found, new = apply_lookup(item, table)
            hit = hit or found
            if new not in (None, ""):
                out.append(new)
        return hit, out
    if isinstance(value, str | int | float | bool) and str(value) in table:
        return True, table[str(value)]
    return False, value

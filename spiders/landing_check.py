"""Check one landing line against the declared contract (``spiders.landing_fields``).

``check_line`` turns a line of a landing file into a checked item, or raises ``BadLine`` with a
reason in plain words that names the key (``fields.employees: 12345678901 is above the maximum
10,000,000``). The checked item carries the values in their declared types (a number printed as
text becomes text, a whole-number text becomes a number, one text becomes a list of one), so
nothing downstream meets a value it cannot store. Keys a kind does not declare are left as they
are: they stay in the raw payload and are not loaded into a table.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

from spiders.landing import record_id
from spiders.landing_fields import (
    CLASSIFICATION_ENTRY_KEYS,
    CONTACT_ENTRY_KEYS,
    ENVELOPE,
    IDENTIFIER_ENTRY_KEYS,
    INSOLVENCY_CASE_ENTRY_KEYS,
    KINDS,
    Field,
    fields_of,
)

MAX_LINE_CHARS = 10_000_000
_EMPTY = (None, "", [], {})
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_WHOLE = re.compile(r"[+-]?\d{1,18}")


_ENVELOPE_REQUIRED = tuple(f.name for f in ENVELOPE if f.required)
# kind -> ({field name: declaration}, names of the required fields)
_DECLARED = {kind: ({f.name: f for f in fields_of(kind)},
                    tuple(f.name for f in fields_of(kind) if f.required))
             for kind in KINDS}


class BadLine(ValueError):
    """A landing line that breaks the contract; the message is the reason, naming the key."""


def _what(value: Any) -> str:
    """A JSON value's kind in plain words (for reasons)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def _show(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any, key: str, spec: Field, *, numbers: bool = True) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and numbers:
        value = str(value)
    if not isinstance(value, str):
        raise BadLine(f"{key}: expected text, got {_what(value)}")
    if spec.max_length is not None and len(value) > spec.max_length:
        raise BadLine(f"{key}: {len(value):,} characters, more than the {spec.max_length:,} "
                      "allowed")
    if spec.pattern is not None and not re.fullmatch(spec.pattern, value.strip()):
        raise BadLine(f"{key}: {_show(value)} is not {spec.bounds() or 'valid'}")
    if spec.choices and value not in spec.choices:
        raise BadLine(f"{key}: {_show(value)} is not one of {', '.join(spec.choices)}")
    return value


def _range(number: float, key: str, spec: Field) -> None:
    if spec.minimum is not None and number < spec.minimum:
        raise BadLine(f"{key}: {_show(number)} is below the minimum {spec.minimum:,g}")
    if spec.maximum is not None and number > spec.maximum:
        raise BadLine(f"{key}: {_show(number)} is above the maximum {spec.maximum:,.0f}")


def _int(value: Any, key: str, spec: Field) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadLine(f"{key}: expected a whole number, got {_what(value)} {_show(value)}")
    _range(value, key, spec)
    return value


def _float(value: Any, key: str, spec: Field) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise BadLine(f"{key}: expected a number, got text {_show(value)}") from None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise BadLine(f"{key}: expected a number, got {_what(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise BadLine(f"{key}: {value} is not a finite number")
    _range(value, key, spec)
    return value


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise BadLine(f"{key}: expected true or false, got {_what(value)} {_show(value)}")


def _datetime(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise BadLine(f"{key}: expected an ISO 8601 date, got {_what(value)}")
    match = _DATETIME.fullmatch(value.strip())
    ok = match is not None
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            ok = False
        ok = ok and 1000 <= year <= 9999 and hour < 24 and minute < 60 and second < 60
    if not ok:
        raise BadLine(f"{key}: {_show(value)} is not an ISO 8601 date (2026-03-01) or date and "
                      "time (2026-03-01T12:00:00Z)")
    text = value.strip()
    if match.group(5) is not None and match.group(6) is None:
        # hours and minutes only: seconds added, so every DuckDB casts it (1.5 refuses
        # "2026-03-01T12:00Z"; the many-writer warehouse runs on 1.5)
        text = f"{text[:match.end(5)]}:00{text[match.end(5):]}"
    return text


def _entries(value: Any, key: str, spec: Field) -> list[Any]:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise BadLine(f"{key}: expected a list, got {_what(value)}")
    if spec.max_items is not None and len(value) > spec.max_items:
        raise BadLine(f"{key}: {len(value):,} entries, more than the {spec.max_items:,} allowed")
    return [v for v in value if v not in _EMPTY]


def _object(value: Any, key: str, keys: tuple[str, ...], spec: Field) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadLine(f"{key}: expected an object, got {_what(value)}")
    out = dict(value)
    for name in keys:
        if out.get(name) not in _EMPTY:
            out[name] = _text(out[name], f"{key}.{name}", spec)
    return out


def _list(value: Any, key: str, spec: Field) -> list[Any] | None:
    entries = _entries(value, key, spec)
    out: list[Any] = []
    for i, entry in enumerate(entries):
        where = f"{key}[{i}]"
        if spec.type == "list[str]":
            out.append(_text(entry, where, spec))
        elif spec.type == "list[identifier]":
            if isinstance(entry, dict):
                entry = _object(entry, where, IDENTIFIER_ENTRY_KEYS, spec)
                if entry.get("id") in _EMPTY:
                    continue  # a scheme without an id identifies nothing
            else:
                entry = _text(entry, where, spec)
            out.append(entry)
        elif spec.type == "list[contact]":
            out.append(_object(entry, where, CONTACT_ENTRY_KEYS, spec))
        elif spec.type == "list[classification]":
            out.append(_object(entry, where, CLASSIFICATION_ENTRY_KEYS, spec))
        elif spec.type == "list[insolvency_case]":
            case = _object(entry, where, INSOLVENCY_CASE_ENTRY_KEYS[:2], spec)
            for name in INSOLVENCY_CASE_ENTRY_KEYS[2:]:
                if case.get(name) not in _EMPTY:
                    case[name] = _datetime(case[name], f"{where}.{name}")
            out.append(case)
        else:  # list[lot]: kept in the raw payload only
            out.append(_object(entry, where, (), spec))
    return out or None


def check_value(spec: Field, value: Any, key: str) -> Any:
    """``value`` in the declared type of ``spec``; BadLine names ``key`` when it cannot be."""
    if spec.type == "str":
        return _text(value, key, spec)
    if spec.type == "int":
        return _int(value, key, spec)
    if spec.type == "float":
        return _float(value, key, spec)
    if spec.type == "bool":
        return _bool(value, key)
    if spec.type == "datetime":
        return _datetime(value, key)
    return _list(value, key, spec)


def check_item(item: Any) -> dict[str, Any]:
    """A parsed landing line, checked: a new dict with values in their declared types."""
    if not isinstance(item, dict):
        raise BadLine(f"expected a JSON object, got {_what(item)}")
    missing = [name for name in (*_ENVELOPE_REQUIRED, "fields") if name not in item]
    if missing:
        raise BadLine(f"missing {', '.join(missing)}")
    out = dict(item)
    for spec in ENVELOPE:
        value = item.get(spec.name)
        if value in _EMPTY:
            if spec.required:
                raise BadLine(f"{spec.name}: empty")
            out[spec.name] = None  # an empty list or object is no value either
            continue
        if spec.type == "datetime":
            out[spec.name] = _datetime(value, spec.name)
        elif spec.name == "parser_version" and isinstance(value, int | float):
            out[spec.name] = str(value)
        else:
            out[spec.name] = _text(value, spec.name, spec, numbers=False)
    if out["record_id"] != record_id(out["source"], out["native_id"]):
        raise BadLine("record_id is not record_id(source, native_id): the line was altered")
    fields = item["fields"]
    if not isinstance(fields, dict):
        raise BadLine(f"fields: expected an object, got {_what(fields)}")
    methods = item.get("field_methods")
    if methods is not None and not (isinstance(methods, dict) and all(
            isinstance(v, str) for v in methods.values())):
        raise BadLine("field_methods: expected an object of texts")
    declared, required = _DECLARED.get(out["kind"], ({}, ()))
    checked = {}
    for name, value in fields.items():
        spec = declared.get(name)
        if spec is None:
            checked[name] = value  # undeclared: kept in the raw payload, loaded nowhere
            continue
        if value in _EMPTY:
            continue
        value = check_value(spec, value, f"fields.{name}")
        if value not in _EMPTY:
            checked[name] = value
    for name in required:
        if not str(checked.get(name, "")).strip():
            raise BadLine(f"{out['kind']} without a {name}")
    out["fields"] = checked
    return out


def check_line(line: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the item as written, the checked item) for one landing line, or BadLine."""
    if len(line) > MAX_LINE_CHARS:
        raise BadLine(f"line of {len(line):,} characters, more than the {MAX_LINE_CHARS:,} "
                      "allowed")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise BadLine("not valid JSON: nested too deeply") from None
    return item, check_item(item)

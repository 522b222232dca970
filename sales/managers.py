"""Sales managers: who looks after which sectors and regions, and how many accounts each can hold.

A managers file is CSV (columns ``name, email, sectors, regions, capacity``; lists separated by
";") or TOML (``[[managers]]`` tables with the same keys, lists as TOML arrays). Sectors are
NACE sections ("C"), NACE divisions ("28") or the industry labels enrichment gives today
("manufacturing"); regions are country codes (none: every country); capacity is 10 to 50
organisations. Any mistake is one ``ManagersError`` line naming the file and line.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sales.sectors import SectorError, sector_sections

CAPACITY_MIN, CAPACITY_MAX = 10, 50
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ManagersError(ValueError):
    """A managers file leadpipe cannot use; the message names the file and line."""


@dataclass(frozen=True)
class Manager:
    """One sales manager; ``sections`` are the NACE sections their sectors cover."""

    name: str
    email: str
    sectors: tuple[str, ...]
    sections: frozenset[str]
    regions: frozenset[str]
    capacity: int

    def covers(self, section: str | None, country: str | None) -> bool:
        """Does this manager look after a company of this NACE section and country?"""
        in_region = not self.regions or (country or "").upper() in self.regions
        return section is not None and section in self.sections and in_region


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _manager(raw: dict[str, Any], where: str) -> Manager:
    unknown = sorted(set(raw) - {"name", "email", "sectors", "regions", "capacity"})
    if unknown:
        raise ManagersError(f"{where}: unknown column {unknown[0]!r} (use name, email, sectors, "
                            "regions, capacity)")
    name = str(raw.get("name") or "").strip()
    email = str(raw.get("email") or "").strip()
    if not name:
        raise ManagersError(f"{where}: no name")
    if not _EMAIL.match(email):
        raise ManagersError(f"{where}: {name}: e-mail {email!r} is not an e-mail address")
    sectors = _items(raw.get("sectors"))
    if not sectors:
        raise ManagersError(f"{where}: {name}: no sectors")
    try:
        sections = frozenset(s for sector in sectors for s in sector_sections(sector))
    except SectorError as exc:
        raise ManagersError(f"{where}: {name}: {exc}") from None
    regions = [r.upper() for r in _items(raw.get("regions"))]
    bad = [r for r in regions if not (len(r) == 2 and r.isalpha())]
    if bad:
        raise ManagersError(f"{where}: {name}: region {bad[0]!r} is not a two-letter country "
                            "code")
    capacity = raw.get("capacity")
    try:
        capacity = int(str(capacity).strip())
    except ValueError:
        raise ManagersError(f"{where}: {name}: capacity {capacity!r} is not a whole number") \
            from None
    if not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        raise ManagersError(f"{where}: {name}: capacity {capacity} is not between "
                            f"{CAPACITY_MIN} and {CAPACITY_MAX} organisations")
    return Manager(name, email.lower(), tuple(sectors), sections, frozenset(regions), capacity)


def _csv_rows(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            if None in row:
                raise ManagersError(f"{path}:{reader.line_num}: more values than columns")
            yield reader.line_num, {k.strip().lower(): v for k, v in row.items() if k}


def _toml_rows(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManagersError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("managers")
    if not isinstance(entries, list) or set(data) - {"managers"}:
        raise ManagersError(f"{path}: expected only [[managers]] tables")
    # tomllib gives no positions: the n-th [[managers]] header is the n-th entry's line.
    lines = [n for n, line in enumerate(text.splitlines(), 1)
             if re.match(r"\s*\[\[\s*managers\s*\]\]", line)]
    for k, entry in enumerate(entries):
        yield (lines[k] if k < len(lines) else 0), entry


def load_managers(path: str | Path) -> list[Manager]:
    """Every manager in the file, checked; e-mails are unique."""
    path = Path(path)
    if not path.is_file():
        raise ManagersError(f"{path}: managers file not found")
    rows = _toml_rows(path) if path.suffix.lower() == ".toml" else _csv_rows(path)
    managers: list[Manager] = []
    seen: dict[str, int] = {}
    try:
        for line, raw in rows:
            manager = _manager(raw, f"{path}:{line}")
            if manager.email in seen:
                raise ManagersError(f"{path}:{line}: {manager.name}: e-mail {manager.email} is "
                                    f"already on line {seen[manager.email]}")
            seen[manager.email] = line
            managers.append(manager)
    except UnicodeDecodeError as exc:
        raise ManagersError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not managers:
        raise ManagersError(f"{path}: no managers")
    return managers

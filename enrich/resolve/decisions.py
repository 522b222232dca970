"""Manual decisions: record pairs that must (or must never) end up in the same company.

File formats (chosen by extension):

YAML::

    must_link:
      - [rec-a, rec-b]
    cannot_link:
      - [rec-c, rec-d]

CSV with a header ``record_id_l,record_id_r,decision`` where decision is ``must_link`` (or
``match``/``same``) or ``cannot_link`` (or ``no_match``/``different``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_MUST = {"must_link", "must-link", "match", "same", "link", "yes"}
_CANNOT = {"cannot_link", "cannot-link", "no_match", "different", "distinct", "no"}


class DecisionsError(ValueError):
    """A decisions file leadpipe cannot read; the message names the file and the problem."""


@dataclass(frozen=True)
class Decisions:
    must_link: tuple[tuple[str, str], ...] = ()
    cannot_link: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.must_link or self.cannot_link)


@dataclass
class _Builder:
    must: list[tuple[str, str]] = field(default_factory=list)
    cannot: list[tuple[str, str]] = field(default_factory=list)


def load_decisions(path: str | Path | None) -> Decisions:
    """Read a decisions file; a missing path or file means no decisions."""
    if path is None:
        return Decisions()
    p = Path(path)
    if not p.exists():
        return Decisions()
    b = _Builder()
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DecisionsError(f"{p}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise DecisionsError(f"{p}: expected keys must_link / cannot_link")
        for key, target in (("must_link", b.must), ("cannot_link", b.cannot)):
            for pair in data.get(key) or []:
                if not isinstance(pair, list | tuple) or len(pair) != 2:
                    raise DecisionsError(f"{p}: {key} entries must be [record_id, record_id]")
                target.append((str(pair[0]), str(pair[1])))
    else:
        with p.open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    left, right = row["record_id_l"].strip(), row["record_id_r"].strip()
                    decision = (row.get("decision") or "").strip().lower()
                except (KeyError, AttributeError) as exc:
                    raise DecisionsError(
                        f"{p}: needs columns record_id_l, record_id_r, decision"
                    ) from exc
                if decision in _MUST:
                    b.must.append((left, right))
                elif decision in _CANNOT:
                    b.cannot.append((left, right))
                else:
                    raise DecisionsError(f"{p}:{n}: unknown decision {decision!r}")
    return Decisions(tuple(b.must), tuple(b.cannot))


def record_decision(path: str | Path, left: str, right: str, same: bool) -> Decisions:
    """Write one decision into the decisions file (created if missing, in the format its
    extension names), replacing any earlier decision on the same pair; returns what the file
    now holds. Every later resolution obeys it."""
    p = Path(path)
    current = load_decisions(p)
    pair = tuple(sorted((str(left), str(right))))

    def others(pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        return [q for q in pairs if tuple(sorted(q)) != pair]

    must, cannot = others(current.must_link), others(current.cannot_link)
    (must if same else cannot).append(pair)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump({"must_link": [list(q) for q in must],
                               "cannot_link": [list(q) for q in cannot]}, sort_keys=False,
                              allow_unicode=True)
        p.write_text(text, encoding="utf-8")
    else:
        with p.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["record_id_l", "record_id_r", "decision"])
            out.writerows([*((a, b, "same") for a, b in must),
                           *((a, b, "different") for a, b in cannot)])
    return Decisions(tuple(must), tuple(cannot))

"""CRM outcomes: how far sales got with a company (contacted, meeting, proposal, won, lost).

An outcomes CSV names the company by ``company_id`` (an old id follows its redirect to the
company it was merged into) or by ``domain`` / ``website`` (or ``name``, with ``country``),
matched as clients are (``sales.clients``: registrable domain, else the resolution engine's
normalised name). Each row gives the ``stage`` reached, its ``date`` (YYYY-MM-DD) and
optionally the ``channel`` the CRM credits. A bad row is reported by its line; the rest loads.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from enrich.normalise import registrable_domain
from sales.clients import match_clients
from sales.privacy.view import OPTED_OUT
from warehouse.db import transaction
from warehouse.upsert import merge_row

# "opted out": the company asked for no more marketing e-mail (``sales.privacy.view``: the
# CRM files then carry its opt-out); the funnel counts it as contacted.
OUTCOME_STAGES = ("contacted", "meeting", "proposal", "won", "lost", OPTED_OUT)


class OutcomesFileError(ValueError):
    """An outcomes file that cannot be read at all (missing, not CSV, no usable header)."""


@dataclass
class OutcomesImport:
    loaded: int = 0
    problems: list[str] = field(default_factory=list)


def _current_ids(con: duckdb.DuckDBPyConnection) -> tuple[set[str], dict[str, str]]:
    ids = {r[0] for r in con.execute("SELECT company_id FROM companies").fetchall()}
    redirects = dict(con.execute("SELECT old_id, new_id FROM company_redirects").fetchall())
    return ids, redirects


def _follow(cid: str, redirects: dict[str, str]) -> str:
    for _ in range(100):
        if cid not in redirects:
            break
        cid = redirects[cid]
    return cid


def import_outcomes(con: duckdb.DuckDBPyConnection, path: Path) -> OutcomesImport:
    """Load an outcomes CSV into ``outcomes``; re-importing the same rows changes nothing."""
    path = Path(path)
    if not path.is_file():
        raise OutcomesFileError(f"{path}: file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [(reader.line_num, {(k or "").strip().lower(): (v or "").strip()
                                       for k, v in row.items() if k})
                    for row in reader]
            header = {(h or "").strip().lower() for h in reader.fieldnames or []}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise OutcomesFileError(f"{path}: not a readable UTF-8 CSV: {exc}") from None
    if not {"stage", "date"} <= header or not header & {"company_id", "domain", "website",
                                                        "name"}:
        raise OutcomesFileError(f"{path}: needs columns stage, date and company_id or domain")
    ids, redirects = _current_ids(con)
    result = OutcomesImport()
    staged: list[tuple[int, dict, str | None]] = []  # (line, row, company_id or None)
    lookups: list[tuple[int, tuple[str, str | None, str | None]]] = []
    for line, row in rows:
        stage = row.get("stage", "").lower()
        if stage not in OUTCOME_STAGES:
            result.problems.append(f"{path}:{line}: stage {row.get('stage')!r} is not one of "
                                   f"{', '.join(OUTCOME_STAGES)}")
            continue
        try:
            row["date"] = date.fromisoformat(row.get("date", ""))
        except ValueError:
            result.problems.append(f"{path}:{line}: date {row.get('date')!r} is not a date "
                                   "(YYYY-MM-DD)")
            continue
        row["stage"] = stage
        if row.get("company_id"):
            cid = _follow(row["company_id"], redirects)
            staged.append((line, row, cid if cid in ids else None))
            continue
        domain = registrable_domain(row.get("domain") or row.get("website") or "") or None
        if not domain and not row.get("name"):
            result.problems.append(f"{path}:{line}: no company_id, domain or name")
            continue
        lookups.append((len(staged), (row.get("name") or "", domain,
                                      (row.get("country") or "").upper() or None)))
        staged.append((line, row, None))
    for (k, _), match in zip(lookups, match_clients(con, [q for _, q in lookups]), strict=True):
        if len(match.company_ids) == 1:
            staged[k] = (staged[k][0], staged[k][1], match.company_ids[0])
    now = datetime.now(UTC).replace(tzinfo=None)
    out = []
    for line, row, cid in staged:
        if cid is None:
            what = row.get("company_id") or row.get("domain") or row.get("website") \
                or row.get("name")
            result.problems.append(f"{path}:{line}: no company matches {what!r}")
            continue
        out.append((cid, row["stage"], row["date"], row.get("channel") or None, path.name, now))
    if out:
        with transaction(con):
            con.executemany(
                merge_row("outcomes", ["company_id", "stage", "reached_on", "channel",
                                       "imported_from", "imported_at"],
                          ["company_id", "stage", "reached_on"], ["channel", "imported_from"]),
                out)
    result.loaded = len(out)
    return result

"""The hot signals of a profile, and which of them were already alerted.

A signal is an open tender in the profile's CPV codes (``warehouse.tenders.new_open_tenders``,
the one definition of open), a company's tier going up (``score_changes``), or a company's
contract ending soon (its ``contract_ending`` timing reason). Each has a stable key, so the
table ``alerted_signals`` (migration 0014) tells a new signal from one already sent.
``profile_marks`` keeps, per profile run, the end of the load it saw: "since the last run".
Suppressed companies (``suppressions``) are never alerted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import duckdb

from warehouse.tenders import new_open_tenders
from warehouse.upsert import merge_row

TIER_ORDER = "ABCD"


class AlertProfile(Protocol):
    """What alerts read from a profile."""

    @property
    def name(self) -> str: ...
    @property
    def cpv_prefixes(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Signal:
    """One thing worth a salesperson's call now, in plain words."""

    kind: str                      # open_tender, tier_up, contract_ending
    key: str                       # stable across runs
    sentence: str
    company_id: str | None = None
    url: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _money(value: float | None, currency: str | None) -> str:
    return f"{value:,.0f} {currency or ''}".strip() if value is not None else ""


def open_tender_signals(con: duckdb.DuckDBPyConnection, profile: AlertProfile,
                        now: datetime | None = None) -> list[Signal]:
    """Every open tender in the profile's CPV codes (soonest deadline first)."""
    out = []
    for row in new_open_tenders(con, list(profile.cpv_prefixes), None, now=now):
        parts = [row["title"] or "a tender without a title"]
        if row["buyer_name"]:
            parts.append(f"for {row['buyer_name']}")
        if row["deadline"] is not None:
            parts.append(f"due {row['deadline']:%-d %B %Y}")
        money = _money(row["value"], row["currency"])
        if money:
            parts.append(f"worth {money}")
        out.append(Signal(
            kind="open_tender", key=f"{row['source']}/{row['tender_id']}",
            sentence=", ".join(parts), url=row["url"],
            details={"source": row["source"], "tender_id": row["tender_id"],
                     "buyer": row["buyer_name"], "deadline": _iso(row["deadline"]),
                     "value": row["value"], "currency": row["currency"],
                     "cpv": list(row["cpv"] or [])}))
    return out


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = ?", [name]).fetchone()[0])


def tier_up_signals(con: duckdb.DuckDBPyConnection, profile: str) -> list[Signal]:
    """Companies whose fit tier went up in a scoring run (the latest change per company)."""
    rows = con.execute(
        "SELECT c.run_at, c.company_id, co.name, c.before, c.after, c.sentence "
        "FROM score_changes c LEFT JOIN companies co USING (company_id) "
        "WHERE c.profile = ? AND c.field = 'tier' AND c.before IS NOT NULL "
        "AND c.company_id NOT IN (SELECT company_id FROM suppressions) "
        "ORDER BY c.run_at, c.company_id", [profile]).fetchall()
    out = []
    for run_at, company_id, name, before, after, sentence in rows:
        if before not in TIER_ORDER or after not in TIER_ORDER or after >= before:
            continue
        out.append(Signal(kind="tier_up", key=f"{company_id}/{after}/{run_at:%Y%m%d%H%M%S}",
                          sentence=f"{name or company_id}: {sentence}", company_id=company_id,
                          details={"before": before, "after": after}))
    return out


def contract_ending_signals(con: duckdb.DuckDBPyConnection, profile: str) -> list[Signal]:
    """Companies hot because a contract of theirs ends soon (their timing reason)."""
    rows = con.execute(
        "SELECT r.company_id, co.name, r.text, r.source_url FROM score_reasons r "
        "LEFT JOIN companies co USING (company_id) "
        "WHERE r.profile = ? AND r.code = 'contract_ending' "
        "AND r.company_id NOT IN (SELECT company_id FROM suppressions) ORDER BY r.company_id",
        [profile]).fetchall()
    return [Signal(kind="contract_ending", key=f"{company_id}/{text}",
                   sentence=f"{name or company_id}: {text}", company_id=company_id, url=url)
            for company_id, name, text, url in rows]


def new_signals(con: duckdb.DuckDBPyConnection, profile: AlertProfile,
                now: datetime | None = None) -> list[Signal]:
    """The profile's hot signals not alerted yet."""
    found = open_tender_signals(con, profile, now)
    if _table_exists(con, "score_changes"):
        found += tier_up_signals(con, profile.name)
    if _table_exists(con, "score_reasons"):
        found += contract_ending_signals(con, profile.name)
    sent = set(con.execute("SELECT kind, signal_key FROM alerted_signals WHERE profile = ?",
                           [profile.name]).fetchall())
    return [s for s in found if (s.kind, s.key) not in sent]


_ALERTED_COLUMNS = ["profile", "kind", "signal_key", "company_id", "sentence", "alerted_at",
                    "channels"]


def record_alerted(con: duckdb.DuckDBPyConnection, profile: str, signals: Iterable[Signal],
                   channels: Sequence[str], at: datetime) -> None:
    rows = [(profile, s.kind, s.key, s.company_id, s.sentence, at, ",".join(channels))
            for s in signals]
    if rows:
        con.executemany(merge_row("alerted_signals", _ALERTED_COLUMNS,
                                  ["profile", "kind", "signal_key"], update=[]), rows)


def _latest_load(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None]:
    row = con.execute("SELECT started_at, finished_at FROM runs WHERE stage IN ('load', "
                      "'pipeline') AND status = 'ok' ORDER BY started_at DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (None, None)


def record_profile_mark(con: duckdb.DuckDBPyConnection, profile: str, at: datetime) -> None:
    """This profile's run saw the warehouse up to the end of the latest load."""
    _, finished = _latest_load(con)
    con.execute(merge_row("profile_marks", ["profile", "run_at", "loaded_until"],
                          ["profile", "run_at"]), [profile, at, finished])


def since_last_run(con: duckdb.DuckDBPyConnection, profile: str) -> datetime | None:
    """Where "new since the last run" of ``profile`` starts: the end of the load its previous
    run saw, taking the latest such mark that is before the latest load, so the window always
    holds the latest load (never empty because the latest run itself left a mark). None when
    the profile has no earlier run."""
    if not _table_exists(con, "profile_marks"):
        return None  # a warehouse from before alerts, opened read-only
    started, _ = _latest_load(con)
    if started is None:
        return None
    row = con.execute("SELECT max(loaded_until) FROM profile_marks WHERE profile = ? "
                      "AND loaded_until < ?", [profile, started]).fetchone()
    return row[0] if row else None

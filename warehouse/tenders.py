"""Leads from tenders: buyers' demand signals, suppliers' award history, new open tenders.

Reads the ``tenders``, ``awards`` and ``source_records`` tables the loader fills from tender
landing items, plus the per-source high-water marks of incremental crawls. Values in several
currencies are never added together: totals are given per currency, and the headline figure
is the currency the record uses most.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb


@dataclass
class BuyerDemand:
    """What a buyer buys: the signal that makes a public body a suspect."""

    record_id: str
    tenders: int = 0
    cpv: dict[str, int] = field(default_factory=dict)  # code -> tenders naming it
    value_by_currency: dict[str, float] = field(default_factory=dict)
    first_published: datetime | None = None
    last_published: datetime | None = None
    open_tenders: list[dict[str, Any]] = field(default_factory=list)

    @property
    def top_cpv(self) -> list[str]:
        return [c for c, _ in sorted(self.cpv.items(), key=lambda kv: (-kv[1], kv[0]))][:5]


@dataclass
class SupplierHistory:
    """What a supplier has won: evidence it can deliver (and that someone checked it)."""

    record_id: str
    awards: int = 0
    total_by_currency: dict[str, float] = field(default_factory=dict)
    largest_value: float | None = None
    largest_currency: str | None = None
    distinct_buyers: int = 0
    last_award_date: datetime | None = None

    @property
    def currency(self) -> str | None:
        if not self.total_by_currency:
            return None
        return max(self.total_by_currency.items(), key=lambda kv: kv[1])[0]

    @property
    def total(self) -> float | None:
        return self.total_by_currency.get(self.currency) if self.currency else None


def _ids_filter(column: str, record_ids: Iterable[str] | None) -> tuple[str, list[Any]]:
    if record_ids is None:
        return "", []
    ids = sorted(set(record_ids))
    return f" AND {column} IN (SELECT unnest(?::VARCHAR[]))", [ids]


def buyer_demand(con: duckdb.DuckDBPyConnection, record_ids: Iterable[str] | None = None,
                 *, now: datetime | None = None) -> dict[str, BuyerDemand]:
    """Demand signal per buyer record: CPV codes, values, dates, open tenders with deadlines."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    where, params = _ids_filter("buyer_record_id", record_ids)
    rows = con.execute(
        "SELECT buyer_record_id, tender_id, title, cpv, value, currency, deadline, status, "
        "published_at, source FROM tenders WHERE buyer_record_id IS NOT NULL" + where
        + " ORDER BY buyer_record_id, published_at NULLS LAST", params,
    ).fetchall()
    out: dict[str, BuyerDemand] = {}
    for rid, tender_id, title, cpv, value, currency, deadline, status, published, source in rows:
        d = out.setdefault(rid, BuyerDemand(record_id=rid))
        d.tenders += 1
        for code in dict.fromkeys(cpv or []):
            d.cpv[code] = d.cpv.get(code, 0) + 1
        if value is not None and currency:
            d.value_by_currency[currency] = d.value_by_currency.get(currency, 0.0) + value
        if published is not None:
            d.first_published = min(filter(None, [d.first_published, published]))
            d.last_published = max(filter(None, [d.last_published, published]))
        if status == "active" and deadline is not None and deadline >= now:
            d.open_tenders.append({"source": source, "tender_id": tender_id, "title": title,
                                   "deadline": deadline, "value": value, "currency": currency,
                                   "cpv": list(cpv or [])})
    return out


def supplier_history(con: duckdb.DuckDBPyConnection, record_ids: Iterable[str] | None = None
                     ) -> dict[str, SupplierHistory]:
    """Award history per supplier record: count, totals, largest award, buyers, last date.

    Only awards the parsers emitted count, and they only emit active/winning ones.
    """
    where, params = _ids_filter("a.supplier_record_id", record_ids)
    rows = con.execute(
        "SELECT a.supplier_record_id, a.value, a.currency, a.award_date, t.buyer_record_id, "
        "t.buyer_name FROM awards a LEFT JOIN tenders t "
        "ON t.source = a.source AND t.tender_id = a.tender_id "
        "WHERE a.supplier_record_id IS NOT NULL AND coalesce(a.status, 'active') = 'active'"
        + where, params,
    ).fetchall()
    out: dict[str, SupplierHistory] = {}
    buyers: dict[str, set[str]] = defaultdict(set)
    for rid, value, currency, date, buyer_id, buyer_name in rows:
        h = out.setdefault(rid, SupplierHistory(record_id=rid))
        h.awards += 1
        if value is not None and currency:
            h.total_by_currency[currency] = h.total_by_currency.get(currency, 0.0) + value
            if h.largest_value is None or value > h.largest_value:
                h.largest_value, h.largest_currency = value, currency
        if date is not None and (h.last_award_date is None or date > h.last_award_date):
            h.last_award_date = date
        if buyer_id or buyer_name:
            buyers[rid].add(buyer_id or buyer_name)
    for rid, h in out.items():
        h.distinct_buyers = len(buyers[rid])
    return out


def new_open_tenders(con: duckdb.DuckDBPyConnection, cpv_prefixes: Sequence[str],
                     since: datetime | str | None, *, now: datetime | None = None
                     ) -> list[dict[str, Any]]:
    """Open tenders (deadline ahead) first seen after ``since`` whose CPV matches a prefix.

    An empty prefix list matches every tender. Soonest deadline first.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if isinstance(since, str):
        since = datetime.fromisoformat(since.replace("Z", "+00:00"))
    if since is not None and since.tzinfo is not None:
        since = since.astimezone(UTC).replace(tzinfo=None)
    prefixes = tuple(p.strip() for p in cpv_prefixes if p and p.strip())
    rows = con.execute(
        "SELECT source, tender_id, title, buyer_record_id, buyer_name, cpv, value, currency, "
        "deadline, published_at, first_seen_at, url FROM tenders "
        "WHERE status = 'active' AND deadline IS NOT NULL AND deadline >= ? "
        "AND (CAST(? AS TIMESTAMP) IS NULL OR first_seen_at > CAST(? AS TIMESTAMP)) "
        "ORDER BY deadline, tender_id",
        [now, since, since],
    ).fetchall()
    cols = ("source", "tender_id", "title", "buyer_record_id", "buyer_name", "cpv", "value",
            "currency", "deadline", "published_at", "first_seen_at", "url")
    found = [dict(zip(cols, r, strict=True)) for r in rows]
    if not prefixes:
        return found
    return [r for r in found if any(c.startswith(prefixes) for c in r["cpv"] or [])]


def last_load_started(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the load before the latest one started: 'since the last run' for new tenders."""
    rows = con.execute(
        "SELECT started_at FROM runs WHERE stage IN ('load', 'pipeline') AND status = 'ok' "
        "ORDER BY started_at DESC LIMIT 2").fetchall()
    return rows[1][0] if len(rows) == 2 else None

"""Leads from tenders: buyers' demand signals, suppliers' award history, new open tenders.

Reads the ``tenders``, ``awards`` and ``source_records`` tables the loader fills from tender
landing items, plus the per-source high-water marks of incremental crawls. Values in several
currencies are never added together: totals are given per currency, and the headline figure
is in the currency with the most awards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb


def open_tender_sql(alias: str = "") -> str:
    """The one definition of an open tender, as a SQL condition: still active and its deadline
    not yet passed. It holds one ``?`` placeholder, to be bound to "now" (naive UTC).

    ``alias`` names the ``tenders`` table in the caller's query (``"t"`` for ``t.status``).
    Used by ``new_open_tenders`` (``leadpipe tenders new``) and by scoring's demand signal.
    """
    p = f"{alias}." if alias else ""
    return f"({p}status = 'active' AND {p}deadline IS NOT NULL AND {p}deadline >= ?)"


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


@dataclass(frozen=True)
class CurrencyAwards:
    """Awards won in one currency: how many, their total and the largest one."""

    currency: str
    awards: int
    total: float
    largest: float


@dataclass
class SupplierHistory:
    """What a supplier has won: evidence it can deliver (and that someone checked it).

    ``key`` is the supplier's record id, or its company id when counted per company. Values
    are kept per currency (``by_currency``); ``currency`` is the one used most, and ``total``
    and ``largest`` are given in it, never summed or compared across currencies.
    """

    key: str
    awards: int = 0
    by_currency: dict[str, CurrencyAwards] = field(default_factory=dict)
    distinct_buyers: int = 0
    last_award_date: datetime | None = None

    @property
    def currency(self) -> str | None:
        if not self.by_currency:
            return None
        return min(self.by_currency.values(), key=lambda c: (-c.awards, c.currency)).currency

    @property
    def total(self) -> float | None:
        return self.by_currency[self.currency].total if self.currency else None

    @property
    def largest(self) -> float | None:
        return self.by_currency[self.currency].largest if self.currency else None

    def currencies(self) -> list[CurrencyAwards]:
        """Per-currency figures, the headline currency first, then by currency code."""
        return sorted(self.by_currency.values(),
                      key=lambda c: (c.currency != self.currency, c.currency))


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
        "SELECT buyer_record_id, tender_id, title, cpv, value, currency, deadline, "
        f"coalesce({open_tender_sql()}, false) AS is_open, "
        "published_at, source FROM tenders WHERE buyer_record_id IS NOT NULL" + where
        + " ORDER BY buyer_record_id, published_at NULLS LAST", [now, *params],
    ).fetchall()
    out: dict[str, BuyerDemand] = {}
    for rid, tender_id, title, cpv, value, currency, deadline, is_open, published, source in rows:
        d = out.setdefault(rid, BuyerDemand(record_id=rid))
        d.tenders += 1
        for code in dict.fromkeys(cpv or []):
            d.cpv[code] = d.cpv.get(code, 0) + 1
        if value is not None and currency:
            d.value_by_currency[currency] = d.value_by_currency.get(currency, 0.0) + value
        if published is not None:
            d.first_published = min(filter(None, [d.first_published, published]))
            d.last_published = max(filter(None, [d.last_published, published]))
        if is_open:
            d.open_tenders.append({"source": source, "tender_id": tender_id, "title": title,
                                   "deadline": deadline, "value": value, "currency": currency,
                                   "cpv": list(cpv or [])})
    return out


# The one winner rule: the parsers emit winning awards as 'active' (contracts.md); an award
# without a status is taken as won, any other status (pending, cancelled, unsuccessful) is not.
WINNING_AWARD_SQL = "coalesce(a.status, 'active') = 'active'"

_HISTORY_SQL = """
WITH won AS (
    SELECT {key} AS key, a.award_key, a.value, a.currency, a.award_date,
           coalesce(t.buyer_record_id, t.buyer_name) AS buyer
    FROM awards a {join}
    LEFT JOIN tenders t ON t.source = a.source AND t.tender_id = a.tender_id
    WHERE a.supplier_record_id IS NOT NULL AND {winning}{where}
), per_currency AS (
    SELECT key, list({{'currency': currency, 'awards': n, 'total': total, 'largest': largest}}
                     ORDER BY currency) AS by_currency
    FROM (SELECT key, currency, count(DISTINCT award_key) AS n, sum(value) AS total,
                 max(value) AS largest
          FROM won WHERE value IS NOT NULL AND currency IS NOT NULL GROUP BY key, currency)
    GROUP BY key
)
SELECT key, count(DISTINCT award_key) AS awards, count(DISTINCT buyer) AS buyers,
       max(award_date) AS last, any_value(by_currency) AS by_currency
FROM won LEFT JOIN per_currency USING (key)
GROUP BY key
"""

_KEYS = {
    "record": ("a.supplier_record_id", ""),
    "company": ("l.company_id", "JOIN company_links l ON l.record_id = a.supplier_record_id"),
}


def supplier_history(con: duckdb.DuckDBPyConnection, ids: Iterable[str] | None = None, *,
                     per: Literal["record", "company"] = "record"
                     ) -> dict[str, SupplierHistory]:
    """Award history per supplier record (or per company): count, per-currency totals and
    largest award, distinct buyers, last award date. The one home of this count: the CLI's
    ``tenders suppliers`` and the enrich stage both read it.
    """
    key, join = _KEYS[per]
    where, params = _ids_filter(key, ids)
    sql = _HISTORY_SQL.format(key=key, join=join, winning=WINNING_AWARD_SQL, where=where)
    out: dict[str, SupplierHistory] = {}
    for k, awards, buyers, last, by_currency in con.execute(sql, params).fetchall():
        out[k] = SupplierHistory(
            key=k, awards=awards, distinct_buyers=buyers, last_award_date=last,
            by_currency={c["currency"]: CurrencyAwards(**c) for c in by_currency or []},
        )
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
        f"WHERE {open_tender_sql()} "
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

"""Fit rules: declared objects, one file per rule family, collected by a registry.

A rule declares the company columns it reads and gives at most one ``Reason`` for a company:
a machine code, a plain sentence a salesperson reads, and the points it adds to fit. A reason
may be a knock-out (fit becomes 0 and no later rule runs), e.g. a country outside the profile.

A rule is written one of two ways. A SQL rule (``fit_rule(..., sql=True)``) is a function of
the profile that returns a DuckDB expression over the declared columns, giving a ``REASON``
struct (``reason_sql``) or NULL: the score stage evaluates it over every company at once, and
``Rule.apply`` on one row. A Python rule is a function of (row, profile) returning a ``Reason``
or None; the stage runs it row by row over just its columns, which is fine for a few thousand
companies and slow for a million (the bundled rules are all SQL).

Adding a rule is one new module in this package that decorates a function with ``fit_rule``;
``registered_rules`` imports every module here and collects the rules they declare, so nothing
else needs an edit. Rules run in
``order`` (lowest first); the order matters for knock-outs and for the order reasons are read.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sales import sqlrow
from sales.profile import IcpProfile


@dataclass(frozen=True)
class Reason:
    """Why a company gained (or did not gain) fit points."""

    code: str  # machine code, stable across releases: "industry_match", "size_unknown", ...
    text: str  # the plain sentence a salesperson reads
    points: float  # what it adds to fit; 0 for a note
    knock_out: bool = False  # fit is 0 whatever else matches; later rules do not run
    url: str | None = None  # the source the reason was read from
    against: bool = False  # a note of no points that still speaks against the company
    drops_tier: bool = False  # the fit tier falls one step (e.g. beyond the maximum distance)

    @property
    def sign(self) -> str | None:
        """``positive``, ``negative`` or None for a neutral note (shown nowhere as a row)."""
        if self.points > 0:
            return "positive"
        if self.points < 0 or self.knock_out or self.against or self.drops_tier:
            return "negative"
        return None


# A reason as the SQL rules give it; field for field the ``Reason`` dataclass.
REASON_TYPE = ("STRUCT(code VARCHAR, text VARCHAR, points DOUBLE, knock_out BOOLEAN, "
               "url VARCHAR, against BOOLEAN, drops_tier BOOLEAN)")


def reason_sql(code: str, text: str, points: str | float, *, url: str = "NULL",
               knock_out: bool = False, against: bool = False, drops_tier: bool = False) -> str:
    """A ``REASON`` struct: ``text`` and ``url`` are SQL expressions, ``code`` a constant,
    ``points`` a number or a SQL expression."""
    pts = sqlrow.number(points) if isinstance(points, int | float) else f"({points})::DOUBLE"
    return (f"struct_pack(code := {sqlrow.text(code)}, text := ({text})::VARCHAR, "
            f"points := {pts}, knock_out := {str(knock_out).lower()}, "
            f"url := ({url})::VARCHAR, against := {str(against).lower()}, "
            f"drops_tier := {str(drops_tier).lower()})")


def reason_from(value: Mapping[str, Any] | None) -> Reason | None:
    """The ``Reason`` a ``REASON`` struct holds."""
    if value is None:
        return None
    return Reason(value["code"], value["text"], float(value["points"]),
                  knock_out=bool(value["knock_out"]), url=value["url"],
                  against=bool(value["against"]), drops_tier=bool(value["drops_tier"]))


class UndeclaredColumn(LookupError):
    """A rule read a company column it did not declare in ``reads``."""


class CompanyRow(Mapping[str, Any]):
    """A read-only view of one company row that holds a rule to its declared ``reads``.

    Reading an undeclared column raises ``UndeclaredColumn`` (also through ``get``), so a rule's
    declaration is always the truth about what it depends on.
    """

    def __init__(self, row: Mapping[str, Any], reads: frozenset[str], rule: str) -> None:
        self._row, self._reads, self._rule = row, reads, rule

    def __getitem__(self, key: str) -> Any:
        if key not in self._reads:
            raise UndeclaredColumn(
                f"fit rule {self._rule!r} reads column {key!r} but declares only "
                f"{', '.join(sorted(self._reads))}"
            )
        return self._row[key]

    def __iter__(self) -> Iterator[str]:
        return (k for k in self._row if k in self._reads)

    def __len__(self) -> int:
        return sum(1 for _ in self)


Evaluate = Callable[[CompanyRow, IcpProfile], Reason | None]
Expression = Callable[[IcpProfile], str]


@dataclass(frozen=True)
class Rule:
    """One declared fit rule: ``evaluate`` (Python, one row) or ``sql`` (an expression)."""

    code: str
    order: int
    reads: frozenset[str]
    evaluate: Evaluate | None = None
    doc: str = ""
    sql: Expression | None = None

    def expression(self, profile: IcpProfile) -> str:
        """The rule as a SQL expression over the company columns (SQL rules only)."""
        if self.sql is None:
            raise TypeError(f"fit rule {self.code!r} is a Python rule")
        return self.sql(profile)

    def apply(self, row: Mapping[str, Any], profile: IcpProfile) -> Reason | None:
        if self.sql is None:
            assert self.evaluate is not None
            return self.evaluate(CompanyRow(row, self.reads, self.code), profile)
        check_reads(self, profile)
        return reason_from(sqlrow.evaluate_one([self.expression(profile)], row)[0])


def check_reads(rule: Rule, profile: IcpProfile) -> None:
    """A SQL rule binds against its declared columns alone, or fails with the column named."""
    import duckdb

    columns = sqlrow.company_column_types()
    declared = ", ".join(f"NULL::{columns.get(c, 'VARCHAR')} AS {c}" for c in sorted(rule.reads))
    try:
        sqlrow.check_binds(f"SELECT {rule.expression(profile)} FROM (SELECT {declared})")
    except duckdb.BinderException as exc:
        raise UndeclaredColumn(
            f"fit rule {rule.code!r} reads a column it does not declare (declares only "
            f"{', '.join(sorted(rule.reads))}): {str(exc).splitlines()[0]}") from None


def fit_rule(*, code: str, order: int, reads: Iterable[str], sql: bool = False
             ) -> Callable[[Callable[..., Any]], Rule]:
    """Declare the decorated function as the fit rule ``code`` (the module-level name it is
    bound to is what ``registered_rules`` finds); with ``sql=True`` the function takes the
    profile and returns the rule's SQL expression."""

    def declare(function: Callable[..., Any]) -> Rule:
        doc = (function.__doc__ or "").strip()
        if sql:
            return Rule(code=code, order=order, reads=frozenset(reads), sql=function, doc=doc)
        return Rule(code=code, order=order, reads=frozenset(reads), evaluate=function, doc=doc)

    return declare


def registered_rules() -> list[Rule]:
    """Every rule declared in this package's modules, in the order they run."""
    found: dict[str, Rule] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        for value in vars(importlib.import_module(f"{__name__}.{module.name}")).values():
            if isinstance(value, Rule):
                if value.code in found and found[value.code] is not value:
                    raise ValueError(f"two fit rules share the code {value.code!r}")
                found[value.code] = value
    return sorted(found.values(), key=lambda r: (r.order, r.code))

"""Fit rules: declared objects, one file per rule family, collected by a registry.

A rule declares the company columns it reads and returns at most one ``Reason`` for a company:
a machine code, a plain sentence a salesperson reads, and the points it adds to fit. A reason
may be a knock-out (fit becomes 0 and no later rule runs), e.g. a country outside the profile.

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


@dataclass(frozen=True)
class Rule:
    """One declared fit rule."""

    code: str
    order: int
    reads: frozenset[str]
    evaluate: Evaluate
    doc: str = ""

    def apply(self, row: Mapping[str, Any], profile: IcpProfile) -> Reason | None:
        return self.evaluate(CompanyRow(row, self.reads, self.code), profile)


def fit_rule(*, code: str, order: int, reads: Iterable[str]) -> Callable[[Evaluate], Rule]:
    """Declare the decorated function as the fit rule ``code`` (the module-level name it is
    bound to is what ``registered_rules`` finds)."""

    def declare(evaluate: Evaluate) -> Rule:
        return Rule(code=code, order=order, reads=frozenset(reads), evaluate=evaluate,
                    doc=(evaluate.__doc__ or "").strip())

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

"""Website signals, one small provider per signal or signal family.

Each module here declares ``PROVIDER``: the ``enrichment`` columns it fills and how it reads
them from a fetched site. The enrich stage finds the modules itself and derives its SQL select
list, its Arrow schema and the copy-forward of unchanged sites from them, so a new website
signal is one new module here (plus a migration when its column is new).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from enrich.signals.base import Column, Provider

__all__ = ["Column", "Provider", "registered"]


@lru_cache(maxsize=1)
def registered() -> tuple[Provider, ...]:
    """Every provider in this package, in module-name order; a column has one provider."""
    found: list[Provider] = []
    owner: dict[str, str] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if module.startswith("_") or module == "base":
            continue
        provider = getattr(importlib.import_module(f"{__name__}.{module}"), "PROVIDER", None)
        if not isinstance(provider, Provider):
            raise TypeError(f"enrich/signals/{module}.py: declare PROVIDER = Provider(...)")
        for column in provider.columns:
            if column.name in owner:
                raise ValueError(
                    f"enrich/signals/{module}.py: column {column.name} is already filled by "
                    f"enrich/signals/{owner[column.name]}.py"
                )
            owner[column.name] = module
        found.append(provider)
    return tuple(found)

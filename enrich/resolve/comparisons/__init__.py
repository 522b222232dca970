"""The comparisons resolution can make, one class per file (see ``base`` for what one is)."""

from enrich.resolve.comparisons.base import MISSING, Compared, Comparison, Level
from enrich.resolve.comparisons.exact import ExactMatch
from enrich.resolve.comparisons.identifiers import IdentifierMatch
from enrich.resolve.comparisons.name import NameComparison
from enrich.resolve.comparisons.rarity import NameRarity
from enrich.resolve.comparisons.street import StreetMatch

__all__ = [
    "MISSING", "Compared", "Comparison", "ExactMatch", "IdentifierMatch", "Level",
    "NameComparison", "NameRarity", "StreetMatch",
]

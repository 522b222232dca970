"""Company resolution: one company, one record, one stable id.

``resolve(records)`` is the library (pyarrow table in, links / redirects / review band out);
``enrich.resolve.stage.run_resolution(con)`` is the warehouse stage built on it.
"""

from enrich.resolve.core import PreviousState, Resolution, resolve
from enrich.resolve.decisions import Decisions, load_decisions
from enrich.resolve.settings import BlockingKey, Comparison, Level, ResolveSettings

__all__ = [
    "BlockingKey", "Comparison", "Decisions", "Level", "PreviousState", "Resolution",
    "ResolveSettings", "load_decisions", "resolve",
]

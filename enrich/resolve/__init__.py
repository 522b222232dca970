"""Company resolution: one company, one record, one stable id.

``resolve(records)`` is the library (pyarrow table in, links / redirects / review band out);
``enrich.resolve.stage.run_resolution(con)`` is the warehouse stage built on it. The
comparisons it makes are declared classes in ``enrich.resolve.comparisons``, registered in
``enrich.resolve.settings``.
"""

from enrich.resolve.comparisons import Comparison, Level
from enrich.resolve.core import PreviousState, Resolution, resolve
from enrich.resolve.decisions import Decisions, load_decisions
from enrich.resolve.settings import BlockingKey, ResolveSettings

__all__ = [
    "BlockingKey", "Comparison", "Decisions", "Level", "PreviousState", "Resolution",
    "ResolveSettings", "load_decisions", "resolve",
]

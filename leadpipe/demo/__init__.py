"""The demo world: a deterministic fake market and the local server that presents it.

``generate_world(companies, seed)`` builds the ground truth; ``DemoServer(world)`` serves it as a
tender API, an expo catalogue, a business directory and company websites (see
``leadpipe.demo.server`` for every URL and page structure).
"""

from leadpipe.demo.hosts import DIRECTORY_HOST, EXPO_HOST, START_URLS, TENDERS_HOST
from leadpipe.demo.server import DemoServer
from leadpipe.demo.world import (
    CATEGORY_LABELS,
    INDUSTRIES,
    WORLD_TODAY,
    TrueCompany,
    World,
    generate_world,
)

__all__ = [
    "CATEGORY_LABELS",
    "DIRECTORY_HOST",
    "EXPO_HOST",
    "INDUSTRIES",
    "START_URLS",
    "TENDERS_HOST",
    "WORLD_TODAY",
    "DemoServer",
    "TrueCompany",
    "World",
    "generate_world",
]

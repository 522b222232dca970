"""The demo world for a run: started by the CLI and the flows around the stages that need it.

The stages never start the demo world; they take an :class:`leadpipe.runner.Access` that says
which proxy to use and which sources a local server of ours answers for. This module builds that
access: when demo sources are in play and no proxy is configured, it generates the configured
demo world, serves it on 127.0.0.1 for the duration of the ``with`` block, and stops it after.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from leadpipe.config import Config
from leadpipe.runner import Access, configured_access

DEMO_PREFIX = "demo_"


def demo_sources(sources: Sequence[str]) -> tuple[str, ...]:
    """The sources among ``sources`` that the demo world serves."""
    return tuple(s for s in sources if s.startswith(DEMO_PREFIX))


@contextlib.contextmanager
def source_access(config: Config, sources: Sequence[str] | None = None) -> Iterator[Access]:
    """Access for crawling ``sources`` (default: the config's) and enriching what they found.

    With demo sources and no configured proxy, the demo world's server runs inside the block
    and is the proxy (its address, 127.0.0.1, is let through the outbound-fetch policy);
    otherwise the configured access is used unchanged."""
    chosen = list(sources if sources is not None else config.crawl.sources)
    local = demo_sources(chosen)
    if not local or config.crawl.proxy:
        yield configured_access(config)
        return
    from leadpipe.demo.server import DemoServer
    from leadpipe.demo.world import generate_world

    world = generate_world(companies=config.demo.companies, seed=config.demo.seed)
    with DemoServer(world) as server:
        yield Access(
            proxy=server.proxy_url,
            local_sources=local,
            local_concurrency=config.demo.concurrency,
            allow_addresses=("127.0.0.1",),  # the demo server is ours, on loopback
        )

"""Companies with websites on a local proxy, landed from an exhibitor list, loaded and resolved:
the world the website-enrichment tests start from (``leadpipe enrich`` then fetches the sites).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from leadpipe.config import Config, load_config
from leadpipe.runner import load, resolve
from spiders.landing import LandingWriter, make_item

SOURCE = "fixture_expo"


def sites_world(tmp_path: Path, proxy_url: str, companies: Iterable[tuple[str, str, str]],
                fields: Mapping[str, Any] | None = None) -> Config:
    """A config fetching through ``proxy_url`` (127.0.0.1 allowed), with ``companies`` as
    (native id, name, website) listed by the expo ``SOURCE`` (with ``fields`` besides, the
    same for each), loaded and resolved."""
    path = tmp_path / "leadpipe.toml"
    path.write_text(
        f'[project]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        f'[crawl]\nproxy = "{proxy_url}"\n'
        '[network]\nallow_addresses = ["127.0.0.1"]\n', "utf-8")
    config = load_config(path)
    with LandingWriter(config.landing_dir, "run-1", SOURCE) as writer:
        for native, name, website in companies:
            writer.write(make_item(
                kind="organisation", source=SOURCE, native_id=native, run_id="run-1",
                url=f"https://expo.example/{native}", method="css",
                fields={"name": name, "country": "GB", "website": website, **(fields or {})}))
    load(config)
    resolve(config)
    return config

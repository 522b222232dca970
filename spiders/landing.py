"""The landing contract: what every spider writes and the warehouse loads.

A landing item is one JSON object per line:

    kind            organisation | contact | tender | award | page
    source          the source definition id (e.g. "demo_expo", "uk_contracts_finder")
    native_id       the record's stable key inside its source (native id, or the URL)
    record_id       deterministic id: record_id(source, native_id) -- never random
    url             where it was seen
    fetched_at      ISO 8601 UTC
    run_id          the crawl run that produced it
    method          api | export | jsonld | microdata | state_json | css | html | xml
    parser_version  bumped when extraction changes meaning
    fields          the extracted values (declared per kind in ``spiders.landing_fields``)
    field_methods   optional {field: method} where fields came from different methods

Files: ``<landing>/<run_id>/<source>.jsonl``. A file is written as ``.jsonl.part`` and renamed
when the crawl closes, so a killed crawl never leaves a file the loader would half-read.
Files are never rewritten: a new run gets a new directory.

``<landing>`` is a local folder or an fsspec URL (``file://``, ``s3://``, ``gs://``, ``memory://``
in tests): crawls on many machines write to one shared place and the loader reads it from
there (``landing_root``).

Each crawl also leaves its report, ``<landing>/<run_id>/<source>.stats.json`` (the Scrapy
stats); the keys other stages read from it are declared below (``STAT_*``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from upath import UPath

from spiders import landing_fields

KINDS = frozenset(landing_fields.KINDS)
METHODS = frozenset(landing_fields.METHODS)


def record_id(source: str, native_id: str) -> str:
    """Deterministic record id from the stable source key."""
    digest = hashlib.sha1(f"{source}\x1f{native_id}".encode()).hexdigest()
    return f"r{digest[:15]}"


def utcnow_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id(prefix: str = "run") -> str:
    """Sortable, unique run id: time first, then a short random suffix."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{os.urandom(3).hex()}"


def make_item(
    *,
    kind: str,
    source: str,
    native_id: str,
    url: str,
    run_id: str,
    method: str,
    fields: Mapping[str, Any],
    parser_version: str = "1",
    fetched_at: str | None = None,
    field_methods: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build a landing item, checking the parts the warehouse relies on."""
    if kind not in KINDS:
        raise ValueError(f"unknown landing kind {kind!r}; expected one of {sorted(KINDS)}")
    if method not in METHODS:
        raise ValueError(f"unknown extraction method {method!r}; expected one of {sorted(METHODS)}")
    if not native_id:
        raise ValueError(f"{source}: item at {url} has no native id")
    item: dict[str, Any] = {
        "kind": kind,
        "source": source,
        "native_id": str(native_id),
        "record_id": record_id(source, str(native_id)),
        "url": url,
        "fetched_at": fetched_at or utcnow_iso(),
        "run_id": run_id,
        "method": method,
        "parser_version": parser_version,
        "fields": {k: v for k, v in fields.items() if v not in (None, "", [], {})},
    }
    if field_methods:
        item["field_methods"] = dict(field_methods)
    return item


def item_hash(item: Mapping[str, Any]) -> str:
    """Content hash of an item without its volatile provenance (fetched_at, run_id)."""
    stable = {k: v for k, v in item.items() if k not in ("fetched_at", "run_id")}
    blob = json.dumps(stable, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()


def landing_root(location: str | os.PathLike[str] | UPath) -> Path:
    """The landing location as a path object: a local ``Path`` for a folder or a ``file://``
    URL (so publishing stays an atomic local rename with fsync), else an fsspec-backed
    ``UPath`` (``s3://bucket/landing``, ``memory://...``) with the same path API."""
    if isinstance(location, UPath) and location.protocol not in ("", "file", "local"):
        return location
    text = os.fspath(location) if not isinstance(location, str) else location
    if "://" not in text:
        return Path(text)
    url = UPath(text)
    if url.protocol in ("file", "local"):
        return Path(url.path)
    return url


def is_local(root: Path) -> bool:
    """Whether a landing root is a folder of this machine (not an object store)."""
    return not isinstance(root, UPath) or root.protocol in ("", "file", "local")


def landing_path(landing_dir: Path, run_id: str, source: str) -> Path:
    return landing_root(landing_dir) / run_id / f"{source}.jsonl"


class LandingWriter:
    """Append items to ``<run>/<source>.jsonl.part``; ``close()`` publishes the file."""

    def __init__(self, landing_dir: Path, run_id: str, source: str) -> None:
        self.final = landing_path(landing_dir, run_id, source)
        if self.final.exists():
            raise FileExistsError(f"{self.final} exists: landing files are never rewritten")
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.part = self.final.with_suffix(".jsonl.part")
        self._fh = self.part.open("a", encoding="utf-8")
        self.count = 0

    def write(self, item: Mapping[str, Any]) -> None:
        self._fh.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def close(self) -> Path:
        self._fh.flush()
        if is_local(self.final):
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self.part, self.final)
        else:
            # An object store publishes an object whole when its upload ends; the rename
            # makes it visible under the name the loader looks for.
            self._fh.close()
            self.part.rename(self.final)
        return self.final

    def __enter__(self) -> LandingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the crawl report ---------------------------------------------------------------------

REPORT_SUFFIX = ".stats.json"
STAT_HIGH_WATER_MARK = "leadpipe/high_water_mark"  # where the next incremental crawl resumes
STAT_ERRORS = "leadpipe/errors"                    # list of plain-word errors of the crawl
STAT_ITEMS_PREFIX = "leadpipe/items/"              # + kind: items landed of that kind
STAT_ITEMS_INVALID = "leadpipe/items_invalid"      # items the pipeline refused to land
STAT_FINISH_REASON = "finish_reason"               # Scrapy's reason; "finished" when whole


def items_stat(kind: str) -> str:
    """The report key counting landed items of ``kind``."""
    return f"{STAT_ITEMS_PREFIX}{kind}"


def items_landed(stats: Mapping[str, Any]) -> int:
    """Items landed, all kinds together, according to a crawl report."""
    return sum(int(v) for k, v in stats.items() if k.startswith(STAT_ITEMS_PREFIX))


def report_path(landing_dir: Path, run_id: str, source: str) -> Path:
    return landing_root(landing_dir) / run_id / f"{source}{REPORT_SUFFIX}"


def report_source(path: Path) -> str:
    """The source id a crawl report belongs to (its file name without the suffix)."""
    return Path(path).name[: -len(REPORT_SUFFIX)]


def iter_crawl_reports(landing_dir: Path) -> list[Path]:
    """Every crawl report under the landing directory, in path order (oldest run first)."""
    return sorted(landing_root(landing_dir).glob(f"*/*{REPORT_SUFFIX}"))


def iter_landing_files(landing_dir: Path) -> list[Path]:
    """Published landing files, oldest run first (run ids sort by time)."""
    root = landing_root(landing_dir)
    if not root.exists():
        return []
    return sorted(root.glob("*/*.jsonl"))

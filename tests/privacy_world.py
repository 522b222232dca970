"""Landing runs for the data-protection tests, written as a crawl writes them
(``spiders.landing.LandingWriter``), then loaded, resolved and scored by the runner.

Run 1 (January): Kestrel Machinery (expo) publishes Jane Doe, its purchasing manager, with her
e-mail and direct line; Northbridge Engineering (expo) lists her too (another spelling of her
address) beside Tom Roe; Moorside Works (directory) and MW Holdings (expo) look like two
companies; Pennine Tools is listed by both sources and is one company; Harbour Tools has a
domain.
Run 2 (February, the re-crawl): Kestrel again from the directory, whose company phone is Jane's
direct line and whose contact is Jane once more ("MAILTO:JANE.DOE@KESTREL-MACHINERY.CO.UK"); every
other company seen again.
"""

from __future__ import annotations

from pathlib import Path

from leadpipe import runner
from leadpipe.config import Config, load_config
from spiders.landing import LandingWriter, make_item
from warehouse.db import connect

JANE_EMAIL = "jane.doe@kestrel-machinery.co.uk"
JANE_PHONE = "+44 20 7946 0958"
TOM_EMAIL = "tom.roe@northbridge-eng.de"
JANUARY, FEBRUARY = "2026-01-10T09:00:00Z", "2026-02-10T09:00:00Z"

JANE = {"name": "Jane Doe", "role": "Purchasing Manager", "email": JANE_EMAIL,
        "phone": JANE_PHONE}


def _org(source: str, native_id: str, run_id: str, fetched_at: str, **fields) -> dict:
    return make_item(kind="organisation", source=source, native_id=native_id,
                     url=f"http://{source}.test/{native_id}", run_id=run_id, method="css",
                     fetched_at=fetched_at, fields=fields)


def run_one(run_id: str = "crawl-20260110") -> dict[str, list[dict]]:
    common = {"country": "GB", "categories": ["Industrial Machinery"], "employees": 120}
    return {
        "demo_expo": [
            _org("demo_expo", "kestrel", run_id, JANUARY, name="Kestrel Machinery Ltd",
                 website="https://kestrel-machinery.co.uk/", email="info@kestrel-machinery.co.uk",
                 phone="+44 20 7946 0100", city="Leeds", contacts=[JANE], **common),
            _org("demo_expo", "northbridge", run_id, JANUARY,
                 name="Northbridge Engineering GmbH", website="https://northbridge-eng.de/",
                 city="Bremen", contacts=[
                     {"name": "Jane Doe", "role": "Buyer",
                      "email": "Jane.Doe@Kestrel-Machinery.co.uk"},
                     {"name": "Tom Roe", "role": "Sales", "email": TOM_EMAIL}], **common),
            _org("demo_expo", "mw", run_id, JANUARY, name="MW Holdings Ltd", city="York",
                 phone="+44 1904 555 010", contacts=[
                     {"name": "Bob Marsh", "role": "Director", "email": "bob@mw-holdings.co.uk"}],
                 **common),
            _org("demo_expo", "pennine", run_id, JANUARY, name="Pennine Tools Ltd",
                 website="https://pennine-tools.co.uk/", city="Halifax",
                 phone="+44 1422 555 020", **common),
        ],
        "demo_directory": [
            _org("demo_directory", "moorside", run_id, JANUARY, name="Moorside Works Ltd",
                 website="https://moorside-works.co.uk/", city="Hull", **common),
            _org("demo_directory", "pennine", run_id, JANUARY, name="Pennine Tools Ltd",
                 website="https://pennine-tools.co.uk/", city="Halifax",
                 phone="+44 1422 555 020", **common),
            _org("demo_directory", "harbour", run_id, JANUARY, name="Harbour Tools Ltd",
                 website="https://www.harbour-tools.co.uk/", city="Grimsby", **common),
        ],
    }


def run_two(run_id: str = "crawl-20260210") -> dict[str, list[dict]]:
    items = run_one(run_id)
    for source_items in items.values():
        for item in source_items:
            item["fetched_at"] = FEBRUARY
    items["demo_directory"].append(_org(
        "demo_directory", "kestrel", run_id, FEBRUARY, name="Kestrel Machinery",
        website="kestrel-machinery.co.uk", phone="020 7946 0958", city="Leeds", country="GB",
        categories=["Industrial Machinery"], employees=120,
        contacts=[{"name": "J. Doe", "role": "Purchasing",
                   "email": "MAILTO:JANE.DOE@KESTREL-MACHINERY.CO.UK"}]))
    return items


def land(landing_dir: Path, run_id: str, items: dict[str, list[dict]]) -> list[Path]:
    paths = []
    for source, source_items in items.items():
        with LandingWriter(landing_dir, run_id, source) as writer:
            for item in source_items:
                writer.write(item)
        paths.append(writer.final)
    return paths


def write_config(root: Path, decisions: str | None = None) -> Config:
    text = '[project]\ndata_dir = "data"\n[score]\nfit_min = 0.3\n'
    if decisions is not None:
        (root / "decisions.yaml").write_text(decisions, encoding="utf-8")
        text += '[resolve]\ndecisions = "decisions.yaml"\n'
    path = root / "leadpipe.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def build(cfg: Config, run_id: str = "crawl-20260110", items=None) -> None:
    """Land, load, resolve and score."""
    land(cfg.landing_dir, run_id, items or run_one(run_id))
    runner.load(cfg)
    runner.resolve(cfg)
    runner.score(cfg)


def warehouse_text(cfg: Config) -> str:
    """Every row of every warehouse table as text: what a search for a person's data reads."""
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()]
        return "\n".join(str(row) for t in tables
                         for row in con.execute(f"SELECT * FROM {t}").fetchall())
    finally:
        con.close()

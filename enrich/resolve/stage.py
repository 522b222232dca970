"""The warehouse resolution stage: source_records -> company_links, redirects, review, companies.

Everything is written in one transaction, so readers see the previous resolution or the new
one, never half of each. Golden records pick each field from one member record by survivorship:
most trusted source first, then the most recently seen, then the most complete record; the
record each value came from is kept in ``field_sources``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich import normalise as nz
from enrich.resolve.core import PreviousState, resolve
from enrich.resolve.decisions import load_decisions
from enrich.resolve.features import INPUT_COLUMNS
from enrich.resolve.model import fitted_model
from enrich.resolve.settings import ResolveSettings
from spiders.landing import new_run_id
from spiders.landing_fields import organisation_fields
from warehouse.db import transaction
from warehouse.upsert import merge_row

# Default trust by how a value was obtained: structured feeds beat scraped markup.
METHOD_TRUST = {"api": 4, "export": 4, "jsonld": 3, "microdata": 3, "state_json": 3, "css": 2}

# The single-valued landing fields the company record keeps, each picked from one member.
_SCALAR_FIELDS = tuple(f.name for f in organisation_fields(on_company=True) if not f.is_list)
_COMPLETENESS = tuple(f for f in _SCALAR_FIELDS if f != "name")


@dataclass
class ResolveSummary:
    records: int = 0
    companies: int = 0
    multi_record_companies: int = 0
    redirects: int = 0
    review_pairs: int = 0
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)  # what was fitted (also in resolution_models)
    run_id: str = ""  # the run the model is stored under

    def __str__(self) -> str:
        return (f"{self.records} records -> {self.companies} companies "
                f"({self.multi_record_companies} with several records), "
                f"{self.redirects} new redirects, {self.review_pairs} pairs to review")


# The registry ids, VAT numbers and LEIs a company's own website prints (the enrich stage's
# ``website_identifiers``, per company and the website it fetched), as identifiers of every
# record naming that website. Enrichment runs after resolution, so a run's resolution uses what
# the previous enrich run found: data still flows one way (source records and last run's
# enrichment in, links out). Left out as ambiguous: a website that two current companies name,
# and a scheme the site prints with more than one id (a group's imprint naming its sister firms).
_SITE_IDENTIFIERS = """
    WITH fetched AS (
        SELECT e.website, unnest(e.website_identifiers) AS ident,
               count(DISTINCT e.company_id) OVER (PARTITION BY e.website) AS companies
        FROM enrichment e JOIN companies c
          ON c.company_id = e.company_id AND c.website = e.website
        WHERE len(e.website_identifiers) > 0
    ), schemes AS (
        SELECT website, ident, count(DISTINCT ident) OVER (
            PARTITION BY website, split_part(ident, ':', 1)) AS of_scheme
        FROM fetched WHERE companies = 1 AND ident IS NOT NULL
    )
    SELECT website, list_sort(list_distinct(list(ident))) AS site_ids
    FROM schemes WHERE of_scheme = 1 GROUP BY website
"""


def _read_records(con: duckdb.DuckDBPyConnection) -> pa.Table:
    columns = ", ".join(
        "CASE WHEN s.site_ids IS NULL THEN r.identifiers ELSE list_sort(list_distinct("
        "list_concat(coalesce(r.identifiers, []), s.site_ids))) END AS identifiers"
        if c == "identifiers" else f"r.{c}" for c in INPUT_COLUMNS)
    return con.sql(
        f"""WITH site AS ({_SITE_IDENTIFIERS})
           SELECT {columns}
           FROM source_records r LEFT JOIN site s ON s.website = r.website
           WHERE NOT coalesce(r.is_natural_person, false)
           ORDER BY r.record_id"""
    ).to_arrow_table()


def _previous(con: duckdb.DuckDBPyConnection) -> PreviousState | None:
    links = con.sql("SELECT record_id, company_id FROM company_links").to_arrow_table()
    redirects = con.sql("SELECT old_id, new_id FROM company_redirects").to_arrow_table()
    if links.num_rows == 0 and redirects.num_rows == 0:
        return None
    return PreviousState(links=links, redirects=redirects)


def _golden_sql(trust: dict[str, float]) -> str:
    trust_case = " ".join(
        f"WHEN r.source = '{s.replace(chr(39), chr(39) * 2)}' THEN {float(v)}"
        for s, v in trust.items()
    )
    method_case = " ".join(f"WHEN r.method = '{m}' THEN {v}" for m, v in METHOD_TRUST.items())
    completeness = " + ".join(f"(r.{f} IS NOT NULL)::INT" for f in _COMPLETENESS)
    picks = []
    for f in _SCALAR_FIELDS:
        picks.append(f"arg_min(r.{f}, rk) FILTER (WHERE r.{f} IS NOT NULL) AS {f}")
        picks.append(f"arg_min(r.record_id, rk) FILTER (WHERE r.{f} IS NOT NULL) AS {f}__src")
    picks.append(
        "arg_min(r.record_id, rk) FILTER (WHERE len(r.categories) > 0) AS categories__src"
    )
    return f"""
    WITH m AS (
        SELECT l.company_id, r.*,
               CASE {trust_case or "WHEN FALSE THEN 0"}
                    ELSE CASE {method_case} ELSE 1 END END AS trust,
               {completeness} AS completeness
        FROM company_links l JOIN source_records r USING (record_id)
    ), ranked AS (
        SELECT *, row_number() OVER (
            PARTITION BY company_id
            ORDER BY trust DESC, last_seen_at DESC, completeness DESC, record_id) AS rk
        FROM m
    ), cat_lists AS (
        SELECT company_id, flatten(list(categories ORDER BY rk)
                                   FILTER (WHERE len(categories) > 0)) AS cats
        FROM ranked GROUP BY company_id
    )
    SELECT company_id, {", ".join(picks)},
           -- every member's categories (a listing repeats a company once per category),
           -- the best-ranked record's first, each once
           list_filter(any_value(c.cats),
                       lambda v, i: list_position(any_value(c.cats), v) = i) AS categories,
           list_sort(list_distinct(flatten(list(r.identifiers)
               FILTER (WHERE r.identifiers IS NOT NULL)))) AS identifiers,
           list_sort(list_distinct(list(r.source))) AS sources,
           list_sort(list_distinct(list(r.url) FILTER (WHERE r.url IS NOT NULL))) AS source_urls,
           count(*)::INT AS record_count,
           min(r.first_seen_at) AS first_seen_at,
           max(r.last_seen_at) AS last_seen_at
    FROM ranked r JOIN cat_lists c USING (company_id)
    GROUP BY company_id
    """


def _golden(con: duckdb.DuckDBPyConnection, settings: ResolveSettings) -> pa.Table:
    g = con.sql(_golden_sql(settings.source_trust)).to_arrow_table()
    n = g.num_rows
    names = g.column("name").combine_chunks()
    _, legal = nz.normalise_names_array(pc.fill_null(names, ""))
    website = g.column("website").combine_chunks()
    email = g.column("email").combine_chunks()
    dom_web = nz.registrable_domains_array(website)
    dom_mail = nz.registrable_domains_array(email)
    domain = pc.coalesce(dom_web, dom_mail)
    e164: dict[tuple[str | None, str | None], str | None] = {}
    phones = []
    for p, c in zip(g.column("phone").to_pylist(), g.column("country").to_pylist(),
                    strict=True):
        if (p, c) not in e164:
            e164[(p, c)] = nz.normalise_phone(p, c) or p
        phones.append(e164[(p, c)])
    sources = {f: g.column(f"{f}__src").to_pylist() for f in (*_SCALAR_FIELDS, "categories")}
    dom_src = [w if dw else (e if dm else None) for w, e, dw, dm in zip(
        sources["website"], sources["email"], dom_web.to_pylist(), dom_mail.to_pylist(),
        strict=True)]
    field_sources = []
    for k in range(n):
        fs = {f: sources[f][k] for f in sources if sources[f][k] is not None}
        if dom_src[k]:
            fs["domain"] = dom_src[k]
        if "name" in fs:
            fs["legal_form"] = fs["name"]
        field_sources.append(json.dumps(fs, sort_keys=True))
    now = pa.array(np.full(n, np.datetime64("now", "us")), pa.timestamp("us"))
    return pa.table({
        "company_id": g.column("company_id"),
        "name": names,
        "legal_form": legal,
        "website": website,
        "domain": domain,
        "email": email,
        "phone": pa.array(phones, pa.string()),
        "street": g.column("street"),
        "postcode": g.column("postcode"),
        "city": g.column("city"),
        "country": g.column("country"),
        "categories": g.column("categories"),
        "description": g.column("description"),
        "identifiers": g.column("identifiers"),
        "employees": g.column("employees"),
        "founded": g.column("founded"),
        "sources": g.column("sources"),
        "source_urls": g.column("source_urls"),
        "record_count": g.column("record_count"),
        "field_sources": pa.array(field_sources, pa.string()),
        "first_seen_at": g.column("first_seen_at"),
        "last_seen_at": g.column("last_seen_at"),
        "updated_at": now,
    })


def _sync(
    con: duckdb.DuckDBPyConnection, table: str, source: str, key: str, compared: list[str],
    stamps: list[str],
) -> None:
    """Make ``table`` hold exactly the rows of ``source``, rewriting only rows that changed.

    A re-run on unchanged data then writes nothing (cheap to commit), and the ``stamps``
    columns (linked_at, updated_at) tell when a row last really changed."""
    as_text = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in compared)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT {key} FROM ("
        f"SELECT {as_text} FROM {source} EXCEPT SELECT {as_text} FROM {table})"
    )
    con.execute(
        f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM _changed) "
        f"OR {key} NOT IN (SELECT {key} FROM {source})"
    )
    cols = ", ".join(compared + stamps)
    con.execute(
        f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {source} "
        f"WHERE {key} IN (SELECT {key} FROM _changed)"
    )
    con.execute("DROP TABLE _changed")


def _run_id(con: duckdb.DuckDBPyConnection) -> str:
    """The resolve run this resolution belongs to: the latest one recorded as running in
    ``runs`` (the runner records it before calling the stage), else a new id."""
    rows = con.execute(  # fetchall: a result left half-read blocks the connection
        "SELECT run_id FROM runs WHERE stage = 'resolve' AND status = 'running' "
        "ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchall()
    return rows[0][0] if rows else new_run_id("resolve")


def run_resolution(
    con: duckdb.DuckDBPyConnection,
    *,
    settings: ResolveSettings | None = None,
    decisions_path: str | Path | None = None,
    run_id: str | None = None,
) -> ResolveSummary:
    """Resolve every organisation record in the warehouse, rebuild the companies table and
    store the fitted model under ``run_id`` (by default the resolve run in progress)."""
    import time

    t0 = time.perf_counter()
    settings = settings or ResolveSettings()
    decisions = load_decisions(decisions_path)
    records = _read_records(con)
    previous = _previous(con)
    res = resolve(records, previous=previous, decisions=decisions, settings=settings)
    links = res.links.append_column(
        "linked_at", pa.array(np.full(res.links.num_rows, np.datetime64("now", "us")),
                              pa.timestamp("us")))
    redirects = res.redirects
    review = res.review
    run_id = run_id or _run_id(con)
    model = fitted_model(res.params, settings)
    with transaction(con, _links=links, _redirects=redirects, _review=review):
        # first, so that any later failure takes the model back with the rest
        con.execute(
            merge_row("resolution_models", {"run_id": "?", "fitted_at": "now()",
                                            "model": "CAST(? AS JSON)"}, ["run_id"]),
            [run_id, json.dumps(model, sort_keys=True)],
        )
        _sync(con, "company_links", "_links", "record_id",
              ["record_id", "company_id", "match_weight", "explanation"], ["linked_at"])
        # keep every redirect one hop long: old redirects to a now-redirected id move along
        con.execute(
            "UPDATE company_redirects SET new_id = r.new_id, redirected_at = now() "
            "FROM _redirects r WHERE company_redirects.new_id = r.old_id"
        )
        con.execute(
            "MERGE INTO company_redirects USING (SELECT old_id, new_id, now() AS redirected_at "
            "FROM _redirects) AS incoming ON (company_redirects.old_id = incoming.old_id) "
            "WHEN MATCHED THEN UPDATE SET new_id = incoming.new_id, "
            "redirected_at = incoming.redirected_at WHEN NOT MATCHED THEN INSERT BY NAME"
        )
        # an id in use again is no longer redirected
        con.execute(
            "DELETE FROM company_redirects WHERE old_id IN (SELECT company_id FROM _links)"
        )
        con.execute("DELETE FROM review_pairs")
        con.execute(
            "INSERT INTO review_pairs SELECT DISTINCT ON (record_id_l, record_id_r) "
            "record_id_l, record_id_r, match_weight, explanation FROM _review"
        )
        golden = _golden(con, settings)
        con.register("_golden", golden)
        try:
            _sync(con, "companies", "_golden", "company_id",
                  [c for c in golden.column_names if c != "updated_at"], ["updated_at"])
        finally:
            con.unregister("_golden")
    counts = pc.value_counts(res.links.column("company_id")).field("counts")
    return ResolveSummary(
        records=records.num_rows,
        companies=golden.num_rows,
        multi_record_companies=int(pc.sum(pc.greater(counts, 1)).as_py() or 0),
        redirects=redirects.num_rows,
        review_pairs=review.num_rows,
        seconds=time.perf_counter() - t0,
        stats=res.stats,
        model=model,
        run_id=run_id,
    )

"""Scoring: fit tier, solvency band, timing and priority per ICP profile, and the funnel stage.

fit adds the points of the declared fit rules (``sales.rules``: industry, keywords, size,
country, tender demand; the points are the profile's); the tier cuts it by the profile's
cut-offs. The solvency band comes from enrichment (``enrich.solvency``), timing and priority
from ``sales.qualify``. Stage is ``client`` for imported clients; ``prospect`` when the tier is
one of the profile's prospect tiers, the band clears its minimum (band X never does) and the
company is not suppressed; a public body is a prospect on its demand (tenders in the profile's
CPV codes) and timing. Everything else is a ``suspect``.

Each run writes one ``scores`` row per company (with the profile's version hash and the
solvency model), at most three positive and three negative ``score_reasons`` rows, and a
``score_changes`` row for every tier, band, timing or stage that moved since the last run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from sales import qualify, sqlrow
from sales.clients import client_company_ids
from sales.company_rows import company_rows_sql
from sales.distances import distance_sql
from sales.profile import IcpProfile
from sales.rules import (
    REASON_TYPE,
    Reason,
    Rule,
    check_reads,
    reason_from,
    reason_sql,
    registered_rules,
)
from warehouse.db import transaction

MODEL_VERSION = "fit-tiers-2"
FUNNEL_STAGES = ("suspect", "prospect", "client")
REASONS_PER_SIGN = 3
UNRATED_SOLVENCY = 0.5  # the numeric column of a company enrichment has not rated


@dataclass
class ScoreSummary:
    companies: int = 0
    prospects: int = 0
    suspects: int = 0
    clients: int = 0
    changes: int = 0


@dataclass(frozen=True)
class Fit:
    """A company's fit and the reasons behind it, in the order the rules ran."""

    value: float
    reasons: tuple[Reason, ...]

    @property
    def sentences(self) -> list[str]:
        return [r.text for r in self.reasons]


# ---------------------------------------------------------------------------------------------
# The score as SQL: every piece below is an expression over one company's columns.

def _sign_sql(r: str) -> str:
    """``positive``, ``negative`` or NULL, as ``Reason.sign`` says."""
    return (f"CASE WHEN {r}.points > 0 THEN 'positive' WHEN {r}.points < 0 OR {r}.knock_out "
            f"OR {r}.against OR {r}.drops_tier THEN 'negative' END")


def rule_expressions(rules: Sequence[Rule], profile: IcpProfile) -> list[str]:
    """Each rule's reason: its SQL, or the column a Python rule's results are staged in."""
    return [r.expression(profile) if r.sql is not None else f"rule_{r.code}" for r in rules]


def _python_rule_reasons(rule: Rule, row: Mapping[str, Any], profile: IcpProfile
                         ) -> dict[str, Any] | None:
    reason = rule.apply(row, profile)
    if reason is None:
        return None
    return {"code": reason.code, "text": reason.text, "points": float(reason.points),
            "knock_out": reason.knock_out, "url": reason.url, "against": reason.against,
            "drops_tier": reason.drops_tier}


def fit_score(
    row: Mapping[str, Any], profile: IcpProfile, rules: Sequence[Rule] | None = None
) -> Fit:
    """Fit in [0, 1] and its reasons, from one company row and an ICP profile (the same SQL
    the score stage runs over every company)."""
    rules = registered_rules() if rules is None else list(rules)
    python_rules = [r for r in rules if r.sql is None]
    staged = {f"rule_{r.code}": _python_rule_reasons(r, row, profile) for r in python_rules}
    for rule in rules:
        if rule.sql is not None:
            check_reads(rule, profile)
    source, params = sqlrow.one_row_sql({"company_id": "one", **row, **staged},
                                        {"is_client": "BOOLEAN",
                                         **{name: REASON_TYPE for name in staged}})
    query = scored_sql(rules, profile, datetime(2000, 1, 1), None, None, source,
                       with_fit_reasons=True)
    value, reasons = sqlrow.fetch_one(f"SELECT fit, fit_reasons FROM ({query})", params)
    return Fit(float(value),
               tuple(r for r in (reason_from(x) for x in reasons) if r is not None))


_FIELD_WORDS = {"stage": "stage", "tier": "fit tier", "solvency_band": "solvency band",
                "timing": "timing"}
_BETTER = {
    "stage": ("suspect", "prospect"),
    "tier": tuple(reversed(qualify.TIERS)),
    "solvency_band": tuple(reversed(qualify.BAND_ORDER)),
    "timing": tuple(reversed(qualify.TIMINGS)),
}


def _note_sql(code: str, text: str) -> str:
    return reason_sql(code, text, 0.0, against=True)


def _band_words_sql() -> str:
    """"its finances look weak (solvency band 3)": the band in words, then its number."""
    words = " ".join(f"WHEN {sqlrow.text(b)} THEN {sqlrow.text(w)}"
                     for b, w in qualify.BAND_WORDS.items())
    return (f"'its finances look ' || CASE band {words} ELSE 'unclear' END || "
            "' (solvency band ' || band || ')'")


def _stage_sql(profile: IcpProfile, fit_min: float | None, solvency_min: float | None) -> str:
    """``STRUCT(stage VARCHAR, note REASON)`` from the columns of ``_SCORED``'s ``decided``.

    A client is never offered as new; a suppressed company and a knocked-out one (band X) are
    never prospects; a public body is one on demand and timing."""
    below_min = (f"CASE WHEN band = {sqlrow.text(qualify.BAND_INSUFFICIENT)} THEN "
                 "'not enough public information to judge whether it can pay' ELSE "
                 f"{_band_words_sql()} || {sqlrow.text(', below the band ')} || "
                 f"{sqlrow.text(profile.solvency_min_band)} || "
                 f"{sqlrow.text(' or better that the profile asks for')} END")

    def outcome(stage: str, note: str = f"NULL::{REASON_TYPE}") -> str:
        return f"struct_pack(stage := '{stage}', note := {note})"

    fit_low = (f"WHEN fit < {sqlrow.number(fit_min)} THEN {outcome('suspect')} "
               if fit_min is not None else "")
    solvency_low = (
        f"WHEN list_contains({sqlrow.texts(qualify.RATED_BANDS)}, band) AND solvency < "
        f"{sqlrow.number(solvency_min)} THEN " + outcome("suspect", _note_sql(
            "solvency_below_minimum", f"'estimated solvency ' || printf('%.2f', solvency) || "
            f"' below ' || {sqlrow.text(f'{solvency_min:.2f}')}")) + " "
        if solvency_min is not None else "")
    client = outcome("client", _note_sql("client", sqlrow.text("already a client")))
    suppressed = outcome("suspect", _note_sql("suppressed",
                                              sqlrow.text("on the do-not-contact list")))
    return (
        f"CASE WHEN is_client THEN {client} WHEN suppressed THEN {suppressed} "
        f"WHEN band = {sqlrow.text(qualify.BAND_X)} THEN {outcome('suspect')} "
        f"WHEN band = {sqlrow.text(qualify.BAND_PUBLIC)} THEN CASE WHEN has_demand AND "
        f"timing.timing <> 'none' THEN {outcome('prospect')} ELSE {outcome('suspect')} END "
        f"WHEN NOT {qualify.tier_qualifies_sql('tier', profile)} THEN {outcome('suspect')} "
        f"{fit_low}"
        f"WHEN NOT {qualify.band_qualifies_sql('band', profile)} THEN "
        f"{outcome('suspect', _note_sql('solvency_below_minimum', below_min))} "
        f"{solvency_low}"
        f"ELSE {outcome('prospect')} END")


def scored_sql(rules: Sequence[Rule], profile: IcpProfile, now: datetime,
               fit_min: float | None, solvency_min: float | None, source: str,
               with_fit_reasons: bool = False) -> str:
    """Every column of a ``scores`` row plus the fit reasons and the chosen ``positive`` and
    ``negative`` reasons, for each company of the relation ``source`` (the company rows with
    ``is_client``).

    Which reasons are chosen, and in what order, depends only on each candidate's sign, points
    and place (its *shape*), never on its text. So reasons are ranked once per distinct shape,
    in long form (one row per candidate, window functions), and each company then takes the
    reasons its shape picked by position: a million companies share a few hundred shapes, and
    no per-company sort or per-row list lambda runs."""
    x, ins = sqlrow.text(qualify.BAND_X), sqlrow.text(qualify.BAND_INSUFFICIENT)
    exprs = rule_expressions(rules, profile)
    n = len(exprs)

    def upto(k: int, test: str) -> str:
        return f"(coalesce(rule_reasons[{k}].{test}, false) AND (ko IS NULL OR ko >= {k}))"

    ko = "CASE " + " ".join(f"WHEN rule_reasons[{k}].knock_out THEN {k}"
                            for k in range(1, n + 1)) + " END" if n else "NULL::INTEGER"
    total = " + ".join(["0.0"] + [f"coalesce(rule_reasons[{k}].points, 0.0)"
                                  for k in range(1, n + 1)])
    drops = " OR ".join(["false"] + [upto(k, "drops_tier") for k in range(1, n + 1)])
    demand = " OR ".join(["false"] + [upto(k, "code = 'tender_demand'")
                                      for k in range(1, n + 1)])
    label, rank = qualify.priority_sql("tier", "band", "timing.timing")
    tier = qualify.tier_sql("fit", profile)
    fit_reasons = (", list_filter(s.rule_reasons[1:coalesce(s.ko, len(s.rule_reasons))], "
                   "lambda r: r IS NOT NULL) AS fit_reasons" if with_fit_reasons else "")
    # A fit reason counts up to a knock-out; what ranks it is its points and flags.
    fit_shape = "[" + ", ".join(
        f"CASE WHEN rule_reasons[{k}] IS NOT NULL AND (ko IS NULL OR {k} <= ko) THEN "
        f"struct_pack(points := rule_reasons[{k}].points, "
        f"knock_out := rule_reasons[{k}].knock_out, against := rule_reasons[{k}].against, "
        f"drops_tier := rule_reasons[{k}].drops_tier) END" for k in range(1, n + 1)) + "]"
    # Where a pick points in the company's candidates: 1 the timing, 2 the stage note,
    # 2 + k the fit rule of place k, 2 + n + i the i-th solvency evidence.
    def evidence_reasons(against: str) -> str:
        return ("list_transform(solvency_evidence, lambda e: struct_pack(code := e.code, "
                "text := e.text, points := coalesce(e.points, 0.0)::DOUBLE, knock_out := false, "
                f"url := e.url, against := {against}, drops_tier := false))")

    timing_reason = ("struct_pack(code := coalesce(timing.code, timing.timing), "
                     "text := timing.text, points := 0.0::DOUBLE, knock_out := false, "
                     "url := timing.url, against := false, drops_tier := false)")
    candidates_list = (
        f"list_concat([{timing_reason}, decision.note]::{REASON_TYPE}[], rule_reasons, "
        f"CASE WHEN band = {x} THEN {evidence_reasons('true')} "
        f"ELSE {evidence_reasons('false')} END::{REASON_TYPE}[])")

    return f"""
WITH base AS (
    SELECT * EXCLUDE (solvency, is_client, suppressed),
           coalesce(is_client, false) AS is_client, coalesce(suppressed, false) AS suppressed,
           [{', '.join(exprs) or 'NULL'}]::{REASON_TYPE}[] AS rule_reasons,
           coalesce(solvency_band, {ins}) AS band,
           coalesce(solvency, {sqlrow.number(UNRATED_SOLVENCY)}) AS solvency,
           {qualify.timing_sql(profile, now)} AS timing
    FROM {source}
), knocked AS (
    SELECT *, {ko} AS ko FROM base
), scored AS (
    -- the points in rule order (as Python adds them), 0 after a knock-out
    SELECT *, CASE WHEN ko IS NOT NULL THEN 0.0 ELSE round(greatest(0.0, least(1.0,
                {total})), 3) END AS fit,
           {drops} AS drops, {demand} AS has_demand
    FROM knocked
), tiered AS (
    SELECT * EXCLUDE (drops), CASE WHEN drops THEN {qualify.drop_tier_sql(tier)} ELSE {tier}
           END AS tier
    FROM scored
), decided AS (
    SELECT *, {_stage_sql(profile, fit_min, solvency_min)} AS decision
    FROM tiered
), staged AS MATERIALIZED (
    SELECT *, struct_pack(
               fit := {fit_shape},
               evidence := coalesce(list_transform(solvency_evidence,
                                                   lambda e: coalesce(e.points, 0.0)::DOUBLE),
                                    []::DOUBLE[]),
               x := band = {x}, timing := timing.text IS NOT NULL,
               note := decision.note IS NOT NULL) AS shape,
           {candidates_list} AS candidates
    FROM decided
), shapes AS MATERIALIZED (
    SELECT DISTINCT shape FROM staged
), fit_long AS (
    -- one row per reason; after a knock-out, later rules do not count
    SELECT shape, r, i FROM (
        SELECT shape, unnest(shape.fit) AS r, unnest(range(1, len(shape.fit) + 1)) AS i
        FROM shapes)
    WHERE r IS NOT NULL
), solvency_long AS (
    SELECT shape, struct_pack(points := p, knock_out := false, against := shape.x,
                              drops_tier := false) AS r, i
    FROM (SELECT shape, unnest(shape.evidence) AS p,
                 unnest(range(1, len(shape.evidence) + 1)) AS i
          FROM shapes WHERE len(shape.evidence) > 0)
), signed AS (
    SELECT *, row_number() OVER (PARTITION BY shape, sign, k1, g
                                 ORDER BY -abs(r.points), i) AS rn
    FROM (SELECT shape, r, i, {_sign_sql('r')} AS sign, 0 AS g,
                 CASE WHEN {_sign_sql('r')} = 'positive' THEN 1 ELSE 2 END AS k1
          FROM fit_long
          UNION ALL
          SELECT shape, r, i, {_sign_sql('r')} AS sign, 1 AS g,
                 CASE WHEN {_sign_sql('r')} = 'positive' THEN 1
                      WHEN r.points = 0 THEN 1 ELSE 2 END AS k1
          FROM solvency_long)
    WHERE sign IS NOT NULL
), candidates AS (
    -- positive: the timing, then fit and solvency alternating, strongest first;
    -- negative: the stage note, solvency knock-outs, then fit and solvency alternating
    SELECT shape, sign, k1, CASE WHEN k1 = 1 AND sign = 'negative' THEN i ELSE rn END AS rn,
           g, CASE WHEN g = 0 THEN 2 + i ELSE {2 + n} + i END AS ref
    FROM signed
    UNION ALL
    SELECT shape, 'positive', 0, 0, 0, 1 FROM shapes WHERE shape.timing
    UNION ALL
    SELECT shape, 'negative', 0, 0, 0, 2 FROM shapes WHERE shape.note
), ranked AS (
    SELECT shape, sign, ref,
           row_number() OVER (PARTITION BY shape, sign ORDER BY k1, rn, g) AS rank
    FROM candidates
    QUALIFY rank <= {REASONS_PER_SIGN}
), picks AS (
    -- at most three of each sign, as places in the company's own reasons
    SELECT h.shape,
           coalesce(list(r.ref ORDER BY r.rank) FILTER (WHERE r.sign = 'positive'),
                    []::INTEGER[]) AS positive,
           coalesce(list(r.ref ORDER BY r.rank) FILTER (WHERE r.sign = 'negative'),
                    []::INTEGER[]) AS negative
    FROM shapes h LEFT JOIN ranked r ON r.shape = h.shape
    GROUP BY h.shape
), chosen AS (
    SELECT s.*, list_select(s.candidates, p.positive) AS positive,
           list_select(s.candidates, p.negative) AS negative
    FROM staged s JOIN picks p ON p.shape = s.shape
)
SELECT s.company_id, {sqlrow.text(profile.name)} AS profile,
       {sqlrow.text(profile.version)} AS profile_version, '{MODEL_VERSION}' AS model_version,
       s.solvency_model, s.fit, s.solvency, s.tier, s.band AS solvency_band,
       s.timing.timing AS timing, {label} AS priority,
       {rank} AS priority_rank, s.decision.stage AS stage,
       list_concat(list_transform(s.positive, lambda r: r.text),
                   list_transform(s.negative, lambda r: 'against: ' || r.text),
                   -- a change worth knowing that counts neither way (a new address, a new
                   -- legal name on the company's website, enrich.monitor)
                   CASE WHEN s.site_note_text IS NOT NULL AND s.site_note_at BETWEEN
                        {sqlrow.timestamp(now - timedelta(days=profile.timing.warm_days))}
                        AND {sqlrow.timestamp(now)}
                        THEN ['noticed: ' || s.site_note_text] ELSE []::VARCHAR[] END)
         AS reasons, {sqlrow.timestamp(now)} AS scored_at,
       s.positive, s.negative{fit_reasons}
FROM chosen s
"""


def _change_sql(field: str, before: str, after: str) -> str:
    """``fit tier changed from B to A: industry manufacturing`` — the strongest reason that
    points the way it moved."""
    order = _BETTER[field]

    def index(value: str) -> str:
        whens = " ".join(f"WHEN {sqlrow.text(v)} THEN {i}" for i, v in enumerate(order))
        return f"(CASE {value} {whens} ELSE -1 END)"

    pool = f"CASE WHEN {index(after)} > {index(before)} THEN positive ELSE negative END"
    return (f"{sqlrow.text(_FIELD_WORDS[field] + ' changed from ')} || {before} || ' to ' || "
            f"{after} || coalesce(': ' || ({pool})[1].text, '')")


def _python_rules_table(con: duckdb.DuckDBPyConnection, rules: Sequence[Rule],
                        profile: IcpProfile) -> pa.Table | None:
    """The reasons of rules written in Python, one row per company (None when there are
    none): run row by row over just the columns they declare."""
    python_rules = [r for r in rules if r.sql is None]
    if not python_rules:
        return None
    reads = sorted(set().union(*(r.reads for r in python_rules)) - {"company_id"})
    cols = ", ".join(["company_id", *reads])
    table = con.execute(f"SELECT {cols} FROM score_input").fetch_arrow_table()
    rows = table.to_pylist()
    struct = pa.struct([("code", pa.string()), ("text", pa.string()), ("points", pa.float64()),
                        ("knock_out", pa.bool_()), ("url", pa.string()),
                        ("against", pa.bool_()), ("drops_tier", pa.bool_())])
    out = {"company_id": table.column("company_id")}
    for rule in python_rules:
        out[f"rule_{rule.code}"] = pa.array(
            [_python_rule_reasons(rule, row, profile) for row in rows], type=struct)
    return pa.table(out)


def run_scoring(
    con: duckdb.DuckDBPyConnection,
    profile: IcpProfile,
    *,
    fit_min: float | None = None,
    solvency_min: float | None = None,
    now: datetime | None = None,
) -> ScoreSummary:
    """Score every company for ``profile``; replace that profile's ``scores`` and
    ``score_reasons`` rows and append what changed to ``score_changes``.

    Set-based: one DuckDB query scores every company (rules Python-written rules aside)."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    rules = registered_rules()
    sqlrow.register_functions(con)
    for rule in rules:
        if rule.sql is not None:
            check_reads(rule, profile)
    distance = distance_sql(profile)  # an unknown home base fails before anything is written
    clients = pa.table({"company_id": pa.array(sorted(client_company_ids(con)), pa.string())})
    with transaction(con, score_clients=clients):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE score_input AS SELECT rows.*, "
            "(rows.company_id IN (SELECT company_id FROM score_clients)) AS is_client "
            f"FROM ({company_rows_sql(con)}) rows", [now, now, now])
    _check_reads(rules, [d[0] for d in con.execute("SELECT * FROM score_input LIMIT 0")
                         .description])
    source, staged = "score_input", {}
    plugins = _python_rules_table(con, rules, profile)
    if plugins is not None:
        staged["score_plugins"] = plugins
        source = "(SELECT * FROM score_input LEFT JOIN score_plugins USING (company_id))"
    with transaction(con, **staged):
        con.execute("CREATE OR REPLACE TEMP TABLE score_output AS " + scored_sql(
            rules, profile, now, fit_min, solvency_min, source))
    p = [profile.name]
    change_rows = " UNION ALL ".join(
        f"SELECT {sqlrow.timestamp(now)} AS run_at, o.company_id, o.profile, '{field}' AS field, "
        f"b.{field} AS before, o.{field} AS after, "
        f"{_change_sql(field, f'b.{field}', f'o.{field}')} AS sentence "
        f"FROM score_output o JOIN scores b ON b.company_id = o.company_id AND b.profile = ? "
        f"WHERE b.{field} IS NOT NULL AND b.{field} <> o.{field}" for field in _FIELD_WORDS)
    # two unnests in one SELECT walk a list side by side: the reason and its place, with no
    # lambda building a struct per reason
    reason_rows = " UNION ALL ".join(
        f"SELECT company_id, profile, '{sign}' AS sign, CAST(rank AS INTEGER) AS rank, "
        f"r.code AS code, r.text AS text, r.points AS points, "
        f"r.url AS source_url, scored_at FROM (SELECT company_id, profile, scored_at, "
        f"unnest({sign}) AS r, unnest(range(1, len({sign}) + 1)) AS rank "
        f"FROM score_output)" for sign in ("positive", "negative"))
    with transaction(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE score_moves AS {change_rows}",
                    p * len(_FIELD_WORDS))
        con.execute("DELETE FROM scores WHERE profile = ?", p)
        con.execute("INSERT INTO scores BY NAME SELECT * EXCLUDE (positive, negative) "
                    "FROM score_output")
        con.execute("DELETE FROM score_reasons WHERE profile = ?", p)
        con.execute(f"INSERT INTO score_reasons BY NAME {reason_rows}")
        con.execute("INSERT INTO score_changes BY NAME SELECT * FROM score_moves")
        con.execute("DELETE FROM score_distances WHERE profile = ?", p)
        if distance is not None:
            con.execute(
                "INSERT INTO score_distances BY NAME SELECT company_id, ? AS profile, "
                "d.km AS distance_km, d.text AS distance FROM (SELECT company_id, "
                f"{distance} AS d FROM score_input)", p)
    counts = dict(con.execute("SELECT stage, count(*) FROM score_output GROUP BY stage")
                  .fetchall())
    summary = ScoreSummary(
        companies=sum(counts.values()), prospects=counts.get("prospect", 0),
        clients=counts.get("client", 0),
        suspects=sum(v for k, v in counts.items() if k not in ("prospect", "client")),
        changes=con.execute("SELECT count(*) FROM score_moves").fetchone()[0])
    con.execute("DROP TABLE IF EXISTS score_moves")
    con.execute("DROP TABLE IF EXISTS score_output")
    con.execute("DROP TABLE IF EXISTS score_input")
    return summary


def _check_reads(rules: Sequence[Rule], columns: Sequence[str]) -> None:
    missing = {r.code: sorted(r.reads - set(columns)) for r in rules if r.reads - set(columns)}
    if missing:
        code, cols = next(iter(missing.items()))
        raise ValueError(f"fit rule {code!r} reads {', '.join(cols)}, which scoring does not "
                         "select (add it to sales.company_rows.COMPANY_ROWS_SQL)")

"""Load a registry's bulk file straight into ``source_records`` with DuckDB's CSV reader.

Companies House's BasicCompanyData has about five million rows: read row by row in Python it
would take many minutes, so the file is read by ``read_csv`` and turned into source records by
one ``INSERT ... SELECT`` (streamed by DuckDB, never held in Python). The SQL is built from the
Companies House parser's own declarations (status patterns, SIC schemes), so a bulk row and
the same company fetched from the API land the same facts under the same record id
(``record_id('companies_house', company number)``); a later load of a newer file updates them.
A file whose content was loaded before is skipped (``registry_bulk_files``); a file that
gives a company twice is not loaded (``source_records`` has no key index to refuse it).
"""

from __future__ import annotations

import csv
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from spiders import landing_fields
from spiders.landing import new_run_id
from spiders.registries import RegistryParseError
from spiders.registries import companies_house as ch
from warehouse.db import transaction
from warehouse.hashing import file_sha256

SOURCE = "companies_house"
REGISTRIES = ("companies_house",)


class BulkFileError(ValueError):
    """A bulk file that cannot be loaded; the message names the file and what is wrong."""


@dataclass(frozen=True)
class BulkLoad:
    path: Path
    rows: int
    skipped: bool
    as_of: date | None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_date(path: Path) -> date | None:
    """The date in a published file name (BasicCompanyDataAsOneFile-2024-05-01.csv)."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.name)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _columns(path: Path) -> list[str]:
    """The header's column names, stripped (the published header keeps leading spaces on
    some); a file without the required columns is one clear error."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise BulkFileError(f"{path}: cannot be read ({exc})") from None
    try:
        ch.bulk_header(header)
    except RegistryParseError as exc:
        raise BulkFileError(f"{path}: {exc}") from None
    return [name.strip() for name in header]


def _collapse_spaces(sql: str) -> str:
    """``sql`` with each run of white space made one space, as ``regexp_replace(x, '\\s+', ' ',
    'g')`` does; the expression is applied only to values holding a run or a space other than
    ' ' (RE2's ``\\s`` is space, tab, new line, form feed and carriage return), so the regular
    expression is skipped for nearly every row of a register."""
    needs = " OR ".join(f"contains({sql}, {char})"
                        for char in ("'  '", "chr(9)", "chr(10)", "chr(12)", "chr(13)"))
    return f"CASE WHEN {needs} THEN regexp_replace({sql}, '\\s+', ' ', 'g') ELSE {sql} END"


def _companies_house_select(path: Path, as_of: date | None, run_id: str) -> str:
    cols = _columns(path)

    def col(name: str) -> str:
        return f"trim({_ident(name)})" if name in cols else "NULL::VARCHAR"

    def text(name: str) -> str:
        return f"nullif({col(name)}, '')"

    def day(name: str) -> str:
        return f"try_strptime({text(name)}, '%d/%m/%Y')::DATE"

    digits = "'0123456789'"
    status = "CASE " + " ".join(
        f"WHEN contains(s.status_text, {_quote(pattern)}) THEN {_quote(word)}"
        for pattern, word in ch.BULK_STATUS_PATTERNS) + " END"
    skip = ", ".join(_quote(c) for c in ch.NOT_AN_INDUSTRY)

    # Each SIC column ("62020 - Information technology ...") as a code and a text: both empty
    # unless the whole text is a 4 or 5 digit code, optionally followed by "- description"
    # (what the row parser's pattern accepts). String functions over the part before the
    # first dash, computed once in the innermost level: no regular expression, no struct.
    sic_texts = ", ".join(f"{col(name)} AS sic_text{i}" for i, name in enumerate(ch.SIC_COLUMNS))
    ws = "' ' || chr(9) || chr(10) || chr(12) || chr(13)"  # what \\s matches

    sic_heads = ", ".join(f"trim(split_part({col(name)}, '-', 1), {ws}) AS sic_head{i}, "
                          f"strpos({col(name)}, '-') AS sic_dash{i}"
                          for i, name in enumerate(ch.SIC_COLUMNS))

    def sic_code(i: int) -> str:
        head, dash = f"sic_head{i}", f"sic_dash{i}"
        return (f"CASE WHEN length({head}) IN (4, 5) AND translate({head}, {digits}, '') = '' "
                f"THEN {head} ELSE '' END AS sic_code{i}, "
                f"CASE WHEN {dash} > 0 THEN ltrim(substr(sic_text{i}, {dash} + 1), {ws}) "
                f"ELSE '' END AS sic_desc{i}")

    sic_parts = ", ".join(sic_code(i) for i in range(len(ch.SIC_COLUMNS)))
    # The codes in order: the SIC 2007 codes given, the NACE classes they equal (each once),
    # the older SIC 2003 codes. Each slot is a one-entry list or an empty one and the lists are
    # concatenated: plain CASE expressions, no lambda per row. Most firms give one or two
    # codes: an outer CASE picks the expression over only the columns a row fills (DuckDB
    # evaluates each branch on its own rows only).
    def code(i: int) -> str:
        return f"s.sic_code{i}"

    def nace_ok(i: int) -> str:
        return f"(length({code(i)}) = 5 AND {code(i)} NOT IN ({skip}))"

    def entry(i: int, scheme: str, ident: str, desc: str) -> str:
        return f"{{'scheme': {_quote(scheme)}, 'id': {ident}, 'description': {desc}}}"

    def given(i: int) -> str:
        return entry(i, ch.SIC_SCHEME, code(i), f"nullif(trim(s.sic_desc{i}), '')")

    def old(i: int) -> str:
        return entry(i, ch.SIC2003_SCHEME, code(i), f"nullif(trim(s.sic_desc{i}), '')")

    def nace(i: int) -> str:
        return entry(i, "NACE2", f"substr({code(i)}, 1, 2) || '.' || substr({code(i)}, 3, 2)",
                     "NULL::VARCHAR")

    def slots(k: int) -> str:
        """The list over the first ``k`` SIC columns."""
        if k == 1:
            return (f"CASE WHEN {nace_ok(0)} THEN [{given(0)}, {nace(0)}] "
                    f"WHEN length({code(0)}) = 5 THEN [{given(0)}] "
                    f"WHEN length({code(0)}) = 4 THEN [{old(0)}] END")
        parts = [f"CASE WHEN length({code(i)}) = 5 THEN [{given(i)}] ELSE [] END"
                 for i in range(k)]
        for i in range(k):
            # a NACE class already listed for an earlier code (same four digits) is not repeated
            earlier = "".join(f" AND NOT ({nace_ok(j)} AND substr({code(j)}, 1, 4) = "
                              f"substr({code(i)}, 1, 4))" for j in range(i))
            parts.append(f"CASE WHEN {nace_ok(i)}{earlier} THEN [{nace(i)}] ELSE [] END")
        parts += [f"CASE WHEN length({code(i)}) = 4 THEN [{old(i)}] ELSE [] END"
                  for i in range(k)]
        return f"list_concat({', '.join(parts)})"

    columns = len(ch.SIC_COLUMNS)

    def rest_empty(k: int) -> str:
        return " AND ".join(f"{code(i)} = ''" for i in range(k, columns))

    codes = (f"CASE WHEN {rest_empty(1)} THEN {slots(1)} "
             f"WHEN {rest_empty(2)} THEN {slots(2)} ELSE {slots(columns)} END")

    street = f"nullif(concat_ws(', ', {text('RegAddress.AddressLine1')}, " \
             f"{text('RegAddress.AddressLine2')}), '')"
    nations = ", ".join(_quote(n) for n in ch._UK_NATIONS)
    outstanding = f"try_cast({text('Mortgages.NumMortOutstanding')} AS INTEGER)"
    part = f"try_cast({text('Mortgages.NumMortPartSatisfied')} AS INTEGER)"
    seen = f"TIMESTAMP {_quote(as_of.isoformat())}" if as_of else "now()::TIMESTAMP"
    overdue = (f"s.accounts_next_due < DATE {_quote(as_of.isoformat())}" if as_of
               else "NULL::BOOLEAN")
    return f"""
    SELECT 'r' || substr(sha1({_quote(SOURCE)} || chr(31) || s.num), 1, 15) AS record_id,
           {_quote(SOURCE)} AS source, s.num AS native_id, s.name AS name,
           [{landing_fields.identifier_text_sql(ch.SCHEME, 's.num')}] AS identifiers,
           {status} AS registry_status,
           s.incorporated_on, year(s.incorporated_on)::INTEGER AS founded,
           s.dissolved_on, s.accounts_next_due, s.accounts_last_made_up_to,
           {overdue} AS accounts_overdue,
           nullif({_collapse_spaces("lower(replace(replace(s.category, '-', ' '), '_', ' '))")},
                  '') AS accounts_category,
           CASE WHEN s.outstanding IS NULL AND s.part IS NULL THEN NULL
                ELSE coalesce(s.outstanding, 0) + coalesce(s.part, 0) END
               AS charges_outstanding,
           nullif({codes}, []) AS industry_codes,
           s.legal_form, s.street, s.city, s.region, s.postcode,
           nullif(concat_ws(', ', s.street, s.city, s.region, s.postcode), '') AS address,
           CASE WHEN s.country_text IS NULL OR lower(s.country_text) IN ({nations})
                THEN 'GB' END AS country,
           FALSE AS is_natural_person, s.uri AS url, 'export' AS method,
           {seen} AS first_seen_at, {seen} AS last_seen_at, {_quote(run_id)} AS run_id
    FROM (SELECT *, {sic_parts},
                 CASE WHEN translate(s0.number, {digits}, '') = '' THEN lpad(s0.number, 8, '0')
                      ELSE s0.number END AS num
          FROM (
        SELECT upper(replace({col('CompanyNumber')}, ' ', '')) AS number,
               {text('CompanyName')} AS name, lower({col('CompanyStatus')}) AS status_text,
               {day('IncorporationDate')} AS incorporated_on,
               {day('DissolutionDate')} AS dissolved_on,
               {day('Accounts.NextDueDate')} AS accounts_next_due,
               {day('Accounts.LastMadeUpDate')} AS accounts_last_made_up_to,
               {text('Accounts.AccountCategory')} AS category,
               {outstanding} AS outstanding, {part} AS part, {sic_texts}, {sic_heads},
               {text('CompanyCategory')} AS legal_form, {street} AS street,
               {text('RegAddress.PostTown')} AS city, {text('RegAddress.County')} AS region,
               {text('RegAddress.PostCode')} AS postcode,
               {text('RegAddress.Country')} AS country_text, {text('URI')} AS uri
        FROM read_csv(?, header = true, all_varchar = true,
                      names = [{", ".join(_quote(c) for c in cols)}],
                      delim = ',', quote = '"', escape = '"', strict_mode = false)
        WHERE {text('CompanyNumber')} IS NOT NULL AND {text('CompanyName')} IS NOT NULL
    ) s0) s
    """


_UPDATE_COLUMNS = (
    "name", "identifiers", "registry_status", "incorporated_on", "founded", "dissolved_on",
    "accounts_next_due", "accounts_last_made_up_to", "accounts_overdue", "accounts_category",
    "charges_outstanding", "industry_codes", "legal_form", "street", "city", "region",
    "postcode", "address", "country", "url", "method", "run_id",
)


def _twice(con: duckdb.DuckDBPyConnection) -> str | None:
    """A company number the register's records hold more than once (None when each is once).

    ``source_records`` has no key index (a bulk load would build an entry per row and merge
    them at commit on one core), so the load checks its own rows. Grouping on the 64-bit hash
    of the record id costs about half of grouping on the text; only a hash held twice (a
    repeat, or in a few millions a collision) is then looked at by its record ids."""
    hashes = [h for (h,) in con.execute(
        "SELECT hash(record_id) AS h FROM source_records WHERE source = ? "
        "GROUP BY h HAVING count(*) > 1", [SOURCE]).fetchall()]
    if not hashes:
        return None
    found = con.execute("SELECT any_value(native_id) FROM source_records WHERE source = ? "
                        "AND list_contains(?, hash(record_id)) GROUP BY record_id "
                        "HAVING count(*) > 1 LIMIT 1", [SOURCE, hashes]).fetchall()
    return found[0][0] if found else None


def _loaded_before(con: duckdb.DuckDBPyConnection, registry: str, digest: str) -> bool:
    return bool(con.execute("SELECT 1 FROM registry_bulk_files WHERE registry = ? AND sha256 = ?",
                            [registry, digest]).fetchall())


def _name_loaded_before(con: duckdb.DuckDBPyConnection, registry: str, path: Path) -> bool:
    return bool(con.execute("SELECT 1 FROM registry_bulk_files WHERE registry = ? AND path = ?",
                            [registry, str(path)]).fetchall())


class _SameContent(Exception):
    """Raised inside the load's transaction to roll it back: the file's content was loaded
    before under another name."""


def load_bulk(con: duckdb.DuckDBPyConnection, path: Path, *, registry: str = "companies_house",
              as_of: date | None = None, run_id: str | None = None) -> BulkLoad:
    """Load one bulk file in one transaction; a file loaded before (same content) is skipped.

    ``as_of`` is the day the file was made (default: the date in its name): it judges whether
    accounts are overdue and is when the records count as seen.

    The file's SHA-256 (about half a second per 450 MB) tells a file loaded before. A file
    under a name loaded before is hashed first, as it is likely the same file again; a new
    name (each month's file has one) is hashed on a thread while DuckDB reads it, and the rare
    copy of a loaded file under a new name is then rolled back and reported as skipped."""
    path = Path(path)
    if registry not in REGISTRIES:
        raise BulkFileError(f"unknown registry {registry!r}; known: {', '.join(REGISTRIES)}")
    if not path.is_file():
        raise BulkFileError(f"{path}: no such file")
    as_of = as_of or file_date(path)
    with ThreadPoolExecutor(1) as pool:
        hashing = pool.submit(file_sha256, path)
        if _name_loaded_before(con, registry, path) and _loaded_before(
                con, registry, hashing.result()):
            return BulkLoad(path, 0, True, as_of)
        select = _companies_house_select(path, as_of, run_id or new_run_id(f"bulk-{registry}"))
        updates = ", ".join(f"{c} = incoming.{c}" for c in _UPDATE_COLUMNS)
        try:
            with transaction(con):
                present = con.execute("SELECT count(*) FROM source_records WHERE source = ?",
                                      [SOURCE]).fetchall()[0][0]
                # The first load of a register is a plain insert (the merge costs about as
                # much again as reading the file); later loads update what is there.
                statement = f"INSERT INTO source_records BY NAME {select}" if not present else (
                    f"MERGE INTO source_records USING ({select}) AS incoming "
                    "ON (source_records.record_id = incoming.record_id) "
                    f"WHEN MATCHED THEN UPDATE SET {updates}, "
                    "first_seen_at = LEAST(source_records.first_seen_at, "
                    "incoming.first_seen_at), "
                    "last_seen_at = GREATEST(source_records.last_seen_at, incoming.last_seen_at) "
                    "WHEN NOT MATCHED THEN INSERT BY NAME")
                # the file's path is the one parameter (read_csv(?)), never part of the SQL
                rows = con.execute(statement, [str(path)]).fetchall()[0][0]
                twice = _twice(con)
                if twice:
                    raise BulkFileError(f"{path}: not loaded (nothing of it was written): "
                                        f"company {twice} is in it more than once")
                digest = hashing.result()
                if _loaded_before(con, registry, digest):
                    raise _SameContent
                con.execute("INSERT INTO registry_bulk_files VALUES (?, ?, ?, ?, ?, ?, now())",
                            [str(path), registry, SOURCE, digest, rows, as_of])
        except _SameContent:
            return BulkLoad(path, 0, True, as_of)
        except OSError as exc:
            raise BulkFileError(f"{path}: cannot be read ({exc})") from None
        except duckdb.Error as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise BulkFileError(f"{path}: not loaded (nothing of it was written): "
                                f"{first}") from None
    return BulkLoad(path, int(rows), False, as_of)

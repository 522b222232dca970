"""Property-based fuzzing of everything that reads outside input: the landing loader, the OCDS
and eForms parsers, the page objects, and the CSV reader behind `leadpipe dedupe`.

Inputs are real fixtures mutated at random points (a value replaced, an element dropped, bytes
cut or overwritten) and documents made from scratch. The one property: no crash other than the
documented one-line error of each reader (``BadLine``, ``TenderParseError``, ``CsvInputError``;
``ValueError`` for an API or export body that is not JSON or not in its declared encoding,
which the spider reports as a line). Bounded by the hypothesis profile in conftest.py: 50
examples each by default, ``LEADPIPE_FUZZ=long`` for the by-hand run.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from leadpipe.commands._csvinput import CsvInputError, read_csv_text
from spiders import landing_fields
from spiders.definitions import load_definition, sources_dir
from spiders.landing import LandingWriter, make_item
from spiders.landing_check import BadLine, check_item, check_line
from spiders.pages import page_for
from spiders.tenders.detect import TenderParseError, parse_bytes
from warehouse.db import migrate
from warehouse.load import load_landing

FIXTURES = Path(__file__).parent / "fixtures"
TENDERS = FIXTURES / "tenders"
WEB = FIXTURES / "web"

json_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=False) | st.text(max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _replace(obj: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    obj[path[0]] = _replace(obj[path[0]], path[1:], value)
    return obj


@st.composite
def mutated_json(draw, documents: list[Any], times: int = 3) -> Any:
    """A real document with up to ``times`` values replaced by random JSON."""
    doc = copy.deepcopy(draw(st.sampled_from(documents)))
    for _ in range(draw(st.integers(1, times))):
        paths = _paths(doc)
        doc = _replace(doc, draw(st.sampled_from(paths)), draw(json_values))
    return doc


@st.composite
def mutated_bytes(draw, bodies: list[bytes], window: int | None = None) -> bytes:
    """A real body cut at a random point, with a few byte runs overwritten."""
    body = draw(st.sampled_from(bodies))
    if window and len(body) > window:
        body = body[:window]
    body = body[: draw(st.integers(0, len(body)))]
    data = bytearray(body)
    for _ in range(draw(st.integers(0, 3))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        data[at:at + 4] = draw(st.binary(min_size=0, max_size=8))
    return bytes(data)


# --- the landing loader ------------------------------------------------------------------

ORG_FIELDS = [f.name for f in landing_fields.fields_of("organisation")]
ENVELOPE = [f.name for f in landing_fields.ENVELOPE]


def test_an_empty_list_or_object_in_an_optional_envelope_key_loads(tmp_path):
    """Found by the fuzzing: ``"url": []`` passed the check but failed the file's load, so
    the file was retried, and refused, on every load after."""
    landing = tmp_path / "landing"
    items = [_valid_item("a"), _valid_item("b")]
    items[0]["url"], items[1]["method"] = [], {}
    with LandingWriter(landing, "run-1", "fuzz_src") as writer:
        for item in items:
            writer.write(item)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        migrate(con)
        summary = load_landing(con, landing)
        urls = con.execute("SELECT url FROM source_records ORDER BY native_id").fetchall()
    finally:
        con.close()
    assert (summary.files_failed, summary.items, summary.quarantined) == (0, 2, 0), summary
    assert urls == [(None,), ("http://example.test/b",)]


def _valid_item(native_id: str) -> dict[str, Any]:
    return make_item(kind="organisation", source="fuzz_src", native_id=native_id,
                     url=f"http://example.test/{native_id}", run_id="run-1", method="css",
                     fields={"name": "Firm Ltd", "employees": 12, "country": "GB",
                             "identifiers": [{"scheme": "GB-COH", "id": "01234567"}]},
                     fetched_at="2026-01-01T00:00:00Z")


@st.composite
def landing_items(draw) -> dict[str, Any]:
    """A valid organisation item with random values put into declared keys."""
    item = _valid_item(draw(st.text(min_size=1, max_size=10)))
    for _ in range(draw(st.integers(0, 4))):
        value = draw(json_values)
        if draw(st.booleans()):
            item["fields"][draw(st.sampled_from(ORG_FIELDS))] = value
        else:
            item[draw(st.sampled_from(ENVELOPE))] = value
    return item


landing_lines = st.one_of(
    landing_items().map(lambda item: json.dumps(item, ensure_ascii=False)),
    json_values.map(json.dumps),
    st.text(max_size=200),
)


@given(landing_lines)
def test_check_line_returns_a_checked_item_or_a_bad_line(line):
    try:
        written, checked = check_line(line)
    except BadLine as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert check_item(checked) == checked  # a checked item passes again unchanged


@given(st.lists(st.one_of(landing_lines.map(lambda s: s.encode("utf-8", "surrogatepass")),
                          st.binary(max_size=80)), min_size=1, max_size=8))
def test_a_landing_file_of_anything_loads_or_quarantines_each_line(lines):
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp) / "landing"
        with LandingWriter(landing, "run-1", "fuzz_src") as writer:
            pass
        body = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
        writer.final.write_bytes(body)
        con = duckdb.connect(str(Path(tmp) / "w.duckdb"))
        try:
            migrate(con)
            summary = load_landing(con, landing)
            raw = con.execute("SELECT count(*) FROM raw_items").fetchone()[0]
        finally:
            con.close()
    assert summary.files_failed == 0, summary.errors
    non_blank = sum(1 for line in body.split(b"\n") if line.decode("utf-8", "replace").strip())
    assert summary.items + summary.quarantined == non_blank
    assert raw <= summary.items


# --- the OCDS and eForms parsers ---------------------------------------------------------

OCDS = [json.loads(p.read_bytes()) for p in sorted(TENDERS.glob("ocds-*/*.json"))
        if p.stat().st_size < 60_000]
EFORMS = [p.read_bytes() for p in sorted(TENDERS.glob("eforms-*/*.xml"))
          if p.stat().st_size < 60_000]


def _parses_or_says_why(data: bytes) -> None:
    try:
        parse_bytes(data)
    except TenderParseError as exc:
        assert str(exc) and "\n" not in str(exc)


@given(mutated_json(OCDS))
def test_ocds_parser_on_mutated_real_documents(doc):
    _parses_or_says_why(json.dumps(doc).encode())


@given(st.dictionaries(st.sampled_from(["releases", "records", "ocid", "parties", "tender",
                                        "awards", "buyer", "compiledRelease", "uri"]),
                       json_values, max_size=4))
def test_ocds_parser_on_made_up_packages(doc):
    _parses_or_says_why(json.dumps(doc).encode())


@st.composite
def mutated_eforms(draw) -> bytes:
    root = etree.fromstring(draw(st.sampled_from(EFORMS)))
    elements = list(root.iter())
    for _ in range(draw(st.integers(1, 3))):
        el = elements[draw(st.integers(0, len(elements) - 1))]
        action = draw(st.sampled_from(["drop", "text", "attr", "copy"]))
        parent = el.getparent()
        if action == "drop" and parent is not None:
            parent.remove(el)
        elif action == "text":
            el.text = draw(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=(
                "Cs", "Cc")), max_size=30))
        elif action == "attr":
            el.set(draw(st.sampled_from(["currencyID", "languageID", "listName", "schemeName"])),
                   draw(st.text(alphabet="abcXYZ-_0 ", max_size=10)))
        elif parent is not None:
            parent.append(copy.deepcopy(el))
    return etree.tostring(root)


@given(mutated_eforms())
def test_eforms_parser_on_mutated_real_notices(data):
    _parses_or_says_why(data)


@given(st.one_of(mutated_bytes(EFORMS), mutated_bytes(
    [json.dumps(d).encode() for d in OCDS])))
def test_tender_parsers_on_cut_and_overwritten_bytes(data):
    _parses_or_says_why(data)


# --- the page objects --------------------------------------------------------------------

PAGE_FILES = {
    "hostingcon_2012": "hostingcon_2012/exhibitors.html",
    "yellowpages_au": "yellowpages_au/search_listings_plumber_cairns_p1.html",
    "localsearch_au": "localsearch_au/find_plumber_bungalow-qld_p1.html",
    "gitex_africa_2026": "gitex_africa_2026/exhibitors_derived_from_listing.json",
    "dsei_2023": "caat_arms_fairs/dsei-2023.json",
    "hannover_messe": "hannover_messe/exhibitor_search_export_2026.csv",
}
DEFINITIONS = {s: load_definition(sources_dir() / f"{s}.yaml") for s in PAGE_FILES}
BODIES = {s: (WEB / f).read_bytes() for s, f in PAGE_FILES.items()}


@st.composite
def pages(draw) -> tuple[str, bytes]:
    source = draw(st.sampled_from(sorted(PAGE_FILES)))
    return source, draw(mutated_bytes([BODIES[source]], window=150_000))


@given(pages(), st.booleans())
def test_page_objects_on_cut_and_overwritten_pages(page, detail):
    source, body = page
    definition = DEFINITIONS[source]
    obj = page_for(definition.extraction, definition.start_urls[0], body, detail=detail)
    try:
        if detail and definition.extraction.kind == "html":
            one = obj.record()
            records, urls = ([one] if one is not None else []), []
        else:
            records, urls = obj.records(), obj.next_urls()
    except ValueError:
        # not JSON / not in the declared encoding: the spider reports it as one line
        assert definition.extraction.kind in ("api", "export")
        return
    assert all(isinstance(u, str) for u in urls)
    for record in records:
        try:
            check_item(make_item(source=source, run_id="run-1", fetched_at="2026-01-01T00:00:00Z",
                                 **record.to_item(definition.extraction)))
        except BadLine as exc:  # the loader quarantines such a line, naming the key
            assert "\n" not in str(exc)


# --- the CSV reader behind `leadpipe dedupe` ---------------------------------------------

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
csv_text = st.builds(
    lambda rows, sep, end: end.join(sep.join(r) for r in rows),
    st.lists(st.lists(cells, min_size=1, max_size=5), max_size=6),
    st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["\n", "\r\n"]))


@given(st.one_of(csv_text.map(lambda t: t.encode("utf-8")),
                 csv_text.map(lambda t: t.encode("utf-16")),
                 csv_text.map(lambda t: t.encode("cp1252", "replace")),
                 st.binary(max_size=200)),
       st.sampled_from([None, ",", ";"]), st.sampled_from(["auto", "utf-8", "latin-1"]))
def test_dedupe_csv_reader_reads_or_names_the_problem(tmp_path, data, delimiter, encoding):
    from leadpipe.commands.dedupe import _read

    path = tmp_path / "input.csv"
    path.write_bytes(data)
    try:
        header, table, read = _read(path, encoding, delimiter)
    except CsvInputError as exc:
        assert str(exc).startswith(str(path)) or str(exc).startswith("--")
        assert "\n" not in str(exc)
        return
    assert table.num_rows == len(read.rows) and table.column_names == header
    again, _ = read_csv_text(path, encoding=read.encoding, delimiter=read.delimiter)
    assert again.rows == read.rows

"""Page-object behaviour the six real sources do not all show: combining methods per card,
JSON-LD detail pages with contacts, XLSX exports, role mailboxes, lookups."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from spiders.definitions import load_definition, sources_dir
from spiders.pages import DetailPage, ExportPage, ListingPage

WEB = Path(__file__).parent / "fixtures" / "web"

CARDS = b"""<html><body><ul>
<li class="card" itemscope itemtype="https://schema.org/Organization">
  <a itemprop="url" href="/listing/L1"><h2 itemprop="name">Acme Tools GmbH</h2></a>
  <span itemprop="telephone">+49 30 1234</span>
  <span class="stand">Hall 3, Stand B12</span></li>
<li class="card"><a href="/listing/L2"><h2>Bolt &amp; Nut Ltd</h2></a>
  <span class="stand">Hall 4, Stand C1</span>
  <a href="mailto:jane.doe@bolt.example">Jane</a> <a href="mailto:sales@bolt.example">Sales</a></li>
<li class="card" itemscope itemtype="https://schema.org/Organization">
  <a itemprop="url" href="/listing/L3"><h2 itemprop="name">Crank Works</h2></a>
  <span class="stand">TBC</span></li>
</ul></body></html>"""

DEFINITION = """\
id: {id}
publisher: Test
kind: html
role: exhibitor
frequency: once
robots: obey robots.txt
start_urls: [https://fair.example/exhibitors]
count: {{min: 1}}
lookups:
  booth: {{TBC: null}}
listing:
  combine: {combine}
  microdata:
    types: [Organization]
    fields:
      native_id: {{path: url, re: "/listing/(\\\\w+)"}}
  css:
    records: li.card
    fields:
      native_id: {{css: "a[href^='/listing/']::attr(href)", re: "/listing/(\\\\w+)"}}
      name: h2::text
      booth: [{{css: ".stand::text", re: "Stand\\\\s+(\\\\S+)"}}, .stand::text]
      hall: {{css: ".stand::text", re: "Hall\\\\s+(\\\\d+)"}}
      email: {{css: "a[href^=mailto]::attr(href)", type: list}}
detail:
  jsonld:
    types: [Organization, Corporation]
    fields:
      website: url
      url: null
      native_id: null
"""


def spec(tmp_path: Path, combine: bool):
    path = tmp_path / "fair_test.yaml"
    path.write_text(DEFINITION.format(id="fair_test", combine=str(combine).lower()))
    return load_definition(path)


def test_first_method_wins_without_combine(tmp_path):
    definition = spec(tmp_path, combine=False)
    page = ListingPage("https://fair.example/exhibitors", CARDS, definition.extraction)
    assert page.method == "microdata"
    assert [r.fields["name"] for r in page.records()] == ["Acme Tools GmbH", "Crank Works"]


def test_combine_joins_cards_by_native_id(tmp_path):
    definition = spec(tmp_path, combine=True)
    page = ListingPage("https://fair.example/exhibitors", CARDS, definition.extraction)
    records = {r.native_id: r for r in page.records()}
    assert len(page.records()) == 3 and set(records) == {"L1", "L2", "L3"}
    acme, bolt, crank = records["L1"], records["L2"], records["L3"]
    # cards with microdata: microdata wins per field, CSS adds what microdata lacks
    assert acme.method == "microdata"
    assert acme.url == "https://fair.example/listing/L1"
    assert acme.fields["phone"] == "+49 30 1234"
    assert acme.field_methods["name"] == acme.field_methods["phone"] == "microdata"
    assert (acme.fields["hall"], acme.fields["booth"]) == ("3", "B12")
    assert acme.field_methods["booth"] == "css"
    # a card without markup still comes through by CSS
    assert bolt.method == "css" and bolt.fields["name"] == "Bolt & Nut Ltd"
    assert bolt.fields["email"] == "sales@bolt.example"      # the role mailbox wins
    assert (bolt.fields["hall"], bolt.fields["booth"]) == ("4", "C1")
    assert "booth" not in crank.fields                       # "TBC" looked up to nothing


def test_jsonld_detail_page_with_contacts_size_and_founding(tmp_path):
    definition = spec(tmp_path, combine=False)
    html = b"""<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "BreadcrumbList", "name": "crumbs"},
      {"@type": "Corporation", "name": "Acme Tools GmbH", "url": "https://acme.example",
       "email": "info@acme.example", "foundingDate": "1998-04-01",
       "numberOfEmployees": {"@type": "QuantitativeValue", "minValue": 50, "maxValue": 249},
       "address": {"@type": "PostalAddress", "streetAddress": "Werkstr. 5",
                   "postalCode": "10115", "addressLocality": "Berlin", "addressCountry": "DE"},
       "employee": [{"@type": "Person", "name": "Jana Berg", "jobTitle": "Head of Sales",
                     "email": "j.berg@acme.example"}]}]}
    </script></head><body></body></html>"""
    record = DetailPage("https://fair.example/exhibitor/acme", html,
                        definition.extraction).record()
    assert record is not None and record.method == "jsonld"
    f = record.fields
    assert f["name"] == "Acme Tools GmbH" and f["website"] == "https://acme.example"
    assert (f["founded"], f["employees"]) == (1998, 50)
    assert (f["street"], f["postcode"], f["city"], f["country"]) == \
        ("Werkstr. 5", "10115", "Berlin", "DE")
    assert f["contacts"] == [{"name": "Jana Berg", "role": "Head of Sales",
                              "email": "j.berg@acme.example"}]
    assert record.field_methods["contacts"] == "jsonld"


def test_xlsx_export_reads_like_the_csv(tmp_path):
    from openpyxl import Workbook

    definition = load_definition(sources_dir() / "hannover_messe.yaml")
    text = (WEB / "hannover_messe/exhibitor_search_export_2026.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[:52]
    book = Workbook()
    sheet = book.active
    for row in rows:                      # title line, header, 50 exhibitors
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    from dataclasses import replace

    xlsx_spec = replace(definition.extraction,
                        export=replace(definition.extraction.export, format="xlsx"))
    from_xlsx = ExportPage("https://x.example/export.xlsx", out.getvalue(), xlsx_spec).records()
    csv_body = "\r\n".join(";".join(f'"{c}"' for c in r) for r in rows).encode("cp1252")
    from_csv = ExportPage("https://x.example/export.csv", csv_body,
                          definition.extraction).records()
    assert len(from_xlsx) == len(from_csv) == 50
    assert [r.fields for r in from_xlsx] == [r.fields for r in from_csv]
    assert from_xlsx[1].fields["name"] == "abat AG"
    assert from_xlsx[1].fields["event_name"] == "HANNOVERMESSE 2026"

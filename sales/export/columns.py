"""The export columns, declared once: every column the scored view offers an export format.

The generic CSV is this list in order (``in_generic``); the HubSpot and Salesforce formats
name the columns they read through :func:`ref`, so a column they share with the generic file
cannot be renamed in one place only; the provenance sidecar gives every generic column's value
a source: the columns marked ``traced`` are traced to the record or page they came from (and
``sales.export.view`` builds its provenance query from the same marks), the columns leadpipe
computes say so in plain words (``derived``), and every generic column is one or the other.
The privacy hook adds the columns marked ``privacy``. A column whose value comes from a landing
field says which (``landing``), and is checked against ``spiders.landing_fields``.

The generic CSV's columns are a contract: they may be reordered, never renamed or dropped.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

from spiders import landing_fields

# Where a traced value's source is found: the golden record's ``field_sources`` (the member
# record it was picked from), the website fetch (values enrichment added) or the best
# contact's row; "site" is the page of the company's website a profile value was read on
# (``enrichment.website_facts``).
Trace = Literal["golden", "website", "contact", "site"]
TRACE_WORDS: dict[str, str] = {"golden": "the source record it was picked from",
                               "website": "the website fetch", "contact": "the contact's record",
                               "site": "the website page it was read on"}


@dataclass(frozen=True)
class ExportColumn:
    """One column of the scored view as exports see it.

    ``text``: kept as text in an Excel-style file even when it looks like a number (ids,
    phones). ``traced``: where the provenance sidecar finds its sources, in the order the view
    picks the value (the first one found is the value's source). ``golden``: the golden
    record's field a "golden" trace looks up (default: ``landing``). ``derived``: for a value
    leadpipe computes rather than reads, the plain words the sidecar gives instead of a source.
    ``landing``: the organisation landing field the value comes from, if any.
    """

    name: str
    meaning: str
    in_generic: bool = True
    text: bool = False
    traced: tuple[Trace, ...] = ()
    landing: str | None = None
    privacy: bool = False
    golden: str | None = None
    derived: str | None = None

    @property
    def golden_field(self) -> str | None:
        """The golden record's field a "golden" trace looks the value's record up under."""
        return (self.golden or self.landing) if "golden" in self.traced else None


_SCORED = "computed by leadpipe's score stage"
COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("name", "the company's name", traced=("golden",), landing="name"),
    ExportColumn("priority", "tier, solvency band and timing in one code, e.g. A-1-hot",
                 derived=f"{_SCORED} from tier, solvency band and timing"),
    ExportColumn("tier", "fit tier, A (best) to D", derived=f"{_SCORED} from the fit"),
    ExportColumn("owner", "the sales manager assigned (leadpipe assign)",
                 derived="assigned in leadpipe (leadpipe assign)"),
    ExportColumn("reasons", "why the company scored as it did, in sentences",
                 derived="written by leadpipe's score stage from the values it scored"),
    ExportColumn("stage", "funnel stage: suspect, prospect or client",
                 derived=f"{_SCORED} from the fit, the suppression list and CRM outcomes"),
    ExportColumn("timing", "hot, warm or none",
                 derived=f"{_SCORED} from the company's dated signals"),
    ExportColumn("solvency_band", "1, 2, 3, X, insufficient data or public body",
                 derived=f"{_SCORED} from the solvency estimate"),
    ExportColumn("fit", "the profile's fit points",
                 derived=f"{_SCORED} from the profile's rules"),
    ExportColumn("solvency", "the solvency estimate",
                 derived="estimated by leadpipe's enrich stage (its reasons are in reasons)"),
    ExportColumn("best_contact_name", "the best contact's name", traced=("contact",)),
    ExportColumn("best_contact_role", "the best contact's role", traced=("contact",)),
    ExportColumn("best_contact_email", "the best contact's e-mail", traced=("contact",)),
    ExportColumn("best_contact_phone", "the best contact's phone", text=True,
                 traced=("contact",)),
    ExportColumn("phone", "the company's phone", text=True, traced=("golden",),
                 landing="phone"),
    ExportColumn("email", "the company's e-mail (else one from its website)",
                 traced=("golden", "website"), landing="email"),
    ExportColumn("website", "the company's website", traced=("golden",), landing="website"),
    ExportColumn("industry", "the sector's name",
                 derived="classified by leadpipe's enrich stage from the company's categories, "
                 "registry codes or website"),
    ExportColumn("employees", "headcount (the website's, else the sources')",
                 traced=("website", "golden"), landing="employees"),
    ExportColumn("city", "town or city", traced=("golden",), landing="city"),
    ExportColumn("country", "ISO 3166-1 alpha-2 country code", traced=("golden",),
                 landing="country"),
    ExportColumn("distance", "the distance from the profile's home base, in words",
                 derived="computed by leadpipe from the company's place and the profile's "
                 "home base"),
    ExportColumn("distance_km", "the distance from the profile's home base in km",
                 derived="computed by leadpipe from the company's place and the profile's "
                 "home base"),
    ExportColumn("company_id", "leadpipe's stable company id (the CRM's external id)",
                 text=True, derived="leadpipe's own id for the company"),
    ExportColumn("profile", "the ICP profile scored against",
                 derived="the ICP profile the export asked for"),
    ExportColumn("scored_at", "when it was scored (UTC)",
                 derived="when leadpipe's score stage ran"),
    ExportColumn("sources", "the sources the company was found in",
                 derived="the sources of the company's records (their pages: source_urls)"),
    ExportColumn("source_urls", "where it was found",
                 derived="the pages of the company's records"),
    ExportColumn("lawful_basis", "the profile's lawful basis for processing", privacy=True,
                 derived="the profile's configured lawful basis"),
    ExportColumn("subscriber_type", "corporate body, sole trader, partnership or not known",
                 privacy=True, derived="decided by leadpipe from the sources, a Companies House "
                 "number or the legal form"),
    ExportColumn("email_opt_out", "whether marketing e-mail must not be sent "
                 "(sales.privacy.view.email_opt_out_reason_sql)",
                 derived="computed by leadpipe's opt-out rule (why: email_opt_out_reason)"),
    ExportColumn("email_opt_out_reason", "why marketing e-mail must not be sent, in words "
                 "(empty when it may be)", derived="computed by leadpipe's opt-out rule"),
    # what the company's own website says (after the older columns, which keep their places);
    # where it says nothing, the golden record's value
    ExportColumn("address", "the postal address the website gives (else the sources')",
                 traced=("site", "golden"), golden="street"),
    ExportColumn("description", "a short description from the website (else the sources')",
                 traced=("site", "golden"), golden="description"),
    ExportColumn("social", "the company's social profiles", traced=("site",)),
    ExportColumn("leadership", "named leaders with their roles", traced=("site",)),
    ExportColumn("registration_ids", "company number, VAT and other ids the website states",
                 traced=("site",)),
    ExportColumn("language", "the website's language", traced=("site",)),
    ExportColumn("legal_name", "the legal name the website states", traced=("site",)),
    ExportColumn("founded", "year or date founded (the website's, else the sources')",
                 traced=("site", "golden"), golden="founded"),
    ExportColumn("domain", "the website's registrable domain (HubSpot's company key)",
                 in_generic=False),
)
BY_NAME: dict[str, ExportColumn] = {c.name: c for c in COLUMNS}

GENERIC_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.in_generic)
TEXT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.text)
TRACED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.traced)
PRIVACY_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.privacy)
# The best contact's name, role, e-mail and phone (blanked together when the person is
# suppressed; traced to the contact's record).
BEST_CONTACT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if "contact" in c.traced)


def traced_by(trace: Trace) -> tuple[str, ...]:
    """The columns whose sources are found through ``trace``."""
    return tuple(c.name for c in COLUMNS if trace in c.traced)


def golden_fields() -> tuple[tuple[str, str], ...]:
    """(column, golden-record field) of every column traced to the golden record."""
    return tuple((c.name, c.golden_field) for c in COLUMNS if c.golden_field is not None)


def ref(name: str) -> str:
    """``name`` as a format reads it; an undeclared column is an error at import time."""
    if name not in BY_NAME:
        raise KeyError(f"export column {name!r} is not declared in sales.export.columns")
    return name


def labelled(column: str, header: str) -> str:
    """``column AS "header"``: a declared column under a CRM's own header."""
    return f'{ref(column)} AS "{header}"'


def text_headers(headers: dict[str, str]) -> tuple[str, ...]:
    """The headers (header -> the declared column it shows) whose column stays text."""
    return tuple(h for h, c in headers.items() if BY_NAME[ref(c)].text)


def _check() -> None:
    organisation = {f.name: f for f in landing_fields.ORGANISATION}
    for c in COLUMNS:
        if c.landing is not None and c.landing not in organisation:
            raise ValueError(f"export column {c.name}: unknown landing field {c.landing!r}")
        golden = c.golden_field
        if golden is not None and not (golden in organisation and organisation[golden].on_company):
            # the provenance query looks the field up in the golden record's sources
            raise ValueError(f"export column {c.name}: traced to the golden record but "
                             f"{golden!r} is no landing field the company keeps")
        if c.in_generic and not (c.traced or c.derived):
            # the provenance sidecar gives every generic value a source or says why not
            raise ValueError(f"export column {c.name}: neither traced nor derived")


_check()

DOC_BEGIN = "<!-- export-columns:begin (generated by `python -m sales.export.columns`) -->"
DOC_END = "<!-- export-columns:end -->"


def provenance_words(column: ExportColumn) -> str:
    """Where the sidecar finds the column's source, or what it says instead, in words."""
    if column.traced:
        return ", else ".join(TRACE_WORDS[t] for t in column.traced)
    return f"none: {column.derived}"


def markdown_table() -> str:
    """The generic CSV's columns, in order, for docs/contracts.md."""
    out = ["| column | meaning | provenance sidecar source |", "|---|---|---|"]
    out += [f"| {c.name} | {c.meaning} | {provenance_words(c)} |"
            for c in COLUMNS if c.in_generic]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown_table())

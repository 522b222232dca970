"""HubSpot: a companies file keyed by ``Company Domain Name`` and a contacts file keyed by
``Email``, associated to their company through the ``Company Domain Name`` column both share.

Import both with HubSpot's "Import records for multiple objects" → "Multiple files" (the
common column associates each contact to its company). Headers are the labels of HubSpot's
default properties, which its import tool maps automatically:
- https://knowledge.hubspot.com/import-and-export/import-objects (multiple objects, files)
- https://knowledge.hubspot.com/crm-setup/set-up-your-import-file (required properties:
  Companies: Name or Company Domain Name; Contacts: Email; the "[Object] owner" column)
- https://knowledge.hubspot.com/properties/hubspot-crm-default-company-properties
- https://knowledge.hubspot.com/properties/hubspot-crm-default-contact-properties

A contact import cannot set "Unsubscribed from all email" (HubSpot sets it only through an
opt-out list import): the contacts whose opt-out the rule of
``sales.privacy.view.email_opt_out_reason_sql`` sets (a sole trader or partnership, or a
subscriber not known to be a corporate body, under a lawful basis other than consent, a
suppressed person blanked, a CRM outcome "opted out") are listed
in a third file, ``-opt-out``, with the one column ``Email`` that import asks for; import it
after the contacts with "Import an opt-out list":
- https://knowledge.hubspot.com/marketing-email/import-an-opt-out-list

HubSpot tells companies apart by their domain, so a company without a domain is left out
(importing it again would create a duplicate every time). The reasons go into the company's
Description; "Company owner" stays empty until owners are assigned.
"""

from __future__ import annotations

from pathlib import Path

from sales.export import Written, export_format
from sales.export.columns import labelled, ref, text_headers
from sales.export.files import FileStyle, write_csv
from sales.export.view import ScoredRows, Selection

# HubSpot's header -> the declared export column it shows (``sales.export.columns``).
COMPANY_COLUMNS = {
    "Company Domain Name": "domain", "Name": "name", "Website URL": "website",
    "Phone Number": "phone", "City": "city", "Country/Region": "country",
    "Industry": "industry", "Number of Employees": "employees", "Description": "reasons",
}
CONTACT_COLUMNS = {
    "Job Title": "best_contact_role", "Phone Number": "best_contact_phone",
    "Company Domain Name": "domain",
}
COMPANY_HEADERS = [*COMPANY_COLUMNS, "Company owner"]
CONTACT_HEADERS = ["Email", "First Name", "Last Name", *CONTACT_COLUMNS]


def _owner(rows: ScoredRows) -> str:
    return labelled("owner", "Company owner") if "owner" in rows.columns else \
        'NULL::VARCHAR AS "Company owner"'


def contacts_path(output: Path) -> Path:
    """The contacts file beside the companies file."""
    return output.with_name(output.stem + "-contacts" + output.suffix)


def opt_out_path(output: Path) -> Path:
    """The opt-out list beside the companies file."""
    return output.with_name(output.stem + "-opt-out" + output.suffix)


@export_format(name="hubspot", description="HubSpot import: companies and their contacts")
def write_hubspot(
    rows: ScoredRows, selection: Selection, output: Path, style: FileStyle
) -> Written:
    name = f"trim({ref('best_contact_name')})"
    companies = rows.fetch(
        [*(labelled(c, h) for h, c in COMPANY_COLUMNS.items()), _owner(rows)],
        selection,
        where=f"{ref('domain')} IS NOT NULL",
    )
    contacts = rows.fetch(
        [
            labelled("best_contact_email", "Email"),
            f"CASE WHEN contains({name}, ' ') THEN "
            f"regexp_extract({name}, '^(.*)\\s+\\S+$', 1) END AS \"First Name\"",
            f"regexp_extract({name}, '(\\S+)$', 1) AS \"Last Name\"",
            *(labelled(c, h) for h, c in CONTACT_COLUMNS.items()),
        ],
        selection,
        where=f"{ref('domain')} IS NOT NULL AND {ref('best_contact_email')} IS NOT NULL",
    )
    opted_out = rows.fetch(
        [labelled("best_contact_email", "Email")], selection,
        where=f"{ref('domain')} IS NOT NULL AND {ref('best_contact_email')} IS NOT NULL "
              f"AND {ref('email_opt_out')}",
    )
    text = text_headers(COMPANY_COLUMNS) + text_headers(CONTACT_COLUMNS)
    count = write_csv(companies, output, style, text_columns=text)
    people = contacts_path(output)
    write_csv(contacts, people, style, text_columns=text)
    opt_out = opt_out_path(output)
    write_csv(opted_out, opt_out, style, text_columns=())
    return Written(files=(output, people, opt_out), rows=count)

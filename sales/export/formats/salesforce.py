"""Salesforce: one Lead file for the Data Import Wizard (or Data Loader).

Headers are the import-file labels the Data Import Wizard maps to Lead fields by itself, per
"Field Mapping for Importing Leads":
https://help.salesforce.com/s/articleView?id=xcloud.field_mapping_for_importing_leads.htm&type=5
(``Company`` and ``Last Name`` are required; ``Email Opt Out`` takes 1 or 0; ``Record Owner``
assigns the owner and stays empty until owners are assigned, so the importing user owns them).
``Email Opt Out`` is 1 by the rule of ``sales.privacy.view.email_opt_out_reason_sql``: a
suppressed person was blanked from the row, a sole trader or partnership (or a subscriber not
known to be a corporate body) under a lawful basis other than consent (UK PECR), or a CRM
outcome "opted out".
Lead fields: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/
object_reference/sforce_api_objects_lead.htm

Re-importing updates instead of duplicating when the wizard matches on an external id
("What Is Imported for Leads?", matching by external ID:
https://help.salesforce.com/s/articleView?id=xcloud.for_leads.htm&type=5): create a custom
Lead text field "Leadpipe Company ID" marked External ID and Unique, and match on it. It holds
leadpipe's stable company id. A company without a named contact gets the Last Name
"[not provided]", as Salesforce's own Web-to-Lead does.
"""

from __future__ import annotations

from pathlib import Path

from sales.export import Written, export_format
from sales.export.columns import labelled, ref, text_headers
from sales.export.files import FileStyle, write_csv
from sales.export.view import ScoredRows, Selection

EXTERNAL_ID = "Leadpipe Company ID"
LEAD_SOURCE = "leadpipe"
NO_LAST_NAME = "[not provided]"
# Lead headers that show one declared export column as it is (``sales.export.columns``).
LEAD_COLUMNS = {
    "Website": "website", "City": "city", "Country": "country", "Industry": "industry",
    "No. of Employees": "employees", "Description": "reasons",
}
HEADERS = [
    EXTERNAL_ID, "Company", "First Name", "Last Name", "Title", "Email", "Phone",
    *LEAD_COLUMNS, "Lead Source", "Email Opt Out", "Record Owner",
]


@export_format(name="salesforce", description="Salesforce Data Import Wizard: one Lead file")
def write_salesforce(
    rows: ScoredRows, selection: Selection, output: Path, style: FileStyle
) -> Written:
    owner = labelled("owner", "Record Owner") if "owner" in rows.columns else \
        'NULL::VARCHAR AS "Record Owner"'
    name = f"trim({ref('best_contact_name')})"
    leads = rows.fetch(
        [
            labelled("company_id", EXTERNAL_ID), labelled("name", "Company"),
            f"CASE WHEN contains({name}, ' ') THEN "
            f"regexp_extract({name}, '^(.*)\\s+\\S+$', 1) END AS \"First Name\"",
            f"coalesce(nullif(regexp_extract({name}, '(\\S+)$', 1), ''), "
            f"'{NO_LAST_NAME}') AS \"Last Name\"",
            labelled("best_contact_role", "Title"),
            f'coalesce({ref("best_contact_email")}, {ref("email")}) AS "Email"',
            f'coalesce({ref("best_contact_phone")}, {ref("phone")}) AS "Phone"',
            *(labelled(c, h) for h, c in LEAD_COLUMNS.items()),
            f"'{LEAD_SOURCE}' AS \"Lead Source\"",
            f"CASE WHEN {ref('email_opt_out')} THEN '1' ELSE '0' END AS \"Email Opt Out\"",
            owner,
        ],
        selection,
    )
    text = text_headers({EXTERNAL_ID: "company_id", "Phone": "best_contact_phone"})
    count = write_csv(leads, output, style, text_columns=text)
    return Written(files=(output,), rows=count)

"""The one hook every export reads through: suppressed companies left out, a suppressed
person's data blanked under any company, and the data-protection columns added.

``export_view_sql(con, base_sql)`` wraps the scored-company view (``sales.export.view``):
- a company suppressed (``sales.privacy.suppression``) is left out, whatever its stage;
- the company's e-mail or phone, or the best contact (name, role, e-mail, phone), is blanked
  when its e-mail or phone hashes to a suppressed person;
- ``lawful_basis`` (the profile's, as recorded when it was scored), ``subscriber_type``
  (``sales.privacy.subscriber``) and ``email_opt_out`` (``email_opt_out_sql``: the rule the
  CRM files' opt-out follows) are added as the last columns.
The score stage's snapshot is written through it too, so exports read from the snapshot are
filtered the same way (and a change to the list rewrites the snapshot).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sales.export.columns import BEST_CONTACT_COLUMNS, PRIVACY_COLUMNS, ref
from sales.privacy.keys import MissingSalt, hash_sql, read_salt, register_key_functions
from sales.privacy.subscriber import INDIVIDUAL, NOT_KNOWN
from sales.privacy.suppression import suppressed_company_ids_sql

# (e-mail column, phone column, the columns blanked when either is a suppressed person's)
PERSON_COLUMNS = (
    ("best_contact_email", "best_contact_phone", BEST_CONTACT_COLUMNS),
    ("email", None, ("email",)),
    (None, "phone", ("phone",)),
)
# The columns this hook adds, declared with every export column in ``sales.export.columns``.
LAWFUL_BASIS, SUBSCRIBER_TYPE = PRIVACY_COLUMNS
EMAIL_OPT_OUT = ref("email_opt_out")
# The stage of a CRM outcome (``leadpipe outcomes import``) that says the company asked for no
# more marketing e-mail.
OPTED_OUT = "opted out"


def email_opt_out_sql(person_hit: str, subscriber_type: str, lawful_basis: str,
                      company_id: str) -> str:
    """SQL of the one opt-out rule every CRM file follows (Salesforce ``Email Opt Out``,
    HubSpot's opt-out list): true when

    - a person on the suppression list was blanked from the row (``person_hit``);
    - the subscriber is a sole trader or partnership and the profile's lawful basis is not
      consent: UK PECR reg. 22 lets marketing e-mail reach an individual subscriber only with
      their consent (or the soft opt-in, which a list of strangers never has), while corporate
      subscribers may be e-mailed on legitimate interests (ICO, "Business-to-business
      marketing"). A subscriber "not known" is not opted out: the file's subscriber type
      says so, and sales checks it before e-mailing;
    - a CRM outcome of the company says it opted out.
    (A suppressed company is in no file at all.)"""
    return (
        f"(({person_hit}) OR ({subscriber_type} = '{INDIVIDUAL}' "
        f"AND NOT coalesce(contains(lower({lawful_basis}), 'consent'), false)) "
        f"OR EXISTS (SELECT 1 FROM outcomes oo WHERE oo.company_id = {company_id} "
        f"AND oo.stage = '{OPTED_OUT}'))"
    )


def data_dir_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The folder of the warehouse file ``con`` has open (the data directory)."""
    row = con.execute("SELECT path FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchone()
    return Path(row[0]).parent if row and row[0] else None


def person_hit_sql(salt: str, email_col: str | None, phone_col: str | None) -> str | None:
    """SQL that is true when the row's e-mail or phone column is a suppressed person's."""
    hits = []
    if email_col:
        hits.append(f"{hash_sql(salt, f'leadpipe_email_key({email_col})')} IN "
                    "(SELECT key FROM suppression_entries WHERE kind = 'email')")
    if phone_col:
        hits.append(f"{hash_sql(salt, f'leadpipe_phone_key({phone_col})')} IN "
                    "(SELECT key FROM suppression_entries WHERE kind = 'phone')")
    return " OR ".join(hits) or None


def export_view_sql(con: duckdb.DuckDBPyConnection, base_sql: str) -> str:
    """``base_sql`` (one row per scored company) as every export may see it."""
    data_dir = data_dir_of(con)
    salt = read_salt(data_dir) if data_dir else None
    people = con.execute("SELECT count(*) FROM suppression_entries "
                         "WHERE kind IN ('email', 'phone', 'domain')").fetchall()[0][0]
    if people and salt is None:
        raise MissingSalt(f"the suppression list holds hashed entries but the salt file "
                          f"({data_dir}/suppression-salt) is missing: restore it from a backup")
    columns = con.sql(f"SELECT * FROM ({base_sql}) AS b LIMIT 0").columns
    replaced: dict[str, str] = {}
    hits: list[str] = []
    if people and salt is not None:
        register_key_functions(con)
        for email_col, phone_col, blanked in PERSON_COLUMNS:
            hit = person_hit_sql(salt, f"b.{email_col}" if email_col in columns else None,
                                 f"b.{phone_col}" if phone_col in columns else None)
            if hit and any(col in columns for col in blanked):
                hits.append(hit)
            for col in blanked:
                if hit and col in columns:
                    replaced[col] = f"CASE WHEN {hit} THEN NULL ELSE b.{col} END AS {col}"
    select = "b.*" + (f" REPLACE ({', '.join(replaced.values())})" if replaced else "")
    added = ""
    joins = ""
    if LAWFUL_BASIS not in columns:
        added += f", lb.lawful_basis AS {LAWFUL_BASIS}"
        joins += " LEFT JOIN profile_lawful_basis lb ON lb.profile = b.profile"
    if SUBSCRIBER_TYPE not in columns:
        added += f", coalesce(st.subscriber_type, '{NOT_KNOWN}') AS {SUBSCRIBER_TYPE}"
        joins += " LEFT JOIN company_subscriber_types st ON st.company_id = b.company_id"
    if EMAIL_OPT_OUT not in columns:
        basis = f"b.{LAWFUL_BASIS}" if LAWFUL_BASIS in columns else "lb.lawful_basis"
        subscriber = (f"b.{SUBSCRIBER_TYPE}" if SUBSCRIBER_TYPE in columns
                      else f"coalesce(st.subscriber_type, '{NOT_KNOWN}')")
        rule = email_opt_out_sql(" OR ".join(hits) or "false", subscriber, basis,
                                 "b.company_id")
        added += f", {rule} AS {EMAIL_OPT_OUT}"
    return (
        f"SELECT {select}{added} FROM ({base_sql}) AS b{joins} "
        f"WHERE NOT EXISTS (SELECT 1 FROM ({suppressed_company_ids_sql(salt)}) AS sup "
        "WHERE sup.company_id = b.company_id)"
    )

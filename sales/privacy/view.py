"""The one hook every export reads through: suppressed companies left out, a suppressed
person's data blanked under any company, and the data-protection columns added.

``export_view_sql(con, base_sql)`` wraps the scored-company view (``sales.export.view``):
- a company suppressed (``sales.privacy.suppression``) is left out, whatever its stage;
- the company's e-mail or phone, or the best contact (name, role, e-mail, phone), is blanked
  when its e-mail or phone hashes to a suppressed person;
- a suppressed named leader (``sales.privacy.leaders``), and the best contact's name when
  that contact was blanked, leave the named leadership (``leadership`` and ``leaders``);
- ``lawful_basis`` (the profile's, as recorded when it was scored), ``subscriber_type``
  (``sales.privacy.subscriber``), ``email_opt_out`` and ``email_opt_out_reason``
  (``email_opt_out_reason_sql``: the rule every file's opt-out follows) are added as the last
  columns.
The score stage's snapshot is written through it too, so exports read from the snapshot are
filtered the same way (and a change to the list rewrites the snapshot).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sales.export.columns import BEST_CONTACT_COLUMNS, PRIVACY_COLUMNS, ref
from sales.privacy.keys import MissingSalt, hash_sql, read_salt, register_key_functions
from sales.privacy.leaders import ENTRY_KEYS_SQL, export_filter_sql
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
EMAIL_OPT_OUT_REASON = ref("email_opt_out_reason")
# The stage of a CRM outcome (``leadpipe outcomes import``) that says the company asked for no
# more marketing e-mail.
OPTED_OUT = "opted out"


# Why a row must not receive marketing e-mail, in the words the export gives (the first that
# applies); a row none applies to may be e-mailed.
WHY_PERSON = "a person on the suppression list was removed from this row"
WHY_OUTCOME = "the company opted out of marketing e-mail (a CRM outcome)"
WHY_INDIVIDUAL = ("a sole trader or partnership: UK PECR lets marketing e-mail reach an "
                  "individual subscriber only with their consent")
WHY_NOT_KNOWN = ("subscriber type not known: treated as a sole trader or partnership (UK PECR "
                 "needs their consent) until a legal form or registry entry says otherwise")


def email_opt_out_reason_sql(person_hit: str, subscriber_type: str, lawful_basis: str,
                             company_id: str) -> str:
    """SQL of the one opt-out rule every file follows (Salesforce ``Email Opt Out``, HubSpot's
    opt-out list, the generic ``email_opt_out``): the reason marketing e-mail must not be sent,
    NULL when it may be. Opted out when

    - a person on the suppression list was blanked from the row (``person_hit``);
    - a CRM outcome of the company says it opted out;
    - the subscriber is a sole trader or partnership and the profile's lawful basis is not
      consent: UK PECR reg. 22 lets marketing e-mail reach an individual subscriber only with
      their consent (or the soft opt-in, which a list of strangers never has), while corporate
      subscribers may be e-mailed on legitimate interests (ICO, "Business-to-business
      marketing");
    - the subscriber type is not known and the basis is not consent: it may be an individual
      subscriber, so it gets the care an individual gets until its legal form or a registry
      entry says it is a corporate body.
    (A suppressed company is in no file at all.)"""
    no_consent = f"NOT coalesce(contains(lower({lawful_basis}), 'consent'), false)"
    return (
        f"CASE WHEN ({person_hit}) THEN '{WHY_PERSON}' "
        f"WHEN EXISTS (SELECT 1 FROM outcomes oo WHERE oo.company_id = {company_id} "
        f"AND oo.stage = '{OPTED_OUT}') THEN '{WHY_OUTCOME}' "
        f"WHEN {subscriber_type} = '{INDIVIDUAL}' AND {no_consent} THEN '{WHY_INDIVIDUAL}' "
        f"WHEN {subscriber_type} = '{NOT_KNOWN}' AND {no_consent} THEN '{WHY_NOT_KNOWN}' END"
    )


def leadership_text_sql(leaders: str) -> str:
    """SQL of the ``leadership`` column from a list of name/role structs: 'Name, Role; ...'."""
    return (f"nullif(array_to_string(list_transform({leaders}, "
            "lambda x: x.name || ', ' || x.role), '; '), '')")


# The scored view's raw list of named leaders (name/role structs) the ``leadership`` column is
# written from; filtered here like the column, so no suppressed name is in the view.
LEADERS = "leaders"
# The name of a row's best contact when that contact is a suppressed person (internal).
BLANKED_CONTACT = "blanked_contact_name"


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
                         "WHERE kind IN ('email', 'phone', 'domain', 'leader')").fetchall()[0][0]
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
    added = ""
    joins = ""
    excluded = ""
    leadership = ref("leadership")
    if people and salt is not None and LEADERS in columns and leadership in columns:
        email_col, phone_col, _ = PERSON_COLUMNS[0]
        contact_hit = person_hit_sql(salt, f"b.{email_col}" if email_col in columns else None,
                                     f"b.{phone_col}" if phone_col in columns else None)
        blanked = None
        if contact_hit and "best_contact_name" in columns:
            # worked out beside the row: a lambda cannot hold the hit's subqueries
            blanked = f"b.{BLANKED_CONTACT}"
            base_sql = (f"SELECT b.*, CASE WHEN {contact_hit} THEN b.best_contact_name END "
                        f"AS {BLANKED_CONTACT} FROM ({base_sql}) AS b")
            excluded = f" EXCLUDE ({BLANKED_CONTACT})"
        kept = export_filter_sql(salt, f"b.{LEADERS}", "lk.leader_keys", "b.domain",
                                 "b.company_id", blanked)
        replaced[LEADERS] = f"{kept} AS {LEADERS}"
        replaced[leadership] = f"{leadership_text_sql(kept)} AS {leadership}"
        joins += f" CROSS JOIN ({ENTRY_KEYS_SQL}) AS lk"
    select = "b.*" + excluded + (f" REPLACE ({', '.join(replaced.values())})" if replaced
                                 else "")
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
        why = email_opt_out_reason_sql(" OR ".join(hits) or "false", subscriber, basis,
                                       "b.company_id")
        added += f", ({why}) IS NOT NULL AS {EMAIL_OPT_OUT}, {why} AS {EMAIL_OPT_OUT_REASON}"
    return (
        f"SELECT {select}{added} FROM ({base_sql}) AS b{joins} "
        f"WHERE NOT EXISTS (SELECT 1 FROM ({suppressed_company_ids_sql(salt)}) AS sup "
        "WHERE sup.company_id = b.company_id)"
    )

"""Formula-safe cells: the one place every export format's values pass through.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (``=HYPERLINK(...)`` becomes a live link; DDE payloads start programs).
Following OWASP's CSV-injection guidance (https://owasp.org/www-community/attacks/CSV_Injection)
such a cell gets a leading single quote, in every text field, reasons included, so it is shown
as text and never evaluated.

Phones: a phone such as ``+442079460000`` starts with ``+`` and so is written
``'+442079460000``. The quote is the spreadsheet's "this is text" marker: the number keeps its
plus and every digit and is never turned into a number (which would drop the ``+``) or into a
formula. With ``--excel`` the same marker also goes in front of phones and ids made only of
digits (``02079460000``), which Excel would otherwise turn into numbers and strip of their
leading zeros.

Quoting of embedded quotes, commas and newlines is RFC 4180, done by the CSV writer
(``sales.export.files``).
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARKER = "'"
# Values Excel would read as a number: digits, optionally with a decimal or exponent part.
NUMBER_LIKE = r"^[0-9]+([.,][0-9]+)?([eE][0-9]+)?$"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def safe_cell_sql(column: str, *, keep_as_text: bool = False) -> str:
    """The SQL expression that writes text column ``column`` formula-safe.

    ``keep_as_text`` (phones and ids in an Excel-friendly file) also marks number-like values
    as text. Fast on millions of rows: a first-character test, no regular expression unless
    ``keep_as_text``.
    """
    col = _ident(column)
    triggers = ", ".join(
        f"chr({ord(c)})" if c in "\t\r" else _sql_string(c) for c in FORMULA_TRIGGERS
    )
    condition = f"left({col}, 1) IN ({triggers})"
    if keep_as_text:
        condition += f" OR regexp_full_match({col}, {_sql_string(NUMBER_LIKE)})"
    marker = _sql_string(TEXT_MARKER)
    return f"CASE WHEN {condition} THEN {marker} || {col} ELSE {col} END AS {col}"


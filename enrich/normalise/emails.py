"""E-mail addresses: which mailboxes a sales team may write to, and which one to prefer.

The one home of ``ROLE_MAILBOXES``: page objects pick the best address of a listing with it,
and enrichment ranks the addresses found on a company's website with it.
"""

from __future__ import annotations

from collections.abc import Iterable

# Mailboxes a sales team may write to without singling out a person (preferred when a
# page shows several addresses).
ROLE_MAILBOXES = frozenset({
    "info", "sales", "office", "contact", "hello", "enquiries", "enquiry", "inquiries", "admin",
    "mail", "kontakt", "service", "team", "business",
})


def is_role_mailbox(email: str) -> bool:
    """'Sales@acme.example' -> True: the local part names a role, not a person."""
    return email.split("@", 1)[0].strip().lower() in ROLE_MAILBOXES


def clean_email(value: str) -> str:
    """'mailto:info@acme.example?subject=Hi' -> 'info@acme.example'."""
    return value.strip().removeprefix("mailto:").split("?")[0]


def prefer_role_mailbox(emails: Iterable[str]) -> str | None:
    """Pick the role mailbox (info@, sales@…) when there is one, else the first address."""
    found = [clean_email(e) for e in emails if e and "@" in e]
    if not found:
        return None
    return next((e for e in found if is_role_mailbox(e)), found[0])

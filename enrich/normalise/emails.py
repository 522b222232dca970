"""E-mail addresses: which mailboxes a sales team may write to, and which one to prefer.

The one home of ``ROLE_MAILBOXES``: page objects pick the best address of a listing with it,
and enrichment ranks the addresses found on a company's website with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

# Mailboxes a sales team may write to without singling out a person (preferred when a
# page shows several addresses).
# An address is read around each "@" (local part at most 64 characters before it, domain at
# most 253 after it), so finding them is linear in the text: one unanchored pattern over a
# 160 KB "a.a.a..." token took 34 s of CPU.
LOCAL_RE = re.compile(r"[A-Za-z0-9._%+-]{1,64}$")
DOMAIN_RE = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def addresses_in(text: str, local: re.Pattern[str] = LOCAL_RE,
                 domain: re.Pattern[str] = DOMAIN_RE) -> list[str]:
    """E-mail addresses in running text, in order, in linear time. ``local`` (anchored at its
    end with ``$``) and ``domain`` (matched from the start) say what a part may hold."""
    out = []
    at = text.find("@")
    while at != -1:
        before = local.search(text, max(0, at - 64), at)
        after = domain.match(text[at + 1:at + 254])
        if before and after:
            out.append(f"{before.group()}@{after.group()}")
        at = text.find("@", at + 1)
    return out


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


def email_keys_array(values: pa.Array) -> pa.Array:
    """A comparable key per address: trimmed, ``mailto:`` and any query dropped, lower case
    ('mailto:Jane.Doe@Acme.example?subject=Hi' -> 'jane.doe@acme.example'); None without '@'.

    The vectorised home of the key (suppression checks a million exported rows with it);
    ``email_key`` is the same function on one value."""
    s = pc.utf8_lower(pc.utf8_trim_whitespace(values.cast(pa.string())))
    s = pc.replace_substring_regex(s, r"^mailto:", "")
    s = pc.replace_substring_regex(s, r"\?.*$", "")
    s = pc.utf8_trim_whitespace(s)
    return pc.if_else(pc.match_substring(s, "@"), s, pa.scalar(None, pa.string()))


def email_key(value: str | None) -> str | None:
    """``email_keys_array`` of one value."""
    return email_keys_array(pa.array([value], pa.string()))[0].as_py()

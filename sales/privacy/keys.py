"""Comparable keys and salted hashes of the values that identify a person or a company.

A person (an e-mail or a phone) and a domain are stored only as ``sha256(salt || key)``. The
salt is random, made once per installation and kept in the data directory, apart from the
warehouse: a copy of the warehouse alone does not let anyone test guessed addresses against
the suppression list. The same hash is computed in SQL (DuckDB's ``sha256``) over exported
rows, so both sides must agree: ``salted_hash`` and ``hash_sql`` are that one rule.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

import duckdb
import pyarrow as pa

from enrich.normalise import email_key, email_keys_array, phone_key, phone_keys_array
from enrich.normalise.domains import registrable_domain
from enrich.normalise.legal_forms import fold_term

SALT_FILE = "suppression-salt"
KINDS = ("company", "domain", "email", "phone", "leader")
PERSON_KINDS = ("email", "phone")
# A name is no identifier on its own: a named leader is kept scoped to the company that names
# them (``sales.privacy.leaders``), as ``sha256(salt || name_key || '@' || scope)``.
_NAME_PREFIX = re.compile(r"^(?:(?:dr|prof|mr|mrs|ms|herr|frau|dipl|ing)\.?\s+)+")


class MissingSalt(FileNotFoundError):
    """Hashed entries exist but the data directory's salt file is gone (or damaged)."""


def salt_path(data_dir: Path) -> Path:
    return Path(data_dir) / SALT_FILE


def read_salt(data_dir: Path, *, create: bool = False) -> str | None:
    """The installation's salt (hex); made (readable by the owner only) when ``create``."""
    path = salt_path(data_dir)
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(salt + "\n")
    return salt


def comparable_key(kind: str, value: str) -> str | None:
    """The form a value is compared in: a registrable domain, an e-mail key, the last digits
    of a phone (``enrich.normalise``); a company id as it is. None when it is not one."""
    if kind == "company":
        return value.strip() or None
    if kind == "domain":
        return registrable_domain(value.strip())
    if kind == "email":
        return email_key(value)
    if kind == "phone":
        return phone_key(value)
    if kind == "leader":
        return name_key(value)
    raise ValueError(f"unknown kind {kind!r}")


def name_key(name: str | None) -> str | None:
    """The form a person's name is compared in: ASCII, lower case, words only, titles dropped
    ('Dr. Jürgen  Schäfer' -> 'jurgen schafer'); None when nothing is left."""
    if not name:
        return None
    folded = _NAME_PREFIX.sub("", fold_term(name))
    return folded or None


def _name_keys_array(values: pa.Array) -> pa.Array:
    return pa.array([name_key(v) for v in values.to_pylist()], pa.string())


def salted_hash(salt: str, key: str) -> str:
    return hashlib.sha256((salt + key).encode("utf-8")).hexdigest()


def stored_key(kind: str, value: str, salt: str | None) -> str | None:
    """What the suppression list keeps for a value: a company id as it is, else its hash."""
    key = comparable_key(kind, value)
    if key is None or kind == "company":
        return key
    if salt is None:
        raise MissingSalt("no suppression salt")
    return salted_hash(salt, key)


def hash_sql(salt: str, key_sql: str) -> str:
    """SQL for ``salted_hash(salt, <key_sql>)``; the salt is hex, so it is safe as a literal."""
    if not all(ch in "0123456789abcdef" for ch in salt):
        raise MissingSalt("the suppression salt file is damaged (not hex)")
    return f"sha256('{salt}' || {key_sql})"


def _arrow_udf(fn):
    def udf(values: pa.Array) -> pa.Array:
        return fn(values)
    return udf


def register_key_functions(con: duckdb.DuckDBPyConnection) -> None:
    """``leadpipe_email_key(x)``, ``leadpipe_phone_key(x)`` and ``leadpipe_name_key(x)`` in
    SQL, the very normalisers of Python (vectorised), so SQL and Python never disagree on a
    key."""
    known = {r[0] for r in con.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'leadpipe_%'"
    ).fetchall()}
    for name, fn in (("leadpipe_email_key", email_keys_array),
                     ("leadpipe_phone_key", phone_keys_array),
                     ("leadpipe_name_key", _name_keys_array)):
        if name not in known:
            con.create_function(name, _arrow_udf(fn), [duckdb.sqltype("VARCHAR")],
                                duckdb.sqltype("VARCHAR"), type="arrow", null_handling="special")


def guess_kind(value: str) -> str | None:
    """e-mail when it has an '@', phone when it is mostly digits, domain when it has a dot;
    None otherwise (a company id is recognised by the warehouse, not by its shape)."""
    text = value.strip()
    if "@" in text:
        return "email"
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 7 and digits >= 0.6 * len(text.replace(" ", "")):
        return "phone"
    if "." in text and " " not in text and registrable_domain(text):
        return "domain"
    return None

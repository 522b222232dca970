"""The SHA-256 of a file, read in blocks: how landing files, bulk registry files and export
files are told apart from a changed copy (``landing_files``, ``registry_bulk_files``, the
export log). One home for the digest every stage records."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

BLOCK = 1 << 20


def file_sha256(path: Any) -> str:
    """The hex SHA-256 of ``path`` (a local path, its text, or an fsspec path with ``open``)."""
    path = Path(path) if isinstance(path, str) else path
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()

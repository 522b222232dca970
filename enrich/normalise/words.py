"""Counts in plain words: "1 file", "3 files", never "3 file(s)": one home for what ops and
users read in logs, run messages, artifacts and CLI output."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, singular for exactly one; ``many`` for irregular plurals
    (default: ``word`` + "s")."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def quoted(words: list[str] | tuple[str, ...]) -> str:
    """``["bankruptcy", "liquidation"]`` → ``"bankruptcy" and "liquidation"``: words a page
    used, marked as its words rather than ours."""
    return " and ".join(f'"{w}"' for w in words)

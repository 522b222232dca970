"""Industry as NACE Rev. 2: the code list hierarchy, code conversions and the classifier.

``classify(...)`` gives a company's NACE code, its sector name, a confidence and the evidence;
``under(code, prefix)`` says whether a code falls under a target section, division, group or
class; ``profile_targets`` turns a profile's industry entries (old labels such as
``manufacturing`` or NACE codes) into NACE prefixes.
"""

from __future__ import annotations

from enrich.industry import nace, schemes, words
from enrich.industry.classify import (
    NOTHING,
    IndustryCode,
    IndustryGuess,
    classify,
    keyword_hits,
)
from enrich.industry.nace import activity, lineage, section_of, under
from enrich.industry.words import sector_name, taxonomy


def profile_targets(entries: list[str]) -> list[str]:
    """Profile industry entries → NACE prefixes: a label from ``[labels]`` in industries.toml
    gives its sections or divisions, a NACE code stands for itself; anything else is an error."""
    labels = taxonomy()["labels"]
    out: list[str] = []
    for entry in entries:
        if entry.lower() in labels:
            target = labels[entry.lower()]
            out.extend([target] if isinstance(target, str) else target)
        elif activity(entry) is not None:
            out.append(entry)
        else:
            raise ValueError(f"unknown industry {entry!r}: use a NACE code or one of "
                             + ", ".join(sorted(labels)))
    return out


__all__ = ["NOTHING", "IndustryCode", "IndustryGuess", "activity", "classify", "keyword_hits",
           "lineage", "nace", "profile_targets", "schemes", "section_of", "sector_name", "under",
           "words"]

"""One alert message per profile: a subject, plain-words text, and the same as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sales.alerts.signals import Signal

HEADINGS = {
    "open_tender": "Open tenders for what we sell",
    "tier_up": "Companies that moved up a tier",
    "contract_ending": "Contracts ending soon",
}
MOST_LINES = 50  # per heading; the rest is counted


@dataclass(frozen=True)
class Alert:
    profile: str
    subject: str
    text: str
    signals: tuple[Signal, ...]

    def payload(self) -> dict[str, Any]:
        """What the webhook receives."""
        return {"profile": self.profile, "subject": self.subject, "text": self.text,
                "signals": [{"kind": s.kind, "key": s.key, "sentence": s.sentence,
                             "company_id": s.company_id, "url": s.url, **s.details}
                            for s in self.signals]}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def compose(profile: str, signals: Sequence[Signal]) -> Alert:
    """The message for ``signals`` (at least one)."""
    by_kind = {k: [s for s in signals if s.kind == k] for k in HEADINGS}
    counts = []
    if by_kind["open_tender"]:
        counts.append(_count(len(by_kind["open_tender"]), "new open tender", "new open tenders"))
    if by_kind["tier_up"]:
        counts.append(_count(len(by_kind["tier_up"]), "tier up", "tiers up"))
    if by_kind["contract_ending"]:
        counts.append(_count(len(by_kind["contract_ending"]), "contract ending",
                             "contracts ending"))
    subject = f"leadpipe, profile {profile}: {', '.join(counts)}"
    lines = [f"New since the last alert for the profile {profile}:", ""]
    for kind, heading in HEADINGS.items():
        found = by_kind[kind]
        if not found:
            continue
        lines.append(f"{heading} ({len(found)}):")
        for s in found[:MOST_LINES]:
            lines.append(f"- {s.sentence}" + (f" ({s.url})" if s.url else ""))
        if len(found) > MOST_LINES:
            lines.append(f"- and {len(found) - MOST_LINES} more")
        lines.append("")
    return Alert(profile=profile, subject=subject, text="\n".join(lines).rstrip() + "\n",
                 signals=tuple(signals))

"""The alert stage: find the profile's new signals, send one message, remember what went out.

Runs after scoring in every pipeline run (``leadpipe.runner.alert``). Nothing new: nothing is
sent. A delivery that fails leaves its signals unrecorded, so the next run sends them again.
The profile's mark is written either way (``leadpipe tenders new`` reads it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import duckdb

from enrich.normalise.words import plural
from sales.alerts.deliver import DeliveryFailed, post_webhook, send_email
from sales.alerts.message import compose
from sales.alerts.signals import AlertProfile, new_signals, record_alerted, record_profile_mark


class AlertChannels(Protocol):
    """Where alerts go (``leadpipe.config.AlertsSection`` has these)."""

    @property
    def enabled(self) -> bool: ...
    @property
    def host(self) -> str | None: ...
    @property
    def port(self) -> int: ...
    @property
    def from_address(self) -> str | None: ...
    @property
    def to(self) -> list[str]: ...
    @property
    def username(self) -> str | None: ...
    @property
    def password(self) -> str | None: ...
    @property
    def starttls(self) -> bool: ...
    @property
    def webhook_url(self) -> str | None: ...
    @property
    def timeout_seconds(self) -> float: ...


@dataclass
class AlertSummary:
    profile: str
    new_signals: int = 0
    sent: list[str] = field(default_factory=list)      # channels that delivered
    errors: list[str] = field(default_factory=list)
    subject: str | None = None

    def __str__(self) -> str:
        if not self.new_signals:
            return f"profile {self.profile}: nothing new to alert"
        where = " and ".join(self.sent) or "nowhere (alerts are off)"
        tail = f"; {'; '.join(self.errors)}" if self.errors else ""
        return (f"profile {self.profile}: {plural(self.new_signals, 'new signal')} sent by "
                f"{where}{tail}")


def run_alerts(con: duckdb.DuckDBPyConnection, profile: AlertProfile, channels: AlertChannels,
               *, now: datetime | None = None) -> AlertSummary:
    """Send the profile's new hot signals once; record them and the profile's mark."""
    at = datetime.now(UTC).replace(tzinfo=None)
    summary = AlertSummary(profile=profile.name)
    found = new_signals(con, profile, now=now)
    summary.new_signals = len(found)
    if found and channels.enabled:
        alert = compose(profile.name, found)
        summary.subject = alert.subject
        if channels.host:
            try:
                send_email(alert, host=channels.host, port=channels.port,
                           sender=channels.from_address or "", to=channels.to,
                           username=channels.username, password=channels.password,
                           starttls=channels.starttls, timeout=channels.timeout_seconds)
                summary.sent.append("email")
            except DeliveryFailed as exc:
                summary.errors.append(str(exc))
        if channels.webhook_url:
            try:
                post_webhook(alert, channels.webhook_url, timeout=channels.timeout_seconds)
                summary.sent.append("webhook")
            except DeliveryFailed as exc:
                summary.errors.append(str(exc))
        if summary.sent:
            record_alerted(con, profile.name, found, summary.sent, at)
    record_profile_mark(con, profile.name, at)
    return summary

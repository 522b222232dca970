"""Alerts on new demand: after each pipeline run, the hot signals a profile has not been told
about yet (``signals``) become one plain-words message (``message``) sent by e-mail and/or a
webhook (``deliver``); what was sent is remembered so a run that found nothing new sends
nothing."""

from sales.alerts.message import Alert, compose
from sales.alerts.signals import (
    Signal,
    new_signals,
    record_alerted,
    record_profile_mark,
    since_last_run,
)
from sales.alerts.stage import AlertSummary, run_alerts

__all__ = ["Alert", "AlertSummary", "Signal", "compose", "new_signals", "record_alerted",
           "record_profile_mark", "run_alerts", "since_last_run"]

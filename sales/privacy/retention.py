"""Retention: contacts not seen for ``[privacy] retention_months`` are purged.

A contact's last sighting (``contacts.last_seen_at``) is the last crawl that found it published;
once it is older than the retention period, leadpipe has no fresh reason to hold it. The purge
deletes those contact rows; ``leadpipe privacy purge`` and the pipeline (after scoring) run it,
and each run is logged in ``runs`` (stage ``purge``) with the cut-off and the count.
"""

from __future__ import annotations

from datetime import datetime

import duckdb


def cutoff(now: datetime, months: int) -> datetime:
    """``now`` minus whole calendar months (the day clamped to the month's end)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    days = [31, 29 if (year % 4 == 0 and (year % 100 or year % 400 == 0)) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return now.replace(year=year, month=month, day=min(now.day, days))


def purge_contacts(con: duckdb.DuckDBPyConnection, months: int, now: datetime) -> int:
    """Delete the contacts last seen before the cut-off; return how many."""
    before = cutoff(now, months)
    count = con.execute("SELECT count(*) FROM contacts WHERE last_seen_at < ?",
                        [before]).fetchall()[0][0]
    con.execute("DELETE FROM contacts WHERE last_seen_at < ?", [before])
    return count

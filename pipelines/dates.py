"""Times and dates as Swedish protocols write them: one clock format and one month table for the
prompt, the Word export, the archive reader and the review page."""

from __future__ import annotations

import datetime as dt

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


def clock(seconds: float, *, hours: bool = False) -> str:
    """Seconds into the recording as "mm:ss", or "hh:mm:ss" from an hour on (always with `hours`)."""
    s = max(0, int(seconds))
    if hours or s >= 3600:
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60:02d}:{s % 60:02d}"


def swedish_date(day: dt.date) -> str:
    """2025-12-12 -> "12 december 2025" (callers add "den"/"Den")."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_number(name: str) -> int:
    """ "December" -> 12."""
    return MONTHS.index(name.lower()) + 1

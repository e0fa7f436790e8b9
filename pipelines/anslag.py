"""The dates of an anslag: when the justering of a protocol is announced on the anslagstavla and when
the announcement comes down.

Kommunallagen (8 kap. 12 §): the justering is announced no later than the second day after it. When
that day is a Saturday, Sunday or public holiday the time runs to the next working day (lagen om
beräkning av lagstadgad tid, 1930:173, which also counts midsommar-, jul- and nyårsafton as Saturdays).
The appeal time is three weeks from the day the anslag goes up, so it stays up that long.

    >>> anslag_dates(dt.date(2028, 4, 28))      # a Friday; Monday 1 May is a holiday
    AnslagDates(justered=2028-04-28, up=2028-05-02, latest=2028-05-02, down=2028-05-23)
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from pydantic import BaseModel

from .errors import InputError

APPEAL = dt.timedelta(weeks=3)


def easter(year: int) -> dt.date:
    """Easter Sunday (the Meeus/Jones/Butcher Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _saturday_between(year: int, month: int, first: int) -> dt.date:
    start = dt.date(year, month, first)
    return start + dt.timedelta(days=(5 - start.weekday()) % 7)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[dt.date, str]:
    """Swedish public holidays (allmänna helgdagar) and the three aftnar that count as Saturdays."""
    e = easter(year)
    midsummer = _saturday_between(year, 6, 20)
    days = {
        dt.date(year, 1, 1): "nyårsdagen",
        dt.date(year, 1, 6): "trettondedag jul",
        e - dt.timedelta(days=2): "långfredagen",
        e: "påskdagen",
        e + dt.timedelta(days=1): "annandag påsk",
        dt.date(year, 5, 1): "första maj",
        e + dt.timedelta(days=39): "Kristi himmelsfärdsdag",
        e + dt.timedelta(days=49): "pingstdagen",
        dt.date(year, 6, 6): "Sveriges nationaldag",
        midsummer - dt.timedelta(days=1): "midsommarafton",
        midsummer: "midsommardagen",
        _saturday_between(year, 10, 31): "alla helgons dag",
        dt.date(year, 12, 24): "julafton",
        dt.date(year, 12, 25): "juldagen",
        dt.date(year, 12, 26): "annandag jul",
        dt.date(year, 12, 31): "nyårsafton",
    }
    return days


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


class AnslagDates(BaseModel):
    justered: dt.date
    up: dt.date  # the anslag goes up
    latest: dt.date  # the last day the law allows it to go up
    down: dt.date  # it comes down: three weeks after `up`

    def __repr__(self) -> str:
        return f"AnslagDates(justered={self.justered}, up={self.up}, latest={self.latest}, down={self.down})"


def latest_up(justered: dt.date) -> dt.date:
    """The second day after justering, moved to the next working day if it is not one."""
    day = justered + dt.timedelta(days=2)
    return day if is_working_day(day) else next_working_day(day)


def anslag_dates(justered: dt.date, up: dt.date | None = None) -> AnslagDates:
    """Default: up on the next working day after justering. A chosen `up` must lie between the
    justering and the latest day the law allows."""
    latest = latest_up(justered)
    up = up or next_working_day(justered)
    if up < justered:
        raise InputError(f"anslaget kan inte sättas upp ({up}) före justeringen ({justered})")
    if up > latest:
        raise InputError(f"anslaget ska sättas upp senast {latest}, andra dagen efter justeringen ({justered}); "
                         f"{up} är för sent – too late for the law")
    return AnslagDates(justered=justered, up=up, latest=latest, down=up + APPEAL)

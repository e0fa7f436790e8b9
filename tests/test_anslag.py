"""The anslag dates: Swedish public holidays and the 'second day after justering' rule."""

import datetime as dt

import pytest

from pipelines.anslag import anslag_dates, easter, holidays, is_working_day, latest_up, next_working_day
from pipelines.errors import InputError

D = dt.date


def test_easter_and_the_holidays_that_move():
    assert [easter(y) for y in (2024, 2025, 2026, 2027, 2028, 2038)] == [
        D(2024, 3, 31), D(2025, 4, 20), D(2026, 4, 5), D(2027, 3, 28), D(2028, 4, 16), D(2038, 4, 25)]
    h = holidays(2026)
    assert h[D(2026, 4, 3)] == "långfredagen" and h[D(2026, 4, 6)] == "annandag påsk"
    assert h[D(2026, 5, 14)] == "Kristi himmelsfärdsdag"
    assert h[D(2026, 6, 19)] == "midsommarafton" and h[D(2026, 6, 20)] == "midsommardagen"
    assert h[D(2026, 10, 31)] == "alla helgons dag"
    assert len(h) == 16


def test_working_days():
    assert is_working_day(D(2026, 11, 27))  # a Friday
    assert not is_working_day(D(2026, 11, 28))  # Saturday
    assert not is_working_day(D(2026, 12, 24))  # julafton counts as a Saturday
    assert next_working_day(D(2026, 12, 23)) == D(2026, 12, 28)
    assert next_working_day(D(2026, 4, 2)) == D(2026, 4, 7)  # skärtorsdag -> past Easter


def test_friday_before_a_monday_holiday():
    dates = anslag_dates(D(2028, 4, 28))  # Monday 1 May 2028
    assert (dates.up, dates.latest, dates.down) == (D(2028, 5, 2), D(2028, 5, 2), D(2028, 5, 23))


def test_ordinary_week_and_the_latest_day():
    assert latest_up(D(2026, 11, 24)) == D(2026, 11, 26)  # Tuesday -> Thursday
    dates = anslag_dates(D(2026, 11, 24), up=D(2026, 11, 26))
    assert dates.up == D(2026, 11, 26) and dates.down == D(2026, 12, 17)
    with pytest.raises(InputError, match="senast 2026-11-26"):
        anslag_dates(D(2026, 11, 24), up=D(2026, 11, 27))
    with pytest.raises(InputError, match="före justeringen"):
        anslag_dates(D(2026, 11, 24), up=D(2026, 11, 23))

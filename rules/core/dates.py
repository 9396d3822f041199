"""Dates and in-force periods."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from bingpin.rules.core.symbolic import is_date


@dataclass(frozen=True)
class Period:
    """A closed period of days; ``end`` is ``None`` when the text states no end."""

    start: dt.date
    end: dt.date | None = None

    def __contains__(self, day: object) -> bool:
        if not is_date(day):  # a date, or a stand-in for a column of them (rules.core.symbolic)
            return False
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        if self.end is None:
            return f"自 {self.start.isoformat()} 起，未规定截止日期"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def first_day_of_next_month(day: dt.date) -> dt.date:
    """次月: the first day of the month after ``day``."""
    if day.month == 12:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year, day.month + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier); the 31st becomes the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def end_of_year(day: dt.date) -> dt.date:
    """当年: the last day of ``day``'s calendar year."""
    return dt.date(day.year, 12, 31)

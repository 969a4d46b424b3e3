"""KUHP Pasal 85: the numbers the whole product enforces, each in exactly one place.

- ayat (4): a sentence of 8 to 240 hours in total;
- ayat (5): at most 8 hours in one day, spread over at most 6 months;
- ayat (6): the court decision sets hours per day, days per week and the place.
"""

import calendar
from datetime import date

TOTAL_HOURS_MIN = 8
TOTAL_HOURS_MAX = 240
DAILY_HOURS_MAX = 8
MAX_SPAN_MONTHS = 6


def total_hours_lawful(hours: int) -> bool:
    return TOTAL_HOURS_MIN <= hours <= TOTAL_HOURS_MAX


def hours_per_day_lawful(hours: int) -> bool:
    return 1 <= hours <= DAILY_HOURS_MAX


def daily_cap_minutes(hours_per_day: int) -> int:
    """The most that may be planned or credited on one local day for one offender.

    The decision's hours per day, never more than the law's 8 hours. Callers add up every
    session of the offender on that day against this one number.
    """
    return min(hours_per_day, DAILY_HOURS_MAX) * 60


def latest_deadline(start: date) -> date:
    """Six calendar months after the start; 31 August + 6 months is the end of February."""
    month_index = start.month - 1 + MAX_SPAN_MONTHS
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)

"""Reading values as people type them in chat or put them in a spreadsheet cell.

Indonesians write dates day first ("5 Januari 2026", "05-01-2026"), decimals with a comma
and times with a dot ("08.00"). The conversations and the import use the same readers, so
both accept the same things. Each reader takes typed text or a cell value as openpyxl
returns it (``datetime``, ``time``, ``int``, ``float``, ``bool``) and returns None for
anything it cannot read.
"""

import math
import re
from datetime import date, datetime, time, timedelta

from domain.agencies import TIMEZONES
from domain.cases import Consequence

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "pebruari", "february", "feb", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "ags", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}

_WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("senin", "sen", "monday", "mon"),
            ("selasa", "sel", "tuesday", "tue", "tues"),
            ("rabu", "rab", "wednesday", "wed"),
            ("kamis", "kam", "thursday", "thu", "thur", "thurs"),
            ("jumat", "jumaat", "jum", "friday", "fri"),
            ("sabtu", "sab", "saturday", "sat"),
            ("minggu", "ahad", "min", "mgg", "sunday", "sun"),
        )
    )
    for name in names
}
_EVERY_DAY = ("setiap hari", "tiap hari", "semua hari", "every day", "everyday", "daily")

_YES = frozenset({"ya", "y", "iya", "yes", "benar", "setuju", "true", "1", "✓", "✔"})
_NO = frozenset({"tidak", "tdk", "t", "no", "n", "bukan", "false", "0"})

_CONSEQUENCES: dict[str, Consequence] = {
    **{c.value: c for c in Consequence},
    "mengulang": Consequence.REPEAT,
    "mengulang kerja sosial": Consequence.REPEAT,
    "repeat": Consequence.REPEAT,
    "pidana penjara": Consequence.PRISON,
    "prison": Consequence.PRISON,
    "pidana denda": Consequence.FINE,
    "fine": Consequence.FINE,
}

_ZONE_ABBREVIATIONS = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}

#: Excel's day 0: serial numbers count days from here (the 1900 leap-year bug only
#: matters before March 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
#: A bare number is read as an Excel date serial only from 1950 to 2099: a year typed
#: alone ("2026") must not become a day in 1905.
_SERIAL_MIN = (date(1950, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (date(2099, 12, 31) - _EXCEL_EPOCH).days

_ISO_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
)
_DMY_DATE = re.compile(
    r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?: \d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
)
_D_MONTH_Y = re.compile(r"(\d{1,2})[-/. ]*([a-z]+)\.?[-/., ]*(\d{4}|\d{2})")
_MONTH_D_Y = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})")
_LEADING_WORD = re.compile(r"([a-z']+),? (.+)")
_CLOCK = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?(?:[.:](\d{2}))?(?: ?([ap])\.?m\.?)?")
_RANGE_WORD = re.compile(
    r" *(?:\bs\. ?d\b\.?|\bs/d\b|\bsd\b|\bsampai(?: dengan)?\b|\bhingga\b|"
    r"\bto\b|\bthrough\b|\buntil\b|[-–—]) *"
)
_LIST_WORD = re.compile(r"\b(?:dan|and)\b")
_LIST_SEPARATOR = re.compile(r"[,;/&+ ]+")
_INT_TEXT = re.compile(r"[+-]?\d{1,18}")
_THOUSANDS_TEXT = re.compile(r"\d{1,3}(?:\.\d{3})+")  # "1.000": Indonesian thousands
_FLOAT_TEXT = re.compile(r"[+-]?(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15})")


def _words(text: str) -> str:
    """Lower case, single spaces, no surrounding spaces."""
    return " ".join(text.casefold().split())


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    """A date as typed or as an Excel cell; None if it cannot be read.

    Numeric dates are day first, the Indonesian way: "05-01-2026", "5/1/2026", "05.01.26".
    Also "2026-01-05", "5 Januari 2026", "Senin, 5 Januari 2026", "5 Agt 2026", "5-Jan-26",
    "January 5, 2026", a ``date``/``datetime`` cell, and an Excel serial number.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not (math.isfinite(value) and _SERIAL_MIN <= value <= _SERIAL_MAX):
            return None
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if not isinstance(value, str):
        return None
    text = _words(value)
    leading = _LEADING_WORD.fullmatch(text)
    if leading and leading[1].replace("'", "") in _WEEKDAYS:
        text = leading[2]  # "Senin, 5 Januari 2026"
    if m := _ISO_DATE.fullmatch(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY_DATE.fullmatch(text):
        return _make_date(int(m[3]), int(m[2]), int(m[1]))
    if (m := _D_MONTH_Y.fullmatch(text)) and m[2] in _MONTHS:
        return _make_date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_D_Y.fullmatch(text)) and m[1] in _MONTHS:
        return _make_date(int(m[3]), _MONTHS[m[1]], int(m[2]))
    return None


def _clock(hour: int, minute: int) -> time | None:
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return time(hour, minute)
    return None


def parse_time(value: object) -> time | None:
    """A clock time to the minute: "08.00", "8:00", "8", "08:00:00", "2 pm", or a time cell.

    Seconds are dropped. A whole number 0-23 is an hour. A fraction of a day (how Excel
    stores a time in a cell formatted as a number) is rounded to the minute.
    """
    if isinstance(value, datetime):
        # A time-only cell may come back on Excel's day 0; a real date here is a mistake.
        if value.date() > date(1900, 1, 1):
            return None
        return _clock(value.hour, value.minute)
    if isinstance(value, time):
        return _clock(value.hour, value.minute)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        if float(value).is_integer():
            return _clock(int(value), 0)
        if 0 < value < 1:
            minutes = round(value * 24 * 60)
            return _clock(minutes // 60, minutes % 60)
        return None
    if not isinstance(value, str):
        return None
    text = _words(value).removeprefix("pukul ").removeprefix("jam ")
    m = _CLOCK.fullmatch(text)
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[4] == "p" else 0)
    return _clock(hour, minute)


def _weekday(token: str) -> int | None:
    token = token.strip(".'")
    if token.isdigit():
        number = int(token)
        return number - 1 if 1 <= number <= 7 else None
    return _WEEKDAYS.get(token.replace("'", "").replace("’", ""))


def parse_weekdays(value: object) -> frozenset[int] | None:
    """Days of the week, 0 = Monday ... 6 = Sunday (as ``date.weekday()``); None if unread.

    "Senin, Rabu, Jumat", "senin-jumat", "Senin s.d. Jumat", "Senin dan Kamis", "1,3,5"
    (1 = Senin, 7 = Minggu), "Mon-Fri", "setiap hari". A range may wrap: "Jumat-Senin".
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return frozenset({value - 1}) if 1 <= value <= 7 else None
    if not isinstance(value, str):
        return None
    text = _words(value).replace("’", "'")
    if text in _EVERY_DAY:
        return frozenset(range(7))
    text = _RANGE_WORD.sub("-", text)
    text = _LIST_WORD.sub(",", text)
    days: set[int] = set()
    for token in _LIST_SEPARATOR.split(text):
        if not token:
            continue
        ends = token.split("-")
        if len(ends) == 1:
            day = _weekday(token)
            if day is None:
                return None
            days.add(day)
        elif len(ends) == 2:
            first, last = _weekday(ends[0]), _weekday(ends[1])
            if first is None or last is None:
                return None
            span = (last - first) % 7
            days.update((first + i) % 7 for i in range(span + 1))
        else:
            return None
    return frozenset(days) or None


def parse_yes_no(value: object) -> bool | None:
    """ "ya"/"tidak", "yes"/"no", "y"/"t", "1"/"0", or a TRUE/FALSE cell; None if neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    if not isinstance(value, str):
        return None
    text = _words(value).strip(".!")
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def parse_int(value: object) -> int | None:
    """A whole number: "40", "+3", "1.000" (Indonesian thousands), or an integral cell."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _THOUSANDS_TEXT.fullmatch(text):
        text = text.replace(".", "")
    return int(text) if _INT_TEXT.fullmatch(text) else None


def parse_float(value: object) -> float | None:
    """A decimal number with a dot or a comma: "-0.502106", "-0,502106", "117,15°"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace("−", "-").removesuffix("°").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return float(text) if _FLOAT_TEXT.fullmatch(text) else None


def parse_consequence(value: object) -> Consequence | None:
    """ "ulang", "penjara" or "denda" (also "mengulang", "pidana penjara", "pidana denda")."""
    if not isinstance(value, str):
        return None
    return _CONSEQUENCES.get(_words(value))


def parse_timezone(value: object) -> str | None:
    """One of Indonesia's zone names in any case, or WIB / WITA / WIT."""
    if not isinstance(value, str):
        return None
    text = _words(value)
    for zone in TIMEZONES:
        if zone.casefold() == text:
            return zone
    return _ZONE_ABBREVIATIONS.get(text)


def parse_hours(value: object) -> int | None:
    """Whole hours; "40 jam" as the conversation accepts it."""
    if isinstance(value, str):
        value = value.casefold().strip().removesuffix("jam").removesuffix("hours")
    return parse_int(value)


def parse_telegram_id(value: object) -> int | None:
    """A person's Telegram id: a positive whole number (groups have negative ids)."""
    number = parse_int(value)
    return number if number is not None and number > 0 else None


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """ "-0.5021, 117.1536" as copied from a map app; "-0,5021; 117,1536" with decimal commas."""
    value = text.strip()
    if ";" in value:
        parts = value.split(";")
    elif "." in value and "," in value:
        parts = value.split(",")
    else:
        parts = value.split()
    if len(parts) != 2:
        return None
    lat, lon = parse_float(parts[0]), parse_float(parts[1])
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon

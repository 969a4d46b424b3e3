"""Reading values as people type them in chat or in a spreadsheet cell.

Indonesians write decimals with a comma ("-0,502") and times with a dot ("08.00"); the
same readers serve the conversations and the import, so both accept the same things.
"""

import re
from datetime import date, time

_INT_RE = re.compile(r"^[+-]?\d{1,9}$")
_FLOAT_RE = re.compile(r"^[+-]?\d{1,4}([.,]\d{1,12})?$")


def parse_int(text: str) -> int | None:
    value = text.strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", value):  # "1.000": a thousands separator
        value = value.replace(".", "")
    return int(value) if _INT_RE.match(value) else None


def parse_float(text: str) -> float | None:
    value = text.strip()
    return float(value.replace(",", ".")) if _FLOAT_RE.match(value) else None


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


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan", "january"),
            ("februari", "feb", "pebruari", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "agt", "ags", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des", "dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_DAYS = {
    name: number
    for number, names in enumerate(
        [
            ("senin", "sen", "monday", "mon"),
            ("selasa", "sel", "tuesday", "tue"),
            ("rabu", "rab", "wednesday", "wed"),
            ("kamis", "kam", "thursday", "thu"),
            ("jumat", "jum'at", "jum", "friday", "fri"),
            ("sabtu", "sab", "saturday", "sat"),
            ("minggu", "min", "ahad", "sunday", "sun"),
        ]
    )
    for name in names
}


def parse_date(text: str) -> date | None:
    """ "5 Januari 2026", "05-01-2026", "5/1/2026" (day first, as written here), "2026-01-05"."""
    value = text.strip().lower().replace(",", " ")
    value = re.sub(r"^(senin|selasa|rabu|kamis|jum'?at|sabtu|minggu)\s+", "", value)
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := re.fullmatch(r"(\d{1,2})\s+([a-z']+)\.?\s+(\d{4})", value):
            month = _MONTHS.get(match[2])
            return date(int(match[3]), month, int(match[1])) if month else None
    except ValueError:
        return None  # 31 February and the like
    return None


def parse_time(text: str) -> time | None:
    """ "08.00", "8:30", "0800" or "8"."""
    value = text.strip().lower().removeprefix("pukul").removeprefix("jam").strip()
    value = re.sub(r"\s*(wib|wita|wit)$", "", value)
    match = re.fullmatch(r"(\d{1,2})(?:[.:]?(\d{2}))?", value)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def parse_weekdays(text: str) -> frozenset[int] | None:
    """ "Senin, Rabu, Jumat", "senin-jumat", "1,3,5" (1 = Senin) or English names; 0 = Monday."""
    value = re.sub(r"\s*[-–]\s*", "-", text.strip().lower())
    if not value:
        return None
    days: set[int] = set()
    for part in re.split(r"[,;/]|\s+dan\s+|\s+and\s+|\s+", value):
        part = part.strip(" .")
        if not part:
            continue
        if match := re.fullmatch(r"([a-z']+|\d)-([a-z']+|\d)", part):
            first, last = _day(match[1]), _day(match[2])
            if first is None or last is None or last < first:
                return None
            days.update(range(first, last + 1))
            continue
        day = _day(part)
        if day is None:
            return None
        days.add(day)
    return frozenset(days) or None


def _day(token: str) -> int | None:
    if token.isdigit():
        number = int(token)
        return number - 1 if 1 <= number <= 7 else None
    return _DAYS.get(token)


def parse_yes_no(text: str) -> bool | None:
    value = text.strip().lower()
    if value in {"ya", "y", "yes", "iya", "benar", "1", "true"}:
        return True
    if value in {"tidak", "t", "no", "n", "bukan", "0", "false"}:
        return False
    return None

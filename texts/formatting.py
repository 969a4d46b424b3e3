"""Dates and times the way Indonesians write them: "Senin, 8 Desember 2025, 08.00 WITA"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date

from texts import Localized, Texts

_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

_BABEL_LOCALE = {"id": "id_ID", "en": "en_GB"}

#: Catalog keys of the weekdays, Monday first (``date.weekday()`` indexes them).
WEEKDAY_KEYS = ("day.mon", "day.tue", "day.wed", "day.thu", "day.fri", "day.sat", "day.sun")


def zone_abbreviation(zone: str) -> str:
    """WIB, WITA or WIT; any other zone by its IANA name, which is at least unambiguous."""
    return _ABBREVIATIONS.get(zone, zone)


def weekday_names(texts: Texts, weekdays: list[int] | frozenset[int]) -> str:
    """The days a case works, in the reader's language: "Senin, Rabu, Jumat"."""
    return ", ".join(texts.plain(WEEKDAY_KEYS[d]) for d in sorted(weekdays))


def format_day(day: date, lang: str) -> str:
    return _babel_date(day, "EEEE, d MMMM y", locale=_BABEL_LOCALE.get(lang, "id_ID"))


def format_clock(instant: datetime, zone: str, lang: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    separator = "." if lang == "id" else ":"
    return f"{local:%H}{separator}{local:%M} {zone_abbreviation(zone)}"


def format_instant(instant: datetime, zone: str, lang: str) -> str:
    """A UTC instant shown in ``zone``: the local weekday, date, time and zone abbreviation."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{format_day(local.date(), lang)}, {format_clock(instant, zone, lang)}"


def progress_bar(done: float, total: float, width: int = 10) -> str:
    """ "▓▓▓▓░░░░░░": readable at a glance on a small screen, no image needed."""
    filled = 0 if total <= 0 else min(width, int(width * done / total))
    return "▓" * filled + "░" * (width - filled)


def format_duration(minutes: int, lang: str) -> str:
    """Exact time for a person: "2 jam", "1 jam 30 menit", "45 menit"."""
    hour_word, minute_word = ("jam", "menit") if lang == "id" else ("h", "min")
    whole, rest = divmod(max(minutes, 0), 60)
    if whole and rest:
        return f"{whole} {hour_word} {rest} {minute_word}"
    if whole:
        return f"{whole} {hour_word}"
    return f"{rest} {minute_word}"


def hour_tenths(minutes: int) -> int:
    """Tenths of an hour in ``minutes``, never rounded up (2 h 03 min is 20, not 21): the one
    rounding of hours in a table, a report or a chart's figure, so none shows more hours
    than were credited and two of them never differ for the same minutes. A person reading a
    chat message gets the exact time instead (``format_duration``)."""
    return max(minutes, 0) * 10 // 60


def format_hours(minutes: int) -> str:
    """Hours for a running total, never rounded up: 96, or 95,5 with the Indonesian comma."""
    whole, tenth = divmod(hour_tenths(minutes), 10)
    return str(whole) if tenth == 0 else f"{whole},{tenth}"


def format_size(size: int, lang: str) -> str:
    """A file size in MB with one decimal ("12,3 MB" in Indonesian), kB when small."""
    value, unit = (size / 1_000_000, "MB") if size >= 100_000 else (size / 1000, "kB")
    text = f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'id' else text} {unit}"


class Duration(Localized):
    """Minutes, written "2 jam 30 menit" or "2 h 30 min" by whoever reads them."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes

    def in_language(self, lang: str) -> str:
        return format_duration(self.minutes, lang)


class Clock(Localized):
    """An instant as the time of day at a site: "08.00 WITA"."""

    def __init__(self, instant: datetime, zone: str) -> None:
        self.instant, self.zone = instant, zone

    def in_language(self, lang: str) -> str:
        return format_clock(self.instant, self.zone, lang)


class Day(Localized):
    """A local day, "Senin, 3 Maret 2025" or "Monday, 3 March 2025" for whoever reads it."""

    def __init__(self, day: date) -> None:
        self.day = day

    def in_language(self, lang: str) -> str:
        return format_day(self.day, lang)

"""Days off: Indonesia's national holidays and cuti bersama, with an admin's corrections.

The national days come from a joint ministerial decree (SKB) issued each year, which the
``holidays`` package tracks. The package can never be the last word:

- the decree can change during the year (days are moved or added by a later decree);
- a later year's cuti bersama may not be decreed yet, and some religious holidays of a later
  year are only estimates ("perkiraan") until the government fixes them;
- a regency or city may declare its own day off, or decide that work goes ahead anyway.

So an admin can add or remove days (``HolidayOverride``), and cuti bersama is a setting. It is
on by default because government offices, which host most work sites, close on those days.

Everything here returns a plain ``dict``: a ``holidays.HolidayBase`` silently computes and adds
a whole new year when asked about a date it has not seen, which would make a lookup change
the calendar.
"""

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

COUNTRY = "ID"
LANGUAGE = "id"
PUBLIC = "public"
# The package files the cuti bersama days (collective leave) under this category.
CUTI_BERSAMA = "government"


@dataclass(frozen=True)
class HolidayOverride:
    """An admin's correction to the national calendar for one day.

    ``off=True`` adds a day off (a local holiday, or one decreed after the package was
    released); ``off=False`` removes one (the decree moved it, or work goes ahead anyway).
    """

    day: date
    off: bool
    name: str
    #: A region's own day off: for the sites whose host agency is this agency or under it.
    #: None: the whole country.
    agency_id: int | None = None
    id: int | None = None


def for_site(
    overrides: Iterable[HolidayOverride], host_agency_id: int, parents: Mapping[int, int | None]
) -> list[HolidayOverride]:
    """The national corrections and the regional ones that reach a site hosted by
    ``host_agency_id``: declared for that agency or one above it. ``parents`` maps each
    agency to its parent's."""
    above: set[int] = set()
    current: int | None = host_agency_id
    while current is not None and current not in above:
        above.add(current)
        current = parents.get(current)
    return [o for o in overrides if o.agency_id is None or o.agency_id in above]


def national(overrides: Iterable[HolidayOverride]) -> list[HolidayOverride]:
    return [o for o in overrides if o.agency_id is None]


def national_days_off(
    years: Iterable[int], *, include_cuti_bersama: bool = True
) -> dict[date, str]:
    """National public holidays of ``years`` with their Indonesian names.

    With ``include_cuti_bersama`` (the default) the cuti bersama days are days off too: for
    2026 that is 17 holidays and 8 cuti bersama days. Two holidays on one day share one entry
    whose name joins both.
    """
    return dict(_national(tuple(sorted(set(years))), include_cuti_bersama))


@functools.lru_cache(maxsize=64)
def _national(years: tuple[int, ...], include_cuti_bersama: bool) -> tuple[tuple[date, str], ...]:
    """The package's calendar, computed once per set of years: planning many cases (an
    import of a thousand) asks for the same years over and over."""
    import holidays  # 3 MB and two dozen modules: loaded by the first plan, not at start

    categories = (PUBLIC, CUTI_BERSAMA) if include_cuti_bersama else (PUBLIC,)
    calendar = holidays.country_holidays(
        COUNTRY, years=list(years), categories=categories, language=LANGUAGE
    )
    return tuple(sorted(calendar.items()))


def apply_overrides(
    national: dict[date, str], overrides: Iterable[HolidayOverride]
) -> dict[date, str]:
    """``national`` with ``overrides`` applied in order, so a later one for a day wins."""
    result = dict(national)
    for override in overrides:
        if override.off:
            result[override.day] = override.name
        else:
            result.pop(override.day, None)
    return dict(sorted(result.items()))


def days_off(
    years: Iterable[int],
    overrides: Iterable[HolidayOverride],
    *,
    include_cuti_bersama: bool = True,
) -> dict[date, str]:
    """The days on which no session is planned: the national days with the overrides applied.

    Overrides may name days outside ``years``: an added day is kept (the caller asked for it),
    a removed day that was never off changes nothing.
    """
    national = national_days_off(years, include_cuti_bersama=include_cuti_bersama)
    return apply_overrides(national, overrides)

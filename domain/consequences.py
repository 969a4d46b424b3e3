"""KUHP Pasal 85 ayat (7): what follows when the work is not done without a valid reason.

The ayat: if the offender, *tanpa alasan yang sah*, does not carry out all or part of the
kerja sosial, the decision orders that they (a) repeat all or part of it, (b) serve all or
part of the prison term it replaced, or (c) pay all or part of the fine it replaced (or serve
prison in lieu of the fine unpaid). The decision names one; the jaksa carries it out.

The numbers of that step live here, beside ``domain.law``'s:

- a case's violations: absences ruled *tidak sah*, and days the pengawas sent the offender
  home for behaviour;
- written warnings come in two levels, teguran I and II;
- "part of" the replaced sentence is proportional to the hours outstanding: the basis of the
  calculation is stated with the result, and the jaksa confirms how it is rounded. A month
  counts 30 days (as KUHP 1946 Pasal 97 defined it); a fine is in whole rupiah;
- a case is at risk when what is still planned cannot reach its hours, or it has two
  violations.
"""

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from domain.cases import Consequence

#: Two violations make a case at risk, whatever its hours.
VIOLATIONS_AT_RISK = 2
#: Teguran I, then teguran II; there is no third.
WARNING_LEVELS = (1, 2)
DAYS_PER_MONTH = 30
REASON_MIN, REASON_MAX = 3, 300


def violations(invalid_absences: int, sent_home_for_behaviour: int) -> int:
    """Each absence ruled *tidak sah*, and each day sent home for behaviour, is one."""
    return invalid_absences + sent_home_for_behaviour


def next_warning_level(given: int) -> int | None:
    """The level of the next teguran after ``given`` of them; None after teguran II."""
    following = given + 1
    return following if following in WARNING_LEVELS else None


def ordered_steps(consequence: Consequence) -> tuple[str, ...]:
    """What the jaksa may do after a *tidak sah*: a warning always, and the one consequence
    the decision ordered (ayat 7 a, b or c), never another."""
    if consequence is Consequence.REPEAT:
        return ("teguran", "ulang")
    return ("teguran", "pengganti")


class Risk(StrEnum):
    CANNOT_REACH = "cannot_reach"  # what is still planned cannot reach the hours
    VIOLATIONS = "violations"  # two violations or more


def risks(
    *, remaining_minutes: int, planned_ahead_minutes: int, violation_count: int
) -> list[Risk]:
    """Why an active case is at risk, if it is; an empty list if it is not."""
    found = []
    if remaining_minutes > planned_ahead_minutes:
        found.append(Risk.CANNOT_REACH)
    if violation_count >= VIOLATIONS_AT_RISK:
        found.append(Risk.VIOLATIONS)
    return found


def shortfall_minutes(remaining_minutes: int, planned_ahead_minutes: int) -> int:
    """Hours still owed that no planned session holds: a lost session not yet replaced."""
    return max(0, remaining_minutes - planned_ahead_minutes)


# -- the replaced sentence, and its part ----------------------------------------------------


class Unit(StrEnum):
    DAYS = "hari"  # prison, counted in days
    RUPIAH = "rupiah"  # a fine


@dataclass(frozen=True)
class Penalty:
    """The replaced sentence as a number: prison in days, or a fine in rupiah."""

    amount: int
    unit: Unit
    months: int | None = None  # as the decision said it, when it said months

    @property
    def consequence(self) -> Consequence:
        return Consequence.PRISON if self.unit is Unit.DAYS else Consequence.FINE


_MONEY = re.compile(r"rp\.?\s*([\d.,]+)\s*(juta|jt|ribu|rb)?", re.IGNORECASE)
_DURATION = re.compile(r"(\d{1,3})\s*(bulan|bln|hari|month|months|days?)\b", re.IGNORECASE)
_SCALE = {"juta": 1_000_000, "jt": 1_000_000, "ribu": 1_000, "rb": 1_000}


def parse_penalty(text: str) -> Penalty | None:
    """ "3 bulan penjara", "45 hari", "denda Rp5.000.000", "Rp 2,5 juta"; None otherwise.

    Months become days at 30 a month; a sentence of months and days ("2 bulan 15 hari")
    adds them up.
    """
    if money := _MONEY.search(text):
        digits, scale = money.group(1), money.group(2)
        if scale:
            value = Fraction(digits.replace(".", "").replace(",", ".")) * _SCALE[scale.lower()]
        else:
            value = Fraction(re.sub(r"[.,](?=\d{3}\b)", "", digits).replace(",", "."))
        return Penalty(math.floor(value), Unit.RUPIAH) if value >= 1 else None
    days = months = 0
    for number, unit in _DURATION.findall(text):
        if unit.lower().startswith(("bulan", "bln", "month")):
            months += int(number)
        else:
            days += int(number)
    total = months * DAYS_PER_MONTH + days
    if total <= 0:
        return None
    return Penalty(total, Unit.DAYS, months=months or None)


@dataclass(frozen=True)
class Part:
    """The part of the replaced sentence that corresponds to the hours outstanding."""

    penalty: Penalty
    outstanding_minutes: int
    total_minutes: int
    exact: Fraction

    @property
    def down(self) -> int:
        return math.floor(self.exact)

    @property
    def up(self) -> int:
        return math.ceil(self.exact)

    @property
    def percent(self) -> Fraction:
        return Fraction(self.outstanding_minutes * 100, self.total_minutes)


def proportional_part(penalty: Penalty, *, outstanding_minutes: int, total_minutes: int) -> Part:
    """ayat (7) b and c, "all or part": the replaced sentence times the hours outstanding
    over the hours ordered. All of it when nothing was credited; none when nothing is
    outstanding."""
    if total_minutes <= 0:
        raise ValueError("a sentence has hours")
    outstanding = min(max(outstanding_minutes, 0), total_minutes)
    exact = Fraction(penalty.amount * outstanding, total_minutes)
    return Part(penalty, outstanding, total_minutes, exact)

"""The hours ledger: how many minutes of kerja sosial an offender has worked off.

Attendance is kept as append-only events (the pengawas checks in and out, a jaksa corrects or
voids a record later). Nothing is ever edited in place: ``fold`` turns the events into one
record per attendance, and ``compute_ledger`` turns the records into credited minutes. Both are
recomputed from scratch every time, so a correction anywhere in the past simply shows up in the
next ledger, and an audit can replay how any number came about.

All instants are aware datetimes; the local calendar day, which the daily cap of KUHP Pasal 85
ayat (5) counts on, is read in the case's zone (``Asia/Makassar`` and so on).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain import law
from domain.models import Case

CAPPED_DAILY = "daily"
CAPPED_TOTAL = "total"


class EventKind(StrEnum):
    CHECK_IN = "check_in"  # opens attendance ``attendance_id`` at ``start``
    CHECK_OUT = "check_out"  # closes it at ``end`` (manual=True when typed by hand)
    BREAK = "break"  # adds ``break_minutes`` to it
    CORRECTION = "correction"  # new start and/or end and/or break_minutes (None = unchanged)
    VOID = "void"  # the record does not count (entered for the wrong person, say)


@dataclass(frozen=True)
class AttendanceEvent:
    """One appended fact about an attendance. ``seq`` is the global append order."""

    seq: int
    attendance_id: int
    kind: EventKind
    start: datetime | None = None
    end: datetime | None = None
    break_minutes: int | None = None
    manual: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class AttendanceRecord:
    """One attendance after folding its events. ``end`` is None while it is still open."""

    id: int
    start: datetime
    end: datetime | None
    break_minutes: int
    manual: bool  # the end (or a correction) was entered by hand
    corrected: bool
    void: bool


def fold(events: Iterable[AttendanceEvent]) -> list[AttendanceRecord]:
    """Fold events, in ``seq`` order, into records, listed in the order they were checked in.

    Later events win: a second check-out or a correction replaces the end. Ignored, because they
    cannot be applied to anything: events for an id that has no CHECK_IN before them, a second
    CHECK_IN for the same id, a CHECK_IN without ``start``, a CHECK_OUT without ``end``, and a
    negative break. A VOID stays void whatever comes after it: there is no un-void event, a
    mistaken record is entered again under a new id.
    """
    # Mutable state per record while folding (start, end, break, manual, corrected, void):
    # a case can have hundreds of events, and a digest folds thousands of cases.
    state: dict[int, list[Any]] = {}
    for event in sorted(events, key=lambda e: e.seq):
        aid, kind = event.attendance_id, event.kind
        if kind is EventKind.CHECK_IN:
            if aid not in state and event.start is not None:
                state[aid] = [event.start, None, 0, False, False, False]
            continue
        record = state.get(aid)
        if record is None:
            continue
        breaks = event.break_minutes
        if kind is EventKind.CHECK_OUT:
            if event.end is not None:
                record[1] = event.end
                record[3] = record[3] or event.manual
        elif kind is EventKind.BREAK:
            if breaks is not None and breaks >= 0:
                record[2] += breaks
        elif kind is EventKind.CORRECTION:
            if event.start is not None:
                record[0] = event.start
            if event.end is not None:
                record[1] = event.end
            if breaks is not None and breaks >= 0:
                record[2] = breaks
            record[3] = record[4] = True
        elif kind is EventKind.VOID:
            record[5] = True
    return [
        AttendanceRecord(
            id=aid,
            start=start,
            end=end,
            break_minutes=break_minutes,
            manual=manual,
            corrected=corrected,
            void=void,
        )
        for aid, (start, end, break_minutes, manual, corrected, void) in state.items()
    ]


@dataclass(frozen=True)
class Credit:
    """The part of one attendance that fell on one local calendar day, and what it earned."""

    attendance_id: int
    day: date  # local calendar day
    raw_minutes: int  # worked that day: end - start - break, whole minutes (floor), never < 0
    credited_minutes: int  # after the caps
    capped_by: str | None  # None, "daily" (hours per day / 8 hours) or "total" (the case is full)


@dataclass(frozen=True)
class Ledger:
    credits: tuple[Credit, ...]  # in the order they were credited: by start, then id, then day
    credited_minutes: int
    total_minutes: int  # hours_total * 60
    remaining_minutes: int
    open_attendance_ids: tuple[int, ...]  # checked in, not yet out, not void; sorted

    @property
    def completed(self) -> bool:
        return self.credited_minutes == self.total_minutes

    def minutes_on(self, day: date) -> int:
        """Minutes credited on one local calendar day, over all sessions."""
        return sum(c.credited_minutes for c in self.credits if c.day == day)


def _aware_utc(moment: datetime, record_id: int) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"attendance {record_id}: naive datetime {moment.isoformat()}")
    return moment.astimezone(UTC)


def _day_parts(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[date, timedelta]]:
    """Split [start, end) at local midnights: (local day, length of the part on that day).

    ``end <= start`` gives one empty part on the start's day, so the record still shows up.
    """
    day = start.astimezone(zone).date()
    if end <= start:
        return [(day, timedelta(0))]
    if end.astimezone(zone).date() == day and end - start < timedelta(days=1):
        return [(day, end - start)]  # the usual case: a session within one local day
    parts: list[tuple[date, timedelta]] = []
    cursor = start
    while cursor < end:
        next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        part_end = min(end, next_midnight.astimezone(UTC))
        parts.append((day, part_end - cursor))
        cursor = part_end
        day = cursor.astimezone(zone).date()
    return parts


def compute_ledger(
    records: Iterable[AttendanceRecord], *, hours_total: int, hours_per_day: int, zone: str
) -> Ledger:
    """Credit the attendance records of one case under KUHP Pasal 85.

    The rule, and why:

    - A record earns ``end - start - break`` in whole minutes (floor: a part of a minute is not
      a minute worked), never less than zero, so a break longer than the span or an end at or
      before the start earns 0.
    - Nothing is credited while a record is open (no end yet: the hours are not done until the
      pengawas checks the offender out) and a void record earns nothing.
    - Ayat (5) allows at most 8 hours of work in one day, and ayat (6) lets the decision set
      fewer hours per day. Both are one number, ``law.daily_cap_minutes(hours_per_day)``, and
      it caps the sum of every session of the offender on one *local* calendar day (the day the
      offender lives in, not the UTC day). A record that crosses local midnight is split there
      and each part is capped on its own day, one ``Credit`` per (record, day). A break is taken
      out of the earliest part first: when it was taken is not recorded, and each part's minutes
      are floored on their own so no day is ever given more than was worked on it.
    - Ayat (4) fixes the total, so nothing beyond ``hours_total * 60`` is ever credited.
    - Records are credited in order of start (ties by id), so which session the caps bite on is
      fixed by time alone and the ledger is the same whatever order the records come in.

    ``capped_by`` is "total" when the case's remaining minutes were what held a part back (the
    most final reason), otherwise "daily" when the day's cap was, otherwise None.
    """
    if hours_total < 0 or hours_per_day < 0:
        raise ValueError("hours_total and hours_per_day must not be negative")
    tz = ZoneInfo(zone)
    daily_cap = law.daily_cap_minutes(hours_per_day)
    total = hours_total * 60

    seen: set[int] = set()
    closed: list[tuple[datetime, int, datetime, int]] = []
    open_ids: list[int] = []
    for record in records:
        if record.id in seen:
            raise ValueError(f"attendance {record.id} given twice")
        seen.add(record.id)
        if record.void:
            continue
        start = _aware_utc(record.start, record.id)
        if record.end is None:
            open_ids.append(record.id)
            continue
        end = _aware_utc(record.end, record.id)
        closed.append((start, record.id, end, max(0, record.break_minutes)))
    closed.sort(key=lambda row: (row[0], row[1]))

    used_on: dict[date, int] = {}
    credited = 0
    credits: list[Credit] = []
    for start, record_id, end, break_minutes in closed:
        break_left = timedelta(minutes=break_minutes)
        for day, length in _day_parts(start, end, tz):
            taken = min(break_left, length)
            break_left -= taken
            raw = (length - taken) // timedelta(minutes=1)
            within_day = min(raw, max(0, daily_cap - used_on.get(day, 0)))
            earned = min(within_day, total - credited)
            capped_by: str | None = None
            if earned < within_day:
                capped_by = CAPPED_TOTAL
            elif earned < raw:
                capped_by = CAPPED_TOTAL if earned == total - credited else CAPPED_DAILY
            used_on[day] = used_on.get(day, 0) + earned
            credited += earned
            credits.append(Credit(record_id, day, raw, earned, capped_by))

    return Ledger(
        credits=tuple(credits),
        credited_minutes=credited,
        total_minutes=total,
        remaining_minutes=total - credited,
        open_attendance_ids=tuple(sorted(open_ids)),
    )


def ledger_of_case(case: Case, zone: str, events: Iterable[AttendanceEvent]) -> Ledger:
    """A case's ledger from its attendance events, under its decision's hours, in its site's
    zone."""
    return compute_ledger(
        fold(events), hours_total=case.hours_total, hours_per_day=case.hours_per_day, zone=zone
    )


def minutes_by_day(ledger: Ledger) -> dict[date, int]:
    """Minutes credited on each local day the case has attendance on (zero days included)."""
    days: dict[date, int] = {}
    for credit in ledger.credits:
        days[credit.day] = days.get(credit.day, 0) + credit.credited_minutes
    return days


def credit_for(ledger: Ledger, attendance_id: int) -> int:
    """Minutes one attendance earned, over every day it touched (for the check-out reply)."""
    return sum(c.credited_minutes for c in ledger.credits if c.attendance_id == attendance_id)

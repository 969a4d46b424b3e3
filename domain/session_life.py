"""A session has one state at a time, and only some steps lead on from each.

planned → cancelled, or moved (still planned, another day) → in progress (checked in) →
attended (checked out); or planned → absent (reported) → absent, ruled *sah* or *tidak sah*;
or planned → excused (the offender's leave, once ruled *sah*); a ruling can be changed
later, with a reason. The jaksa's corrections are
steps too: an attendance record is corrected or voided, and an absence (ruled or not) is
withdrawn and becomes attendance. Every use case that changes a session asks :func:`allows`
first, so the record never says both "attended" and "absent" for one session, and a refusal
can say what the session is now.
"""

from dataclasses import dataclass
from enum import StrEnum


class Life(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    IN_PROGRESS = "in_progress"
    ATTENDED = "attended"
    ABSENT = "absent"  # reported, not ruled yet
    ABSENT_VALID = "absent_valid"  # ruled sah (an excused leave among them)
    ABSENT_INVALID = "absent_invalid"  # ruled tidak sah: the consequence follows


class Step(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    REPORT_ABSENCE = "report_absence"
    ASK_LEAVE = "ask_leave"
    MOVE = "move"
    CANCEL = "cancel"
    RULE = "rule"  # the jaksa rules a reported absence sah or tidak sah, once
    CORRECT_ATTENDANCE = "correct_attendance"  # the jaksa sets a record's times
    VOID_ATTENDANCE = "void_attendance"  # the jaksa voids a record entered by mistake
    CORRECT_ABSENCE = "correct_absence"  # the jaksa withdraws an absence: attended after all
    CHANGE_RULING = "change_ruling"  # the jaksa turns a ruling around, with a reason


@dataclass(frozen=True)
class Facts:
    """What the record holds about one session (or one case's day, when no session was
    planned that day)."""

    cancelled: bool = False
    checked_in: bool = False
    checked_out: bool = False
    absence_ruling: str | None = None  # "sah", "tidak_sah", or "pending" when unruled
    absent: bool = False  # an absence stands: reported and not withdrawn by a correction


def life_of(facts: Facts) -> Life:
    if facts.cancelled:
        return Life.CANCELLED
    if facts.checked_in:
        return Life.ATTENDED if facts.checked_out else Life.IN_PROGRESS
    if facts.absent:
        if facts.absence_ruling == "sah":
            return Life.ABSENT_VALID
        if facts.absence_ruling == "tidak_sah":
            return Life.ABSENT_INVALID
        return Life.ABSENT
    return Life.PLANNED


_CORRECTIONS = frozenset({Step.CORRECT_ATTENDANCE, Step.VOID_ATTENDANCE})
_ABSENCE_CORRECTION = frozenset({Step.CORRECT_ABSENCE})
_RULED = _ABSENCE_CORRECTION | {Step.CHANGE_RULING}

_ALLOWED: dict[Life, frozenset[Step]] = {
    Life.PLANNED: frozenset(
        {Step.CHECK_IN, Step.REPORT_ABSENCE, Step.ASK_LEAVE, Step.MOVE, Step.CANCEL}
    ),
    # Checked in: only the check-out, and the jaksa's correction of a mistaken record.
    Life.IN_PROGRESS: frozenset({Step.CHECK_OUT}) | _CORRECTIONS,
    # A second stretch the same day (checked out too early, back after lunch): the daily
    # cap still holds in the ledger.
    Life.ATTENDED: frozenset({Step.CHECK_IN}) | _CORRECTIONS,
    Life.CANCELLED: frozenset(),
    # An absence stands until the jaksa rules it, or corrects it into attendance; it is not
    # overwritten by a check-in. It is ruled once.
    # The other side's report of a day still waiting for the jaksa (the pengawas's beside
    # the offender's) is kept beside it; a ruled, excused or cancelled day takes none.
    Life.ABSENT: frozenset({Step.RULE, Step.REPORT_ABSENCE}) | _ABSENCE_CORRECTION,
    # A ruling stands until the jaksa changes it, saying why (the old one is kept).
    Life.ABSENT_VALID: _RULED,
    Life.ABSENT_INVALID: _RULED,
}


def allows(life: Life, step: Step) -> bool:
    return step in _ALLOWED[life]

"""A session has one state at a time, and only some steps lead on from each.

planned → cancelled, or moved (still planned, another day) → in progress (checked in) →
attended (checked out); or planned → absent (reported) → absent, ruled *sah* or *tidak sah*;
or planned → excused (the offender's leave, once ruled *sah*). Every use case that changes a
session asks :func:`allows` first, so the record never says both "attended" and "absent"
for one session, and a refusal can say what the session is now.
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


@dataclass(frozen=True)
class Facts:
    """What the record holds about one session (or one case's day, when no session was
    planned that day)."""

    cancelled: bool = False
    checked_in: bool = False
    checked_out: bool = False
    absence_ruling: str | None = None  # "sah", "tidak_sah", or "pending" when unruled
    absent: bool = False


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


_ALLOWED: dict[Life, frozenset[Step]] = {
    Life.PLANNED: frozenset(
        {Step.CHECK_IN, Step.REPORT_ABSENCE, Step.ASK_LEAVE, Step.MOVE, Step.CANCEL}
    ),
    # Checked in: only the check-out. A mistaken record is the jaksa's to correct.
    Life.IN_PROGRESS: frozenset({Step.CHECK_OUT}),
    # A second stretch the same day (checked out too early, back after lunch): the daily
    # cap still holds in the ledger.
    Life.ATTENDED: frozenset({Step.CHECK_IN}),
    Life.CANCELLED: frozenset(),
    # An absence stands until the jaksa corrects it; it is not overwritten by a check-in.
    Life.ABSENT: frozenset(),
    Life.ABSENT_VALID: frozenset(),
    Life.ABSENT_INVALID: frozenset(),
}


def allows(life: Life, step: Step) -> bool:
    return step in _ALLOWED[life]

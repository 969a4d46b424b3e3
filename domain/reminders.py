"""Which reminders are due, and when: the pure planner of the outbox.

Given ``now`` and the upcoming sessions, it names every message with a key that is unique
for what it is about (``remind:offender:<session>:evening``); the outbox stores each key
once, so running the planner again, after a restart or every few minutes, changes nothing.
Times are the site's local times: 19.00 the evening before means 19.00 WITA at a WITA site.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    language_code: str | None


@dataclass(frozen=True)
class SessionFacts:
    """One planned session with everything a reminder about it needs."""

    session_id: int
    case_id: int
    case_code: str
    site_id: int
    site_name: str
    timezone: str
    day: date
    starts_at: datetime
    ends_at: datetime
    offender: Recipient | None
    offender_name: str
    supervisors: tuple[Recipient, ...] = ()
    site_address: str = ""
    site_latitude: float | None = None
    site_longitude: float | None = None


@dataclass(frozen=True)
class ReminderSettings:
    evening_at: time = time(19, 0)
    before: timedelta = timedelta(hours=2)
    supervisor_list_at: time = time(6, 30)


class Kind:
    OFFENDER_EVENING = "remind.offender.evening"
    OFFENDER_BEFORE = "remind.offender.before"
    SUPERVISOR_DAY = "remind.supervisor.day"


@dataclass(frozen=True)
class Due:
    dedupe_key: str
    kind: str
    recipient: Recipient
    due_at: datetime
    sessions: tuple[SessionFacts, ...] = field(default_factory=tuple)


def _local(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


def plan_reminders(
    sessions: Iterable[SessionFacts],
    *,
    now: datetime,
    days_off: Collection[date],
    settings: ReminderSettings = ReminderSettings(),
) -> list[Due]:
    """Every reminder for these sessions that is still useful at ``now``.

    A reminder whose moment has passed is planned for ``now`` if it can still help (the
    evening reminder of a session planned late in the evening), and not at all otherwise.
    Nothing is planned for a session on a day off or one that has started.
    """
    planned: list[Due] = []
    by_site_day: dict[tuple[int, date], list[SessionFacts]] = {}
    for session in sessions:
        if session.day in days_off or session.starts_at <= now:
            continue
        by_site_day.setdefault((session.site_id, session.day), []).append(session)
        if session.offender is None:
            continue
        before = session.starts_at - settings.before
        evening = _local(session.day - timedelta(days=1), settings.evening_at, session.timezone)
        if now < before and evening < before:
            # Planned after 19.00 for tomorrow morning: the evening reminder goes at once.
            planned.append(
                Due(
                    f"remind:offender:{session.session_id}:evening",
                    Kind.OFFENDER_EVENING,
                    session.offender,
                    max(evening, now),
                    (session,),
                )
            )
        planned.append(
            Due(
                f"remind:offender:{session.session_id}:before",
                Kind.OFFENDER_BEFORE,
                session.offender,
                max(before, now),
                (session,),
            )
        )
    for (site_id, day), site_sessions in sorted(by_site_day.items(), key=lambda kv: kv[0]):
        first = site_sessions[0]
        due = _local(day, settings.supervisor_list_at, first.timezone)
        starts = min(s.starts_at for s in site_sessions)
        if due >= starts:
            continue
        for supervisor in first.supervisors:
            planned.append(
                Due(
                    f"remind:supervisor:{site_id}:{day.isoformat()}:{supervisor.person_id}",
                    Kind.SUPERVISOR_DAY,
                    supervisor,
                    max(due, now),
                    tuple(sorted(site_sessions, key=lambda s: s.starts_at)),
                )
            )
    return planned


ABSENT_AFTER = timedelta(minutes=30)
CHECKOUT_AFTER = timedelta(minutes=60)
FOLLOWUP_WINDOW = timedelta(minutes=25)


class FollowUp:
    NOT_CHECKED_IN = "followup.not_checked_in"
    OPEN_CHECKOUT = "followup.open_checkout"


def plan_followups(
    sessions: Iterable[SessionFacts],
    *,
    now: datetime,
    checked_in: Collection[int],
    still_open: Collection[int],
) -> list[Due]:
    """What a supervisor must look at now: who has not checked in 30 minutes after the start,
    whose check-out is still open 60 minutes after the planned end.

    Planned when due, from the state at that moment (``checked_in`` and ``still_open`` are
    case ids), one message per site, start time and supervisor. A follow-up whose moment
    passed more than the window ago is not worth sending.
    """
    groups: dict[tuple[str, int, datetime, int], list[SessionFacts]] = {}
    for session in sessions:
        checks = (
            (
                FollowUp.NOT_CHECKED_IN,
                session.starts_at + ABSENT_AFTER,
                session.case_id not in checked_in,
            ),
            (
                FollowUp.OPEN_CHECKOUT,
                session.ends_at + CHECKOUT_AFTER,
                session.case_id in still_open,
            ),
        )
        for kind, moment, applies in checks:
            if applies and timedelta(0) <= now - moment < FOLLOWUP_WINDOW:
                for supervisor in session.supervisors:
                    key = (kind, session.site_id, moment, supervisor.person_id)
                    groups.setdefault(key, []).append(session)
    planned = []
    for (kind, site_id, moment, person_id), items in sorted(
        groups.items(), key=lambda kv: kv[0][2]
    ):
        supervisor = next(s for s in items[0].supervisors if s.person_id == person_id)
        planned.append(
            Due(
                f"{kind}:{site_id}:{moment.isoformat()}:{person_id}",
                kind,
                supervisor,
                now,
                tuple(items),
            )
        )
    return planned

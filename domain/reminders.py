"""Which reminders are due, and when: the pure planner of the outbox.

Given ``now`` and the upcoming sessions, it names every message with a key that is unique
for what it is about (``remind:offender:<session>@<start>:evening``); the outbox stores each
key once, so running the planner again, after a restart or every few minutes, changes nothing.
The key names the session at its planned time, so a moved session is reminded afresh, and
``still_stands`` lets the dispatcher withdraw what a move, a cancellation, a check-in or an
absence has made untrue.
Times are the site's local times: 19.00 the evening before means 19.00 WITA at a WITA site.
"""

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    language_code: str | None


#: How an offender is reached (``SessionFacts.channel``): their own Telegram chat, or a call
#: from their PK (``services.reach``). Another channel (SMS, WhatsApp) is another name here
#: and another class there; the planner below does not change.
TELEGRAM = "telegram"
PHONE_CALL = "phone"


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
    channel: str = TELEGRAM
    #: Who reaches the offender for us when the channel is not their own chat (the PK, or
    #: the jaksa when the case has none): the offender's reminders are addressed to them.
    caller: Recipient | None = None

    @property
    def addressee(self) -> Recipient | None:
        """Who the offender's reminders go to: their chat, or the caller on their behalf."""
        return self.offender if self.channel == TELEGRAM else self.caller


@dataclass(frozen=True)
class ReminderSettings:
    evening_at: time = time(19, 0)
    before: timedelta = timedelta(hours=2)
    supervisor_list_at: time = time(6, 30)


class Kind:
    OFFENDER_EVENING = "remind.offender.evening"
    OFFENDER_BEFORE = "remind.offender.before"
    SUPERVISOR_DAY = "remind.supervisor.day"
    #: The evening's calls to make, to a PK (or jaksa) for offenders without Telegram.
    CALL_LIST = "remind.call_list"


@dataclass(frozen=True)
class Due:
    dedupe_key: str
    kind: str
    recipient: Recipient
    due_at: datetime
    sessions: tuple[SessionFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SessionNow:
    """What a session is at the moment a reminder about it would go out."""

    starts_at: datetime | None  # None: cancelled, or no longer there
    attended: bool = False  # someone checked the offender in for it
    excused: bool = False  # an absence is already recorded for its day


#: Reminders that speak to the offender about one session of theirs.
OFFENDER_KINDS = frozenset({"remind.offender.evening", "remind.offender.before"})


def still_stands(
    kind: str, about: Sequence[tuple[int, datetime]], sessions: Mapping[int, SessionNow]
) -> bool:
    """Whether a planned reminder still tells the truth: every session it names is planned
    at the time it names. An offender's reminder is pointless once they are checked in or
    their absence is recorded. A reminder that fails this is withdrawn, and the planner
    writes a new one (with a new key) for what the session is now.
    """
    for session_id, starts_at in about:
        current = sessions.get(session_id)
        if current is None or current.starts_at != starts_at:
            return False
        if kind in OFFENDER_KINDS and (current.attended or current.excused):
            return False
    return True


def _stamp(session: SessionFacts) -> str:
    """A session at its planned time: a moved session is a new subject for reminders."""
    return f"{session.session_id}@{session.starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def _fingerprint(sessions: Iterable[SessionFacts]) -> str:
    stamps = ",".join(sorted(_stamp(s) for s in sessions))
    return hashlib.sha256(stamps.encode()).hexdigest()[:12]


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
        addressee = session.addressee
        if addressee is None:
            continue
        before = session.starts_at - settings.before
        evening = _local(session.day - timedelta(days=1), settings.evening_at, session.timezone)
        if (
            now < before
            and evening < before
            and now.astimezone(ZoneInfo(session.timezone)).date() < session.day
        ):
            # Planned after 19.00 for tomorrow morning: the evening reminder goes at once;
            # never on the day itself, which it would call "tomorrow".
            planned.append(
                Due(
                    f"remind:offender:{_stamp(session)}:evening",
                    Kind.OFFENDER_EVENING,
                    addressee,
                    max(evening, now),
                    (session,),
                )
            )
        planned.append(
            Due(
                f"remind:offender:{_stamp(session)}:before",
                Kind.OFFENDER_BEFORE,
                addressee,
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
        # The list names these sessions at these times: if one moves, it is a new list.
        listed = _fingerprint(site_sessions)
        for supervisor in first.supervisors:
            planned.append(
                Due(
                    f"remind:supervisor:{site_id}:{day.isoformat()}:{listed}:{supervisor.person_id}",
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

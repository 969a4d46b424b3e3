"""One life per session (issue 12), as a property over random days of work on a site.

Random sequences of the use cases that change a session (check-in, check-out, the
pengawas's absence report, the offender's leave, the jaksa's ruling, moving and cancelling a
session, the corrections) run against a real database, with a clock the test moves between
them; the outbox is planned and dispatched to the fake Bot API as the scheduler would, at
every moment something falls due. Throughout:

1. every case's day has exactly one life (``services.sessions.life_on``), and it agrees with
   what the record holds; a use case goes ahead only where the session's life allows its
   step, and a refused one writes nothing;
2. no reminder goes out for a session that, at the moment it is sent, is no longer planned
   at the time it names, nor (an offender's reminder) one already checked in or excused;
3. the weekly digest, ``/progres``'s figures and the month's .xlsx give a case the same
   credited hours, those of its ledger recomputed from the events, within the law's caps.

Each example builds its own database and fake Bot API (function-scoped fixtures are not
reset between hypothesis examples), under ``asyncio.run``; "now" starts at the suite's
instant (``tests.clock``), never the machine's. About 25 s for 50 examples;
``pytest --hypothesis-show-statistics`` shows which steps went ahead and were refused.

What it found is at the end of the module, each as its smallest story, all mended since: A
(the pengawas's absence report did not ask the session's life), B (a check-out after
midnight credited a day whose life ignored it), C (a reminder for a session moved onto a day
the offender was already checked in) and D (the "tomorrow" reminder sent on the day itself).
A defect found later can be let through the random runs by its letter
(``World.tolerated``, empty now) while its story is marked ``xfail(strict=True)``.
"""

import asyncio
import io
import json
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import telegram
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from domain import law
from domain.actor import Actor
from domain.cases import CaseDraft, CaseStatus, CaseTerms, Consequence
from domain.digest import reported_week
from domain.ledger import AttendanceEvent, EventKind, Ledger, compute_ledger, fold, minutes_by_day
from domain.models import Case, Site
from domain.roles import Role
from domain.session_life import Life, Step, allows
from domain.sites import SiteDraft
from scheduler.dispatcher import dispatch
from scheduler.planning import plan_outbox
from services import (
    absences,
    attendance,
    consequences,
    corrections,
    digest,
    reports,
    rescheduling,
    sessions,
)
from services.attendance import Message, Photo
from services.cases import create_case
from services.figures import figures_of
from services.origin import Origin
from storage.db import Database
from tests.clock import Clock, suite_now, working_days
from tests.fakebot.fixtures import make_bot
from tests.fakebot.server import FakeBotApi
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_office
from texts import Texts
from texts.formatting import hour_tenths

ZONE = "Asia/Makassar"
PENGAWAS = 777
OFFENDERS = (881, 882)
REMINDER_KINDS = ("remind.offender.evening", "remind.offender.before", "remind.supervisor.day")
OFFENDER_KINDS = ("remind.offender.evening", "remind.offender.before")
ABSENT_LIVES = (Life.ABSENT, Life.ABSENT_VALID, Life.ABSENT_INVALID)

# -- the random work ------------------------------------------------------------------------

#: Local times a step may be taken at, around a session from 08.00: before the 06.00
#: reminder, after the 06.30 list, just before and after the start, during, after the end,
#: the evening reminder at 19.00, late at night.
ANCHORS = (
    time(5, 0),
    time(6, 40),
    time(7, 55),
    time(8, 20),
    time(9, 45),
    time(11, 0),
    time(13, 0),
    time(19, 5),
    time(22, 0),
)
ACTIONS = (
    "wait",  # nobody acts: the clock moves on
    "check_in",
    "check_out",
    "flag",
    "leave",
    "rule",
    "change_ruling",
    "move",
    "cancel",
    "correct",
    "void",
    "absence_to_attendance",
)


@dataclass(frozen=True)
class Move:
    """One step: move the clock (to the next ``at`` local time, or by ``by``), then act."""

    at: time | None
    by: timedelta | None
    action: str
    case: int
    pick: int  # which session, record or absence (modulo how many there are)
    detail: int  # a day offset, a time of day, a duration
    flag: bool  # valid or not, by hand or with a photo, a break or none


moves = st.builds(
    Move,
    at=st.one_of(st.none(), st.sampled_from(ANCHORS)),
    by=st.sampled_from([timedelta(minutes=20), timedelta(hours=1), timedelta(hours=3)]),
    # The day's ordinary work (in and out) comes up more often than the jaksa's changes.
    action=st.sampled_from((*ACTIONS, "check_in", "check_out", "check_out", "flag", "rule")),
    case=st.integers(0, len(OFFENDERS) - 1),
    pick=st.integers(0, 12),
    detail=st.integers(0, 11),
    flag=st.booleans(),
)


@dataclass(frozen=True)
class Plan:
    """The cases' decisions: a few sessions each, on some weekdays, so some days are free."""

    hours_total: tuple[int, ...]
    hours_per_day: tuple[int, ...]
    weekdays: tuple[frozenset[int], ...]


plans = st.builds(
    Plan,
    hours_total=st.tuples(*(st.sampled_from([8, 10, 12]) for _ in OFFENDERS)),
    hours_per_day=st.tuples(*(st.sampled_from([2, 3]) for _ in OFFENDERS)),
    weekdays=st.tuples(
        *(st.frozensets(st.integers(0, 6), min_size=2, max_size=5) for _ in OFFENDERS)
    ),
)


# -- the world ------------------------------------------------------------------------------


@dataclass
class World:
    db: Database
    fake: FakeBotApi | None  # None where nothing is sent
    bot: telegram.Bot | None
    clock: Clock
    site: Site
    case_ids: list[int]
    jaksa: Actor
    pengawas: Actor
    offenders: list[Actor]
    #: The bugs this property found (each with its own failing story at the end of the
    #: module) are let pass in the random runs, so that the property guards everything else
    #: on every date; the xfail stories fail the suite the day a fix lands.
    tolerated: frozenset[str] = frozenset()
    messages: int = 0
    #: Every reminder the fake received, with what the record said at that moment.
    reminders_sent: int = 0

    def message(self, chat_id: int) -> Message:
        self.messages += 1
        return Message(chat_id, self.messages, self.clock.now)

    def photo(self) -> Photo:
        self.messages += 1
        return Photo(f"file-{self.messages}", f"unique-{self.messages}", 1000)

    def origin(self, actor: Actor) -> Origin:
        return Origin(self.db, actor, self.clock.now)

    def today(self) -> date:
        return self.clock.now.astimezone(ZoneInfo(ZONE)).date()

    async def case(self, index: int) -> Case:
        found = await self.db.reader().cases.get(self.case_ids[index])
        assert found is not None
        return found


async def _person(db: Database, telegram_user_id: int, name: str, role: Role, agency: int) -> int:
    async with db.transaction() as store:
        person = await store.people.ensure(
            telegram_user_id=telegram_user_id, full_name=name, language_code="id", now=_now()
        )
        await store.people.add_membership(
            person_id=person.id, agency_id=agency, role=role, invitation_id=None, now=_now()
        )
    return person.id


def _now() -> datetime:
    return suite_now()


async def _world(
    db: Database, fake: FakeBotApi | None, bot: telegram.Bot | None, clock: Clock, plan: Plan
) -> World:
    now = clock.now
    jaksa = await seed_office(db, now)
    assert jaksa.person is not None
    today = now.astimezone(ZoneInfo(ZONE)).date()
    async with db.transaction() as store:
        site = await store.sites.add(
            SiteDraft("Taman Uji", 2, "Jl. 1", -0.5, 117.1, 150, ZONE, ("menyapu",), 2, True),
            declared_by=None,
            now=now,
        )
    pengawas_id = await _person(db, PENGAWAS, "Pengawas Taman", Role.PENGAWAS, 1)
    async with db.transaction() as store:
        await store.sites.add_supervisor(site.id, pengawas_id, now)
    case_ids = []
    for i, telegram_id in enumerate(OFFENDERS):
        async with db.transaction() as store:
            created = await create_case(
                store,
                CaseDraft(
                    offender_name=f"Peserta Uji {i}",
                    decision_number=f"{i}/Pid.Sus/Uji",
                    court="PN Samarinda",
                    decision_date=today,
                    terms=CaseTerms(
                        plan.hours_total[i],
                        plan.hours_per_day[i],
                        plan.weekdays[i],
                        today,
                        today + timedelta(days=28),
                    ),
                    site_id=site.id,
                    consequence=Consequence.PRISON,
                    replaced_penalty="1 bulan penjara",
                    jaksa_person_id=jaksa.person.id,
                ),
                agency_id=1,
                created_by=None,
                now=now,
                invitation_validity=timedelta(days=7),
                audit={
                    "now": now,
                    "actor_telegram_id": None,
                    "actor_person_id": None,
                    "update_id": None,
                },
                invite_offender=False,
            )
        assert created is not None
        offender_id = await _person(db, telegram_id, f"Peserta Uji {i}", Role.TERPIDANA, 1)
        async with db.transaction() as store:
            await store.cases.link_offender(created.case.id, offender_id)
        case_ids.append(created.case.id)
    for telegram_id, name in (
        (JAKSA_TELEGRAM_ID, "Jaksa"),
        (PENGAWAS, "Pengawas"),
        *((t, "Peserta") for t in OFFENDERS),
    ):
        if fake is not None:
            fake.create_user(telegram_id, name)
    return World(
        db=db,
        fake=fake,
        bot=bot,
        clock=clock,
        site=site,
        case_ids=case_ids,
        jaksa=await actor_of(db, JAKSA_TELEGRAM_ID),
        pengawas=await actor_of(db, PENGAWAS),
        offenders=[await actor_of(db, t) for t in OFFENDERS],
    )


# -- the record, read straight from its tables ----------------------------------------------


async def _rows(db: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    async with db.reader().conn.execute(sql, params) as cur:
        return [tuple(r) for r in await cur.fetchall()]


def _instant(text: object) -> datetime | None:
    return None if text is None else datetime.fromisoformat(str(text)).astimezone(UTC)


def _day(instant: datetime) -> date:
    return instant.astimezone(ZoneInfo(ZONE)).date()


@dataclass(frozen=True)
class Absence:
    id: int
    day: date
    source: str
    ruling: str | None
    withdrawn: bool


@dataclass(frozen=True)
class PlannedRow:
    id: int
    day: date
    status: str
    starts_at: datetime


@dataclass(frozen=True)
class Record:
    """One case as its tables hold it, and its ledger recomputed from the events."""

    case: Case
    events: list[AttendanceEvent]
    absences: list[Absence]
    sessions: list[PlannedRow]
    ledger: Ledger

    def attended_on(self, day: date) -> list[Any]:
        return [r for r in fold(self.events) if not r.void and _day(r.start) == day]

    def standing_on(self, day: date) -> list[Absence]:
        return [a for a in self.absences if a.day == day and not a.withdrawn]

    def days(self) -> set[date]:
        return (
            {s.day for s in self.sessions}
            | {a.day for a in self.absences}
            | {_day(r.start) for r in fold(self.events)}
        )


async def _record(db: Database, case: Case) -> Record:
    events = [
        AttendanceEvent(
            seq=int(r[0]),
            attendance_id=int(r[1]),
            kind=EventKind(r[2]),
            start=_instant(r[3]),
            end=_instant(r[4]),
            break_minutes=r[5],
            manual=bool(r[6]),
        )
        for r in await _rows(
            db,
            "SELECT e.id, e.attendance_id, e.kind, e.start_at, e.end_at, e.break_minutes,"
            " e.manual FROM attendance_events e JOIN attendances a ON a.id = e.attendance_id"
            " WHERE a.case_id = ? ORDER BY e.id",
            (case.id,),
        )
    ]
    found_absences = [
        Absence(int(r[0]), date.fromisoformat(r[1]), str(r[2]), r[3], r[4] is not None)
        for r in await _rows(
            db,
            "SELECT id, day, source, ruling, withdrawn_at FROM absences WHERE case_id = ?"
            " ORDER BY id",
            (case.id,),
        )
    ]
    planned = [
        PlannedRow(int(r[0]), date.fromisoformat(r[1]), str(r[2]), _instant(r[3]) or datetime.max)
        for r in await _rows(
            db,
            "SELECT id, day, status, starts_at FROM sessions WHERE case_id = ? ORDER BY day, id",
            (case.id,),
        )
    ]
    ledger = compute_ledger(
        fold(events), hours_total=case.hours_total, hours_per_day=case.hours_per_day, zone=ZONE
    )
    return Record(case, events, found_absences, planned, ledger)


TABLES = (
    "attendances",
    "attendance_events",
    "evidence",
    "absences",
    "sessions",
    "session_events",
    "ledger_days",
    "cases",
    "outbox",
)


async def _snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a use case may write about sessions (the outbox by its rows' keys only:
    the dispatcher marks rows sent, no use case does)."""
    found = {t: await _rows(db, f"SELECT * FROM {t} ORDER BY 1, 2") for t in TABLES[:-1]}
    found["outbox"] = await _rows(db, "SELECT id, dedupe_key FROM outbox ORDER BY id")
    return found


async def _life(world: World, case: Case, day: date) -> Life:
    return await sessions.life_on(world.db.reader(), case, world.site, day)


# -- 1. one life per day, agreeing with the record ------------------------------------------


async def _check_the_record(world: World) -> None:
    for index in range(len(OFFENDERS)):
        case = await world.case(index)
        record = await _record(world.db, case)
        ledger = record.ledger
        cap = law.daily_cap_minutes(case.hours_per_day)
        assert 0 <= ledger.credited_minutes <= ledger.total_minutes == case.hours_total * 60
        kept = {
            date.fromisoformat(day): int(minutes)
            for day, minutes in await _rows(
                world.db,
                "SELECT day, credited_minutes FROM ledger_days WHERE case_id = ?",
                (case.id,),
            )
            if minutes
        }
        by_day = minutes_by_day(ledger)
        assert kept == {d: m for d, m in by_day.items() if m}, "ledger_days differ from events"
        assert (case.status is CaseStatus.COMPLETED) == ledger.completed, case.status
        for day in sorted(record.days() | set(by_day)):
            life = await _life(world, case, day)
            attended = record.attended_on(day)
            standing = record.standing_on(day)
            planned = [s for s in record.sessions if s.day == day and s.status == "planned"]
            cancelled = [s for s in record.sessions if s.day == day and s.status == "cancelled"]
            credited = ledger.minutes_on(day)
            # Minutes of a record checked in on this day (BUG B, see
            # test_an_attendance_past_midnight_credits_a_day_whose_life_ignores_it: a record
            # checked out after midnight also credits the next day, which life_on ignores).
            credited_here = sum(
                c.credited_minutes
                for c in ledger.credits
                if c.day == day
                and ("B" not in world.tolerated or any(r.id == c.attendance_id for r in attended))
            )
            where = f"{case.code} on {day}: {life}"
            assert credited <= cap, where
            assert len(planned) <= 1, where
            assert not (attended and standing), f"{where}: attended and absent at once"
            if credited_here > 0 or attended:
                assert life in (Life.IN_PROGRESS, Life.ATTENDED), where
                assert (life is Life.IN_PROGRESS) == any(r.end is None for r in attended), where
            if life in ABSENT_LIVES:
                assert standing and not attended and credited_here == 0, where
                rulings = {a.ruling for a in standing}
                expected = (
                    Life.ABSENT
                    if None in rulings
                    else Life.ABSENT_INVALID
                    if "tidak_sah" in rulings
                    else Life.ABSENT_VALID
                )
                assert life is expected, where
            if life is Life.PLANNED:
                assert not attended and not standing, where
            if cancelled and not planned:
                assert life is Life.CANCELLED, where
            if life is Life.CANCELLED:
                assert cancelled and not planned, where
                assert not attended and credited_here == 0, where
                # Nothing should stand for a cancelled session either; it can (BUG A, see
                # test_an_absence_is_not_reported_for_a_cancelled_session), so not asserted here.


# -- the steps ------------------------------------------------------------------------------

SUCCESS = {
    attendance.Outcome.RECORDED,
    absences.Outcome.DONE,
    consequences.Outcome.DONE,
    rescheduling.Outcome.MOVED,
    rescheduling.Outcome.CANCELLED,
    corrections.Outcome.CORRECTED,
    corrections.Outcome.VOIDED,
    corrections.Outcome.ABSENCE_CORRECTED,
}


@dataclass
class Attempt:
    step: Step
    day: date
    call: Callable[[], Awaitable[Any]]
    #: The life it must reach when it goes ahead (None: the record checks say enough).
    after: tuple[Life, ...] | None = None
    #: Whether, given the life before, the step must go ahead (not refused).
    must: Callable[[Life], bool] = lambda _: False


def _times(world: World, move: Move) -> tuple[time, time]:
    start = time(7 + move.detail % 3, 0)
    length = (45, 120, 200, 600)[(move.detail // 3) % 4]
    end = (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=length)).time()
    return start, end


async def _attempt(world: World, move: Move) -> Attempt | None:
    case = await world.case(move.case)
    record = await _record(world.db, case)
    records = fold(record.events)
    planned = [s for s in record.sessions if s.status == "planned"]
    today = world.today()
    now = world.clock.now
    active = case.status is CaseStatus.ACTIVE
    store = world.db.reader()
    if move.action == "check_in":
        no_open = await store.attendance.open_for_case(case.id) is None
        origin, photo, message = (
            world.origin(world.pengawas),
            world.photo(),
            world.message(PENGAWAS),
        )
        return Attempt(
            Step.CHECK_IN,
            today,
            lambda: attendance.check_in(origin, case_id=case.id, photo=photo, message=message),
            after=(Life.IN_PROGRESS,),
            must=lambda life: active and no_open and allows(life, Step.CHECK_IN),
        )
    if move.action == "check_out":
        open_id = await store.attendance.open_for_case(case.id)
        target = next((r for r in records if r.id == open_id), None)
        if target is None and records:
            target = records[move.pick % len(records)]
        if target is None:
            return None
        end_at = now - (timedelta(0), timedelta(minutes=40), timedelta(hours=3))[move.detail % 3]
        out_photo = world.photo() if move.flag else None
        reason = None if move.flag else "lupa mencatat pulang"
        origin, message, chosen = world.origin(world.pengawas), world.message(PENGAWAS), target
        return Attempt(
            Step.CHECK_OUT,
            _day(target.start),
            lambda: attendance.check_out(
                origin,
                attendance_id=chosen.id,
                end=end_at,
                message=message,
                photo=out_photo,
                manual_reason=reason,
            ),
            after=(Life.ATTENDED,),
            must=lambda life: (
                active
                and chosen.id == open_id
                and life is Life.IN_PROGRESS
                and end_at > chosen.start
            ),
        )
    if move.action == "flag":
        category = absences.CATEGORIES[move.detail % len(absences.CATEGORIES)]
        origin, message = world.origin(world.pengawas), world.message(PENGAWAS)
        reported = any(a.day == today and a.source == absences.SUPERVISOR for a in record.absences)
        return Attempt(
            Step.REPORT_ABSENCE,
            today,
            lambda: absences.flag_absence(
                origin, case_id=case.id, category=category, reason="tidak datang", message=message
            ),
            after=(Life.ABSENT,),
            must=lambda life: active and not reported and life is Life.PLANNED,
        )
    if move.action == "leave":
        if move.detail % 4 and planned:
            day = planned[move.pick % len(planned)].day
        else:
            day = today + timedelta(days=move.pick % 6)
        offender = world.offenders[move.case]
        origin, message = world.origin(offender), world.message(OFFENDERS[move.case])
        asked = any(a.day == day and a.source == absences.OFFENDER for a in record.absences)
        ahead = any(s.day == day and s.starts_at > now for s in planned)
        return Attempt(
            Step.ASK_LEAVE,
            day,
            lambda: absences.request_leave(
                origin, case_id=case.id, day=day, reason="anak saya sakit", message=message
            ),
            after=(Life.ABSENT,),
            must=lambda life: active and ahead and not asked and life is Life.PLANNED,
        )
    if move.action in ("rule", "change_ruling", "absence_to_attendance"):
        if not record.absences:
            return None
        absence = record.absences[move.pick % len(record.absences)]
        origin = world.origin(world.jaksa)
        if move.action == "rule":
            valid = move.flag
            return Attempt(
                Step.RULE,
                absence.day,
                lambda: absences.rule_absence(
                    origin, absence_id=absence.id, valid=valid, reason="tanpa alasan"
                ),
                after=ABSENT_LIVES,
                must=lambda life: (
                    life is Life.ABSENT and absence.ruling is None and not absence.withdrawn
                ),
            )
        if move.action == "change_ruling":
            turned = "sah" if move.flag else "tidak_sah"
            return Attempt(
                Step.CHANGE_RULING,
                absence.day,
                lambda: consequences.change_ruling(
                    origin, absence_id=absence.id, valid=move.flag, reason="surat dokter menyusul"
                ),
                after=(Life.ABSENT_VALID, Life.ABSENT_INVALID),
                must=lambda life: (
                    life in (Life.ABSENT_VALID, Life.ABSENT_INVALID)
                    and absence.ruling not in (None, turned)
                    and not absence.withdrawn
                    and case.status is not CaseStatus.CLOSED
                ),
            )
        first, last = _times(world, move)
        message = world.message(JAKSA_TELEGRAM_ID)
        return Attempt(
            Step.CORRECT_ABSENCE,
            absence.day,
            lambda: corrections.absence_to_attendance(
                origin,
                absence_id=absence.id,
                start=first,
                end=last,
                break_minutes=15 if move.flag else None,
                reason="ternyata hadir, dicatat ulang",
                message=message,
            ),
            after=(Life.ATTENDED,),
        )
    if move.action == "wait":
        return None
    if move.action in ("move", "cancel"):
        if not planned:
            return None
        session = planned[move.pick % len(planned)]
        origin = world.origin(world.jaksa)
        if move.action == "cancel":
            return Attempt(
                Step.CANCEL,
                session.day,
                lambda: rescheduling.cancel_session(
                    origin, session_id=session.id, reason="lokasi ditutup sementara"
                ),
                after=(Life.CANCELLED,),
            )
        target_day = today + timedelta(days=move.detail % 10)
        return Attempt(
            Step.MOVE,
            session.day,
            lambda: rescheduling.move_session(
                origin, session_id=session.id, day=target_day, reason="dipindah karena hujan"
            ),
        )
    # correct, void
    if not records:
        return None
    chosen = records[move.pick % len(records)]
    origin, message = world.origin(world.jaksa), world.message(JAKSA_TELEGRAM_ID)
    if move.action == "void":
        return Attempt(
            Step.VOID_ATTENDANCE,
            _day(chosen.start),
            lambda: corrections.void_attendance(
                origin, attendance_id=chosen.id, reason="salah orang dicatat", message=message
            ),
        )
    first, last = _times(world, move)
    return Attempt(
        Step.CORRECT_ATTENDANCE,
        _day(chosen.start),
        lambda: corrections.correct_attendance(
            origin,
            attendance_id=chosen.id,
            start=first,
            end=last,
            break_minutes=15 if move.flag else None,
            reason="jam salah dicatat",
            message=message,
        ),
        after=(Life.IN_PROGRESS, Life.ATTENDED),
    )


async def _take(world: World, move: Move) -> None:
    attempt = await _attempt(world, move)
    if attempt is None:
        return
    case = await world.case(move.case)
    before = await _life(world, case, attempt.day)
    written = await _snapshot(world.db)
    result = await attempt.call()
    went_ahead = result.outcome in SUCCESS
    _note(f"{attempt.step}: {result.outcome}")
    where = f"{attempt.step} on {attempt.day} ({before}) -> {result.outcome}"
    if not went_ahead:
        assert await _snapshot(world.db) == written, f"{where}: a refused step wrote"
        assert not attempt.must(before), f"{where}: refused although the session allows it"
        return
    if (
        "A" in world.tolerated
        and attempt.step is Step.REPORT_ABSENCE
        and before in (*ABSENT_LIVES, Life.CANCELLED)
    ):
        # The pengawas's report does not ask the session's life (BUG A, see
        # test_an_absence_is_not_reported_for_a_cancelled_session and
        # test_an_excused_leave_is_not_reported_absent_again): every other step is held to it.
        return
    assert allows(before, attempt.step), f"{where}: went ahead where its life does not allow it"
    after = await _life(world, await world.case(move.case), attempt.day)
    if attempt.after is not None:
        assert after in attempt.after, f"{where}: the session is {after} now"
    if attempt.step is Step.MOVE:
        assert isinstance(result, rescheduling.Changed) and result.session is not None
        moved = result.session
        assert moved.status == "planned" and moved.day == (
            world.today() + timedelta(days=move.detail % 10)
        ), where


# -- 2. reminders follow their session -------------------------------------------------------


async def _dispatch(world: World) -> None:
    """One dispatcher tick at the clock's time; every reminder that went out is checked
    against the record as it stands at that moment (nothing changes during a tick)."""
    assert world.fake is not None and world.bot is not None
    mark = world.fake.mark()
    await dispatch(world.bot, world.db, world.clock.now)
    for sent in world.fake.sent[mark:]:
        rows = await _rows(
            world.db,
            "SELECT kind, payload FROM outbox WHERE chat_id = ? AND message_id = ?",
            (sent.chat_id, sent.message_id),
        )
        assert len(rows) == 1, f"a message sent twice or from nowhere: {sent.describe()}"
        kind, payload = rows[0]
        if kind not in REMINDER_KINDS:
            continue
        world.reminders_sent += 1
        about = json.loads(payload)["about"]
        assert about, f"a reminder that names no session: {payload}"
        for session_id, named in about:
            [(case_id, day, status, starts_at, case_status)] = await _rows(
                world.db,
                "SELECT s.case_id, s.day, s.status, s.starts_at, c.status"
                " FROM sessions s JOIN cases c ON c.id = s.case_id WHERE s.id = ?",
                (session_id,),
            )
            where = f"{kind} at {world.clock.now} about session {session_id} ({named})"
            assert status == "planned", f"{where}: the session is {status}"
            assert case_status == CaseStatus.ACTIVE.value, f"{where}: the case is {case_status}"
            assert _instant(starts_at) == _instant(named), f"{where}: it moved to {starts_at}"
            assert _instant(named) is not None
            if kind in OFFENDER_KINDS:
                case = await world.db.reader().cases.get(int(case_id))
                assert case is not None
                record = await _record(world.db, case)
                held = date.fromisoformat(day)
                if kind == "remind.offender.evening" and "D" not in world.tolerated:
                    # "Besok, <day>" is said the day before; it can go out on the day itself
                    # (BUG D, see test_no_evening_reminder_on_the_day_itself).
                    assert _day(world.clock.now) < held, f"{where}: 'Besok' on the day itself"
                assert not record.standing_on(held), f"{where}: an absence is recorded"
                linked = await _rows(
                    world.db, "SELECT 1 FROM attendances WHERE session_id = ?", (session_id,)
                )
                if record.attended_on(held) and not linked and "C" in world.tolerated:
                    # Checked in before the session was moved onto the day (BUG C, see
                    # test_no_reminder_for_a_session_moved_onto_a_day_already_attended).
                    continue
                assert not record.attended_on(held), f"{where}: already checked in"
                life = await _life(world, case, held)
                assert life is Life.PLANNED, f"{where}: the session is {life}"


async def _idle_until(world: World, until: datetime) -> None:
    """What the scheduler does until ``until`` while nobody acts: plan, and send every row
    at the moment it falls due."""
    while True:
        await plan_outbox(world.db, world.clock.now)
        await _dispatch(world)
        [(due,)] = await _rows(
            world.db,
            "SELECT MIN(COALESCE(next_attempt_at, due_at)) FROM outbox WHERE status = 'pending'"
            " AND COALESCE(next_attempt_at, due_at) > ? AND COALESCE(next_attempt_at, due_at) <= ?",
            (world.clock.now.isoformat(), until.isoformat()),
        )
        if due is None:
            break
        world.clock.now = datetime.fromisoformat(due).astimezone(UTC)
    world.clock.now = until


def _next(now: datetime, move: Move) -> datetime:
    if move.at is None:
        assert move.by is not None
        return now + move.by
    local = now.astimezone(ZoneInfo(ZONE))
    then = datetime.combine(local.date(), move.at, ZoneInfo(ZONE))
    if then <= local:
        then = datetime.combine(local.date() + timedelta(days=1), move.at, ZoneInfo(ZONE))
    return then.astimezone(UTC)


# -- 3. one figure of hours everywhere -------------------------------------------------------


async def _check_the_figures(world: World) -> None:
    store = world.db.reader()
    now = world.clock.now
    today = world.today()
    week = reported_week(today)
    cases = [await world.case(i) for i in range(len(OFFENDERS))]
    ledgers = {c.id: (await _record(world.db, c)).ledger for c in cases}
    months = {today.replace(day=1)} | {
        credit.day.replace(day=1) for ledger in ledgers.values() for credit in ledger.credits
    }
    for case in cases:
        ledger = ledgers[case.id]
        record = await _record(world.db, case)
        progress = await figures_of(store, case, now=now)
        assert progress.credited_minutes == ledger.credited_minutes, case.code
        assert progress.remaining_minutes == ledger.total_minutes - ledger.credited_minutes
        standing = [a for a in record.absences if not a.withdrawn]
        assert progress.absences == len(standing)
        assert progress.absences_invalid == sum(1 for a in standing if a.ruling == "tidak_sah")
        week_minutes = sum(
            c.credited_minutes for c in ledger.credits if week <= c.day < week + timedelta(days=7)
        )
        result = await digest.compute(store, [case], week_start=week, today=today, now=now)
        assert result.credited_minutes_total == ledger.credited_minutes, case.code
        assert result.credited_minutes_week == week_minutes, case.code
    for month in sorted(months):
        report = reports.Month(month)
        workbook = openpyxl.load_workbook(
            io.BytesIO(await reports.monthly_xlsx(store, cases, report, Texts("id"), now=now))
        )
        summary, sheet = workbook.worksheets[0], workbook.worksheets[2]  # cover, absences, site
        first = reports.SHEET_HEADER_ROW + 1
        rows = {row[0]: row for row in sheet.iter_rows(min_row=first, values_only=True)}
        in_month = {
            c.id: sum(
                credit.credited_minutes
                for credit in ledgers[c.id].credits
                if credit.day.replace(day=1) == month
            )
            for c in cases
        }
        for case in cases:
            row = rows[case.code]
            hours_month, hours_to_date = row[5], row[6]
            assert isinstance(hours_month, int | float) and isinstance(hours_to_date, int | float)
            # One decimal, never rounded up: the minutes floored to tenths of an hour.
            assert round(hours_month * 10) == hour_tenths(in_month[case.id]), (case.code, month)
            assert round(hours_to_date * 10) == hour_tenths(ledgers[case.id].credited_minutes)
            assert row[7] == case.hours_total
        # The site's row, then the total: the same cases, so the same figures.
        site_row, total = summary.iter_rows(
            min_row=reports.SUMMARY_HEADER_ROW + 1,
            max_row=reports.SUMMARY_HEADER_ROW + 2,
            values_only=True,
        )
        assert site_row[1:] == total[1:]
        hours = site_row[4]
        assert isinstance(hours, int | float)
        assert round(hours * 10) == hour_tenths(sum(in_month.values())), month


# -- the property ---------------------------------------------------------------------------


def _note(what: str) -> None:
    """What the examples did, for ``pytest --hypothesis-show-statistics``."""
    if currently_in_test_context():
        event(what)


async def _scenario(
    plan: Plan, steps: list[Move], *, tolerated: frozenset[str] = frozenset()
) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "kerjasosial.sqlite3")
        fake = FakeBotApi(token="123456:TEST-token", clock=clock)
        await fake.start()
        try:
            async with make_bot(fake) as bot:
                world = await _world(db, fake, bot, clock, plan)
                world.tolerated = tolerated
                await _idle_until(world, clock.now)
                for move in steps:
                    await _idle_until(world, _next(clock.now, move))
                    await _take(world, move)
                    await _check_the_record(world)
                await _idle_until(world, clock.now + timedelta(days=3))
                await _check_the_record(world)
                await _check_the_figures(world)
                sent = world.reminders_sent
                _note(f"reminders sent: {'10+' if sent >= 10 else sent}")
        finally:
            await fake.stop()
            await db.close()


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same verdict on every run (for a given suite "now")
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),  # no slow "explain"
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plans, st.lists(moves, min_size=4, max_size=30))
def test_every_session_has_one_life_and_every_reader_agrees(plan: Plan, steps: list[Move]) -> None:
    asyncio.run(_scenario(plan, steps))


# -- what the property found: each as the smallest story, failing until it is fixed ----------

EVERY_DAY = Plan((8, 8), (2, 2), (frozenset(range(7)), frozenset(range(7))))


def _a_free_day_ahead() -> tuple[Plan, list[Move]]:
    """Cases that work every day but the first working day after today, and the waits
    that bring the clock to 05.00 on that free day (the last wait lands there)."""
    start = suite_now().astimezone(ZoneInfo(ZONE))
    free = next(working_days(start.date() + timedelta(days=1), weekdays=range(7)))
    weekdays = frozenset(range(7)) - {free.weekday()}
    first_five = start.date() if start.time() < time(5, 0) else start.date() + timedelta(days=1)
    hops = [Move(time(5, 0), None, "wait", 0, 0, 0, False)] * ((free - first_five).days + 1)
    return Plan((8, 8), (2, 2), (weekdays, weekdays)), hops


async def test_an_absence_is_not_reported_for_a_cancelled_session(
    db: Database, clock: Clock
) -> None:
    """The jaksa cancels the day's session; the pengawas then reports the offender absent.
    The report is taken, and the absence can then be neither ruled (``rule_absence``: stale)
    nor corrected (``absence_to_attendance``: not now): it stands for a session that is not."""
    world = await _world(db, None, None, clock, EVERY_DAY)
    case = await world.case(0)
    first = (await db.reader().cases.sessions_of(case.id))[0]
    clock.set_local(first.day, time(6, 0))
    cancelled = await rescheduling.cancel_session(
        world.origin(world.jaksa), session_id=first.id, reason="lokasi ditutup sementara"
    )
    assert cancelled.outcome is rescheduling.Outcome.CANCELLED
    clock.set_local(first.day, time(8, 30))
    flagged = await absences.flag_absence(
        world.origin(world.pengawas),
        case_id=case.id,
        category="tanpa_keterangan",
        reason="tidak datang",
        message=world.message(PENGAWAS),
    )
    assert flagged.outcome is not absences.Outcome.DONE
    assert await db.reader().attendance.absences_of_case(case.id) == []


async def test_an_excused_leave_is_not_reported_absent_again(db: Database, clock: Clock) -> None:
    """The offender asked leave for a session and the jaksa ruled it *sah*; on the day the
    pengawas reports him absent *tanpa keterangan*: the report is taken and the excused
    session is back to "absent, waiting for the jaksa" (the ruling is asked for again)."""
    world = await _world(db, None, None, clock, EVERY_DAY)
    case = await world.case(0)
    session = (await db.reader().cases.sessions_of(case.id))[1]
    clock.set_local(session.day - timedelta(days=1), time(12, 0))
    leave = await absences.request_leave(
        world.origin(world.offenders[0]),
        case_id=case.id,
        day=session.day,
        reason="anak saya sakit",
        message=world.message(OFFENDERS[0]),
    )
    assert leave.outcome is absences.Outcome.DONE and leave.absence_id is not None
    ruled = await absences.rule_absence(
        world.origin(world.jaksa), absence_id=leave.absence_id, valid=True
    )
    assert ruled.outcome is absences.Outcome.DONE
    assert await _life(world, case, session.day) is Life.ABSENT_VALID
    clock.set_local(session.day, time(8, 40))
    flagged = await absences.flag_absence(
        world.origin(world.pengawas),
        case_id=case.id,
        category="tanpa_keterangan",
        reason="tidak datang",
        message=world.message(PENGAWAS),
    )
    assert flagged.outcome is not absences.Outcome.DONE
    assert await _life(world, case, session.day) is Life.ABSENT_VALID


async def test_an_attendance_past_midnight_credits_a_day_whose_life_ignores_it(
    db: Database, clock: Clock
) -> None:
    """Checked in at 08.00 and checked out (with a photo) at 07.00 the next morning: the
    ledger credits both days up to the daily cap, while the next day's session is still
    "planned" (it can be reported absent, moved or cancelled with its hours credited)."""
    world = await _world(db, None, None, clock, EVERY_DAY)
    case = await world.case(0)
    first = (await db.reader().cases.sessions_of(case.id))[0]
    clock.set_local(first.day, time(8, 0))
    came = await attendance.check_in(
        world.origin(world.pengawas),
        case_id=case.id,
        photo=world.photo(),
        message=world.message(PENGAWAS),
    )
    assert came.attendance_id is not None
    following = first.day + timedelta(days=1)
    clock.set_local(following, time(7, 0))
    out = await attendance.check_out(
        world.origin(world.pengawas),
        attendance_id=came.attendance_id,
        end=clock.now,
        message=world.message(PENGAWAS),
        photo=world.photo(),
    )
    assert out.outcome is attendance.Outcome.RECORDED and out.ledger is not None
    life = await _life(world, await world.case(0), following)
    assert out.ledger.minutes_on(following) == 0 or life in (Life.IN_PROGRESS, Life.ATTENDED)


def test_no_reminder_for_a_session_moved_onto_a_day_already_attended() -> None:
    """The pengawas checks the offender in at 05.00 on a day with no session; the jaksa then
    moves a later session onto that day. The dispatcher sends "Besok/hari ini ... 08.00"
    reminders for it: ``reminders.sessions_now`` counts as attended only an attendance
    linked to the session's id, and this one was recorded before the session was there."""
    plan, hops = _a_free_day_ahead()
    steps = [
        *hops[:-1],
        Move(time(5, 0), None, "check_in", 0, 0, 0, False),  # at 05.00 on the free day
        # A session after it (the second planned: the first may be today's) moved onto it.
        Move(None, timedelta(minutes=20), "move", 0, 1, 0, False),
    ]
    asyncio.run(_scenario(plan, steps, tolerated=frozenset()))


def test_no_evening_reminder_on_the_day_itself() -> None:
    """At 05.00 the jaksa moves a session onto today (08.00): the planner plans the
    "evening before" reminder for now (the evening is past but still before the 2-hours
    reminder), and the offender reads "Besok, <today>" on the morning of the session."""
    plan, hops = _a_free_day_ahead()
    steps = [*hops, Move(None, timedelta(minutes=20), "move", 0, 1, 0, False)]
    asyncio.run(_scenario(plan, steps, tolerated=frozenset()))

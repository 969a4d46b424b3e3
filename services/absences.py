"""Absences: the site's supervisor flags one, the offender asks leave in advance, the jaksa
rules it *sah* (valid reason) or *tidak sah*.

Supervisors flag, prosecutors decide: an absence ruled *tidak sah* is recorded against the
case with the consequence its decision ordered (KUHP Pasal 85 ayat 7). A report commits
with its letter's evidence row, its audit row and the alerts (the jaksa's, with the buttons
to rule; the PK's; the site's supervisors' when the offender asked) or not at all.
"""

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain import callback_data as callbacks
from domain.authority import CaseFilter
from domain.callback_data import Prefix
from domain.cases import CaseStatus
from domain.models import Case, Session, Site
from domain.session_life import Life, Step, allows
from services import attendance, consequences, notices, sessions
from services.attendance import Message, Photo
from services.origin import Origin
from services.scope import supervising_scope
from storage.repositories import Store
from texts import Localized, Texts
from texts.formatting import Day

CATEGORIES = ("sakit", "izin", "tanpa_keterangan", "lainnya")
REASON_MAX = 300
RULING_REASON_MIN = 3  # a *tidak sah* says why
SUPERVISOR, OFFENDER = "pengawas", "terpidana"  # who reported it: the ``source`` column
RULE = Prefix.RULE
NOTICE_KIND = "alert.absence"


class Outcome(StrEnum):
    DONE = "done"
    NOT_YOURS = "not_yours"  # not at my site, not my sentence, not my Kejari's case
    CASE_FINISHED = "case_finished"
    BAD_REASON = "bad_reason"
    ALREADY = "already"  # that day's absence was reported (or ruled) already
    PRESENT = "present"  # checked in that day: an absence would contradict the record
    STALE = "stale"  # no such absence or session: an old or forged button; with ``life``
    # when the session has moved on (the absence was corrected into attendance)
    NOT_NOW = "not_now"  # the day's session is cancelled, excused or ruled: ``life`` says


@dataclass(frozen=True)
class Reported:
    outcome: Outcome
    case: Case | None = None
    day: date | None = None
    absence_id: int | None = None
    evidence_id: int | None = None
    life: Life | None = None  # the session's state, when that is why nothing was recorded


@dataclass(frozen=True)
class Ruled:
    outcome: Outcome
    case: Case | None = None
    ruling: str | None = None  # "sah" or "tidak_sah"
    life: Life | None = None  # the session's state, when that is why nothing was ruled
    day: date | None = None  # the absence's, when it may be ruled


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    case: Case | None = None
    day: date | None = None  # the reminded session's


def reason_acceptable(text: str, *, category: str, by_offender: bool, with_letter: bool) -> bool:
    """An offender asking leave, or "other", must say why (or show a letter); nobody writes
    an essay."""
    if len(text) > REASON_MAX:
        return False
    needs_reason = by_offender or category == "lainnya"
    return not needs_reason or with_letter or len(text) >= 3


# -- reads for the chat's lists -----------------------------------------------------------


async def cases_to_flag(store: Store, origin: Origin) -> list[Case]:
    """Running cases at the sites this supervisor signs for that can still be reported absent
    today: not someone already checked in, nor an absence already recorded."""
    scope = await supervising_scope(store, origin.actor)
    found = []
    for case in await store.cases.visible(CaseFilter(site_ids=scope.supervised_sites)):
        site = await store.sites.get(case.site_id)
        if site is None:
            continue
        life = await sessions.life_on(store, case, site, _today(origin, site))
        if allows(life, Step.REPORT_ABSENCE):
            found.append(case)
    return found


async def case_to_flag(store: Store, origin: Origin, case: Case | None) -> Case | None:
    """The case if this supervisor may flag its absence now: running, at their site."""
    return case if case is not None and await _may_flag(store, origin, case) else None


#: How many of their next sessions an offender is offered to ask leave for.
LEAVE_CHOICES = 6


async def leave_choices(store: Store, origin: Origin) -> list[tuple[Case, Session]]:
    """The offender's next sessions they may still ask leave for: not begun, not attended,
    no absence recorded; soonest first, over their running cases."""
    if origin.person_id is None:
        return []
    found: list[tuple[Case, Session]] = []
    for case in await store.cases.of_offender(origin.person_id):
        site = await store.sites.get(case.site_id)
        if case.status is not CaseStatus.ACTIVE or site is None:
            continue
        found += [
            (case, s)
            for s in await sessions.ahead(store, case, site, origin.now)
            if s.starts_at > origin.now
        ]
    found.sort(key=lambda pair: pair[1].starts_at)
    return found[:LEAVE_CHOICES]


async def leave_session(
    store: Store, origin: Origin, session_id: int | None
) -> tuple[Case, Session] | None:
    """The chosen session if it is still one this offender may ask leave for."""
    return next(((c, s) for c, s in await leave_choices(store, origin) if s.id == session_id), None)


async def next_leave_day(store: Store, origin: Origin) -> tuple[Case, date] | None:
    """The first session the offender may still ask leave for: its case and its day."""
    choices = await leave_choices(store, origin)
    return (choices[0][0], choices[0][1].day) if choices else None


# -- use cases ------------------------------------------------------------------------------


async def answer_reminder(origin: Origin, *, session_id: int, attending: bool) -> Answered:
    """The offender's answer under a reminder, kept; "I can't" leads to a leave request."""
    async with origin.transaction() as store:
        session = await store.cases.session(session_id)
        case = await store.cases.get(session.case_id) if session else None
        if session is None or case is None or not authority.is_offender_of(origin.actor, case):
            return Answered(Outcome.STALE)
        await store.audit.append(
            action="reminder.answered",
            subject=f"session:{session.id}",
            detail={"answer": "y" if attending else "n"},
            **origin.audit_fields(),
        )
    return Answered(Outcome.DONE, case=case, day=session.day)


async def flag_absence(
    origin: Origin,
    *,
    case_id: int,
    category: str,
    reason: str,
    message: Message,
    photo: Photo | None = None,
) -> Reported:
    """The site's supervisor reports today's absence, with a reason (or none known)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown absence category {category!r}")
    async with origin.transaction() as store:
        case = await store.cases.get(case_id)
        allowed = await attendance.case_to_record(store, origin, case)
        if allowed.outcome is attendance.Outcome.NOT_YOURS:
            return Reported(Outcome.NOT_YOURS, case=case)
        if allowed.outcome is attendance.Outcome.CASE_FINISHED:
            return Reported(Outcome.CASE_FINISHED, case=case)
        assert case is not None
        if not reason_acceptable(
            reason, category=category, by_offender=False, with_letter=photo is not None
        ):
            return Reported(Outcome.BAD_REASON, case=case)
        assert allowed.site is not None
        day = _today(origin, allowed.site)
        if refused := await _refused_by_life(store, case, allowed.site, day):
            return refused
        return await _report(store, origin, case, day, category, SUPERVISOR, reason, message, photo)


async def request_leave(
    origin: Origin,
    *,
    case_id: int,
    day: date,
    reason: str,
    message: Message,
    photo: Photo | None = None,
) -> Reported:
    """The offender asks leave for a session of their own, saying why or showing a letter."""
    async with origin.transaction() as store:
        case = await store.cases.get(case_id)
        if case is None or not authority.is_offender_of(origin.actor, case):
            return Reported(Outcome.NOT_YOURS, case=case)
        if case.status is not CaseStatus.ACTIVE:
            return Reported(Outcome.CASE_FINISHED, case=case)
        if not reason_acceptable(
            reason, category="izin", by_offender=True, with_letter=photo is not None
        ):
            return Reported(Outcome.BAD_REASON, case=case)
        site = await store.sites.get(case.site_id)
        if site is not None and await _present(store, case, site, day):
            return Reported(Outcome.PRESENT, case=case, day=day)
        # Leave is asked ahead: not for a session already under way or over.
        if site is not None and not any(
            s.day == day and s.starts_at > origin.now
            for s in await sessions.ahead(store, case, site, origin.now)
        ):
            return Reported(Outcome.STALE, case=case, day=day)
        return await _report(store, origin, case, day, "izin", OFFENDER, reason, message, photo)


async def rule_absence(origin: Origin, *, absence_id: int, valid: bool, reason: str = "") -> Ruled:
    """The jaksa of the case's Kejari rules once, while the absence stands (a correction did
    not withdraw it). *Tidak sah* takes a reason and records the consequence the decision
    ordered; the offender and the PK are told either way."""
    reason = " ".join(reason.split())
    ruling = "sah" if valid else "tidak_sah"
    async with origin.transaction() as store:
        found = await rulable(store, origin, absence_id)
        if found.outcome is not Outcome.DONE or found.day is None:
            return replace(found, ruling=ruling)
        case, day = found.case, found.day
        assert case is not None
        if len(reason) > REASON_MAX or (not valid and len(reason) < RULING_REASON_MIN):
            return Ruled(Outcome.BAD_REASON, case=case, ruling=ruling)
        consequence = None if valid else f"{case.consequence.value}: {case.replaced_penalty}"
        if not await store.attendance.rule_absence(
            absence_id,
            ruling=ruling,
            consequence=consequence,
            by=origin.person_id,
            now=origin.now,
            reason=reason or None,
        ):
            return Ruled(Outcome.ALREADY, case=case, ruling=ruling)
        await store.audit.append(
            action="absence.ruled",
            subject=f"case:{case.id}",
            detail={"absence_id": absence_id, "ruling": ruling},
            **origin.audit_fields(),
        )
        await consequences.tell_ruling(store, origin, case, absence_id, day, ruling, reason)
    return Ruled(Outcome.DONE, case=case, ruling=ruling)


async def rulable(store: Store, origin: Origin, absence_id: int) -> Ruled:
    """Whether this jaksa may still rule the absence: it stands (no correction withdrew it,
    the day is attended now) and is not ruled yet. Asked before the reason is asked for, and
    again when the ruling is written."""
    absence = await store.attendance.absence(absence_id)
    case = await store.cases.get(int(str(absence["case_id"]))) if absence else None
    if absence is None or case is None:
        return Ruled(Outcome.STALE)
    if not authority.manages_case(origin.actor, case):
        return Ruled(Outcome.NOT_YOURS, case=case)
    site = await store.sites.get(case.site_id)
    assert site is not None
    day = date.fromisoformat(str(absence["day"]))
    life = await sessions.life_on(store, case, site, day)
    if absence["withdrawn_at"] is not None or not allows(life, Step.RULE):
        ruled = absence["ruling"] is not None and absence["withdrawn_at"] is None
        return Ruled(Outcome.ALREADY if ruled else Outcome.STALE, case=case, life=life)
    return Ruled(Outcome.DONE, case=case, day=day)


# -- inside the use cases -------------------------------------------------------------------


async def _report(
    store: Store,
    origin: Origin,
    case: Case,
    day: date,
    category: str,
    source: str,
    reason: str,
    message: Message,
    photo: Photo | None,
) -> Reported:
    absence_id = await store.attendance.add_absence(
        case_id=case.id,
        day=day,
        category=category,
        reason=reason or None,
        source=source,
        by=origin.person_id,
        now=origin.now,
        chat_id=message.chat_id,
        message_id=message.message_id,
    )
    if absence_id is None:
        return Reported(Outcome.ALREADY, case=case, day=day)
    evidence_id = None
    if photo is not None:
        evidence_id = await store.attendance.add_evidence(
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            size=photo.size,
            now=origin.now,
            absence_id=absence_id,
        )
    await store.audit.append(
        action="absence.reported",
        subject=f"case:{case.id}",
        detail={"absence_id": absence_id, "category": category, "source": source},
        **origin.audit_fields(),
    )
    await _alert(store, origin, case, absence_id, day, category, source, reason)
    return Reported(
        Outcome.DONE, case=case, day=day, absence_id=absence_id, evidence_id=evidence_id
    )


async def _alert(
    store: Store,
    origin: Origin,
    case: Case,
    absence_id: int,
    day: date,
    category: str,
    source: str,
    reason: str,
) -> None:
    """The jaksa decides; the PK and, when the offender asked, the site's supervisors are
    kept informed."""
    recipients: list[tuple[int | None, bool]] = [
        (case.jaksa_person_id, True),
        (case.pk_person_id, False),
    ]
    if source == OFFENDER:
        recipients += [(p, False) for p in await store.sites.supervisors_of(case.site_id)]
    rule_buttons = [
        [
            ("absence.rule_valid", callbacks.encode(RULE, "s", absence_id)),
            ("absence.rule_invalid", callbacks.encode(RULE, "t", absence_id)),
        ]
    ]
    for person_id, rules in recipients:
        person = await store.people.get(person_id) if person_id is not None else None
        if person is None or person.telegram_user_id <= 0:
            continue  # erased on request: nobody to tell
        await notices.tell(
            store,
            person.id,
            key="absence.notice",
            kind=NOTICE_KIND,
            about=f"absence:{absence_id}",
            now=origin.now,
            buttons=rule_buttons if rules else None,
            code=case.code,
            name=case.offender_name,
            day=Day(day),
            category=_Label(f"absence.category.{category}"),
            reason=reason or "—",
        )


async def _may_flag(store: Store, origin: Origin, case: Case) -> bool:
    allowed = await attendance.case_to_record(store, origin, case)
    return allowed.outcome is attendance.Outcome.RECORDED


async def _present(store: Store, case: Case, site: Site, day: date) -> bool:
    """Checked in that day (still there, or gone home): no absence can be recorded for it."""
    life = await sessions.life_on(store, case, site, day)
    return life in (Life.IN_PROGRESS, Life.ATTENDED)


async def _refused_by_life(store: Store, case: Case, site: Site, day: date) -> Reported | None:
    """Why the day's session takes no absence report, if it does not: someone checked in,
    or it is cancelled, excused or ruled already."""
    life = await sessions.life_on(store, case, site, day)
    if life in (Life.IN_PROGRESS, Life.ATTENDED):
        return Reported(Outcome.PRESENT, case=case, day=day)
    if not allows(life, Step.REPORT_ABSENCE):
        return Reported(Outcome.NOT_NOW, case=case, day=day, life=life)
    return None


def _today(origin: Origin, site: Site) -> date:
    return origin.now.astimezone(ZoneInfo(site.timezone)).date()


class _Label(Localized):
    """A catalog label (an absence's category) in the reader's language."""

    def __init__(self, key: str) -> None:
        self.key = key

    def in_language(self, lang: str) -> str:
        return Texts(lang).plain(self.key)

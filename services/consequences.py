"""What follows a *tidak sah* (KUHP Pasal 85 ayat 7), step by step, and how a case ends.

- a ruling changed later, by the jaksa, with a reason (the old one kept);
- a written warning, teguran I then II, to the offender;
- *mengulang*: the lost hours planned again inside the period, under the planner's rules;
  what the period cannot hold is stated, and the jaksa decides;
- the replaced sentence for the hours outstanding: the case is closed as not completed, with
  the part computed in proportion (``domain.consequences``) and rounded as the jaksa chose;
- a case closed otherwise (the decision annulled, the offender died), always with a reason.

Each is refused where it does not apply, and each writes its change, its audit row, its
notices and the closing record's delivery in one transaction or not at all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain import consequences as law7
from domain.cases import CaseStatus, Consequence
from domain.consequences import Part, Penalty, Risk, Unit
from domain.digest import initials
from domain.figures import CaseFigures
from domain.models import Case, Session, Site
from domain.session_life import Step, allows
from services import closing_record, notices, sessions
from services.figures import figures_of
from services.origin import Origin
from services.scheduling import plan_and_store
from storage.repositories import Store
from texts import Localized, Texts
from texts.formatting import Day, format_hours

NOTICE_KIND = "notice.consequence"


class Outcome(StrEnum):
    DONE = "done"
    STALE = "stale"  # no such case or absence: an old or forged button
    NOT_YOURS = "not_yours"
    CASE_FINISHED = "case_finished"
    BAD_REASON = "bad_reason"
    NOT_NOW = "not_now"  # the session's state does not take this step
    SAME = "same"  # the ruling already says that
    NO_VIOLATION = "no_violation"  # ayat 7 follows only a failure without a valid reason
    NOT_ORDERED = "not_ordered"  # a consequence the decision did not order
    NO_MORE_WARNINGS = "no_more_warnings"  # teguran II was given
    NOTHING_LOST = "nothing_lost"  # no hours to plan again
    BAD_PENALTY = "bad_penalty"  # the replaced sentence could not be read as a number


@dataclass(frozen=True)
class Standing:
    """A case against ayat (7): its violations and warnings, and whether its plan holds."""

    violations: int
    warnings: int
    remaining_minutes: int
    planned_ahead_minutes: int

    @property
    def shortfall_minutes(self) -> int:
        return law7.shortfall_minutes(self.remaining_minutes, self.planned_ahead_minutes)

    @property
    def risks(self) -> list[Risk]:
        if self.remaining_minutes <= 0:
            return []
        return law7.risks(
            remaining_minutes=self.remaining_minutes,
            planned_ahead_minutes=self.planned_ahead_minutes,
            violation_count=self.violations,
        )


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    case: Case | None = None
    level: int | None = None  # a warning's
    added: tuple[Session, ...] = ()  # sessions planned again
    shortfall_minutes: int = 0  # what the period cannot hold
    part: str | None = None  # the replaced sentence's part, as recorded


async def standing_of(
    store: Store,
    case: Case,
    site: Site,
    now: datetime,
    *,
    figures: CaseFigures | None = None,
    ahead: Sequence[Session] | None = None,
) -> Standing:
    """``figures`` and ``ahead`` (the sessions still ahead), when the caller read them
    already for the same ``now``, are not read again."""
    figures = figures or await figures_of(store, case, now=now)
    ahead = ahead if ahead is not None else await sessions.ahead(store, case, site, now)
    return Standing(
        violations=(await store.consequences.violations_by_case([case.id])).get(case.id, 0),
        warnings=len(await store.consequences.warnings_of_case(case.id)),
        remaining_minutes=figures.remaining_minutes,
        planned_ahead_minutes=sum(s.minutes for s in ahead),
    )


# -- a ruling changed -----------------------------------------------------------------------


async def change_ruling(origin: Origin, *, absence_id: int, valid: bool, reason: str) -> Result:
    """The jaksa turns a ruling around, saying why; the old ruling and its reason stay."""
    reason = " ".join(reason.split())
    async with origin.transaction() as store:
        absence = await store.attendance.absence(absence_id)
        case = await store.cases.get(int(str(absence["case_id"]))) if absence else None
        if absence is None or case is None:
            return Result(Outcome.STALE)
        if not authority.manages_case(origin.actor, case):
            return Result(Outcome.NOT_YOURS, case=case)
        if case.status is CaseStatus.CLOSED:
            return Result(Outcome.CASE_FINISHED, case=case)
        if not law7.REASON_MIN <= len(reason) <= law7.REASON_MAX:
            return Result(Outcome.BAD_REASON, case=case)
        site = await store.sites.get(case.site_id)
        assert site is not None
        day = date.fromisoformat(str(absence["day"]))
        if not allows(await sessions.life_on(store, case, site, day), Step.CHANGE_RULING):
            return Result(Outcome.NOT_NOW, case=case)
        ruling = "sah" if valid else "tidak_sah"
        if not await store.consequences.change_ruling(
            absence_id, ruling=ruling, reason=reason, by=origin.person_id, now=origin.now
        ):
            return Result(Outcome.SAME, case=case)
        await store.audit.append(
            action="absence.ruling_changed",
            subject=f"case:{case.id}",
            detail={"absence_id": absence_id, "from": absence["ruling"], "to": ruling},
            **origin.audit_fields(),
        )
        await tell_ruling(store, origin, case, absence_id, day, ruling, reason, changed=True)
    return Result(Outcome.DONE, case=case)


async def tell_ruling(
    store: Store,
    origin: Origin,
    case: Case,
    absence_id: int,
    day: date,
    ruling: str,
    reason: str,
    *,
    changed: bool = False,
) -> None:
    """The offender and the PK hear the ruling in plain words, and what the decision says
    follows a *tidak sah*."""
    count = (await store.consequences.violations_by_case([case.id])).get(case.id, 0)
    about = f"ruling:{absence_id}:{ruling}:{origin.now.isoformat()}"
    verdict = "sah" if ruling == "sah" else "invalid"
    prefix = "ruling.changed_" if changed else "ruling.told_"
    for person_id, reader in ((case.offender_person_id, "offender"), (case.pk_person_id, "pk")):
        await notices.tell(
            store,
            person_id,
            key=f"{prefix}{reader}_{verdict}",
            kind=NOTICE_KIND,
            about=about,
            now=origin.now,
            code=case.code,
            name=case.offender_name,
            day=Day(day),
            reason=reason or "—",
            count=count,
            follows=Follows(case),
        )


# -- teguran --------------------------------------------------------------------------------


async def warn(origin: Origin, *, case_id: int, text: str) -> Result:
    """A written warning after a violation: teguran I, then II, recorded and told."""
    text = " ".join(text.split())
    async with origin.transaction() as store:
        case, refused = await _running_case(store, origin, case_id)
        if refused is not None:
            return refused
        assert case is not None
        if not law7.REASON_MIN <= len(text) <= law7.REASON_MAX:
            return Result(Outcome.BAD_REASON, case=case)
        if not (await store.consequences.violations_by_case([case.id])).get(case.id):
            return Result(Outcome.NO_VIOLATION, case=case)
        given = len(await store.consequences.warnings_of_case(case.id))
        level = law7.next_warning_level(given)
        if level is None:
            return Result(Outcome.NO_MORE_WARNINGS, case=case)
        invalid = await store.consequences.invalid_absences(case.id)
        if not await store.consequences.add_warning(
            case.id,
            level=level,
            text=text,
            absence_id=int(str(invalid[-1]["id"])) if invalid else None,
            by=origin.person_id,
            now=origin.now,
        ):
            return Result(Outcome.NO_MORE_WARNINGS, case=case)
        await store.audit.append(
            action="case.warned",
            subject=f"case:{case.id}",
            detail={"level": level},
            **origin.audit_fields(),
        )
        for person_id, key in (
            (case.offender_person_id, "warning.offender"),
            (case.pk_person_id, "warning.pk"),
        ):
            await notices.tell(
                store,
                person_id,
                key=key,
                kind=NOTICE_KIND,
                about=f"warning:{case.id}:{level}",
                now=origin.now,
                code=case.code,
                name=case.offender_name,
                level=_Roman(level),
                text=text,
                follows=Follows(case),
            )
    return Result(Outcome.DONE, case=case, level=level)


# -- mengulang ------------------------------------------------------------------------------


async def repeat_lost(origin: Origin, *, case_id: int) -> Result:
    """The hours no planned session holds any more (a session lost to an absence, a day cut
    short) are planned again, from tomorrow to the deadline, one session a day, under the
    planner's rules. After a *tidak sah* this is *mengulang* (ayat 7 a); after an excused
    absence it is how the hours still get done, so it is offered for either."""
    async with origin.transaction() as store:
        case, refused = await _running_case(store, origin, case_id)
        if refused is not None:
            return refused
        assert case is not None
        site = await store.sites.get(case.site_id)
        assert site is not None
        standing = await standing_of(store, case, site, origin.now)
        lost = standing.shortfall_minutes
        if lost <= 0:
            return Result(Outcome.NOTHING_LOST, case=case)
        tomorrow = origin.now.astimezone(ZoneInfo(site.timezone)).date() + timedelta(days=1)
        before = {s.id for s in await store.cases.sessions_of(case.id)}
        booked = {s.day: 24 * 60 for s in await store.cases.sessions_of(case.id)}
        plan = await plan_and_store(
            store,
            case,
            site,
            now=origin.now,
            from_day=tomorrow,
            minutes_needed=lost,
            offender_minutes_booked=booked,
        )
        added = tuple(s for s in await store.cases.sessions_of(case.id) if s.id not in before)
        await store.audit.append(
            action="case.hours_replanned",
            subject=f"case:{case.id}",
            detail={"minutes": plan.planned_minutes, "short": plan.shortfall_minutes},
            **origin.audit_fields(),
        )
        if added:
            await notices.tell(
                store,
                case.offender_person_id,
                key="repeat.offender",
                kind=NOTICE_KIND,
                about=f"repeat:{case.id}:{origin.now.isoformat()}",
                now=origin.now,
                code=case.code,
                count=len(added),
                hours=format_hours(plan.planned_minutes),
                first=Day(added[0].day),
            )
    return Result(Outcome.DONE, case=case, added=added, shortfall_minutes=plan.shortfall_minutes)


# -- closing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replacement:
    """The replaced sentence's part, as the jaksa is shown it before confirming."""

    penalty: Penalty
    part: Part
    credited_minutes: int

    def amount(self, rounding: str) -> int:
        return self.part.up if rounding == "up" else self.part.down


async def replacement(
    store: Store, origin: Origin, case: Case, penalty_text: str
) -> Replacement | None:
    """The part for ``penalty_text`` ("3 bulan", "Rp 5.000.000"), or None when it cannot be
    read, or is not the kind of sentence the decision replaced."""
    penalty = law7.parse_penalty(penalty_text)
    if penalty is None or penalty.consequence is not case.consequence:
        return None
    figures = await figures_of(store, case, now=origin.now)
    part = law7.proportional_part(
        penalty, outstanding_minutes=figures.remaining_minutes, total_minutes=figures.total_minutes
    )
    return Replacement(penalty, part, figures.credited_minutes)


def amount_text(unit: Unit, amount: int, months: int | None = None) -> str:
    """ "36 hari penjara", "1 bulan (30 hari) penjara", "Rp 2.000.000": as the record writes
    it (in Indonesian, the decision's language)."""
    if unit is Unit.DAYS:
        return f"{months} bulan ({amount} hari) penjara" if months else f"{amount} hari penjara"
    return f"Rp {amount:,}".replace(",", ".")


def basis_text(found: Replacement) -> str:
    """The calculation, as the record states it: hours outstanding over hours ordered, times
    the replaced sentence (a month counted as 30 days)."""
    part = found.part
    percent = f"{float(part.percent):.1f}".replace(".", ",")
    exact = f"{float(part.exact):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    unit = "hari" if found.penalty.unit is Unit.DAYS else "rupiah"
    ordered = (
        f"{found.penalty.amount} hari"
        if found.penalty.unit is Unit.DAYS
        else amount_text(found.penalty.unit, found.penalty.amount)
    )
    return (
        f"{format_hours(part.outstanding_minutes)} dari {format_hours(part.total_minutes)} jam"
        f" belum dilaksanakan ({percent}%) × {ordered} = {exact} {unit}"
    )


async def close_case(
    origin: Origin,
    *,
    case_id: int,
    reason: str,
    penalty_text: str | None = None,
    rounding: str = "down",
) -> Result:
    """Close a running case as not completed. With ``penalty_text``: the replaced sentence
    for the hours outstanding (ayat 7 b or c), which needs a violation and must be the kind
    the decision replaced; without it, another reason (the decision annulled...)."""
    reason = " ".join(reason.split())
    async with origin.transaction() as store:
        case, refused = await _running_case(store, origin, case_id)
        if refused is not None:
            return refused
        assert case is not None
        if not law7.REASON_MIN <= len(reason) <= law7.REASON_MAX:
            return Result(Outcome.BAD_REASON, case=case)
        figures = await figures_of(store, case, now=origin.now)
        consequence = part_text = basis = ordered = None
        if penalty_text is not None:
            if case.consequence is Consequence.REPEAT:
                return Result(Outcome.NOT_ORDERED, case=case)
            if not (await store.consequences.violations_by_case([case.id])).get(case.id):
                return Result(Outcome.NO_VIOLATION, case=case)
            found = await replacement(store, origin, case, penalty_text)
            if found is None:
                return Result(Outcome.BAD_PENALTY, case=case)
            consequence = case.consequence.value
            ordered = amount_text(found.penalty.unit, found.penalty.amount, found.penalty.months)
            part_text = amount_text(found.penalty.unit, found.amount(rounding))
            basis = basis_text(found)
        if not await store.consequences.close(
            case.id,
            outcome="tidak_selesai",
            consequence=consequence,
            minutes_total=figures.total_minutes,
            minutes_credited=figures.credited_minutes,
            penalty_ordered=ordered,
            penalty_part=part_text,
            basis=basis,
            reason=reason,
            by=origin.person_id,
            now=origin.now,
        ):
            return Result(Outcome.CASE_FINISHED, case=case)
        for session in await store.cases.sessions_of(case.id):
            if session.ends_at > origin.now:
                await store.cases.cancel_session(session.id)
        await store.audit.append(
            action="case.closed",
            subject=f"case:{case.id}",
            detail={"outcome": "tidak_selesai", "consequence": consequence, "part": part_text},
            **origin.audit_fields(),
        )
        await _announce_closing(store, origin, case, part_text, figures.remaining_minutes)
    return Result(Outcome.DONE, case=case, part=part_text)


async def _announce_closing(
    store: Store, origin: Origin, case: Case, part: str | None, outstanding: int
) -> None:
    about = f"closed:{case.id}"
    hours, part = format_hours(outstanding), part or "—"
    for person_id, key in (
        (case.offender_person_id, "closing.offender"),
        (case.pk_person_id, "closing.staff"),
        (case.jaksa_person_id, "closing.staff"),
    ):
        await notices.tell(
            store,
            person_id,
            key=key,
            kind=NOTICE_KIND,
            about=about,
            now=origin.now,
            code=case.code,
            name=case.offender_name,
            outstanding=hours,
            part=part,
        )
    # The agency's groups: the code and initials, never the name (UU PDP).
    for group in await store.groups.linked():
        if group.agency_id != case.agency_id:
            continue
        texts = Texts(group.language)
        await store.outbox.add(
            dedupe_key=f"{about}:group:{group.chat_id}",
            chat_id=group.chat_id,
            kind=NOTICE_KIND,
            payload={
                "text": texts(
                    "closing.group",
                    code=case.code,
                    initials=initials(case.offender_name),
                    outstanding=hours,
                    part=part,
                )
            },
            due_at=origin.now,
            now=origin.now,
        )
    await closing_record.deliver(store, case, now=origin.now)


async def _running_case(
    store: Store, origin: Origin, case_id: int
) -> tuple[Case | None, Result | None]:
    case = await store.cases.get(case_id)
    if case is None:
        return None, Result(Outcome.STALE)
    if not authority.manages_case(origin.actor, case):
        return case, Result(Outcome.NOT_YOURS, case=case)
    if case.status is not CaseStatus.ACTIVE:
        return case, Result(Outcome.CASE_FINISHED, case=case)
    return case, None


class _Roman(Localized):
    def __init__(self, level: int) -> None:
        self.level = level

    def in_language(self, lang: str) -> str:
        return "I" * self.level


class Follows(Localized):
    """What the decision says follows a failure without a valid reason, in plain words."""

    def __init__(self, case: Case) -> None:
        self.consequence = case.consequence
        self.penalty = case.replaced_penalty

    def in_language(self, lang: str) -> str:
        return Texts(lang).plain(f"follows.{self.consequence.value}").format(penalty=self.penalty)

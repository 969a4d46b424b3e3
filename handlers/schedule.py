"""``/jadwal``: each role sees the schedule that concerns them, and nothing else.

- an offender: their own next sessions and progress;
- a pengawas: this week's sessions at the sites they supervise;
- a jaksa, PK, pejabat or admin: the cases they may see, one tap for a case's plan.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain import authority
from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.cases import CaseStatus
from domain.figures import CaseFigures
from domain.models import Case, Site
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import button, command, refuse_object, stale
from handlers.keyboards import choices
from handlers.render import session_line
from services import cases, consequences
from services.cases import Sight
from services.figures import figures_of
from services.sessions import ahead
from texts import Html, join_lines
from texts.formatting import format_day, format_duration, format_hours, progress_bar, weekday_names

CASE = Prefix.CASE
NEXT_SESSIONS = 10


async def case_view(req: Request, case: Case) -> Html:
    store = req.db.reader()
    site = await store.sites.get(case.site_id)
    assert site is not None
    sessions = await store.cases.sessions_of(case.id)
    still_ahead = await ahead(store, case, site, req.now)
    upcoming = still_ahead[:NEXT_SESSIONS]
    planned_minutes = sum(s.minutes for s in sessions)
    figures = await figures_of(store, case, now=req.now)

    lines = [
        req.texts(
            "schedule.case_header",
            code=case.code,
            name=case.offender_name,
            number=case.decision_number,
            hours=case.hours_total,
            per_day=case.hours_per_day,
            weekdays=weekday_names(req.texts, case.weekdays),
            site=site.name,
            start=format_day(case.start_date, req.texts.lang),
            deadline=format_day(case.deadline, req.texts.lang),
            bar=progress_bar(figures.credited_minutes, figures.total_minutes),
            done=format_duration(figures.credited_minutes, req.texts.lang),
            sessions=len(sessions),
            planned=format_hours(planned_minutes),
        )
    ]
    standing = await consequences.standing_of(
        store, case, site, req.now, figures=figures, ahead=still_ahead
    )
    if planned_minutes < case.hours_total * 60:
        lines.append(
            req.texts(
                "schedule.case_short",
                short=format_hours(case.hours_total * 60 - planned_minutes),
            )
        )
    elif standing.shortfall_minutes and not figures.completed:
        # Sessions lost (absent, sent home) that nothing replaces yet.
        lines.append(
            req.texts("schedule.unplanned", hours=format_hours(standing.shortfall_minutes))
        )
    if standing.violations and not authority.follows_from_office(req.actor):
        # To the offender: how many, and what the decision says happens next.
        lines.append(
            req.texts(
                "progress.violations",
                count=standing.violations,
                follows=consequences.Follows(case),
            )
        )
    if authority.follows_from_office(req.actor):
        lines += await _staff_notes(req, case, figures)
        if standing.violations or standing.warnings:
            lines.append(
                req.texts(
                    "schedule.violations", count=standing.violations, warnings=standing.warnings
                )
            )
    if upcoming:
        lines.append(req.texts("schedule.next_header"))
        lines += [session_line(req, s, site) for s in upcoming]
    else:
        lines.append(req.texts("schedule.no_upcoming"))
    return join_lines(lines)


def _case_keyboard(req: Request, case: Case) -> InlineKeyboardMarkup | None:
    """Under a running case with no PK, for whoever manages it: ask a Bapas for one."""
    if (
        case.pk_person_id is not None
        or case.status is not CaseStatus.ACTIVE
        or not authority.manages_case(req.actor, case)
    ):
        return None
    ask = req.texts.plain("pk_request.button")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(ask, callback_data=callbacks.encode(Prefix.ASK_PK, case.id))]]
    )


async def _staff_notes(req: Request, case: Case, figures: CaseFigures) -> list[Html]:
    """What the jaksa and PK must see and the offender need not: flags and rulings (the
    counts are the case's figures, as its PDF gives them)."""
    store = req.db.reader()
    notes = []
    flags = await store.attendance.flags_of_case(case.id)
    if flags:
        notes.append(req.texts("schedule.geofence_flags", count=len(flags)))
    absences = await store.attendance.absences_of_case(case.id)
    if absences:
        notes.append(
            req.texts(
                "schedule.absences",
                count=figures.absences,
                invalid=figures.absences_invalid,
                pending=sum(1 for a in absences if a["ruling"] is None),
            )
        )
    return notes


@command(Action.SCHEDULE)
async def schedule(req: Request) -> None:
    if req.context.args:
        code = req.context.args[0][:20]
        opened = await cases.open_case(req.origin, code=code, purpose="case.viewed")
        if opened.sight is Sight.NOT_YOURS and opened.case is not None:
            await refuse_object(
                req,
                f"case:{opened.case.id}",
                text_key="schedule.case_not_found",
                values={"code": code},
            )
        elif opened.case is None or opened.sight is not Sight.SHOWN:
            await req.reply(req.texts("schedule.case_not_found", code=code))
        else:
            await req.reply(
                await case_view(req, opened.case), reply_markup=_case_keyboard(req, opened.case)
            )
        return
    if authority.follows_from_office(req.actor):
        await _case_list(req, page=0)
        return
    store = req.db.reader()
    person = req.actor.person
    assert person is not None
    if authority.supervises(req.actor):
        await _site_week(req, await store.sites.supervised_by(person.id))
    if authority.serves_sentence(req.actor):
        own = await store.cases.of_offender(person.id)
        if not own:
            await req.reply(req.texts("schedule.no_case_yet"))
        for case in own:
            await req.reply(await case_view(req, case))


async def _case_list(req: Request, page: int, edit: bool = False) -> None:
    visible = await cases.visible_cases(req.db.reader(), req.actor)
    if not visible:
        await req.reply(req.texts("schedule.no_cases"))
        return
    keyboard = choices(
        [(f"{c.code} — {c.offender_name}", callbacks.encode(CASE, "c", c.id)) for c in visible],
        texts=req.texts,
        page=page,
        nav=lambda p: callbacks.encode(CASE, "p", p),
    )
    text = req.texts("schedule.choose_case", count=len(visible))
    query = req.update.callback_query
    if edit and query is not None:
        await query.edit_message_reply_markup(keyboard)
    else:
        await req.reply(text, reply_markup=keyboard)


@button(Action.SCHEDULE)
async def schedule_button(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, CASE, 2)
    number = callbacks.decode_int(parts[1]) if parts else None
    if parts is None or number is None or parts[0] not in ("c", "p"):
        await stale(req)
        return
    if parts[0] == "p":
        await query.answer()
        await _case_list(req, number, edit=True)
        return
    opened = await cases.open_case(req.origin, case_id=number, purpose="case.viewed")
    if opened.case is None or opened.sight is not Sight.SHOWN:
        # A case from a list this person was shown is theirs to open; one that is not (or no
        # longer exists) came from a forged or outdated button.
        await refuse_object(req, f"case:{number}")
        return
    await query.answer()
    await req.reply(
        await case_view(req, opened.case), reply_markup=_case_keyboard(req, opened.case)
    )


async def _site_week(req: Request, sites: list[Site]) -> None:
    if not sites:
        await req.reply(req.texts("schedule.no_sites"))
        return
    store = req.db.reader()
    for site in sites:
        today = req.now.astimezone(ZoneInfo(site.timezone)).date()
        monday = today - timedelta(days=today.weekday())
        sessions = await store.cases.site_sessions(site.id, monday, monday + timedelta(days=6))
        lines = [
            req.texts(
                "schedule.site_header", site=site.name, week=format_day(monday, req.texts.lang)
            )
        ]
        if not sessions:
            lines.append(req.texts("schedule.site_empty"))
        cases: dict[int, Case | None] = {}
        for session in sessions:
            if session.case_id not in cases:
                cases[session.case_id] = await store.cases.get(session.case_id)
            case = cases[session.case_id]
            lines.append(
                req.texts(
                    "schedule.site_line",
                    session=session_line(req, session, site),
                    code=case.code if case else "?",
                    name=case.offender_name if case else "?",
                )
            )
        await req.reply(join_lines(lines))

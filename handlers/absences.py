"""Absences: the pengawas reports one (``/tidakhadir``), an offender asks in advance
(``/izin``), and the jaksa rules it *sah* (valid reason) or *tidak sah* with a button.

Supervisors flag, prosecutors decide: an absence ruled *tidak sah* is recorded against the
case with the consequence its decision ordered (KUHP Pasal 85 ayat 7).

The report and the request for leave are two flows of the engine in ``handlers.forms``; the
rules are ``services.absences``'s.
"""

from datetime import date

from telegram.ext import ContextTypes, ConversationHandler

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.models import Case
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import (
    DONE,
    ButtonEntry,
    Choice,
    Draft,
    Finished,
    Form,
    Invalid,
    Next,
    Stale,
    Step,
    build,
)
from handlers.registry import ABSENT, LEAVE
from handlers.render import session_line
from handlers.supervision import CODE_RE, Photo
from services import absences, evidence
from services.absences import CATEGORIES, REASON_MAX, Outcome
from services.attendance import Message
from texts.formatting import format_day

PREFIX = Prefix.ABSENCE
RSVP = Prefix.RSVP
MARK = Prefix.MARK_ABSENT
LEAVE_PREFIX = Prefix.LEAVE
TIMEOUT_SECONDS = 30 * 60


async def _has(key: str, draft: Draft) -> bool:
    return key in draft


# -- the pengawas reports -------------------------------------------------------------------


def _chose(draft: Draft, case: Case) -> None:
    draft.update({"case_id": case.id, "name": case.offender_name})


async def _absent_args(req: Request, draft: Draft, args: list[str]) -> Next:
    if args and (match := CODE_RE.search(" ".join(args))):
        store = req.db.reader()
        case = await absences.case_to_flag(
            store, req.origin, await store.cases.by_code(match.group(0))
        )
        if case is None:
            raise Finished(req.texts("attendance.not_your_case", code=match.group(0)))
        _chose(draft, case)
    return None


async def _from_followup(req: Request, draft: Draft, parts: list[str]) -> Next:
    """ "Mark absent" under the 30-minute follow-up: straight to the category."""
    _chose(draft, await _pressed_case(req, callbacks.decode_int(parts[0])))
    return None


async def _pressed_case(req: Request, case_id: int | None) -> Case:
    """The case a button names, if I may still flag it (a list goes stale as cases end)."""
    store = req.db.reader()
    case = await store.cases.get(case_id) if case_id else None
    found = await absences.case_to_flag(store, req.origin, case)
    if found is None:
        raise Stale
    return found


async def _cases(req: Request, draft: Draft) -> list[Choice]:
    cases = await absences.cases_to_flag(req.db.reader(), req.origin)
    if not cases:
        raise Finished(req.texts("absence.no_cases"))
    return [Choice(f"{c.offender_name} · {c.code}", str(c.id)) for c in cases[:30]]


async def _case_chosen(req: Request, draft: Draft, value: str) -> Next:
    _chose(draft, await _pressed_case(req, callbacks.decode_int(value)))
    return None


async def _categories(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(req.texts.plain(f"absence.category.{c}"), c) for c in CATEGORIES]


async def _category(req: Request, draft: Draft, value: str) -> Next:
    if value not in CATEGORIES:
        raise Stale
    draft["category"] = value
    return None


# -- the offender asks in advance -----------------------------------------------------------


async def _leave_sessions(req: Request, draft: Draft) -> list[Choice]:
    """The offender's next sessions: leave is asked for one chosen session."""
    store = req.db.reader()
    choices = await absences.leave_choices(store, req.origin)
    if not choices:
        raise Finished(req.texts("schedule.no_upcoming"))
    sites = {s.id: s for s in await store.sites.all()}
    return [
        Choice(
            str(session_line(req, session, sites[case.site_id])).removeprefix("• "),
            str(session.id),
        )
        for case, session in choices
    ]


async def _leave_session(req: Request, draft: Draft, value: str) -> Next:
    chosen = await absences.leave_session(req.db.reader(), req.origin, callbacks.decode_int(value))
    if chosen is None:
        raise Stale
    case, session = chosen
    _ask_leave(draft, case, session.day)
    return None


async def _reminder_answer(req: Request, draft: Draft, parts: list[str]) -> Next:
    """The buttons under a reminder: "I will attend" is thanked, "I can't" asks why."""
    session_id = callbacks.decode_int(parts[0])
    if parts[1] not in ("y", "n") or session_id is None:
        raise Stale
    answered = await absences.answer_reminder(
        req.origin, session_id=session_id, attending=parts[1] == "y"
    )
    if answered.outcome is not Outcome.DONE or answered.case is None or answered.day is None:
        raise Stale
    query = req.update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(None)
    if parts[1] == "y":
        await req.reply(req.texts("reminder.thanks"))
        return DONE
    _ask_leave(draft, answered.case, answered.day)
    return None


def _ask_leave(draft: Draft, case: Case, day: date) -> None:
    _chose(draft, case)
    draft["day"] = day.isoformat()


# -- both: the reason, with optional evidence -----------------------------------------------


async def _reason_text(req: Request, draft: Draft, text: str) -> Next:
    return await _reason(req, draft, text, None)


async def _reason_letter(req: Request, draft: Draft, photo: Photo) -> Next:
    """A photo or file of a letter (a doctor's, a summons), its caption the reason."""
    message = req.update.message
    assert message is not None
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        raise Invalid(req.texts("attendance.photo_too_big"))
    return await _reason(req, draft, message.caption or "", photo)


async def _reason(req: Request, draft: Draft, text: str, photo: Photo | None) -> Next:
    by_offender = "day" in draft
    text = " ".join(text.split())
    if text == "-":
        text = ""
    category = "izin" if by_offender else str(draft.get("category", ""))
    if not absences.reason_acceptable(
        text, category=category, by_offender=by_offender, with_letter=photo is not None
    ):
        raise Invalid(req.texts("absence.bad_reason", max=REASON_MAX))
    message = req.update.message
    assert message is not None
    where = Message(message.chat_id, message.message_id, message.date)
    if by_offender:
        result = await absences.request_leave(
            req.origin,
            case_id=int(draft["case_id"]),
            day=date.fromisoformat(draft["day"]),
            reason=text,
            message=where,
            photo=photo,
        )
    else:
        result = await absences.flag_absence(
            req.origin,
            case_id=int(draft["case_id"]),
            category=category,
            reason=text,
            message=where,
            photo=photo,
        )
    if result.outcome is Outcome.BAD_REASON:
        raise Invalid(req.texts("absence.bad_reason", max=REASON_MAX))
    await _reported(req, result, photo, by_offender)
    return DONE


async def _reported(
    req: Request, result: absences.Reported, photo: Photo | None, by_offender: bool
) -> None:
    case, day = result.case, result.day
    if case is None:
        return
    if result.outcome in (Outcome.NOT_YOURS, Outcome.CASE_FINISHED):
        # The case ended (or the site changed hands) while the reason was being typed.
        key = "schedule.no_upcoming" if by_offender else "attendance.not_your_case"
        await req.reply(req.texts(key, code=case.code))
        return
    assert day is not None
    if result.outcome is Outcome.ALREADY:
        await req.reply(req.texts("absence.already", day=format_day(day, req.texts.lang)))
        return
    if result.outcome is Outcome.PRESENT:
        await req.reply(req.texts("session.already_present", name=case.offender_name))
        return
    if result.outcome is Outcome.NOT_NOW and result.life is not None:
        state = req.texts.plain(f"life.{result.life}")
        await req.reply(req.texts("absence.not_now", name=case.offender_name, state=state))
        return
    if result.outcome is Outcome.STALE:  # the chosen session began while the reason was typed
        await req.reply(req.texts("schedule.no_upcoming"))
        return
    await req.reply(
        req.texts("absence.recorded", name=case.offender_name, day=format_day(day, req.texts.lang))
    )
    if result.evidence_id is not None and photo is not None:
        # After the answer: the record holds the file id, and a failed download is retried.
        await evidence.keep(
            req.context.bot,
            req.db,
            result.evidence_id,
            photo.file_id,
            req.services.evidence_dir,
            req.now,
        )


def _reason_step(prompt: str) -> Step:
    return Step(
        "reason",
        lambda r, d: (
            r.texts(prompt, day=format_day(date.fromisoformat(d["day"]), r.texts.lang))
            if "day" in d
            else r.texts(prompt)
        ),
        on_text=_reason_text,
        on_photo=_reason_letter,
        any_document=True,
        tag="r",
    )


ABSENCE_FLOW = Form(
    name="absence",
    prefix=PREFIX,
    command=ABSENT,
    action=Action.ATTENDANCE,
    start=_absent_args,
    entries=(ButtonEntry(MARK, 1, _from_followup),),
    steps=(
        Step(
            "case",
            lambda r, d: r.texts("absence.choose"),
            on_choice=_case_chosen,
            choices=_cases,
            skip=lambda r, d: _has("case_id", d),
            tag="c",
        ),
        Step(
            "category",
            lambda r, d: r.texts("absence.ask_category", name=d["name"]),
            on_choice=_category,
            choices=_categories,
            tag="k",
        ),
        _reason_step("absence.ask_reason"),
    ),
    timeout_seconds=TIMEOUT_SECONDS,
)

LEAVE_FLOW = Form(
    name="leave",
    prefix=LEAVE_PREFIX,
    command=LEAVE,
    action=Action.PROGRESS,
    entries=(ButtonEntry(RSVP, 2, _reminder_answer),),
    steps=(
        Step(
            "session",
            lambda r, d: r.texts("absence.choose_leave"),
            on_choice=_leave_session,
            choices=_leave_sessions,
            skip=lambda r, d: _has("day", d),
            tag="s",
        ),
        _reason_step("absence.ask_leave"),
    ),
    timeout_seconds=TIMEOUT_SECONDS,
)


def conversations() -> list[ConversationHandler[ContextTypes.DEFAULT_TYPE]]:
    return [build(ABSENCE_FLOW), build(LEAVE_FLOW)]

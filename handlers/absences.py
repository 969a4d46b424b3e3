"""Absences: the pengawas reports one (``/tidakhadir``), an offender asks in advance
(``/izin``), and the jaksa rules it *sah* (valid reason) or *tidak sah* with a button.

Supervisors flag, prosecutors decide: an absence ruled *tidak sah* is recorded against the
case with the consequence its decision ordered (KUHP Pasal 85 ayat 7).
"""

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.models import Case, Site
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import allowed, button, refuse_object, stale, step
from handlers.registry import ABSENT, LEAVE
from handlers.render import session_line
from handlers.supervision import CODE_RE, Photo, photo_of
from services import absences, evidence
from services.absences import CATEGORIES, OFFENDER, REASON_MAX, RULE, SUPERVISOR, Outcome
from services.attendance import Message
from texts.formatting import format_day

PICK, CATEGORY, REASON = range(3)
END = ConversationHandler.END
FLOW = "absence"
PREFIX = Prefix.ABSENCE
RSVP = Prefix.RSVP
MARK = Prefix.MARK_ABSENT
LEAVE_PREFIX = Prefix.LEAVE


def _flow(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    flow: dict[str, Any] = context.user_data.setdefault(FLOW, {})
    return flow


# -- the pengawas reports -------------------------------------------------------------------


@step(Action.ATTENDANCE)
async def absent_command(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _flow(context).clear()
    store = req.db.reader()
    if context.args and (match := CODE_RE.search(" ".join(context.args))):
        case = await absences.case_to_flag(
            store, req.origin, await store.cases.by_code(match.group(0))
        )
        if case is None:
            await req.reply(req.texts("attendance.not_your_case", code=match.group(0)))
            return END
        return await _ask_category(req, context, case)
    cases = await absences.cases_to_flag(store, req.origin)
    if not cases:
        await req.reply(req.texts("absence.no_cases"))
        return END
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{c.offender_name} · {c.code}",
                    callback_data=callbacks.encode(PREFIX, "c", c.id),
                )
            ]
            for c in cases[:30]
        ]
    )
    await req.reply(req.texts("absence.choose"), reply_markup=keyboard)
    return PICK


@step(Action.ATTENDANCE)
async def marked_from_followup(
    req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> int:
    """ "Mark absent" under the 30-minute follow-up: straight to the reason."""
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, MARK, 1)
    case = await _pressed_case(req, callbacks.decode_int(parts[0]) if parts else None)
    if case is None:
        await stale(req)
        return END
    await query.answer()
    _flow(context).clear()
    return await _ask_category(req, context, case)


@step(Action.ATTENDANCE)
async def picked(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    case = await _pressed_case(
        req, callbacks.decode_int(parts[1]) if parts and parts[0] == "c" else None
    )
    if case is None:
        await stale(req)
        return PICK
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _ask_category(req, context, case)


async def _pressed_case(req: Request, case_id: int | None) -> Case | None:
    """The case a button names, if I may still flag it (a list goes stale as cases end)."""
    store = req.db.reader()
    case = await store.cases.get(case_id) if case_id else None
    return await absences.case_to_flag(store, req.origin, case)


async def _ask_category(req: Request, context: ContextTypes.DEFAULT_TYPE, case: Case) -> int:
    _flow(context).update({"case_id": case.id, "source": SUPERVISOR})
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    req.texts.plain(f"absence.category.{c}"),
                    callback_data=callbacks.encode(PREFIX, "k", c),
                )
            ]
            for c in CATEGORIES
        ]
    )
    await req.reply(
        req.texts("absence.ask_category", name=case.offender_name), reply_markup=keyboard
    )
    return CATEGORY


@step(Action.ATTENDANCE)
async def category(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    if parts is None or parts[0] != "k" or parts[1] not in CATEGORIES:
        await stale(req)
        return CATEGORY
    await query.answer()
    await query.edit_message_reply_markup(None)
    _flow(context)["category"] = parts[1]
    await req.reply(req.texts("absence.ask_reason"))
    return REASON


# -- the offender asks in advance -----------------------------------------------------------


@step(Action.PROGRESS)
async def leave_command(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The offender's next sessions as buttons: leave is asked for one chosen session."""
    _flow(context).clear()
    choices = await absences.leave_choices(req.db.reader(), req.origin)
    if not choices:
        await req.reply(req.texts("schedule.no_upcoming"))
        return END
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    str(session_line(req, session, await _site_of(req, case))).removeprefix("• "),
                    callback_data=callbacks.encode(LEAVE_PREFIX, session.id),
                )
            ]
            for case, session in choices
        ]
    )
    await req.reply(req.texts("absence.choose_leave"), reply_markup=keyboard)
    return PICK


@step(Action.PROGRESS)
async def leave_picked(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, LEAVE_PREFIX, 1)
    session_id = callbacks.decode_int(parts[0]) if parts else None
    chosen = await absences.leave_session(req.db.reader(), req.origin, session_id)
    if chosen is None:
        await stale(req)
        return END
    await query.answer()
    await query.edit_message_reply_markup(None)
    case, session = chosen
    return await _ask_leave(req, context, case, session.day)


async def _site_of(req: Request, case: Case) -> Site:
    site = await req.db.reader().sites.get(case.site_id)
    assert site is not None
    return site


@step(Action.PROGRESS)
async def reminder_answer(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The buttons under a reminder: "I will attend" is thanked, "I can't" asks why."""
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, RSVP, 2)
    session_id = callbacks.decode_int(parts[0]) if parts else None
    if parts is None or parts[1] not in ("y", "n") or session_id is None:
        await stale(req)
        return END
    answered = await absences.answer_reminder(
        req.origin, session_id=session_id, attending=parts[1] == "y"
    )
    if answered.outcome is not Outcome.DONE or answered.case is None or answered.day is None:
        await stale(req)
        return END
    await query.answer()
    await query.edit_message_reply_markup(None)
    if parts[1] == "y":
        await req.reply(req.texts("reminder.thanks"))
        return END
    _flow(context).clear()
    return await _ask_leave(req, context, answered.case, answered.day)


async def _ask_leave(
    req: Request, context: ContextTypes.DEFAULT_TYPE, case: Case, day: date
) -> int:
    _flow(context).update(
        {"case_id": case.id, "source": OFFENDER, "category": "izin", "day": day.isoformat()}
    )
    await req.reply(req.texts("absence.ask_leave", day=format_day(day, req.texts.lang)))
    return REASON


# -- both: the reason, with optional evidence -----------------------------------------------


async def reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await Request.load(update, context)
    flow = _flow(context)
    by_offender = flow.get("source") == OFFENDER
    if not await allowed(req, Action.PROGRESS if by_offender else Action.ATTENDANCE):
        return END
    message = update.message
    assert message is not None
    photo = photo_of(message)
    if photo is None and message.document is not None:
        photo = Photo(
            message.document.file_id, message.document.file_unique_id, message.document.file_size
        )
    text = " ".join((message.text or message.caption or "").split())
    if text == "-":
        text = ""
    if not absences.reason_acceptable(
        text,
        category=str(flow.get("category", "")),
        by_offender=by_offender,
        with_letter=photo is not None,
    ):
        await req.reply(req.texts("absence.bad_reason", max=REASON_MAX))
        return REASON
    if photo is not None and photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        await req.reply(req.texts("attendance.photo_too_big"))
        return REASON
    case_id = int(flow.get("case_id", 0))
    if not case_id or "category" not in flow:
        return END
    where = Message(message.chat_id, message.message_id, message.date)
    if by_offender:
        result = await absences.request_leave(
            req.origin,
            case_id=case_id,
            day=date.fromisoformat(flow["day"]),
            reason=text,
            message=where,
            photo=photo,
        )
    else:
        result = await absences.flag_absence(
            req.origin,
            case_id=case_id,
            category=flow["category"],
            reason=text,
            message=where,
            photo=photo,
        )
    if result.outcome is Outcome.BAD_REASON:
        await req.reply(req.texts("absence.bad_reason", max=REASON_MAX))
        return REASON
    flow.clear()
    return await _reported(req, result, photo, by_offender)


async def _reported(
    req: Request, result: absences.Reported, photo: Photo | None, by_offender: bool
) -> int:
    case, day = result.case, result.day
    if case is None:
        return END
    if result.outcome in (Outcome.NOT_YOURS, Outcome.CASE_FINISHED):
        # The case ended (or the site changed hands) while the reason was being typed.
        key = "schedule.no_upcoming" if by_offender else "attendance.not_your_case"
        await req.reply(req.texts(key, code=case.code))
        return END
    assert day is not None
    if result.outcome is Outcome.ALREADY:
        await req.reply(req.texts("absence.already", day=format_day(day, req.texts.lang)))
        return END
    if result.outcome is Outcome.PRESENT:
        await req.reply(req.texts("session.already_present", name=case.offender_name))
        return END
    if result.outcome is Outcome.STALE:  # the chosen session began while the reason was typed
        await req.reply(req.texts("schedule.no_upcoming"))
        return END
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
    return END


@button(Action.RULE_ABSENCE)
async def rule(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, RULE, 2)
    absence_id = callbacks.decode_int(parts[1]) if parts else None
    if parts is None or parts[0] not in ("s", "t") or absence_id is None:
        await stale(req)
        return
    result = await absences.rule_absence(req.origin, absence_id=absence_id, valid=parts[0] == "s")
    case = result.case
    if result.outcome is Outcome.STALE or case is None:
        await stale(req)
        return
    if result.outcome is Outcome.NOT_YOURS:
        await refuse_object(req, f"absence:{absence_id}")
        return
    if result.outcome is Outcome.ALREADY:
        await query.answer(req.texts.plain("absence.already_ruled"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    key = "absence.ruled_valid" if result.ruling == "sah" else "absence.ruled_invalid"
    await req.reply(
        req.texts(
            key,
            code=case.code,
            consequence=req.texts.plain(f"consequence.{case.consequence.value}"),
            penalty=case.replaced_penalty,
        )
    )


async def expect_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("expected_button"))


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    not_command = PRIVATE & ~filters.COMMAND
    fallbacks = cancel_fallback(FLOW)
    return ConversationHandler(
        entry_points=[
            CommandHandler(list(ABSENT.names), absent_command, filters=FOR_ME),
            CommandHandler(list(LEAVE.names), leave_command, filters=FOR_ME),
            CallbackQueryHandler(reminder_answer, pattern=rf"^{RSVP}:"),
            CallbackQueryHandler(marked_from_followup, pattern=rf"^{MARK}:"),
        ],
        states={
            PICK: [
                CallbackQueryHandler(picked, pattern=rf"^{PREFIX}:"),
                CallbackQueryHandler(leave_picked, pattern=rf"^{LEAVE_PREFIX}:"),
                MessageHandler(not_command, expect_button),
            ],
            CATEGORY: [
                CallbackQueryHandler(category, pattern=rf"^{PREFIX}:"),
                MessageHandler(not_command, expect_button),
            ],
            REASON: [
                MessageHandler(
                    not_command & (filters.TEXT | filters.PHOTO | filters.Document.ALL), reason
                )
            ],
        },
        fallbacks=fallbacks,
        conversation_timeout=30 * 60,
        name="absence",
        persistent=True,
        allow_reentry=True,
    )

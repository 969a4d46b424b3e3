"""``/ubah_jadwal KS-…``: move or cancel one planned session, always with a reason.

The chat only asks: which session, move or cancel, why, and to which day. The rules of a
move, the record of the change and the offender's notice are ``services.rescheduling``'s.
"""

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
from domain.parsing import parse_date
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import refuse_object, stale, step
from handlers.registry import RESCHEDULE
from handlers.render import session_line
from services import rescheduling
from services.rescheduling import REASON_MAX, REASON_MIN, Changed, Outcome

PREFIX = Prefix.RESCHEDULE
CHOOSE, REASON, NEW_DATE = range(3)
END = ConversationHandler.END
PENDING = "reschedule"
#: Why a move was refused, as the jaksa reads it; they are asked for another date.
_MOVE_PROBLEMS = {
    Outcome.OUTSIDE_PERIOD: "reschedule.outside_period",
    Outcome.DAY_OFF: "reschedule.day_off",
    Outcome.ALREADY_THAT_DAY: "reschedule.already_that_day",
    Outcome.SITE_FULL: "reschedule.site_full",
}


@step(Action.RESCHEDULE)
async def start(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not context.args:
        await req.reply(req.texts("reschedule.usage"))
        return END
    code = context.args[0][:20]
    found = await rescheduling.upcoming(req.db.reader(), req.origin, code)
    if found is None:
        await req.reply(req.texts("schedule.case_not_found", code=code))
        return END
    if not found.sessions:
        await req.reply(req.texts("schedule.no_upcoming"))
        return END
    buttons = [
        [
            InlineKeyboardButton(
                session_line(req, s, found.site).lstrip("• "),
                callback_data=callbacks.encode(PREFIX, "s", s.id),
            )
        ]
        for s in found.sessions[:20]
    ]
    await req.reply(
        req.texts("reschedule.choose", code=found.case.code),
        reply_markup=InlineKeyboardMarkup(buttons),
    )
    return CHOOSE


@step(Action.RESCHEDULE)
async def chosen(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    session_id = callbacks.decode_int(parts[1]) if parts else None
    found = await rescheduling.session_to_change(req.db.reader(), req.origin, session_id)
    if parts is None or found.outcome is Outcome.STALE:
        await stale(req)
        return CHOOSE
    session = found.session
    assert session is not None
    if found.outcome is Outcome.NOT_YOURS:
        await refuse_object(req, f"session:{session.id}")
        return END
    await query.answer()
    if parts[0] == "s":
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        req.texts.plain("reschedule.move"),
                        callback_data=callbacks.encode(PREFIX, "m", session.id),
                    ),
                    InlineKeyboardButton(
                        req.texts.plain("reschedule.cancel"),
                        callback_data=callbacks.encode(PREFIX, "x", session.id),
                    ),
                ]
            ]
        )
        await query.edit_message_reply_markup(keyboard)
        return CHOOSE
    await query.edit_message_reply_markup(None)
    assert context.user_data is not None
    context.user_data[PENDING] = {"session_id": session.id, "kind": parts[0]}
    await req.reply(req.texts("reschedule.ask_reason"))
    return REASON


@step(Action.RESCHEDULE)
async def reason(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None and context.user_data is not None
    text = " ".join((update.message.text or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        await req.reply(req.texts("reschedule.bad_reason", min=REASON_MIN, max=REASON_MAX))
        return REASON
    pending = context.user_data.get(PENDING) or {}
    pending["reason"] = text
    if pending.get("kind") == "m":
        await req.reply(req.texts("reschedule.ask_date"))
        return NEW_DATE
    result = await rescheduling.cancel_session(
        req.origin, session_id=int(str(pending.get("session_id", 0))), reason=text
    )
    return await _answer(req, context, result)


@step(Action.RESCHEDULE)
async def new_date(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None and context.user_data is not None
    day = parse_date(update.message.text or "")
    if day is None:
        await req.reply(req.texts("case.bad_date"))
        return NEW_DATE
    pending = context.user_data.get(PENDING) or {}
    result = await rescheduling.move_session(
        req.origin,
        session_id=int(str(pending.get("session_id", 0))),
        day=day,
        reason=str(pending.get("reason", "")),
    )
    return await _answer(req, context, result)


async def _answer(req: Request, context: ContextTypes.DEFAULT_TYPE, result: Changed) -> int:
    case, site, session = result.case, result.site, result.session
    if result.outcome in _MOVE_PROBLEMS and case is not None:
        deadline = case.deadline.strftime("%d-%m-%Y")
        await req.reply(req.texts(_MOVE_PROBLEMS[result.outcome], deadline=deadline))
        return NEW_DATE
    if result.outcome is Outcome.BAD_REASON:
        await req.reply(req.texts("reschedule.bad_reason", min=REASON_MIN, max=REASON_MAX))
        return REASON
    if result.outcome is Outcome.NOT_YOURS and session is not None:
        await refuse_object(req, f"session:{session.id}")
        return END
    if result.outcome not in (Outcome.MOVED, Outcome.CANCELLED):
        await req.reply(req.texts("stale_button"))
        return END
    assert case is not None and site is not None and session is not None
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    key = "reschedule.cancelled" if result.outcome is Outcome.CANCELLED else "reschedule.moved"
    await req.reply(req.texts(key, code=case.code, session=session_line(req, session, site)))
    return END


async def expect_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    req = await Request.load(update, context)
    await req.reply(req.texts("expected_text", prompt=req.texts("reschedule.ask_reason")))


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    other = PRIVATE & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(list(RESCHEDULE.names), start, filters=FOR_ME)],
        states={
            CHOOSE: [CallbackQueryHandler(chosen, pattern=rf"^{PREFIX}:")],
            REASON: [MessageHandler(text, reason), MessageHandler(other, expect_text)],
            NEW_DATE: [MessageHandler(text, new_date), MessageHandler(other, expect_text)],
        },
        fallbacks=cancel_fallback(PENDING),
        conversation_timeout=20 * 60,
        name="reschedule",
        persistent=True,
        allow_reentry=True,
    )

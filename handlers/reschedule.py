"""``/ubah_jadwal KS-…``: move or cancel one planned session, always with a reason.

Each change is kept as a session event (old time, new time, reason, who, when), so the
reminders feature can tell the offender and the pengawas, and the audit log has it too.
A move is held to the same limits as planning: within the deadline, not on a day off, one
session a day for the offender, and no more offenders than the site holds.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
from domain.models import Case, Session
from domain.parsing import parse_date
from domain.permissions import Action
from domain.roles import Role
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import step
from handlers.registry import RESCHEDULE
from handlers.render import session_line
from services.scheduling import days_off_between

PREFIX = "ubj"  # ubj:v1:s|m|x:<session id>
CHOOSE, REASON, NEW_DATE = range(3)
END = ConversationHandler.END
PENDING = "reschedule"
REASON_MIN, REASON_MAX = 5, 300


def _may_change(req: Request, case: Case) -> bool:
    return req.actor.is_admin or case.agency_id in req.actor.agencies_as(Role.JAKSA)


@step(Action.RESCHEDULE)
async def start(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not context.args:
        await req.reply(req.texts("reschedule.usage"))
        return END
    code = context.args[0][:20]
    case = await req.db.reader().cases.by_code(code)
    if case is None or not _may_change(req, case):
        await req.reply(req.texts("schedule.case_not_found", code=code))
        return END
    site = await req.db.reader().sites.get(case.site_id)
    assert site is not None
    today = req.now.astimezone(ZoneInfo(site.timezone)).date()
    upcoming = [s for s in await req.db.reader().cases.sessions_of(case.id) if s.day >= today]
    if not upcoming:
        await req.reply(req.texts("schedule.no_upcoming"))
        return END
    buttons = [
        [
            InlineKeyboardButton(
                session_line(req, s, site).lstrip("• "),
                callback_data=callbacks.encode(PREFIX, "s", s.id),
            )
        ]
        for s in upcoming[:20]
    ]
    await req.reply(
        req.texts("reschedule.choose", code=case.code), reply_markup=InlineKeyboardMarkup(buttons)
    )
    return CHOOSE


async def _session_for(req: Request, value: str) -> tuple[Session, Case] | None:
    session_id = callbacks.decode_int(value)
    store = req.db.reader()
    session = await store.cases.session(session_id) if session_id else None
    case = await store.cases.get(session.case_id) if session else None
    if session is None or case is None or session.status != "planned":
        return None
    return session, case


@step(Action.RESCHEDULE)
async def chosen(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    found = await _session_for(req, parts[1]) if parts else None
    if parts is None or found is None:
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return CHOOSE
    session, case = found
    if not _may_change(req, case):
        await query.answer(req.texts.plain("refused_button"), show_alert=True)
        await req.audit("refused", subject=f"session:{session.id}")
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
    return await _apply(req, context, pending, None)


@step(Action.RESCHEDULE)
async def new_date(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None and context.user_data is not None
    day = parse_date(update.message.text or "")
    if day is None:
        await req.reply(req.texts("case.bad_date"))
        return NEW_DATE
    return await _apply(req, context, context.user_data.get(PENDING) or {}, day)


async def _problem_with_move(req: Request, session: Session, case: Case, day: date) -> str | None:
    store = req.db.reader()
    site = await store.sites.get(session.site_id)
    assert site is not None
    today = req.now.astimezone(ZoneInfo(site.timezone)).date()
    if day < today or day > case.deadline or day < case.start_date:
        return "reschedule.outside_period"
    if day in await days_off_between(store, day, day):
        return "reschedule.day_off"
    if any(s.day == day and s.id != session.id for s in await store.cases.sessions_of(case.id)):
        return "reschedule.already_that_day"
    bookings = await store.cases.site_bookings(site.id, day, day, excluding_case=case.id)
    if bookings.get(day, 0) >= site.capacity:
        return "reschedule.site_full"
    return None


async def _apply(
    req: Request, context: ContextTypes.DEFAULT_TYPE, pending: dict[str, object], day: date | None
) -> int:
    session_id = int(str(pending.get("session_id", 0)))
    store = req.db.reader()
    session = await store.cases.session(session_id)
    case = await store.cases.get(session.case_id) if session else None
    if session is None or case is None or session.status != "planned":
        await req.reply(req.texts("stale_button"))
        return END
    if day is not None and (problem := await _problem_with_move(req, session, case, day)):
        await req.reply(req.texts(problem, deadline=case.deadline.strftime("%d-%m-%Y")))
        return NEW_DATE
    site = await store.sites.get(session.site_id)
    assert site is not None
    new_start: datetime | None = None
    async with req.transaction() as tx:
        if day is None:
            await tx.cases.cancel_session(session.id)
            kind = "cancelled"
        else:
            zone = ZoneInfo(site.timezone)
            new_start = datetime.combine(
                day, session.starts_at.astimezone(zone).time(), tzinfo=zone
            )
            await tx.cases.move_session(
                session.id,
                day=day,
                starts_at=new_start,
                ends_at=new_start + timedelta(minutes=session.minutes),
            )
            kind = "moved"
        await tx.cases.add_session_event(
            session_id=session.id,
            kind=kind,
            old_starts_at=session.starts_at,
            new_starts_at=new_start,
            reason=str(pending.get("reason", "")),
            by=req.actor.person.id if req.actor.person else None,
            now=req.now,
        )
        await tx.audit.append(
            action=f"session.{kind}",
            subject=f"session:{session.id}",
            detail={"case_id": case.id},
            **req.audit_fields(),
        )
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    moved = await req.db.reader().cases.session(session.id)
    assert moved is not None
    key = "reschedule.cancelled" if day is None else "reschedule.moved"
    await req.reply(req.texts(key, code=case.code, session=session_line(req, moved, site)))
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
        allow_reentry=True,
    )

"""``/koreksi KS-…``: a jaksa or admin corrects an attendance record, always with a reason.

A correction is a new event; the original stays in the events and the audit log, and the
ledger is recomputed from all of them. "hapus" voids a record entered for the wrong person.
"""

import re
from datetime import datetime
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
from domain.ledger import EventKind, credit_for, fold
from domain.models import Case
from domain.parsing import parse_time
from domain.permissions import Action
from domain.roles import Role
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import step
from handlers.registry import CORRECT
from handlers.render import progress_line
from handlers.supervision import CODE_RE
from services import completion
from services.ledger import ledger_of, record_ledger
from texts import Html
from texts.formatting import format_day, format_duration

CHOOSE, CHANGE = range(2)
END = ConversationHandler.END
PREFIX = "kor"  # kor:v1:a:<attendance id>
FLOW = "correction"
SHOWN = 10
REASON_MIN = 5
_RANGE = re.compile(
    r"^\s*(\S+)\s*[-–]\s*(\S+)\s+(?:(?:istirahat|break)\s+(\d{1,3})\s+)?(.+)$", re.I
)
_VOID = re.compile(r"^\s*(hapus|void)\s+(.+)$", re.IGNORECASE)


def _may_correct(req: Request, case: Case) -> bool:
    return req.actor.is_admin or case.agency_id in req.actor.agencies_as(Role.JAKSA)


@step(Action.CORRECT)
async def start(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    match = CODE_RE.search(" ".join(context.args or []))
    if match is None:
        await req.reply(req.texts("correction.usage"))
        return END
    store = req.db.reader()
    case = await store.cases.by_code(match.group(0))
    if case is None or not _may_correct(req, case):
        await req.reply(req.texts("schedule.case_not_found", code=match.group(0)))
        return END
    site = await store.sites.get(case.site_id)
    assert site is not None
    ledger = await ledger_of(store, case, site)
    records = [r for r in fold(await store.attendance.events_of_case(case.id)) if not r.void]
    if not records:
        await req.reply(req.texts("correction.none", code=case.code))
        return END
    zone = ZoneInfo(site.timezone)
    rows = []
    for record in records[-SHOWN:]:
        start_local = record.start.astimezone(zone)
        end = f"{record.end.astimezone(zone):%H.%M}" if record.end else "…"
        label = (
            f"{format_day(start_local.date(), req.texts.lang)} {start_local:%H.%M}–{end}"
            f" ({format_duration(credit_for(ledger, record.id), req.texts.lang)})"
        )
        rows.append(
            [InlineKeyboardButton(label, callback_data=callbacks.encode(PREFIX, "a", record.id))]
        )
    assert context.user_data is not None
    context.user_data[FLOW] = {"case_id": case.id}
    await req.reply(
        req.texts("correction.choose", code=case.code), reply_markup=InlineKeyboardMarkup(rows)
    )
    return CHOOSE


@step(Action.CORRECT)
async def chosen(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    parts = callbacks.decode(query.data, PREFIX, 2)
    attendance_id = callbacks.decode_int(parts[1]) if parts else None
    found = await req.db.reader().attendance.attendance(attendance_id) if attendance_id else None
    flow = context.user_data.get(FLOW) or {}
    if found is None or found[0] != flow.get("case_id"):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return CHOOSE
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow["attendance_id"] = attendance_id
    await req.reply(req.texts("correction.ask", min=REASON_MIN))
    return CHANGE


@step(Action.CORRECT)
async def change(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None and context.user_data is not None
    flow = context.user_data.get(FLOW) or {}
    store = req.db.reader()
    case = await store.cases.get(int(flow.get("case_id", 0)))
    site = await store.sites.get(case.site_id) if case else None
    record = next(
        (
            r
            for r in fold(await store.attendance.events_of_case(case.id if case else 0))
            if r.id == flow.get("attendance_id")
        ),
        None,
    )
    if case is None or site is None or record is None:
        return END
    text = update.message.text or ""
    kind, start, end, reason = EventKind.CORRECTION, None, None, ""
    break_minutes: int | None = None
    if void := _VOID.match(text):
        kind, reason = EventKind.VOID, void.group(2).strip()
    elif found := _RANGE.match(text):
        first, last = parse_time(found.group(1)), parse_time(found.group(2))
        reason = found.group(4).strip()
        break_minutes = int(found.group(3)) if found.group(3) else None
        if first is None or last is None:
            await req.reply(req.texts("correction.ask", min=REASON_MIN))
            return CHANGE
        zone = ZoneInfo(site.timezone)
        day = record.start.astimezone(zone).date()
        start = datetime.combine(day, first, tzinfo=zone)
        end = datetime.combine(day, last, tzinfo=zone)
        if end <= start:
            await req.reply(req.texts("attendance.end_before_start"))
            return CHANGE
        if end > req.now:
            await req.reply(req.texts("attendance.end_in_future"))
            return CHANGE
    else:
        await req.reply(req.texts("correction.ask", min=REASON_MIN))
        return CHANGE
    if len(reason) < REASON_MIN:
        await req.reply(req.texts("correction.ask", min=REASON_MIN))
        return CHANGE
    async with req.transaction() as tx:
        await tx.attendance.add_event(
            attendance_id=record.id,
            kind=kind,
            by=req.actor.person.id if req.actor.person else None,
            now=req.now,
            start=start,
            end=end,
            break_minutes=break_minutes,
            manual=True,
            reason=reason[:300],
            chat_id=update.message.chat_id,
            message_id=update.message.message_id,
        )
        ledger = await record_ledger(tx, case, site)
        notices = await completion.settle(tx, case, ledger, now=req.now)
        await tx.audit.append(
            action="attendance.corrected",
            subject=f"case:{case.id}",
            detail={
                "attendance_id": record.id,
                "kind": kind.value,
                "before": [
                    record.start.isoformat(),
                    record.end.isoformat() if record.end else None,
                ],
                "after": [start.isoformat() if start else None, end.isoformat() if end else None],
            },
            **req.audit_fields(),
        )
    context.user_data.pop(FLOW, None)
    if notices:
        req.services.wake_outbox()
    key = "correction.voided" if kind is EventKind.VOID else "correction.done"
    await req.reply(
        Html(
            req.texts(
                key,
                code=case.code,
                credited=format_duration(credit_for(ledger, record.id), req.texts.lang),
            )
            + "\n"
            + progress_line(req, ledger)
        )
    )
    return END


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    fallbacks = cancel_fallback(FLOW)
    return ConversationHandler(
        entry_points=[CommandHandler(list(CORRECT.names), start, filters=FOR_ME)],
        states={
            CHOOSE: [CallbackQueryHandler(chosen, pattern=rf"^{PREFIX}:")],
            CHANGE: [MessageHandler(text, change)],
        },
        fallbacks=fallbacks,
        conversation_timeout=20 * 60,
        name="correction",
        allow_reentry=True,
    )

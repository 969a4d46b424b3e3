"""``/koreksi KS-…``: a jaksa or admin corrects an attendance record, or an absence, always
with a reason.

"08.00-12.00 alasan" (optionally "istirahat 30") sets the record's times on its own day;
"hapus alasan" voids a record entered for the wrong person. For an absence, "08.00-12.00
alasan" withdraws it and records the attendance on its day instead. What a correction does to
the ledger and the case is ``services.corrections``'s.
"""

import re
from datetime import date
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
from domain.callback_data import Prefix
from domain.ledger import credit_for
from domain.parsing import parse_time
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import refuse_object, stale, step
from handlers.registry import CORRECT
from handlers.render import progress_line
from handlers.supervision import CODE_RE
from services import corrections
from services.attendance import Message
from services.corrections import REASON_MIN, Corrected, Outcome
from texts import Html
from texts.formatting import format_day, format_duration

CHOOSE, CHANGE = range(2)
END = ConversationHandler.END
PREFIX = Prefix.CORRECTION
FLOW = "correction"
SHOWN = 10
_RANGE = re.compile(
    r"^\s*(\S+)\s*[-–]\s*(\S+)\s+(?:(?:istirahat|break)\s+(\d{1,3})\s+)?(.+)$", re.I
)
_VOID = re.compile(r"^\s*(hapus|void)\s+(.+)$", re.IGNORECASE)
_DONE = {
    Outcome.VOIDED: "correction.voided",
    Outcome.ABSENCE_CORRECTED: "correction.absence_done",
}
_REFUSED_TIMES = {
    Outcome.END_BEFORE_START: "attendance.end_before_start",
    Outcome.END_IN_FUTURE: "attendance.end_in_future",
}


@step(Action.CORRECT)
async def start(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    match = CODE_RE.search(" ".join(context.args or []))
    if match is None:
        await req.reply(req.texts("correction.usage"))
        return END
    found = await corrections.correctable(req.db.reader(), req.origin, match.group(0))
    if found is None:
        await req.reply(req.texts("schedule.case_not_found", code=match.group(0)))
        return END
    case, ledger = found.case, found.ledger
    if not found.records and not found.absences:
        await req.reply(req.texts("correction.none", code=case.code))
        return END
    zone = ZoneInfo(found.site.timezone)
    rows = []
    for record in found.records[-SHOWN:]:
        start_local = record.start.astimezone(zone)
        end = f"{record.end.astimezone(zone):%H.%M}" if record.end else "…"
        label = (
            f"{format_day(start_local.date(), req.texts.lang)} {start_local:%H.%M}–{end}"
            f" ({format_duration(credit_for(ledger, record.id), req.texts.lang)})"
        )
        rows.append(
            [InlineKeyboardButton(label, callback_data=callbacks.encode(PREFIX, "a", record.id))]
        )
    for absence in found.absences[-SHOWN:]:
        label = req.texts.plain("correction.absence_button").format(
            day=format_day(date.fromisoformat(str(absence["day"])), req.texts.lang),
            ruling=req.texts.plain(f"correction.ruling.{absence['ruling'] or 'pending'}"),
        )
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=callbacks.encode(PREFIX, "b", int(str(absence["id"])))
                )
            ]
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
    chosen_id = callbacks.decode_int(parts[1]) if parts else None
    flow = context.user_data.get(FLOW) or {}
    reader = req.db.reader()
    if parts is not None and parts[0] == "b" and chosen_id:
        absence = await reader.attendance.absence(chosen_id)
        if absence is None or absence["case_id"] != flow.get("case_id"):
            await stale(req)
            return CHOOSE
        await query.answer()
        await query.edit_message_reply_markup(None)
        flow.pop("attendance_id", None)
        flow["absence_id"] = chosen_id
        day = format_day(date.fromisoformat(str(absence["day"])), req.texts.lang)
        await req.reply(req.texts("correction.ask_absence", day=day, min=REASON_MIN))
        return CHANGE
    found = await reader.attendance.attendance(chosen_id) if chosen_id else None
    if found is None or found[0] != flow.get("case_id"):
        await stale(req)
        return CHOOSE
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow.pop("absence_id", None)
    flow["attendance_id"] = chosen_id
    await req.reply(req.texts("correction.ask", min=REASON_MIN))
    return CHANGE


@step(Action.CORRECT)
async def change(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.message
    assert message is not None and context.user_data is not None
    flow = context.user_data.get(FLOW) or {}
    attendance_id = int(flow.get("attendance_id", 0))
    absence_id = int(flow.get("absence_id", 0))
    text = message.text or ""
    where = Message(message.chat_id, message.message_id, message.date)
    if absence_id:
        return await _change_absence(req, context, absence_id, text, where)
    if not attendance_id:
        return END
    if void := _VOID.match(text):
        result = await corrections.void_attendance(
            req.origin, attendance_id=attendance_id, reason=void.group(2).strip(), message=where
        )
    elif (
        (found := _RANGE.match(text))
        and (first := parse_time(found.group(1)))
        and (last := parse_time(found.group(2)))
    ):
        result = await corrections.correct_attendance(
            req.origin,
            attendance_id=attendance_id,
            start=first,
            end=last,
            break_minutes=int(found.group(3)) if found.group(3) else None,
            reason=found.group(4).strip(),
            message=where,
        )
    else:
        await req.reply(req.texts("correction.ask", min=REASON_MIN))
        return CHANGE
    return await _answer(req, context, result)


async def _change_absence(
    req: Request, context: ContextTypes.DEFAULT_TYPE, absence_id: int, text: str, where: Message
) -> int:
    """Times and a reason turn the absence into attendance; there is nothing to void."""
    if (
        (found := _RANGE.match(text))
        and (first := parse_time(found.group(1)))
        and (last := parse_time(found.group(2)))
    ):
        result = await corrections.absence_to_attendance(
            req.origin,
            absence_id=absence_id,
            start=first,
            end=last,
            break_minutes=int(found.group(3)) if found.group(3) else None,
            reason=found.group(4).strip(),
            message=where,
        )
        return await _answer(req, context, result)
    await req.reply(req.texts("correction.ask_absence_again", min=REASON_MIN))
    return CHANGE


async def _answer(req: Request, context: ContextTypes.DEFAULT_TYPE, result: Corrected) -> int:
    case, ledger = result.case, result.ledger
    if result.outcome in _REFUSED_TIMES:
        await req.reply(req.texts(_REFUSED_TIMES[result.outcome]))
        return CHANGE
    if result.outcome is Outcome.REASON_TOO_SHORT:
        assert context.user_data is not None
        again = (
            "correction.ask_absence_again"
            if (context.user_data.get(FLOW) or {}).get("absence_id")
            else "correction.ask"
        )
        await req.reply(req.texts(again, min=REASON_MIN))
        return CHANGE
    if result.outcome is Outcome.NOT_YOURS and case is not None:
        await refuse_object(req, f"case:{case.id}")
        return END
    assert context.user_data is not None
    if result.life is not None and case is not None:
        # Refused by what the session is now (attended after all, cancelled...): say so.
        context.user_data.pop(FLOW, None)
        state = req.texts.plain(f"life.{result.life}")
        await req.reply(req.texts("correction.not_now", code=case.code, state=state))
        return END
    if result.outcome is Outcome.STALE:
        return END
    assert case is not None and ledger is not None
    context.user_data.pop(FLOW, None)
    key = _DONE.get(result.outcome, "correction.done")
    await req.reply(
        Html(
            req.texts(
                key,
                code=case.code,
                credited=format_duration(result.credited_minutes, req.texts.lang),
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
        persistent=True,
        allow_reentry=True,
    )

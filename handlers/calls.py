"""Offenders without Telegram: ``/tanpa_telegram KS-… 08…`` (the jaksa says so, with the
number to phone) and the "sudah dihubungi" buttons of the PK's evening call list, which
edit the list in place.
"""

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain import callback_data as callbacks
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import button, command, refuse_object, stale
from services import calls
from services.calls import CALLED, Outcome, PhoneOutcome

CASE_RE = re.compile(r"^KS-\d{4}-\d{4,}$", re.IGNORECASE)
#: Said instead of a number: the offender uses Telegram after all.
BACK_TO_TELEGRAM = {"hapus", "telegram", "remove"}


@command(Action.RESCHEDULE)
async def no_telegram(req: Request) -> None:
    args = req.context.args or []
    if not args or not CASE_RE.match(args[0]) or len(args) < 2:
        await req.reply(req.texts("phone.usage"))
        return
    code = args[0].upper()
    rest = " ".join(args[1:])[:40]
    phone_text = None if rest.lower() in BACK_TO_TELEGRAM else rest
    result = await calls.set_phone(req.origin, code=code, phone_text=phone_text)
    if result.outcome is PhoneOutcome.BAD_NUMBER:
        await req.reply(req.texts("case.bad_phone"))
        return
    if result.outcome is PhoneOutcome.NOT_YOURS and result.case is not None:
        await refuse_object(
            req, f"case:{result.case.id}", text_key="schedule.case_not_found", values={"code": code}
        )
        return
    if result.case is None:
        await req.reply(req.texts("schedule.case_not_found", code=code))
        return
    case = result.case
    if result.outcome is PhoneOutcome.CLEARED:
        await req.reply(req.texts("phone.cleared", code=case.code, name=case.offender_name))
        return
    key = "phone.set" if case.pk_person_id else "phone.set_jaksa"
    await req.reply(req.texts(key, code=case.code, name=case.offender_name, phone=result.phone))


@button(Action.CALLS)
async def called(req: Request) -> None:
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, CALLED, 1)
    session_id = callbacks.decode_int(parts[0]) if parts else None
    if session_id is None:
        await stale(req)
        return
    marked = await calls.mark_called(req.origin, session_id)
    if marked.outcome is Outcome.NOT_YOURS or marked.day is None:
        await refuse_object(req, f"session:{session_id}")
        return
    await query.answer(req.texts.plain("calls.marked"))
    message = calls.render_call_list(req.texts, list(marked.items), marked.day)
    rows = message.get("buttons") or []
    assert isinstance(rows, list)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
    await query.edit_message_text(
        str(message["text"]), parse_mode="HTML", reply_markup=keyboard if rows else None
    )

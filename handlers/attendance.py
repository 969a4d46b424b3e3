"""``/hadir`` (check-in) and ``/pulang`` (check-out): what a supervisor does on site, one-handed.

Check-in: choose today's offender (buttons) or name the case (``/hadir KS-2026-0042``), then
send a photo of them at work; a location may be shared first. A photo whose caption is
``/hadir KS-…`` does it in one step. The photo message's time is the check-in time.

Check-out: choose an open attendance, then a photo; or, when it was forgotten, type the
end time and a reason ("12.00 lupa check-out"), which marks the record as entered by hand.
The reply shows the hours credited and the case's progress.
"""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram import Message as TgMessage
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
from domain.parsing import parse_time
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import stale, step
from handlers.registry import CHECK_IN, CHECK_OUT
from handlers.render import progress_line
from handlers.supervision import CODE_RE, photo_of
from services import attendance, evidence
from services.attendance import Message, Outcome, Photo, Recorded
from texts import Html
from texts.formatting import format_clock, format_duration

CHOOSE, PHOTO = range(2)
END = ConversationHandler.END
IN, OUT = Prefix.CHECK_IN, Prefix.CHECK_OUT
REASON_MIN = 5

#: What the supervisor is told when a use case did not record anything, and the step the
#: conversation stays at (the photo step when a better photo or time can still be sent).
_NOT_RECORDED: dict[Outcome, tuple[str, int]] = {
    Outcome.NOT_YOURS: ("attendance.not_your_case", END),
    Outcome.CASE_FINISHED: ("attendance.case_finished", END),
    Outcome.NOT_CHECKED_IN: ("attendance.already_out", END),
    Outcome.PHOTO_USED: ("attendance.photo_used", PHOTO),
    Outcome.END_BEFORE_START: ("attendance.end_before_start", PHOTO),
    Outcome.END_IN_FUTURE: ("attendance.end_in_future", PHOTO),
    Outcome.SESSION_ABSENT: ("session.taken_absent", END),
    Outcome.SESSION_CANCELLED: ("session.cancelled_today", END),
}


async def _not_recorded(req: Request, result: Recorded, typed_code: str = "") -> int:
    key, state = _NOT_RECORDED[result.outcome]
    await req.reply(
        req.texts(
            key,
            code=result.case.code if result.case else typed_code,
            name=result.case.offender_name if result.case else "",
            state=req.texts.plain(f"life.{result.life}") if result.life else "",
        )
    )
    return state


def _pending(context: ContextTypes.DEFAULT_TYPE, key: str) -> dict[str, Any]:
    assert context.user_data is not None
    pending: dict[str, Any] = context.user_data.setdefault(key, {})
    return pending


def _message(message: TgMessage) -> Message:
    return Message(message.chat_id, message.message_id, message.date)


async def _case_at_my_site(req: Request, code: str) -> Case | None:
    """The case named by ``code`` if I may record it now; otherwise say why not."""
    store = req.db.reader()
    result = await attendance.case_to_record(store, req.origin, await store.cases.by_code(code))
    if result.outcome is not Outcome.RECORDED:
        await _not_recorded(req, result, code)
        return None
    return result.case


# -- check-in -----------------------------------------------------------------------------


@step(Action.ATTENDANCE)
async def check_in_command(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _pending(context, IN).clear()
    if context.args and (match := CODE_RE.search(" ".join(context.args))):
        case = await _case_at_my_site(req, match.group(0))
        if case is None:
            return END
        _pending(context, IN)["case_id"] = case.id
        await req.reply(req.texts("attendance.ask_photo", name=case.offender_name))
        return PHOTO
    expected = await attendance.expected_today(req.db.reader(), req.origin)
    if not expected:
        await req.reply(req.texts("attendance.nobody_expected"))
        return END
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{case.offender_name} · {case.code}",
                    callback_data=callbacks.encode(
                        IN, f"{attendance.local_midnight(req.now, site):%Y%m%d}", case.id
                    ),
                )
            ]
            for case, site in expected
        ]
    )
    await req.reply(req.texts("attendance.choose_in"), reply_markup=keyboard)
    return CHOOSE


@step(Action.ATTENDANCE)
async def check_in_chosen(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, IN, 2)
    case_id = callbacks.decode_int(parts[1]) if parts else None
    case = await req.db.reader().cases.get(case_id) if case_id else None
    site = await req.db.reader().sites.get(case.site_id) if case else None
    # Each list is today's: a button kept from yesterday's list is stale.
    if (
        case is None
        or site is None
        or parts is None
        or parts[0] != f"{attendance.local_midnight(req.now, site):%Y%m%d}"
    ):
        await stale(req)
        return CHOOSE
    await query.answer()
    if await _case_at_my_site(req, case.code) is None:
        return END
    await query.edit_message_reply_markup(None)
    _pending(context, IN)["case_id"] = case.id
    await req.reply(req.texts("attendance.ask_photo", name=case.offender_name))
    return PHOTO


async def check_in_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await Request.load(update, context)
    assert update.message is not None and update.message.location is not None
    pin = update.message.location
    _pending(context, IN)["location"] = (pin.latitude, pin.longitude)
    await req.reply(req.texts("attendance.location_noted"))
    return PHOTO


@step(Action.ATTENDANCE)
async def check_in_photo(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None
    photo = photo_of(update.message)
    if photo is None:
        await req.reply(req.texts("attendance.expected_photo"))
        return PHOTO
    case_id = int(_pending(context, IN).get("case_id", 0))
    if not case_id:
        return END
    return await _record_check_in(req, context, case_id, photo, update.message)


@step(Action.ATTENDANCE)
async def check_in_caption(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A photo captioned ``/hadir KS-…``: choose and check in, in one message."""
    message = update.message
    assert message is not None
    match = CODE_RE.search(message.caption or "")
    photo = photo_of(message)
    if match is None or photo is None:
        await req.reply(req.texts("attendance.caption_usage"))
        return END
    # The use case checks the site and the case's state itself: no second look here.
    case = await req.db.reader().cases.by_code(match.group(0))
    if case is None:
        await req.reply(req.texts("attendance.not_your_case", code=match.group(0)))
        return END
    _pending(context, IN).clear()
    return await _record_check_in(req, context, case.id, photo, message)


async def _record_check_in(
    req: Request, context: ContextTypes.DEFAULT_TYPE, case_id: int, photo: Photo, message: TgMessage
) -> int:
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        await req.reply(req.texts("attendance.photo_too_big"))
        return PHOTO
    result = await attendance.check_in(
        req.origin,
        case_id=case_id,
        photo=photo,
        message=_message(message),
        location=_pending(context, IN).get("location"),
    )
    case, site = result.case, result.site
    if result.outcome is Outcome.ALREADY_IN and case is not None:
        _pending(context, IN).clear()
        await req.reply(req.texts("attendance.already_in", code=case.code, name=case.offender_name))
        return END
    if result.outcome is not Outcome.RECORDED:
        return await _not_recorded(req, result)
    assert case is not None and site is not None and result.at is not None
    _pending(context, IN).clear()
    clock = format_clock(result.at, site.timezone, req.texts.lang)
    lines = [
        req.texts("attendance.checked_in", name=case.offender_name, code=case.code, time=clock)
    ]
    if result.outside_geofence and result.distance_m is not None:
        lines.append(req.texts("attendance.outside_geofence", distance=round(result.distance_m)))
    await req.reply(Html("\n".join(lines)))
    if result.evidence_id is not None:
        await _keep_evidence(req, result.evidence_id, photo, site)
    return END


async def _keep_evidence(req: Request, evidence_id: int, photo: Photo, site: Site | None) -> None:
    """Download the photo after the answers: the record already holds its file id, and a
    download that fails is retried by the evidence job, so nobody on site waits for it."""
    await evidence.keep(
        req.context.bot,
        req.db,
        evidence_id,
        photo.file_id,
        req.services.evidence_dir,
        req.now,
        site=site,
    )


# -- check-out ----------------------------------------------------------------------------


@step(Action.ATTENDANCE)
async def check_out_command(
    req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> int:
    _pending(context, OUT).clear()
    store = req.db.reader()
    if context.args and (match := CODE_RE.search(" ".join(context.args))):
        case = await _case_at_my_site(req, match.group(0))
        if case is None:
            return END
        open_id = await store.attendance.open_for_case(case.id)
        if open_id is None:
            await req.reply(req.texts("attendance.not_checked_in", code=case.code))
            return END
        return await _ask_end(req, context, open_id, case)
    open_now = await attendance.open_here(store, req.origin)
    if not open_now:
        await req.reply(req.texts("attendance.nobody_open"))
        return END
    since = req.texts.plain("attendance.since")
    buttons = [
        [
            InlineKeyboardButton(
                f"{case.offender_name} · {since} "
                f"{format_clock(start, site.timezone, req.texts.lang)}",
                callback_data=callbacks.encode(OUT, "a", attendance_id),
            )
        ]
        for attendance_id, case, site, start in open_now
    ]
    await req.reply(req.texts("attendance.choose_out"), reply_markup=InlineKeyboardMarkup(buttons))
    return CHOOSE


@step(Action.ATTENDANCE)
async def check_out_chosen(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, OUT, 2)
    attendance_id = callbacks.decode_int(parts[1]) if parts else None
    store = req.db.reader()
    found = await store.attendance.attendance(attendance_id) if attendance_id else None
    case = await store.cases.get(found[0]) if found else None
    if (
        attendance_id is None
        or case is None
        or await store.attendance.open_for_case(case.id) != attendance_id
    ):
        await stale(req)
        return END
    await query.answer()
    if await _case_at_my_site(req, case.code) is None:
        return END
    await query.edit_message_reply_markup(None)
    return await _ask_end(req, context, attendance_id, case)


async def _ask_end(
    req: Request, context: ContextTypes.DEFAULT_TYPE, attendance_id: int, case: Case
) -> int:
    _pending(context, OUT).update({"attendance_id": attendance_id, "case_id": case.id})
    await req.reply(req.texts("attendance.ask_out_photo", name=case.offender_name))
    return PHOTO


@step(Action.ATTENDANCE)
async def check_out_photo(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.message
    assert message is not None
    photo = photo_of(message)
    if photo is None:
        await req.reply(req.texts("attendance.expected_photo_or_time"))
        return PHOTO
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        await req.reply(req.texts("attendance.photo_too_big"))
        return PHOTO
    return await _record_check_out(req, context, message, message.date, photo, None)


@step(Action.ATTENDANCE)
async def check_out_typed(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A forgotten check-out: "12.00 lupa check-out" gives the end time and the reason."""
    message = update.message
    assert message is not None
    text = (message.text or "").strip()
    first, _, reason = text.partition(" ")
    clock = parse_time(first)
    if clock is None or len(reason.strip()) < REASON_MIN:
        await req.reply(req.texts("attendance.manual_usage", min=REASON_MIN))
        return PHOTO
    pending = _pending(context, OUT)
    store = req.db.reader()
    case = await store.cases.get(int(pending.get("case_id", 0)))
    site = await store.sites.get(case.site_id) if case else None
    start = await attendance.start_of(store, int(pending.get("attendance_id", 0)))
    if site is None or start is None:
        return END
    end = _on_day_of(start, clock, site)
    return await _record_check_out(req, context, message, end, None, reason.strip()[:300])


def _on_day_of(start: datetime, clock: time, site: Site) -> datetime:
    """The typed time on the check-in's local day (the next day if it is earlier: past midnight)."""
    zone = ZoneInfo(site.timezone)
    local = start.astimezone(zone)
    end = datetime.combine(local.date(), clock, tzinfo=zone)
    return end if end > local else end + timedelta(days=1)


async def _record_check_out(
    req: Request,
    context: ContextTypes.DEFAULT_TYPE,
    message: TgMessage,
    end: datetime,
    photo: Photo | None,
    manual_reason: str | None,
) -> int:
    pending = _pending(context, OUT)
    if not pending.get("attendance_id"):
        return END
    result = await attendance.check_out(
        req.origin,
        attendance_id=int(pending["attendance_id"]),
        end=end,
        message=_message(message),
        photo=photo,
        manual_reason=manual_reason,
    )
    if result.outcome is not Outcome.RECORDED:
        state = await _not_recorded(req, result)
        if state == END:
            pending.clear()
        return state
    case, site, ledger = result.case, result.site, result.ledger
    assert case is not None and site is not None and ledger is not None
    pending.clear()
    lines = [
        req.texts(
            "attendance.checked_out",
            name=case.offender_name,
            time=format_clock(end, site.timezone, req.texts.lang),
            credited=format_duration(result.credited_minutes, req.texts.lang),
        ),
        progress_line(req, ledger),
    ]
    if manual_reason is not None:
        lines.append(req.texts("attendance.marked_manual"))
    await req.reply(Html("\n".join(lines)))
    if result.evidence_id is not None and photo is not None:
        await _keep_evidence(req, result.evidence_id, photo, None)
    return END


# -- wiring -------------------------------------------------------------------------------


async def ask_photo_again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    req = await Request.load(update, context)
    await req.reply(req.texts("attendance.expected_photo"))
    return PHOTO


def _image_document() -> filters.BaseFilter:
    return filters.Document.IMAGE


def conversations() -> list[ConversationHandler[ContextTypes.DEFAULT_TYPE]]:
    not_command = PRIVATE & ~filters.COMMAND
    photo = not_command & (filters.PHOTO | _image_document())
    captioned_in = (
        PRIVATE & (filters.PHOTO | _image_document()) & filters.CaptionRegex(r"^/(hadir|checkin)\b")
    )
    fallbacks = cancel_fallback(IN, OUT)
    check_in = ConversationHandler(
        entry_points=[
            CommandHandler(list(CHECK_IN.names), check_in_command, filters=FOR_ME),
            MessageHandler(captioned_in, check_in_caption),
        ],
        states={
            CHOOSE: [CallbackQueryHandler(check_in_chosen, pattern=rf"^{IN}:")],
            PHOTO: [
                MessageHandler(photo, check_in_photo),
                MessageHandler(not_command & filters.LOCATION, check_in_location),
                MessageHandler(not_command, ask_photo_again),
            ],
        },
        fallbacks=fallbacks,
        conversation_timeout=30 * 60,
        name="check_in",
        persistent=True,
        allow_reentry=True,
    )
    check_out = ConversationHandler(
        entry_points=[CommandHandler(list(CHECK_OUT.names), check_out_command, filters=FOR_ME)],
        states={
            CHOOSE: [CallbackQueryHandler(check_out_chosen, pattern=rf"^{OUT}:")],
            PHOTO: [
                MessageHandler(photo, check_out_photo),
                MessageHandler(not_command & filters.TEXT, check_out_typed),
                MessageHandler(not_command, ask_photo_again),
            ],
        },
        fallbacks=fallbacks,
        conversation_timeout=30 * 60,
        name="check_out",
        persistent=True,
        allow_reentry=True,
    )
    return [check_in, check_out]

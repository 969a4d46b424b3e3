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

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import callback_data as callbacks
from domain.cases import CaseStatus
from domain.ledger import EventKind, credit_for, fold
from domain.models import Case, Site
from domain.parsing import parse_time
from domain.permissions import Action
from domain.sites import distance_m
from handlers.context import Request
from handlers.filters import FOR_ME, PRIVATE
from handlers.flows import cancel_fallback
from handlers.guards import step
from handlers.notify import notify
from handlers.registry import CHECK_IN, CHECK_OUT
from handlers.render import progress_line
from handlers.supervision import CODE_RE, Photo, photo_of, site_if_mine, supervised_sites
from services import completion, evidence
from services.ledger import record_ledger
from storage.repositories import Store
from texts import Html, Texts
from texts.formatting import format_clock, format_duration, format_hours

CHOOSE, PHOTO = range(2)
END = ConversationHandler.END
IN, OUT = "hdr", "plg"  # hdr:v1:<local yyyymmdd>:<case id>, plg:v1:a:<attendance id>
REASON_MIN = 5


class Minutes(int):
    """A duration to be written in the reader's own language."""


def local_day(instant: datetime, site: Site) -> datetime:
    local = instant.astimezone(ZoneInfo(site.timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


async def _case_at_my_site(req: Request, code: str) -> tuple[Case, Site] | None:
    """The case named by ``code`` if it works at one of my sites and is still running."""
    case = await req.db.reader().cases.by_code(code)
    site = await site_if_mine(req, case)
    if case is None or site is None:
        await req.reply(req.texts("attendance.not_your_case", code=code))
        return None
    if case.status is not CaseStatus.ACTIVE:
        await req.reply(req.texts("attendance.case_finished", code=case.code))
        return None
    return case, site


async def _expected_today(req: Request) -> list[tuple[Case, Site]]:
    """Cases with a session today at my sites that have not checked in yet today."""
    store = req.db.reader()
    found = []
    for site in await supervised_sites(req):
        today = local_day(req.now, site)
        for session in await store.cases.site_sessions(site.id, today.date(), today.date()):
            case = await store.cases.get(session.case_id)
            if case is None or case.status is not CaseStatus.ACTIVE:
                continue
            if await store.attendance.checked_in_on(case.id, today, today + timedelta(days=1)):
                continue
            found.append((case, site))
    return found


def _pending(context: ContextTypes.DEFAULT_TYPE, key: str) -> dict[str, Any]:
    assert context.user_data is not None
    pending: dict[str, Any] = context.user_data.setdefault(key, {})
    return pending


# -- check-in -----------------------------------------------------------------------------


@step(Action.ATTENDANCE)
async def check_in_command(req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _pending(context, IN).clear()
    if context.args and (match := CODE_RE.search(" ".join(context.args))):
        found = await _case_at_my_site(req, match.group(0))
        if found is None:
            return END
        _pending(context, IN)["case_id"] = found[0].id
        await req.reply(req.texts("attendance.ask_photo", name=found[0].offender_name))
        return PHOTO
    expected = await _expected_today(req)
    if not expected:
        await req.reply(req.texts("attendance.nobody_expected"))
        return END
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{case.offender_name} · {case.code}",
                    callback_data=callbacks.encode(
                        IN, f"{local_day(req.now, site):%Y%m%d}", case.id
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
        or parts[0] != f"{local_day(req.now, site):%Y%m%d}"
    ):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return CHOOSE
    await query.answer()
    found = await _case_at_my_site(req, case.code)
    if found is None:
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
    pending = _pending(context, IN)
    case = await req.db.reader().cases.get(int(pending.get("case_id", 0)))
    if case is None:
        return END
    return await _record_check_in(req, context, case, photo, update.message)


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
    found = await _case_at_my_site(req, match.group(0))
    if found is None:
        return END
    _pending(context, IN).clear()
    return await _record_check_in(req, context, found[0], photo, message)


async def _record_check_in(
    req: Request, context: ContextTypes.DEFAULT_TYPE, case: Case, photo: Photo, message: Message
) -> int:
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        await req.reply(req.texts("attendance.photo_too_big"))
        return PHOTO
    store = req.db.reader()
    site = await store.sites.get(case.site_id)
    assert site is not None
    if case.status is not CaseStatus.ACTIVE:
        await req.reply(req.texts("attendance.case_finished", code=case.code))
        return END
    location = None
    if (pin := _pending(context, IN).get("location")) is not None:
        distance = distance_m(pin[0], pin[1], site.latitude, site.longitude)
        location = (pin[0], pin[1], distance, distance > site.radius_m)
    start = message.date
    async with req.transaction() as tx:
        if (open_id := await tx.attendance.open_for_case(case.id)) is not None:
            already = True
        elif await tx.attendance.evidence_seen(photo.file_unique_id):
            await req.reply(req.texts("attendance.photo_used"))
            return PHOTO
        else:
            already = False
            session_id = await _session_today(tx, case, site, start)
            open_id, event_id = await tx.attendance.check_in(
                case_id=case.id,
                session_id=session_id,
                site_id=site.id,
                by=req.actor.person.id if req.actor.person else None,
                start=start,
                chat_id=message.chat_id,
                message_id=message.message_id,
                location=location,
                now=req.now,
            )
            evidence_id = await tx.attendance.add_evidence(
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
                size=photo.size,
                now=req.now,
                event_id=event_id,
            )
            await tx.audit.append(
                action="attendance.check_in",
                subject=f"case:{case.id}",
                detail={
                    "attendance_id": open_id,
                    "outside_geofence": bool(location and location[3]),
                },
                **req.audit_fields(),
            )
    _pending(context, IN).clear()
    if already:
        await req.reply(req.texts("attendance.already_in", code=case.code, name=case.offender_name))
        return END
    clock = format_clock(start, site.timezone, req.texts.lang)
    lines = [
        req.texts("attendance.checked_in", name=case.offender_name, code=case.code, time=clock)
    ]
    if location and location[3]:
        lines.append(req.texts("attendance.outside_geofence", distance=round(location[2])))
    await req.reply(Html("\n".join(lines)))
    await _tell_offender(req, case, "attendance.offender_in", time=clock, site=site.name)
    if evidence_id is not None:
        await _keep_evidence(req, evidence_id, photo, site)
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


async def _session_today(store: Store, case: Case, site: Site, at: datetime) -> int | None:
    day = at.astimezone(ZoneInfo(site.timezone)).date()
    for session in await store.cases.sessions_of(case.id):
        if session.day == day:
            return session.id
    return None


async def _tell_offender(req: Request, case: Case, key: str, **values: object) -> None:
    """Offenders hear about their own record; a blocked bot must not undo the record."""
    if case.offender_person_id is None:
        return
    person = await req.db.reader().people.get(case.offender_person_id)
    if person is None:
        return

    def render(texts: Texts) -> Html:
        # Durations are written in the offender's language, not the supervisor's.
        return texts(
            key,
            **{
                k: format_duration(v, texts.lang) if isinstance(v, Minutes) else v
                for k, v in values.items()
            },
        )

    await notify(req.context.bot, person, render)


# -- check-out ----------------------------------------------------------------------------


@step(Action.ATTENDANCE)
async def check_out_command(
    req: Request, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> int:
    _pending(context, OUT).clear()
    store = req.db.reader()
    if context.args and (match := CODE_RE.search(" ".join(context.args))):
        found = await _case_at_my_site(req, match.group(0))
        if found is None:
            return END
        open_id = await store.attendance.open_for_case(found[0].id)
        if open_id is None:
            await req.reply(req.texts("attendance.not_checked_in", code=found[0].code))
            return END
        return await _ask_end(req, context, open_id, found[0])
    # Only the list needs every open attendance at my sites: the costliest query here.
    sites = {s.id for s in await supervised_sites(req)}
    open_here = await store.attendance.open_at_sites(sites)
    if not open_here:
        await req.reply(req.texts("attendance.nobody_open"))
        return END
    buttons = []
    for attendance_id, case_id, start in open_here:
        case = await store.cases.get(case_id)
        site = await store.sites.get(case.site_id) if case else None
        if case is None or site is None:
            continue
        since = format_clock(start, site.timezone, req.texts.lang)
        buttons.append(
            [
                InlineKeyboardButton(
                    f"{case.offender_name} · {req.texts.plain('attendance.since')} {since}",
                    callback_data=callbacks.encode(OUT, "a", attendance_id),
                )
            ]
        )
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
        found is None
        or case is None
        or await store.attendance.open_for_case(case.id) != attendance_id
    ):
        await query.answer(req.texts.plain("stale_button"), show_alert=True)
        return END
    await query.answer()
    if await _case_at_my_site(req, case.code) is None:
        return END
    await query.edit_message_reply_markup(None)
    assert attendance_id is not None
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
    case = await req.db.reader().cases.get(int(pending.get("case_id", 0)))
    site = await req.db.reader().sites.get(case.site_id) if case else None
    if case is None or site is None:
        return END
    start = await _start_of(req, int(pending["attendance_id"]))
    if start is None:
        return END
    end = _on_day_of(start, clock, site)
    return await _record_check_out(req, context, message, end, None, reason.strip()[:300])


def _on_day_of(start: datetime, clock: time, site: Site) -> datetime:
    """The typed time on the check-in's local day (the next day if it is earlier: past midnight)."""
    zone = ZoneInfo(site.timezone)
    local = start.astimezone(zone)
    end = datetime.combine(local.date(), clock, tzinfo=zone)
    return end if end > local else end + timedelta(days=1)


async def _start_of(req: Request, attendance_id: int) -> datetime | None:
    found = await req.db.reader().attendance.attendance(attendance_id)
    if found is None:
        return None
    for record in fold(await req.db.reader().attendance.events_of_case(found[0])):
        if record.id == attendance_id:
            return record.start
    return None


async def _record_check_out(
    req: Request,
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    end: datetime,
    photo: Photo | None,
    manual_reason: str | None,
) -> int:
    pending = _pending(context, OUT)
    attendance_id = int(pending.get("attendance_id", 0))
    store = req.db.reader()
    case = await store.cases.get(int(pending.get("case_id", 0)))
    site = await store.sites.get(case.site_id) if case else None
    start = await _start_of(req, attendance_id)
    if case is None or site is None or start is None:
        return END
    if photo is not None and await store.attendance.evidence_seen(photo.file_unique_id):
        await req.reply(req.texts("attendance.photo_used"))
        return PHOTO
    if end <= start:
        await req.reply(req.texts("attendance.end_before_start"))
        return PHOTO
    if end > req.now + timedelta(minutes=2):
        await req.reply(req.texts("attendance.end_in_future"))
        return PHOTO
    evidence_id = None
    async with req.transaction() as tx:
        if await tx.attendance.open_for_case(case.id) != attendance_id:
            await req.reply(req.texts("attendance.already_out"))
            pending.clear()
            return END
        if photo is not None and await tx.attendance.evidence_seen(photo.file_unique_id):
            await req.reply(req.texts("attendance.photo_used"))
            return PHOTO
        event_id = await tx.attendance.add_event(
            attendance_id=attendance_id,
            kind=EventKind.CHECK_OUT,
            by=req.actor.person.id if req.actor.person else None,
            now=req.now,
            end=end,
            manual=manual_reason is not None,
            reason=manual_reason,
            chat_id=message.chat_id,
            message_id=message.message_id,
        )
        if photo is not None:
            evidence_id = await tx.attendance.add_evidence(
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
                size=photo.size,
                now=req.now,
                event_id=event_id,
            )
        ledger = await record_ledger(tx, case, site)
        notices = await completion.settle(tx, case, ledger, now=req.now)
        await tx.audit.append(
            action="attendance.check_out",
            subject=f"case:{case.id}",
            detail={
                "attendance_id": attendance_id,
                "manual": manual_reason is not None,
                "credited_minutes": credit_for(ledger, attendance_id),
            },
            **req.audit_fields(),
        )
    pending.clear()
    credited = credit_for(ledger, attendance_id)
    lines = [
        req.texts(
            "attendance.checked_out",
            name=case.offender_name,
            time=format_clock(end, site.timezone, req.texts.lang),
            credited=format_duration(credited, req.texts.lang),
        ),
        progress_line(req, ledger),
    ]
    if manual_reason is not None:
        lines.append(req.texts("attendance.marked_manual"))
    await req.reply(Html("\n".join(lines)))
    await _tell_offender(
        req,
        case,
        "attendance.offender_out",
        credited=Minutes(credited),
        done=format_hours(ledger.credited_minutes),
        total=format_hours(ledger.total_minutes),
    )
    if notices:
        req.services.wake_outbox()
    if evidence_id is not None and photo is not None:
        await _keep_evidence(req, evidence_id, photo, None)
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
        allow_reentry=True,
    )
    return [check_in, check_out]

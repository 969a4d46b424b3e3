"""``/hadir`` (check-in) and ``/pulang`` (check-out): what a supervisor does on site, one-handed.

Check-in: choose today's offender (buttons) or name the case (``/hadir KS-2026-0042``), then
send a photo of them at work; a location may be shared first. A photo whose caption is
``/hadir KS-…`` does it in one step. The photo message's time is the check-in time.

Check-out: choose an open attendance, then a photo; or, when it was forgotten, type the
end time and a reason ("12.00 lupa check-out"), which marks the record as entered by hand.
The reply shows the hours credited and the case's progress. Both are flows of the one
engine in ``handlers.forms``; what a check-in or check-out records is ``services.attendance``'s.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Message as TgMessage
from telegram.ext import ContextTypes, ConversationHandler, filters

from domain.callback_data import Prefix
from domain.models import Case, Site
from domain.parsing import parse_time
from domain.permissions import Action
from handlers.context import Request
from handlers.filters import PRIVATE
from handlers.forms import (
    DONE,
    STAY,
    Choice,
    Draft,
    Finished,
    Form,
    Invalid,
    MessageEntry,
    Next,
    Stale,
    Step,
    build,
)
from handlers.registry import CHECK_IN, CHECK_OUT
from handlers.render import progress_line
from handlers.supervision import CODE_RE, photo_of
from services import attendance, evidence
from services.attendance import Message, Outcome, Photo, Recorded
from texts import Html
from texts.formatting import format_clock, format_duration

IN, OUT = Prefix.CHECK_IN, Prefix.CHECK_OUT
REASON_MIN = 5
TIMEOUT_SECONDS = 30 * 60

#: What the supervisor is told when a use case did not record anything, and whether the
#: flow stays at the photo step (a better photo or time can still be sent) or ends.
_NOT_RECORDED: dict[Outcome, tuple[str, bool]] = {
    Outcome.NOT_YOURS: ("attendance.not_your_case", False),
    Outcome.CASE_FINISHED: ("attendance.case_finished", False),
    Outcome.NOT_CHECKED_IN: ("attendance.already_out", False),
    Outcome.PHOTO_USED: ("attendance.photo_used", True),
    Outcome.END_BEFORE_START: ("attendance.end_before_start", True),
    Outcome.END_IN_FUTURE: ("attendance.end_in_future", True),
    Outcome.SESSION_ABSENT: ("session.taken_absent", False),
    Outcome.SESSION_CANCELLED: ("session.cancelled_today", False),
}


def _not_recorded(req: Request, result: Recorded, typed_code: str = "") -> Exception:
    """What the use case's refusal means in chat: ask again, or end the flow."""
    key, stays = _NOT_RECORDED[result.outcome]
    message = req.texts(
        key,
        code=result.case.code if result.case else typed_code,
        name=result.case.offender_name if result.case else "",
        state=req.texts.plain(f"life.{result.life}") if result.life else "",
    )
    return Invalid(message) if stays else Finished(message)


def _message(message: TgMessage | None) -> Message:
    assert message is not None
    return Message(message.chat_id, message.message_id, message.date)


async def _case_at_my_site(req: Request, code: str) -> Case:
    """The case named by ``code`` if I may record it now; otherwise the flow ends, saying why."""
    store = req.db.reader()
    result = await attendance.case_to_record(store, req.origin, await store.cases.by_code(code))
    if result.outcome is not Outcome.RECORDED or result.case is None:
        raise _not_recorded(req, result, code)
    return result.case


def _chose(draft: Draft, case: Case) -> None:
    draft.update({"case_id": case.id, "name": case.offender_name})


async def _has_case(req: Request, draft: Draft) -> bool:
    return "case_id" in draft


# -- check-in -----------------------------------------------------------------------------


async def _check_in_args(req: Request, draft: Draft, args: list[str]) -> Next:
    if args and (match := CODE_RE.search(" ".join(args))):
        _chose(draft, await _case_at_my_site(req, match.group(0)))
    return None


async def _expected(req: Request, draft: Draft) -> list[Choice]:
    expected = await attendance.expected_today(req.db.reader(), req.origin)
    if not expected:
        raise Finished(req.texts("attendance.nobody_expected"))
    # Each list is today's: the local day is in the button, and yesterday's is stale.
    return [
        Choice(
            f"{case.offender_name} · {case.code}",
            f"{attendance.local_midnight(req.now, site):%Y%m%d}.{case.id}",
        )
        for case, site in expected
    ]


async def _expected_chosen(req: Request, draft: Draft, value: str) -> Next:
    day, _, raw_id = value.partition(".")
    store = req.db.reader()
    case = await store.cases.get(int(raw_id)) if raw_id.isdigit() else None
    site = await store.sites.get(case.site_id) if case else None
    if case is None or site is None or day != f"{attendance.local_midnight(req.now, site):%Y%m%d}":
        raise Stale
    _chose(draft, await _case_at_my_site(req, case.code))
    return None


async def _location_noted(req: Request, draft: Draft, latitude: float, longitude: float) -> Next:
    draft["location"] = (latitude, longitude)
    await req.reply(req.texts("attendance.location_noted"))
    return STAY


async def _check_in_photo(req: Request, draft: Draft, photo: Photo) -> Next:
    return await _record_check_in(req, int(draft["case_id"]), photo, draft.get("location"))


async def _captioned(req: Request, draft: Draft, args: list[str]) -> Next:
    """A photo captioned ``/hadir KS-…``: choose and check in, in one message."""
    message = req.update.message
    assert message is not None
    match = CODE_RE.search(message.caption or "")
    photo = photo_of(message)
    if match is None or photo is None:
        raise Finished(req.texts("attendance.caption_usage"))
    # The use case checks the site and the case's state itself: no second look here.
    case = await req.db.reader().cases.by_code(match.group(0))
    if case is None:
        raise Finished(req.texts("attendance.not_your_case", code=match.group(0)))
    _chose(draft, case)
    return await _record_check_in(req, case.id, photo, None)


async def _record_check_in(
    req: Request, case_id: int, photo: Photo, location: tuple[float, float] | None
) -> Next:
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        raise Invalid(req.texts("attendance.photo_too_big"))
    result = await attendance.check_in(
        req.origin,
        case_id=case_id,
        photo=photo,
        message=_message(req.update.message),
        location=location,
    )
    case, site = result.case, result.site
    if result.outcome is Outcome.ALREADY_IN and case is not None:
        raise Finished(req.texts("attendance.already_in", code=case.code, name=case.offender_name))
    if result.outcome is not Outcome.RECORDED:
        raise _not_recorded(req, result)
    assert case is not None and site is not None and result.at is not None
    clock = format_clock(result.at, site.timezone, req.texts.lang)
    lines = [
        req.texts("attendance.checked_in", name=case.offender_name, code=case.code, time=clock)
    ]
    if result.outside_geofence and result.distance_m is not None:
        lines.append(req.texts("attendance.outside_geofence", distance=round(result.distance_m)))
    await req.reply(Html("\n".join(lines)))
    if result.evidence_id is not None:
        await _keep_evidence(req, result.evidence_id, photo, site)
    return DONE


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


async def _check_out_args(req: Request, draft: Draft, args: list[str]) -> Next:
    if args and (match := CODE_RE.search(" ".join(args))):
        case = await _case_at_my_site(req, match.group(0))
        open_id = await req.db.reader().attendance.open_for_case(case.id)
        if open_id is None:
            raise Finished(req.texts("attendance.not_checked_in", code=case.code))
        _chose(draft, case)
        draft["attendance_id"] = open_id
    return None


async def _open_here(req: Request, draft: Draft) -> list[Choice]:
    open_now = await attendance.open_here(req.db.reader(), req.origin)
    if not open_now:
        raise Finished(req.texts("attendance.nobody_open"))
    since = req.texts.plain("attendance.since")
    return [
        Choice(
            f"{case.offender_name} · {since} {format_clock(start, site.timezone, req.texts.lang)}",
            str(attendance_id),
        )
        for attendance_id, case, site, start in open_now
    ]


async def _open_chosen(req: Request, draft: Draft, value: str) -> Next:
    store = req.db.reader()
    attendance_id = int(value) if value.isdigit() else None
    found = await store.attendance.attendance(attendance_id) if attendance_id else None
    case = await store.cases.get(found[0]) if found else None
    if case is None or await store.attendance.open_for_case(case.id) != attendance_id:
        raise Stale
    _chose(draft, await _case_at_my_site(req, case.code))
    draft["attendance_id"] = attendance_id
    return None


async def _has_attendance(req: Request, draft: Draft) -> bool:
    return "attendance_id" in draft


async def _check_out_photo(req: Request, draft: Draft, photo: Photo) -> Next:
    message = req.update.message
    assert message is not None
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        raise Invalid(req.texts("attendance.photo_too_big"))
    return await _record_check_out(req, draft, message.date, photo, None)


async def _check_out_typed(req: Request, draft: Draft, text: str) -> Next:
    """A forgotten check-out: "12.00 lupa check-out" gives the end time and the reason."""
    first, _, reason = text.partition(" ")
    clock = parse_time(first)
    if clock is None or len(reason.strip()) < REASON_MIN:
        raise Invalid(req.texts("attendance.manual_usage", min=REASON_MIN))
    store = req.db.reader()
    case = await store.cases.get(int(draft["case_id"]))
    site = await store.sites.get(case.site_id) if case else None
    start = await attendance.start_of(store, int(draft["attendance_id"]))
    if site is None or start is None:
        raise Finished()
    end = _on_day_of(start, clock, site)
    return await _record_check_out(req, draft, end, None, reason.strip()[:300])


def _on_day_of(start: datetime, clock: time, site: Site) -> datetime:
    """The typed time on the check-in's local day (the next day if it is earlier: past midnight)."""
    zone = ZoneInfo(site.timezone)
    local = start.astimezone(zone)
    end = datetime.combine(local.date(), clock, tzinfo=zone)
    return end if end > local else end + timedelta(days=1)


async def _record_check_out(
    req: Request, draft: Draft, end: datetime, photo: Photo | None, manual_reason: str | None
) -> Next:
    result = await attendance.check_out(
        req.origin,
        attendance_id=int(draft["attendance_id"]),
        end=end,
        message=_message(req.update.message),
        photo=photo,
        manual_reason=manual_reason,
    )
    if result.outcome is not Outcome.RECORDED:
        raise _not_recorded(req, result)
    case, site, ledger = result.case, result.site, result.ledger
    assert case is not None and site is not None and ledger is not None
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
    return DONE


# -- the flows ------------------------------------------------------------------------------


CHECK_IN_FLOW = Form(
    name="check_in",
    prefix=IN,
    command=CHECK_IN,
    action=Action.ATTENDANCE,
    start=_check_in_args,
    entries=(
        MessageEntry(
            PRIVATE
            & (filters.PHOTO | filters.Document.IMAGE)
            & filters.CaptionRegex(r"^/(hadir|checkin)\b"),
            _captioned,
        ),
    ),
    steps=(
        Step(
            "case",
            lambda r, d: r.texts("attendance.choose_in"),
            on_choice=_expected_chosen,
            choices=_expected,
            skip=_has_case,
            tag="c",
        ),
        Step(
            "photo",
            lambda r, d: r.texts("attendance.ask_photo", name=d["name"]),
            on_photo=_check_in_photo,
            on_location=_location_noted,
            again=lambda r, d: r.texts("attendance.expected_photo"),
            tag="p",
        ),
    ),
    timeout_seconds=TIMEOUT_SECONDS,
)

CHECK_OUT_FLOW = Form(
    name="check_out",
    prefix=OUT,
    command=CHECK_OUT,
    action=Action.ATTENDANCE,
    start=_check_out_args,
    steps=(
        Step(
            "attendance",
            lambda r, d: r.texts("attendance.choose_out"),
            on_choice=_open_chosen,
            choices=_open_here,
            skip=_has_attendance,
            tag="a",
        ),
        Step(
            "end",
            lambda r, d: r.texts("attendance.ask_out_photo", name=d["name"]),
            on_photo=_check_out_photo,
            on_text=_check_out_typed,
            again=lambda r, d: r.texts("attendance.expected_photo_or_time"),
            tag="p",
        ),
    ),
    timeout_seconds=TIMEOUT_SECONDS,
)


def conversations() -> list[ConversationHandler[ContextTypes.DEFAULT_TYPE]]:
    return [build(CHECK_IN_FLOW), build(CHECK_OUT_FLOW)]

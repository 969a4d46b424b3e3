"""``/hadir`` (check-in) and ``/pulang`` (check-out): what a supervisor does on site, one-handed.

Check-in: choose today's offender (buttons) or name the case (``/hadir KS-2026-0042``), then
send a photo of them at work; a location may be shared first. A photo whose caption is
``/hadir KS-…`` does it in one step. The photo message's time is the check-in time.

Check-out: choose an open attendance, then a photo; or, when it was forgotten, type the
end time and a reason ("12.00 lupa check-out"), which marks the record as entered by hand.
The reply shows the hours credited and the case's progress. Both are flows of the one
engine in ``handlers.forms``; what a check-in or check-out records is ``services.attendance``'s.
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram import Message as TgMessage
from telegram.ext import ContextTypes, ConversationHandler, filters

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.models import Case, Site
from domain.parsing import parse_time
from domain.permissions import Action
from handlers import roll_call
from handlers.context import Request
from handlers.filters import PRIVATE
from handlers.forms import (
    DONE,
    STAY,
    ButtonEntry,
    Choice,
    Draft,
    Finished,
    Form,
    Goto,
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
from services import roll_call as roll_call_service
from services.attendance import Message, Outcome, Photo, Recorded
from texts import Html, join_lines
from texts.formatting import format_clock, format_duration

IN, OUT = Prefix.CHECK_IN, Prefix.CHECK_OUT
ABSENT = "absent"  # the card's "tidak hadir…" button
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


async def _expected_options(
    req: Request, site_id: int | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """Today's local day and ``(value, label)`` of everyone expected and not yet in (at the
    site chosen, if one was)."""
    expected = [
        (case, site)
        for case, site in await attendance.expected_today(req.db.reader(), req.origin)
        if site_id is None or site.id == site_id
    ]
    if not expected:
        raise Finished(req.texts("attendance.nobody_expected"))
    # Each card is today's: the local day is in its buttons, and yesterday's is stale.
    day = f"{attendance.local_midnight(req.now, expected[0][1]):%Y%m%d}"
    return day, [
        (
            f"{attendance.local_midnight(req.now, site):%Y%m%d}.{case.id}",
            f"{case.offender_name} · {case.code}",
        )
        for case, site in expected
    ]


async def _expected(req: Request, draft: Draft) -> list[Choice]:
    day, options = await _expected_options(req, draft.get("site_id"))
    if "card" not in draft:  # asked the first time; a tap changes only the buttons
        draft["_card"] = await roll_call.card(req, "roll.pick_in", draft.get("site_id"))
    choices = roll_call.toggles(req, draft, options, day=day, all_key="roll.all_in")
    absent = Choice(req.texts.plain("roll.absent"), f"{ABSENT}.{day}")
    return [*choices[: len(options)], absent, *choices[len(options) :]]  # "continue" last


async def _absent_instead(req: Request, draft: Draft, options: list[tuple[str, str]]) -> None:
    """ "Tidak hadir…" on the card: the card's choosing ends, and each person not here gets
    the absence report's own button (``handlers.absences``), which asks the category."""
    query = req.update.callback_query
    if query is not None:
        await query.edit_message_reply_markup(None)
    rows = [
        [
            InlineKeyboardButton(
                label.split(" · ")[0],
                callback_data=callbacks.encode(Prefix.MARK_ABSENT, value.partition(".")[2]),
            )
        ]
        for value, label in options
    ]
    await req.reply(req.texts("roll.who_absent"), reply_markup=InlineKeyboardMarkup(rows))
    raise Finished()


async def _expected_chosen(req: Request, draft: Draft, value: str) -> Next:
    day, options = await _expected_options(req, draft.get("site_id"))
    roll_call.remember_card(req, draft)
    if value == f"{ABSENT}.{day}":
        await _absent_instead(req, draft, options)
    if not roll_call.toggled(draft, value, [v for v, _ in options], day=day):
        return None
    draft["_done"] = True
    labels = dict(options)
    case_ids = [int(v.partition(".")[2]) for v in draft["picked"]]
    draft["case_ids"] = case_ids
    if len(case_ids) == 1:
        draft.update({"case_id": case_ids[0], "name": labels[draft["picked"][0]].split(" · ")[0]})
    else:
        draft["name"] = req.texts.plain("roll.group").format(n=len(case_ids))
    return None


def _ask_photo(req: Request, draft: Draft) -> Html:
    if len(draft.get("case_ids") or []) > 1:
        return req.texts("roll.ask_group_photo", n=len(draft["case_ids"]))
    return req.texts("attendance.ask_photo", name=draft["name"])


async def _site_chosen(req: Request, draft: Draft, value: str) -> Next:
    await roll_call.site_chosen(req, draft, value)
    return None


async def _from_day_list(req: Request, draft: Draft, parts: list[str]) -> Next:
    """The button under the pengawas's morning list opens the card, on that list's day only."""
    day, _ = await _expected_options(req)
    if parts != [day]:
        raise Stale
    return None


async def _location_noted(req: Request, draft: Draft, latitude: float, longitude: float) -> Next:
    draft["location"] = (latitude, longitude)
    await req.reply(req.texts("attendance.location_noted"))
    return STAY


async def _check_in_photo(req: Request, draft: Draft, photo: Photo) -> Next:
    if len(draft.get("case_ids") or []) > 1:
        return await _record_check_ins(req, draft, photo)
    return await _record_check_in(req, draft, int(draft["case_id"]), photo, draft.get("location"))


async def _record_check_ins(req: Request, draft: Draft, photo: Photo) -> Next:
    """One photo of the group: everyone chosen is checked in with it, the card rewritten."""
    if photo.size is not None and photo.size > evidence.MAX_DOWNLOAD_BYTES:
        raise Invalid(req.texts("attendance.photo_too_big"))
    results = await roll_call_service.check_in_all(
        req.origin,
        case_ids=[int(i) for i in draft["case_ids"]],
        photo=photo,
        message=_message(req.update.message),
        location=draft.get("location"),
    )
    recorded = [r for r in results if r.outcome is Outcome.RECORDED]
    if not recorded and all(r.outcome is Outcome.PHOTO_USED for r in results):
        raise Invalid(req.texts("attendance.photo_used"))
    lines = [_refusal(req, r) for r in results if r not in recorded]
    if recorded:
        first = recorded[0]
        assert first.site is not None and first.at is not None
        clock = format_clock(first.at, first.site.timezone, req.texts.lang)
        lines.insert(0, req.texts("roll.in_done", n=len(recorded), time=clock))
        if first.outside_geofence and first.distance_m is not None:
            distance = round(first.distance_m)
            lines.append(req.texts("attendance.outside_geofence", distance=distance))
    await roll_call.refresh(req, draft)
    await req.reply(join_lines(lines), reply_markup=ReplyKeyboardRemove())
    kept = next((r for r in recorded if r.evidence_id is not None), None)
    if kept is not None and kept.evidence_id is not None:
        await _keep_evidence(req, kept.evidence_id, photo, kept.site)
    return DONE


def _checked_in_lines(req: Request, result: Recorded) -> Html:
    case, site = result.case, result.site
    assert case is not None and site is not None and result.at is not None
    clock = format_clock(result.at, site.timezone, req.texts.lang)
    lines = [
        req.texts("attendance.checked_in", name=case.offender_name, code=case.code, time=clock)
    ]
    if result.outside_geofence and result.distance_m is not None:
        lines.append(req.texts("attendance.outside_geofence", distance=round(result.distance_m)))
    return join_lines(lines)


def _refusal(req: Request, result: Recorded) -> Html:
    """Why one person of a roll-call was not recorded, in one line."""
    case = result.case
    if result.outcome is Outcome.ALREADY_IN and case is not None:
        return req.texts("attendance.already_in", code=case.code, name=case.offender_name)
    key, _ = _NOT_RECORDED[result.outcome]
    return req.texts(
        key,
        code=case.code if case else "",
        name=case.offender_name if case else "",
        state=req.texts.plain(f"life.{result.life}") if result.life else "",
    )


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
    return await _record_check_in(req, draft, case.id, photo, None)


async def _record_check_in(
    req: Request, draft: Draft, case_id: int, photo: Photo, location: tuple[float, float] | None
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
    assert case is not None and site is not None
    await req.reply(_checked_in_lines(req, result), reply_markup=ReplyKeyboardRemove())
    await roll_call.refresh(req, draft)
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


async def _open_options(
    req: Request, site_id: int | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """Today's local day and ``(attendance id, label)`` of everyone still in at my sites
    (at the site chosen, if one was)."""
    open_now = [
        row
        for row in await attendance.open_here(req.db.reader(), req.origin)
        if site_id is None or row[2].id == site_id
    ]
    if not open_now:
        raise Finished(req.texts("attendance.nobody_open"))
    since = req.texts.plain("attendance.since")
    day = f"{attendance.local_midnight(req.now, open_now[0][2]):%Y%m%d}"
    return day, [
        (
            str(attendance_id),
            f"{case.offender_name} · {since} {format_clock(start, site.timezone, req.texts.lang)}",
        )
        for attendance_id, case, site, start in open_now
    ]


async def _open_here(req: Request, draft: Draft) -> list[Choice]:
    day, options = await _open_options(req, draft.get("site_id"))
    if "card" not in draft:  # asked the first time; a tap changes only the buttons
        draft["_card"] = await roll_call.card(req, "roll.pick_out", draft.get("site_id"))
    return roll_call.toggles(req, draft, options, day=day, all_key="roll.all_out")


async def _open_chosen(req: Request, draft: Draft, value: str) -> Next:
    day, options = await _open_options(req, draft.get("site_id"))
    roll_call.remember_card(req, draft)
    if not roll_call.toggled(draft, value, [v for v, _ in options], day=day):
        return None
    draft["_done"] = True
    ids = [int(v) for v in draft["picked"]]
    draft["attendance_ids"] = ids
    if len(ids) == 1:
        store = req.db.reader()
        found = await store.attendance.attendance(ids[0])
        case = await store.cases.get(found[0]) if found else None
        if case is None:
            raise Stale
        _chose(draft, case)
        draft["attendance_id"] = ids[0]
    else:
        draft["name"] = req.texts.plain("roll.group").format(n=len(ids))
    return None


def _ask_out(req: Request, draft: Draft) -> Html:
    if len(draft.get("attendance_ids") or []) > 1:
        return req.texts("roll.ask_group_out", n=len(draft["attendance_ids"]))
    return req.texts("attendance.ask_out_photo", name=draft["name"])


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
    first_id = int(_attendance_ids(draft)[0])
    found = await store.attendance.attendance(first_id)
    case = await store.cases.get(found[0]) if found else None
    site = await store.sites.get(case.site_id) if case else None
    start = await attendance.start_of(store, first_id)
    if site is None or start is None:
        raise Finished()
    end = _on_day_of(start, clock, site)
    return await _record_check_out(req, draft, end, None, reason.strip()[:300])


async def _home_button(req: Request, draft: Draft) -> list[Choice]:
    return [Choice(req.texts.plain("sent_home.button"), "home")]


async def _home_early(req: Request, draft: Draft, value: str) -> Next:
    """Sent home before the end: why, then the reason; the time is now."""
    if value != "home":
        raise Stale
    return Goto("cause")


async def _causes(req: Request, draft: Draft) -> list[Choice]:
    return [
        Choice(req.texts.plain(f"sent_home.{c}"), c) for c in roll_call_service.SENT_HOME_CAUSES
    ]


async def _cause_chosen(req: Request, draft: Draft, value: str) -> Next:
    if value not in roll_call_service.SENT_HOME_CAUSES:
        raise Stale
    draft["cause"] = value
    return None


async def _sent_home_because(req: Request, draft: Draft, text: str) -> Next:
    reason = " ".join(text.split())
    if len(reason) < REASON_MIN:
        raise Invalid(req.texts("sent_home.ask_reason", min=REASON_MIN))
    cause = str(draft["cause"])
    return await _record_check_out(req, draft, req.now, None, None, (cause, reason[:300]))


def _rate_button(req: Request, recorded: list[Recorded]) -> InlineKeyboardMarkup | None:
    """Under a check-out's answer: the day's rating card (``handlers.ratings``)."""
    site = recorded[0].site if recorded else None
    if site is None:
        return None
    day = f"{attendance.local_midnight(req.now, site):%Y%m%d}"
    label = req.texts.plain("rating.open")
    data = callbacks.encode(Prefix.RATING_CARD, day)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


def _attendance_ids(draft: Draft) -> list[int]:
    return [int(i) for i in draft.get("attendance_ids") or [draft["attendance_id"]]]


def _on_day_of(start: datetime, clock: time, site: Site) -> datetime:
    """The typed time on the check-in's local day (the next day if it is earlier: past midnight)."""
    zone = ZoneInfo(site.timezone)
    local = start.astimezone(zone)
    end = datetime.combine(local.date(), clock, tzinfo=zone)
    return end if end > local else end + timedelta(days=1)


async def _record_check_out(
    req: Request,
    draft: Draft,
    end: datetime,
    photo: Photo | None,
    manual_reason: str | None,
    sent_home: tuple[str, str] | None = None,
) -> Next:
    """Everyone chosen checked out at ``end`` with the one photo (or by hand, or sent home),
    the card rewritten; one person's refusal is said on their line."""
    ids = _attendance_ids(draft)
    results = await roll_call_service.check_out_all(
        req.origin,
        attendance_ids=ids,
        end=end,
        message=_message(req.update.message),
        photo=photo,
        manual_reason=manual_reason,
        sent_home=sent_home,
    )
    recorded = [r for r in results if r.outcome is Outcome.RECORDED]
    if len(results) == 1 and not recorded:
        raise _not_recorded(req, results[0])
    if not recorded and all(_NOT_RECORDED[r.outcome][1] for r in results):
        raise _not_recorded(req, results[0])  # a better photo or time can still be sent
    lines = [_refusal(req, r) for r in results if r not in recorded]
    if len(results) == 1:
        [result] = results
        case, site, ledger = result.case, result.site, result.ledger
        assert case is not None and site is not None and ledger is not None
        lines.append(
            req.texts(
                "attendance.checked_out",
                name=case.offender_name,
                time=format_clock(end, site.timezone, req.texts.lang),
                credited=format_duration(result.credited_minutes, req.texts.lang),
            )
        )
        lines.append(progress_line(req, ledger))
    elif recorded:
        assert recorded[0].site is not None
        clock = format_clock(end, recorded[0].site.timezone, req.texts.lang)
        if sent_home is None:  # sent home: said below, once
            lines.insert(0, req.texts("roll.out_done", n=len(recorded), time=clock))
    if manual_reason is not None and recorded:
        lines.append(req.texts("attendance.marked_manual"))
    if sent_home is not None and recorded:
        assert recorded[0].site is not None
        clock = format_clock(end, recorded[0].site.timezone, req.texts.lang)
        lines.append(req.texts("sent_home.done", n=len(recorded), time=clock))
    await roll_call.refresh(req, draft)
    await req.reply(join_lines(lines), reply_markup=_rate_button(req, recorded))
    first = next((r for r in recorded if r.evidence_id is not None), None)
    if first is not None and first.evidence_id is not None and photo is not None:
        await _keep_evidence(req, first.evidence_id, photo, None)
    return DONE


# -- the flows ------------------------------------------------------------------------------


CHECK_IN_FLOW = Form(
    name="check_in",
    prefix=IN,
    command=CHECK_IN,
    action=Action.ATTENDANCE,
    start=_check_in_args,
    entries=(
        ButtonEntry(Prefix.SESSION_CARD, 1, _from_day_list),
        MessageEntry(
            PRIVATE
            & (filters.PHOTO | filters.Document.IMAGE)
            & filters.CaptionRegex(r"^/(hadir|checkin)\b"),
            _captioned,
        ),
    ),
    steps=(
        Step(
            "site",
            lambda r, d: r.texts("roll.choose_site"),
            on_choice=_site_chosen,
            choices=roll_call.site_choices,
            skip=roll_call.one_site,
            tag="s",
        ),
        Step(
            "case",
            lambda r, d: d["_card"],  # the session card, read by the choices just before
            on_choice=_expected_chosen,
            choices=_expected,
            skip=_has_case,
            repeat_until_done=True,
            tag="c",
        ),
        Step(
            "photo",
            _ask_photo,
            on_photo=_check_in_photo,
            on_location=_location_noted,
            again=lambda r, d: r.texts("attendance.expected_photo"),
            location_button=lambda r, d: r.texts.plain("roll.share_location"),
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
            "site",
            lambda r, d: r.texts("roll.choose_site"),
            on_choice=_site_chosen,
            choices=roll_call.site_choices,
            skip=roll_call.one_site,
            tag="s",
        ),
        Step(
            "attendance",
            lambda r, d: d["_card"],  # the session card, read by the choices just before
            on_choice=_open_chosen,
            choices=_open_here,
            skip=_has_attendance,
            repeat_until_done=True,
            tag="a",
        ),
        Step(
            "end",
            _ask_out,
            on_photo=_check_out_photo,
            on_text=_check_out_typed,
            on_choice=_home_early,
            choices=_home_button,
            again=lambda r, d: r.texts("attendance.expected_photo_or_time"),
            tag="p",
        ),
        Step(
            "cause",
            lambda r, d: r.texts("sent_home.ask_cause"),
            on_choice=_cause_chosen,
            choices=_causes,
            in_place=True,
            tag="h",
        ),
        Step(
            "why",
            lambda r, d: r.texts("sent_home.ask_reason", min=REASON_MIN),
            on_text=_sent_home_because,
            tag="w",
        ),
    ),
    timeout_seconds=TIMEOUT_SECONDS,
)


# -- a photo with no command ---------------------------------------------------------------


async def _stray_photo(req: Request, draft: Draft, args: list[str]) -> Next:
    """Keep the photo and its message; the next step asks whom it shows."""
    message = req.update.message
    assert message is not None
    photo = photo_of(message)
    if photo is None:
        raise Finished()
    draft["photo"] = [photo.file_id, photo.file_unique_id, photo.size]
    draft["message"] = [message.chat_id, message.message_id, message.date.isoformat()]
    return None


async def _whose(req: Request, draft: Draft) -> list[Choice]:
    """Everyone expected today who has not come (their check-in) and everyone still in
    (their check-out)."""
    store = req.db.reader()
    arriving = await attendance.expected_today(store, req.origin)
    leaving = await attendance.open_here(store, req.origin)
    if not arriving and not leaving:
        raise Finished(req.texts("roll.photo_nobody"))
    came, goes = req.texts.plain("roll.photo_in"), req.texts.plain("roll.photo_out")
    return [
        *(Choice(f"{came}: {case.offender_name}", f"i{case.id}") for case, _ in arriving),
        *(Choice(f"{goes}: {case.offender_name}", f"o{a}") for a, case, _, _ in leaving),
    ]


async def _photo_for(req: Request, draft: Draft, value: str) -> Next:
    """Record the kept photo for the person chosen: a check-in or a check-out, as if the
    photo had been sent at that step (its own time is the record's)."""
    kind, raw = value[:1], value[1:]
    if kind not in ("i", "o") or not raw.isdigit():
        raise Stale
    file_id, unique_id, size = draft["photo"]
    photo = Photo(file_id, unique_id, size)
    chat_id, message_id, sent_at = draft["message"]
    where = Message(int(chat_id), int(message_id), datetime.fromisoformat(sent_at))
    if kind == "i":
        result = await attendance.check_in(req.origin, case_id=int(raw), photo=photo, message=where)
        if result.outcome is not Outcome.RECORDED:
            raise Finished(_refusal(req, result))
        await req.reply(_checked_in_lines(req, result))
    else:
        result = await attendance.check_out(
            req.origin, attendance_id=int(raw), end=where.sent_at, message=where, photo=photo
        )
        if result.outcome is not Outcome.RECORDED:
            raise Finished(_refusal(req, result))
        case, site, ledger = result.case, result.site, result.ledger
        assert case is not None and site is not None and ledger is not None
        checked_out = req.texts(
            "attendance.checked_out",
            name=case.offender_name,
            time=format_clock(where.sent_at, site.timezone, req.texts.lang),
            credited=format_duration(result.credited_minutes, req.texts.lang),
        )
        await req.reply(join_lines([checked_out, progress_line(req, ledger)]))
    if result.evidence_id is not None:
        await _keep_evidence(req, result.evidence_id, photo, result.site)
    return DONE


STRAY_PHOTO_FLOW = Form(
    name="stray_photo",
    prefix=Prefix.STRAY_PHOTO,
    command=None,
    action=Action.ATTENDANCE,
    steps=(
        Step(
            "whose",
            lambda r, d: r.texts("roll.photo_whose"),
            on_choice=_photo_for,
            choices=_whose,
            tag="w",
        ),
    ),
    timeout_seconds=TIMEOUT_SECONDS,
)


def conversations() -> list[ConversationHandler[ContextTypes.DEFAULT_TYPE]]:
    return [build(CHECK_IN_FLOW), build(CHECK_OUT_FLOW)]


def stray_photos(
    otherwise: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]],
) -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    """A photo sent with no command and outside every flow: "Foto ini untuk siapa?", with
    today's people as buttons. Registered after every other flow, so a photo a flow is
    waiting for never lands here; ``otherwise`` answers those who record nothing."""
    entry = MessageEntry(PRIVATE & filters.PHOTO, _stray_photo, otherwise)
    return build(replace(STRAY_PHOTO_FLOW, entries=(entry,)))

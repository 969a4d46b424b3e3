"""``/daftar_hadir [besok | tanggal]``: the day's paper attendance sheet per site (an A4 PDF),
and, from the button under it, entering the sheet afterwards, one person at a time with the
times typed from the paper (``services.paper_sheet``).
"""

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram import Message as TgMessage
from telegram.ext import ContextTypes, ConversationHandler

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.parsing import parse_date, parse_time
from domain.permissions import Action
from handlers.context import Request
from handlers.forms import (
    ButtonEntry,
    Choice,
    Draft,
    Finished,
    Form,
    Goto,
    Invalid,
    Next,
    Stale,
    Step,
    build,
)
from handlers.guards import command
from handlers.render import progress_line
from services import paper_sheet
from services.attendance import Message, Outcome
from texts import Html, join_lines
from texts.formatting import format_day, format_duration

SHEET, FORM = Prefix.PAPER_SHEET, Prefix.PAPER_FORM
TOMORROW = {"besok", "tomorrow"}
DONE = "done"
_RANGE = re.compile(r"^\s*(\S+?)\s*(?:-|–|s/?d|sampai|to)\s*(\S+)\s*$", re.IGNORECASE)

_REFUSED = {
    Outcome.NOT_YOURS: "attendance.not_your_case",
    Outcome.CASE_FINISHED: "attendance.case_finished",
    Outcome.ALREADY_IN: "paper.already_in",
    Outcome.SESSION_ABSENT: "paper.not_planned",
    Outcome.SESSION_CANCELLED: "paper.not_planned",
}


def _today(req: Request, zone: str) -> date:
    return req.now.astimezone(ZoneInfo(zone)).date()


@command(Action.ATTENDANCE)
async def daftar_hadir(req: Request) -> None:
    store = req.db.reader()
    sites = await paper_sheet.my_sites(store, req.origin)
    if not sites:
        await req.reply(req.texts("schedule.no_sites"))
        return
    argument = " ".join(req.context.args or [])[:40].strip().lower()
    sent = 0
    days: set[date] = set()
    for site in sites:
        today = _today(req, site.timezone)
        if not argument or argument in {"hari ini", "today"}:
            day: date | None = today
        elif argument in TOMORROW:
            day = today + timedelta(days=1)
        else:
            day = parse_date(argument)
        if day is None:
            await req.reply(req.texts("paper.usage"))
            return
        days.add(day)
        sheet = await paper_sheet.gather(store, req.origin, site, day)
        if not sheet.rows:
            continue
        document = await paper_sheet.sheet_pdf(sheet)
        enter = callbacks.encode(SHEET, site.id, f"{day:%Y%m%d}")
        await req.context.bot.send_document(
            req.chat_id,
            document=document,
            filename=paper_sheet.filename(sheet),
            caption=req.texts(
                "paper.caption",
                site=site.name,
                day=format_day(day, req.texts.lang),
                count=len(sheet.rows),
            ),
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(req.texts.plain("paper.enter"), callback_data=enter)]]
            ),
        )
        await req.audit(
            "sheet.printed",
            subject=f"site:{site.id}",
            detail={"day": day.isoformat(), "people": len(sheet.rows)},
        )
        sent += 1
    if not sent:
        shown = format_day(min(days), req.texts.lang) if days else ""
        await req.reply(req.texts("paper.nothing", day=shown))


# -- entering the sheet afterwards -----------------------------------------------------------


async def _begin(req: Request, draft: Draft, parts: list[str]) -> Next:
    site_id = callbacks.decode_int(parts[0])
    raw = parts[1]
    day = parse_date(f"{raw[:4]}-{raw[4:6]}-{raw[6:]}") if len(raw) == 8 else None
    if site_id is None or day is None:
        raise Stale
    site = await paper_sheet.site_of(req.db.reader(), req.origin, site_id)
    if site is None:
        raise Stale
    if day > _today(req, site.timezone):
        raise Finished(req.texts("paper.not_yet", day=format_day(day, req.texts.lang)))
    draft.update(site_id=site.id, site_name=site.name, day=day.isoformat())
    if not await _left(req, draft):
        raise Finished(req.texts("paper.all_entered"))
    return None


async def _left(req: Request, draft: Draft) -> list[Choice]:
    site = await paper_sheet.site_of(req.db.reader(), req.origin, int(draft["site_id"]))
    if site is None:
        return []
    rows = await paper_sheet.to_enter(
        req.db.reader(), req.origin, site, date.fromisoformat(draft["day"])
    )
    return [Choice(f"{r.case.offender_name} · {r.case.code}", str(r.case.id)) for r in rows]


async def _who_choices(req: Request, draft: Draft) -> list[Choice]:
    return [*await _left(req, draft), Choice(req.texts.plain("paper.done"), DONE)]


def _ask_who(req: Request, draft: Draft) -> Html:
    day = format_day(date.fromisoformat(draft["day"]), req.texts.lang)
    return req.texts("paper.ask_who", site=draft["site_name"], day=day)


async def _who(req: Request, draft: Draft, value: str) -> Next:
    if value == DONE:
        raise Finished(req.texts("paper.finished"))
    labels = {c.value: c.label for c in await _left(req, draft)}
    if value not in labels:
        raise Stale
    draft["case_id"] = int(value)
    draft["name"] = labels[value].split(" · ")[0]
    return None


def _ask_times(req: Request, draft: Draft) -> Html:
    return req.texts("paper.ask_times", name=draft["name"])


async def _times(req: Request, draft: Draft, text: str) -> Next:
    match = _RANGE.match(text)
    start = parse_time(match[1]) if match else None
    end = parse_time(match[2]) if match else None
    if start is None or end is None:
        raise Invalid(req.texts("paper.bad_times"))
    message = req.update.effective_message
    assert isinstance(message, TgMessage)
    result = await paper_sheet.enter_from_paper(
        req.origin,
        case_id=int(draft["case_id"]),
        day=date.fromisoformat(draft["day"]),
        start=start,
        end=end,
        message=Message(message.chat_id, message.message_id, message.date),
    )
    if result.outcome is Outcome.END_BEFORE_START:
        raise Invalid(req.texts("attendance.end_before_start"))
    if result.outcome is Outcome.END_IN_FUTURE:
        raise Invalid(req.texts("attendance.end_in_future"))
    if result.outcome is not Outcome.RECORDED:
        key = _REFUSED.get(result.outcome, "attendance.not_your_case")
        code = result.case.code if result.case else ""
        await req.reply(req.texts(key, code=code, name=draft["name"]))
    else:
        assert result.case is not None and result.ledger is not None
        await req.reply(
            join_lines(
                [
                    req.texts(
                        "paper.entered",
                        name=result.case.offender_name,
                        start=start.strftime("%H.%M"),
                        end=end.strftime("%H.%M"),
                        credited=format_duration(result.credited_minutes, req.texts.lang),
                    ),
                    progress_line(req, result.ledger),
                ]
            )
        )
    if not await _left(req, draft):
        raise Finished(req.texts("paper.all_entered"))
    return Goto("who")


SHEET_FORM = Form(
    name="paper_sheet",
    prefix=FORM,
    command=None,
    action=Action.ATTENDANCE,
    entries=(ButtonEntry(SHEET, 2, _begin),),
    steps=(
        Step("who", _ask_who, on_choice=_who, choices=_who_choices),
        Step("times", _ask_times, on_text=_times),
    ),
)


def conversation() -> ConversationHandler[ContextTypes.DEFAULT_TYPE]:
    return build(SHEET_FORM)

"""``/libur``: the national calendar of days off, the admin's corrections to it, and a
region's own days off (``services.holidays``).

``/libur daerah 09-12-2027 Pilkada`` asks with buttons which agency's region it is; a new
day off that already has sessions planned offers to move them (a button) or to leave them.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain import callback_data as callbacks
from domain.callback_data import Prefix
from domain.parsing import parse_date, parse_yes_no
from domain.permissions import Action
from domain.roles import AgencyType
from handlers.context import Request
from handlers.guards import button, command, stale
from services import holidays as holiday_rules
from services.holidays import Corrected, Outcome
from services.scheduling import days_off_between
from texts import Html, join_lines
from texts.formatting import format_day

PICK = Prefix.HOLIDAY_MOVE
_PENDING = "holiday:regional"
REGIONAL = frozenset({"daerah", "regional", "local"})
#: Who declares a regional day off: a local government (and its offices), whose sites close.
_REGIONS = (AgencyType.PEMPROV, AgencyType.PEMKAB, AgencyType.PEMKOT, AgencyType.DINAS)

LIST_DAYS = 120
ADD = frozenset({"tambah", "add"})
REMOVE = frozenset({"hapus", "remove"})
CUTI = frozenset({"cuti_bersama", "cuti", "collective_leave"})


@command(Action.HOLIDAYS)
async def holidays(req: Request) -> None:
    args = req.context.args or []
    if not args:
        await _list(req)
        return
    verb = args[0].lower()
    if verb in CUTI and len(args) == 2 and (on := parse_yes_no(args[1])) is not None:
        saved = await holiday_rules.set_cuti_bersama(req.origin, on)
        if saved is Outcome.REFUSED:
            await req.reply(req.texts("refused"))
            return
        await req.reply(req.texts("holiday.cuti_on" if on else "holiday.cuti_off"))
        return
    if verb in REGIONAL and len(args) >= 2:
        await _ask_region(req, args)
        return
    if verb in ADD | REMOVE and len(args) >= 2:
        day = parse_date(args[1])
        if day is None:
            await req.reply(req.texts("case.bad_date"))
            return
        off = verb in ADD
        result = await holiday_rules.correct_day(
            req.origin,
            day,
            off=off,
            name=" ".join(args[2:]) or req.texts.plain("holiday.default_name"),
        )
        if result.outcome is Outcome.REFUSED:
            await req.reply(req.texts("refused"))
            return
        key = "holiday.added" if off else "holiday.removed"
        lines = [req.texts(key, day=format_day(day, req.texts.lang), name=result.name)]
        await _saved(req, lines, result)
        return
    await req.reply(req.texts("holiday.usage"))


async def _saved(req: Request, lines: list[Html], result: Corrected) -> None:
    """The day off is saved: say so, and offer to move what is planned on it."""
    keyboard = None
    if result.affected and result.override_id is not None:
        lines.append(req.texts("holiday.affected_offer", count=result.affected))
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        req.texts.plain("holiday.move_button").format(count=result.affected),
                        callback_data=callbacks.encode(PICK, "m", result.override_id),
                    )
                ],
                [
                    InlineKeyboardButton(
                        req.texts.plain("holiday.keep_button"),
                        callback_data=callbacks.encode(PICK, "k", result.override_id),
                    )
                ],
            ]
        )
    await req.reply(join_lines(lines), reply_markup=keyboard)


async def _ask_region(req: Request, args: list[str]) -> None:
    day = parse_date(args[1])
    if day is None:
        await req.reply(req.texts("case.bad_date"))
        return
    agencies = [a for a in await req.db.reader().agencies.all() if a.type in _REGIONS]
    if not agencies:
        await req.reply(req.texts("holiday.no_region"))
        return
    assert req.context.user_data is not None
    req.context.user_data[_PENDING] = {
        "day": day.isoformat(),
        "name": " ".join(args[2:]) or req.texts.plain("holiday.default_name"),
    }
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(a.name, callback_data=callbacks.encode(PICK, "a", a.id))]
            for a in agencies
        ]
    )
    await req.reply(
        req.texts("holiday.ask_region", day=format_day(day, req.texts.lang)),
        reply_markup=keyboard,
    )


@button(Action.HOLIDAYS)
async def holiday_button(req: Request) -> None:
    """The region of a regional day off, or what to do with the sessions on a new day off."""
    query = req.update.callback_query
    assert query is not None
    parts = callbacks.decode(query.data, PICK, 2)
    chosen = callbacks.decode_int(parts[1]) if parts else None
    if parts is None or chosen is None or parts[0] not in ("a", "m", "k"):
        await stale(req)
        return
    if parts[0] == "a":
        await _region_chosen(req, chosen)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if parts[0] == "k":
        await req.reply(req.texts("holiday.kept"))
        return
    result = await holiday_rules.move_off_day_off(
        req.origin, chosen, reason=req.texts.plain("holiday.move_reason")
    )
    if result.outcome is not Outcome.SAVED or result.day is None:
        await req.reply(req.texts("stale_button"))
        return
    lang = req.texts.lang
    lines = [req.texts("holiday.moved", count=len(result.moved))]
    lines += [
        req.texts("holiday.moved_line", code=code, day=format_day(day, lang))
        for code, day in result.moved
    ]
    if result.stuck:
        lines.append(req.texts("holiday.stuck", codes=", ".join(result.stuck)))
    await req.reply(join_lines(lines))


async def _region_chosen(req: Request, agency_id: int) -> None:
    query = req.update.callback_query
    assert query is not None and req.context.user_data is not None
    pending = req.context.user_data.pop(_PENDING, None)
    agency = await req.db.reader().agencies.get(agency_id)
    if not pending or agency is None:
        await stale(req)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    day = date.fromisoformat(pending["day"])
    result = await holiday_rules.correct_day(
        req.origin, day, off=True, name=pending["name"], agency_id=agency.id
    )
    if result.outcome is not Outcome.SAVED:
        await req.reply(req.texts("stale_button"))
        return
    lines = [
        req.texts(
            "holiday.added_regional",
            day=format_day(day, req.texts.lang),
            name=result.name,
            agency=agency.name,
        )
    ]
    await _saved(req, lines, result)


async def _list(req: Request) -> None:
    today = req.now.astimezone(ZoneInfo(req.services.default_timezone)).date()
    store = req.db.reader()
    last = today + timedelta(days=LIST_DAYS)
    days = await days_off_between(store, today, last)
    cuti = await store.holidays.cuti_bersama()
    lines = [req.texts("holiday.header", days=LIST_DAYS)]
    lines += [
        req.texts("holiday.line", day=format_day(day, req.texts.lang), name=name)
        for day, name in sorted(days.items())
    ] or [req.texts("holiday.none")]
    regional = [
        o
        for o in await store.holidays.overrides()
        if o.agency_id is not None and o.off and today <= o.day <= last
    ]
    if regional:
        names = {a.id: a.name for a in await store.agencies.all()}
        lines.append(req.texts("holiday.regional_header"))
        lines += [
            req.texts(
                "holiday.regional_line",
                day=format_day(o.day, req.texts.lang),
                name=o.name,
                agency=names.get(o.agency_id or 0, "?"),
            )
            for o in sorted(regional, key=lambda o: o.day)
        ]
    lines.append(req.texts("holiday.cuti_state_on" if cuti else "holiday.cuti_state_off"))
    lines.append(req.texts("holiday.usage"))
    await req.reply(join_lines(lines))

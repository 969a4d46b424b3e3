"""``/libur``: the national calendar of days off, and the admin's corrections to it
(``services.holidays``)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from domain.parsing import parse_date, parse_yes_no
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command
from services import holidays as holiday_rules
from services.holidays import Outcome
from services.scheduling import days_off_between
from texts import join_lines
from texts.formatting import format_day

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
        if result.affected:
            lines.append(req.texts("holiday.affected", count=result.affected))
        await req.reply(join_lines(lines))
        return
    await req.reply(req.texts("holiday.usage"))


async def _list(req: Request) -> None:
    today = req.now.astimezone(ZoneInfo(req.services.default_timezone)).date()
    store = req.db.reader()
    days = await days_off_between(store, today, today + timedelta(days=LIST_DAYS))
    cuti = await store.holidays.cuti_bersama()
    lines = [req.texts("holiday.header", days=LIST_DAYS)]
    lines += [
        req.texts("holiday.line", day=format_day(day, req.texts.lang), name=name)
        for day, name in sorted(days.items())
    ] or [req.texts("holiday.none")]
    lines.append(req.texts("holiday.cuti_state_on" if cuti else "holiday.cuti_state_off"))
    lines.append(req.texts("holiday.usage"))
    await req.reply(join_lines(lines))

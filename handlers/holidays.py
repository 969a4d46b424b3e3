"""``/libur``: the national calendar of days off, and the admin's corrections to it.

The joint ministerial decree on holidays and cuti bersama can change during the year, and a
later year's cuti bersama may not be known yet; so admins add or remove days, and cuti
bersama is a setting (on by default, because government offices close).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from domain.parsing import parse_date, parse_yes_no
from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command
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
        async with req.transaction() as store:
            await store.holidays.set_cuti_bersama(on)
            await store.audit.append(
                action="holidays.cuti_bersama", detail={"on": on}, **req.audit_fields()
            )
        await req.reply(req.texts("holiday.cuti_on" if on else "holiday.cuti_off"))
        return
    if verb in ADD | REMOVE and len(args) >= 2:
        day = parse_date(args[1])
        name = " ".join(args[2:])[:100] or req.texts.plain("holiday.default_name")
        if day is None:
            await req.reply(req.texts("case.bad_date"))
            return
        off = verb in ADD
        async with req.transaction() as store:
            await store.holidays.add_override(
                day,
                off=off,
                name=name,
                by=req.actor.person.id if req.actor.person else None,
                now=req.now,
            )
            await store.audit.append(
                action="holidays.override",
                subject=day.isoformat(),
                detail={"off": off},
                **req.audit_fields(),
            )
            affected = await store.cases.sessions_on(day)
        key = "holiday.added" if off else "holiday.removed"
        lines = [req.texts(key, day=format_day(day, req.texts.lang), name=name)]
        if off and affected:
            lines.append(req.texts("holiday.affected", count=affected))
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
